"""The local engine: every core of this machine, one process each.

Each worker process builds the pipeline once, in its initializer, and keeps
it for every part it is given. Parts are submitted in order with a bounded
number in flight (memory stays flat whatever the input size) and reported
in order. A worker that dies (out of memory, killed) stops the batch with
``BatchFailed``; finished parts are kept and a rerun resumes.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from ecoute.batch.parts import PartTask, process_part
from ecoute.errors import BatchFailed

_WORKER: dict = {}


def _die_with_parent() -> None:
    """A worker must not outlive its batch: a parent killed with SIGKILL cannot
    stop it, and it would wait for work forever, holding its models in memory."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG (Linux)
    except (OSError, AttributeError):
        return  # elsewhere a worker notices the lost parent at its next task
    if os.getppid() == 1:  # the parent died before the line above
        os._exit(1)


def _start_worker(names: tuple[str, ...]) -> None:
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    from ecoute.pipeline import get_pipeline
    from ecoute.services.analysis import protected

    try:
        pipeline = protected(get_pipeline(names))
        pipeline.warm_up()
    except Exception as exc:  # noqa: BLE001 - said by the first part instead of a bare "broken pool"
        _WORKER["error"] = f"{type(exc).__name__}: {exc}"
        return
    _WORKER["pipeline"] = pipeline


def _run_part(work: str, task: PartTask) -> dict:
    if "error" in _WORKER:
        raise BatchFailed(engine="local", detail=f"the pipeline could not be loaded: {_WORKER['error']}")
    return process_part(Path(work), task, _WORKER["pipeline"])


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def run_local(
    tasks: Iterable[PartTask],
    work: Path,
    names: tuple[str, ...],
    *,
    workers: int,
    on_part: Callable[[dict], None],
) -> None:
    """Analyse ``tasks`` on ``workers`` processes; ``on_part`` gets each part's marker, in order."""
    # spawn: a clean interpreter per worker, whatever threads the parent runs (progress bar).
    context = multiprocessing.get_context("spawn")
    in_flight = max(2, 2 * workers)
    try:
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=(names,)) as pool:
            pending: deque = deque()
            for task in tasks:
                pending.append(pool.submit(_run_part, str(work), task))
                while len(pending) >= in_flight:
                    on_part(pending.popleft().result())
            while pending:
                on_part(pending.popleft().result())
    except BrokenProcessPool as exc:
        raise BatchFailed(engine="local", detail=f"a worker process died ({exc}); is the machine out of memory?") from exc
