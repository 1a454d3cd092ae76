"""Surveys for operators: create, list, close or reopen, links, answers, scores
(the API), and the Surveys pages."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, ConfigDict, Field

from ecoute.services import surveys
from ecoute.web.deps import EngineDep, Reader, SettingsDep, SurveyManager
from ecoute.web.render import render

router = APIRouter()
SurveyId = Annotated[int, PathParam(ge=1, le=2**31 - 1)]


class SurveyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["nps", "csat", "ces", "enps"] = Field(description="nps, csat, ces (customers) or enps (employees)")
    title: str = Field(min_length=1, max_length=255)
    company: str = Field(min_length=1, max_length=255, description="Named in the standard question")
    question: str | None = Field(default=None, max_length=500, description="Replaces the standard question")
    language: Literal["fr", "en"] = "fr"
    metadata: dict[str, str] = Field(default_factory=dict, max_length=20, description="Stamped on every answer (e.g. a campaign)")


class StatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: Literal["open", "closed"]


class LinksCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    count: int = Field(default=1, ge=1, le=1000)
    metadata: dict[str, str] = Field(default_factory=dict, max_length=3, description="site, team and/or channel")


def base_url(request: Request, settings) -> str:
    return settings.public_url or str(request.base_url).rstrip("/")


def _public(view: surveys.SurveyView, request: Request, settings) -> dict:
    data = {k: getattr(view, k) for k in ("id", "public_id", "kind", "title", "company", "question", "why", "language", "status", "low", "high", "audience", "metadata", "answers")}
    data["scale_ends"] = list(view.scale_ends)
    data["link"] = f"{base_url(request, settings)}/s/{view.public_id}"
    return data


@router.get("/api/v1/surveys", tags=["surveys"])
def api_list(request: Request, engine: EngineDep, settings: SettingsDep, _: Reader) -> dict:
    """Every survey with its number of answers and its public link."""
    return {"surveys": [_public(view, request, settings) for view in surveys.list_surveys(engine)]}


@router.post("/api/v1/surveys", tags=["surveys"], status_code=201)
def api_create(body: SurveyCreate, request: Request, engine: EngineDep, settings: SettingsDep, account: SurveyManager) -> dict:
    """Create a two-question survey (score + why)."""
    view = surveys.create_survey(engine, body.kind, body.title, body.company, question=body.question, language=body.language,
                                 metadata=body.metadata, created_by=account.id)  # fmt: skip
    return _public(view, request, settings)


@router.get("/api/v1/surveys/{survey_id}", tags=["surveys"])
def api_get(survey_id: SurveyId, request: Request, engine: EngineDep, settings: SettingsDep, _: Reader) -> dict:
    return _public(surveys.get_survey(engine, survey_id), request, settings)


@router.patch("/api/v1/surveys/{survey_id}", tags=["surveys"])
def api_status(survey_id: SurveyId, body: StatusChange, request: Request, engine: EngineDep, settings: SettingsDep, _: SurveyManager) -> dict:
    """Close a survey (it takes no more answers) or reopen it."""
    return _public(surveys.set_status(engine, survey_id, body.status), request, settings)


@router.post("/api/v1/surveys/{survey_id}/links", tags=["surveys"], status_code=201)
def api_links(survey_id: SurveyId, body: LinksCreate, request: Request, engine: EngineDep, settings: SettingsDep, _: SurveyManager) -> dict:
    """Personal links, one answer each, carrying site/team/channel (signed: they cannot be edited)."""
    view = surveys.get_survey(engine, survey_id)
    return {"links": surveys.links(view.public_id, base_url(request, settings), body.count, body.metadata)}


@router.get("/api/v1/surveys/{survey_id}/answers", tags=["surveys"])
def api_answers(survey_id: SurveyId, engine: EngineDep, _: Reader, page: Annotated[int, Query(ge=1, le=100_000)] = 1,
                per_page: Annotated[int, Query(ge=1, le=200)] = 50) -> dict:  # fmt: skip
    """The answers, newest first, with their pseudonymised "why"."""
    total, items = surveys.list_answers(engine, survey_id, page, per_page)
    return {"total": total, "page": page, "per_page": per_page, "items": items}


@router.get("/api/v1/surveys/{survey_id}/scores", tags=["surveys"])
def api_scores(survey_id: SurveyId, engine: EngineDep, _: Reader, by: Annotated[str | None, Query(max_length=64)] = None) -> dict:
    """NPS/eNPS (promoters 9–10, detractors 0–6), CSAT (share of 4–5), CES (mean, share of 5–7); by a metadata key with ``by``."""
    view = surveys.get_survey(engine, survey_id)
    return {"survey": view.id, "kind": view.kind, "scores": surveys.scores(engine, survey=view.id, group_by=by)}


# --- pages -----------------------------------------------------------------------------


@router.get("/surveys", include_in_schema=False)
def surveys_page(request: Request, engine: EngineDep, settings: SettingsDep, account: Reader):
    views = surveys.list_surveys(engine)
    scores = {view.id: surveys.scores(engine, survey=view.id).get(view.kind) for view in views}
    return render(request, "surveys.html", {"surveys": views, "scores": scores, "base": base_url(request, settings)})


@router.post("/surveys", include_in_schema=False)
def surveys_create(
    engine: EngineDep, account: SurveyManager,
    kind: Annotated[Literal["nps", "csat", "ces", "enps"], Form()], title: Annotated[str, Form(max_length=255)],
    company: Annotated[str, Form(max_length=255)], question: Annotated[str, Form(max_length=500)] = "",
    language: Annotated[Literal["fr", "en"], Form()] = "fr",
):  # fmt: skip
    view = surveys.create_survey(engine, kind, title, company, question=question or None, language=language, created_by=account.id)
    return RedirectResponse(f"/surveys/{view.id}", status_code=303)


@router.get("/surveys/{survey_id}", include_in_schema=False)
def survey_page(survey_id: SurveyId, request: Request, engine: EngineDep, settings: SettingsDep, _: Reader, page: int = 1):
    view = surveys.get_survey(engine, survey_id)
    total, answers = surveys.list_answers(engine, survey_id, max(1, page), 50)
    context = {
        "survey": view, "answers": answers, "total": total, "scores": surveys.scores(engine, survey=view.id).get(view.kind),
        "link": f"{base_url(request, settings)}/s/{view.public_id}", "links": request.query_params.getlist("new_link"),
    }  # fmt: skip
    return render(request, "survey.html", context)


@router.post("/surveys/{survey_id}/status", include_in_schema=False)
def survey_status(survey_id: SurveyId, engine: EngineDep, _: SurveyManager, status: Annotated[Literal["open", "closed"], Form()]):
    surveys.set_status(engine, survey_id, status)
    return RedirectResponse(f"/surveys/{survey_id}", status_code=303)


@router.post("/surveys/{survey_id}/links", include_in_schema=False)
def survey_links(
    survey_id: SurveyId, request: Request, engine: EngineDep, settings: SettingsDep, _: SurveyManager,
    count: Annotated[int, Form(ge=1, le=200)] = 1, site: Annotated[str, Form(max_length=100)] = "",
    team: Annotated[str, Form(max_length=100)] = "", channel: Annotated[str, Form(max_length=100)] = "",
):  # fmt: skip
    view = surveys.get_survey(engine, survey_id)
    made = surveys.links(view.public_id, base_url(request, settings), count, {"site": site, "team": team, "channel": channel})
    survey = _public(view, request, settings)
    total, answers = surveys.list_answers(engine, survey_id, 1, 50)
    context = {"survey": view, "answers": answers, "total": total, "scores": surveys.scores(engine, survey=view.id).get(view.kind),
               "link": survey["link"], "links": made}  # fmt: skip
    return render(request, "survey.html", context)
