"""Exporting stored testimonies with their current analysis.

Exports read the store, which only holds pseudonymised text: nothing
personal can come out that was not stored. Files are written to a temporary
name and renamed at the end, so a half-written export is never left under
the requested name.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from ecoute.errors import BadOption, MissingDependency
from ecoute.files import atomic_path
from ecoute.store.models import AnalysisRow, TestimonyRow

EXPORT_FORMATS = ("jsonl", "csv", "parquet")
FLAT_COLUMNS = (
    "id", "date", "language", "author_role", "sentiment_label", "sentiment_score", "effort_score",
    "themes", "source_kind", "external_id", "metadata", "text",
)  # fmt: skip


def _rows(engine: Engine, page: int = 1000) -> Iterator[tuple[TestimonyRow, dict | None]]:
    current = select(AnalysisRow).where(AnalysisRow.is_current.is_(True)).subquery()
    last = ""
    while True:
        with Session(engine) as session:
            rows = session.execute(
                select(TestimonyRow, current.c.record)
                .outerjoin(current, current.c.testimony_id == TestimonyRow.id)
                .where(TestimonyRow.id > last)
                .order_by(TestimonyRow.id)
                .limit(page)
            ).all()
            session.expunge_all()
        if not rows:
            return
        yield from rows
        last = rows[-1][0].id


def flat(row: TestimonyRow, record: dict | None) -> dict[str, Any]:
    record = record or {}
    sentiment = record.get("sentiment") or {}
    effort = record.get("effort") or {}
    return {
        "id": row.id,
        "date": record.get("date"),
        "language": record.get("language"),
        "author_role": record.get("author_role"),
        "sentiment_label": sentiment.get("label"),
        "sentiment_score": sentiment.get("score"),
        "effort_score": effort.get("score"),
        "themes": " ".join(theme["code"] for theme in record.get("themes", [])),
        "source_kind": row.format,
        "external_id": row.external_id,
        "metadata": json.dumps(row.meta or {}, ensure_ascii=False),
        "text": row.text,
    }


def export(
    engine: Engine, path: str | Path, fmt: str | None = None, on_row: Callable[[], None] | None = None,
    rows: Iterable[tuple[TestimonyRow, dict | None]] | None = None,
) -> int:  # fmt: skip
    """Write every stored testimony (or the given ``rows``: a selection, as
    (testimony, record) pairs) to ``path``; returns the number written."""
    path = Path(path)
    fmt = fmt or path.suffix.lstrip(".").lower()
    if fmt not in EXPORT_FORMATS:
        raise BadOption(option="--format", detail=f"{fmt!r}: use jsonl, csv or parquet", command="export")
    writer = {"jsonl": _jsonl, "csv": _csv, "parquet": _parquet}[fmt]
    with atomic_path(path) as temporary:
        count = writer(_rows(engine) if rows is None else rows, temporary, on_row or (lambda: None))
    return count


def _jsonl(rows: Iterable[tuple[TestimonyRow, dict | None]], path: Path, on_row: Callable[[], None]) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for row, record in rows:
            payload = record or {"id": row.id, "text": row.text, "source": {"kind": row.format, "metadata": row.meta}}
            handle.write(json.dumps(payload, ensure_ascii=False) + "\n")
            count += 1
            on_row()
    return count


def _csv(rows: Iterable[tuple[TestimonyRow, dict | None]], path: Path, on_row: Callable[[], None]) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FLAT_COLUMNS)
        writer.writeheader()
        for row, record in rows:
            writer.writerow(flat(row, record))
            count += 1
            on_row()
    return count


def _parquet(rows: Iterable[tuple[TestimonyRow, dict | None]], path: Path, on_row: Callable[[], None]) -> int:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise MissingDependency(feature="Parquet export", package="pyarrow", install="ecoute[parquet]") from None
    schema = pa.schema(
        [(name, pa.float64() if name in ("sentiment_score", "effort_score") else pa.string()) for name in FLAT_COLUMNS]
    )
    count = 0
    with pq.ParquetWriter(path, schema) as writer:
        batch: list[dict] = []
        for row, record in rows:
            batch.append(flat(row, record))
            on_row()
            if len(batch) >= 5000:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                count += len(batch)
                batch.clear()
        if batch or count == 0:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            count += len(batch)
    return count
