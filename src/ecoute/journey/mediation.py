"""Mediator readiness: may this customer seize the consumer mediator, and
from when? (Code de la consommation L612-1 to L612-5; ladders per sector in
``data/journey/mediation.yaml``.)

A case is inadmissible without a prior **written** complaint to the company
and more than one year after it. The written complaint is the first letter
or e-mail the customer sent in the journey. From it the sector's
ladder gives the date from which the mediator may be seized: after the
levels of the ladder when the company answered without satisfying the
customer, after ``after_days_without_answer`` when it never answered.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ecoute.errors import BadDataFile

_WRITTEN = {"letter", "email"}  # a claim declared on the app is not a complaint


@dataclass(frozen=True, slots=True)
class Ladder:
    sector: str
    mediator: dict[str, Any]
    levels: list[dict[str, Any]]
    after_days_with_answer: int
    after_days_without_answer: int
    limit_days: int


@lru_cache(maxsize=4)
def load_ladders(home: str | None = None) -> tuple[str, dict[str, Ladder]]:
    """(default sector, every sector's ladder): the built-in file, then the operator's."""
    path = resources.files("ecoute.data").joinpath("journey/mediation.yaml")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    home = home or os.environ.get("ECOUTE_HOME")
    extra = Path(home) / "mediation.yaml" if home else None
    if extra and extra.is_file():
        try:
            more = yaml.safe_load(extra.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise BadDataFile(path=str(extra), detail=str(exc).splitlines()[0]) from exc
        data["sectors"].update(more.get("sectors", {}))
        data["default_sector"] = more.get("default_sector", data["default_sector"])
    ladders = {}
    for sector, spec in data["sectors"].items():
        try:
            ladders[sector] = Ladder(
                sector=sector, mediator=spec.get("mediator") or {}, levels=spec.get("levels") or [],
                after_days_with_answer=int(spec["after_days_with_answer"]),
                after_days_without_answer=int(spec["after_days_without_answer"]), limit_days=int(spec["limit_days"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise BadDataFile(path=f"mediation ladder {sector!r}", detail=f"missing or invalid {exc}") from exc
    if data["default_sector"] not in ladders:
        raise BadDataFile(path="mediation.yaml", detail=f"default_sector {data['default_sector']!r} has no ladder")
    return data["default_sector"], ladders


def readiness(events: list[dict[str, Any]], written: date | None, resolved: bool | None, sector: str | None = None) -> dict[str, Any]:
    """The ``mediation`` block of a journey (see :class:`ecoute.record.Mediation`)."""
    default, ladders = load_ladders()
    ladder = ladders.get(sector or default) or ladders[default]
    complaint_index = next(
        (i for i, e in enumerate(events) if e["channel"] in _WRITTEN and e.get("_by", "customer") == "customer"), None
    )
    out: dict[str, Any] = {
        "sector": ladder.sector, "written_complaint_on": None, "written_complaint": complaint_index is not None,
        "eligible_from": None, "eligible": None, "deadline": None, "reasons": [],
    }
    if any(e["channel"] == "mediator" for e in events):
        out["reasons"].append("the mediator has already been seized")
    if complaint_index is None:
        out["eligible"] = False
        out["reasons"].append("no prior written complaint to the company (L612-2): write to customer service first")
        return out
    complaint = events[complaint_index]
    if not complaint["when"]:
        out["reasons"].append("a written complaint is told but its date is not known")
        return out
    sent = date.fromisoformat(complaint["when"])
    answered = any(e.get("_by") == "company" or e["outcome"] not in (None, "no_answer") for e in events[complaint_index + 1:])
    wait = ladder.after_days_with_answer if answered else ladder.after_days_without_answer
    eligible_from, deadline = sent + timedelta(days=wait), sent + timedelta(days=ladder.limit_days)
    out.update(written_complaint_on=sent.isoformat(), eligible_from=eligible_from.isoformat(), deadline=deadline.isoformat())
    out["reasons"].append(
        f"written complaint on {sent.isoformat()}, "
        + ("answered without settling it" if answered else "no answer told")
        + f": mediator possible from {eligible_from.isoformat()} until {deadline.isoformat()} ({ladder.mediator.get('name', 'mediator')})"
    )
    if resolved is True:
        out["eligible"] = False
        out["reasons"].append("the story says the problem was resolved")
    elif written is not None:
        out["eligible"] = eligible_from <= written <= deadline
    return out
