"""Reading stored testimonies with their current analysis."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from ecoute.errors import NotFound
from ecoute.store.models import AnalysisRow, TestimonyRow


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
