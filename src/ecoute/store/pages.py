"""Every current analysis of the store, page by page.

Several jobs walk all current analyses: rebuilding the dashboard facts after
a migration, theme discovery, the case rules' scan after a bulk load. They
read them the same way: keyset pagination (``WHERE key > last ORDER BY key
LIMIT page``), which costs the same on the millionth row as on the first and
holds no long transaction open. Each caller says how a page is read (its own
connection, a session or a transaction per page) and what to filter on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sqlalchemy import Select, select

from ecoute.store.models import AnalysisRow


def short_reads(engine: Any) -> Callable[[Select], Sequence[Any]]:
    """A page reader that opens a connection for each page and holds nothing between pages."""

    def read(statement: Select) -> Sequence[Any]:
        with engine.connect() as connection:
            return connection.execute(statement).all()

    return read


def current_analyses(
    read: Callable[[Select], Sequence[Any]], *, where: Sequence[Any] = (), key: Any = AnalysisRow.id, page: int = 1000
) -> Iterator[Sequence[Any]]:
    """Pages of rows ``(id, testimony_id, record)`` of the current analyses matching
    ``where``, in ``key`` order (``AnalysisRow.id`` or ``AnalysisRow.testimony_id``).
    ``read(statement)`` runs one page's query and returns its rows."""
    last = None
    while True:
        statement = select(AnalysisRow.id, AnalysisRow.testimony_id, AnalysisRow.record).where(
            AnalysisRow.is_current.is_(True), *where, *(() if last is None else (key > last,))
        )
        rows = read(statement.order_by(key).limit(page))
        if not rows:
            return
        yield rows
        last = getattr(rows[-1], key.key)
