"""Reading cases: the lists (mine, a team's queue, overdue, any filter) and
one case with its testimony, history, notes, ladder and notifications."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import aliased

from ecoute.cases import clock, ladder, states
from ecoute.cases.service import summary
from ecoute.errors import BadOption, NotFound
from ecoute.services.testimonies import Page as CaseList  # items, total, page, per_page, pages
from ecoute.store.models import CaseEvent, CaseNote, CaseRow, NotificationRow, TestimonyRow, User

MAX_PER_PAGE = 200
EXCERPT = 160


@dataclass(slots=True)
class CaseDetail:
    case: dict[str, Any]
    text: str
    history: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)
    steps: list[ladder.Step] = field(default_factory=list)
    mediator: dict[str, Any] = field(default_factory=dict)
    notifications: list[dict[str, Any]] = field(default_factory=list)
    allowed: tuple[str, ...] = ()


def list_cases(
    engine: Engine, *, status: str | None = "open", team: str | None = None, assignee: str | None = None,
    unassigned: bool = False, overdue: bool = False, page: int = 1, per_page: int = 50, lang: str = "fr",
) -> CaseList:  # fmt: skip
    """Cases matching the filters, most urgent due date first. ``status`` is
    a status, ``open`` (every open status) or None (all)."""
    if status not in (None, "open", *states.STATUSES):
        raise BadOption(option="--status", detail=f"{status!r}: use open, {', '.join(states.STATUSES)}", command="cases list")
    page, per_page = max(1, page), min(max(1, per_page), MAX_PER_PAGE)
    owner = aliased(User)
    conditions = []
    if status == "open":
        conditions.append(CaseRow.status.in_(states.OPEN))
    elif status:
        conditions.append(CaseRow.status == status)
    if team:
        conditions.append(CaseRow.team == team)
    if assignee:
        conditions.append(CaseRow.assignee_id == select(User.id).where(User.username == assignee).scalar_subquery())
    if unassigned:
        conditions.append(CaseRow.assignee_id.is_(None))
    if overdue:
        conditions += [CaseRow.status.in_(states.OPEN), CaseRow.due_at <= clock.now()]
    with engine.connect() as connection:
        total = connection.scalar(select(func.count()).select_from(CaseRow).where(*conditions)) or 0
        rows = connection.execute(
            select(CaseRow, owner.username.label("assignee_name"), func.substr(TestimonyRow.text, 1, EXCERPT).label("excerpt"))
            .join(TestimonyRow, TestimonyRow.id == CaseRow.testimony_id)
            .outerjoin(owner, owner.id == CaseRow.assignee_id)
            .where(*conditions).order_by(CaseRow.due_at, CaseRow.id).offset((page - 1) * per_page).limit(per_page)
        ).all()  # fmt: skip
    items = [{**summary(row, lang, row.assignee_name), "excerpt": row.excerpt} for row in rows]
    return CaseList(items, total, page, per_page)


def get_case(engine: Engine, case_id: int, lang: str = "fr", *, history_limit: int = 1000) -> CaseDetail:
    """One case with everything its page shows."""
    with engine.connect() as connection:
        row = connection.execute(
            select(CaseRow, User.username.label("assignee_name"), TestimonyRow.text)
            .join(TestimonyRow, TestimonyRow.id == CaseRow.testimony_id)
            .outerjoin(User, User.id == CaseRow.assignee_id).where(CaseRow.id == case_id)
        ).first()  # fmt: skip
        if row is None:
            raise NotFound(kind="case", id=case_id, listing="cases list")
        events = connection.execute(
            select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id.desc()).limit(history_limit)
        ).all()
        notes = connection.execute(select(CaseNote).where(CaseNote.case_id == case_id).order_by(CaseNote.id)).all()
        notifications = connection.execute(
            select(NotificationRow.id, NotificationRow.event, NotificationRow.channel, NotificationRow.target, NotificationRow.status,
                   NotificationRow.attempts, NotificationRow.last_error, NotificationRow.created_at, NotificationRow.sent_at)
            .where(NotificationRow.case_id == case_id).order_by(NotificationRow.id)
        ).all()  # fmt: skip
    steps = ladder.ladder_for(row.sector)
    return CaseDetail(
        case=summary(row, lang, row.assignee_name),
        text=row.text,
        history=[{"id": e.id, "at": clock.aware(e.at), "actor": e.actor, "kind": e.kind, "before": e.before, "after": e.after, "detail": e.detail or {}} for e in events],
        notes=[{"id": n.id, "kind": n.kind, "author": n.author, "body": n.body, "at": clock.aware(n.at)} for n in notes],
        steps=ladder.steps(steps, row.level, row.complaint_on, row.answered_on, lang),
        mediator=ladder.mediator_contact(steps),
        notifications=[dict(n._mapping) for n in notifications],
        allowed=states.TRANSITIONS.get(row.status, ()),
    )
