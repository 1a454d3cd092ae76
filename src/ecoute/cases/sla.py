"""Service levels: when a case is due, from its priority (``priorities`` in
the cases file), counted from its opening or its reopening."""

from __future__ import annotations

from datetime import datetime, timedelta

from ecoute.cases import clock
from ecoute.cases.config import CasesConfig


def due_at(config: CasesConfig, priority: str, start: datetime) -> datetime:
    """The moment a case of ``priority`` started at ``start`` is due."""
    return clock.aware(start) + timedelta(hours=config.due_hours(priority))


def is_overdue(due: datetime | None, status: str) -> bool:
    from ecoute.cases.states import OPEN

    return due is not None and status in OPEN and clock.aware(due) <= clock.now()
