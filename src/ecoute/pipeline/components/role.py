"""Who wrote the testimony: a customer, an employee, or we cannot tell.

Cues and their weights live in ``data/lexicon/roles.json`` (an operator adds
cues or languages there). An employee is someone writing about their own
job; a customer reporting what a salesperson said stays a customer (the
employee's words are employee *voice*, for the themes stage).
"""

from __future__ import annotations

import json
import re
from importlib import resources

from ecoute.pipeline.core import Component, Item, component
from ecoute.text import fold as _fold


def _compile(cues: dict[str, int]) -> list[tuple[re.Pattern, int]]:
    return [(re.compile(rf"(?<![\w'])(?:{_fold(pattern)})(?![\w])"), weight) for pattern, weight in cues.items()]


@component("role", version=1, assigns=("author_role",), default_config={"employee_min": 2, "customer_min": 1})
class AuthorRole(Component):
    def warm_up(self) -> None:
        data = json.loads(resources.files("ecoute.data").joinpath("lexicon/roles.json").read_text(encoding="utf-8"))
        self.cues = {
            role: {lang: _compile(cues) for lang, cues in by_language.items()}
            for role, by_language in data.items()
            if not role.startswith("_")
        }

    def score(self, folded: str, role: str) -> int:
        """The weight of the distinct cues of ``role`` in the folded text, all languages."""
        return sum(weight for patterns in self.cues[role].values() for pattern, weight in patterns if pattern.search(folded))

    def decide(self, text: str) -> str:
        folded = _fold(text)
        employee, customer = self.score(folded, "employee"), self.score(folded, "customer")
        if employee >= self.config["employee_min"] and employee > customer:
            return "employee"
        if customer >= self.config["customer_min"] and customer >= employee:
            return "customer"
        return "unknown"

    def run(self, items: list[Item]) -> None:
        for item in items:
            item.fields["author_role"] = self.decide(item.text)
