"""CSV and TSV: one testimony per data row, streamed.

The file is read in binary one line at a time and decoded line by line
(see :mod:`ecoute.ingest.decoding`); the ``csv`` module parses those lines,
so quoted fields spanning several lines work and memory stays flat.

* Delimiter: ``\\t`` for TSV; for CSV, the most frequent of ``,`` ``;``
  ``\\t`` in the header line (French Excel writes ``;``), ``,`` if none.
* Quoting: Excel style (``"`` doubles itself), in strict mode, so a broken
  quote is reported for its row instead of silently merging fields.
* Rows are numbered from 1, header excluded; blank lines are skipped and
  not numbered.
* A row with more or fewer fields than the header is rejected
  (MalformedRecord), except that extra *empty* trailing fields (``a;b;c;``,
  common in exports) are ignored.
"""

from __future__ import annotations

import csv
from collections.abc import Generator, Iterator
from itertools import chain

from ecoute.errors import EmptyInput, MalformedRecord
from ecoute.ingest.decoding import clean_value, iter_decoded_lines
from ecoute.ingest.model import RawRecord, Rejection
from ecoute.ingest.readers import Columns, FileContext, resolve_columns, where

_CSV_DELIMITERS = (",", ";", "\t")


def sniff_delimiter(header_line: str) -> str:
    """The delimiter of a CSV file, judged from its header line."""
    counts = {delimiter: header_line.count(delimiter) for delimiter in _CSV_DELIMITERS}
    best = max(_CSV_DELIMITERS, key=lambda delimiter: counts[delimiter])  # ties: first listed
    return best if counts[best] else ","


def read_csv(ctx: FileContext) -> Iterator[RawRecord | Rejection]:
    """Read a CSV file (delimiter sniffed among ``,`` ``;`` and tab)."""
    return _read_delimited(ctx, delimiter=None)


def read_tsv(ctx: FileContext) -> Iterator[RawRecord | Rejection]:
    """Read a tab-separated file."""
    return _read_delimited(ctx, delimiter="\t")


def _ensure_field_limit(max_text_chars: int) -> None:
    # The csv module refuses fields over 128 KiB by default, less than the
    # default text limit. The setting is process-wide: only ever raise it.
    needed = max(4 * max_text_chars + 1024, 1 << 20)
    if csv.field_size_limit() < needed:
        csv.field_size_limit(needed)


def _read_delimited(ctx: FileContext, delimiter: str | None) -> Iterator[RawRecord | Rejection]:
    _ensure_field_limit(ctx.options.max_text_chars)
    with ctx.open_binary() as stream:
        lines = iter_decoded_lines(stream, ctx.progress)
        first = next((line for line in lines if line.strip()), None)
        if first is None:
            yield ctx.reject(EmptyInput(path=ctx.name))
            return
        delimiter = delimiter or sniff_delimiter(first)
        reader = csv.reader(chain((first,), lines), delimiter=delimiter, strict=True)
        try:
            header = next(reader)
        except csv.Error as exc:
            yield ctx.reject(MalformedRecord(path=ctx.name, where="", detail=f"header: {exc}"))
            return
        columns = resolve_columns(ctx, header)
        if isinstance(columns, Rejection):
            yield columns
            return
        rows = yield from _rows(ctx, reader, columns)
        if rows == 0:
            # Only a header: an export that produced nothing.
            yield ctx.reject(EmptyInput(path=ctx.name))


def _rows(
    ctx: FileContext, reader: Iterator[list[str]], columns: Columns
) -> Generator[RawRecord | Rejection, None, int]:
    """Turn parsed rows into records; returns the number of rows seen. Kept lean: it runs per row."""
    width = len(columns.names)
    text_at, id_at, date_at = columns.text, columns.id, columns.date
    metadata_columns = columns.metadata_columns()
    record = ctx.record
    row = 0
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return row
        except csv.Error as exc:
            row += 1
            yield ctx.reject(MalformedRecord(path=ctx.name, where=where(row), detail=str(exc)), row)
            continue
        if len(fields) != width:
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue  # blank line
            if len(fields) < width or any(extra.strip() for extra in fields[width:]):
                row += 1
                detail = f"{len(fields)} fields where the header has {width}"
                yield ctx.reject(MalformedRecord(path=ctx.name, where=where(row), detail=detail), row)
                continue
        row += 1
        metadata = {}
        for index, name in metadata_columns:
            value = fields[index]
            if value:
                value = clean_value(value)
                if value:
                    metadata[name] = value
        external_id = (fields[id_at].strip() or None) if id_at is not None else None
        date = (fields[date_at].strip() or None) if date_at is not None else None
        yield record(fields[text_at], row, external_id, date, metadata)
