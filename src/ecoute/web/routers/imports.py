"""Importing a file from the web: the same readers, counts and rejections as
`ecoute import`, run in the background with its progress shown."""

from __future__ import annotations

import re
import secrets
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi import Path as PathParam

from ecoute.errors import EcouteError, NotFound, PayloadTooLarge
from ecoute.web.deps import Analyst, EngineDep, SettingsDep
from ecoute.web.jobs import ImportJobs
from ecoute.web.render import render

router = APIRouter()
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@router.get("/import", include_in_schema=False)
def import_page(request: Request, _: Analyst):
    return render(request, "import.html", {})


def _run(app_state, job: dict, engine, folder: Path, path: Path, options) -> None:
    from ecoute.pipeline import get_pipeline
    from ecoute.services.imports import list_rejections, run_import

    jobs: ImportJobs = app_state.imports

    def read(n: int) -> None:
        job["done_bytes"] += n
        jobs.update(job, progress=job["done_bytes"] < job["total_bytes"])  # the whole file read: said at once

    options.on_bytes = read
    try:
        report = run_import(engine, [str(path)], options, pipeline=get_pipeline(app_state.settings.pipeline), batch_size=app_state.settings.batch_size)
        rejections = list_rejections(engine, report.run_id)
        job.update(status="done", report=report.as_dict(), rejections=[
            {"path": Path(r.path).name, "row": r.row, "code": r.code, "params": r.params or {}} for r in rejections
        ])  # fmt: skip
    except EcouteError as error:
        job.update(status="failed", error={"code": error.code, "params": error.params})
    except Exception as error:  # noqa: BLE001 - shown to the operator, logged
        import logging

        logging.getLogger(__name__).exception("web import failed")
        job.update(status="failed", error={"code": "ECO000", "params": {"detail": type(error).__name__}})
    finally:
        jobs.update(job)
        shutil.rmtree(folder, ignore_errors=True)


@router.post("/api/v1/imports", tags=["imports"], status_code=202)
def start_import(
    request: Request, engine: EngineDep, settings: SettingsDep, _: Analyst,
    file: Annotated[UploadFile, File(description="Text, HTML, CSV/TSV, JSON Lines, Excel, e-mail (.eml, mbox)")],
    text_col: Annotated[str, Form(max_length=128)] = "", id_col: Annotated[str, Form(max_length=128)] = "",
    date_col: Annotated[str, Form(max_length=128)] = "", format: Annotated[str, Form(max_length=8)] = "",
) -> dict:  # fmt: skip
    """Upload one file to import and analyse; returns a job to follow at GET /api/v1/imports/{job}."""
    from ecoute.errors import BadOption
    from ecoute.ingest.model import FORMATS, ReadOptions

    if format and format not in FORMATS:
        raise BadOption(option="format", detail=f"{format!r} is not one of {', '.join(FORMATS)}", command="import")
    options = ReadOptions(text_col=text_col or None, id_col=id_col or None, date_col=date_col or None, format=format or None,
                          max_text_chars=settings.max_text_chars)  # fmt: skip
    limit = settings.max_upload_mb * 1024 * 1024
    folder = Path(tempfile.mkdtemp(prefix="ecoute-upload-"))
    path = folder / (SAFE_NAME.sub("_", Path(file.filename or "upload.txt").name)[:120] or "upload.txt")
    size = 0
    with path.open("wb") as handle:
        while chunk := file.file.read(1 << 20):
            size += len(chunk)
            if size > limit:
                shutil.rmtree(folder, ignore_errors=True)
                raise PayloadTooLarge(what=file.filename or "file", size=f"> {settings.max_upload_mb} MB", limit=f"{settings.max_upload_mb} MB")
            handle.write(chunk)
    job_id = secrets.token_urlsafe(8)
    job = {"id": job_id, "file": path.name, "status": "running", "total_bytes": size, "done_bytes": 0, "report": None, "rejections": [], "error": None}
    request.app.state.imports.create(job)
    threading.Thread(target=_run, args=(request.app.state, dict(job), engine, folder, path, options), daemon=True).start()
    return job


@router.get("/api/v1/imports/{job_id}", tags=["imports"])
def import_status(job_id: Annotated[str, PathParam(max_length=32)], request: Request, _: Analyst) -> dict:
    """Progress (bytes read) and, once done, the counts and the rejections."""
    job = request.app.state.imports.get(job_id)  # from whichever process runs it
    if job is None:
        raise NotFound(kind="import job", id=job_id, listing="runs")
    from ecoute.errors import error_class

    lang = request.state.lang
    out = dict(job)
    out["rejections"] = [{**r, "reason": error_class(r["code"])(**r["params"]).message(lang)} for r in job["rejections"]]
    if job["error"]:
        error = error_class(job["error"]["code"])(**job["error"]["params"])
        out["error"] = error.to_dict(lang)
    return out
