"""The state machine (issue 7, point 2): every move between two statuses is
either allowed and recorded in the history (who, when, before, after) or
refused with ECO900 naming the allowed ones."""

import itertools
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from cases_helpers import record, store
from ecoute.cases import clock
from ecoute.cases.service import change, open_case
from ecoute.cases.states import STATUSES, TRANSITIONS
from ecoute.errors import CaseConflict, IllegalTransition, NotFound
from ecoute.services.users import create_user
from ecoute.store.models import CaseEvent, CaseRow

ALLOWED = {(before, after) for before, afters in TRANSITIONS.items() for after in afters}


@pytest.fixture
def case(sqlite_engine):
    store(sqlite_engine, record("t1"))
    with sqlite_engine.connect() as connection:
        return connection.scalar(select(CaseRow.id))


def test_the_machine_is_closed_and_every_status_can_be_left():
    assert set(TRANSITIONS) == set(STATUSES)
    assert all(after in STATUSES for _, after in ALLOWED)
    assert all(TRANSITIONS[status] for status in STATUSES)


@pytest.mark.parametrize(("before", "after"), [pair for pair in itertools.product(STATUSES, STATUSES) if pair[0] != pair[1]])
def test_every_transition_is_allowed_or_refused(sqlite_engine, case, before, after):
    with sqlite_engine.begin() as connection:
        connection.execute(update(CaseRow).values(status=before))
    clock.advance(hours=1)
    if (before, after) in ALLOWED:
        result = change(sqlite_engine, case, "alice", status=after, reason="test")
        assert result["status"] == after and result["version"] == 2
        with sqlite_engine.connect() as connection:
            event = connection.execute(select(CaseEvent).where(CaseEvent.kind == "status")).one()
        assert (event.actor, event.before, event.after, event.detail) == ("alice", before, after, {"reason": "test"})
        assert clock.aware(event.at) == clock.now()
    else:
        with pytest.raises(IllegalTransition) as caught:
            change(sqlite_engine, case, "alice", status=after)
        assert caught.value.params["allowed"] == ", ".join(TRANSITIONS[before])
        assert caught.value.code == "ECO900" and caught.value.http_status == 409
        with sqlite_engine.connect() as connection:
            assert connection.execute(select(CaseRow.status, CaseRow.version)).one() == (before, 1)


def test_resolving_and_reopening_set_their_dates_and_a_new_due_date(sqlite_engine, case):
    change(sqlite_engine, case, "alice", status="in_progress")
    clock.advance(days=2)
    resolved = change(sqlite_engine, case, "alice", status="resolved")
    with sqlite_engine.connect() as connection:
        assert clock.aware(connection.scalar(select(CaseRow.resolved_at))) == clock.now()
    clock.advance(days=10)
    reopened = change(sqlite_engine, case, "bob", status="reopened", reason="le client rappelle")
    assert reopened["due_at"] == (clock.now() + timedelta(hours=72)).isoformat()  # high: 72 h from the reopening
    assert resolved["due_at"] != reopened["due_at"]
    with sqlite_engine.connect() as connection:
        assert connection.scalar(select(CaseRow.resolved_at)) is None
        kinds = [row.kind for row in connection.execute(select(CaseEvent.kind).order_by(CaseEvent.id))]
    assert kinds == ["opened", "status", "status", "status", "due"]


def test_every_field_change_is_in_the_history_with_before_and_after(sqlite_engine, case):
    create_user(sqlite_engine, "alice", "une phrase de passe", "agent")
    change(sqlite_engine, case, "manager", priority="low", team="billing", assignee="alice")
    change(sqlite_engine, case, "manager", unassign=True)
    with sqlite_engine.connect() as connection:
        events = [(e.kind, e.before, e.after) for e in connection.execute(select(CaseEvent).where(CaseEvent.kind != "opened").order_by(CaseEvent.id))]
    assert events == [
        ("priority", "high", "low"),
        ("due", "2025-01-13T09:00:00+00:00", "2025-01-24T09:00:00+00:00"),
        ("team", "telephony", "billing"),
        ("assignee", None, "alice"),
        ("assignee", "alice", None),
    ]
    with pytest.raises(NotFound):
        change(sqlite_engine, case, "manager", assignee="nobody")


def test_a_change_on_an_old_version_is_refused(sqlite_engine, case):
    change(sqlite_engine, case, "alice", status="in_progress", expected_version=1)
    with pytest.raises(CaseConflict) as caught:
        change(sqlite_engine, case, "bob", status="resolved", expected_version=1)
    assert caught.value.params == {"id": case, "current": 2, "expected": 1}
    assert change(sqlite_engine, case, "bob", status="resolved", expected_version=2)["version"] == 3


def test_a_case_opened_by_hand_starts_new(sqlite_engine):
    store(sqlite_engine, record("t9", sentiment="positive", escalation=0.0))
    case_id = open_case(sqlite_engine, "t9", "alice")
    assert change(sqlite_engine, case_id, "alice", status="closed")["status"] == "closed"
