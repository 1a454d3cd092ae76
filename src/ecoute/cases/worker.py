"""The scheduler: escalates the cases whose ladder date has come, marks the
cases past their SLA, then sends the due notifications.

Several workers may run at once on PostgreSQL: each takes its cases and its
notifications with ``SELECT … FOR UPDATE SKIP LOCKED``, so a case is
escalated once and a notification sent once. SQLite has no row locks: a
round takes the store's ``scheduler`` lock first (a row of
``worker_locks`` with an expiry), and a second worker waits for its turn.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from typing import Any, Callable

from sqlalchemy import Engine, func, or_, select, update

from ecoute.cases import clock, ladder
from ecoute.cases.config import CasesConfig, load_cases_config
from ecoute.cases.bulk import insert_rows, update_rows
from ecoute.cases.notify import DeliveryReport, deliver, enqueue_events
from ecoute.cases.service import WORKER_ACTOR, escalation
from ecoute.cases.states import OPEN
from ecoute.errors import WorkerBusy
from ecoute.store.models import CaseEvent, CaseRow, WorkerLock

log = logging.getLogger(__name__)
LOCK_NAME = "scheduler"
# What a round reads of a case (not the JSON reasons: decoding them is most of the cost of a wide read).
COLUMNS = tuple(CaseRow.__table__.c[name] for name in (
    "id", "version", "sector", "level", "team", "complaint_on", "answered_on", "mediator_from", "next_escalation_on", "due_at", "overdue_notified_at"))
LOCK_TTL = timedelta(minutes=10)


def worker_name() -> str:
    """This worker, as attempts and the lock record it: host, process, thread."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


@dataclass(slots=True)
class RoundReport:
    escalated: int = 0
    overdue: int = 0
    delivery: DeliveryReport = field(default_factory=DeliveryReport)

    def as_dict(self) -> dict[str, Any]:
        d = self.delivery
        return {"escalated": self.escalated, "overdue": self.overdue, "sent": d.sent, "retried": d.retried, "failed": d.failed, "errors": d.errors}


@lru_cache(maxsize=4096)
def _plan(sector: str, complaint_on, answered_on, level: int, today) -> tuple[int, Any, str]:
    """(level reached, next escalation date, level name) of a case on ``today``
    (many cases share a sector and a complaint date: worked out once)."""
    steps = ladder.ladder_for(sector)
    reached = ladder.level_on(steps, today, complaint_on, answered_on, level)
    return reached, ladder.next_escalation(steps, reached, complaint_on, answered_on), ladder.level_name(steps, reached)


def _batch(connection, rows: list, config: CasesConfig, now) -> tuple[int, int]:
    """One batch of due cases: climb the ladder where its date has come, mark
    past their due date those not marked yet; one update per case (its
    version grows when it climbs), history events and notifications."""
    today = now.date()
    updates, events = [], []
    escalated = overdue = 0
    for row in rows:
        level, upcoming, team, version, marked = row.level, row.next_escalation_on, row.team, row.version, row.overdue_notified_at
        if upcoming is not None and upcoming <= today:
            level, upcoming, name = _plan(row.sector, row.complaint_on, row.answered_on, row.level, today)
            if level > row.level:  # else the date moved (an answer came): only the next date changes
                because = "mediator_date" if name == ladder.MEDIATOR else "deadline"
                reason = (f"the customer may seize the mediator from {row.mediator_from.isoformat()}" if because == "mediator_date"
                          else f"not resolved at level {row.level} by {today.isoformat()}, counted from the written complaint of {row.complaint_on.isoformat()}")  # fmt: skip
                values, case_events, _ = escalation(row, level, config, reason)
                team, version = values.get("team", row.team), version + 1
                for kind, before, after, detail in case_events:
                    events.append({"case_id": row.id, "at": now, "actor": WORKER_ACTOR, "kind": kind, "before": str(before), "after": str(after), "detail": {**detail, "because": because}})
                escalated += 1
        if marked is None and clock.aware(row.due_at) <= now:
            marked, when = now, clock.aware(row.due_at).isoformat()
            events.append({"case_id": row.id, "at": now, "actor": WORKER_ACTOR, "kind": "overdue", "before": None, "after": when, "detail": {"due_at": when}})
            overdue += 1
        updates.append({"id": row.id, "level": level, "next_escalation_on": upcoming, "team": team, "version": version, "overdue_notified_at": marked, "updated_at": now})
    update_rows(connection, CaseRow.__table__, updates)
    since = connection.scalar(select(func.coalesce(func.max(CaseEvent.id), 0)))
    insert_rows(connection, CaseEvent.__table__, events)
    enqueue_events(connection, config, since, WORKER_ACTOR, now)  # in SQL, from the events just written
    return escalated, overdue


def sweep(engine: Engine, config: CasesConfig | None = None, batch: int = 5000) -> tuple[int, int]:
    """Escalate every open case whose next ladder date has come, and mark
    every open case past its due date (once). Returns (escalated, overdue)."""
    config = config or load_cases_config()
    now = clock.now()
    due = (CaseRow.next_escalation_on <= now.date()) | ((CaseRow.due_at <= now) & CaseRow.overdue_notified_at.is_(None))
    escalated = overdue = last = 0
    while True:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # A round lost in a crash is redone by the next one (nothing was sent yet): no need to wait for the disk.
                connection.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
            query = (select(*COLUMNS).where(CaseRow.status.in_(OPEN), due, CaseRow.id > last)
                     .order_by(CaseRow.id).limit(batch).with_for_update(skip_locked=True))  # fmt: skip
            rows = connection.execute(query).all()
            if not rows:
                return escalated, overdue
            last = rows[-1].id
            counts = _batch(connection, rows, config, now)
            escalated, overdue = escalated + counts[0], overdue + counts[1]


# --- the single-worker lock (SQLite) -------------------------------------------------------------


def acquire(engine: Engine, holder: str, name: str = LOCK_NAME, ttl: timedelta = LOCK_TTL) -> bool:
    """Take (or renew) the named lock for ``holder``; False when another holds it."""
    now = clock.now()
    table = WorkerLock.__table__
    with engine.begin() as connection:
        insert_rows(connection, table, [{"name": name, "holder": None, "acquired_at": None, "expires_at": None}], unique=["name"])
        free = or_(table.c.holder.is_(None), table.c.expires_at < now, table.c.holder == holder)
        result = connection.execute(update(table).where(table.c.name == name, free).values(holder=holder, acquired_at=now, expires_at=now + ttl))
        return result.rowcount == 1


def release(engine: Engine, holder: str, name: str = LOCK_NAME) -> None:
    table = WorkerLock.__table__
    with engine.begin() as connection:
        connection.execute(update(table).where(table.c.name == name, table.c.holder == holder).values(holder=None, expires_at=None))


def lock_holder(engine: Engine, name: str = LOCK_NAME) -> tuple[str | None, Any]:
    table = WorkerLock.__table__
    with engine.connect() as connection:
        row = connection.execute(select(table.c.holder, table.c.expires_at).where(table.c.name == name)).first()
    return (row.holder, clock.aware(row.expires_at)) if row else (None, None)


# --- rounds ----------------------------------------------------------------------------------------


def run_once(engine: Engine, settings=None, config: CasesConfig | None = None, worker: str | None = None) -> RoundReport:
    """One round: sweep, then deliver. On SQLite raises WorkerBusy when
    another worker holds the lock."""
    from ecoute.config import Settings

    settings = settings or Settings.from_env()
    config = config or load_cases_config(settings)
    worker = worker or worker_name()
    single = engine.dialect.name != "postgresql"
    if single and not acquire(engine, worker):
        holder, until = lock_holder(engine)
        raise WorkerBusy(holder=holder, until=until.isoformat() if until else "?")
    try:
        report = RoundReport()
        report.escalated, report.overdue = sweep(engine, config)
        report.delivery = deliver(engine, settings, config, worker)
        return report
    finally:
        if single:
            release(engine, worker)


def run_forever(engine: Engine, settings=None, *, interval: float = 60, stop: threading.Event | None = None,
                on_round: Callable[[RoundReport], None] | None = None) -> None:  # fmt: skip
    """Rounds every ``interval`` seconds until ``stop`` is set. A round that
    fails is logged and the next one runs: the scheduler does not die with
    one bad case or one lost connection."""
    stop = stop or threading.Event()
    worker = worker_name()
    while not stop.is_set():
        try:
            report = run_once(engine, settings, worker=worker)
            if on_round:
                on_round(report)
        except WorkerBusy as busy:
            log.info("%s", busy.message("en"))
        except Exception:  # noqa: BLE001 - keep the scheduler alive, the error is in the log
            log.exception("a scheduler round failed")
        stop.wait(interval)


def start_in_thread(url: str, settings=None, interval: float = 60) -> threading.Event:
    """Run the scheduler in a daemon thread (``ecoute serve`` with
    ECOUTE_SERVE_WORKER); returns the event that stops it."""
    from ecoute.store.db import open_store

    stop = threading.Event()
    thread = threading.Thread(target=lambda: run_forever(open_store(url), settings, interval=interval, stop=stop), name="ecoute-worker", daemon=True)
    thread.start()
    return stop

