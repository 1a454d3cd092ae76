"""Reading stored testimonies with their current analysis."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from ecoute.errors import AmbiguousTestimonyId, NotFound, TestimonyNotFound
from ecoute.record import AnalysisRecord, Source
from ecoute.store.models import AnalysisRow, DuplicateRow, SourceRow, TestimonyRow


@dataclass(slots=True)
class TestimonyView:
    id: str
    text: str
    format: str
    external_id: str | None
    metadata: dict[str, Any]
    record: dict[str, Any] | None


@dataclass(slots=True)
class Page:
    items: list[TestimonyView]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _query():
    current = select(AnalysisRow).where(AnalysisRow.is_current.is_(True)).subquery()
    return select(TestimonyRow, current.c.record).outerjoin(current, current.c.testimony_id == TestimonyRow.id)


def _view(row: TestimonyRow, record: dict | None) -> TestimonyView:
    return TestimonyView(row.id, row.text, row.format, row.external_id, row.meta or {}, record)


def list_testimonies(engine: Engine, page: int = 1, per_page: int = 50) -> Page:
    page = max(1, page)
    per_page = min(max(1, per_page), 500)
    with Session(engine) as session:
        total = session.scalar(select(func.count()).select_from(TestimonyRow)) or 0
        rows = session.execute(
            _query().order_by(TestimonyRow.created_at.desc(), TestimonyRow.id).offset((page - 1) * per_page).limit(per_page)
        ).all()
        return Page([_view(row, record) for row, record in rows], total, page, per_page)


def get_testimony(engine: Engine, testimony_id: str) -> TestimonyView:
    with Session(engine) as session:
        found = session.execute(_query().where(TestimonyRow.id == testimony_id)).first()
        if found is None:
            raise NotFound(kind="testimony", id=testimony_id, listing="runs")
        return _view(found[0], found[1])


def get_record(engine: Engine, id_or_prefix: str, *, external: bool = False) -> AnalysisRecord:
    """The current analysis record of one stored testimony.

    ``id_or_prefix`` is a testimony id or a unique prefix of one; with
    ``external`` it is the input's own identifier (``--id-col``), also as
    recorded for duplicates of the testimony. A testimony stored without
    analysis gives a record holding only its text and source (``pipeline``
    empty). Raises TestimonyNotFound, or AmbiguousTestimonyId when several
    testimonies match.
    """
    wanted = id_or_prefix.strip()
    with Session(engine) as session:
        query = _matching(wanted, external) if wanted else None
        ids = list(session.scalars(query.limit(6))) if query is not None else []
        if wanted.lower() in ids and not external:  # a whole id, even if it prefixes a longer one
            ids = [wanted.lower()]
        if not ids:
            raise TestimonyNotFound(id=wanted)
        if len(ids) > 1:
            count = session.scalar(select(func.count()).select_from(query.subquery()))
            shown = ", ".join(sorted(ids)[:5]) + (f" (+{count - 5})" if count > 5 else "")
            raise AmbiguousTestimonyId(id=wanted, count=count, matches=shown)
        row, record = session.execute(_query().where(TestimonyRow.id == ids[0])).one()
        if record is not None:
            return AnalysisRecord.model_validate(record)
        location = session.scalar(select(SourceRow.location).where(SourceRow.id == row.source_id)) if row.source_id else None
        source = Source(kind=row.format, path=location, row=row.row, external_id=row.external_id, metadata=row.meta or {})
        return AnalysisRecord(id=row.id, source=source, date=None, language=None, text=row.text)


def _matching(wanted: str, external: bool):
    """The ids of the testimonies ``wanted`` designates (a SELECT)."""
    if external:
        stored = select(TestimonyRow.id.label("id")).where(TestimonyRow.external_id == wanted)
        return stored.union(select(DuplicateRow.testimony_id).where(DuplicateRow.external_id == wanted))
    return select(TestimonyRow.id).where(TestimonyRow.id.startswith(wanted.lower(), autoescape=True))  # ids are lower-case
