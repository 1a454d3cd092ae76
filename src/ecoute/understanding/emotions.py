"""Emotions from weighted cue phrases, with negation, irony and intensity.

The cues live in ``data/lexicon/emotions.yaml`` (its header documents the
format; docs/emotions.md explains the method). :func:`load_lexicon` reads and
checks that file, :func:`detect` finds the emotions of one text. Everything
runs on the folded text (:func:`ecoute.text.fold`, one character for one), so
evidence offsets are offsets into the text as given — the stored,
pseudonymised text in the pipeline.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

from ecoute.errors import ConfigError
from ecoute.privacy.engine import PLACEHOLDER
from ecoute.text import fold, load_yaml
from ecoute.understanding.phrase_index import PhraseIndex
from ecoute.understanding.phrases import PhraseError, phrase_regex
from ecoute.understanding.spans import sentence_spans

BUILTIN = "lexicon/emotions.yaml"
_CUE_OPTIONS = {"weight", "also", "negated", "ironic", "closing", "complaint"}
_CLAUSE_PUNCT = re.compile(r"[,;:()\[\]«»\"“”—–]")
_TOKEN = re.compile(r"<[a-z_0-9]+>|[a-z0-9]+")
_SUBJECTS = frozenset("je j on y il elle ils elles nous vous ca cela c qu i we it they you".split())
MAX_CUE_WEIGHT = 0.95
MAX_INTENSIFIER = 1.6


@dataclass(frozen=True, slots=True)
class Cue:
    emotion: str
    weight: float
    also: str | None = None
    negated: str | None = None
    ironic: bool = False
    closing: bool = False
    complaint: bool = False  # counts only near a complaint
    # A phrase holding its own negation ("toujours pas") or its own subject
    # ("j'en ai marre"): a negator before it belongs to it or to another clause.
    self_contained: bool = False


@dataclass(slots=True)
class LanguageRules:
    """Everything one language needs, compiled."""

    cues: tuple[Cue, ...]
    phrases: PhraseIndex
    ignore: PhraseIndex
    negative: PhraseIndex
    negative_weights: tuple[float, ...]
    negators: frozenset[str]
    bridges: frozenset[str]
    hypothetical: frozenset[str]
    clause_breaks: re.Pattern
    modifiers: re.Pattern | None  # intensifiers and diminishers, anchored at the end of a prefix
    modifier_values: dict[str, float]
    sign_offs: re.Pattern


@dataclass(slots=True)
class Lexicon:
    languages: dict[str, LanguageRules]
    emotions: tuple[str, ...]
    negative_emotions: frozenset[str]
    irony_becomes: str
    irony_window: int
    negation_window: int

    def rules_for(self, language: str | None) -> list[LanguageRules]:
        """The rules of ``language``; every language's when it is unknown;
        none for a language the file does not cover (no invented values)."""
        if language is None:
            return list(self.languages.values())
        return [self.languages[language]] if language in self.languages else []


@dataclass(slots=True)
class _Hit:
    cue: Cue
    sentence: int
    start: int
    end: int
    weight: float  # after intensity modifiers
    negated_from: int | None = None  # start of the negator when negated
    emotion: str = ""
    tags: set[str] = field(default_factory=set)


def _bad(path: str, key: str, detail: str) -> ConfigError:
    return ConfigError(name=f"emotions lexicon {key}", value=path, detail=detail)


def _phrase_set(path: str, key: str, phrases: Iterable[str]) -> PhraseIndex:
    phrases = tuple(phrases)
    for phrase in phrases:
        try:
            phrase_regex(phrase)
        except PhraseError as exc:
            raise _bad(path, key, f"{phrase!r}: {exc}") from None
    return PhraseIndex(phrases)


def _cue(path: str, key: str, value: Any, emotion: str) -> Cue:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = {"weight": value}
    if not isinstance(value, dict) or "weight" not in value:
        raise _bad(path, key, "give a weight (0..1) or a mapping with `weight`")
    unknown = set(value) - _CUE_OPTIONS
    if unknown:
        raise _bad(path, key, f"unknown option(s) {sorted(unknown)}; known: {sorted(_CUE_OPTIONS)}")
    weight = value["weight"]
    if not isinstance(weight, (int, float)) or not 0 <= weight <= 1:
        raise _bad(path, key, f"weight {weight!r} is not a number between 0 and 1")
    return Cue(
        emotion, float(weight), value.get("also"), value.get("negated"),
        bool(value.get("ironic")), bool(value.get("closing")), bool(value.get("complaint")),
    )  # fmt: skip


def _words_pattern(words: Iterable[str], anchored_end: bool = False) -> re.Pattern:
    alternatives = sorted({re.escape(fold(w).strip()).replace(r"\ ", r"\s+") for w in words if w.strip()}, key=len, reverse=True)
    body = "|".join(alternatives) or r"(?!x)x"
    return re.compile(rf"(?<![\w'’])({body})[\s'’]*$" if anchored_end else rf"(?<![\w'’])(?:{body})(?![\w])")


def _merge(base: dict, extra: dict) -> dict:
    out = dict(base)
    for key, value in extra.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def read_lexicon_data(extra_path: str | Path | None = None) -> tuple[str, dict]:
    """The built-in lexicon, with an operator's file merged over it."""
    import yaml

    where = f"ecoute/data/{BUILTIN}"
    data = load_yaml(resources.files("ecoute.data").joinpath(BUILTIN).read_text(encoding="utf-8"))
    if extra_path:
        where = str(extra_path)
        try:
            extra = load_yaml(Path(extra_path).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise _bad(where, "file", str(exc).splitlines()[0]) from None
        if not isinstance(extra, dict):
            raise _bad(where, "file", "the file must hold a mapping (emotions:, modifiers:, ignore:, irony:)")
        data = _merge(data, extra)
    return where, data


def compile_lexicon(data: dict, where: str = BUILTIN) -> Lexicon:
    """Check and compile lexicon data (the YAML file's content)."""
    emotions = data.get("emotions") or {}
    if not isinstance(emotions, dict) or not emotions:
        raise _bad(where, "emotions", "no emotion is defined")
    modifiers, ignore, irony = data.get("modifiers") or {}, data.get("ignore") or {}, data.get("irony") or {}
    names = tuple(emotions)
    languages = sorted({lang for by_language in emotions.values() for lang in (by_language or {})})
    rules = {}
    for lang in languages:
        cues, phrases = [], []
        mods = modifiers.get(lang) or {}
        negators = frozenset(fold(w) for w in mods.get("negators") or ())
        for emotion, by_language in emotions.items():
            for phrase, value in ((by_language or {}).get(lang) or {}).items():
                key = f"emotions.{emotion}.{lang}.{phrase!r}"
                cue = _cue(where, key, value, emotion)
                words = _TOKEN.findall(fold(phrase))
                if set(words) & negators or (words and words[0] in _SUBJECTS):
                    cue = replace(cue, self_contained=True)
                for target in (cue.also, cue.negated):
                    if target is not None and target not in emotions:
                        raise _bad(where, key, f"{target!r} is not an emotion of the file")
                cues.append(cue)
                phrases.append(phrase)
        values = {fold(k): float(v) for k, v in {**(mods.get("intensifiers") or {}), **(mods.get("diminishers") or {})}.items()}
        negative = (irony.get("negative_context") or {}).get(lang) or {}
        rules[lang] = LanguageRules(
            cues=tuple(cues),
            phrases=_phrase_set(where, f"emotions.*.{lang}", phrases),
            ignore=_phrase_set(where, f"ignore.{lang}", ignore.get(lang) or ()),
            negative=_phrase_set(where, f"irony.negative_context.{lang}", negative),
            negative_weights=tuple(float(w) for w in negative.values()),
            negators=negators,
            bridges=frozenset(fold(w) for w in mods.get("bridges") or ()),
            hypothetical=frozenset(fold(w) for w in mods.get("hypothetical") or ()),
            clause_breaks=_words_pattern(mods.get("clause_breaks") or ()),
            modifiers=_words_pattern(values, anchored_end=True) if values else None,
            modifier_values={re.sub(r"\s+", " ", k): v for k, v in values.items()},
            sign_offs=_words_pattern(mods.get("sign_offs") or ()),
        )
    becomes = irony.get("becomes", "exasperation")
    if becomes not in emotions:
        raise _bad(where, "irony.becomes", f"{becomes!r} is not an emotion of the file")
    return Lexicon(
        languages=rules,
        emotions=names,
        negative_emotions=frozenset(irony.get("negative_emotions") or ()),
        irony_becomes=becomes,
        irony_window=int(irony.get("window", 1)),
        negation_window=int(modifiers.get("negation_window", 4)),
    )


def load_lexicon(extra_path: str | Path | None = None) -> Lexicon:
    """The built-in cues, plus the operator's file ``extra_path`` if given."""
    where, data = read_lexicon_data(extra_path)
    return compile_lexicon(data, where)


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


def _clause_prefix(folded: str, sentence_start: int, cue_start: int, rules: LanguageRules) -> tuple[str, int]:
    """The words of the cue's clause before it, and where they start."""
    prefix_start = sentence_start
    for match in _CLAUSE_PUNCT.finditer(folded, sentence_start, cue_start):
        prefix_start = match.end()
    for match in rules.clause_breaks.finditer(folded, prefix_start, cue_start):
        prefix_start = match.end()
    return folded[prefix_start:cue_start], prefix_start


def _modifier(prefix: str, rules: LanguageRules) -> tuple[float, str]:
    """Intensifiers and diminishers right before the cue (two at most)."""
    factor = 1.0
    for _ in range(2):
        match = rules.modifiers.search(prefix) if rules.modifiers else None
        if match is None:
            break
        factor *= rules.modifier_values.get(re.sub(r"\s+", " ", match.group(1)), 1.0)
        prefix = prefix[: match.start()]
    return min(factor, MAX_INTENSIFIER), prefix


def _scaled(weight: float, factor: float) -> float:
    """Raise (factor > 1) or lower (< 1) a weight without ever reaching 1:
    "très déçu" is stronger than "déçu", not certain."""
    return 1 - (1 - weight) ** factor


def _negation(prefix: str, offset: int, rules: LanguageRules, window: int) -> int | None:
    """Where the negation of a cue starts, if its clause negates it: a negator
    among the last ``window`` words, with only bridge words after it."""
    negated_from = None
    for match in reversed(list(_TOKEN.finditer(prefix))[-window:]):
        word = match.group()
        if word in rules.negators:
            negated_from = offset + match.start()
        elif negated_from is None and word not in rules.bridges:
            break
    return negated_from


def _shouting(original: str) -> bool:
    letters = [c for c in original if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters)


def _exclamation(sentence: str) -> float:
    count = sentence.count("!")
    return 1.0 if count == 0 else 1.1 if count == 1 else 1.25


def _find_hits(text: str, folded: str, sentences: list[tuple[int, int]], rules: LanguageRules, lexicon: Lexicon) -> list[_Hit]:
    masked = [(s, e) for _, s, e in rules.ignore.finditer(folded)]
    placeholders = [(m.start(), m.end()) for m in PLACEHOLDER.finditer(text)] if "<" in text else []
    hits = []
    for number, (s_start, s_end) in enumerate(sentences):
        exclaim = _exclamation(text[s_start:s_end])
        for index, start, end in rules.phrases.finditer(folded, s_start, s_end):
            if _overlaps(masked, start, end) or any(s <= start and end <= e for s, e in placeholders):
                continue
            cue = rules.cues[index]
            prefix, prefix_start = _clause_prefix(folded, s_start, start, rules)
            factor, rest = _modifier(prefix, rules)
            tokens = _TOKEN.findall(rest)
            if any(token in rules.hypothetical for token in tokens):
                continue
            negated_from = None if cue.self_contained else _negation(rest, prefix_start, rules, lexicon.negation_window)
            factor *= exclaim * (1.25 if _shouting(text[start:end]) else 1.0)
            weight = min(MAX_CUE_WEIGHT, _scaled(cue.weight, factor))
            hits.append(_Hit(cue, number, start, end, weight, negated_from, emotion=cue.emotion))
    return hits


def _complaints(folded: str, sentences: list[tuple[int, int]], hits: list[_Hit], rules: LanguageRules, lexicon: Lexicon) -> list[bool]:
    """Which sentences are complaints: negative context words and negative emotions reach 1."""
    scores = [0.0] * len(sentences)
    for number, (start, end) in enumerate(sentences):
        for index, _, _ in rules.negative.finditer(folded, start, end):
            scores[number] += rules.negative_weights[index]
    for hit in hits:
        if hit.negated_from is None and hit.cue.emotion in lexicon.negative_emotions:
            # A cue that needs a complaint is half a complaint by itself.
            scores[hit.sentence] += 0.5 if hit.cue.complaint else 1
    return [score >= 1 for score in scores]


def _at_end(folded: str, end: int, rules: LanguageRules) -> bool:
    """Nothing but punctuation, placeholders and sign-offs after ``end``."""
    rest = PLACEHOLDER.sub(" ", folded[end:]) if "<" in folded[end:] else folded[end:]
    rest = rules.sign_offs.sub(" ", rest)
    return not any(c.isalnum() for c in rest)


def _resolve(folded: str, hits: list[_Hit], complaint: list[bool], rules: LanguageRules, lexicon: Lexicon) -> list[_Hit]:
    """Apply negation, irony and closing formulas; return the hits that count."""
    window = lexicon.irony_window
    kept = []
    for hit in hits:
        cue = hit.cue
        if hit.negated_from is not None:
            if cue.negated is not None:
                hit.emotion, hit.weight, hit.start = cue.negated, hit.weight * 0.8, hit.negated_from
                hit.tags.add("negated")
                kept.append(hit)
            continue
        if any(complaint[max(0, hit.sentence - window) : hit.sentence + window + 1]):
            hit.tags.add("near_complaint")
            if cue.ironic:
                hit.emotion = lexicon.irony_becomes
                hit.tags.add("irony")
        elif cue.complaint:
            continue
        kept.append(hit)
    positive = [h for h in kept if not h.tags and h.emotion not in lexicon.negative_emotions]
    # A "merci" ending a request or a complaint is politeness: it counts only
    # where something else in the text is positive too.
    return [
        hit
        for hit in kept
        if not (
            hit.cue.closing
            and _at_end(folded, hit.end, rules)
            and ("near_complaint" in hit.tags or not any(p is not hit for p in positive))
        )
    ]


def detect(
    text: str,
    language: str | None,
    lexicon: Lexicon,
    sentences: list[tuple[int, int]] | None = None,
    min_intensity: float = 0.25,
) -> list[dict[str, Any]]:
    """The emotions of ``text``: ``{emotion, intensity, evidence}``, strongest first.

    ``sentences`` are (start, end) offsets into ``text``; cues never cross
    them. Intensity combines the cues of an emotion as independent signals:
    ``1 − Π(1 − weight)``, each weight raised by intensifiers, exclamation
    marks and capitals as ``1 − (1 − weight)^factor``.
    """
    if not text.strip():
        return []
    folded = fold(text)
    spans = sentences if sentences else sentence_spans(text)
    counted: list[_Hit] = []
    for rules in lexicon.rules_for(language):
        hits = _find_hits(text, folded, spans, rules, lexicon)
        counted += _resolve(folded, hits, _complaints(folded, spans, hits, rules, lexicon), rules, lexicon)
    by_emotion: dict[str, list[tuple[float, int, int]]] = {}
    for hit in counted:
        by_emotion.setdefault(hit.emotion, []).append((hit.weight, hit.start, hit.end))
        if hit.cue.also and not hit.tags:
            by_emotion.setdefault(hit.cue.also, []).append((hit.weight, hit.start, hit.end))
    out = []
    for emotion, found in by_emotion.items():
        intensity = 1 - math.prod(1 - weight for weight, _, _ in found)
        if intensity < min_intensity:
            continue
        evidence = [{"start": s, "end": e, "text": text[s:e]} for s, e in sorted({(s, e) for _, s, e in found})]
        out.append({"emotion": emotion, "intensity": round(min(intensity, 1.0), 2), "evidence": evidence})
    return sorted(out, key=lambda e: (-e["intensity"], e["emotion"]))
