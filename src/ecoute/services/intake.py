"""Analysing and storing one text that arrives by the web: the API's
"create a testimony" and each survey answer's "why?".

It follows an import's rules (services/imports.py): the text is protected
(pseudonymised) before it is stored, the original is kept encrypted only
where the operator allows it, the id derives from the text so a duplicate is
recognised, and the analysis is stored as the current one with its
dashboard facts. The caller may pass a connection to make it part of a
larger transaction (a survey answer and its testimony are stored together):
:func:`prepare_text` analyses without holding a connection, then
:func:`write_prepared` writes in the caller's transaction.
"""

from __future__ import annotations

import threading
import weakref
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Iterator

from sqlalchemy import Connection, Engine, insert, select
from sqlalchemy.exc import IntegrityError

from ecoute.config import Settings
from ecoute.errors import ComponentFailed, EmptyText, TextTooLong
from ecoute.pipeline import Item, Pipeline, get_pipeline
from ecoute.privacy.vault import original_encrypter
from ecoute.record import AnalysisRecord, Source
from ecoute.services.analysis import protected, store_analyses
from ecoute.store.models import OriginalRow, SourceRow, TestimonyRow, utcnow
from ecoute.text import testimony_id

try:
    import fcntl
except ImportError:  # not on POSIX: one server process, the lock in memory alone
    fcntl = None


@dataclass(slots=True)
class Intake:
    id: str
    duplicate: bool
    record: AnalysisRecord | None  # None for a duplicate: its stored record stands


@dataclass(slots=True)
class Prepared:
    """A text analysed and ready to be written (or a duplicate: nothing to write)."""

    id: str
    kind: str
    location: str
    when: str | None
    external_id: str | None
    item: Item | None = None
    record: AnalysisRecord | None = None
    pipeline_version: str = ""


class _Slot:
    """One text waiting for its analysis; ``wake`` is set when its result is
    there or when its thread must run the next batch."""

    __slots__ = ("pipeline", "item", "result", "error", "done", "wake")

    def __init__(self, pipeline: Pipeline, item: Item) -> None:
        self.pipeline, self.item = pipeline, item
        self.result: AnalysisRecord | ComponentFailed | None = None
        self.error: BaseException | None = None
        self.done = False
        self.wake = threading.Event()


class _Batcher:
    """Analyses texts that arrive at the same time together, one batch at a time.

    Components keep caches and models that are not made for concurrent use,
    and the analysis is CPU-bound under the GIL anyway: one pipeline call at a
    time. A call on one short text costs several times its share of a batch
    (each component's fixed cost per call), so the texts of requests that
    arrive while a batch runs wait and then go through together: under load
    (20 survey respondents at once) an answer waits for one batch, not for
    every answer before it. The thread that ran a batch hands the next one
    to a waiting request's thread and returns its own answer at once."""

    MAX_BATCH = 32

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: list[_Slot] = []
        self._running = False

    def analyse(self, pipeline: Pipeline, item: Item) -> AnalysisRecord | ComponentFailed:
        slot = _Slot(pipeline, item)
        with self._lock:
            self._pending.append(slot)
            lead, self._running = not self._running, True
        while True:
            if not lead:
                slot.wake.wait()
                slot.wake.clear()
            if slot.done:
                break
            self._run_batch()  # this thread's turn (its own text is in the batch)
            lead = False
        if slot.error is not None:
            raise slot.error
        return slot.result

    def _run_batch(self) -> None:
        with self._lock:
            pipeline = self._pending[0].pipeline
            batch = [slot for slot in self._pending if slot.pipeline is pipeline][: self.MAX_BATCH]
            self._pending = [slot for slot in self._pending if all(slot is not taken for taken in batch)]
        try:
            results = pipeline.analyse([slot.item for slot in batch])
        except BaseException as error:  # noqa: BLE001 - handed to every waiting request
            results, failure = [None] * len(batch), error
        else:
            failure = None
        with self._lock:
            for slot, result in zip(batch, results):
                slot.result, slot.error, slot.done = result, failure, True
            if self._pending:  # the next batch: run by the thread of the oldest waiting text
                self._pending[0].wake.set()
            else:
                self._running = False
        for slot in batch:
            slot.wake.set()


_BATCHER = _Batcher()


class _StoreWriter:
    """Turns at writing one SQLite store: a lock for this process's threads,
    then a lock on a file next to the database for the server's other
    processes (``ecoute serve --workers N``)."""

    def __init__(self, engine: Engine) -> None:
        self.threads = threading.Lock()
        database = engine.url.database
        self.path = None if not database or database == ":memory:" or database.startswith("file:") or fcntl is None else f"{database}.write-lock"
        self.handle = None

    @contextmanager
    def turn(self) -> Iterator[None]:
        with self.threads:
            if self.path is None:
                yield
                return
            if self.handle is None:
                self.handle = open(self.path, "a+b")  # noqa: SIM115 - kept open: its lock is taken again at each write
            fcntl.flock(self.handle, fcntl.LOCK_EX)  # waits without holding the GIL
            try:
                yield
            finally:
                fcntl.flock(self.handle, fcntl.LOCK_UN)


_WRITERS: weakref.WeakKeyDictionary[Engine, _StoreWriter] = weakref.WeakKeyDictionary()
_WRITERS_GUARD = threading.Lock()


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """``engine.begin()``, one at a time per SQLite store.

    SQLite lets one transaction write at a time; the others wait in its busy
    handler, which sleeps longer and longer between tries, so under many
    concurrent writers (20 survey respondents) some wait for seconds while
    newcomers pass. Waiting on a lock here instead serves them in turn — the
    threads of this process on a lock in memory, the server's processes on a
    lock file (``<database>.write-lock``). PostgreSQL writes concurrently:
    nothing to wait for."""
    if engine.dialect.name != "sqlite":
        with engine.begin() as connection:
            yield connection
        return
    with _WRITERS_GUARD:
        writer = _WRITERS.get(engine)
        if writer is None:
            writer = _WRITERS[engine] = _StoreWriter(engine)
    with writer.turn(), engine.begin() as connection:
        yield connection


def _source_id(connection, kind: str, location: str) -> int:
    found = connection.scalar(select(SourceRow.id).where(SourceRow.kind == kind, SourceRow.location == location))
    if found is None:
        found = connection.execute(insert(SourceRow).values(kind=kind, location=location, created_at=utcnow()).returning(SourceRow.id)).scalar_one()
    return found


def analyse_text(
    text: str,
    *,
    kind: str,
    metadata: dict | None = None,
    when: str | None = None,
    external_id: str | None = None,
    pipeline: Pipeline | None = None,
) -> tuple[Item, AnalysisRecord]:
    """Run the (protected) pipeline on one text; raises EmptyText, TextTooLong
    or ComponentFailed. Nothing is stored."""
    settings = Settings.from_env()
    if not text or not text.strip():
        raise EmptyText(path=kind, where="")
    if len(text) > settings.max_text_chars:
        raise TextTooLong(path=kind, where="", length=len(text), limit=settings.max_text_chars)
    pipeline = protected(pipeline or get_pipeline(settings.pipeline))
    item = Item(text=text, source=Source(kind=kind, external_id=external_id, metadata=dict(metadata or {})), date_hint=when)
    result = _BATCHER.analyse(pipeline, item)
    if isinstance(result, ComponentFailed):
        raise result
    return item, result


def prepare_text(
    engine: Engine, text: str, *, kind: str, location: str, metadata: dict | None = None, when: str | None = None,
    external_id: str | None = None, pipeline: Pipeline | None = None,
) -> Prepared:  # fmt: skip
    """Analyse ``text`` unless it is already stored. Holds no database
    connection while the pipeline runs (many clients may be waiting)."""
    tid = testimony_id(text)
    prepared = Prepared(tid, kind, location, when, external_id)
    with engine.connect() as connection:
        if connection.scalar(select(TestimonyRow.id).where(TestimonyRow.id == tid)) is not None:
            return prepared
    pipeline = protected(pipeline or get_pipeline(Settings.from_env().pipeline))
    prepared.item, prepared.record = analyse_text(
        text, kind=kind, metadata=metadata, when=when or date.today().isoformat(), external_id=external_id, pipeline=pipeline
    )
    prepared.pipeline_version = pipeline.version
    return prepared


def write_prepared(connection, prepared: Prepared) -> Intake:
    """Write a prepared testimony and its analysis in the caller's transaction.
    A text stored meanwhile by another request is a duplicate."""
    tid = prepared.id
    if prepared.record is None or connection.scalar(select(TestimonyRow.id).where(TestimonyRow.id == tid)) is not None:
        return Intake(tid, True, None)
    record, item, now = prepared.record, prepared.item, utcnow()
    connection.execute(
        insert(TestimonyRow.__table__).values(
            id=tid, source_id=_source_id(connection, prepared.kind, prepared.location), import_run_id=None, format=prepared.kind[:16],
            row=None, external_id=prepared.external_id, date_hint=prepared.when, text=record.text, metadata=record.source.metadata, created_at=now,
        )
    )  # fmt: skip
    keep = original_encrypter(Settings.from_env())
    if keep is not None and "original_text" in item.shared:
        connection.execute(insert(OriginalRow).values(testimony_id=tid, ciphertext=keep(item.shared["original_text"]), created_at=now))
    store_analyses(connection, [record], prepared.pipeline_version)
    return Intake(tid, False, record)


def store_text(
    engine: Engine, text: str, *, kind: str, location: str, metadata: dict | None = None, when: str | None = None,
    external_id: str | None = None, pipeline: Pipeline | None = None,
) -> Intake:  # fmt: skip
    """Analyse ``text`` and store it as a testimony (unless the same text is
    already stored: then it is a duplicate and nothing is written)."""
    prepared = prepare_text(engine, text, kind=kind, location=location, metadata=metadata, when=when, external_id=external_id, pipeline=pipeline)
    try:
        with write_transaction(engine) as connection:
            return write_prepared(connection, prepared)
    except IntegrityError:  # the same text stored by a concurrent request
        return Intake(prepared.id, True, None)
