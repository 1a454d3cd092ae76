"""Customer effort, 1 (effortless) to 7 (extreme), from the journey.

In the spirit of the Customer Effort Score, but read from the story rather
than asked. Each driver turns what the journey shows into an input, clipped
to a cap (``x = min(input, cap)``); the score is 1 plus the sum of
``weight × x`` over the drivers, within 1..7. Every weight is positive and
every input grows with what it counts, so more contacts, waits, transfers or
days never lower the score.

=================  ================================================  ===
driver             input                                             cap
=================  ================================================  ===
first_contact      1: the story needed at least one contact          1
contacts           contacts after the first                          6
transfers          transfers                                         3
loops              loops (back to the start, repeats)                2
waits              log2(1 + total minutes / 15)                      2.5
channel_switches   channels after the first                          3
dead_ends          dead ends                                         3
repeat_yourself    1 when the customer had to tell it again          1
elapsed_time       log2(1 + days / 7), days = the dated span or the  4
                   longest stretch the text states ("depuis 8 mois",
                   "15 jours que", "for two years"), whichever is longer
repeated_contacts  contacts told as a vague plural ("une multitude   2
                   d'appels", "malgré les relances", "repeatedly")
hardship           distinct cues of a hard time ("des heures au      2
                   téléphone", "impossible de joindre")
unresolved         1 when the story ends unresolved                  1
=================  ================================================  ===

The weights live in ``data/journey/effort_weights.yaml``; they were fitted
by ``eval/journey/calibrate_effort.py`` (bounded least squares, every weight
at least 0.1, ``first_contact`` free in 0..3) on the hand-annotated effort of the gold set's ``train`` and
``dev`` splits, never on ``holdout``.

A text that tells no contact gets its effort from its words only (basis
``wording``): 2, plus 1.5 for each distinct cue of hardship ("parcours du
combattant", "impossible de joindre", "des heures au téléphone"), minus 0.5
for each cue of ease ("en quelques clics", "rapidement"), within 1..7; with
no such cue at all the effort stays null (nothing to judge it by).
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from ecoute.errors import BadDataFile
from ecoute.journey.cues import Lexicon
from ecoute.journey.extract import negated

# driver -> cap of its input (see the table above); the weights are data.
CAPS = {
    "first_contact": 1.0, "contacts": 6.0, "transfers": 3.0, "loops": 2.0, "waits": 2.5, "channel_switches": 3.0, "dead_ends": 3.0,
    "repeat_yourself": 1.0, "elapsed_time": 4.0, "repeated_contacts": 2.0, "hardship": 2.0, "unresolved": 1.0,
}  # fmt: skip
WEIGHTS_FILE = "journey/effort_weights.yaml"
_UNIT_DAYS = {"jour": 1, "jours": 1, "semaine": 7, "semaines": 7, "mois": 30, "an": 365, "ans": 365, "annee": 365,
              "annees": 365, "day": 1, "days": 1, "week": 7, "weeks": 7, "month": 30, "months": 30, "year": 365,
              "years": 365}  # fmt: skip
_AMOUNT = {"un": 1, "une": 1, "a": 1, "an": 1, "one": 1, "deux": 2, "two": 2, "trois": 3, "three": 3, "quatre": 4,
           "four": 4, "cinq": 5, "five": 5, "six": 6, "sept": 7, "seven": 7, "huit": 8, "eight": 8, "neuf": 9,
           "nine": 9, "dix": 10, "ten": 10, "quinze": 15, "quelques": 3, "plusieurs": 3, "several": 3, "few": 3}  # fmt: skip
_SPAN = re.compile(r"\b(?P<n>\d{1,3}|" + "|".join(_AMOUNT) + r") (?P<unit>" + "|".join(_UNIT_DAYS) + r")\b")
# "client depuis 10 ans", "customer for 20 years": how long one has been a customer is no part of the story.
_TENURE = re.compile(r"\b(?:client|cliente|clients|societaire|assure|assuree|adherent|adherente|abonne|abonnee|customer|member|chez|with them|with (?:the|this) (?:bank|company)|age|ans,|il y a|ago)\b[^.!?]{0,25}$")
_VAGUE_PLURAL = re.compile(
    r"\b(?:(?:plusieurs|multitude d'|nombreux|nombreuses|multiples|several|multiple|many|numerous|countless|endless)"
    r" (?:[a-z']+ ){0,2}(?:appels|mails|e-mails|courriers|lettres|relances|messages|visites|reprises|fois|calls|emails|"
    r"letters|attempts|messages|visits|times|requests)|les relances|repeatedly|continuously|a maintes reprises|"
    r"(?:\d+|quinze|trois|deux) (?:jours|semaines|mois) que)\b"
)

_EXPLAIN = {
    "fr": {
        "first_contact": "au moins un contact a été nécessaire",
        "contacts": "{n} contacts ont été nécessaires",
        "transfers": "{n} transfert(s) vers un autre service ou interlocuteur",
        "loops": "{n} retour(s) au point de départ",
        "waits": "{n} minutes d'attente au total",
        "channel_switches": "{n} canaux différents utilisés",
        "dead_ends": "impasses : {n}",
        "repeat_yourself": "le client a dû tout réexpliquer",
        "elapsed_time": "{n} jours entre le premier et le dernier contact",
        "unresolved": "le problème n'est pas résolu à la fin du récit",
        "repeated_contacts": "des contacts répétés sans compte précis ({n})",
        "hardship": "le récit décrit un parcours pénible : « {n} »",
        "wording_high": "le texte décrit un parcours pénible : « {n} »",
        "wording_low": "le texte décrit un parcours facile : « {n} »",
    },
    "en": {
        "first_contact": "at least one contact was needed",
        "contacts": "{n} contacts were needed",
        "transfers": "{n} transfer(s) to another department or person",
        "loops": "{n} loop(s) back to the start",
        "waits": "{n} minutes of waiting in all",
        "channel_switches": "{n} different channels used",
        "dead_ends": "dead ends: {n}",
        "repeat_yourself": "the customer had to explain it all again",
        "elapsed_time": "{n} days between the first and the last contact",
        "unresolved": "the problem is not resolved at the end of the story",
        "repeated_contacts": "repeated contacts, not counted ({n})",
        "hardship": "the story describes a hard time: “{n}”",
        "wording_high": "the text describes a hard time: “{n}”",
        "wording_low": "the text describes an easy time: “{n}”",
    },
}


def _driver(code: str, contribution: float, n: Any, lang: str) -> dict[str, Any]:
    words = _EXPLAIN["en" if lang == "en" else "fr"][code]
    if isinstance(n, float):
        n = f"{n:g}"
    return {"driver": code, "contribution": round(contribution, 2), "explanation": words.format(n=n)}


@lru_cache(maxsize=1)
def load_weights() -> dict[str, float]:
    """The fitted weight of each driver (``data/journey/effort_weights.yaml``)."""
    label = "ecoute/data/" + WEIGHTS_FILE
    data = yaml.safe_load(resources.files("ecoute.data").joinpath(WEIGHTS_FILE).read_text(encoding="utf-8"))
    weights = (data or {}).get("weights") if isinstance(data, dict) else None
    if not isinstance(weights, dict) or set(weights) != set(CAPS):
        raise BadDataFile(path=label, detail=f"'weights' must give one number per driver: {', '.join(CAPS)}")
    for name, value in weights.items():
        if not isinstance(value, (int, float)) or value < 0:
            raise BadDataFile(path=label, detail=f"weight of {name!r} must be a number ≥ 0 (more effort never lowers the score)")
    return {name: float(value) for name, value in weights.items()}


def stated_days(norm: str) -> float:
    """The longest stretch of time the text states for the story ("depuis 8 mois")."""
    longest = 0.0
    for m in _SPAN.finditer(norm):
        if _TENURE.search(norm[max(0, m.start() - 40):m.start()]):
            continue
        n = m.group("n")
        amount = int(n) if n.isdigit() else _AMOUNT[n]
        longest = max(longest, float(amount * _UNIT_DAYS[m.group("unit")]))
    return longest


def inputs(journey: dict[str, Any], norm: str, lex: Lexicon) -> dict[str, tuple[float, Any]]:
    """Each driver's input (before its cap) and what to say about it."""
    found = journey.get("_found")
    contacts = journey["contacts"] or 0
    wait = journey.get("total_wait_minutes") or 0
    days = max(journey.get("elapsed_days") or 0, stated_days(norm))
    hard = _cues(lex.wording_high, norm)
    vague = len(_VAGUE_PLURAL.findall(norm))
    return {
        "first_contact": (1.0, None),
        "contacts": (contacts - 1, contacts),
        "transfers": (journey["transfers"] or 0, journey["transfers"]),
        "loops": (journey["loops"] or 0, journey["loops"]),
        "waits": (math.log2(1 + wait / 15), wait),
        "channel_switches": (len(journey["channels"]) - 1, len(journey["channels"])),
        "dead_ends": (len(journey["dead_ends"]), ", ".join(journey["dead_ends"])),
        "repeat_yourself": (1.0 if found and found.repeat else 0.0, None),
        "elapsed_time": (math.log2(1 + days / 7), round(days)),
        "repeated_contacts": (vague, vague),
        "hardship": (len(hard), " », « ".join(hard)),
        "unresolved": (1.0 if journey.get("resolved") is False else 0.0, None),
    }


def effort(journey: dict[str, Any], norm: str, lex: Lexicon, lang: str) -> dict[str, Any] | None:
    """The ``effort`` block: score, basis and drivers (largest first)."""
    events = journey.get("events") or []
    found = journey.get("_found")
    if not events:
        return _from_wording(norm, lex, lang, bool(found and found.repeat))
    weights = load_weights()
    drivers = []
    for code, (value, n) in inputs(journey, norm, lex).items():
        contribution = weights[code] * min(CAPS[code], max(0.0, value))
        if contribution > 0:
            drivers.append(_driver(code, contribution, n, lang))
    drivers.sort(key=lambda d: -d["contribution"])
    score = min(7.0, 1.0 + sum(d["contribution"] for d in drivers))
    return {"score": round(score, 1), "basis": "journey", "drivers": drivers}


def _cues(patterns: list[re.Pattern], norm: str) -> list[str]:
    return sorted({m.group(0) for p in patterns for m in p.finditer(norm) if not negated(norm, m.start())})


def _from_wording(norm: str, lex: Lexicon, lang: str, repeat: bool) -> dict[str, Any] | None:
    high, low = _cues(lex.wording_high, norm), _cues(lex.wording_low, norm)
    if not (high or low or repeat):
        return None  # nothing in the words to judge effort by
    drivers = [_driver("wording_high", 1.5, phrase, lang) for phrase in high]
    drivers += [_driver("wording_low", -0.5, phrase, lang) for phrase in low]
    if repeat:
        drivers.append(_driver("repeat_yourself", 0.5, None, lang))
    score = max(1.0, min(7.0, 2.0 + sum(d["contribution"] for d in drivers)))
    return {"score": round(score, 1), "basis": "wording", "drivers": drivers}
