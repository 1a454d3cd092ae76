"""Churn and escalation risk (issue 4): cue phrases with negation and
hypotheticals, plus the journey's mediator events. The rules are
``ecoute.judge.risk``; this component only applies them (docs/risk.md)."""

from __future__ import annotations

from ecoute.judge.risk import judge_risk, load_rules
from ecoute.pipeline.core import Component, Item, component


@component("risk", version=1, assigns=("risk",), default_config={"max_reasons": 5})
class Risk(Component):
    def warm_up(self) -> None:
        self.rules = load_rules()

    def run(self, items: list[Item]) -> None:
        for item in items:
            result = judge_risk(item.text, item.fields.get("language"), item.fields.get("journey"), self.rules, self.config["max_reasons"])
            item.fields["risk"] = result.as_record()
