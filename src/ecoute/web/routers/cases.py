"""Cases (issue 7): the API under /api/v1/cases and /api/v1/notifications,
and the pages — my cases, a team's queue, overdue cases, one case with its
history and a reply form. Every role works on cases; retrying a failed
notification needs the analyst or admin role. Handlers fetch, authorise,
call :mod:`ecoute.cases` and render."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, ConfigDict, Field

from ecoute.cases import notify, queries, service, states
from ecoute.web.deps import Analyst, EngineDep, LangDep, Reader
from ecoute.web.render import render

router = APIRouter()
CaseId = Annotated[int, PathParam(ge=1, le=2**31 - 1)]
Version = Annotated[int, Field(ge=1, le=2**31 - 1, description="The version of the case you read: the change is refused (409, ECO901) if it changed since.")]
Status = Literal["new", "in_progress", "waiting_customer", "resolved", "closed", "reopened"]
Name = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[\w.-]+$")]


class CaseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    testimony_id: str = Field(min_length=1, max_length=64)
    priority: Name | None = Field(default=None, description="urgent, high, normal or low (the cases file's priorities)")
    team: Name | None = Field(default=None, description="A team code of the routing table")
    note: str | None = Field(default=None, max_length=20_000)


class CaseUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: Version
    status: Status | None = None
    priority: Name | None = None
    team: Name | None = None
    assignee: Name | None = Field(default=None, description="A user name; see unassign to remove")
    unassign: bool = False
    reason: str | None = Field(default=None, max_length=1000)


class NoteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    body: str = Field(min_length=1, max_length=20_000)
    reply: bool = Field(default=False, description="A reply given to the customer (the first one recomputes the mediator date)")
    version: Version | None = None


class Escalation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: Version
    reason: str | None = Field(default=None, max_length=1000)


def _detail(detail: queries.CaseDetail) -> dict:
    data = asdict(detail)
    data["steps"] = [{**asdict(step), "on": step.on.isoformat() if step.on else None} for step in detail.steps]
    data["allowed"] = list(detail.allowed)
    return data


@router.get("/api/v1/cases", tags=["cases"])
def api_list(
    engine: EngineDep, account: Reader, lang: LangDep,
    status: Annotated[Literal["open", "all", "new", "in_progress", "waiting_customer", "resolved", "closed", "reopened"], Query()] = "open",
    team: Annotated[str | None, Query(max_length=64)] = None,
    assignee: Annotated[str | None, Query(max_length=64, description="A user name, or `me`")] = None,
    unassigned: bool = False, overdue: bool = False,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1, per_page: Annotated[int, Query(ge=1, le=queries.MAX_PER_PAGE)] = 50,
) -> dict:  # fmt: skip
    """Cases, nearest due date first: mine (`assignee=me`), a team's queue (`team=…&unassigned=true`), overdue ones."""
    result = queries.list_cases(engine, status=None if status == "all" else status, team=team, assignee=account.username if assignee == "me" else assignee,
                                unassigned=unassigned, overdue=overdue, page=page, per_page=per_page, lang=lang)  # fmt: skip
    return {"total": result.total, "page": result.page, "per_page": result.per_page, "items": result.items}


@router.post("/api/v1/cases", tags=["cases"], status_code=201)
def api_open(body: CaseCreate, engine: EngineDep, account: Reader, lang: LangDep) -> dict:
    """Open a case by hand for a stored testimony (one case per testimony: 409, ECO902)."""
    case_id = service.open_case(engine, body.testimony_id, account.username, priority=body.priority, team=body.team, note=body.note)
    return _detail(queries.get_case(engine, case_id, lang))


@router.get("/api/v1/cases/{case_id}", tags=["cases"])
def api_get(case_id: CaseId, engine: EngineDep, _: Reader, lang: LangDep) -> dict:
    """One case: its fields, ladder and mediator, history, notes and replies, notifications, allowed moves."""
    return _detail(queries.get_case(engine, case_id, lang))


@router.patch("/api/v1/cases/{case_id}", tags=["cases"])
def api_change(case_id: CaseId, body: CaseUpdate, engine: EngineDep, account: Reader) -> dict:
    """Change status, priority, team, assignee. Illegal move: 409 ECO900; changed since `version`: 409 ECO901."""
    return service.change(engine, case_id, account.username, expected_version=body.version, status=body.status, priority=body.priority,
                          team=body.team, assignee=body.assignee, unassign=body.unassign, reason=body.reason)  # fmt: skip


@router.post("/api/v1/cases/{case_id}/notes", tags=["cases"], status_code=201)
def api_note(case_id: CaseId, body: NoteCreate, engine: EngineDep, account: Reader) -> dict:
    """Add an internal note, or a reply given to the customer (`reply: true`)."""
    return service.add_note(engine, case_id, account.username, body.body, kind="reply" if body.reply else "note", expected_version=body.version)


@router.post("/api/v1/cases/{case_id}/escalate", tags=["cases"])
def api_escalate(case_id: CaseId, body: Escalation, engine: EngineDep, account: Reader) -> dict:
    """Move the case one level up its ladder (at the top: 409, ECO903)."""
    return service.escalate(engine, case_id, account.username, expected_version=body.version, reason=body.reason)


@router.get("/api/v1/notifications", tags=["cases"])
def api_notifications(
    engine: EngineDep, _: Reader, status: Literal["pending", "sending", "sent", "failed"] | None = None,
    case: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None, limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict:  # fmt: skip
    """Notifications (e-mails, webhooks), newest first, with their attempts count and last error."""
    return {"items": notify.list_notifications(engine, status=status, case_id=case, limit=limit)}


@router.post("/api/v1/notifications/{notification_id}/retry", tags=["cases"])
def api_retry(notification_id: Annotated[int, PathParam(ge=1, le=2**31 - 1)], engine: EngineDep, _: Analyst) -> dict:
    """Queue a failed notification again, with a new round of tries (otherwise 409, ECO904)."""
    return {"retried": notify.retry(engine, notification_id)}


# --- pages -----------------------------------------------------------------------------------


VIEWS = ("mine", "team", "overdue", "all")


@router.get("/cases", include_in_schema=False)
def cases_page(
    request: Request, engine: EngineDep, account: Reader, lang: LangDep,
    view: Literal["mine", "team", "overdue", "all"] = "mine", team: Annotated[str | None, Query(max_length=64)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
):  # fmt: skip
    from ecoute.judge.routing import load_routing

    filters = {"mine": {"assignee": account.username}, "team": {"team": team}, "overdue": {"overdue": True}, "all": {}}[view]
    result = queries.list_cases(engine, page=page, per_page=50, lang=lang, **filters)
    teams = {code: load_routing().label(code, lang) for code in load_routing().teams}
    return render(request, "cases.html", {"result": result, "view": view, "views": VIEWS, "team": team, "teams": teams, "status_label": states.label})


@router.get("/cases/{case_id}", include_in_schema=False)
def case_page(case_id: CaseId, request: Request, engine: EngineDep, _: Reader, lang: LangDep):
    from ecoute.cases.config import load_cases_config
    from ecoute.judge.routing import load_routing
    from ecoute.services.users import list_users

    detail = queries.get_case(engine, case_id, lang, history_limit=500)
    context = {
        "d": detail, "c": detail.case, "status_label": states.label, "priorities": list(load_cases_config().priorities),
        "teams": list(load_routing().teams), "users": [u.username for u in list_users(engine) if u.active],
    }  # fmt: skip
    return render(request, "case.html", context)


@router.post("/cases/{case_id}/change", include_in_schema=False)
def case_change(
    case_id: CaseId, engine: EngineDep, account: Reader, version: Annotated[int, Form(ge=1, le=2**31 - 1)],
    status: Annotated[str, Form(max_length=24)] = "", priority: Annotated[str, Form(max_length=64)] = "",
    team: Annotated[str, Form(max_length=64)] = "", assignee: Annotated[str, Form(max_length=64)] = "",
    reason: Annotated[str, Form(max_length=1000)] = "",
):  # fmt: skip
    if status and status not in states.STATUSES:
        status = ""
    service.change(engine, case_id, account.username, expected_version=version, status=status or None, priority=priority or None,
                   team=team or None, assignee=None if assignee in ("", "-") else assignee, unassign=assignee == "-", reason=reason or None)  # fmt: skip
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.post("/cases/{case_id}/note", include_in_schema=False)
def case_note(case_id: CaseId, engine: EngineDep, account: Reader, body: Annotated[str, Form(min_length=1, max_length=20_000)], kind: Annotated[Literal["note", "reply"], Form()] = "note"):
    service.add_note(engine, case_id, account.username, body, kind=kind)
    return RedirectResponse(f"/cases/{case_id}#notes", status_code=303)


@router.post("/cases/{case_id}/escalate", include_in_schema=False)
def case_escalate(case_id: CaseId, engine: EngineDep, account: Reader, version: Annotated[int, Form(ge=1, le=2**31 - 1)], reason: Annotated[str, Form(max_length=1000)] = ""):
    service.escalate(engine, case_id, account.username, expected_version=version, reason=reason or None)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)
