"""Dates and durations in a narrative, absolute and relative.

General date finders misread running French ("Ma", "je" as weekdays,
"trois semaines plus tard" not understood: see NOTES.md), so candidates are
found with our own patterns on the folded text and resolved here:

- absolute: "le 3 décembre 2024", "03/12", "le 23 septembre", "en juin
  dernier", "début septembre";
- relative to the previous point of the story: "le lendemain", "deux jours
  plus tard", "trois semaines après", "15 jours plus tard", "une semaine
  passe";
- relative to the testimony's date: "il y a 2 mois", "hier", "la semaine
  dernière".

A date without a year takes the year that keeps the story running forward
(not before the previous point) without ending after the testimony's date.
Durations in minutes or hours ("au bout d'une heure", "après 30 minutes
d'attente", "un quart d'heure plus tard", "after 45 minutes on hold") are
waits, not dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from ecoute.pipeline.dates import MONTHS, find_full_dates
from ecoute.pipeline.numbers import NUMBER, parse_number

_MONTH = "|".join(sorted((re.escape(m) for m in MONTHS if "é" not in m and "û" not in m), key=len, reverse=True))
# Alone ("en mars"), only full names: "sept" is also seven, "may" a verb.
_MONTH_FULL = "|".join(sorted({m for m in MONTHS if len(m) > 4 and "é" not in m and "û" not in m} | {"mars", "mai", "juin", "aout", "june", "july"}, key=len, reverse=True))
_N = rf"(?P<n>{NUMBER})"
_DAYS_PER = {"jour": 1, "jours": 1, "journee": 1, "semaine": 7, "semaines": 7, "mois": 30, "an": 365, "ans": 365,
             "annee": 365, "annees": 365, "day": 1, "days": 1, "week": 7, "weeks": 7, "month": 30, "months": 30,
             "year": 365, "years": 365, "business day": 1, "business days": 1}  # fmt: skip
_DAY_UNIT = r"(?P<unit>jours?|journee|semaines?|mois|ans?|annees?|business days?|days?|weeks?|months?|years?)"
_MIN_UNIT = r"(?P<unit>heures?|h|minutes?|mins?|mn|hours?|hrs?)"
_WEEKDAYS = "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|monday|tuesday|wednesday|thursday|friday|saturday|sunday"

# (pattern, kind); kinds: day_month, numeric, month, forward, backward, redacted (plus "full" dates from ecoute.pipeline.dates)
_DATE_PATTERNS: dict[str, list[tuple[re.Pattern, str]]] = {
    "fr": [
        (re.compile(rf"\b(?:(?:{_WEEKDAYS}) )?(?P<day>[0-3]?\d|1er|premier)(?:er)? (?P<month>{_MONTH})\b(?! (?:19|20)\d\d)"), "day_month"),
        (re.compile(r"(?<![\d/.])(?P<day>[0-3]?\d)/(?P<month>[01]?\d)(?![\d/])(?! d'heure)"), "numeric"),
        (re.compile(rf"\b(?P<pos>debut|fin|mi-?|courant|en|au mois de|a la mi-?|des|depuis) ?(?P<month>{_MONTH_FULL})(?: (?P<year>(?:19|20)\d\d)| (?P<last>dernier))?\b"), "month"),
        (re.compile(rf"\b{_N} {_DAY_UNIT} (?:plus tard|apres|apres cela|ensuite|passent|passe|se sont ecoules|s'ecoulent)\b"), "forward"),
        (re.compile(rf"\bau bout (?:de |d'){_N} {_DAY_UNIT}\b"), "forward"),
        (re.compile(r"\b(?:une|la) (?P<next>semaine|mois) (?:suivante?|d'apres|passe|plus tard|apres)\b"), "forward"),
        (re.compile(r"\b(?P<word>le lendemain|le surlendemain|le jour meme|le soir meme|le meme jour|dans la foulee|aussitot|ce jour-la|le matin meme)\b"), "forward"),
        (re.compile(rf"\b(?:il y a|cela fait|ca fait|voila) (?:plus de |pres de |environ |presque )?{_N} {_DAY_UNIT}\b"), "backward"),
        (re.compile(r"\b(?P<word>avant-hier|hier|aujourd'hui|ce matin|cet apres-midi|ce soir|la semaine derniere|la semaine passee|le mois dernier|le mois passe|l'an dernier|l'annee derniere|cette semaine)\b"), "backward"),
        (re.compile(rf"\b(?P<weekday>{_WEEKDAYS}) dernier\b"), "backward"),
    ],
    "en": [
        (re.compile(rf"\b(?P<month>{_MONTH})\.? (?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b(?!,? (?:19|20)\d\d)(?! (?:days|weeks|months|minutes|hours))"), "day_month"),
        (re.compile(rf"\b(?:the )?(?P<day>[0-3]?\d)(?:st|nd|rd|th)? (?:of )?(?P<month>{_MONTH})\b(?!,? (?:19|20)\d\d)"), "day_month"),
        (re.compile(r"(?<![\d/.])(?P<month>[01]?\d)/(?P<day>[0-3]?\d)(?![\d/])"), "numeric"),
        (re.compile(rf"\b(?P<pos>in|early|late|mid-?|since|beginning of|end of) (?P<month>{_MONTH_FULL})(?: (?P<year>(?:19|20)\d\d)| (?P<last>last year))?\b"), "month"),
        (re.compile(rf"\b{_N} {_DAY_UNIT} (?:later|after(?:wards)?|went by|passed)\b"), "forward"),
        (re.compile(rf"\bafter {_N} {_DAY_UNIT}\b"), "forward"),
        (re.compile(r"\b(?:(?:a|the) (?P<next>week|month) later|the following (?P<next2>week|month))\b"), "forward"),
        (re.compile(r"\b(?P<word>the next day|the following day|the same day|that same day|the day after|later that day|that evening|that afternoon)\b"), "forward"),
        (re.compile(rf"\b{_N} {_DAY_UNIT} ago\b"), "backward"),
        (re.compile(r"\b(?P<word>the day before yesterday|yesterday|today|this morning|this afternoon|last week|last month|last year|this week)\b"), "backward"),
        (re.compile(rf"\blast (?P<weekday>{_WEEKDAYS})\b"), "backward"),
        (re.compile(r"\bxx/xx/(?:xxxx|(?:19|20)\d\d)\b|\bxx/xx\b"), "redacted"),
    ],
}
_WORD_DAYS = {
    "le lendemain": 1, "le surlendemain": 2, "le jour meme": 0, "le soir meme": 0, "le meme jour": 0, "dans la foulee": 0,
    "aussitot": 0, "ce jour-la": 0, "le matin meme": 0, "the next day": 1, "the following day": 1, "the same day": 0,
    "that same day": 0, "the day after": 1, "later that day": 0, "that evening": 0, "that afternoon": 0,
    "avant-hier": 2, "hier": 1, "aujourd'hui": 0, "ce matin": 0, "cet apres-midi": 0, "ce soir": 0, "la semaine derniere": 7,
    "la semaine passee": 7, "le mois dernier": 30, "le mois passe": 30, "l'an dernier": 365, "l'annee derniere": 365,
    "cette semaine": 0, "the day before yesterday": 2, "yesterday": 1, "today": 0, "this morning": 0, "this afternoon": 0,
    "last week": 7, "last month": 30, "last year": 365, "this week": 0,
}  # fmt: skip
_WEEKDAY_INDEX = {d: i % 7 for i, d in enumerate(_WEEKDAYS.split("|"))}

_WAIT_CONTEXT = r"(?:attente|attendu|attendre|patient|musique|en ligne|plus tard|au bout|encore|on hold|hold|wait|waited|waiting|later|after|apres|avant qu|before)"
_WAIT_PATTERNS = [
    (re.compile(r"\b(?P<q>trois quarts?|3/4) d'heure\b"), 45.0),
    (re.compile(r"\b(?:un|1) quart d'heure\b"), 15.0),
    (re.compile(r"\b(?:une )?demi-? ?heure\b|\bhalf an hour\b|\bhalf-hour\b"), 30.0),
    (re.compile(r"\b(?:une|1) heure et demie\b|\ban hour and a half\b"), 90.0),
    (re.compile(r"\b(?P<h>\d{1,2}) ?h ?(?P<m>[0-5]\d)\b(?! ?(?:du matin|du soir))"), None),
    (re.compile(rf"\b(?:plus d'|pres d'|environ |over |about |almost |nearly |around )?{_N} ?{_MIN_UNIT}\b"), None),
]


MAX_WAIT_MINUTES = 300


@dataclass(slots=True)
class TimeMention:
    start: int
    end: int
    text: str
    kind: str
    match: re.Match | None = None
    full: date | None = None  # a complete date written in the text
    precision: str = "day"


@dataclass(slots=True)
class Wait:
    start: int
    end: int
    minutes: float


def find_times(norm: str, original: str, lang: str) -> list[TimeMention]:
    """Every date expression, in text order (overlaps removed, longest first)."""
    found: list[TimeMention] = [
        TimeMention(f.start, f.end, original[f.start:f.end], "full", full=f.value) for f in find_full_dates(original)
    ]
    for pattern, kind in _DATE_PATTERNS.get(lang, _DATE_PATTERNS["fr"]):
        for m in pattern.finditer(norm):
            if kind in ("forward", "backward") and _is_minutes(m):
                continue
            found.append(TimeMention(m.start(), m.end(), original[m.start():m.end()], kind, match=m))
    found.sort(key=lambda t: (t.start, -(t.end - t.start)))
    kept: list[TimeMention] = []
    for mention in found:
        if kept and mention.start < kept[-1].end:
            continue
        kept.append(mention)
    return kept


def _is_minutes(m: re.Match) -> bool:
    unit = m.groupdict().get("unit")
    return bool(unit) and unit.rstrip("s") in ("heure", "h", "minute", "min", "mn", "hour", "hr")


def resolve(
    mention: TimeMention, cursor: date | None, written: date | None, lang: str, bounded: bool = True
) -> date | None:
    """The date of ``mention``: after ``cursor`` (the previous point of the
    story) when it is relative to it, not after ``written`` (the testimony's
    date)."""
    if mention.full is not None:
        return mention.full
    g = mention.match.groupdict() if mention.match else {}
    # Nothing is told after the testimony was written — when that date is known from its
    # metadata; a date read from the text itself ("latest full date") is only a lower bound.
    anchor = written if bounded else None
    kind = mention.kind
    if kind == "redacted":
        return None
    if kind in ("day_month", "numeric"):
        month = MONTHS[g["month"]] if not g["month"].isdigit() else int(g["month"])
        day = 1 if g["day"] in ("1er", "premier") else int(g["day"])
        if kind == "numeric" and not _looks_like_date(g["day"], g["month"], day, month):
            return None
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return None
        return _infer_year(day, month, cursor, anchor)
    if kind == "month":
        month = MONTHS[g["month"]]
        pos = (g.get("pos") or "").rstrip("-")
        day = {"fin": 25, "end of": 25, "late": 25, "mi": 15, "a la mi": 15, "mid": 15}.get(pos, 1)
        mention.precision = "month"
        if g.get("year"):
            return _safe(int(g["year"]), month, day)
        if g.get("last") and (anchor or cursor):
            base = anchor or cursor
            return _safe(base.year - 1, month, day) if g["last"] == "last year" else _last_month(month, day, base)
        return _infer_year(day, month, cursor, anchor if (anchor or cursor) else written)
    if kind == "forward":
        if cursor is None:
            return None
        if g.get("word"):
            return cursor + timedelta(days=_WORD_DAYS[g["word"]])
        if g.get("next") or g.get("next2"):
            return cursor + timedelta(days=_DAYS_PER[g.get("next") or g["next2"]])
        n = parse_number(g["n"])
        return cursor + timedelta(days=round(n * _DAYS_PER[g["unit"]])) if n else None
    if kind == "backward":
        if written is None:
            return None
        if g.get("weekday"):
            back = (written.weekday() - _WEEKDAY_INDEX[g["weekday"]]) % 7 or 7
            return written - timedelta(days=back)
        if g.get("word"):
            return written - timedelta(days=_WORD_DAYS[g["word"]])
        n = parse_number(g["n"])
        return written - timedelta(days=round(n * _DAYS_PER[g["unit"]])) if n else None
    return None


def _looks_like_date(day_text: str, month_text: str, day: int, month: int) -> bool:
    """ "03/12" is a date; "1/5", "8/10" and "7/7" are more often a rating or
    "every day": a short numeric pair passes only when it cannot be one."""
    if day == month:
        return False
    return len(month_text) == 2 or (len(day_text) == 2 and month not in (5, 10))


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _last_month(month: int, day: int, anchor: date) -> date | None:
    """ "en juin dernier": the latest June strictly before the anchor's month."""
    year = anchor.year if month < anchor.month else anchor.year - 1
    return _safe(year, month, day)


def _infer_year(day: int, month: int, cursor: date | None, anchor: date | None) -> date | None:
    """The year that keeps the story forward (≥ cursor) and not in the future (≤ anchor)."""
    if cursor is None and anchor is None:
        return None
    if cursor is not None:
        candidate = _safe(cursor.year, month, day)
        if candidate is not None and candidate < cursor - timedelta(days=1):
            candidate = _safe(cursor.year + 1, month, day)
        if candidate is not None and (anchor is None or candidate <= anchor):
            return candidate
    if anchor is not None:
        candidate = _safe(anchor.year, month, day)
        if candidate is not None and candidate > anchor:
            candidate = _safe(anchor.year - 1, month, day)
        return candidate
    return None


def find_waits(norm: str) -> list[Wait]:
    """Waiting times stated in the text, in minutes, with their spans.

    A bare duration counts only next to a word of waiting ("attente",
    "au bout", "plus tard", "on hold", "after"…), so "un appel de 20
    minutes" is not a wait but "20 minutes d'attente" is.
    """
    found: list[Wait] = []
    taken: list[tuple[int, int]] = []
    for pattern, fixed in _WAIT_PATTERNS:
        for m in pattern.finditer(norm):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            if fixed is not None:
                minutes = fixed
            elif "h" in m.groupdict() and m.groupdict().get("h"):
                minutes = int(m.group("h")) * 60 + int(m.group("m"))
            else:
                n = parse_number(m.group("n"))
                if not n:
                    continue
                unit = m.group("unit")
                minutes = n * 60 if unit.startswith(("h", "heure")) else n
            window = norm[max(0, m.start() - 30):m.end() + 30]
            if not re.search(_WAIT_CONTEXT, window):
                continue
            if re.match(r" ?(?:a|à) \d", norm[m.end():m.end() + 4]) or re.search(r"\b(?:a|vers|at|around) $", norm[max(0, m.start() - 6):m.start()]):
                continue  # "à 10 h 40", "at 2 hours"…: a time of day, not a wait
            if minutes > MAX_WAIT_MINUTES:
                continue  # "48 hours", "sous 72 heures": a delay or a promise, not time on hold
            taken.append((m.start(), m.end()))
            found.append(Wait(m.start(), m.end(), float(minutes)))
    found.sort(key=lambda w: w.start)
    return found
