"""The one clock of cases, SLAs, the ladder and the scheduler.

Everything that asks "what time is it?" about a case calls :func:`now` (or
:func:`today`), so that tests freeze or move time instead of sleeping, and a
deadline one month away is tested in a millisecond.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from typing import Iterator

_frozen: datetime | None = None


def now() -> datetime:
    """The current time, in UTC (aware)."""
    return _frozen if _frozen is not None else datetime.now(timezone.utc)


def today() -> date:
    """The current day, in UTC: deadlines in days fall at midnight UTC."""
    return now().date()


def aware(moment: datetime | None) -> datetime | None:
    """``moment`` in UTC: SQLite gives back naive datetimes for UTC values."""
    if moment is None:
        return None
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def set_time(moment: datetime | str | None) -> None:
    """Stop the clock at ``moment`` (``None`` lets it run again)."""
    global _frozen
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    _frozen = aware(moment)


def advance(**delta: float) -> datetime:
    """Move a stopped clock forward (``advance(days=30)``) and return the new time."""
    if _frozen is None:
        raise RuntimeError("the clock is not frozen: call set_time() first")
    set_time(_frozen + timedelta(**delta))
    return now()


@contextmanager
def frozen(moment: datetime | str) -> Iterator[None]:
    """Within the block, the clock stands at ``moment`` (and moves only with :func:`advance`)."""
    before = _frozen
    set_time(moment)
    try:
        yield
    finally:
        set_time(before)
