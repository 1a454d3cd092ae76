"""Importing testimonies into the store.

Every input record ends up in exactly one of three places, in the same
transaction as the run's counts: ``testimonies`` (stored), ``duplicates``
(same normalised text as a stored testimony) or ``rejections`` (with its
file, row and reason). So ``input == stored + duplicate + rejected`` for
every run, and the rows prove it.

**Exactly once.** Readers yield the records of the same files in the same
order, and each batch is committed together with the run's new
``input_count``. An import that stops at any point (killed, power cut,
database gone) is resumed by running the same command again: the run is
found by the fingerprint of its inputs (paths, sizes, modification times)
and options, the first ``input_count`` records — those committed — are
skipped, and the counts go on from what is stored. The count update is
conditional on the count the batch started from, so a batch is never
written twice: not by a retry after a lost commit answer, not by a second
process resuming the same run (``RunConflict``).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Callable, Sequence, TypeVar

from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.orm import Session

from ecoute.config import PROTECTION_PIPELINE, Settings
from ecoute.errors import ComponentFailed, RunConflict
from ecoute.ingest import iter_inputs, resolve_inputs
from ecoute.ingest.model import RawRecord, ReadOptions, Rejection
from ecoute.pipeline import Item, Pipeline, get_pipeline
from ecoute.privacy.vault import original_encrypter
from ecoute.record import AnalysisRecord
from ecoute.services.analysis import item_from_raw, protected, store_analyses
from ecoute.store.models import AnalysisRow, DuplicateRow, ImportRun, OriginalRow, RejectionRow, SourceRow, TestimonyRow, utcnow
from ecoute.store.retry import RetryHook, retrying
from ecoute.text import testimony_id

T = TypeVar("T")
# Runs that may be resumed: not finished. "interrupted" is written on Ctrl-C or an
# error; a killed process leaves "running".
RESUMABLE = ("running", "interrupted")


@dataclass(slots=True)
class ImportReport:
    run_id: int
    input: int = 0
    stored: int = 0
    duplicate: int = 0
    rejected: int = 0
    analysed: int = 0
    analysis_failed: int = 0
    resumed: int = 0  # records found already done when an interrupted run was resumed

    @property
    def adds_up(self) -> bool:
        return self.input == self.stored + self.duplicate + self.rejected

    def as_dict(self) -> dict:
        return asdict(self)


class RetryingDb:
    """Runs each unit of database work with retries (see ``store/retry.py``)."""

    def __init__(self, engine: Engine, budget: float, on_retry: RetryHook | None) -> None:
        self.engine = engine
        self.budget = budget
        self.on_retry = on_retry

    def run(self, work: Callable[[], T], what: str) -> T:
        return retrying(self.engine, work, what=what, budget=self.budget, on_retry=self.on_retry)


class SourceIds:
    """Source rows by file path, created on first sight."""

    def __init__(self, db: RetryingDb) -> None:
        self.db = db
        self.ids: dict[str, int] = {}

    def id_for(self, path: str) -> int:
        if path not in self.ids:
            self.ids[path] = self.db.run(lambda: self._get_or_create(path), "import")
        return self.ids[path]

    def _get_or_create(self, path: str) -> int:
        with self.db.engine.begin() as connection:
            found = connection.scalar(select(SourceRow.id).where(SourceRow.kind == "file", SourceRow.location == path))
            if found is None:
                found = connection.execute(
                    insert(SourceRow).values(kind="file", location=path, created_at=utcnow()).returning(SourceRow.id)
                ).scalar_one()
        return found


def input_fingerprint(files: Sequence[Path], options: dict) -> str:
    """Identifies "the same command on the same inputs": the files (real path,
    size, modification time) and the options that change what is stored."""
    described = []
    for file in files:
        try:
            stat = os.stat(file)
            described.append([os.path.realpath(file), stat.st_size, stat.st_mtime_ns])
        except OSError:
            described.append([os.path.realpath(file), None, None])
    payload = json.dumps({"files": described, "options": options}, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


def run_import(
    engine: Engine,
    paths: Sequence[str],
    options: ReadOptions,
    *,
    pipeline: Pipeline | None = None,
    batch_size: int = 1000,
    on_retry: RetryHook | None = None,
    on_resume: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Import ``paths`` into the store; analyse what is new when a pipeline is given.

    Raises :class:`ecoute.errors.InputNotFound` before anything is written
    when a path does not exist; a bad file or record never stops the run.
    An unfinished run of the same inputs and options is resumed (see the
    module docstring); ``on_resume`` is told when that happens.
    """
    files = resolve_inputs(paths)
    settings = Settings.from_env()
    run_options = {  # "pipeline" is what was asked; imports always protect first (see below)
        "paths": [str(p) for p in paths],
        "text_col": options.text_col,
        "id_col": options.id_col,
        "date_col": options.date_col,
        "format": options.format,
        "analyse": pipeline is not None,
        "pipeline": pipeline.version if pipeline else None,
        "privacy": settings.privacy_mode,
    }
    run_options["fingerprint"] = input_fingerprint(files, {**run_options, "paths": None, "max_text_chars": options.max_text_chars})
    if pipeline is not None:
        pipeline = protected(pipeline)
    db = RetryingDb(engine, settings.db_retry_seconds, on_retry)
    report = db.run(lambda: _start_or_resume(engine, run_options, pipeline), "import")
    if report.resumed and on_resume is not None:
        on_resume(report)
    sources = SourceIds(db)
    protection = None if settings.privacy_mode == "off" else get_pipeline(PROTECTION_PIPELINE)
    keep_original = original_encrypter(settings)
    batch: list[RawRecord | Rejection] = []
    try:
        for index, entry in enumerate(iter_inputs(files, options)):
            if index < report.resumed:
                continue  # committed by the interrupted run
            batch.append(entry)
            if len(batch) >= batch_size:
                _flush(db, batch, report, sources, pipeline, protection, keep_original)
                batch.clear()
        if batch:
            _flush(db, batch, report, sources, pipeline, protection, keep_original)
        db.run(lambda: _finish(engine, report.run_id, "done"), "import")
    except BaseException:
        try:
            _finish(engine, report.run_id, "interrupted")
        except Exception:  # noqa: BLE001 - the database may be what failed; the run stays resumable
            pass
        raise
    return report


def _start_or_resume(engine: Engine, run_options: dict, pipeline: Pipeline | None) -> ImportReport:
    """The unfinished run with the same fingerprint, its counts recomputed
    from the rows it stored; else a new run."""
    with engine.begin() as connection:
        candidates = connection.execute(
            select(ImportRun.id, ImportRun.options).where(ImportRun.status.in_(RESUMABLE)).order_by(ImportRun.id.desc()).limit(50)
        ).all()
        for run_id, stored_options in candidates:
            if (stored_options or {}).get("fingerprint") == run_options["fingerprint"]:
                report = _recount(connection, run_id, pipeline)
                connection.execute(
                    update(ImportRun).where(ImportRun.id == run_id).values(status="running", finished_at=None, **count_values(report))
                )
                return report
        run_id = connection.execute(
            insert(ImportRun).values(started_at=utcnow(), status="running", options=run_options).returning(ImportRun.id)
        ).scalar_one()
    return ImportReport(run_id=run_id)


def _recount(connection, run_id: int, pipeline: Pipeline | None) -> ImportReport:
    def count(statement) -> int:
        return connection.scalar(statement) or 0

    report = ImportReport(run_id=run_id)
    report.stored = count(select(func.count()).select_from(TestimonyRow).where(TestimonyRow.import_run_id == run_id))
    report.duplicate = count(select(func.count()).select_from(DuplicateRow).where(DuplicateRow.import_run_id == run_id))
    report.rejected = count(select(func.count()).select_from(RejectionRow).where(RejectionRow.import_run_id == run_id))
    if pipeline is not None:
        report.analysed = count(
            select(func.count())
            .select_from(AnalysisRow)
            .join(TestimonyRow, TestimonyRow.id == AnalysisRow.testimony_id)
            .where(TestimonyRow.import_run_id == run_id, AnalysisRow.pipeline_version == pipeline.version)
        )
    report.input = report.resumed = report.stored + report.duplicate + report.rejected
    return report


def _flush(
    db: RetryingDb,
    batch: list[RawRecord | Rejection],
    report: ImportReport,
    sources: SourceIds,
    pipeline: Pipeline | None,
    protection: Pipeline | None,
    keep_original: Callable[[str], bytes] | None,
) -> None:
    """Store one batch. New testimonies go through the pipeline (or at least
    its protection part) *before* they are written: only pseudonymised text
    and metadata reach the store. A testimony that cannot be protected is
    rejected (and can be retried by importing the file again)."""
    engine = db.engine
    records = [(entry, testimony_id(entry.text)) for entry in batch if isinstance(entry, RawRecord)]
    rejections = [entry for entry in batch if isinstance(entry, Rejection)]
    wanted = {tid for _, tid in records}

    def stored_ids() -> set[str]:
        with engine.connect() as connection:
            return set(connection.scalars(select(TestimonyRow.id).where(TestimonyRow.id.in_(wanted)))) if wanted else set()

    seen = db.run(stored_ids, "import")
    duplicates: list[tuple[RawRecord, str]] = []
    new_records: list[tuple[RawRecord, str]] = []
    for raw, tid in records:
        if tid in seen:
            duplicates.append((raw, tid))
            continue
        seen.add(tid)
        new_records.append((raw, tid))
    if pipeline is None and protection is None:  # privacy off and no analysis: store as read
        items: list[Item | None] = [None] * len(new_records)
        results: list = [SimpleNamespace(text=raw.text, source=SimpleNamespace(metadata=raw.metadata)) for raw, _ in new_records]
    else:
        items = [item_from_raw(raw, tid) for raw, tid in new_records]
        results = (pipeline or protection).analyse(items)
    now = utcnow()
    new_rows: list[dict] = []
    original_rows: list[dict] = []
    analysed: list[AnalysisRecord] = []
    failed_ids: set[str] = set()
    for (raw, tid), item, result in zip(new_records, items, results):
        if isinstance(result, ComponentFailed):
            rejections.append(Rejection(path=raw.path, error=result, row=raw.row, format=raw.format))
            failed_ids.add(tid)
            continue
        new_rows.append(
            {
                "id": tid,
                "source_id": sources.id_for(raw.path),
                "import_run_id": report.run_id,
                "format": raw.format,
                "row": raw.row,
                "external_id": raw.external_id,
                "date_hint": None if raw.date is None else str(raw.date)[:64],
                "text": result.text,
                "metadata": result.source.metadata,
                "created_at": now,
            }
        )
        if keep_original is not None and item is not None and "original_text" in item.shared:
            original_rows.append({"testimony_id": tid, "ciphertext": keep_original(item.shared["original_text"]), "created_at": now})
        if pipeline is not None:
            analysed.append(result)
    duplicate_rows = []
    for raw, tid in duplicates:
        if tid in failed_ids:  # the same text as a record just rejected: rejected likewise, not a duplicate of nothing
            failure = next(r.error for r in rejections if isinstance(r.error, ComponentFailed) and r.error.params.get("id") == tid)
            rejections.append(Rejection(path=raw.path, error=failure, row=raw.row, format=raw.format))
            continue
        duplicate_rows.append(
            {"import_run_id": report.run_id, "testimony_id": tid, "source_id": sources.id_for(raw.path), "row": raw.row, "external_id": raw.external_id}
        )
    rejection_rows = [
        {
            "import_run_id": report.run_id,
            "path": rejection.path,
            "row": rejection.row,
            "format": rejection.format,
            "code": rejection.code,
            "params": rejection.error.to_dict("en")["details"],
            "reason": rejection.reason("en"),
            "created_at": now,
        }
        for rejection in rejections
    ]
    after = ImportReport(
        run_id=report.run_id,
        input=report.input + len(batch),
        stored=report.stored + len(new_rows),
        duplicate=report.duplicate + len(duplicate_rows),
        rejected=report.rejected + len(rejection_rows),
        analysed=report.analysed + len(analysed),
        analysis_failed=report.analysis_failed,
        resumed=report.resumed,
    )

    def commit() -> None:
        with engine.begin() as connection:
            # First, and conditional: this batch is written only if the run is where we left it.
            moved = connection.execute(
                update(ImportRun)
                .where(ImportRun.id == report.run_id, ImportRun.input_count == report.input)
                .values(**count_values(after))
            ).rowcount
            if moved != 1:
                current = connection.scalar(select(ImportRun.input_count).where(ImportRun.id == report.run_id))
                if current == after.input:
                    return  # an earlier attempt committed, only its answer was lost
                raise RunConflict(run=report.run_id)
            if new_rows:
                connection.execute(insert(TestimonyRow.__table__), new_rows)
            if original_rows:
                connection.execute(insert(OriginalRow), original_rows)
            if duplicate_rows:
                connection.execute(insert(DuplicateRow), duplicate_rows)
            if rejection_rows:
                connection.execute(insert(RejectionRow), rejection_rows)
            store_analyses(connection, analysed, pipeline.version if pipeline else "")

    db.run(commit, "import")
    for name in ("input", "stored", "duplicate", "rejected", "analysed"):
        setattr(report, name, getattr(after, name))


def count_values(report: ImportReport) -> dict[str, int]:
    return {
        "input_count": report.input,
        "stored_count": report.stored,
        "duplicate_count": report.duplicate,
        "rejected_count": report.rejected,
        "analysed_count": report.analysed,
        "analysis_failed_count": report.analysis_failed,
    }


def _finish(engine: Engine, run_id: int, status: str) -> None:
    with engine.begin() as connection:
        connection.execute(update(ImportRun).where(ImportRun.id == run_id).values(status=status, finished_at=utcnow()))


def list_runs(engine: Engine, limit: int = 50) -> list[ImportRun]:
    with Session(engine) as session:
        return list(session.scalars(select(ImportRun).order_by(ImportRun.id.desc()).limit(limit)))


def list_rejections(engine: Engine, run_id: int) -> list[RejectionRow]:
    """The rejections of one run; raises NotFound when the run does not exist."""
    from ecoute.errors import NotFound

    with Session(engine) as session:
        if session.get(ImportRun, run_id) is None:
            raise NotFound(kind="import", id=run_id, listing="runs")
        return list(session.scalars(select(RejectionRow).where(RejectionRow.import_run_id == run_id).order_by(RejectionRow.id)))
