"""The verbatim explorer: filters, full-text search, sorting, pages, exports.

One :class:`Filters` serves the explorer page, the API's testimony list, the
dashboards and exports, so that a selection means the same everywhere. Every
filter is a SQL condition on the current analyses (and the dashboard facts of
services/facts.py): nothing loads records to filter them.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Iterator, Mapping

from sqlalchemy import Boolean, Engine, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.expression import FunctionElement

from ecoute.errors import BadOption
from ecoute.services.cache import cached
from ecoute.store.models import AnalysisRow, RecordFacet, RecordMeta, TestimonyRow

A, T = AnalysisRow, TestimonyRow
SORTS = {"date": A.testimony_date, "sentiment": A.sentiment_score, "effort": A.effort_score, "churn": A.churn, "stored": T.created_at}
ROLES = ("customer", "employee", "unknown")
SENTIMENTS = ("negative", "neutral", "positive", "mixed")
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
MAX_PER_PAGE = 200


@dataclass(slots=True)
class Filters:
    """A selection of analysed testimonies. Empty fields do not filter."""

    date_from: str | None = None  # ISO date (or YYYY-MM), inclusive
    date_to: str | None = None
    source: str | None = None  # source kind: csv, survey, eml, api…
    theme: str | None = None
    sentiment: str | None = None
    role: str | None = None
    language: str | None = None
    effort_min: float | None = None
    effort_max: float | None = None
    q: str | None = None  # words the text contains (case-insensitive)
    meta: dict[str, str] = field(default_factory=dict)  # metadata key -> value

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> Filters:
        """From query parameters (``meta.site=Lyon`` for metadata); checks values."""
        def text(name: str) -> str | None:
            value = params.get(name)
            return str(value).strip() or None if value is not None else None

        def number(name: str) -> float | None:
            raw = text(name)
            if raw is None:
                return None
            try:
                return float(raw)
            except ValueError:
                raise BadOption(option=name, detail=f"{raw!r} is not a number", command="serve") from None

        filters = cls(
            date_from=text("date_from"), date_to=text("date_to"), source=text("source"), theme=text("theme"),
            sentiment=text("sentiment"), role=text("role"), language=text("language"),
            effort_min=number("effort_min"), effort_max=number("effort_max"), q=text("q"),
            meta={key[5:]: str(value).strip() for key, value in params.items() if key.startswith("meta.") and str(value).strip()},
        )  # fmt: skip
        for name in ("date_from", "date_to"):
            value = getattr(filters, name)
            if value is not None and not DATE.match(value):
                raise BadOption(option=name, detail=f"{value!r}: use YYYY-MM-DD", command="serve")
        if filters.role and filters.role not in ROLES:
            raise BadOption(option="role", detail=f"{filters.role!r}: use {', '.join(ROLES)}", command="serve")
        if filters.sentiment and filters.sentiment not in SENTIMENTS:
            raise BadOption(option="sentiment", detail=f"{filters.sentiment!r}: use {', '.join(SENTIMENTS)}", command="serve")
        if filters.q and len(filters.q) > 200:
            raise BadOption(option="q", detail="at most 200 characters", command="serve")
        return filters

    def params(self) -> dict[str, str]:
        """Back to query parameters (links keep the selection)."""
        out = {k: str(v) for k, v in asdict(self).items() if k != "meta" and v not in (None, "")}
        out.update({f"meta.{k}": v for k, v in self.meta.items()})
        return out

    def without(self, *names: str) -> Filters:
        return replace(self, **{name: ({} if name == "meta" else None) for name in names})

    def conditions(self) -> list:
        """SQL conditions on ``analyses`` (A); facts and texts are read in
        subqueries, so no join is needed (callers may still join T)."""
        out = [A.is_current.is_(True)]
        if self.date_from:
            out.append(A.testimony_date >= self.date_from)
        if self.date_to:
            out.append(A.testimony_date <= _end_of(self.date_to))
        for column, value in ((A.source_kind, self.source), (A.sentiment_label, self.sentiment), (A.author_role, self.role), (A.language, self.language)):
            if value:
                out.append(column == value)
        if self.effort_min is not None:
            out.append(A.effort_score >= self.effort_min)
        if self.effort_max is not None:
            out.append(A.effort_score <= self.effort_max)
        # IN (uncorrelated subqueries on indexed facts): the database drives the
        # lookups from the few matching testimonies; aliases, because aggregate
        # queries join the same tables outside.
        if self.theme:
            facet = aliased(RecordFacet)
            out.append(A.testimony_id.in_(select(facet.testimony_id).where(facet.kind == "theme", facet.code == self.theme)))
        for key, value in self.meta.items():
            meta = aliased(RecordMeta)
            out.append(A.testimony_id.in_(select(meta.testimony_id).where(meta.key == key, meta.value == value)))
        if self.q:  # a subquery too: a scan of the texts in table order, not a lookup per analysis
            text = aliased(TestimonyRow)
            words = [contains_words(text.text, f"%{_escape(word)}%") for word in self.q.split()[:8]]
            out.append(A.testimony_id.in_(select(text.id).where(*words)))
        return out

    def is_empty(self) -> bool:
        """True when nothing filters: every current analysis is selected."""
        return self == Filters()


class contains_words(FunctionElement):  # noqa: N801 - a SQL construct, named like one
    """``column`` matches a LIKE ``pattern`` (escaped with ``\\``), ignoring case.

    PostgreSQL: ILIKE. SQLite: plain LIKE, which ignores the case of ASCII
    letters exactly as ``lower()`` does there (both leave other letters
    alone): the same matches as SQLAlchemy's ``ilike`` without lowering
    every text of the store first."""

    type = Boolean()
    inherit_cache = True


@compiles(contains_words)
def _contains_ilike(element, compiler, **kw) -> str:
    column, pattern = list(element.clauses)
    return f"{compiler.process(column, **kw)} ILIKE {compiler.process(pattern, **kw)} ESCAPE '\\'"


@compiles(contains_words, "sqlite")
def _contains_like(element, compiler, **kw) -> str:
    column, pattern = list(element.clauses)
    return f"{compiler.process(column, **kw)} LIKE {compiler.process(pattern, **kw)} ESCAPE '\\'"


def _end_of(value: str) -> str:
    """An inclusive upper bound for a date or a month prefix."""
    return value + "-31" if len(value) == 7 else value + "-12-31" if len(value) == 4 else value


def _escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def selection(filters: Filters):
    """SELECT of the current analyses (A) matching ``filters``, joined to T."""
    return select(A).join(T, T.id == A.testimony_id).where(*filters.conditions())


@dataclass(slots=True)
class Result:
    items: list[dict[str, Any]]
    total: int
    page: int
    per_page: int
    sort: str
    order: str

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def search(engine: Engine, filters: Filters, *, sort: str = "date", order: str = "desc", page: int = 1, per_page: int = 25) -> Result:
    """One page of the selection, with each testimony's text and record.

    The page's ids are chosen first, from the analyses' covering indexes;
    then only those testimonies and records are read."""
    if sort not in SORTS:
        raise BadOption(option="sort", detail=f"{sort!r}: use {', '.join(SORTS)}", command="serve")
    if order not in ("asc", "desc"):
        raise BadOption(option="order", detail=f"{order!r}: use asc or desc", command="serve")
    page, per_page = max(1, page), min(max(1, per_page), MAX_PER_PAGE)
    if filters.q:
        total, ids = searched_page(engine, filters, sort, order, page, per_page)
    else:
        total, ids = count(engine, filters), page_ids(engine, filters, sort, order, page, per_page)
    return Result(page_items(engine, ids), total, page, per_page, sort, order)


def page_items(engine: Engine, ids: list[str]) -> list[dict[str, Any]]:
    """The text and current record of each of ``ids``, in that order."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(T.id, T.text, T.format, T.external_id, T.meta.label("meta"), A.record)
            .join(A, T.id == A.testimony_id)
            .where(T.id.in_(ids), A.is_current.is_(True))
        ).all() if ids else []  # fmt: skip
    by_id = {r.id: r for r in rows}
    return [
        {"id": r.id, "text": r.text, "source_kind": r.format, "external_id": r.external_id, "metadata": r.meta or {}, "record": r.record}
        for r in (by_id[i] for i in ids if i in by_id)
    ]


def _ordering(column, order: str, tie):
    return [column.is_(None), column.desc() if order == "desc" else column.asc(), tie]  # unknown values last


@cached
def page_ids(engine: Engine, filters: Filters, sort: str, order: str, page: int, per_page: int) -> list[str]:
    """The testimony ids of one page of the selection, in order (kept until the store changes)."""
    chosen = select(A.testimony_id).where(*filters.conditions())
    if sort == "stored":
        chosen = chosen.join(T, T.id == A.testimony_id)
    chosen = chosen.order_by(*_ordering(SORTS[sort], order, A.testimony_id))
    with engine.connect() as connection:
        return list(connection.scalars(chosen.offset((page - 1) * per_page).limit(per_page)))


@cached
def searched_page(engine: Engine, filters: Filters, sort: str, order: str, page: int, per_page: int) -> tuple[int, list[str]]:
    """(total, page's ids) of a selection with a text search, in one query:
    the texts are matched once, not once to count and again to pick the page
    (each a scan of the store's texts for a common word). The whole selection
    is counted in a subquery, then sorted: sorted and limited directly,
    PostgreSQL would walk the analyses in order and test each one's text
    through its key (a second per common word)."""
    inner = select(A.testimony_id, SORTS[sort].label("sort_key"), func.count().over().label("total")).where(*filters.conditions())
    if sort == "stored":
        inner = inner.join(T, T.id == A.testimony_id)
    inner = inner.subquery()
    chosen = select(inner.c.testimony_id, inner.c.total).order_by(*_ordering(inner.c.sort_key, order, inner.c.testimony_id))
    with engine.connect() as connection:
        rows = connection.execute(chosen.offset((page - 1) * per_page).limit(per_page)).all()
    if not rows:  # an empty selection, or a page past its end
        return count(engine, filters), []
    return rows[0].total, [row.testimony_id for row in rows]


@cached
def count(engine: Engine, filters: Filters) -> int:
    """How many testimonies the selection holds (kept until the store changes)."""
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(A).where(*filters.conditions())) or 0


def iter_selection(engine: Engine, filters: Filters, page: int = 1000) -> Iterator[tuple[TestimonyRow, dict]]:
    """Every (testimony, record) of the selection, paged by id (for exports)."""
    last = ""
    while True:
        with Session(engine) as session:
            rows = session.execute(
                select(T, A.record).join(A, T.id == A.testimony_id).where(*filters.conditions(), T.id > last).order_by(T.id).limit(page)
            ).all()
            session.expunge_all()
        if not rows:
            return
        yield from ((row, record) for row, record in rows)
        last = rows[-1][0].id


def export_selection(engine: Engine, filters: Filters, path, fmt: str) -> int:
    """Write the selection to ``path`` (csv, parquet or jsonl) with the CLI's exporter."""
    from ecoute.services.export import export

    return export(engine, path, fmt, rows=iter_selection(engine, filters))
