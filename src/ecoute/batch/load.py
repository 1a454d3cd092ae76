"""Loading a finished batch output into the store, in bulk and idempotently.

The load is one import run (``ecoute runs`` lists it), made of units: the
records of each part, in order, then the batch's rejections and duplicates.
Each unit is one transaction that starts by moving the run's
``input_count`` from the value it expects to the new one, exactly like
``ecoute import`` does (services/imports.py): a unit can therefore never be
loaded twice — not on a retry after a lost answer, not when the load is run
again after an interruption or after it finished. The run is found again by
the output's fingerprint.

On PostgreSQL a part's rows are sent with ``COPY`` into a temporary table,
then moved with ``INSERT … ON CONFLICT (id) DO NOTHING``; testimonies that
were already stored become duplicates. On SQLite the same is done with
batched inserts.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import Engine, insert, select, text, update

from ecoute.batch.parts import part_name
from ecoute.batch.writer import records_from_table
from ecoute.config import Settings
from ecoute.errors import OutputNotWritable, RunConflict
from ecoute.record import SCHEMA_VERSION
from ecoute.services.analysis import analysis_values
from ecoute.services.imports import ImportReport, RetryingDb, SourceIds, count_values
from ecoute.store.models import DuplicateRow, ImportRun, RejectionRow, TestimonyRow, utcnow
from ecoute.store.retry import RetryHook

_STAGE_COLUMNS = (
    "id", "source_id", "format", "row", "external_id", "date_hint", "text", "metadata", "record",
    "language", "author_role", "testimony_date", "sentiment_label", "sentiment_score", "effort_score",
)  # fmt: skip
_STAGE_TABLE = """CREATE TEMPORARY TABLE IF NOT EXISTS ecoute_load (
    id varchar(32), source_id integer, format varchar(16), "row" integer, external_id varchar(255),
    date_hint varchar(64), text text, metadata json, record json, language varchar(8),
    author_role varchar(16), testimony_date varchar(10), sentiment_label varchar(16),
    sentiment_score double precision, effort_score double precision) ON COMMIT DELETE ROWS"""
_MOVE = """
WITH new AS (
    INSERT INTO testimonies (id, source_id, import_run_id, format, "row", external_id, date_hint, text, metadata, created_at)
    SELECT id, source_id, :run, format, "row", external_id, date_hint, text, metadata, now() FROM ecoute_load
    ON CONFLICT (id) DO NOTHING
    RETURNING id
), analysed AS (
    INSERT INTO analyses (testimony_id, pipeline_version, schema_version, is_current, language, author_role,
                          testimony_date, sentiment_label, sentiment_score, effort_score, record, created_at)
    SELECT l.id, :version, :schema, true, l.language, l.author_role, l.testimony_date, l.sentiment_label,
           l.sentiment_score, l.effort_score, l.record, now()
    FROM ecoute_load l JOIN new ON new.id = l.id
    RETURNING 1
), known AS (
    INSERT INTO duplicates (import_run_id, testimony_id, source_id, "row", external_id)
    SELECT :run, l.id, l.source_id, l."row", l.external_id FROM ecoute_load l
    WHERE NOT EXISTS (SELECT 1 FROM new WHERE new.id = l.id)
    RETURNING 1
)
SELECT (SELECT count(*) FROM new), (SELECT count(*) FROM known), (SELECT count(*) FROM analysed)
"""


def load_output(output: str | Path, url: str, *, on_retry: RetryHook | None = None) -> dict:
    """Load a finished batch OUTPUT into the store at ``url``; returns the run's counts."""
    from ecoute.store.db import open_store

    output = Path(output)
    try:
        manifest = json.loads((output / "_manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise OutputNotWritable(path=str(output), detail=f"no finished batch output here ({exc})") from None
    engine = open_store(url)
    db = RetryingDb(engine, Settings.from_env().db_retry_seconds, on_retry)
    version = manifest["plan"]["pipeline"]
    report, status = db.run(lambda: _start_or_resume(engine, manifest, output), "the batch load")
    if status != "done":
        _load(db, output, manifest, report, version)
        db.run(lambda: _finish(engine, report.run_id), "the batch load")
    return report.as_dict()


def _start_or_resume(engine: Engine, manifest: dict, output: Path) -> tuple[ImportReport, str]:
    with engine.begin() as connection:
        runs = connection.execute(select(ImportRun.id, ImportRun.options, ImportRun.status).order_by(ImportRun.id.desc()).limit(200))
        for run_id, options, status in runs:
            if (options or {}).get("batch_fingerprint") == manifest["fingerprint"]:
                report = _counts_of(connection, run_id)
                report.resumed = report.input
                return report, status
        options = {
            "batch": str(output.absolute()),
            "batch_fingerprint": manifest["fingerprint"],
            "paths": manifest.get("inputs", []),
            "analyse": True,
            "pipeline": manifest["plan"]["pipeline"],
            "privacy": manifest["plan"]["privacy"],
        }
        run_id = connection.execute(
            insert(ImportRun).values(started_at=utcnow(), status="running", options=options).returning(ImportRun.id)
        ).scalar_one()
    return ImportReport(run_id=run_id), "running"


def _load(db: RetryingDb, output: Path, manifest: dict, report: ImportReport, version: str) -> None:
    import pyarrow.parquet as pq

    sources = SourceIds(db)
    position = 0  # input records covered by the units before this one
    for marker in manifest["parts"]:
        size = marker["records"]
        if size and report.input < position + size:
            table = pq.read_table(output / part_name(marker["part"]))
            records = records_from_table(table)
            if report.input != position:
                raise RunConflict(run=report.run_id)
            db.run(lambda: _load_records(db.engine, records, sources, report, version), "the batch load")
        position += size
    rejections = pq.read_table(output / "_rejections.parquet").to_pylist()
    duplicates = pq.read_table(output / "_duplicates.parquet").to_pylist()
    if report.input < position + len(rejections) + len(duplicates):
        db.run(lambda: _load_rest(db.engine, rejections, duplicates, sources, report), "the batch load")


def _advance(connection, report: ImportReport, after: ImportReport) -> bool:
    """Move the run's counts, conditionally; False when this unit is already loaded."""
    moved = connection.execute(
        update(ImportRun).where(ImportRun.id == report.run_id, ImportRun.input_count == report.input).values(**count_values(after))
    ).rowcount
    if moved == 1:
        return True
    current = connection.scalar(select(ImportRun.input_count).where(ImportRun.id == report.run_id))
    if current == after.input:
        return False
    raise RunConflict(run=report.run_id)


def _stage_rows(records, sources: SourceIds, version: str) -> list[dict]:
    rows = []
    for record in records:
        values = analysis_values(record, version)
        rows.append(
            {
                "id": record.id,
                "source_id": sources.id_for(record.source.path) if record.source.path else None,
                "format": record.source.kind,
                "row": record.source.row,
                "external_id": record.source.external_id,
                "date_hint": None,
                "text": record.text,
                "metadata": record.source.metadata,
                "record": values["record"],
                **{key: values[key] for key in ("language", "author_role", "testimony_date", "sentiment_label", "sentiment_score", "effort_score")},
            }
        )
    return rows


class _AlreadyLoaded(Exception):
    """Rolls back a unit whose counts show it was loaded already."""


def _load_records(engine: Engine, records, sources: SourceIds, report: ImportReport, version: str) -> None:
    rows = _stage_rows(records, sources, version)
    after = ImportReport(**report.as_dict())
    try:
        with engine.begin() as connection:
            move = _move_postgres if engine.dialect.name == "postgresql" else _move_generic
            stored, known, analysed = move(connection, rows, report.run_id, version)
            after.input += len(rows)
            after.stored += stored
            after.duplicate += known
            after.analysed += analysed
            # The split stored/duplicate is known only after the move: the conditional
            # count update comes last, and a unit already loaded is rolled back whole.
            if not _advance(connection, report, after):
                raise _AlreadyLoaded
    except _AlreadyLoaded:
        after = _counts_of(engine, report.run_id)
    _copy_counts(report, after)


def _move_postgres(connection, rows: list[dict], run_id: int, version: str) -> tuple[int, int, int]:
    raw = connection.connection.driver_connection  # psycopg 3
    with raw.cursor() as cursor:
        cursor.execute(_STAGE_TABLE)
        columns = ", ".join(f'"{name}"' for name in _STAGE_COLUMNS)
        with cursor.copy(f"COPY ecoute_load ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(
                    [json.dumps(row[name], ensure_ascii=False) if name in ("metadata", "record") else row[name] for name in _STAGE_COLUMNS]
                )
    stored, known, analysed = connection.execute(text(_MOVE), {"run": run_id, "version": version, "schema": SCHEMA_VERSION}).one()
    return stored, known, analysed


def _move_generic(connection, rows: list[dict], run_id: int, version: str) -> tuple[int, int, int]:
    ids = [row["id"] for row in rows]
    existing: set[str] = set()
    for start in range(0, len(ids), 500):
        existing |= set(connection.scalars(select(TestimonyRow.id).where(TestimonyRow.id.in_(ids[start : start + 500]))))
    now = utcnow()
    new = [row for row in rows if row["id"] not in existing]
    known = [row for row in rows if row["id"] in existing]
    if new:
        connection.execute(
            insert(TestimonyRow.__table__),
            [{key: row[key] for key in ("id", "source_id", "format", "row", "external_id", "date_hint", "text", "metadata")} | {"import_run_id": run_id, "created_at": now} for row in new],
        )
        from ecoute.store.models import AnalysisRow

        connection.execute(
            insert(AnalysisRow),
            [
                {"testimony_id": row["id"], "pipeline_version": version, "schema_version": SCHEMA_VERSION, "is_current": True, "record": row["record"], "created_at": now}
                | {key: row[key] for key in ("language", "author_role", "testimony_date", "sentiment_label", "sentiment_score", "effort_score")}
                for row in new
            ],
        )
    if known:
        connection.execute(
            insert(DuplicateRow),
            [{"import_run_id": run_id, "testimony_id": row["id"], "source_id": row["source_id"], "row": row["row"], "external_id": row["external_id"]} for row in known],
        )
    return len(new), len(known), len(new)


def _load_rest(engine: Engine, rejections: list[dict], duplicates: list[dict], sources: SourceIds, report: ImportReport) -> None:
    now = utcnow()
    rejection_rows = [
        {"import_run_id": report.run_id, "path": r["path"], "row": r["row"], "format": r["format"], "code": r["code"],
         "params": json.loads(r["params"] or "{}"), "reason": r["reason"], "created_at": now}
        for r in rejections
    ]  # fmt: skip
    duplicate_rows = [
        {"import_run_id": report.run_id, "testimony_id": d["testimony_id"], "source_id": sources.id_for(d["path"]) if d["path"] else None,
         "row": d["row"], "external_id": d["external_id"]}
        for d in duplicates
    ]  # fmt: skip
    after = ImportReport(**report.as_dict())
    after.input += len(rejection_rows) + len(duplicate_rows)
    after.rejected += len(rejection_rows)
    after.duplicate += len(duplicate_rows)
    with engine.begin() as connection:
        if not _advance(connection, report, after):
            after = _counts_of(engine, report.run_id)
            rejection_rows = duplicate_rows = []
        for start in range(0, len(rejection_rows), 5000):
            connection.execute(insert(RejectionRow), rejection_rows[start : start + 5000])
        for start in range(0, len(duplicate_rows), 5000):
            connection.execute(insert(DuplicateRow), duplicate_rows[start : start + 5000])
    _copy_counts(report, after)


def _counts_of(engine_or_connection, run_id: int) -> ImportReport:
    if isinstance(engine_or_connection, Engine):
        with engine_or_connection.connect() as connection:
            return _counts_of(connection, run_id)
    row = engine_or_connection.execute(
        select(ImportRun.input_count, ImportRun.stored_count, ImportRun.duplicate_count, ImportRun.rejected_count, ImportRun.analysed_count).where(ImportRun.id == run_id)
    ).one()
    return ImportReport(run_id=run_id, input=row[0], stored=row[1], duplicate=row[2], rejected=row[3], analysed=row[4])


def _copy_counts(report: ImportReport, after: ImportReport) -> None:
    for name in ("input", "stored", "duplicate", "rejected", "analysed"):
        setattr(report, name, getattr(after, name))


def _finish(engine: Engine, run_id: int) -> None:
    with engine.begin() as connection:
        connection.execute(update(ImportRun).where(ImportRun.id == run_id).values(status="done", finished_at=utcnow()))

