"""Themes of the taxonomy (``data/taxonomy/themes.yaml`` plus the operator's
file), each with a confidence and the evidence spans that triggered it.

The matching rules — phrase syntax, negation, hypotheticals, confidence —
live in :mod:`ecoute.understanding.themes` and docs/themes.md. Runs after
``pseudonymise`` (evidence offsets point into the stored text) and uses the
``language`` component's result to pick the phrases. Employee themes need
the author's role: the ``role`` component's result when it ran before,
else the same decision made here with its cues.
"""

from __future__ import annotations

from ecoute.pipeline.core import Component, Item, component, create_component
from ecoute.understanding.taxonomy import load_taxonomy
from ecoute.understanding.themes import ThemeMatcher


@component("themes", version=1, assigns=("themes",), default_config={"min_confidence": 0.5, "max_evidence": 5})
class Themes(Component):
    def warm_up(self) -> None:
        self.matcher = ThemeMatcher(load_taxonomy())
        self.role = create_component("role")
        self.role.ensure_warm()

    def run(self, items: list[Item]) -> None:
        minimum, max_evidence = self.config["min_confidence"], self.config["max_evidence"]
        for item in items:
            role = item.fields.get("author_role") or self.role.decide(item.text)
            themes = self.matcher.find(item.text, item.fields.get("language"), role, max_evidence=max_evidence)
            item.fields["themes"] = [theme for theme in themes if theme["confidence"] >= minimum]
