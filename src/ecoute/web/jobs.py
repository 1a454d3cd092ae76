"""Web imports' progress, readable by every process of the server.

``ecoute serve --workers N`` runs N processes; the upload and the requests
that follow its progress may reach different ones. Each job is a small JSON
file in one folder (``ECOUTE_HOME/web-imports`` for the app), replaced
whole on each change (a reader sees the old or the new state, never half),
and written at most every ``EVERY`` seconds while bytes are read.
"""

from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path
from typing import Any

from ecoute.files import write_atomically

JOB_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


class ImportJobs:
    MAX_JOBS = 50  # finished jobs beyond this many are forgotten, oldest first
    EVERY = 0.25  # seconds between two progress writes of a job

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self._written: dict[str, float] = {}

    def _path(self, job_id: str) -> Path | None:
        return self.folder / f"{job_id}.json" if JOB_ID.match(job_id) else None

    def _write(self, job: dict[str, Any]) -> None:
        write_atomically(self._path(job["id"]), json.dumps(job))
        self._written[job["id"]] = time.monotonic()

    def create(self, job: dict[str, Any]) -> dict[str, Any]:
        self.folder.mkdir(parents=True, exist_ok=True)
        with self._lock:
            finished = sorted((p for p in self.folder.glob("*.json") if (self.get(p.stem) or {}).get("status") != "running"), key=lambda p: p.stat().st_mtime)
            for old in finished[: max(0, len(finished) - self.MAX_JOBS + 1)]:
                old.unlink(missing_ok=True)
            self._write(job)
        return job

    def update(self, job: dict[str, Any], *, progress: bool = False) -> None:
        """Save ``job`` (the running process's copy); ``progress``: skipped when the last write is recent."""
        with self._lock:
            if progress and time.monotonic() - self._written.get(job["id"], 0.0) < self.EVERY:
                return
            self._write(job)

    def get(self, job_id: str) -> dict[str, Any] | None:
        path = self._path(job_id)
        try:
            return json.loads(path.read_text(encoding="utf-8")) if path else None
        except (FileNotFoundError, json.JSONDecodeError):
            return None
