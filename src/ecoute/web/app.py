"""The web app (FastAPI): server-rendered pages, the REST API under /api/v1
and the public survey pages. Routes only fetch, authorise, call services
and render; every error reaches the client in one JSON shape (API) or one
error page (browser)."""

from __future__ import annotations

import gc
import logging
import threading
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from ecoute import __version__
from ecoute.config import Settings
from ecoute.errors import EcouteError, InvalidRequest, NotAuthenticated, PayloadTooLarge, RouteNotFound
from ecoute.i18n import LANGUAGES
from ecoute.store.db import open_store, tune_sqlite_for_reads
from ecoute.web.deps import LANG_COOKIE
from ecoute.web.jobs import ImportJobs
from ecoute.web.ratelimit import RateLimiter

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
PUBLIC_BODY_LIMIT = 64 * 1024  # bytes: a score and a "why" of 5,000 characters fit many times
CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'"


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "text/html" not in request.headers.get("accept", "")


def _error_response(request: Request, error: EcouteError, status: int | None = None):
    lang = getattr(request.state, "lang", None) or "fr"
    status = status or error.http_status
    if isinstance(error, NotAuthenticated) and not _wants_json(request):
        from urllib.parse import quote

        return RedirectResponse(f"/login?next={quote(str(request.url.path))}", status_code=303)
    if _wants_json(request):
        headers = {"Retry-After": str(error.params["retry_after"])} if "retry_after" in error.params else None
        return JSONResponse({"error": error.to_dict(lang)}, status_code=status, headers=headers)
    from ecoute.web.render import render

    return render(request, "error.html", {"error": error.to_dict(lang), "status": status}, status_code=status)


def create_app(settings: Settings | str | None = None, *, warm: bool = False) -> FastAPI:
    """The app for ``settings`` (or a database URL). ``warm`` loads the
    analysis pipeline in the background at start-up, so that the first
    survey answer does not wait for the models."""
    if not isinstance(settings, Settings):
        from dataclasses import replace

        base = Settings.from_env()
        settings = replace(base, database_url=settings) if settings else base

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        if warm:
            threading.Thread(target=_warm_up, args=(settings,), daemon=True).start()
        yield

    app = FastAPI(
        title="ecoute",
        version=__version__,
        description="Voice of the customer and of the employee: testimonies, analysis records, dashboards and two-question surveys. "
        "Authenticate with `Authorization: Bearer <token>` (`ecoute users token NAME`). Errors share one shape: "
        '`{"error": {"code", "message", "fix", "details"}}`.',
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    tune_sqlite_for_reads()  # before the first connection: the web app reads far more than it writes
    app.state.engine = lambda: open_store(settings.database_url)
    app.state.survey_ip_limiter = RateLimiter(settings.survey_rate_limit, 60, "IP")
    app.state.survey_token_limiter = RateLimiter(5, 600, "token")
    app.state.login_limiter = RateLimiter(10, 60, "IP")
    app.state.imports = ImportJobs(settings.home / "web-imports")  # shared by the server's processes

    @app.middleware("http")
    async def language_and_headers(request: Request, call_next):
        asked = request.query_params.get("lang")
        cookie = request.cookies.get(LANG_COOKIE)
        accept = request.headers.get("accept-language", "")[:2].lower()
        request.state.lang = next((lang for lang in (asked, cookie, accept) if lang in LANGUAGES), settings.language)
        limit = _body_limit(request, settings)
        length = request.headers.get("content-length")
        if limit and length and length.isdigit() and int(length) > limit:
            return _error_response(request, PayloadTooLarge(what="request", size=f"{int(length)} bytes", limit=f"{limit} bytes"))
        response = await call_next(request)
        if asked in LANGUAGES and asked != cookie:
            response.set_cookie(LANG_COOKIE, asked, max_age=365 * 86400, samesite="lax")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Content-Security-Policy", CSP)
        return response

    @app.exception_handler(EcouteError)
    async def ecoute_error(request: Request, exc: EcouteError):
        return _error_response(request, exc)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        errors = [{"loc": [str(part) for part in error.get("loc", ())], "msg": error.get("msg", "")} for error in exc.errors()]
        detail = "; ".join(f"{'.'.join(e['loc'][1:] or e['loc'])}: {e['msg']}" for e in errors[:5])
        error = InvalidRequest(detail=detail)
        error.params["errors"] = errors
        response = _error_response(request, error)
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        return _error_response(request, RouteNotFound(path=request.url.path, method=request.method), exc.status_code)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return _error_response(request, EcouteError(detail=type(exc).__name__), 500)

    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    from ecoute.web.routers import api, auth, cases, imports, pages, public, surveys

    for module in (auth, api, surveys, cases, public, imports, pages):
        app.include_router(module.router)

    @app.get("/healthz", tags=["meta"])
    def health() -> dict:
        return {"status": "ok", "version": __version__}

    return app


def worker_app() -> FastAPI:
    """The app of one process of ``ecoute serve --workers N``, on the
    configured database (``ECOUTE_DATABASE_URL``, set by the command)."""
    tune_sqlite_for_reads()
    return create_app(warm=True)


def _body_limit(request: Request, settings: Settings) -> int | None:
    path = request.url.path
    if path.startswith(("/api/v1/public/", "/s/", "/login", "/setup")):
        return PUBLIC_BODY_LIMIT
    if path.startswith(("/import", "/api/v1/imports")):
        return settings.max_upload_mb * 1024 * 1024
    return 2 * 1024 * 1024  # the API's JSON bodies: a long testimony fits


def _warm_up(settings: Settings) -> None:
    try:
        from ecoute.pipeline import get_pipeline
        from ecoute.services.analysis import protected

        protected(get_pipeline(settings.pipeline)).warm_up()
    except Exception:  # noqa: BLE001 - the first request will report it properly
        log.exception("warming up the pipeline failed")
        return
    # The models are hundreds of thousands of objects that live as long as the
    # process: out of the garbage collector's sight, its full collections (every
    # few hundred requests) take a millisecond instead of stopping every request
    # of the process for 100-300 ms.
    gc.collect()
    gc.freeze()
