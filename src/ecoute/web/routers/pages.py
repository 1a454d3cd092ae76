"""The dashboards' pages: overview, theme, testimony, journeys, customers vs
employees, explorer, report, import. Each fetches plain data from the
services and renders a template; charts are drawn in the browser by the
vendored ECharts from the JSON embedded in the page."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import Response

from ecoute.errors import PdfUnavailable
from ecoute.services import dashboards, explorer
from ecoute.services.testimonies import get_testimony
from ecoute.web.deps import EngineDep, Reader
from ecoute.web.render import render

router = APIRouter(include_in_schema=False)
LANGUAGE_CHOICES = ("fr", "en")


def _filters(request: Request) -> explorer.Filters:
    return explorer.Filters.from_params(request.query_params)


def _choices(engine) -> dict:
    """What the filter form offers."""
    return {**dashboards.choices(engine), "languages": LANGUAGE_CHOICES}


@router.get("/")
def overview(request: Request, engine: EngineDep, _: Reader):
    filters = _filters(request)
    data = dashboards.overview(engine, filters)
    return render(request, "overview.html", {"data": data, "filters": filters, "choices": _choices(engine)})


@router.get("/explorer")
def explorer_page(
    request: Request, engine: EngineDep, _: Reader, page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    sort: str = "date", order: str = "desc",
):  # fmt: skip
    filters = _filters(request)
    result = explorer.search(engine, filters, sort=sort, order=order, page=page, per_page=25)
    return render(request, "explorer.html", {"result": result, "filters": filters, "choices": _choices(engine), "sorts": list(explorer.SORTS)})


@router.get("/testimonies/{testimony_id}")
def testimony(testimony_id: Annotated[str, PathParam(max_length=64)], request: Request, engine: EngineDep, _: Reader):
    view = get_testimony(engine, testimony_id)
    record = view.record or {}
    pretty = json.dumps(view.record, ensure_ascii=False, indent=2) if view.record else None
    context = {"view": view, "record": record, "pretty": pretty, "timeline": _timeline(record), "case": dashboards.case_of(engine, view.id, request.state.lang)}
    return render(request, "testimony.html", context)


def _timeline(record: dict) -> list[dict]:
    """The journey's events with what the timeline draws between them."""
    events = (record.get("journey") or {}).get("events") or []
    out = []
    previous = None
    for index, event in enumerate(events, start=1):
        steps = event.get("steps") or []
        marks = [step for step in steps if step in ("transfer", "back_to_start", "cut_off", "hold", "ivr")]
        channel_change = previous is not None and event.get("channel") and previous.get("channel") and event["channel"] != previous["channel"]
        out.append({**event, "index": index, "marks": marks, "channel_change": bool(channel_change),
                    "good": event.get("outcome") == "resolved", "bad": event.get("outcome") in ("refused", "hung_up", "no_answer", "redirected")})  # fmt: skip
        previous = event
    return out


@router.get("/themes/{code}")
def theme(code: Annotated[str, PathParam(max_length=128)], request: Request, engine: EngineDep, _: Reader):
    filters = _filters(request)
    data, verbatims = dashboards.together(lambda: dashboards.theme(engine, filters, code), lambda: dashboards.theme_verbatims(engine, filters, code))
    return render(request, "theme.html", {"data": data, "code": code, "verbatims": verbatims, "filters": filters})


@router.get("/journeys")
def journeys(request: Request, engine: EngineDep, _: Reader):
    filters = _filters(request)
    return render(request, "journeys.html", {"data": dashboards.journeys(engine, filters), "filters": filters, "choices": _choices(engine)})


@router.get("/compare")
def compare(request: Request, engine: EngineDep, _: Reader, by: Annotated[str | None, Query(max_length=64)] = None):
    keys = dashboards.meta_keys(engine)
    key = by or next((k for k in ("site", "team", "brand", "agency") if k in keys), keys[0] if keys else "site")
    filters = _filters(request)
    return render(request, "compare.html", {"data": dashboards.compare(engine, filters, key), "keys": keys, "key": key, "filters": filters})


def _report_context(request: Request, engine) -> dict:
    filters = _filters(request)
    data = dashboards.overview(engine, filters)
    return {
        "data": data, "journeys": dashboards.journeys(engine, filters), "filters": filters,
        "quotes": explorer.search(engine, filters, sort="churn", per_page=5).items, "today": date.today().isoformat(),
        "max_theme": max([row["count"] for row in data["themes"]] or [1]), "max_effort": max([row["count"] for row in data["effort"]] or [1]),
    }  # fmt: skip


@router.get("/report")
def report(request: Request, engine: EngineDep, _: Reader):
    return render(request, "report.html", _report_context(request, engine))


@router.get("/report.pdf")
def report_pdf(request: Request, engine: EngineDep, _: Reader):
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as error:  # OSError: Pango missing
        raise PdfUnavailable(detail=type(error).__name__ + ": " + str(error)[:120]) from None
    page = render(request, "report.html", {**_report_context(request, engine), "pdf": True})
    pdf = HTML(string=page.body.decode("utf-8"), base_url=str(request.base_url)).write_pdf()
    name = f"ecoute-rapport-{date.today().isoformat()}.pdf"
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'})
