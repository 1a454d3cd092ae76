"""A time limit for one piece of pipeline work, so that no text can hang a run.

The limit is a ``SIGALRM`` timer: Python code and the regular expression
engine notice it and raise :class:`TimeLimitExceeded`. Signals only reach a
process's main thread, so the limit is enforced where the pipeline runs
there (the CLI, batch workers, Spark executors) and is a no-op elsewhere
(the web app's worker threads, which analyse one short text at a time).
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class TimeLimitExceeded(Exception):
    """Raised inside the guarded block when its time is up."""


def enforceable() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise :class:`TimeLimitExceeded` in the block after ``seconds`` (``None``/0: no limit)."""
    if not seconds or seconds <= 0 or not enforceable():
        yield
        return

    def on_alarm(_signum, _frame):
        raise TimeLimitExceeded(seconds)

    previous_handler = signal.signal(signal.SIGALRM, on_alarm)
    outer_delay, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    started = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler)
        if outer_delay:  # an enclosing timer keeps running, minus the time spent here
            signal.setitimer(signal.ITIMER_REAL, max(outer_delay - (time.monotonic() - started), 0.001))
