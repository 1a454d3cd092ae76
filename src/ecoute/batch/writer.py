"""The Parquet form of analysis records, and files that appear only when complete.

**Schema.** One row per testimony; the columns are the record's top-level
keys. Nested parts keep their shape as Parquet structs and lists
(``journey.events[].channel``, ``themes[].code``, ``sentences[].sentiment``…),
so Spark, DuckDB or pandas query them without parsing. The schema is derived
from the pydantic models in :mod:`ecoute.record`, so it follows the record
as it grows. Free-form maps — ``source.metadata`` and ``labels``, whose keys
are the operator's — are JSON text columns: a struct would need one schema
for every input. See docs/cli/batch.md.

**Atomicity.** Every file is written under a temporary name in the same
folder and renamed when complete; the output folder itself is renamed at the
very end (see :mod:`ecoute.batch.job`).
"""

from __future__ import annotations

import json
import os
import types
import typing
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ecoute.errors import MissingDependency, OutputNotWritable
from ecoute.files import atomic_path
from ecoute.record import AnalysisRecord

Convert = Callable[[Any], Any]


def _pyarrow():
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise MissingDependency(feature="Batch mode", package="pyarrow", install="ecoute[parquet]") from None
    return pa, pq


def _identity(value: Any) -> Any:
    return value


def _json_text(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _from_json_text(value: str | None) -> Any:
    return None if value is None else json.loads(value)


def _arrow_type(annotation: Any) -> tuple[Any, Convert, Convert]:
    """The Arrow type of a record field, and the conversions of its JSON value
    to the Arrow value and back (identity unless a JSON text column is inside)."""
    pa, _ = _pyarrow()
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        inner = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(inner) == 1:
            return _arrow_type(inner[0])
        return pa.string(), _json_text, _from_json_text
    if origin is typing.Literal or annotation is str:
        return pa.string(), _identity, _identity
    if annotation in (bool, int, float):
        # Arrow takes ints into a float64 column.
        return {bool: pa.bool_(), int: pa.int64(), float: pa.float64()}[annotation], _identity, _identity
    if origin is list:
        (item,) = typing.get_args(annotation)
        item_type, to_arrow, from_arrow = _arrow_type(item)
        if to_arrow is _identity:
            return pa.list_(item_type), _identity, _identity
        return pa.list_(item_type), _each(to_arrow), _each(from_arrow)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        fields, to_arrow, from_arrow = [], {}, {}
        for name, info in annotation.model_fields.items():
            field_type, there, back = _arrow_type(info.annotation)
            fields.append(pa.field(name, field_type))
            if there is not _identity:
                to_arrow[name], from_arrow[name] = there, back
        if not to_arrow:
            return pa.struct(fields), _identity, _identity
        return pa.struct(fields), _per_key(to_arrow), _per_key(from_arrow)
    # dict[str, Any], dict[str, Model], Any: free-form, kept as JSON text.
    return pa.string(), _json_text, _from_json_text


def _each(convert: Convert) -> Convert:
    return lambda values: None if values is None else [convert(value) for value in values]


def _per_key(converters: dict[str, Convert]) -> Convert:
    def convert(value: dict | None) -> dict | None:
        if value is None:
            return None
        return {key: converters[key](item) if key in converters else item for key, item in value.items()}

    return convert


_SCHEMA: tuple[Any, Convert, Convert] | None = None


def record_schema():
    """The Arrow schema of analysis-record rows."""
    return _record_type()[0]


def _record_type() -> tuple[Any, Convert, Convert]:
    global _SCHEMA
    if _SCHEMA is None:
        pa, _ = _pyarrow()
        struct, to_arrow, from_arrow = _arrow_type(AnalysisRecord)
        _SCHEMA = (pa.schema(list(struct)), to_arrow, from_arrow)
    return _SCHEMA


def record_rows(records: Iterable[AnalysisRecord]) -> list[dict]:
    convert = _record_type()[1]
    return [convert(record.model_dump(mode="json")) for record in records]


def records_from_table(table) -> list[AnalysisRecord]:
    """The records of a table written by :func:`records_table`."""
    from_arrow = _record_type()[2]
    return [AnalysisRecord.model_validate(from_arrow(row)) for row in table.to_pylist()]


def records_table(records: Iterable[AnalysisRecord]):
    pa, _ = _pyarrow()
    return pa.Table.from_pylist(record_rows(records), schema=record_schema())


# Rejections and duplicates: flat tables.
def rejection_schema():
    pa, _ = _pyarrow()
    return pa.schema(
        [("path", pa.string()), ("row", pa.int64()), ("format", pa.string()), ("code", pa.string()),
         ("params", pa.string()), ("reason", pa.string()), ("reason_fr", pa.string())]
    )  # fmt: skip


def duplicate_schema():
    pa, _ = _pyarrow()
    return pa.schema(
        [("path", pa.string()), ("row", pa.int64()), ("format", pa.string()), ("external_id", pa.string()),
         ("testimony_id", pa.string())]
    )  # fmt: skip


@contextmanager
def _atomic(path: Path) -> Iterator[Path]:
    """A temporary name next to ``path``, renamed to it when the block succeeds;
    a failure to write is ``OutputNotWritable``."""
    try:
        with atomic_path(path) as temporary:
            yield temporary
    except OSError as exc:
        raise OutputNotWritable(path=str(path.parent), detail=describe_os_error(exc)) from exc


def write_table_atomic(table, path: Path) -> None:
    """Write a Parquet file under a temporary name, then rename it."""
    _, pq = _pyarrow()
    with _atomic(path) as temporary:
        pq.write_table(table, temporary, compression="zstd")


def write_json_atomic(payload: dict, path: Path) -> None:
    with _atomic(path) as temporary, temporary.open("w", encoding="utf-8") as handle:
        json.dump(payload, handle, ensure_ascii=False, indent=1, sort_keys=True)
        handle.flush()
        os.fsync(handle.fileno())


def describe_os_error(exc: OSError) -> str:
    import errno

    names = {errno.ENOSPC: "no space left on the device", errno.EROFS: "read-only file system", errno.EACCES: "permission denied", errno.EDQUOT: "disk quota exceeded"}
    return names.get(exc.errno, exc.strerror or str(exc))
