"""`ecoute serve --workers N` (issue 6, survey answers at 20 concurrent
clients): what the server's processes share — web import progress, turns at
writing a SQLite store — and each process's garbage collector freed from
the models once they are loaded."""

from __future__ import annotations

import fcntl
import gc
import json
import multiprocessing

from ecoute.services.intake import write_transaction
from ecoute.store.db import open_store
from ecoute.web.jobs import ImportJobs


def _job(job_id: str, status: str = "running") -> dict:
    return {"id": job_id, "file": "a.csv", "status": status, "total_bytes": 10, "done_bytes": 0, "report": None, "rejections": [], "error": None}


def test_import_progress_is_read_from_a_file_any_process_sees(tmp_path):
    writer, reader = ImportJobs(tmp_path), ImportJobs(tmp_path)  # two processes' views of one folder
    job = writer.create(_job("abc"))
    job["done_bytes"] = 4
    writer.update(job)
    assert reader.get("abc")["done_bytes"] == 4
    job["done_bytes"] = 6
    writer.update(job, progress=True)  # right after a write: skipped, the next one says it
    assert reader.get("abc")["done_bytes"] == 4
    job.update(status="done", done_bytes=10)
    writer.update(job)
    assert reader.get("abc")["status"] == "done" and reader.get("abc")["done_bytes"] == 10
    assert reader.get("nope") is None and reader.get("../etc/passwd") is None
    assert not list(tmp_path.glob(".*.part"))  # no temporary file left behind


def test_finished_import_jobs_beyond_the_limit_are_forgotten_oldest_first(tmp_path, monkeypatch):
    monkeypatch.setattr(ImportJobs, "MAX_JOBS", 3)
    jobs = ImportJobs(tmp_path)
    jobs.create(_job("running1"))
    for n in range(5):
        jobs.create(_job(f"done{n}", "done"))
    kept = sorted(json.loads(p.read_text())["id"] for p in tmp_path.glob("*.json"))
    assert "running1" in kept and "done4" in kept and "done0" not in kept and len(kept) <= 4


def _try_lock(path: str, answer) -> None:
    with open(path, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            answer.put("busy")
        else:
            answer.put("free")


def test_a_sqlite_write_holds_the_lock_file_other_processes_wait_on(sqlite_url):
    engine = open_store(sqlite_url)
    lock_file = f"{engine.url.database}.write-lock"
    answer = multiprocessing.get_context("fork").Queue()

    def other_process() -> str:
        process = multiprocessing.get_context("fork").Process(target=_try_lock, args=(lock_file, answer))
        process.start()
        process.join(30)
        return answer.get(timeout=5)

    with write_transaction(engine):
        assert other_process() == "busy"
    assert other_process() == "free"


def test_an_in_memory_sqlite_store_takes_no_lock_file():
    from sqlalchemy import create_engine

    from ecoute.services.intake import _StoreWriter

    memory = create_engine("sqlite://")
    assert _StoreWriter(memory).path is None  # an in-memory database: no file to lock next to it


def test_worker_app_serves_the_configured_database(sqlite_url, monkeypatch):
    from ecoute.web.app import worker_app

    monkeypatch.setenv("ECOUTE_DATABASE_URL", sqlite_url)
    assert worker_app().state.settings.database_url == sqlite_url


def test_warming_up_freezes_the_loaded_models_out_of_the_garbage_collector(pipeline):
    from ecoute.config import Settings
    from ecoute.web.app import _warm_up

    try:
        _warm_up(Settings.from_env())
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
