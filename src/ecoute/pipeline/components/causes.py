"""Root causes and the owner team (issue 4): themes mapped to root-cause
kinds plus the text's own cues, then the routing table. The rules are
``ecoute.judge.causes`` and ``ecoute.judge.routing``; this component only
applies them (docs/root-causes.md). Run it after themes, risk and sentiment:
it reads them when they are there."""

from __future__ import annotations

from ecoute.judge.causes import load_rules, root_causes
from ecoute.judge.routing import load_routing, needs_action, positive_theme_codes, route
from ecoute.pipeline.core import Component, Item, component


@component("causes", version=1, assigns=("root_causes", "owner"), default_config={"min_confidence": 0.3})
class Causes(Component):
    def warm_up(self) -> None:
        self.rules = load_rules()
        self.routing = load_routing()
        self.positive = positive_theme_codes()

    def run(self, items: list[Item]) -> None:
        floor = self.config["min_confidence"]
        for item in items:
            themes = item.fields.get("themes") or []
            causes = root_causes(item.text, item.fields.get("language"), themes, self.rules, floor)
            item.fields["root_causes"] = causes
            acting = needs_action(themes, causes, item.fields.get("risk"), item.fields.get("sentiment"), self.positive, floor)
            item.fields["owner"] = route(self.routing, themes, causes, item.fields.get("author_role")).team if acting else None
