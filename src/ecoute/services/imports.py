"""Importing testimonies into the store.

Every input record ends up in exactly one of three places, in the same
transaction as the run's counts: ``testimonies`` (stored), ``duplicates``
(same normalised text as a stored testimony) or ``rejections`` (with its
file, row and reason). So ``input == stored + duplicate + rejected`` for
every run, and the rows prove it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from types import SimpleNamespace
from typing import Callable, Sequence

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.orm import Session

from ecoute.config import PROTECTION_PIPELINE, Settings
from ecoute.errors import ComponentFailed
from ecoute.ingest import iter_inputs, resolve_inputs
from ecoute.ingest.model import RawRecord, ReadOptions, Rejection
from ecoute.pipeline import Item, Pipeline, get_pipeline
from ecoute.privacy.vault import original_encrypter
from ecoute.record import AnalysisRecord
from ecoute.services.analysis import item_from_raw, protected, store_analyses
from ecoute.store.models import DuplicateRow, ImportRun, OriginalRow, RejectionRow, SourceRow, TestimonyRow, utcnow
from ecoute.text import testimony_id


@dataclass(slots=True)
class ImportReport:
    run_id: int
    input: int = 0
    stored: int = 0
    duplicate: int = 0
    rejected: int = 0
    analysed: int = 0
    analysis_failed: int = 0

    @property
    def adds_up(self) -> bool:
        return self.input == self.stored + self.duplicate + self.rejected

    def as_dict(self) -> dict:
        return asdict(self)


class _Sources:
    """Source rows by file path, created on first sight."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.ids: dict[str, int] = {}

    def id_for(self, path: str) -> int:
        if path not in self.ids:
            with self.engine.begin() as connection:
                found = connection.scalar(select(SourceRow.id).where(SourceRow.kind == "file", SourceRow.location == path))
                if found is None:
                    found = connection.execute(
                        insert(SourceRow).values(kind="file", location=path, created_at=utcnow()).returning(SourceRow.id)
                    ).scalar_one()
            self.ids[path] = found
        return self.ids[path]


def run_import(
    engine: Engine,
    paths: Sequence[str],
    options: ReadOptions,
    *,
    pipeline: Pipeline | None = None,
    batch_size: int = 1000,
) -> ImportReport:
    """Import ``paths`` into the store; analyse what is new when a pipeline is given.

    Raises :class:`ecoute.errors.InputNotFound` before anything is written
    when a path does not exist; a bad file or record never stops the run.
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
    with engine.begin() as connection:
        run_id = connection.execute(
            insert(ImportRun).values(started_at=utcnow(), status="running", options=run_options).returning(ImportRun.id)
        ).scalar_one()
    report = ImportReport(run_id=run_id)
    sources = _Sources(engine)
    protection = None if settings.privacy_mode == "off" else get_pipeline(PROTECTION_PIPELINE)
    if pipeline is not None:
        pipeline = protected(pipeline)
    keep_original = original_encrypter(settings)
    batch: list[RawRecord | Rejection] = []
    try:
        for entry in iter_inputs(files, options):
            batch.append(entry)
            if len(batch) >= batch_size:
                _flush(engine, batch, report, sources, pipeline, protection, keep_original)
                batch.clear()
        if batch:
            _flush(engine, batch, report, sources, pipeline, protection, keep_original)
        _finish(engine, run_id, "done")
    except BaseException:
        _finish(engine, run_id, "interrupted")
        raise
    return report


def _flush(
    engine: Engine,
    batch: list[RawRecord | Rejection],
    report: ImportReport,
    sources: _Sources,
    pipeline: Pipeline | None,
    protection: Pipeline | None,
    keep_original: Callable[[str], bytes] | None,
) -> None:
    """Store one batch. New testimonies go through the pipeline (or at least
    its protection part) *before* they are written: only pseudonymised text
    and metadata reach the store. A testimony that cannot be protected is
    rejected (and can be retried by importing the file again)."""
    records = [(entry, testimony_id(entry.text)) for entry in batch if isinstance(entry, RawRecord)]
    rejections = [entry for entry in batch if isinstance(entry, Rejection)]
    wanted = {tid for _, tid in records}
    with engine.connect() as connection:
        seen = set(connection.scalars(select(TestimonyRow.id).where(TestimonyRow.id.in_(wanted)))) if wanted else set()
    duplicate_rows: list[dict] = []
    new_records: list[tuple[RawRecord, str]] = []
    for raw, tid in records:
        if tid in seen:
            duplicate_rows.append(
                {"import_run_id": report.run_id, "testimony_id": tid, "source_id": sources.id_for(raw.path), "row": raw.row, "external_id": raw.external_id}
            )
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
    for (raw, tid), item, result in zip(new_records, items, results):
        if isinstance(result, ComponentFailed):
            rejections.append(Rejection(path=raw.path, error=result, row=raw.row, format=raw.format))
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
    report.input += len(batch)
    report.stored += len(new_rows)
    report.duplicate += len(duplicate_rows)
    report.rejected += len(rejection_rows)
    report.analysed += len(analysed)
    with engine.begin() as connection:
        if new_rows:
            connection.execute(insert(TestimonyRow.__table__), new_rows)
        if original_rows:
            connection.execute(insert(OriginalRow), original_rows)
        if duplicate_rows:
            connection.execute(insert(DuplicateRow), duplicate_rows)
        if rejection_rows:
            connection.execute(insert(RejectionRow), rejection_rows)
        store_analyses(connection, analysed, pipeline.version if pipeline else "")
        _save_counts(connection, report)


def _save_counts(connection, report: ImportReport) -> None:
    connection.execute(
        update(ImportRun)
        .where(ImportRun.id == report.run_id)
        .values(
            input_count=report.input,
            stored_count=report.stored,
            duplicate_count=report.duplicate,
            rejected_count=report.rejected,
            analysed_count=report.analysed,
            analysis_failed_count=report.analysis_failed,
        )
    )


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
