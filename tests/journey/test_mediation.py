"""Mediator readiness (issue 4, point 6): the ladder of L612 per sector."""

from datetime import date

import pytest

from ecoute.errors import BadDataFile
from ecoute.journey import mediation
from ecoute.journey.mediation import load_ladders, readiness


def _event(channel, when, outcome=None, by="customer"):
    return {"channel": channel, "when": when, "outcome": outcome, "_by": by}


def test_no_written_complaint_means_no_mediation_yet():
    out = readiness([_event("phone_agent", "2024-03-01", "refused")], date(2024, 9, 1), False)
    assert out["written_complaint"] is False and out["eligible"] is False
    assert "L612-2" in out["reasons"][0]


def test_telecom_two_months_without_any_answer():
    events = [_event("phone_agent", "2024-03-01"), _event("letter", "2024-03-10", "no_answer")]
    out = readiness(events, date(2024, 5, 20), False, "telecom")
    assert out["written_complaint_on"] == "2024-03-10"
    assert out["eligible_from"] == "2024-05-09" and out["deadline"] == "2025-03-10"
    assert out["eligible"] is True


def test_too_early_then_too_late():
    events = [_event("email", "2024-03-10")]
    assert readiness(events, date(2024, 4, 1), False, "telecom")["eligible"] is False
    assert readiness(events, date(2025, 3, 11), False, "telecom")["eligible"] is False
    assert readiness(events, date(2025, 3, 10), False, "telecom")["eligible"] is True


def test_insurance_answered_complaint_opens_mediation_at_once():
    events = [_event("letter", "2024-03-10"), _event("letter", "2024-03-25", "refused", by="company")]
    out = readiness(events, date(2024, 4, 1), False, "insurance")
    assert out["eligible_from"] == "2024-03-10" and out["eligible"] is True


def test_resolved_stories_do_not_need_a_mediator():
    out = readiness([_event("letter", "2024-03-10")], date(2024, 9, 1), True, "telecom")
    assert out["eligible"] is False


def test_unknown_date_leaves_eligibility_unknown():
    out = readiness([_event("letter", None)], date(2024, 9, 1), False)
    assert out["written_complaint"] is True and out["eligible"] is None and out["eligible_from"] is None


def test_operator_adds_a_sector(tmp_path, monkeypatch):
    (tmp_path / "mediation.yaml").write_text(
        "sectors:\n  water:\n    mediator: {name: Médiation de l'eau}\n    levels: []\n"
        "    after_days_with_answer: 0\n    after_days_without_answer: 30\n    limit_days: 365\n",
        encoding="utf-8",
    )
    load_ladders.cache_clear()
    monkeypatch.setenv("ECOUTE_HOME", str(tmp_path))
    try:
        out = readiness([_event("letter", "2024-03-10")], date(2024, 4, 15), False, "water")
        assert out["sector"] == "water" and out["eligible_from"] == "2024-04-09" and out["eligible"] is True
    finally:
        load_ladders.cache_clear()


def test_a_broken_ladder_is_a_clear_error(tmp_path, monkeypatch):
    (tmp_path / "mediation.yaml").write_text("sectors:\n  water:\n    limit_days: 365\n", encoding="utf-8")
    load_ladders.cache_clear()
    monkeypatch.setenv("ECOUTE_HOME", str(tmp_path))
    try:
        with pytest.raises(BadDataFile) as info:
            mediation.load_ladders()
        assert info.value.code == "ECO115" and "water" in str(info.value)
    finally:
        load_ladders.cache_clear()
