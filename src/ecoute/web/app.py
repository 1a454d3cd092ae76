"""The web app (FastAPI). In this first version: one honest page listing the
stored testimonies with their analysis records, and the JSON API behind it.
Handlers only fetch, call services and render."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates

from ecoute import __version__
from ecoute.errors import EcouteError
from ecoute.i18n import LANGUAGES
from ecoute.record import json_schema
from ecoute.services.testimonies import get_testimony, list_testimonies
from ecoute.store.db import open_store

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))

UI = {
    "fr": {
        "title": "Témoignages", "subtitle": "Les témoignages stockés et leur analyse.", "count": "{n} témoignages",
        "language": "Langue", "date": "Date", "sentences": "Phrases", "record": "Enregistrement d'analyse",
        "none": "Aucun témoignage. Importez-en avec : ecoute import FICHIER", "prev": "← Précédents", "next": "Suivants →",
        "not_analysed": "pas encore analysé", "page": "Page {page} / {pages}", "switch": "English",
    },
    "en": {
        "title": "Testimonies", "subtitle": "The stored testimonies and their analysis.", "count": "{n} testimonies",
        "language": "Language", "date": "Date", "sentences": "Sentences", "record": "Analysis record",
        "none": "No testimony yet. Import some with: ecoute import FILE", "prev": "← Previous", "next": "Next →",
        "not_analysed": "not analysed yet", "page": "Page {page} of {pages}", "switch": "Français",
    },
}


def create_app(database_url: str) -> FastAPI:
    app = FastAPI(
        title="ecoute",
        version=__version__,
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
    )

    def engine():
        return open_store(database_url)

    @app.exception_handler(EcouteError)
    async def ecoute_error(request: Request, exc: EcouteError) -> JSONResponse:
        lang = request.query_params.get("lang")
        return JSONResponse({"error": exc.to_dict(lang if lang in LANGUAGES else None)}, status_code=exc.http_status)

    @app.get("/", response_class=HTMLResponse)
    def index(
        request: Request,
        page: Annotated[int, Query(ge=1)] = 1,
        lang: Annotated[str, Query(pattern="^(fr|en)$")] = "fr",
    ):
        result = list_testimonies(engine(), page=page, per_page=25)
        rows = [
            {"view": v, "pretty": json.dumps(v.record, ensure_ascii=False, indent=2) if v.record else None}
            for v in result.items
        ]
        return TEMPLATES.TemplateResponse(
            request, "index.html", {"ui": UI[lang], "lang": lang, "other": "en" if lang == "fr" else "fr", "result": result, "rows": rows}
        )

    @app.get("/api/v1/testimonies")
    def api_list(page: Annotated[int, Query(ge=1)] = 1, per_page: Annotated[int, Query(ge=1, le=500)] = 50):
        result = list_testimonies(engine(), page=page, per_page=per_page)
        return {
            "total": result.total,
            "page": result.page,
            "per_page": result.per_page,
            "items": [{"id": v.id, "text": v.text, "record": v.record} for v in result.items],
        }

    @app.get("/api/v1/testimonies/{testimony_id}")
    def api_get(testimony_id: str):
        view = get_testimony(engine(), testimony_id)
        return {"id": view.id, "text": view.text, "record": view.record}

    @app.get("/api/v1/schema")
    def api_schema():
        return json_schema()

    @app.get("/healthz")
    def health():
        return {"status": "ok", "version": __version__}

    return app
