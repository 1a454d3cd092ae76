"""The testimony's date: from its metadata first, else from its text."""

from __future__ import annotations

from datetime import date

from ecoute.pipeline.core import Component, Item, component
from ecoute.pipeline.dates import date_from_text, parse_date_value


@component("date", version=1, assigns=("date", "date_source"), default_config={"today": None})
class TestimonyDate(Component):
    def run(self, items: list[Item]) -> None:
        today = self.config["today"] or date.today()
        if isinstance(today, str):
            today = date.fromisoformat(today)
        for item in items:
            value, source = parse_date_value(item.date_hint), "metadata"
            if value is None:
                found = date_from_text(item.text, today)
                value, source = (found.value, "text") if found else (None, None)
            item.fields["date"] = value.isoformat() if value else None
            item.fields["date_source"] = source
