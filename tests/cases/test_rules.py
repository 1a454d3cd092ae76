"""Opening rules (issue 7, point 1): which analyses open a case, with what
priority and team; one case per testimony, ever; the operator's file."""

import pytest
from sqlalchemy import func, select

from cases_helpers import record, store
from ecoute.cases.config import load_cases_config
from ecoute.cases.rules import decide
from ecoute.cases.service import open_case, scan
from ecoute.errors import CaseExists, NotFound, RulesFileError
from ecoute.store.models import CaseEvent, CaseRow


def _decide(rec):
    return decide(rec.model_dump(mode="json"), load_cases_config(), "customer_service")


@pytest.mark.parametrize(
    ("rec", "expected"),
    [
        (record("a", sentiment="negative", escalation=0.7), ("high", "telephony", ("escalation_risk",))),
        (record("b", sentiment="negative", escalation=0.4), None),
        (record("c", sentiment="positive", escalation=0.9), None),
        (record("d", sentiment="neutral", escalation=0.1, effort=5), ("normal", "telephony", ("high_effort",))),
        (record("e", sentiment="neutral", escalation=0.1, effort=4.9), None),
        (record("f", sentiment="neutral", escalation=0.1, themes=["hung_up"]), ("normal", "telephony", ("problem_themes",))),
        (record("g", sentiment="neutral", escalation=0.1, themes=["staff_praise"]), None),
        (record("h", sentiment="mixed", escalation=0.1, kind="survey", metadata={"survey_kind": "nps", "score": 6}), ("normal", "telephony", ("detractor",))),
        (record("i", sentiment="mixed", escalation=0.1, kind="survey", metadata={"survey_kind": "nps", "score": 7}), None),
        (record("j", sentiment="mixed", escalation=0.1, kind="survey", metadata={"survey_kind": "enps", "score": 2}, role="employee"), None),
        (record("k", role="employee", sentiment="negative", escalation=0.9, themes=["ex_wellbeing"], owner="customer_service"), ("high", "hr", ("employee_wellbeing",))),
        (record("l", role="employee", sentiment="negative", escalation=0.9, themes=["ex_pay"]), None),
        (record("m", sentiment="negative", escalation=0.8, effort=6, themes=["broken_promise"]), ("high", "telephony", ("escalation_risk", "high_effort", "problem_themes"))),
        (record("n", sentiment="negative", escalation=0.8, owner=None), ("high", "customer_service", ("escalation_risk",))),
    ],
    ids=lambda v: v.id if hasattr(v, "id") else "",
)
def test_rules_decide_priority_team_and_reasons(rec, expected):
    opening = _decide(rec)
    assert (None if opening is None else (opening.priority, opening.team, opening.reasons)) == expected


def test_storing_an_analysis_opens_one_case_and_reanalysis_never_a_second(engine):
    store(engine, record("t1"), record("t2", sentiment="positive", escalation=0.0))
    store(engine, record("t1", effort=7))  # re-analysis: a new current analysis of the same testimony
    store(engine, record("t1"))
    with engine.connect() as connection:
        cases = connection.execute(select(CaseRow.testimony_id, CaseRow.priority, CaseRow.team, CaseRow.opened_by)).all()
        opened = connection.scalar(select(func.count()).select_from(CaseEvent).where(CaseEvent.kind == "opened"))
    assert [tuple(c) for c in cases] == [("t1", "high", "telephony", "rules")]
    assert opened == 1


def test_a_case_by_hand_then_never_twice(engine):
    store(engine, record("t3", sentiment="positive", escalation=0.0))
    case_id = open_case(engine, "t3", "alice", priority="urgent", team="billing", note="client rappelé")
    with pytest.raises(CaseExists) as caught:
        open_case(engine, "t3", "bob")
    assert caught.value.params["id"] == case_id
    with pytest.raises(NotFound):
        open_case(engine, "nowhere", "bob")
    store(engine, record("t3"))  # now the rules match, but the testimony has its case
    with engine.connect() as connection:
        assert connection.execute(select(CaseRow.priority, CaseRow.team, CaseRow.opened_by, CaseRow.reasons)).all() == [("urgent", "billing", "alice", ["by_hand"])]


def test_scan_opens_cases_for_analyses_stored_without_the_rules(engine, cases_file):
    cases_file("rules:\n  escalation_risk: null\n")  # at import time the rule is off…
    store(engine, record("t4"), record("t5"))
    cases_file("rules: {}\n")  # …then back
    assert scan(engine) == (2, 2)
    assert scan(engine) == (0, 0)


def test_the_operators_file_adds_replaces_and_removes_rules(cases_file):
    cases_file(
        "rules:\n"
        "  high_effort: null\n"
        "  escalation_risk: {when: {escalation_min: 0.9}, priority: urgent}\n"
        "  billing: {when: {themes: [billing_fees]}, priority: low, team: billing}\n"
    )
    names = [rule.name for rule in load_cases_config().rules]
    assert names == ["employee_wellbeing", "escalation_risk", "problem_themes", "detractor", "billing"]
    assert _decide(record("x", escalation=0.95)).priority == "urgent"
    assert _decide(record("y", sentiment="neutral", escalation=0.1, effort=7)) is None
    assert (_decide(record("z", sentiment="neutral", escalation=0.1, themes=["billing_fees"])).team) == "billing"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("rules:\n  r: {when: {effort_min: 9}}\n", "rules.r.when.effort_min"),
        ("rules:\n  r: {when: {themes: [not_a_theme]}}\n", "rules.r.when.themes"),
        ("rules:\n  r: {when: {role: [robot]}}\n", "rules.r.when.role"),
        ("rules:\n  r: {when: {}}\n", "rules.r.when"),
        ("rules:\n  r: {when: {effort_min: 5}, team: nobody}\n", "rules.r.team"),
        ("rules:\n  r: {when: {effort_min: 5}, priority: asap}\n", "rules.r.priority"),
        ("notifications:\n  webhooks: [{url: ftp://x}]\n", "notifications.webhooks[1].url"),
        ("notifications:\n  email: {teams: {hr: not-an-address}}\n", "notifications.email.teams.hr"),
        ("sector: moon\n", "sector"),
        ("colour: blue\n", "colour"),
    ],
)
def test_a_bad_operators_file_names_the_key(cases_file, text, key):
    path = cases_file(text)
    with pytest.raises(RulesFileError) as caught:
        load_cases_config()
    assert caught.value.params["key"] == key
    assert caught.value.params["path"] == str(path)


def test_a_file_named_by_the_setting_must_exist(monkeypatch, tmp_path):
    monkeypatch.setenv("ECOUTE_CASES", str(tmp_path / "missing.yaml"))
    with pytest.raises(RulesFileError, match="ECOUTE_CASES"):
        load_cases_config()
