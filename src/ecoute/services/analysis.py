"""Analysing testimonies, with or without a store.

Both paths go through :class:`ecoute.pipeline.Pipeline`; this module only
turns inputs into pipeline items and records into rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Sequence

from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.orm import Session

from ecoute.errors import ComponentFailed
from ecoute.ingest import iter_inputs
from ecoute.ingest.model import RawRecord, ReadOptions, Rejection
from ecoute.pipeline import Item, Pipeline
from ecoute.record import SCHEMA_VERSION, AnalysisRecord, Source
from ecoute.services.facts import analysis_columns, store_facts
from ecoute.store.models import AnalysisRow, TestimonyRow, utcnow


def protected(pipeline: Pipeline) -> Pipeline:
    """The pipeline with pseudonymisation in front when privacy is on: text
    is never stored or shown unprotected, whatever pipeline is configured."""
    from ecoute.config import PROTECTION_PIPELINE, Settings
    from ecoute.pipeline import get_pipeline

    names = [component.name for component in pipeline.components]
    if Settings.from_env().privacy_mode == "off" or "pseudonymise" in names:
        return pipeline
    return get_pipeline(tuple(PROTECTION_PIPELINE) + tuple(n for n in names if n not in PROTECTION_PIPELINE))


def protect_texts(texts: Sequence[str], batch_size: int = 256) -> list[str]:
    """Texts pseudonymised by the product's own protection stage (for training
    data: a model must not learn, and carry, people's names)."""
    from ecoute.config import PROTECTION_PIPELINE, Settings
    from ecoute.pipeline import get_pipeline

    if Settings.from_env().privacy_mode == "off":
        return list(texts)
    pipeline = get_pipeline(PROTECTION_PIPELINE)
    out: list[str] = []
    for start in range(0, len(texts), batch_size):
        chunk = [Item(text=text, source=Source(kind="training")) for text in texts[start : start + batch_size]]
        out += [result.text if isinstance(result, AnalysisRecord) else "" for result in pipeline.analyse(chunk)]
    return out


def item_from_raw(raw: RawRecord, testimony_id: str = "") -> Item:
    source = Source(kind=raw.format, path=raw.path, row=raw.row, external_id=raw.external_id, metadata=raw.metadata)
    return Item(text=raw.text, source=source, date_hint=raw.date, id=testimony_id)


def item_from_row(row: TestimonyRow) -> Item:
    source = Source(kind=row.format, path=None, row=row.row, external_id=row.external_id, metadata=row.meta or {})
    return Item(text=row.text, source=source, date_hint=row.date_hint, id=row.id)


def analysis_values(record: AnalysisRecord, pipeline_version: str) -> dict:
    """The row of ``analyses`` for one record: the record itself plus the
    columns that dashboards filter on."""
    document = record.model_dump(mode="json")
    return {
        "testimony_id": record.id,
        "pipeline_version": pipeline_version,
        "schema_version": SCHEMA_VERSION,
        "is_current": True,
        "language": record.language,
        "author_role": record.author_role,
        "testimony_date": record.date,
        "sentiment_label": record.sentiment.label if record.sentiment else None,
        "sentiment_score": record.sentiment.score if record.sentiment else None,
        "effort_score": record.effort.score if record.effort else None,
        "record": document,
        "created_at": utcnow(),
        **analysis_columns(document),
    }


def store_analyses(connection, records: Sequence[AnalysisRecord], pipeline_version: str) -> None:
    """Insert records as the current analyses; earlier ones stay as history."""
    if not records:
        return
    ids = [r.id for r in records]
    connection.execute(
        update(AnalysisRow).where(AnalysisRow.testimony_id.in_(ids), AnalysisRow.is_current.is_(True)).values(is_current=False)
    )
    rows = [analysis_values(r, pipeline_version) for r in records]
    connection.execute(insert(AnalysisRow), rows)
    store_facts(connection, [row["record"] for row in rows])
    from ecoute.cases.service import open_cases_for  # the opening rules (docs/cases.md)

    open_cases_for(connection, [row["record"] for row in rows])


def split_results(results: Iterable[AnalysisRecord | ComponentFailed]) -> tuple[list[AnalysisRecord], list[ComponentFailed]]:
    records, failures = [], []
    for result in results:
        (failures if isinstance(result, ComponentFailed) else records).append(result)
    return records, failures


@dataclass(slots=True)
class AnalyseCounts:
    input: int = 0
    analysed: int = 0
    duplicate: int = 0
    rejected: int = 0
    failed: int = 0


def analyse_inputs(
    paths: Sequence[str],
    options: ReadOptions,
    pipeline: Pipeline,
    counts: AnalyseCounts,
    *,
    batch_size: int = 256,
) -> Iterator[AnalysisRecord | Rejection | ComponentFailed]:
    """Analyse files without a store: yields a record per distinct testimony,
    and each rejection or failure; duplicates within the input are counted
    and skipped."""
    pipeline = protected(pipeline)
    seen: set[str] = set()
    batch: list[Item] = []

    def flush() -> Iterator[AnalysisRecord | ComponentFailed]:
        for result in pipeline.analyse(batch):
            if isinstance(result, ComponentFailed):
                counts.failed += 1
            else:
                counts.analysed += 1
            yield result
        batch.clear()

    for entry in iter_inputs(paths, options):
        counts.input += 1
        if isinstance(entry, Rejection):
            counts.rejected += 1
            yield entry
            continue
        item = item_from_raw(entry)
        if item.id in seen:
            counts.duplicate += 1
            continue
        seen.add(item.id)
        batch.append(item)
        if len(batch) >= batch_size:
            yield from flush()
    if batch:
        yield from flush()


def reanalyse(
    engine: Engine,
    pipeline: Pipeline,
    *,
    everything: bool = False,
    batch_size: int = 500,
    on_progress: Callable[[int, int], None] | None = None,
) -> tuple[int, int]:
    """Analyse stored testimonies whose current analysis is missing or was made
    by another pipeline version (or all of them, with ``everything``).

    Returns (analysed, failed); progress is reported as (done, total).
    """
    pipeline = protected(pipeline)
    version = pipeline.version
    todo = select(TestimonyRow)
    if not everything:
        up_to_date = select(AnalysisRow.testimony_id).where(
            AnalysisRow.is_current.is_(True), AnalysisRow.pipeline_version == version
        )
        todo = todo.where(TestimonyRow.id.not_in(up_to_date))
    with Session(engine) as session:
        total = session.scalar(select(func.count()).select_from(todo.subquery())) or 0
    analysed = failed = done = 0
    last_id = ""
    while True:
        # Page by id so that failed testimonies are not fetched again and again.
        with Session(engine) as session:
            rows = session.scalars(todo.where(TestimonyRow.id > last_id).order_by(TestimonyRow.id).limit(batch_size)).all()
            items = [item_from_row(row) for row in rows]
        if not items:
            break
        records, failures = split_results(pipeline.analyse(items))
        with engine.begin() as connection:
            store_analyses(connection, records, version)
        last_id = items[-1].id
        analysed += len(records)
        failed += len(failures)
        done += len(items)
        if on_progress:
            on_progress(done, total)
    return analysed, failed
