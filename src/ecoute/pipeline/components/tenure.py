"""How long the author has been a customer: "client depuis 40 ans",
"fidèle depuis 1998", "40 ans de fidélité", "a customer for 12 years".

A year ("depuis 1998") is resolved against the testimony's date (the ``date``
component runs first), else against today. Staff tenure ("je travaille ici
depuis 10 ans") is not customer tenure and is left alone.
"""

from __future__ import annotations

import re
from datetime import date

from ecoute.pipeline.core import Component, Item, component
from ecoute.pipeline.numbers import NUMBER, parse_number

_NUMBER = NUMBER
_ROLE_FR = r"client(?:e)?|fid[eè]le|adh[ée]rent(?:e)?|assur[ée](?:e)?|soci[ée]taire|abonn[ée](?:e)?|membre|cotisant(?:e)?"
_ROLE_EN = r"customer|client|member|subscriber|policyholder"
_PATTERNS = [
    # "client depuis 40 ans", "assurée chez eux depuis plus de 20 ans"
    (re.compile(rf"\b(?:{_ROLE_FR})\b[^.!?\n]{{0,40}}?\bdepuis\s+(?:plus\s+de\s+|près\s+de\s+|presque\s+)?({_NUMBER})\s+ans\b", re.I), "years"),
    # "fidèle depuis 1998", "client depuis 2004"
    (re.compile(rf"\b(?:{_ROLE_FR})\b[^.!?\n]{{0,40}}?\bdepuis\s+(?:l'an(?:née)?\s+)?((?:19|20)\d\d)\b", re.I), "year"),
    # "40 ans de fidélité", "25 ans de contrat chez vous"
    (re.compile(rf"\b({_NUMBER})\s+ans\s+(?:de\s+fid[ée]lit[ée]|d['’]anciennet[ée]\s+(?:chez|comme\s+client)|de\s+contrat|en\s+tant\s+que\s+client)", re.I), "years"),
    # "a customer for 12 years", "a loyal customer of 20 years", "member for over ten years"
    (re.compile(rf"\b(?:{_ROLE_EN})s?\b[^.!?\n]{{0,30}}?\b(?:for|of)\s+(?:over\s+|more\s+than\s+|almost\s+|nearly\s+)?({_NUMBER})\s+years\b", re.I), "years"),
    # "a 12-year customer"
    (re.compile(rf"\b({_NUMBER})[\s\-]years?[\s\-](?:loyal\s+)?(?:{_ROLE_EN})\b", re.I), "years"),
    # "a customer since 2004"
    (re.compile(rf"\b(?:{_ROLE_EN})s?\b[^.!?\n]{{0,30}}?\bsince\s+((?:19|20)\d\d)\b", re.I), "year"),
]


def tenure_years(text: str, written: date) -> float | None:
    """The longest customer tenure the text states, in years."""
    found: list[float] = []
    for pattern, kind in _PATTERNS:
        for match in pattern.finditer(text):
            if kind == "year":
                years = written.year - int(match.group(1))
            else:
                years = parse_number(match.group(1))
            if years is not None and 0 < years <= 90:
                found.append(float(years))
    return max(found) if found else None


@component("tenure", version=1, assigns=("tenure_years",))
class Tenure(Component):
    def run(self, items: list[Item]) -> None:
        for item in items:
            written = date.fromisoformat(item.fields["date"]) if item.fields.get("date") else date.today()
            item.fields["tenure_years"] = tenure_years(item.text, written)
