"""Every deadline of the ladder and of the SLA, with a frozen clock (issue 7,
points 3 and 7). The written complaint is on 10 January 2025."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from cases_helpers import record, store
from ecoute.cases import clock, ladder
from ecoute.cases.queries import get_case
from ecoute.cases.service import add_note, change, escalate
from ecoute.cases.worker import sweep
from ecoute.errors import IllegalTransition, TopOfLadder
from ecoute.store.models import CaseEvent, CaseRow

COMPLAINT = date(2025, 1, 10)


def _case_id(engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(CaseRow.id))


def _on(day: int) -> None:
    """Move the stopped clock to ``day`` days after the complaint, 08:00 UTC."""
    clock.set_time(f"{(COMPLAINT + timedelta(days=day)).isoformat()}T08:00:00+00:00")


def _level(engine) -> tuple[int, str]:
    case = get_case(engine, _case_id(engine)).case
    return case["level"], case["level_name"]


@pytest.mark.parametrize(
    ("sector", "answered_day", "expected"),
    [
        # telecom: 30 days at customer service, 30 more at consumer service, then the mediator; 60 days without any answer
        ("telecom", None, {0: 1, 29: 1, 30: 2, 59: 2, 60: 3, 400: 3}),
        ("telecom", 10, {29: 1, 30: 2, 59: 2, 60: 3}),
        # insurance: complaints service by hand; the mediator after its answer, or 60 days without one
        ("insurance", None, {0: 1, 59: 1, 60: 3}),
        ("insurance", 20, {19: 1, 20: 3}),
        ("energy", None, {59: 1, 60: 2}),
        ("generic", None, {0: 2}),
    ],
)
def test_every_deadline_of_the_ladder(engine, sector, answered_day, expected):
    store(engine, record("t1", metadata={"sector": sector}, complaint_on=COMPLAINT.isoformat()))
    case_id = _case_id(engine)
    for day, level in sorted(expected.items()):
        if answered_day is not None and day >= answered_day and get_case(engine, case_id).case["answered_on"] is None:
            _on(answered_day)
            add_note(engine, case_id, "alice", "Nous avons bien reçu votre réclamation.", kind="reply")
        _on(day)
        sweep(engine)
        assert _level(engine)[0] == level, f"{sector}, day {day}"


def test_the_case_shows_when_the_mediator_may_be_seized_and_until_when(engine):
    store(engine, record("t1", complaint_on="2025-01-10"))
    detail = get_case(engine, _case_id(engine), "fr")
    case = detail.case
    assert (case["complaint_on"], case["complaint_basis"]) == ("2025-01-10", "journey")
    assert case["mediator_from"] == "2025-03-11"  # 60 days
    assert case["mediation_until"] == "2026-01-10"  # one year
    assert detail.mediator["name"] == "Médiateur des communications électroniques"
    assert detail.mediator["url"].startswith("https://")
    assert [(s.level, s.name, s.label, s.on) for s in detail.steps] == [
        (1, "customer_service", "Service client", date(2025, 1, 10)),
        (2, "consumer_service", "Service consommateurs", date(2025, 2, 9)),
        (3, "mediator", "Médiateur", date(2025, 3, 11)),
    ]


def test_an_answer_brings_the_insurance_mediator_date_forward(engine):
    store(engine, record("t1", metadata={"sector": "insurance"}, complaint_on="2025-01-10"))
    case_id = _case_id(engine)
    assert get_case(engine, case_id).case["mediator_from"] == "2025-03-11"
    _on(20)
    add_note(engine, case_id, "alice", "Réponse du service réclamations : refus.", kind="reply")
    case = get_case(engine, case_id).case
    assert (case["answered_on"], case["mediator_from"], case["next_escalation_on"]) == ("2025-01-30", "2025-01-30", "2025-01-30")
    with engine.connect() as connection:
        moved = connection.execute(select(CaseEvent.before, CaseEvent.after).where(CaseEvent.kind == "mediator_from")).one()
    assert tuple(moved) == ("2025-03-11", "2025-01-30")


def test_escalation_is_recorded_once_with_its_reason(engine):
    store(engine, record("t1", complaint_on="2025-01-10"))
    _on(30)
    assert sweep(engine) == (1, 1)  # level 2, and the 72-hour SLA of a high case is long past
    assert sweep(engine) == (0, 0)  # nothing twice
    _on(61)
    assert sweep(engine) == (1, 0)
    with engine.connect() as connection:
        events = connection.execute(select(CaseEvent.actor, CaseEvent.before, CaseEvent.after, CaseEvent.detail).where(CaseEvent.kind == "escalated").order_by(CaseEvent.id)).all()
        assert connection.scalar(select(CaseRow.version)) == 3
    assert [(e.actor, e.before, e.after, e.detail["to"], e.detail["because"]) for e in events] == [
        ("worker", "1", "2", "consumer_service", "deadline"),
        ("worker", "2", "3", "mediator", "mediator_date"),
    ]


def test_escalation_by_hand_and_the_top_of_the_ladder(engine, cases_file):
    cases_file("ladder_teams: {consumer_service: operations}\n")
    store(engine, record("t1"))
    case_id = _case_id(engine)
    after = escalate(engine, case_id, "alice", reason="client menaçant")
    assert (after["level"], after["level_name"], after["team"]) == (2, "consumer_service", "operations")
    escalate(engine, case_id, "alice")
    with pytest.raises(TopOfLadder) as caught:
        escalate(engine, case_id, "alice")
    assert caught.value.params["mediator_from"] == "2025-03-11"


def test_a_resolved_case_is_not_escalated(engine):
    store(engine, record("t1", complaint_on="2025-01-10"))
    change(engine, _case_id(engine), "alice", status="resolved")
    _on(90)
    assert sweep(engine) == (0, 0)
    assert _level(engine)[0] == 1
    with pytest.raises(IllegalTransition, match="resolved"):
        escalate(engine, _case_id(engine), "alice")


@pytest.mark.parametrize(("priority", "hours"), [("urgent", 24), ("high", 72), ("normal", 168), ("low", 336)])
def test_the_sla_of_each_priority(engine, priority, hours):
    store(engine, record("t1", sentiment="neutral", escalation=0.1, effort=6))
    case_id = _case_id(engine)
    change(engine, case_id, "alice", priority=priority) if priority != "normal" else None
    opened = clock.now()
    clock.set_time(opened + timedelta(hours=hours, seconds=-1))
    assert sweep(engine)[1] == 0
    assert not get_case(engine, case_id).case["overdue"]
    clock.set_time(opened + timedelta(hours=hours))
    assert sweep(engine)[1] == 1
    assert get_case(engine, case_id).case["overdue"]
    assert sweep(engine)[1] == 0  # marked once
    change(engine, case_id, "alice", priority="low" if priority != "low" else "urgent")  # a new due date: marked again when it passes
    clock.set_time(opened + timedelta(days=30))
    assert sweep(engine)[1] == 1


def test_a_written_complaint_by_email_counts_from_the_email(engine):
    store(engine, record("t1", kind="eml", when="2025-01-02"))
    case = get_case(engine, _case_id(engine)).case
    assert (case["complaint_on"], case["complaint_basis"], case["mediator_from"]) == ("2025-01-02", "email", "2025-03-03")
    assert ladder.mediation_until(ladder.ladder_for("telecom"), date(2025, 1, 2)) == date(2026, 1, 2)


def test_the_operator_gives_the_mediators_contact_and_a_sector(engine, tmp_path):
    from ecoute.journey.mediation import load_ladders

    (tmp_path / "home" / "mediation.yaml").parent.mkdir(exist_ok=True)
    (tmp_path / "home" / "mediation.yaml").write_text(
        "sectors:\n  water:\n    mediator: {name: Médiation de l'eau, url: 'https://www.mediation-eau.fr', email: contact@example.org}\n"
        "    levels: [{level: 1, name: customer_service, after_days: 0}, {level: 2, name: mediator, after_days: 60}]\n"
        "    after_days_with_answer: 0\n    after_days_without_answer: 60\n    limit_days: 365\n",
        encoding="utf-8",
    )
    load_ladders.cache_clear()
    try:
        store(engine, record("t1", metadata={"sector": "water"}, complaint_on="2025-01-10"))
        detail = get_case(engine, _case_id(engine), "fr")
        assert detail.case["sector"] == "water" and detail.case["mediator_from"] == "2025-03-11"
        assert detail.mediator == {"name": "Médiation de l'eau", "url": "https://www.mediation-eau.fr", "email": "contact@example.org"}
    finally:
        load_ladders.cache_clear()
