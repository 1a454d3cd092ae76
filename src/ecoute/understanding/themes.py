"""Find the taxonomy's themes in a text, with evidence, skipping negated and
hypothetical mentions (docs/themes.md).

Each theme's phrases of one language are one compiled pattern, matched on the
folded text (:func:`ecoute.text.fold`, one character for one), so evidence
offsets are offsets in the text given — the stored, pseudonymised text.

A phrase match counts unless, within its clause (clauses end at . ! ? ; : ,
line breaks and the language's ``clause_breaks`` words):

- a negation cue stands among the few words before it ("aucune attente au
  téléphone", "I didn't have to wait on hold") with no definite or possessive
  word in between ("je ne supporte pas leur lenteur" still counts), or a
  negated copula follows it ("le temps d'attente n'est pas long") — unless
  the phrase carries its own negation ("pas de réponse", "never called
  back"), which *is* the theme;
- a hypothetical cue opens the clause ("si j'avais dû attendre des heures",
  "if I had been on hold").

A theme's ``not_phrases`` veto the matches they contain ("dans l'attente
de votre réponse" is a letter's formula, not a wait); ``only_with`` keeps a
theme only when the text also has a theme of the groups or codes named
(loyalty is a pain point only in a complaint), ``not_with`` drops it when
the text has one, and ``authors`` limits it to some author roles
(colleagues praised in an employee review are not staff praised by a
customer). The language's ``not_negation`` phrases mask words
that look like a negation or a hypothesis but are not ("pas mal", "si vous
tombez sur…").

Employee themes are the employee's voice, and topics rather than complaints:
"pas d'augmentation" and "bon salaire" are both ``ex_pay``, so negation and
hypotheticals do not cancel them. They count in a text written by an
employee (``author_role``), or where a member of staff is reported speaking
(a ``staff_voice`` cue — "le commercial m'a dit", "the rep admitted" — among
the ``STAFF_VOICE_WORDS`` words before): a customer's "complément de
salaire" is not ``ex_pay``, the salesman who "m'a confié qu'il n'a pas eu
d'augmentation" is.

Confidence: each distinct phrase that counts is a cue of strength 0.5 (one
word), 0.6 (two words) or 0.7 (three or more); confidence is
``1 − Π(1 − strength)``, at most 0.99.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ecoute.text import fold
from ecoute.understanding.phrases import AnchorIndex, PhraseSet, compiled, phrase_regex, phrase_set, unanchored, word_count
from ecoute.understanding.taxonomy import LanguageRules, Taxonomy

TOPIC_GROUPS = frozenset({"employee"})
NEGATION_WORDS = 6  # how far back a negation cue may stand, in words
HYPOTHETICAL_WORDS = 12  # how far back the clause may open with "si", "if"…
AFTER_CHARS = 40  # where a negated copula after the phrase is looked for
STAFF_VOICE_WORDS = 40  # how far back a reported staff speech may open
_PUNCTUATION = re.compile(r"[.!?;:,\n()\[\]«»\"“”]+")
_WORD = re.compile(r"\w+")
_STRENGTH = {1: 0.5, 2: 0.6}


def strength(words: int) -> float:
    """How much one cue of ``words`` words is worth."""
    return _STRENGTH.get(words, 0.7)


@dataclass(slots=True)
class _ThemePhrases:
    code: str
    topic: bool
    phrases: PhraseSet
    strengths: tuple[float, ...]
    not_phrases: PhraseSet
    patterns: tuple[re.Pattern[str], ...]  # one per phrase, for the phrases the index picks
    negating: tuple[bool, ...]  # phrases whose own words hold a negation ("pas de réponse")


class _Rules:
    """One language's negation, hypothetical and clause rules, compiled."""

    def __init__(self, rules: LanguageRules) -> None:
        self.negation = phrase_set(rules.negation)
        self.negation_after = phrase_set(rules.negation_after)
        self.not_negation = phrase_set(rules.not_negation)
        self.negation_barriers = phrase_set(rules.negation_barriers)
        self.hypothetical = phrase_set(rules.hypothetical)
        self.clause_breaks = phrase_set(rules.clause_breaks)
        self.staff_voice = phrase_set(rules.staff_voice)


class _Text:
    """A text being matched: its folded form and, lazily, its clause boundaries."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.folded = fold(text)
        self._bounds: dict[int, tuple[list[int], list[int]]] = {}
        self._masks: dict[int, list[tuple[int, int]]] = {}

    def bounds(self, rules: _Rules) -> tuple[list[int], list[int]]:
        """Sorted (starts, ends) of the clause boundaries under ``rules``, found once per text."""
        key = id(rules)
        if key not in self._bounds:
            spans = [(m.start(), m.end()) for m in _PUNCTUATION.finditer(self.folded)]
            spans += [(s, e) for _, s, e in rules.clause_breaks.finditer(self.folded)]
            spans.sort()
            self._bounds[key] = ([s for s, _ in spans], [e for _, e in spans])
        return self._bounds[key]

    def masked(self, rules: _Rules) -> list[tuple[int, int]]:
        """Spans that look like a negation or a hypothesis but are not ("pas
        mal", "sans cesse", "si vous tombez sur"), found once per text."""
        key = id(rules)
        if key not in self._masks:
            self._masks[key] = [(s, e) for _, s, e in rules.not_negation.finditer(self.folded)]
        return self._masks[key]



def _words_of(phrase: str) -> str:
    """A phrase's words with its syntax blanked out, to look for cues in it."""
    return re.sub(r"[()|?*…{}]", " ", fold(phrase))


@lru_cache(maxsize=8192)
def _unanchored(phrase: str) -> re.Pattern[str]:
    """A phrase's pattern without its leading word-start test, which
    :func:`_matches` makes instead: a pattern that opens with letters lets the
    engine jump from one occurrence of them to the next."""
    return compiled(unanchored(phrase_regex(phrase)))


def _matches(theme: _ThemePhrases, phrases: list[int], folded: str) -> list[tuple[int, int, int]]:
    """Non-overlapping matches of some of a theme's phrases, leftmost first,
    the longest at one place: ``(phrase_index, start, end)``."""
    hits = sorted(
        (match.start(), -match.end(), index)
        for index in phrases
        for match in theme.patterns[index].finditer(folded)
        if match.start() == 0 or not (folded[match.start() - 1].isalnum() or folded[match.start() - 1] == "_")
    )
    kept, reached = [], -1
    for start, negative_end, index in hits:
        if start >= reached:
            kept.append((index, start, -negative_end))
            reached = -negative_end
    return kept


def _clause_start(bounds: tuple[list[int], list[int]], position: int) -> int:
    starts, ends = bounds
    # The last boundary that ends at or before the phrase.
    index = bisect.bisect_right(ends, position) - 1
    return ends[index] if index >= 0 else 0


def _clause_end(bounds: tuple[list[int], list[int]], position: int, limit: int) -> int:
    starts, _ = bounds
    index = bisect.bisect_left(starts, position)
    return min(starts[index], limit) if index < len(starts) else limit


def _last_words(folded: str, start: int, end: int, count: int) -> int:
    """Where the last ``count`` words of folded[start:end] begin."""
    words = [m.start() for m in _WORD.finditer(folded, start, end)]
    return words[-count] if len(words) >= count else start


def _has_cue(cues: PhraseSet, text: _Text, rules: _Rules, start: int, end: int) -> bool:
    masks = text.masked(rules)
    for _, s, e in cues.finditer(text.folded, start, end):
        if not any(ms <= s < me or ms < e <= me for ms, me in masks):
            return True
    return False


class ThemeMatcher:
    """The taxonomy compiled for matching; build once, call :meth:`find` often."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        self.languages = taxonomy.languages
        self.rules = {lang: _Rules(rules) for lang, rules in taxonomy.rules.items()}
        self._empty_rules = _Rules(LanguageRules())
        self.themes: dict[str, list[_ThemePhrases]] = {}
        for lang in self.languages:
            compiled = []
            for code, theme in taxonomy.themes.items():
                phrases = theme.phrases.get(lang, ())
                if phrases:
                    strengths = tuple(strength(word_count(p)) for p in phrases)
                    not_phrases = phrase_set(theme.not_phrases.get(lang, ()))
                    patterns = tuple(_unanchored(phrase) for phrase in phrases)
                    rules = self.rules.get(lang, self._empty_rules)
                    negating = tuple(rules.negation.search(_words_of(phrase)) for phrase in phrases)
                    compiled.append(_ThemePhrases(code, theme.group in TOPIC_GROUPS, phrase_set(tuple(phrases)), strengths, not_phrases, patterns, negating))
            self.themes[lang] = compiled
        # Which phrases a text's words make possible: only those are tried.
        self.index: dict[str, tuple[AnchorIndex, list[tuple[int, int]]]] = {}
        for lang, compiled in self.themes.items():
            owners = [(number, index) for number, theme in enumerate(compiled) for index in range(len(theme.patterns))]
            self.index[lang] = (AnchorIndex([compiled[number].phrases.phrases[index] for number, index in owners]), owners)

    def languages_for(self, language: str | None) -> list[str]:
        """The text's language when the taxonomy has phrases for it, else every language."""
        return [language] if language in self.themes else list(self.languages)

    def counts(self, text: _Text, rules: _Rules, start: int, end: int, topic: bool, employee_author: bool = False, negating: bool = False) -> bool:
        """Whether a phrase match at [start, end) counts: not negated, not
        hypothetical; for employee topics, in an employee's voice. A
        ``negating`` phrase carries its own negation ("pas de réponse")."""
        folded = text.folded
        if topic:
            if employee_author:
                return True
            voice_from = _last_words(folded, 0, start, STAFF_VOICE_WORDS)
            return rules.staff_voice.search(folded, voice_from, end)
        bounds = text.bounds(rules)
        clause = _clause_start(bounds, start)
        hypothetical_from = _last_words(folded, clause, start, HYPOTHETICAL_WORDS)
        if _has_cue(rules.hypothetical, text, rules, hypothetical_from, start):
            return False
        if negating:
            return True  # the negation is the theme: "pas de réponse", "never called back"
        negation_from = _last_words(folded, clause, start, NEGATION_WORDS)
        # A definite or possessive word between the cue and the phrase stops the
        # negation: "je ne comprends pas leur lenteur" still complains of slowness.
        barriers = [e for _, _s, e in rules.negation_barriers.finditer(folded, negation_from, start)]
        # A cue inside the match counts too: "temps d'attente … long" over "n'est jamais long".
        if _has_cue(rules.negation, text, rules, max(barriers, default=negation_from), end):
            return False
        after_end = _clause_end(bounds, end, min(len(folded), end + AFTER_CHARS))
        for _, s, _e in rules.negation_after.finditer(folded, end, after_end):
            if len(_WORD.findall(folded, end, s)) <= 2:
                return False
        return True

    def _context(self, results: list[dict[str, Any]], author_role: str | None) -> list[dict[str, Any]]:
        """Apply ``authors``, ``only_with`` and ``not_with``: who wrote, what else
        the text must, or must not, hold."""
        themes = self.taxonomy.themes
        role = author_role or "unknown"
        results = [theme for theme in results if not themes[theme["code"]].authors or role in themes[theme["code"]].authors]
        present = {theme["code"] for theme in results}

        def meets(names: tuple[str, ...], code: str) -> bool:
            return any(other in names or themes[other].group in names for other in present - {code})

        return [
            theme
            for theme in results
            if (not themes[theme["code"]].only_with or meets(themes[theme["code"]].only_with, theme["code"]))
            and not meets(themes[theme["code"]].not_with, theme["code"])
        ]

    def find(self, text: str, language: str | None, author_role: str | None = None, max_evidence: int = 5) -> list[dict[str, Any]]:
        """Themes of ``text`` as record dicts: code, confidence, evidence spans.

        ``author_role`` is the record's (``employee``, ``customer``, ``unknown``);
        employee themes need an employee author or reported staff speech."""
        employee_author = author_role == "employee"
        prepared = _Text(text)
        found: dict[str, dict[tuple[str, int], list[tuple[int, int]]]] = {}
        strengths: dict[str, dict[tuple[str, int], float]] = {}
        folded = prepared.folded
        for lang in self.languages_for(language):
            index, owners = self.index[lang]
            by_theme: dict[int, list[int]] = {}
            for candidate in index.candidates(folded):
                number, phrase = owners[candidate]
                by_theme.setdefault(number, []).append(phrase)
            rules = self.rules.get(lang, self._empty_rules)
            for number, phrases in by_theme.items():
                theme = self.themes[lang][number]
                excluded: list[tuple[int, int]] | None = None
                for index, start, end in _matches(theme, phrases, folded):
                    if excluded is None:
                        excluded = [(s, e) for _, s, e in theme.not_phrases.finditer(folded)]
                    if any(s <= start and end <= e for s, e in excluded):
                        continue
                    if self.counts(prepared, rules, start, end, theme.topic, employee_author, theme.negating[index]):
                        key = (lang, index)
                        found.setdefault(theme.code, {}).setdefault(key, []).append((start, end))
                        strengths.setdefault(theme.code, {})[key] = theme.strengths[index]
        results = []
        for code, by_phrase in found.items():
            missing = 1.0
            for value in strengths[code].values():
                missing *= 1.0 - value
            spans = sorted({span for spans in by_phrase.values() for span in spans})
            evidence = [{"start": s, "end": e, "text": text[s:e]} for s, e in spans[:max_evidence]]
            results.append({"code": code, "confidence": round(min(0.99, 1.0 - missing), 3), "evidence": evidence})
        results = self._context(results, author_role)
        order = list(self.taxonomy.themes)
        results.sort(key=lambda theme: (-theme["confidence"], order.index(theme["code"])))
        return results
