"""Concurrency (issue 7, points 4 and 6), on PostgreSQL for real: two agents
updating the same case never lose an update (the second gets ECO901), and
two workers running at once never escalate a case twice nor send a
notification twice. On SQLite, one worker at a time."""

import threading

import pytest
from sqlalchemy import func, select, text

from cases_helpers import hooks_config, record, store
from ecoute.cases import clock, service
from ecoute.cases.service import change
from ecoute.cases.worker import acquire, run_once
from ecoute.errors import CaseConflict, WorkerBusy
from ecoute.store.models import CaseEvent, CaseRow, DeliveryAttempt, NotificationRow


def _both(*calls):
    """Run the calls in two threads at once; returns what each returned or raised."""
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - the test looks at it
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


@pytest.mark.postgres
def test_two_agents_on_the_same_case_the_second_gets_a_conflict(pg_engine, monkeypatch):
    store(pg_engine, record("t1"))
    with pg_engine.connect() as connection:
        case_id = connection.scalar(select(CaseRow.id))
    # Both read the case before either writes: the classic lost update, had we not the version.
    barrier = threading.Barrier(2)
    load = service._load
    seen = threading.local()

    def load_then_wait(connection, case_id, lock=False):
        row = load(connection, case_id, lock)
        if not getattr(seen, "once", False):  # the first read of each agent
            seen.once = True
            barrier.wait(10)
        return row

    monkeypatch.setattr(service, "_load", load_then_wait)
    results = _both(lambda: change(pg_engine, case_id, "alice", priority="urgent"), lambda: change(pg_engine, case_id, "bob", team="billing"))
    monkeypatch.setattr(service, "_load", load)
    conflicts = [r for r in results if isinstance(r, CaseConflict)]
    done = [r for r in results if isinstance(r, dict)]
    assert len(conflicts) == 1 and len(done) == 1, results
    assert conflicts[0].params == {"id": case_id, "current": 2, "expected": 1}
    assert conflicts[0].http_status == 409
    # The loser reloads and applies again: both changes are there, nothing lost.
    again = change(pg_engine, case_id, "carol", priority="urgent", team="billing", expected_version=2)
    assert (again["priority"], again["team"], again["version"]) == ("urgent", "billing", 3)


@pytest.mark.postgres
def test_two_agents_with_the_version_they_read(pg_engine):
    store(pg_engine, record("t1"))
    with pg_engine.connect() as connection:
        case_id = connection.scalar(select(CaseRow.id))
    results = _both(*(lambda who=who: change(pg_engine, case_id, who, status="in_progress", expected_version=1) for who in ("alice", "bob")))
    assert sorted(type(r).__name__ for r in results) == ["CaseConflict", "dict"]
    with pg_engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(CaseEvent).where(CaseEvent.kind == "status")) == 1


@pytest.mark.postgres
def test_two_workers_never_escalate_nor_send_twice(pg_engine, receiver, cases_file):
    cases_file(hooks_config(receiver.url, events="[escalated, overdue]"))
    count = 120
    store(pg_engine, *(record(f"t{i:03d}", complaint_on="2025-01-10") for i in range(count)))
    clock.advance(days=31)  # level 2 is due for all, and the SLA is past
    reports = _both(*(lambda name=name: run_once(pg_engine, worker=name) for name in ("worker-a", "worker-b")))
    assert not any(isinstance(r, Exception) for r in reports), reports
    assert sum(r.escalated for r in reports) == count and sum(r.overdue for r in reports) == count
    assert sum(r.delivery.sent for r in reports) == 2 * count
    deliveries = receiver.deliveries()
    assert len(deliveries) == 2 * count and len(set(deliveries)) == 2 * count  # each sent once
    with pg_engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(CaseEvent).where(CaseEvent.kind == "escalated")) == count
        assert set(connection.scalars(select(CaseRow.level))) == {2}
        assert connection.scalar(select(func.count()).select_from(DeliveryAttempt)) == 2 * count
        assert set(connection.scalars(select(NotificationRow.status))) == {"sent"}
        workers = set(connection.scalars(select(DeliveryAttempt.worker)))
    assert workers <= {"worker-a", "worker-b"}


@pytest.mark.postgres
def test_a_worker_skips_the_rows_another_holds(pg_engine, receiver, cases_file):
    """While one transaction holds a case (FOR UPDATE), a worker passes over it
    instead of waiting, and takes it on its next round."""
    cases_file(hooks_config(receiver.url, events="[escalated]"))
    store(pg_engine, record("t1", complaint_on="2025-01-10"), record("t2", complaint_on="2025-01-10"))
    clock.advance(days=31)
    with pg_engine.connect() as holder:
        held = holder.execute(text("SELECT id FROM cases ORDER BY id LIMIT 1 FOR UPDATE")).scalar()
        assert run_once(pg_engine, worker="w").escalated == 1
        holder.rollback()
    assert run_once(pg_engine, worker="w").escalated == 1
    with pg_engine.connect() as connection:
        assert connection.scalar(select(CaseRow.level).where(CaseRow.id == held)) == 2


def test_on_sqlite_one_worker_at_a_time(sqlite_engine, receiver, cases_file):
    cases_file(hooks_config(receiver.url, events="[opened]"))
    store(sqlite_engine, record("t1"))
    assert acquire(sqlite_engine, "someone-else")
    with pytest.raises(WorkerBusy) as caught:
        run_once(sqlite_engine, worker="me")
    assert caught.value.params["holder"] == "someone-else"
    assert receiver.calls == []
    clock.advance(minutes=11)  # the other's lock has expired (it died): taken over
    assert run_once(sqlite_engine, worker="me").delivery.sent == 1
    assert acquire(sqlite_engine, "someone-else")  # released after the round


def test_on_sqlite_two_workers_at_once_send_once(sqlite_engine, receiver, cases_file):
    cases_file(hooks_config(receiver.url, events="[opened]"))
    store(sqlite_engine, *(record(f"t{i}") for i in range(30)))
    results = _both(*(lambda name=name: run_once(sqlite_engine, worker=name) for name in ("a", "b")))
    busy = [r for r in results if isinstance(r, WorkerBusy)]
    assert all(isinstance(r, WorkerBusy) or r.delivery.sent for r in results), results
    for _ in busy:
        run_once(sqlite_engine, worker="c")
    assert len(receiver.deliveries()) == 30 == len(set(receiver.deliveries()))
