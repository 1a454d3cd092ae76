"""The scheduler: escalates the cases whose ladder date has come, marks the
cases past their SLA, then sends the due notifications.

Several workers may run at once on PostgreSQL: each takes its cases (``FOR
NO KEY UPDATE SKIP LOCKED``) and its notifications (``FOR UPDATE SKIP
LOCKED``) so that a case is escalated once and a notification sent once. SQLite has no row locks: a
round takes the store's ``scheduler`` lock first (a row of
``worker_locks`` with an expiry), and a second worker waits for its turn.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Callable

from sqlalchemy import Engine, or_, select, update

from ecoute.cases import clock, plan
from ecoute.cases.bulk import insert_rows
from ecoute.cases.config import CasesConfig, load_cases_config
from ecoute.cases.notify import DeliveryReport, deliver
from ecoute.cases.service import WORKER_ACTOR
from ecoute.errors import WorkerBusy
from ecoute.store.models import WorkerLock

log = logging.getLogger(__name__)
LOCK_NAME = "scheduler"
LOCK_TTL = timedelta(minutes=10)
BATCH = 10000  # cases per transaction: memory stays flat whatever the number of due cases
SWEEP_CONNECTIONS = 2  # PostgreSQL: batches at once (the server does the work: one core each)


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


def sweep(engine: Engine, config: CasesConfig | None = None, batch: int = BATCH, connections: int | None = None) -> tuple[int, int]:
    """Escalate every open case whose next ladder date has come, and mark
    every open case past its due date (once), ``batch`` cases per
    transaction, each batch worked out by the database (:mod:`ecoute.cases.plan`).
    On PostgreSQL ``connections`` batches run at once (each locks the cases
    it takes and skips those another holds, as two workers do); SQLite
    writes one batch at a time. Returns (escalated, overdue)."""
    config = config or load_cases_config()
    now = clock.now()
    compiled = plan.statements(engine.dialect.name, config)
    connections = 1 if engine.dialect.name != "postgresql" else max(1, connections or SWEEP_CONNECTIONS)
    first = _batch(engine, compiled, now, 0, batch)
    if first.picked < batch:  # most rounds: one batch held all that was due, no need for a second connection
        return first.escalated, first.overdue
    with ThreadPoolExecutor(connections, thread_name_prefix="ecoute-sweep") as pool:
        counts = list(pool.map(lambda _: _sweep_on(engine, compiled, now, batch, first.last), range(connections)))
    return first.escalated + sum(c[0] for c in counts), first.overdue + sum(c[1] for c in counts)


def _sweep_on(engine: Engine, compiled, now, batch: int, last: int) -> tuple[int, int]:
    """Batches on one connection, in id order after ``last``, until no due case is left."""
    escalated = overdue = 0
    while True:
        done = _batch(engine, compiled, now, last, batch)
        if not done.picked:
            return escalated, overdue
        escalated, overdue, last = escalated + done.escalated, overdue + done.overdue, done.last


def _batch(engine: Engine, compiled, now, last: int, batch: int) -> plan.Batch:
    """One batch, in its own transaction."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # A batch lost in a crash is redone by the next sweep (nothing was sent yet): no need to wait for the disk.
            connection.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
            # The batch statement's estimated cost starts JIT compilation, which costs more than it saves here
            # (0.3 s of server CPU per batch); its sorts of a batch's events fit in memory.
            connection.exec_driver_sql("SET LOCAL jit TO OFF")
            connection.exec_driver_sql("SET LOCAL work_mem TO '32MB'")
        else:  # take the write lock before reading: nothing an agent writes meanwhile is overwritten
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        return plan.run_batch(connection, compiled, now=now, actor=WORKER_ACTOR, last=last, size=batch)


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

