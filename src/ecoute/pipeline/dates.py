"""Dates in testimonies: metadata values and full dates written in the text.

Running French text fools general date finders ("Ma", "je", "mars et je"
read as dates), so candidates are found with our own patterns first and only
those are parsed. Relative dates ("trois semaines plus tard") belong to the
journey stage, which builds on this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import parsedate_to_datetime

MONTHS = {
    # French
    "janvier": 1, "janv": 1, "février": 2, "fevrier": 2, "févr": 2, "fevr": 2, "fév": 2, "fev": 2,
    "mars": 3, "avril": 4, "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7,
    "août": 8, "aout": 8, "septembre": 9, "sept": 9, "octobre": 10, "oct": 10,
    "novembre": 11, "nov": 11, "décembre": 12, "decembre": 12, "déc": 12, "dec": 12,
    # English
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "october": 10, "november": 11, "december": 12,
}
_MONTH = "|".join(sorted(map(re.escape, MONTHS), key=len, reverse=True))
_DAY = r"(?P<day>[0-3]?\d)(?:er|st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"

_PATTERNS = [
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b"),
    re.compile(rf"\b{_DAY}[/.\-](?P<month>[01]?\d)[/.\-](?P<year>(?:19|20)\d\d|\d\d)\b"),
    re.compile(rf"\b{_DAY}\s+(?P<mname>{_MONTH})\.?,?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b(?P<mname>{_MONTH})\.?\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE),
]
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True, slots=True)
class FoundDate:
    value: date
    start: int
    end: int
    text: str


def _build(day: int, month: int, year: int) -> date | None:
    if year < 100:
        year += 2000 if year < 70 else 1900
    try:
        return date(year, month, day)
    except ValueError:
        return None


def find_full_dates(text: str) -> list[FoundDate]:
    """Every date with day, month and year written in ``text``, in order.

    Numeric dates are read day first (French usage); when that is impossible
    (``12/25/2024``) month first.
    """
    if _DIGIT.search(text) is None:  # every pattern needs digits; most short texts have none
        return []
    found: dict[int, FoundDate] = {}
    for pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(f.start <= m.start() < f.end for f in found.values()):
                continue
            groups = m.groupdict()
            day, year = int(groups["day"]), int(groups["year"])
            if groups.get("mname"):
                month = MONTHS[groups["mname"].lower().rstrip(".")]
                value = _build(day, month, year)
            else:
                month = int(groups["month"])
                value = _build(day, month, year) or _build(month, day, year)
            if value is not None:
                found[m.start()] = FoundDate(value, m.start(), m.end(), m.group(0))
    return [found[k] for k in sorted(found)]


def parse_date_value(raw: object) -> date | None:
    """A metadata value (ISO string, e-mail header, "05/03/2024", "5 mars 2024",
    a date or datetime) as a date; ``None`` when it is not one."""
    if raw is None:
        return None
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    value = str(raw).strip()
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError):
        pass
    found = find_full_dates(value)
    if found:
        return found[0].value
    import dateparser

    parsed = dateparser.parse(value, languages=["fr", "en"], settings={"PREFER_DATES_FROM": "past", "DATE_ORDER": "DMY"})
    return parsed.date() if parsed else None


def date_from_text(text: str, today: date) -> FoundDate | None:
    """The date a testimony was written, as far as its text tells.

    A full date on the first line ("Lyon, le 12 mars 2025") is the date of
    writing; otherwise the latest full date that is not in the future, since
    a story is written after what it tells.
    """
    found = [f for f in find_full_dates(text) if f.value <= today]
    if not found:
        return None
    first_line_end = text.find("\n")
    if 0 < first_line_end <= 120:
        heading = [f for f in found if f.end <= first_line_end]
        if heading:
            return heading[0]
    return max(found, key=lambda f: (f.value, f.start))
