"""The scheduler's sweep, worked out in SQL (issue 7, point 4 and the
100,000-case target): it must do exactly what the ladder's Python functions
say, case by case — levels, next dates, teams, versions, overdue marks, one
history event per change and one notification per event and target — on
SQLite and PostgreSQL, in batches, and exactly once when it runs twice,
crashes midway, or runs twice at the same time."""

from __future__ import annotations

import hashlib
import random
import threading
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from sqlalchemy import func, insert, select

from ecoute.cases import clock, ladder, plan, worker
from ecoute.cases.config import load_cases_config
from ecoute.cases.notify import targets
from ecoute.cases.service import change, escalation
from ecoute.cases.states import OPEN, STATUSES
from ecoute.errors import CaseConflict
from ecoute.store.models import CaseEvent, CaseRow, NotificationRow, TestimonyRow

NOW = datetime(2025, 6, 2, 10, 30, 0, 123456, tzinfo=timezone.utc)
HOOK = "http://127.0.0.1:9/hook"
CONFIG = f"""ladder_teams: {{consumer_service: operations, mediator: billing}}
notifications:
  email:
    teams: {{operations: [ops@example.org, chef@example.org], telephony: tel@example.org}}
    events: [escalated, overdue]
  webhooks:
    - url: {HOOK}
      events: [escalated, overdue]
"""
SECTORS = ("telecom", "insurance", "energy", "banking", "generic", "aviation")  # aviation: unknown, the default ladder's


def _cases(seed: int, count: int) -> list[dict]:
    """Open and closed cases of every sector at every point of their ladder,
    most with the next date the ladder gives, some with a date an answer has moved."""
    rng = random.Random(seed)
    rows = []
    for number in range(count):
        sector = rng.choice(SECTORS)
        steps = ladder.ladder_for(sector)
        complaint = NOW.date() - timedelta(days=rng.choice([0, 5, 29, 30, 31, 59, 60, 61, 90, 200, 400]))
        answered = rng.choice([None, None, complaint + timedelta(days=rng.randint(0, 70))])
        if answered is not None and answered > NOW.date():
            answered = None
        level = rng.randint(1, ladder.top_level(steps))
        upcoming = ladder.next_escalation(steps, level, complaint, answered)
        if rng.random() < 0.15:  # moved since it was written (a reply, a changed ladder)
            upcoming = NOW.date() - timedelta(days=rng.randint(0, 40))
        due = NOW.replace(microsecond=rng.choice([0, 250000])) + timedelta(hours=rng.randint(-200, 200))
        rows.append({
            "testimony_id": f"s{number:04d}", "version": rng.randint(1, 5), "status": rng.choice(STATUSES), "priority": "high",
            "team": rng.choice(["customer_service", "telephony", "operations"]), "opened_by": "rules", "reasons": ["escalation_risk"],
            "sector": sector, "level": level, "complaint_on": complaint, "complaint_basis": "journey", "answered_on": answered,
            "next_escalation_on": upcoming, "mediator_from": ladder.mediator_from(steps, complaint, answered),
            "mediation_until": ladder.mediation_until(steps, complaint), "opened_at": NOW - timedelta(days=3), "updated_at": NOW - timedelta(days=3),
            "due_at": due, "overdue_notified_at": rng.choice([None, None, NOW - timedelta(hours=1)]),
        })  # fmt: skip
    return rows


def _insert(engine, rows: list[dict]) -> None:
    with engine.begin() as connection:
        connection.execute(insert(TestimonyRow.__table__), [
            {"id": row["testimony_id"], "format": "csv", "text": "texte", "metadata": {}, "created_at": NOW} for row in rows])  # fmt: skip
        connection.execute(insert(CaseRow.__table__), rows)


def _reference(case, config, now: datetime):
    """What one case becomes, by the Python functions of the ladder and of
    escalation by hand: (values, events, notifications)."""
    today = now.date()
    level, upcoming, team, version, marked = case.level, case.next_escalation_on, case.team, case.version, clock.aware(case.overdue_notified_at)
    events = []
    if case.status in OPEN:
        if upcoming is not None and upcoming <= today:
            steps = ladder.ladder_for(case.sector)
            reached = ladder.level_on(steps, today, case.complaint_on, case.answered_on, case.level)
            upcoming = ladder.next_escalation(steps, reached, case.complaint_on, case.answered_on)
            if reached > case.level:
                mediator = ladder.level_name(steps, reached) == ladder.MEDIATOR
                reason = (f"the customer may seize the mediator from {case.mediator_from.isoformat()}" if mediator else
                          f"not resolved at level {case.level} by {today.isoformat()}, counted from the written complaint of {case.complaint_on.isoformat()}")  # fmt: skip
                values, changes, _ = escalation(case, reached, config, reason)
                level, team, version = reached, values.get("team", case.team), version + 1
                because = "mediator_date" if mediator else "deadline"
                events += [(kind, str(before), str(after), {**detail, "because": because}) for kind, before, after, detail in changes]
        if marked is None and clock.aware(case.due_at) <= now:
            marked, when = now, clock.aware(case.due_at).isoformat()
            events.append(("overdue", None, when, {"due_at": when}))
    notes = set()
    for kind, _before, after, detail in events:
        if kind in ("escalated", "overdue"):
            key = f"L{after}" if kind == "escalated" else after
            for channel, target in targets(config, kind, team):
                digest = hashlib.sha256(target.encode()).hexdigest()[:16]
                notes.add((kind, channel, target, f"{case.id}:{kind}:{key}:{channel}:{digest}", repr({"event": f"case.{kind}", "at": now.isoformat(), "detail": detail})))
    return (level, upcoming, team, version, marked), events, notes


def _state(engine) -> dict[int, tuple]:
    with engine.connect() as connection:
        cases = {row.id: row for row in connection.execute(select(CaseRow)).all()}
        events: dict[int, list] = {}
        for e in connection.execute(select(CaseEvent).order_by(CaseEvent.id)).all():
            events.setdefault(e.case_id, []).append((e.kind, e.before, e.after, e.detail))
        notes: dict[int, set] = {}
        for n in connection.execute(select(NotificationRow)).all():
            notes.setdefault(n.case_id, set()).add((n.event, n.channel, n.target, n.dedup_key, repr(n.payload)))
    return {
        case_id: ((c.level, c.next_escalation_on, c.team, c.version, clock.aware(c.overdue_notified_at)), events.get(case_id, []), notes.get(case_id, set()))
        for case_id, c in cases.items()
    }


@pytest.mark.parametrize("batch", [7, 10000])
def test_the_sweep_does_what_the_ladder_says_for_every_case(engine, cases_file, batch, monkeypatch):
    cases_file(CONFIG)
    config = load_cases_config()
    _insert(engine, _cases(seed=batch, count=150))
    with engine.connect() as connection:
        before = connection.execute(select(CaseRow)).all()
    expected = {case.id: _reference(case, config, NOW) for case in before}
    clock.set_time(NOW)
    real, picked = plan.run_batch, []

    def counting(*args, **kwargs):
        done = real(*args, **kwargs)
        picked.append(done.picked)
        return done

    monkeypatch.setattr(plan, "run_batch", counting)
    escalated, overdue = worker.sweep(engine, config, batch=batch)
    assert _state(engine) == expected
    assert max(picked) <= batch and (len(picked) > 10 if batch == 7 else len(picked) == 1)  # a transaction never holds more than a batch
    assert escalated == sum(1 for _, events, _ in expected.values() if any(kind == "escalated" for kind, *_ in events)) > 10
    assert overdue == sum(1 for _, events, _ in expected.values() if any(kind == "overdue" for kind, *_ in events)) > 10
    assert any(kind == "team" for _, events, _ in expected.values() for kind, *_ in events)  # ladder_teams were exercised
    assert worker.sweep(engine, config, batch=batch) == (0, 0)  # a second sweep finds nothing to do
    assert _state(engine) == expected


def test_an_overdue_mark_alone_keeps_the_version_an_escalation_raises_it(engine):
    _insert(engine, [{**_cases(seed=1, count=1)[0], "status": "new", "sector": "telecom", "level": 1, "version": 4, "complaint_on": NOW.date(),
                      "next_escalation_on": NOW.date() + timedelta(days=30), "due_at": NOW - timedelta(hours=1), "overdue_notified_at": None}])  # fmt: skip
    clock.set_time(NOW)
    assert worker.sweep(engine) == (0, 1)
    with engine.connect() as connection:
        case_id, version = connection.execute(select(CaseRow.id, CaseRow.version)).one()
    assert version == 4  # an agent holding version 4 may still write
    clock.set_time(NOW + timedelta(days=30))
    assert worker.sweep(engine) == (1, 0)
    with pytest.raises(CaseConflict):  # the agent read version 4 before the escalation
        change(engine, case_id, "alice", status="in_progress", expected_version=4)
    assert change(engine, case_id, "alice", status="in_progress", expected_version=5)["version"] == 6


def test_a_sweep_that_crashes_midway_is_finished_by_the_next_exactly_once(engine, cases_file, monkeypatch):
    cases_file(CONFIG)
    rows = [{**row, "status": "new", "overdue_notified_at": None, "due_at": NOW - timedelta(hours=2)} for row in _cases(seed=3, count=30)]
    _insert(engine, rows)
    clock.set_time(NOW)
    real = plan.run_batch
    calls = []

    def crash_in_the_second_batch(connection, *args, **kwargs):
        done = real(connection, *args, **kwargs)  # written, then lost with its transaction
        calls.append(done)
        if len(calls) == 2:
            raise ConnectionError("the worker died")
        return done

    monkeypatch.setattr(plan, "run_batch", crash_in_the_second_batch)
    with pytest.raises(ConnectionError):
        worker.sweep(engine, batch=10, connections=1)
    monkeypatch.setattr(plan, "run_batch", real)
    first = calls[0]
    with engine.connect() as connection:  # only the first batch's work is there
        assert connection.scalar(select(func.count()).select_from(CaseRow).where(CaseRow.overdue_notified_at.is_not(None))) == first.overdue == 10
        assert connection.scalar(select(func.count()).select_from(CaseEvent).where(CaseEvent.kind == "overdue")) == 10
    escalated, overdue = worker.sweep(engine, batch=10)
    assert overdue == 30 - first.overdue and escalated + first.escalated > 0
    with engine.connect() as connection:
        per_case = connection.execute(
            select(CaseEvent.case_id, CaseEvent.kind, func.count()).where(CaseEvent.kind.in_(("escalated", "overdue"))).group_by(CaseEvent.case_id, CaseEvent.kind)
        ).all()  # fmt: skip
        duplicates = connection.scalar(select(func.count()).select_from(NotificationRow)) - connection.scalar(
            select(func.count(func.distinct(NotificationRow.dedup_key)))
        )
        notified = connection.scalar(select(func.count()).select_from(NotificationRow).where(NotificationRow.event == "overdue", NotificationRow.channel == "webhook"))
    assert {count for *_, count in per_case} == {1}  # one event per change, none twice
    assert duplicates == 0 and notified == 30  # each overdue case notified once to the webhook


@pytest.mark.postgres
def test_two_sweeps_at_once_on_postgres_change_each_case_once(pg_engine, cases_file):
    cases_file(CONFIG)
    rows = [{**row, "status": "in_progress", "overdue_notified_at": None, "due_at": NOW - timedelta(hours=2)} for row in _cases(seed=5, count=200)]
    _insert(pg_engine, rows)
    config = load_cases_config()
    with pg_engine.connect() as connection:
        expected = {case.id: _reference(case, config, NOW) for case in connection.execute(select(CaseRow)).all()}
    clock.set_time(NOW)
    results: list = []
    threads = [threading.Thread(target=lambda: results.append(worker.sweep(pg_engine, config, batch=9, connections=2))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert len(results) == 2
    assert sum(r[1] for r in results) == 200
    assert _state(pg_engine) == expected


def test_names_from_the_operators_ladder_are_data_not_sql(engine, tmp_path):
    """A level or sector name with quotes and colons reaches the history as written."""
    from ecoute.journey.mediation import load_ladders

    (tmp_path / "home").mkdir(exist_ok=True)
    (tmp_path / "home" / "mediation.yaml").write_text(
        "sectors:\n  \"l'eau: :x\":\n    mediator: {name: Médiation de l'eau}\n"
        "    levels: [{level: 1, name: \"accueil d'abord: :now\"}, {level: 2, name: \"service' ; DROP TABLE cases; --\", after_days: 10}]\n"
        "    after_days_with_answer: 0\n    after_days_without_answer: 60\n    limit_days: 365\n",
        encoding="utf-8",
    )
    load_ladders.cache_clear()
    try:
        row = {**_cases(seed=2, count=1)[0], "status": "new", "sector": "l'eau: :x", "level": 1, "answered_on": None,
               "complaint_on": NOW.date() - timedelta(days=10), "next_escalation_on": NOW.date(), "due_at": NOW + timedelta(days=1)}  # fmt: skip
        _insert(engine, [row])
        clock.set_time(NOW)
        assert worker.sweep(engine) == (1, 0)
        with engine.connect() as connection:
            event = connection.execute(select(CaseEvent.before, CaseEvent.after, CaseEvent.detail).where(CaseEvent.kind == "escalated")).one()
            assert connection.scalar(select(CaseRow.next_escalation_on)) is None  # the top: no date any more
        assert (event.before, event.after) == ("1", "2")
        assert (event.detail["from"], event.detail["to"], event.detail["because"]) == ("accueil d'abord: :now", "service' ; DROP TABLE cases; --", "deadline")
    finally:
        load_ladders.cache_clear()


@pytest.mark.postgres
def test_an_agent_adds_a_note_while_a_batch_holds_the_case(pg_engine, postgres_url):
    """The batch locks its cases as an update does (FOR NO KEY UPDATE), not
    FOR UPDATE: a note, whose foreign key only needs the case to exist, is
    not held up until the batch commits."""
    from ecoute.cases.service import add_note
    from ecoute.store.db import open_store

    _insert(pg_engine, [{**_cases(seed=4, count=1)[0], "status": "new", "overdue_notified_at": None, "due_at": NOW - timedelta(hours=1)}])
    clock.set_time(NOW)
    with pg_engine.connect() as connection:
        case_id = connection.scalar(select(CaseRow.id))
    holding, release, real = threading.Event(), threading.Event(), plan.run_batch

    def hold(*args, **kwargs):
        done = real(*args, **kwargs)
        holding.set()
        release.wait(30)  # the batch's transaction stays open meanwhile
        return done

    plan.run_batch = hold
    try:
        sweeping = threading.Thread(target=worker.sweep, args=(pg_engine,))
        sweeping.start()
        assert holding.wait(30)
        impatient = open_store(f"{postgres_url}%20-clock_timeout%3D5000")  # fails instead of waiting for the batch
        add_note(impatient, case_id, "alice", "Client rappelé.")
    finally:
        release.set()
        plan.run_batch = real
        sweeping.join(30)
    with pg_engine.connect() as connection:
        kinds = set(connection.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case_id)))
    assert {"note", "overdue"} <= kinds
