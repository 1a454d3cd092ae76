"""Riding out a database that goes away: retries with backoff, then a clear error.

Long writes (imports, batch loads) run each unit of work in its own
transaction through :func:`retrying`. When the server stops answering, the
transaction is rolled back by the driver, ecoute waits (1, 2, 4 … 30 s) and
tries the same unit again, for at most ``ECOUTE_DB_RETRY_SECONDS``; then it
stops with :class:`~ecoute.errors.DatabaseLost`. Units are written so that
running one twice is harmless (see ``services/imports.py``), because a
commit can succeed on the server while its answer is lost on the way back.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from ecoute.errors import DatabaseLost

log = logging.getLogger(__name__)
T = TypeVar("T")
BACKOFF = (1, 2, 4, 8, 15, 30)

# Called before each pause with (attempt, seconds to wait, short reason).
RetryHook = Callable[[int, float, str], None]


def is_transient(exc: BaseException) -> bool:
    """A lost or refused connection, a server shutting down, a locked SQLite file."""
    if isinstance(exc, OperationalError):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


def reason(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()
    return text[0] if text else type(orig).__name__


def retrying(
    engine: Engine,
    work: Callable[[], T],
    *,
    what: str,
    budget: float,
    on_retry: RetryHook | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run ``work()``; on a transient database error wait and run it again,
    for at most ``budget`` seconds of waiting in all."""
    from ecoute.store.db import safe_url

    waited = 0.0
    attempt = 0
    while True:
        try:
            return work()
        except (OperationalError, DBAPIError) as exc:
            if not is_transient(exc):
                raise
            delay = BACKOFF[min(attempt, len(BACKOFF) - 1)]
            if waited + delay > budget:
                raise DatabaseLost(url=safe_url(str(engine.url)), what=what, seconds=int(budget), detail=reason(exc)) from exc
            attempt += 1
            log.warning("database error during %s (%s); retry %d in %s s", what, reason(exc), attempt, delay)
            if on_retry is not None:
                on_retry(attempt, delay, reason(exc))
            engine.dispose()  # drop pooled connections that point at the dead server
            sleep(delay)
            waited += delay
