"""Customer effort, 1 (effortless) to 7 (extreme), from the journey.

In the spirit of the Customer Effort Score, but read from the story rather
than asked. The score is 1 plus the sum of the drivers' contributions,
capped at 7. Each contribution grows with its input and never falls:
more contacts, waits, transfers or days never lower the score.

=================  ==========================================  =====
driver             contribution                                 cap
=================  ==========================================  =====
contacts           0.6 per contact after the first              2.4
transfers          0.5 per transfer                             1.5
loops              0.5 per loop (back to the start, repeats)    1.0
waits              0.6 × log2(1 + total minutes / 15)           1.5
channel_switches   0.3 per channel after the first              0.9
dead_ends          0.4 per dead end                             1.2
repeat_yourself    0.5 when the customer had to tell it again   0.5
elapsed_time       0.3 × log2(1 + days / 7)                     1.2
unresolved         1.0 when the story ends unresolved           1.0
=================  ==========================================  =====

A text that tells no contact gets its effort from its words only (basis
``wording``): 2, plus 1.5 for each distinct cue of hardship ("parcours du
combattant", "impossible de joindre", "des heures au téléphone"), minus 0.5
for each cue of ease ("en quelques clics", "rapidement"), within 1..7; with
no such cue at all the effort stays null (nothing to judge it by).
"""

from __future__ import annotations

import math
from typing import Any

from ecoute.journey.cues import Lexicon
from ecoute.journey.extract import negated

_EXPLAIN = {
    "fr": {
        "contacts": "{n} contacts ont été nécessaires",
        "transfers": "{n} transfert(s) vers un autre service ou interlocuteur",
        "loops": "{n} retour(s) au point de départ",
        "waits": "{n} minutes d'attente au total",
        "channel_switches": "{n} canaux différents utilisés",
        "dead_ends": "impasses : {n}",
        "repeat_yourself": "le client a dû tout réexpliquer",
        "elapsed_time": "{n} jours entre le premier et le dernier contact",
        "unresolved": "le problème n'est pas résolu à la fin du récit",
        "wording_high": "le texte décrit un parcours pénible : « {n} »",
        "wording_low": "le texte décrit un parcours facile : « {n} »",
    },
    "en": {
        "contacts": "{n} contacts were needed",
        "transfers": "{n} transfer(s) to another department or person",
        "loops": "{n} loop(s) back to the start",
        "waits": "{n} minutes of waiting in all",
        "channel_switches": "{n} different channels used",
        "dead_ends": "dead ends: {n}",
        "repeat_yourself": "the customer had to explain it all again",
        "elapsed_time": "{n} days between the first and the last contact",
        "unresolved": "the problem is not resolved at the end of the story",
        "wording_high": "the text describes a hard time: “{n}”",
        "wording_low": "the text describes an easy time: “{n}”",
    },
}


def _driver(code: str, contribution: float, n: Any, lang: str) -> dict[str, Any]:
    words = _EXPLAIN["en" if lang == "en" else "fr"][code]
    if isinstance(n, float):
        n = f"{n:g}"
    return {"driver": code, "contribution": round(contribution, 2), "explanation": words.format(n=n)}


def effort(journey: dict[str, Any], norm: str, lex: Lexicon, lang: str) -> dict[str, Any] | None:
    """The ``effort`` block: score, basis and drivers (largest first)."""
    events = journey.get("events") or []
    found = journey.get("_found")
    repeat = bool(found and found.repeat)
    if not events:
        return _from_wording(norm, lex, lang, repeat)
    drivers: list[dict[str, Any]] = []

    def add(code: str, value: float, cap: float, n: Any) -> None:
        value = min(cap, value)
        if value > 0:
            drivers.append(_driver(code, value, n, lang))

    contacts = journey["contacts"] or 0
    add("contacts", 0.6 * (contacts - 1), 2.4, contacts)
    add("transfers", 0.5 * (journey["transfers"] or 0), 1.5, journey["transfers"])
    add("loops", 0.5 * (journey["loops"] or 0), 1.0, journey["loops"])
    wait = journey.get("total_wait_minutes") or 0
    add("waits", 0.6 * math.log2(1 + wait / 15), 1.5, wait)
    add("channel_switches", 0.3 * (len(journey["channels"]) - 1), 0.9, len(journey["channels"]))
    add("dead_ends", 0.4 * len(journey["dead_ends"]), 1.2, ", ".join(journey["dead_ends"]))
    if repeat:
        add("repeat_yourself", 0.5, 0.5, None)
    days = journey.get("elapsed_days") or 0
    add("elapsed_time", 0.3 * math.log2(1 + days / 7), 1.2, days)
    if journey.get("resolved") is False:
        add("unresolved", 1.0, 1.0, None)
    drivers.sort(key=lambda d: -d["contribution"])
    score = min(7.0, 1.0 + sum(d["contribution"] for d in drivers))
    return {"score": round(score, 1), "basis": "journey", "drivers": drivers}


def _from_wording(norm: str, lex: Lexicon, lang: str, repeat: bool) -> dict[str, Any] | None:
    high = sorted({m.group(0) for p in lex.wording_high for m in p.finditer(norm) if not negated(norm, m.start())})
    low = sorted({m.group(0) for p in lex.wording_low for m in p.finditer(norm) if not negated(norm, m.start())})
    if not (high or low or repeat):
        return None  # nothing in the words to judge effort by
    drivers = [_driver("wording_high", 1.5, phrase, lang) for phrase in high]
    drivers += [_driver("wording_low", -0.5, phrase, lang) for phrase in low]
    if repeat:
        drivers.append(_driver("repeat_yourself", 0.5, None, lang))
    score = max(1.0, min(7.0, 2.0 + sum(d["contribution"] for d in drivers)))
    return {"score": round(score, 1), "basis": "wording", "drivers": drivers}
