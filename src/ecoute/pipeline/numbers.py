"""Numbers written in words or digits ("quarante et un", "trois", "12",
"forty-five"), for the cue-based components (tenure, journey waits and
delays). Patterns run on folded text (``ecoute.text.fold``)."""

from __future__ import annotations

import re

UNITS = {
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "neuf": 9, "dix": 10,
    "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16, "vingt": 20, "trente": 30,
    "quarante": 40, "cinquante": 50, "soixante": 60,
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "quelques": 3, "plusieurs": 3, "several": 3, "few": 3, "couple": 2,
}  # fmt: skip
_TAIL = r"(?:un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|one|two|three|four|five|six|seven|eight|nine)"
# Longest alternatives first so "quarante" is not read as "quatre"…
_WORDS = "|".join(sorted((w for w in UNITS if len(w) > 2), key=len, reverse=True))
NUMBER = rf"\d{{1,3}}(?:[.,]\d)?|(?:{_WORDS}|une?|an?)(?:[\s\-](?:et[\s\-])?{_TAIL})?"


def parse_number(words: str) -> float | None:
    """The value of a NUMBER match ("quarante et un" → 41, "2,5" → 2.5)."""
    words = words.lower().strip()
    try:
        return float(words.replace(",", "."))
    except ValueError:
        pass
    total = 0
    for part in re.split(r"[\s\-]+", words):
        if part == "et":
            continue
        if part not in UNITS:
            return None
        total += UNITS[part]
    return float(total) or None
