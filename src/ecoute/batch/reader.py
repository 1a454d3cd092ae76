"""Batch inputs: a file or a folder of parts, CSV, JSON Lines or Parquet.

CSV, TSV, JSON Lines (and every other format ``ecoute import`` reads) go
through the import readers themselves, so the text/id/date columns, the
cleaning, the limits and the rejections are the same. Parquet is read here
with pyarrow, one record batch at a time, with the same column logic
(``resolve_columns``) and the same checks (``FileContext.record``).

Folders are walked like ``ecoute import`` does, except that names starting
with ``_`` are skipped too: ``_SUCCESS`` and ``_metadata`` files of Spark and
Hive datasets are markers, not parts.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import logging
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ecoute.errors import BadOption, EmptyInput, InputNotFound, MalformedRecord, MissingDependency, UnreadableFile
from ecoute.ingest import FORMATS, format_for, iter_inputs
from ecoute.ingest.jsonl import _scalar as jsonl_scalar  # an id or date value as text, as JSON Lines does
from ecoute.ingest.model import RawRecord, ReadOptions, Rejection
from ecoute.ingest.readers import FileContext, FileProgress, file_size, resolve_columns, where

log = logging.getLogger(__name__)

PARQUET_SUFFIXES = (".parquet", ".parq", ".pq")
BATCH_FORMATS = (*FORMATS, "parquet")
READ_ROWS = 4096  # rows per Parquet record batch: bounded memory whatever the row group size


def batch_format_for(path: Path) -> str | None:
    if path.suffix.lower() in PARQUET_SUFFIXES:
        return "parquet"
    return format_for(path)


def resolve_batch_inputs(paths: Sequence[str | Path]) -> list[Path]:
    """The files to read, in a stable order; raises InputNotFound first."""
    files: list[Path] = []
    for given in map(Path, paths):
        if not os.path.lexists(given):
            raise InputNotFound(path=str(given))
        if not given.is_dir():
            files.append(given)
            continue
        found = []
        for root, dirs, names in os.walk(given):
            dirs[:] = [name for name in dirs if not name.startswith((".", "_"))]
            found += [Path(root) / name for name in names if not name.startswith((".", "_"))]
        files += sorted(found, key=lambda file: file.relative_to(given).parts)
    return files


def check_format(fmt: str | None) -> str | None:
    if fmt is None:
        return None
    fmt = fmt.strip().lower()
    if fmt not in BATCH_FORMATS:
        raise BadOption(option="--format", detail=f"{fmt!r} is not one of {', '.join(BATCH_FORMATS)}", command="batch")
    return fmt


def iter_batch_inputs(files: Sequence[Path], options: ReadOptions) -> Iterator[RawRecord | Rejection]:
    """Every record (or rejection) of every file, in order; never raises for a bad file."""
    forced = check_format(options.format)
    for file in files:
        fmt = forced or batch_format_for(file)
        if fmt == "parquet":
            yield from read_parquet_file(file, options)
        else:
            # The import readers (their own rejection of unknown suffixes included).
            yield from iter_inputs([file], options)


def read_parquet_file(path: Path, options: ReadOptions) -> Iterator[RawRecord | Rejection]:
    """One Parquet file; a corrupt or unreadable file becomes one rejection with its name."""
    progress = FileProgress(options.on_bytes, file_size(path))
    ctx = FileContext(path=path, format="parquet", options=options, progress=progress)
    try:
        yield from _read_parquet(ctx)
    except MissingDependency:
        raise
    except Exception as exc:  # a bad part never stops the batch
        log.debug("reading %s failed", path, exc_info=True)
        detail = f"{type(exc).__name__}: {exc}".strip().splitlines()[0][:300]
        yield ctx.reject(UnreadableFile(path=ctx.name, detail=detail))
    finally:
        progress.finish()


def _read_parquet(ctx: FileContext) -> Iterator[RawRecord | Rejection]:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise MissingDependency(feature="Parquet input", package="pyarrow", install="ecoute[parquet]") from None
    if ctx.progress.size == 0:
        yield ctx.reject(EmptyInput(path=ctx.name))
        return
    parquet = pq.ParquetFile(ctx.path)
    columns = resolve_columns(ctx, parquet.schema_arrow.names)
    if isinstance(columns, Rejection):
        yield columns
        return
    total = parquet.metadata.num_rows
    if total == 0:
        yield ctx.reject(EmptyInput(path=ctx.name))
        return
    names = columns.names
    metadata_columns = columns.metadata_columns()
    row = 0
    for batch in parquet.iter_batches(batch_size=READ_ROWS):
        values = [column.to_pylist() for column in batch.columns]
        for offset in range(batch.num_rows):
            row += 1
            text = values[columns.text][offset]
            if isinstance(text, (bytes, bytearray)):
                text = bytes(text).decode("utf-8", errors="replace")
            elif text is None:
                text = ""
            elif isinstance(text, (int, float, decimal.Decimal)) and not isinstance(text, bool):
                text = str(text)
            elif not isinstance(text, str):
                detail = f"the text column {names[columns.text]!r} holds {type(text).__name__}, not text"
                yield ctx.reject(MalformedRecord(path=ctx.name, where=where(row), detail=detail), row)
                continue
            metadata = {}
            for index, name in metadata_columns:
                value = _json_value(values[index][offset])
                if value not in (None, "", [], {}):
                    metadata[name] = value
            external_id = _scalar(values[columns.id][offset]) if columns.id is not None else None
            date = _scalar(values[columns.date][offset]) if columns.date is not None else None
            yield ctx.record(text, row, external_id, date, metadata)
        ctx.progress(int(ctx.progress.size * row / total) - ctx.progress.reported)


def _json_value(value: Any) -> Any:
    """A Parquet value as JSON: dates as ISO text, decimals as numbers, bytes as base64."""
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, float) and value != value:  # NaN is not JSON
        return None
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    return value


def _scalar(value: Any) -> str | None:
    return jsonl_scalar(_json_value(value))
