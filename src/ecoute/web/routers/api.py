"""REST API v1: testimonies, analysis records, dashboards' aggregates, exports.

Every endpoint needs an account (session cookie or API token); list
endpoints take the explorer's filters, so that a selection means the same in
the app, the API and exports."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.background import BackgroundTask

from ecoute.services import dashboards, explorer
from ecoute.services.intake import store_text
from ecoute.services.testimonies import get_record, get_testimony
from ecoute.web.deps import Analyst, EngineDep, Exporter, Reader

router = APIRouter(prefix="/api/v1")

DateParam = Annotated[str | None, Query(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$", description="YYYY-MM-DD (or YYYY-MM, YYYY)")]


def filter_params(
    request: Request,
    date_from: DateParam = None,
    date_to: DateParam = None,
    source: Annotated[str | None, Query(max_length=16, description="Source kind: csv, jsonl, eml, survey, api…")] = None,
    theme: Annotated[str | None, Query(max_length=128, description="A theme code")] = None,
    sentiment: Literal["negative", "neutral", "positive", "mixed"] | None = None,
    role: Literal["customer", "employee", "unknown"] | None = None,
    language: Annotated[str | None, Query(max_length=8)] = None,
    effort_min: Annotated[float | None, Query(ge=1, le=7)] = None,
    effort_max: Annotated[float | None, Query(ge=1, le=7)] = None,
    q: Annotated[str | None, Query(max_length=200, description="Words the text contains (case-insensitive)")] = None,
) -> explorer.Filters:
    """The explorer's filters. Metadata filters are extra parameters ``meta.KEY=VALUE`` (e.g. ``meta.site=Lyon``)."""
    return explorer.Filters.from_params(request.query_params)


FiltersDep = Annotated[explorer.Filters, Depends(filter_params)]
Page = Annotated[int, Query(ge=1, le=100_000)]
PerPage = Annotated[int, Query(ge=1, le=explorer.MAX_PER_PAGE)]


class TestimonyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=200_000, description="The testimony, as written: it is pseudonymised before it is stored.")
    date: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$", description="Its date (YYYY-MM-DD); today by default.")
    external_id: str | None = Field(default=None, max_length=255)
    metadata: dict[str, str | int | float | bool | None] = Field(default_factory=dict, max_length=40, description="Site, brand, team, channel…")


class TestimonyCreated(BaseModel):
    id: str
    duplicate: bool = Field(description="True when the same text was already stored: its stored record stands.")
    record: dict[str, Any] | None


@router.get("/testimonies", tags=["testimonies"])
def list_testimonies(
    engine: EngineDep, _: Reader, filters: FiltersDep, page: Page = 1, per_page: PerPage = 50,
    sort: Literal["date", "sentiment", "effort", "churn", "stored"] = "date", order: Literal["asc", "desc"] = "desc",
) -> dict:  # fmt: skip
    """Analysed testimonies matching the filters, with their analysis records."""
    result = explorer.search(engine, filters, sort=sort, order=order, page=page, per_page=per_page)
    return {"total": result.total, "page": result.page, "per_page": result.per_page, "items": result.items}


@router.post("/testimonies", tags=["testimonies"], status_code=201, response_model=TestimonyCreated)
def create_testimony(body: TestimonyCreate, engine: EngineDep, _: Analyst) -> TestimonyCreated:
    """Analyse a text with the full pipeline and store it (pseudonymised)."""
    metadata = {k[:64]: v for k, v in body.metadata.items() if v is not None}
    intake = store_text(engine, body.text, kind="api", location="api", metadata=metadata, when=body.date, external_id=body.external_id)
    record = intake.record.model_dump(mode="json") if intake.record else get_record(engine, intake.id).model_dump(mode="json")
    return TestimonyCreated(id=intake.id, duplicate=intake.duplicate, record=record)


@router.get("/testimonies/{testimony_id}", tags=["testimonies"])
def read_testimony(testimony_id: Annotated[str, PathParam(max_length=64)], engine: EngineDep, _: Reader) -> dict:
    """One stored testimony: its pseudonymised text, source and current record."""
    view = get_testimony(engine, testimony_id)
    return {"id": view.id, "text": view.text, "source_kind": view.format, "external_id": view.external_id, "metadata": view.metadata, "record": view.record}


@router.get("/records/{testimony_id}", tags=["testimonies"])
def read_record(testimony_id: Annotated[str, PathParam(max_length=64)], engine: EngineDep, _: Reader, external: bool = False) -> dict:
    """The analysis record, exactly as `ecoute show --json` prints it (a unique id prefix is enough)."""
    return get_record(engine, testimony_id, external=external).model_dump(mode="json")


@router.get("/overview", tags=["dashboards"])
def overview(engine: EngineDep, _: Reader, filters: FiltersDep) -> dict:
    """Volumes, sentiment trend, top themes and how they move, effort, survey scores."""
    return dashboards.overview(engine, filters)


@router.get("/themes", tags=["dashboards"])
def themes(engine: EngineDep, _: Reader, filters: FiltersDep, limit: Annotated[int, Query(ge=1, le=200)] = 50) -> dict:
    """Theme codes with the number of selected testimonies raising each."""
    return {"themes": dashboards.facet_counts(engine, filters, "theme", limit)}


@router.get("/themes/{code}", tags=["dashboards"])
def theme(code: Annotated[str, PathParam(max_length=128)], engine: EngineDep, _: Reader, filters: FiltersDep) -> dict:
    """One theme: trend, shares by source and metadata, root causes, emotions, effort."""
    return dashboards.theme(engine, filters, code)


@router.get("/journeys", tags=["dashboards"])
def journeys(engine: EngineDep, _: Reader, filters: FiltersDep) -> dict:
    """Channel transitions, dead ends, loop and transfer rates, waiting time by channel."""
    return dashboards.journeys(engine, filters)


@router.get("/compare", tags=["dashboards"])
def compare(engine: EngineDep, _: Reader, filters: FiltersDep, by: Annotated[str, Query(min_length=1, max_length=64)] = "site") -> dict:
    """Customers and employees per value of a metadata key (site, brand, team…)."""
    return dashboards.compare(engine, filters, by)


@router.get("/metadata", tags=["dashboards"])
def metadata(engine: EngineDep, _: Reader, key: Annotated[str | None, Query(max_length=64)] = None) -> dict:
    """Metadata keys of the analysed testimonies, or the values of one key."""
    return {"values": dashboards.meta_values(engine, key)} if key else {"keys": dashboards.meta_keys(engine)}


@router.get("/export", tags=["testimonies"], response_class=FileResponse)
def export(engine: EngineDep, _: Exporter, filters: FiltersDep, format: Literal["csv", "parquet", "jsonl"] = "csv"):
    """The selection as a file (the same columns as `ecoute export`). Agents may not export."""
    folder = Path(tempfile.mkdtemp(prefix="ecoute-export-"))
    path = folder / f"ecoute-selection.{format}"
    explorer.export_selection(engine, filters, path, format)
    media = {"csv": "text/csv", "parquet": "application/vnd.apache.parquet", "jsonl": "application/x-ndjson"}[format]
    return FileResponse(path, media_type=media, filename=path.name, background=BackgroundTask(_remove, folder))


def _remove(folder: Path) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


@router.get("/schema", tags=["testimonies"])
def record_schema() -> dict:
    """The JSON Schema of the analysis record."""
    from ecoute.record import json_schema

    return json_schema()
