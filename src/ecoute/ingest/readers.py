"""Plumbing shared by the format readers: one file's context, progress, columns.

Every reader is a generator ``read(ctx: FileContext) -> Iterator[RawRecord |
Rejection]``. It may raise ``OSError`` and parser errors: the dispatcher in
``ecoute.ingest`` turns anything raised into an ``UnreadableFile``
rejection, so one bad file never stops a batch.

Locations in messages: errors that concern one record get
``where=" #<row>"`` (``"avis.csv #12: the testimony text is empty."``), a
form that reads the same in French and English; errors about a whole file
get ``where=""``. ``row`` is also set on the :class:`Rejection` itself.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from ecoute.errors import EcouteError, EmptyText, MissingColumn, MissingTextColumn, TextTooLong
from ecoute.ingest.decoding import SNIFF_BYTES, clean_text
from ecoute.ingest.model import RawRecord, ReadOptions, Rejection

# Column (or JSON key) names tried, in this order, when --text-col is not given.
TEXT_COLUMN_NAMES: tuple[str, ...] = (
    "text", "texte", "comment", "commentaire", "avis", "review", "verbatim", "message", "body",
    "contenu", "content", "narrative", "description", "réponse", "reponse", "why", "pourquoi",
)  # fmt: skip
# Tried when --id-col / --date-col are not given; no match is not an error.
ID_COLUMN_NAMES: tuple[str, ...] = ("id", "identifiant", "ref", "reference", "référence", "uuid")
DATE_COLUMN_NAMES: tuple[str, ...] = (
    "date", "published", "publication", "date_publication", "created_at", "created", "received",
    "datetime", "timestamp", "submitted_at",
)  # fmt: skip


def where(row: int | None) -> str:
    """The ``where`` parameter of record-level errors (see the module docstring)."""
    return "" if row is None else f" #{row}"


class FileProgress:
    """Forwards consumed byte counts to ``ReadOptions.on_bytes``, never more than the file's size."""

    __slots__ = ("_callback", "reported", "size")

    def __init__(self, callback: Callable[[int], None] | None, size: int) -> None:
        self._callback = callback
        self.size = size
        self.reported = 0

    def __call__(self, delta: int) -> None:
        delta = min(delta, self.size - self.reported)
        if delta > 0 and self._callback is not None:
            self.reported += delta
            self._callback(delta)

    def finish(self) -> None:
        """Report whatever is left, so the deltas of a file add up to its size."""
        self(self.size - self.reported)


@dataclass(slots=True)
class FileContext:
    """What a reader needs to know about the file it reads."""

    path: Path
    format: str
    options: ReadOptions
    progress: FileProgress
    name: str = field(init=False)

    def __post_init__(self) -> None:
        self.name = str(self.path)

    def reject(self, error: EcouteError, row: int | None = None) -> Rejection:
        return Rejection(path=self.name, error=error, row=row, format=self.format)

    def open_binary(self) -> BinaryIO:
        return open(self.path, "rb", buffering=1024 * 1024)

    def record(
        self,
        text: str,
        row: int | None,
        external_id: str | None = None,
        date: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> RawRecord | Rejection:
        """Clean ``text`` and check it, giving the record or its rejection."""
        text = clean_text(text)
        if not text:
            return self.reject(EmptyText(path=self.name, where=where(row)), row)
        if len(text) > self.options.max_text_chars:
            error = TextTooLong(path=self.name, where=where(row), length=len(text), limit=self.options.max_text_chars)
            return self.reject(error, row)
        return RawRecord(
            text=text,
            path=self.name,
            format=self.format,
            row=row,
            external_id=external_id,
            date=date,
            metadata=metadata if metadata is not None else {},
        )


def read_head(stream: BinaryIO) -> bytes:
    """The first bytes of a stream (for binary and encoding sniffing), position kept."""
    start = stream.tell()
    head = stream.read(SNIFF_BYTES)
    stream.seek(start)
    return head


def file_size(path: Path) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def find_column(columns: Sequence[str], wanted: str) -> int | None:
    """Index of ``wanted`` among ``columns``: exact match first, then ignoring case."""
    if wanted in columns:
        return list(columns).index(wanted)
    folded = wanted.strip().casefold()
    for index, column in enumerate(columns):
        if column.strip().casefold() == folded:
            return index
    return None


def guess_column(columns: Sequence[str], names: Sequence[str] = TEXT_COLUMN_NAMES) -> int | None:
    """Index of the first column called one of ``names`` (in their order), ignoring case."""
    folded = {column.strip().casefold(): index for index, column in reversed(list(enumerate(columns)))}
    for name in names:
        if name in folded:
            return folded[name]
    return None


def locate(columns: Sequence[str], wanted: str | None, names: Sequence[str]) -> int | None:
    """The column the operator named, else the first with a usual name."""
    return find_column(columns, wanted) if wanted is not None else guess_column(columns, names)


def wanted_text(options: ReadOptions) -> str:
    """The ``wanted`` parameter of MissingTextColumn: the name given, or the names tried."""
    if options.text_col is not None:
        return repr(options.text_col)
    return "(" + ", ".join(TEXT_COLUMN_NAMES) + ")"


@dataclass(slots=True)
class Columns:
    """Where the text, id and date are in a header row."""

    names: list[str]
    text: int
    id: int | None
    date: int | None

    def metadata_columns(self) -> list[tuple[int, str]]:
        """The other columns, kept as metadata: (index, name)."""
        taken = {self.text, self.id, self.date}
        return [(index, name) for index, name in enumerate(self.names) if index not in taken]


def resolve_columns(ctx: FileContext, header: Sequence[str]) -> Columns | Rejection:
    """Locate the text/id/date columns of a header, or reject the whole file.

    Column names are made unique and non-empty (``column_3``, ``avis_2``)
    because they become metadata keys.
    """
    names = unique_names(header)
    options = ctx.options
    shown = ", ".join(names) or "-"
    text = locate(names, options.text_col, TEXT_COLUMN_NAMES)
    if text is None:
        return ctx.reject(MissingTextColumn(path=ctx.name, wanted=wanted_text(options), columns=shown))
    found: dict[str, int | None] = {}
    for option, wanted, usual in (("--id-col", options.id_col, ID_COLUMN_NAMES), ("--date-col", options.date_col, DATE_COLUMN_NAMES)):
        index = locate(names, wanted, usual)
        if index is None and wanted is not None:
            return ctx.reject(MissingColumn(path=ctx.name, column=wanted, option=option, columns=shown))
        found[option] = None if index == text else index
    return Columns(names=names, text=text, id=found["--id-col"], date=found["--date-col"])


def unique_names(header: Sequence[Any]) -> list[str]:
    """Header cells as unique, non-empty strings (a BOM or surrounding spaces removed)."""
    names: list[str] = []
    seen: set[str] = set()
    for index, cell in enumerate(header, 1):
        name = "" if cell is None else unicodedata.normalize("NFC", str(cell).replace("\ufeff", "").strip())
        name = name or f"column_{index}"
        candidate, suffix = name, 2
        while candidate in seen:
            candidate = f"{name}_{suffix}"
            suffix += 1
        seen.add(candidate)
        names.append(candidate)
    return names
