"""The escalation ladder of a case, from the sector's mediation ladder
(``data/journey/mediation.yaml``, read by :mod:`ecoute.journey.mediation`).

Default (telecom, Médiateur des communications électroniques): level 1 is
customer service; level 2, consumer service, when level 1 has not resolved
the complaint within 30 days of the *written* complaint; the mediator after
30 more days — or directly 60 days after the written complaint when the
company never answered. Mediation stays possible until one year after the
written complaint (Code de la consommation L612-2).

Each level's date counts from the written complaint (``complaint_on``): a
level is reached ``after_days`` after the previous one; a level other than
the first with 0 days is reached by hand only; the mediator level is reached
on the day the customer may seize the mediator (:func:`mediator_from`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Callable, TypeVar

import yaml

from ecoute.journey.mediation import Ladder, load_ladders

MEDIATOR = "mediator"
T = TypeVar("T")


def ladder_for(sector: str | None) -> Ladder:
    """The ladder of ``sector`` (the default sector's when unknown or None)."""
    default, ladders = load_ladders()
    return ladders.get(sector or default) or ladders[default]


def mediator_from(ladder: Ladder, complaint_on: date, answered_on: date | None) -> date:
    """The first day the customer may seize the mediator: ``after_days_without_answer``
    after the written complaint when no answer came within that time, else
    ``after_days_with_answer`` after it, and not before the answer."""
    without = complaint_on + timedelta(days=ladder.after_days_without_answer)
    if answered_on is None or answered_on > without:
        return without
    return max(complaint_on + timedelta(days=ladder.after_days_with_answer), answered_on)


def mediation_until(ladder: Ladder, complaint_on: date) -> date:
    """The last day the mediator may be seized (one year after the written complaint)."""
    return complaint_on + timedelta(days=ladder.limit_days)


def level_dates(ladder: Ladder, complaint_on: date, answered_on: date | None) -> list[date | None]:
    """The day each level is reached (index 0 is level 1); None: by hand only."""
    return level_days(ladder, complaint_on, lambda days: complaint_on + timedelta(days=days), lambda: mediator_from(ladder, complaint_on, answered_on))


def level_days(ladder: Ladder, first: T, after: Callable[[int], T], mediator: Callable[[], T]) -> list[T | None]:
    """The rule of :func:`level_dates` over any representation of a day
    (dates here, SQL expressions in :mod:`ecoute.cases.plan`): ``first`` for
    level 1, ``mediator()`` for the mediator's level, ``after(days)`` for a
    level reached that many days after the complaint, None when by hand only."""
    dates: list[T | None] = []
    days = 0
    for index, level in enumerate(ladder.levels):
        days += int(level.get("after_days") or 0)
        if index == 0:
            dates.append(first)
        elif level.get("name") == MEDIATOR:
            dates.append(mediator())
        else:
            dates.append(after(days) if level.get("after_days") else None)
    return dates


def level_on(ladder: Ladder, day: date, complaint_on: date, answered_on: date | None, current: int = 1) -> int:
    """The level a case stands at on ``day``: the highest reached, never below ``current``."""
    reached = [index + 1 for index, when in enumerate(level_dates(ladder, complaint_on, answered_on)) if when is not None and when <= day]
    return max([current, *reached])


def next_escalation(ladder: Ladder, level: int, complaint_on: date, answered_on: date | None) -> date | None:
    """The day the case climbs above ``level`` by itself, or None when it never will."""
    upcoming = [when for index, when in enumerate(level_dates(ladder, complaint_on, answered_on)) if index + 1 > level and when is not None]
    return min(upcoming) if upcoming else None


def level_name(ladder: Ladder, level: int) -> str:
    levels = ladder.levels
    return str(levels[min(max(level, 1), len(levels)) - 1].get("name", f"level_{level}")) if levels else f"level_{level}"


def top_level(ladder: Ladder) -> int:
    return max(1, len(ladder.levels))


@lru_cache(maxsize=4)
def _labels(home: str | None) -> dict[str, dict[str, str]]:
    text = resources.files("ecoute.data").joinpath("journey/mediation.yaml").read_text(encoding="utf-8")
    labels = dict(yaml.safe_load(text).get("level_labels") or {})
    extra = Path(home) / "mediation.yaml" if home else None
    if extra and extra.is_file():
        labels.update((yaml.safe_load(extra.read_text(encoding="utf-8")) or {}).get("level_labels") or {})
    return labels


def level_label(name: str, lang: str) -> str:
    labels = _labels(os.environ.get("ECOUTE_HOME")).get(name) or {}
    return labels.get(lang) or labels.get("fr") or name.replace("_", " ")


@dataclass(frozen=True, slots=True)
class Step:
    level: int
    name: str
    label: str
    on: date | None  # when it is (or was) reached; None: by hand only
    reached: bool


def steps(ladder: Ladder, level: int, complaint_on: date, answered_on: date | None, lang: str) -> list[Step]:
    """The ladder of one case, level by level, for its page."""
    dates = level_dates(ladder, complaint_on, answered_on)
    return [
        Step(index + 1, level_name(ladder, index + 1), level_label(level_name(ladder, index + 1), lang), when, index + 1 <= level)
        for index, when in enumerate(dates)
    ]


def mediator_contact(ladder: Ladder) -> dict[str, Any]:
    """The sector's mediator: name, url and whatever contact the operator added."""
    return {key: value for key, value in (ladder.mediator or {}).items() if value}
