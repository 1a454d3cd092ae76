"""What the readers yield: a record to store, or a rejection with its reason."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from ecoute.errors import EcouteError

FORMATS = ("text", "html", "csv", "tsv", "jsonl", "xlsx", "eml", "mbox")


@dataclass(slots=True)
class ReadOptions:
    """How to read inputs; the same options serve `import` and `analyze`."""

    text_col: str | None = None
    id_col: str | None = None
    date_col: str | None = None
    format: str | None = None  # force a format instead of guessing from the suffix
    max_text_chars: int = 200_000
    # Called with the number of bytes consumed since the last call, for progress bars.
    on_bytes: Callable[[int], None] | None = None


@dataclass(slots=True)
class RawRecord:
    """One testimony as read from an input, before any analysis.

    ``row`` is the 1-based number of the record inside its file (data row for
    CSV/TSV/Excel, line for JSON Lines, message for mbox), ``None`` when the
    file holds a single testimony. ``date`` is the raw date value found in
    the input's metadata (a column, an HTML meta tag, an e-mail's Date
    header), not yet parsed.
    """

    text: str
    path: str
    format: str
    row: int | None = None
    external_id: str | None = None
    date: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Rejection:
    """An input unit (a record, or a whole file) that could not be read."""

    path: str
    error: EcouteError
    row: int | None = None
    format: str | None = None

    @property
    def code(self) -> str:
        return self.error.code

    def reason(self, lang: str | None = None) -> str:
        return self.error.message(lang)
