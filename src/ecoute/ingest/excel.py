"""Excel ``.xlsx``: the first worksheet, one testimony per row below the header.

Read with openpyxl in read-only mode (rows are streamed from the zip, not
loaded as a whole) and ``data_only=True`` (a formula gives its last computed
value). Only the first worksheet is read: workbooks often keep pivot
tables or notes on the other sheets.

* The header is the first non-empty row; columns are resolved as for CSV.
* ``row`` is the sheet row number minus the header's, so with the header on
  line 1, row 12 is Excel's line 13. Empty rows are skipped (not rejected).
* Dates become ISO strings (``2024-12-03``, or ``2024-12-03T10:12:00`` when
  the time is not midnight); numbers and booleans stay numbers in metadata;
  an integral number used as id becomes ``"12345"``, not ``"12345.0"``.
* Progress is reported once, at the end of the file (the zip is compressed:
  bytes read do not map to rows).
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterator
from typing import Any

from ecoute.errors import EmptyInput
from ecoute.ingest.decoding import clean_value
from ecoute.ingest.model import RawRecord, Rejection
from ecoute.ingest.readers import Columns, FileContext, resolve_columns


def read_xlsx(ctx: FileContext) -> Iterator[RawRecord | Rejection]:
    """Read the first worksheet of an Excel workbook."""
    import openpyxl  # lazily: only Excel inputs need it

    with ctx.open_binary() as stream:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it ignores; irrelevant here.
            warnings.simplefilter("ignore")
            # A file object, not a path: openpyxl refuses paths not ending in .xlsx (forced --format).
            workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
        try:
            yield from _read_sheet(ctx, workbook)
        finally:
            workbook.close()


def _read_sheet(ctx: FileContext, workbook: Any) -> Iterator[RawRecord | Rejection]:
    if not workbook.worksheets:
        yield ctx.reject(EmptyInput(path=ctx.name))
        return
    sheet = workbook.worksheets[0]
    columns: Columns | None = None
    header_line = 0
    rows = 0
    for line, values in enumerate(sheet.iter_rows(values_only=True), 1):
        cells = [_cell(value) for value in values]
        if all(cell is None for cell in cells):
            continue
        if columns is None:
            header_line = line
            resolved = resolve_columns(ctx, ["" if cell is None else str(cell) for cell in cells])
            if isinstance(resolved, Rejection):
                yield resolved
                return
            columns = resolved
            continue
        rows += 1
        row = line - header_line
        names = columns.names
        metadata: dict[str, Any] = {}
        for index, cell in enumerate(cells):
            if cell is None or index in (columns.text, columns.id, columns.date):
                continue
            name = names[index] if index < len(names) else f"column_{index + 1}"
            metadata[name] = cell
        text = _at(cells, columns.text)
        yield ctx.record(
            "" if text is None else str(text),
            row,
            external_id=_as_id(_at(cells, columns.id)),
            date=_as_id(_at(cells, columns.date)),
            metadata=metadata,
        )
    if rows == 0:
        yield ctx.reject(EmptyInput(path=ctx.name))


def _at(cells: list[Any], index: int | None) -> Any:
    if index is None or index >= len(cells):
        return None
    return cells[index]


def _cell(value: Any) -> Any:
    """A cell value as a JSON-compatible value; ``None`` for empty cells."""
    if value is None:
        return None
    if isinstance(value, str):
        return clean_value(value) or None
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, (bool, int, float)):
        return value
    return str(value)


def _as_id(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
