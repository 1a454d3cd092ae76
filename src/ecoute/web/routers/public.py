"""Public survey pages and their JSON endpoints: no account needed.

Abuse limits: answers per minute per IP address (ECOUTE_SURVEY_RATE_LIMIT),
5 attempts per token per 10 minutes, bodies of at most 64 KB, a "why" of at
most 5,000 characters; each gets a clear error (ECO804, ECO805)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi import Path as PathParam
from pydantic import BaseModel, ConfigDict, Field

from ecoute.errors import EcouteError
from ecoute.services import surveys
from ecoute.web.deps import EngineDep, client_ip
from ecoute.web.render import render

router = APIRouter()
PublicId = Annotated[str, PathParam(min_length=4, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")]


class AnswerCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    token: str = Field(min_length=1, max_length=160, description="From GET /api/v1/public/surveys/{public_id}, or a personal link's t=")
    score: int = Field(description="0–10 (NPS, eNPS), 1–5 (CSAT) or 1–7 (CES)")
    why: str | None = Field(default=None, max_length=surveys.MAX_WHY)
    metadata: dict[str, str] = Field(default_factory=dict, max_length=3, description="site, team, channel: as the link carried them")


class AnswerStored(BaseModel):
    id: int
    survey: str
    score: int
    testimony_id: str | None = Field(description="The stored (pseudonymised, analysed) testimony of the why, if any")
    record: dict[str, Any] | None


def _link_meta(params) -> dict[str, str]:
    return surveys.clean_metadata({key: params.get(key) for key in surveys.LINK_KEYS if params.get(key)})


def _limit(request: Request, token: str) -> None:
    request.app.state.survey_ip_limiter.hit(client_ip(request))
    request.app.state.survey_token_limiter.hit(token[:160])


def _for_reader(request: Request, view: surveys.SurveyView) -> surveys.SurveyView:
    """A public page speaks the survey's language unless the reader chose one (?lang=)."""
    if request.query_params.get("lang") not in ("fr", "en"):
        request.state.lang = view.language
    return surveys.localised(view, request.state.lang)


@router.get("/api/v1/public/surveys/{public_id}", tags=["public surveys"])
def public_survey(public_id: PublicId, request: Request, engine: EngineDep) -> dict:
    """The survey's questions and a fresh answer token. Query parameters
    ``site``, ``team``, ``channel`` attach the answer to them."""
    view = surveys.get_survey(engine, public_id, count=False)
    meta = _link_meta(request.query_params)
    return {
        "public_id": view.public_id, "kind": view.kind, "status": view.status, "question": view.question, "why": view.why,
        "low": view.low, "high": view.high, "scale_ends": list(view.scale_ends), "language": view.language,
        "metadata": meta, "token": surveys.new_token(view.public_id, meta),
    }  # fmt: skip


@router.post("/api/v1/public/surveys/{public_id}/answers", tags=["public surveys"], status_code=201, response_model=AnswerStored)
def public_answer(public_id: PublicId, body: AnswerCreate, request: Request, engine: EngineDep) -> AnswerStored:
    """Answer once per token; the why is pseudonymised and analysed at once."""
    _limit(request, body.token)
    result = surveys.answer(engine, public_id, body.token, body.score, body.why, body.metadata)
    return AnswerStored(id=result.id, survey=result.survey, score=result.score, testimony_id=result.testimony_id, record=result.record)


@router.get("/s/{public_id}", include_in_schema=False)
def survey_form(public_id: PublicId, request: Request, engine: EngineDep, t: str | None = None):
    view = _for_reader(request, surveys.get_survey(engine, public_id, count=False))
    meta = _link_meta(request.query_params)
    token = t or surveys.new_token(view.public_id, meta)
    return render(request, "public_survey.html", {"survey": view, "token": token, "meta": meta})


@router.post("/s/{public_id}", include_in_schema=False)
def survey_submit(
    public_id: PublicId, request: Request, engine: EngineDep,
    token: Annotated[str, Form(max_length=160)], score: Annotated[str, Form(max_length=4)] = "",
    why: Annotated[str, Form(max_length=surveys.MAX_WHY)] = "",
    site: Annotated[str, Form(max_length=100)] = "", team: Annotated[str, Form(max_length=100)] = "",
    channel: Annotated[str, Form(max_length=100)] = "",
):  # fmt: skip
    view = _for_reader(request, surveys.get_survey(engine, public_id, count=False))
    meta = {"site": site, "team": team, "channel": channel}
    try:
        _limit(request, token)
        surveys.answer(engine, public_id, token, score, why, meta)
    except EcouteError as error:
        context = {"survey": view, "token": token, "meta": surveys.clean_metadata(meta), "error": error.to_dict(request.state.lang), "why": why}
        return render(request, "public_survey.html", context, status_code=error.http_status)
    return render(request, "public_survey.html", {"survey": view, "done": True})
