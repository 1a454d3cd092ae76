"""Cases: opening them (by the rules when an analysis is stored, or by hand),
changing them, notes and replies, escalation by hand. Plain functions shared
by the CLI, the API and the scheduler.

Every change is one transaction that (1) updates the case only if it still
has the version the caller read — else :class:`~ecoute.errors.CaseConflict`
— and raises the version, (2) writes one history event per changed field
(who, when, before, after), and (3) writes the notifications it causes.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Iterable, Sequence

from sqlalchemy import Engine, select, update

from ecoute.cases import clock, ladder, sla
from ecoute.cases.config import CasesConfig, load_cases_config
from ecoute.cases.bulk import insert_rows
from ecoute.cases.notify import enqueue
from ecoute.cases.rules import Opening, decide
from ecoute.cases.states import OPEN, TRANSITIONS, check_transition
from ecoute.errors import BadOption, CaseConflict, CaseExists, IllegalTransition, NotFound, TopOfLadder
from ecoute.store.models import AnalysisRow, CaseEvent, CaseNote, CaseRow, TestimonyRow, User

RULES_ACTOR = "rules"
WORKER_ACTOR = "worker"
_WRITTEN_SOURCES = ("eml", "mbox")  # an e-mail to the company is a written complaint


def _default_team() -> str:
    from ecoute.judge.routing import load_routing

    return load_routing().default


def _public_url() -> str | None:
    import os

    return (os.environ.get("ECOUTE_PUBLIC_URL") or "").strip().rstrip("/") or None  # as Settings reads it, without the rest


def summary(case: Any, lang: str | None = None, assignee: str | None = None) -> dict[str, Any]:
    """A case as JSON for notifications and the API (no testimony text);
    labels in ``lang`` (the interface language by default)."""
    from ecoute.i18n import current_language

    lang = lang or current_language()
    steps = ladder.ladder_for(case.sector)
    name = ladder.level_name(steps, case.level)
    base = _public_url()
    return {
        "id": case.id, "testimony_id": case.testimony_id, "version": case.version, "status": case.status,
        "priority": case.priority, "team": case.team, "assignee": assignee, "sector": case.sector,
        "level": case.level, "level_name": name, "level_label": ladder.level_label(name, lang),
        "complaint_on": case.complaint_on.isoformat(), "complaint_basis": case.complaint_basis,
        "answered_on": case.answered_on.isoformat() if case.answered_on else None,
        "next_escalation_on": case.next_escalation_on.isoformat() if case.next_escalation_on else None,
        "mediator_from": case.mediator_from.isoformat(), "mediation_until": case.mediation_until.isoformat(),
        "opened_at": clock.aware(case.opened_at).isoformat(), "due_at": clock.aware(case.due_at).isoformat(),
        "overdue": sla.is_overdue(case.due_at, case.status), "reasons": list(case.reasons or []),
        "url": f"{base}/cases/{case.id}" if base else None,
    }  # fmt: skip


def _sector(record: dict[str, Any], config: CasesConfig) -> str:
    known = ladder.load_ladders()[1]
    metadata = (record.get("source") or {}).get("metadata") or {}
    mediation = (record.get("journey") or {}).get("mediation") or {}
    for candidate in (metadata.get("sector"), config.sector, mediation.get("sector")):
        if isinstance(candidate, str) and candidate in known:
            return candidate
    return ladder.load_ladders()[0]


def complaint_date(record: dict[str, Any], opened: date) -> tuple[date, str]:
    """The written complaint the ladder counts from, and where it was found:
    the journey's first letter or e-mail (``journey``), the testimony itself
    when it is an e-mail (``email``), else the day the case was opened."""
    mediation = (record.get("journey") or {}).get("mediation") or {}
    for value, basis in ((mediation.get("written_complaint_on"), "journey"), (record.get("date") if (record.get("source") or {}).get("kind") in _WRITTEN_SOURCES else None, "email")):
        if value:
            try:
                return min(date.fromisoformat(str(value)[:10]), opened), basis
            except ValueError:
                pass
    return opened, "opened"


def _new_case(record: dict[str, Any], opening: Opening, config: CasesConfig, actor: str, now: datetime) -> dict[str, Any]:
    sector = _sector(record, config)
    steps = ladder.ladder_for(sector)
    complaint_on, basis = complaint_date(record, now.date())
    return {
        "testimony_id": record["id"], "version": 1, "status": "new", "priority": opening.priority, "team": opening.team,
        "assignee_id": None, "opened_by": actor, "reasons": list(opening.reasons), "sector": sector, "level": 1,
        "complaint_on": complaint_on, "complaint_basis": basis, "answered_on": None,
        "next_escalation_on": ladder.next_escalation(steps, 1, complaint_on, None),
        "mediator_from": ladder.mediator_from(steps, complaint_on, None), "mediation_until": ladder.mediation_until(steps, complaint_on),
        "opened_at": now, "updated_at": now, "due_at": sla.due_at(config, opening.priority, now),
    }  # fmt: skip


def _insert_cases(connection, rows: list[dict], config: CasesConfig, now: datetime, detail: dict | None = None) -> list[int]:
    """Insert new cases (a testimony that already has one is skipped), with
    their `opened` event and notifications; returns the new cases' ids."""
    if not rows:
        return []
    created = insert_rows(connection, CaseRow.__table__, rows, unique=["testimony_id"], returning=list(CaseRow.__table__.c))
    if not created:
        return []
    insert_rows(connection, CaseEvent.__table__, [
        {"case_id": row.id, "at": now, "actor": row.opened_by, "kind": "opened", "before": None, "after": row.status,
         "detail": {"reasons": list(row.reasons or []), "priority": row.priority, "team": row.team, **(detail or {})}}
        for row in created
    ])  # fmt: skip
    enqueue(connection, config, [(row.id, row.team, "opened", "1", {"reasons": list(row.reasons or [])}) for row in created], now)
    return [row.id for row in created]


def open_cases_for(connection, records: Sequence[dict[str, Any]], config: CasesConfig | None = None) -> list[int]:
    """Open a case for each record (JSON) the rules select, unless its
    testimony already has one: re-analysis never opens a second case.
    Runs in the caller's transaction (where the analyses are stored)."""
    config = config or load_cases_config()
    default_team = _default_team()
    now = clock.now()
    rows = []
    for record in records:
        opening = decide(record, config, default_team)
        if opening is not None:
            rows.append(_new_case(record, opening, config, RULES_ACTOR, now))
    created: list[int] = []
    for start in range(0, len(rows), 1000):
        created += _insert_cases(connection, rows[start : start + 1000], config, now)
    return created


def scan(engine: Engine, batch: int = 1000) -> tuple[int, int]:
    """Apply the opening rules to every current analysis whose testimony has
    no case (after `ecoute batch --into`, or new rules). Returns (analyses
    read, cases opened)."""
    from ecoute.store.pages import current_analyses, short_reads

    without_case = ~select(CaseRow.id).where(CaseRow.testimony_id == AnalysisRow.testimony_id).exists()
    read = opened = 0
    for page in current_analyses(short_reads(engine), where=(without_case,), page=batch):
        read += len(page)
        with engine.begin() as connection:  # one transaction per page of cases opened
            opened += len(open_cases_for(connection, [row.record for row in page]))
    return read, opened


def open_case(engine: Engine, testimony_id: str, actor: str, *, priority: str | None = None, team: str | None = None, note: str | None = None) -> int:
    """Open a case by hand for a stored testimony; returns its id."""
    config = load_cases_config()
    now = clock.now()
    _check_priority(priority, config)
    _check_team(team)
    with engine.begin() as connection:
        found = connection.execute(
            select(TestimonyRow.id, AnalysisRow.record).outerjoin(AnalysisRow, (AnalysisRow.testimony_id == TestimonyRow.id) & AnalysisRow.is_current.is_(True))
            .where(TestimonyRow.id == testimony_id)
        ).first()  # fmt: skip
        if found is None:
            raise NotFound(kind="testimony", id=testimony_id, listing="export ids.csv")
        existing = connection.scalar(select(CaseRow.id).where(CaseRow.testimony_id == testimony_id))
        if existing is not None:
            raise CaseExists(testimony=testimony_id, id=existing)
        record = found.record or {"id": testimony_id}
        opening = decide(record, config, _default_team())
        reasons = ("by_hand",) + (opening.reasons if opening else ())
        opening = Opening(priority or (opening.priority if opening else config.default_priority), team or (opening.team if opening else record.get("owner") or _default_team()), reasons)
        ids = _insert_cases(connection, [_new_case(record, opening, config, actor[:64], now)], config, now)
        if not ids:  # opened by someone else between the check and the insert
            raise CaseExists(testimony=testimony_id, id=connection.scalar(select(CaseRow.id).where(CaseRow.testimony_id == testimony_id)))
        if note:
            connection.execute(CaseNote.__table__.insert().values(case_id=ids[0], kind="note", author=actor[:64], body=note, at=now))
        return ids[0]


# --- changing a case ---------------------------------------------------------------------------


def _check_priority(priority: str | None, config: CasesConfig) -> None:
    if priority is not None and priority not in config.priorities:
        raise BadOption(option="priority", detail=f"{priority!r}: use one of {', '.join(config.priorities)}", command="cases")


def _check_team(team: str | None) -> None:
    if team is None:
        return
    from ecoute.judge.routing import load_routing

    teams = load_routing().teams
    if team not in teams:
        raise BadOption(option="team", detail=f"{team!r} is not a team of the routing table ({', '.join(teams)})", command="cases")


def _load(connection, case_id: int, lock: bool = False):
    query = select(CaseRow).where(CaseRow.id == case_id)
    row = connection.execute(query.with_for_update() if lock else query).first()
    if row is None:
        raise NotFound(kind="case", id=case_id, listing="cases list")
    return row


def _user_id(connection, username: str) -> int:
    found = connection.scalar(select(User.id).where(User.username == username))
    if found is None:
        raise NotFound(kind="user", id=username, listing="users list")
    return found


def _username(connection, user_id: int | None) -> str | None:
    return connection.scalar(select(User.username).where(User.id == user_id)) if user_id is not None else None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return clock.aware(value).isoformat()
    return value.isoformat() if isinstance(value, date) else str(value)


def apply_change(
    connection, row, expected: int | None, values: dict[str, Any], events: list[tuple[str, Any, Any, dict]],
    actor: str, now: datetime, notices: Iterable[tuple[str, str, dict]] = (), config: CasesConfig | None = None,
) -> Any:
    """Write ``values`` on the case ``row`` if it is still at version
    ``expected`` (``row.version`` when None), its history ``events`` (kind,
    before, after, detail) and its notifications ``notices`` (event, key,
    detail); returns the updated row."""
    expected = row.version if expected is None else expected
    result = connection.execute(
        update(CaseRow).where(CaseRow.id == row.id, CaseRow.version == expected).values(**values, version=CaseRow.version + 1, updated_at=now)
    )
    if result.rowcount != 1:
        current = connection.scalar(select(CaseRow.version).where(CaseRow.id == row.id))
        raise CaseConflict(id=row.id, current=current, expected=expected)
    if events:
        connection.execute(CaseEvent.__table__.insert(), [
            {"case_id": row.id, "at": now, "actor": actor[:64], "kind": kind, "before": _text(before), "after": _text(after), "detail": detail}
            for kind, before, after, detail in events
        ])  # fmt: skip
    new = _load(connection, row.id)
    notices = list(notices)
    if notices:
        enqueue(connection, config or load_cases_config(), [(new.id, new.team, event, key, detail) for event, key, detail in notices], now)
    return new


def change(
    engine: Engine, case_id: int, actor: str, *, expected_version: int | None = None, status: str | None = None,
    priority: str | None = None, team: str | None = None, assignee: str | None = None, unassign: bool = False,
    reason: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Change a case's status, priority, team and/or assignee in one step.
    ``expected_version`` is the version the caller read (optimistic locking)."""
    config = load_cases_config()
    _check_priority(priority, config)
    _check_team(team)
    now = clock.now()
    with engine.begin() as connection:
        row = _load(connection, case_id)
        values: dict[str, Any] = {}
        events: list[tuple[str, Any, Any, dict]] = []
        notices: list[tuple[str, str, dict]] = []
        why = {"reason": reason} if reason else {}
        version = row.version + 1
        if status is not None and status != row.status:
            check_transition(row.id, row.status, status)
            values["status"] = status
            events.append(("status", row.status, status, why))
            notices.append(("status", f"v{version}", {"before": row.status, "after": status, **why}))
            if status == "resolved":
                values["resolved_at"] = now
            elif status == "closed":
                values["closed_at"] = now
            elif status == "reopened":
                values.update(resolved_at=None, closed_at=None, overdue_notified_at=None, due_at=sla.due_at(config, priority or row.priority, now))
        if priority is not None and priority != row.priority:
            values["priority"] = priority
            events.append(("priority", row.priority, priority, why))
            if values.get("status") != "reopened":
                values["due_at"] = sla.due_at(config, priority, row.opened_at)
                values["overdue_notified_at"] = None
        if "due_at" in values and values["due_at"] != clock.aware(row.due_at):
            events.append(("due", row.due_at, values["due_at"], {}))
        if team is not None and team != row.team:
            values["team"] = team
            events.append(("team", row.team, team, why))
        if assignee is not None or unassign:
            new_id = _user_id(connection, assignee) if assignee is not None else None
            if new_id != row.assignee_id:
                values["assignee_id"] = new_id
                events.append(("assignee", _username(connection, row.assignee_id), assignee, why))
                if assignee is not None:
                    notices.append(("assigned", f"v{version}", {"assignee": assignee}))
        if not values:
            if expected_version is not None and expected_version != row.version:
                raise CaseConflict(id=row.id, current=row.version, expected=expected_version)
            return summary(row, assignee=_username(connection, row.assignee_id))
        new = apply_change(connection, row, expected_version, values, events, actor, now, notices, config)
        return summary(new, assignee=_username(connection, new.assignee_id))


def add_note(engine: Engine, case_id: int, actor: str, body: str, *, kind: str = "note", expected_version: int | None = None) -> dict[str, Any]:
    """An internal note, or a ``reply`` given to the customer. The first reply
    is the company's answer: the mediator date is worked out again from it.
    A note never conflicts; a reply changes the case and so checks its version."""
    if kind not in ("note", "reply"):
        raise BadOption(option="kind", detail=f"{kind!r}: use note or reply", command="cases")
    if not body or not body.strip():
        raise BadOption(option="body", detail="the text is empty", command="cases")
    now = clock.now()
    with engine.begin() as connection:
        row = _load(connection, case_id)
        note_id = connection.execute(
            CaseNote.__table__.insert().values(case_id=row.id, kind=kind, author=actor[:64], body=body.strip(), at=now).returning(CaseNote.id)
        ).scalar_one()
        if kind == "note":
            connection.execute(CaseEvent.__table__.insert().values(case_id=row.id, at=now, actor=actor[:64], kind="note", before=None, after=None, detail={"note": note_id}))
            return summary(row, assignee=_username(connection, row.assignee_id))
        values: dict[str, Any] = {}
        events: list[tuple[str, Any, Any, dict]] = [("reply", None, None, {"note": note_id})]
        if row.answered_on is None:
            steps = ladder.ladder_for(row.sector)
            answered = now.date()
            values.update(
                answered_on=answered, mediator_from=ladder.mediator_from(steps, row.complaint_on, answered),
                next_escalation_on=ladder.next_escalation(steps, row.level, row.complaint_on, answered),
            )  # fmt: skip
            if values["mediator_from"] != row.mediator_from:
                events.append(("mediator_from", row.mediator_from, values["mediator_from"], {"reason": "first answer to the customer"}))
        new = apply_change(connection, row, expected_version, values, events, actor, now, [("reply", f"n{note_id}", {"note": note_id})])
        return summary(new, assignee=_username(connection, new.assignee_id))


def escalate(engine: Engine, case_id: int, actor: str, *, expected_version: int | None = None, reason: str | None = None) -> dict[str, Any]:
    """Move a case one level up its ladder, by hand."""
    config = load_cases_config()
    now = clock.now()
    with engine.begin() as connection:
        row = _load(connection, case_id)
        if row.status not in OPEN:  # a resolved or closed case is reopened first
            raise IllegalTransition(id=row.id, before=row.status, after="escalated", allowed=", ".join(TRANSITIONS[row.status]))
        steps = ladder.ladder_for(row.sector)
        if row.level >= ladder.top_level(steps):
            name = ladder.level_name(steps, row.level)
            raise TopOfLadder(id=row.id, sector=row.sector, level=name, mediator=steps.mediator.get("name", "the mediator"), mediator_from=row.mediator_from.isoformat())
        values, events, notices = escalation(row, row.level + 1, config, reason or "by hand")
        new = apply_change(connection, row, expected_version, values, events, actor, now, notices, config)
        return summary(new, assignee=_username(connection, new.assignee_id))


def escalation(row, level: int, config: CasesConfig, reason: str) -> tuple[dict, list, list]:
    """The values, history events and notices of moving ``row`` to ``level``
    (shared by escalation by hand and the scheduler)."""
    steps = ladder.ladder_for(row.sector)
    before, after = ladder.level_name(steps, row.level), ladder.level_name(steps, level)
    values: dict[str, Any] = {"level": level, "next_escalation_on": ladder.next_escalation(steps, level, row.complaint_on, row.answered_on)}
    detail = {"from": before, "to": after, "reason": reason}
    events: list[tuple[str, Any, Any, dict]] = [("escalated", row.level, level, detail)]
    team = config.ladder_teams.get(after)
    if team and team != row.team:
        values["team"] = team
        events.append(("team", row.team, team, {"reason": f"level {after}"}))
    return values, events, [("escalated", f"L{level}", detail)]
