"""The customer's contact journey, mediator readiness and effort.

See ``ecoute.journey`` for how the journey is read, ``docs/journey.md`` for
the fields and the effort formula. Runs after ``date`` (relative dates are
resolved against the testimony's date) and on French and English texts.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ecoute.journey.clauses import load_model
from ecoute.journey.cues import load_lexicons
from ecoute.journey.effort import effort
from ecoute.journey.extract import finish, read, score_clauses
from ecoute.journey.mediation import load_ladders, readiness
from ecoute.pipeline.core import Component, Item, component

_EMPTY_JOURNEY: dict[str, Any] = {
    "events": [], "contacts": None, "channels": [], "transfers": None, "loops": None, "dead_ends": [],
    "total_wait_minutes": None, "elapsed_days": None, "resolved": None, "mediation": None,
}  # fmt: skip


@component("journey", version=1, assigns=("journey", "effort"), default_config={"sector": None, "learned": True})
class JourneyComponent(Component):
    def warm_up(self) -> None:
        self.lexicons = load_lexicons()
        self.clause_model = load_model() if self.config["learned"] else None
        load_ladders()

    def run(self, items: list[Item]) -> None:
        readings = [
            read(item.text, item.fields.get("language"), self.lexicons) if item.fields.get("language") in self.lexicons else None
            for item in items
        ]
        # One call of the clause model for the whole batch: its cost is per call, not per clause.
        all_scores = score_clauses(readings, self.clause_model)
        for item, reading, scores in zip(items, readings, all_scores):
            if reading is None:
                item.fields["journey"], item.fields["effort"] = dict(_EMPTY_JOURNEY), None
                continue
            written = date.fromisoformat(item.fields["date"]) if item.fields.get("date") else None
            sentiment = item.fields.get("sentiment")
            tone = sentiment["score"] if isinstance(sentiment, dict) else getattr(sentiment, "score", None)
            bounded = item.fields.get("date_source") == "metadata"
            journey = finish(reading, scores, written, tone, bounded)
            lang = reading.lang
            item.fields["effort"] = effort(journey, journey.pop("_norm"), self.lexicons[lang], lang)
            journey.pop("_found")
            if journey["events"]:
                sector = item.source.metadata.get("sector") or self.config["sector"]
                journey["mediation"] = readiness(journey["events"], written, journey["resolved"], sector)
            else:
                journey["mediation"] = None
            for event in journey["events"]:
                event.pop("_by", None)
            item.fields["journey"] = journey
