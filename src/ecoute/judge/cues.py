"""Weighted cue files: phrases that raise a score, with negation and hypotheticals.

A cue file (``data/lexicon/risk.yaml``, ``data/lexicon/causes.yaml``) maps
*kinds* (``churn``, ``escalation``; ``process``, ``tools``…) to languages, and
each language to named *groups* of phrases with a weight in 0..1. Phrases use
the taxonomy's phrase syntax (:mod:`ecoute.understanding.phrases`: plain
words on folded text, ``*``, ``(a|b)``, ``…``), plus ``{name}`` for a word
list declared under ``words`` (``{brand}`` is ecoute's brand list). Matching
happens on the folded text, so offsets are offsets in the stored text.

A group may be a *veto* (``veto: true``): its matches cancel the overlapping
matches of the other groups of the same kind ("on m'a résilié" is not the
author leaving). A match whose clause carries a negation of intent ("je ne
compte pas…") or whose sentence is hypothetical ("si rien ne bouge…",
"sinon…") keeps its reason but its weight is multiplied by the file's
``modalities`` factor. The format is documented in docs/risk.md.

An operator extends a file with a copy in ``ECOUTE_HOME`` that has the same
format: its phrases are added to the groups of the same name, its weights,
labels and words replace ours, its groups are new reasons. Every problem
raises :class:`~ecoute.errors.RulesFileError` naming the file and the key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

from ecoute.errors import RulesFileError
from ecoute.text import fold, load_yaml
from ecoute.understanding.phrases import PhraseError, phrase_regex, phrase_set

MODALITIES = ("negated", "hypothetical")
MODIFIER_LISTS = ("negation", "not_negation", "hypothetical", "clause_breaks")
_NAME = re.compile(r"[a-z][a-z0-9_]{0,49}")
_LANGUAGE = re.compile(r"[a-z]{2,3}")
_ALIAS = re.compile(r"\{([a-z_]+)\}")
_GROUP_KEYS = {"weight", "label", "phrases", "veto", "negatable", "family"}
_SENTENCE_END = re.compile(r"[.!?\n]")
_CLAUSE_MARK = re.compile(r"[,;:()\"«»]")
# How far around a cue its clause and its sentence are looked at, in characters.
_CLAUSE_REACH = 90
_SENTENCE_REACH = 160
_AFTER_REACH = 60
_NEGATION_REACH = 20  # a negation ends at most this far before the cue it denies


@dataclass(frozen=True, slots=True)
class CueGroup:
    """One named group of phrases of one kind, in one language."""

    kind: str
    language: str
    name: str
    weight: float | None
    phrases: tuple[tuple[str, float | None], ...]
    label: dict[str, str] = field(default_factory=dict)
    veto: bool = False
    negatable: bool = True
    family: str | None = None  # groups of one family count once, with the strongest match

    @property
    def evidence_key(self) -> str:
        return self.family or self.name

    def label_for(self, lang: str | None) -> str:
        for key in (lang, "en", "fr"):
            if key and key in self.label:
                return self.label[key]
        return self.name.replace("_", " ")


@dataclass(frozen=True, slots=True)
class Hit:
    """One cue found in a text: offsets into the text, weight after modality."""

    group: CueGroup
    start: int
    end: int
    weight: float
    modality: str | None = None

    @property
    def kind(self) -> str:
        return self.group.kind


@dataclass(slots=True)
class CueBook:
    """The cues of one file (built-in merged with the operator's), compiled lazily."""

    groups: dict[tuple[str, str, str], CueGroup]
    words: dict[str, dict[str, str]]
    modifiers: dict[str, dict[str, tuple[str, ...]]]
    modalities: dict[str, dict[str, Any]]
    files: tuple[str, ...]
    extra: dict[str, list[tuple[str, Any]]] = field(default_factory=dict)
    _compiled: dict[str, list[tuple[str, re.Pattern[str], list[tuple[CueGroup, float]]]]] | None = None

    @property
    def languages(self) -> list[str]:
        found = {lang for (_, lang, _) in self.groups}
        return sorted(found, key=lambda lang: (lang != "fr", lang != "en", lang))

    def factor(self, modality: str) -> float:
        return float(self.modalities.get(modality, {}).get("factor", 1.0))

    def modality_label(self, modality: str, lang: str | None) -> str:
        labels = self.modalities.get(modality, {}).get("label", {})
        for key in (lang, "en", "fr"):
            if key and key in labels:
                return labels[key]
        return modality

    # --- matching ------------------------------------------------------------

    def _compile(self) -> dict[str, list[tuple[str, re.Pattern[str], list[tuple[CueGroup, float]]]]]:
        """One pattern per language and kind, its phrases grouped in slots of
        (group, weight): vetoes first, then the heaviest slots, so that at one
        position the strongest reading wins. The shared word-start check is
        hoisted out of the alternatives (about three times faster than one
        pattern per group)."""
        if self._compiled is None:
            slots: dict[tuple[str, str], dict[tuple[str, float], list[str]]] = {}
            for group in self.groups.values():
                for phrase, weight in group.phrases:
                    resolved = 1.0 if group.veto else weight if weight is not None else group.weight
                    if resolved is None or resolved <= 0:
                        continue
                    key = (group.language, group.kind)
                    slots.setdefault(key, {}).setdefault((group.name, resolved), []).append(expand(phrase, self.words.get(group.language, {})))
            compiled: dict[str, list[tuple[str, re.Pattern[str], list[tuple[CueGroup, float]]]]] = {}
            for (lang, kind), by_slot in slots.items():
                order = sorted(by_slot, key=lambda slot: (not self.groups[(kind, lang, slot[0])].veto, -slot[1]))
                bodies = ["(" + "|".join(_body(p) for p in sorted(by_slot[slot], key=len, reverse=True)) + ")" for slot in order]
                pattern = re.compile(_WORD_START + "(?:" + "|".join(bodies) + ")")
                compiled.setdefault(lang, []).append((kind, pattern, [(self.groups[(kind, lang, name)], weight) for name, weight in order]))
            self._compiled = compiled
        return self._compiled

    def hits(self, folded: str, languages: Iterable[str | None] = (), kinds: Iterable[str] | None = None) -> list[Hit]:
        """The cues of ``folded`` (text from :func:`ecoute.text.fold`), in the
        given languages (all when none of them has cues), after vetoes,
        modalities and overlaps: at most one hit per stretch of text and kind."""
        compiled = self._compile()
        langs = [lang for lang in dict.fromkeys(languages) if lang in compiled] or list(compiled)
        wanted = set(kinds) if kinds is not None else None
        found: list[Hit] = []
        vetoes: list[Hit] = []
        for lang in langs:
            for kind, pattern, order in compiled[lang]:
                if wanted is not None and kind not in wanted:
                    continue
                match = pattern.search(folded)
                while match is not None:
                    group, weight = order[match.lastindex - 1]
                    (vetoes if group.veto else found).append(Hit(group, match.start(), match.end(), weight))
                    match = pattern.search(folded, match.start() + 1)
        kept = [hit for hit in found if not any(v.kind == hit.kind and v.start < hit.end and hit.start < v.end for v in vetoes)]
        kept = [self._with_modality(folded, hit) for hit in kept]
        kept.sort(key=lambda h: (-h.weight, h.start - h.end, h.start))
        chosen: list[Hit] = []
        for hit in kept:
            if not any(c.kind == hit.kind and c.start < hit.end and hit.start < c.end for c in chosen):
                chosen.append(hit)
        return sorted(chosen, key=lambda h: (h.start, h.kind))

    def _with_modality(self, folded: str, hit: Hit) -> Hit:
        rules = self.modifiers.get(hit.group.language, {})
        sentence_start = _sentence_start(folded, hit.start)
        if hit.group.negatable and rules.get("negation"):
            clause_start = self._clause_start(folded, sentence_start, hit.start, rules)
            if self._negated(folded, clause_start, hit, rules):
                return Hit(hit.group, hit.start, hit.end, hit.weight * self.factor("negated"), "negated")
        if rules.get("hypothetical"):
            after = _sentence_end(folded, hit.end)
            hypotheticals = phrase_set(rules["hypothetical"])
            if hypotheticals.search(folded, sentence_start, hit.start) or hypotheticals.search(folded, hit.end, after):
                return Hit(hit.group, hit.start, hit.end, hit.weight * self.factor("hypothetical"), "hypothetical")
        return hit

    @staticmethod
    def _clause_start(folded: str, sentence_start: int, start: int, rules: dict[str, tuple[str, ...]]) -> int:
        begin = max(sentence_start, start - _CLAUSE_REACH)
        marks = [m.end() for m in _CLAUSE_MARK.finditer(folded, begin, start)]
        if rules.get("clause_breaks"):
            marks += [end for _, _, end in phrase_set(rules["clause_breaks"]).finditer(folded, begin, start)]
        return max(marks, default=begin)

    @staticmethod
    def _negated(folded: str, begin: int, hit: Hit, rules: dict[str, tuple[str, ...]]) -> bool:
        """A negation of intent inside the cue or just before it, in its clause
        ("je ne compte pas résilier", "je ne vais pas saisir le médiateur")."""
        exceptions = [(s, e) for _, s, e in phrase_set(rules["not_negation"]).finditer(folded, begin, hit.end)] if rules.get("not_negation") else []
        for _, start, stop in phrase_set(rules["negation"]).finditer(folded, begin, hit.end):
            if stop >= hit.start - _NEGATION_REACH and not any(s < stop and start < e for s, e in exceptions):
                return True
        return False


_WORD_START = r"(?<!\w)"


def _body(phrase: str) -> str:
    """A phrase's pattern without its leading word-start check: the check is
    shared by all the alternatives (a cue always starts at a word start)."""
    pattern = phrase_regex(phrase)
    return pattern[len(_WORD_START) :] if pattern.startswith(_WORD_START) else pattern


def _sentence_start(folded: str, start: int) -> int:
    begin = max(0, start - _SENTENCE_REACH)
    ends = [m.end() for m in _SENTENCE_END.finditer(folded, begin, start)]
    return max(ends, default=begin)


def _sentence_end(folded: str, end: int) -> int:
    match = _SENTENCE_END.search(folded, end, min(len(folded), end + _AFTER_REACH))
    return match.start() if match else min(len(folded), end + _AFTER_REACH)


def merge_weights(weights: Iterable[float]) -> float:
    """Independent pieces of evidence combined: 1 − Π(1 − wᵢ) (a "noisy OR")."""
    remaining = 1.0
    for weight in weights:
        remaining *= 1.0 - min(1.0, max(0.0, weight))
    return 1.0 - remaining


def quote(text: str, start: int, end: int, limit: int = 80) -> str:
    """The words of a span, on one line, shortened to ``limit`` characters."""
    words = " ".join(text[start:end].split())
    return words if len(words) <= limit else words[: limit - 1].rstrip() + "…"


# --- word lists ------------------------------------------------------------------


@lru_cache(maxsize=1)
def builtin_words() -> dict[str, str]:
    """Word lists every cue file may use: ``{brand}``, ecoute's brand list."""
    from ecoute.privacy.lexicon import data_lines

    names = sorted({fold(n) for n in data_lines("lexicon/brands.txt") if len(n) > 1 and not set(n) & set("()|*…{}")}, key=len, reverse=True)
    return {"brand": "(" + "|".join(names) + ")"}


def expand(phrase: str, words: dict[str, str]) -> str:
    """``phrase`` with every ``{name}`` replaced by its word list (``{n}`` stays a number)."""
    table = {**builtin_words(), **words}
    for _ in range(5):
        expanded = _ALIAS.sub(lambda m: m.group(0) if m.group(1) == "n" else table.get(m.group(1), m.group(0)), phrase)
        if expanded == phrase:
            break
        phrase = expanded
    return phrase


@lru_cache(maxsize=1)
def _apostrophe_gaps() -> tuple[bool, bool, bool]:
    """Which apostrophe spellings the phrase syntax cannot match, probed on
    the syntax itself: a space after an apostrophe ("(l'|le) avocat" against
    "l'avocat"), an apostrophe at the end of a phrase ("si (j'|je)" against "si
    j'ai"), a space before an alternative starting with one ("(i|we) ('m|am)"
    against "i'm")."""

    def misses(phrase: str, text: str) -> bool:
        return re.search(phrase_regex(phrase), text) is None

    return misses("(l'|le) x", "l'x") or misses("l' x", "l'x"), misses("si (j'|je)", "si j'ai"), misses("(i|we) ('m|am)", "i'm")


def apostrophe_problem(phrase: str) -> str | None:
    """Why an apostrophe in ``phrase`` can never match as meant, if it cannot.

    In the phrase syntax an apostrophe matches an apostrophe or spaces and a
    space matches one space or more; depending on the syntax's version some
    spellings then never match ("(l'|le) avocat" never finding "l'avocat"):
    a rule file that uses them is refused instead of silently finding nothing.
    """
    space_after, at_end, space_before = _apostrophe_gaps()
    for index, char in enumerate(phrase):
        if char not in "'’":
            continue
        if space_before and index and phrase[index - 1] in "(|":
            opening, depth = index - 1, 0
            while opening >= 0 and not (phrase[opening] == "(" and depth == 0):
                depth += {")": 1, "(": -1}.get(phrase[opening], 0)
                opening -= 1
            if opening > 0 and phrase[opening - 1] == " ":
                return "an alternative starting with an apostrophe follows a space: it never matches \"i'm\" (write (i'm|i am))"
        after = index + 1
        while after < len(phrase) and phrase[after] in "|)":
            if phrase[after] == "|":
                depth = 0
                while after < len(phrase) and not (phrase[after] == ")" and depth == 0):
                    depth += {"(": 1, ")": -1}.get(phrase[after], 0)
                    after += 1
            after += 1
            if after < len(phrase) and phrase[after] == "?":
                after += 1
        if after == index + 1:
            if space_after and after < len(phrase) and phrase[after] == " ":
                return f"the apostrophe before position {after} is followed by a space: join the words (l'avocat)"
            continue
        if at_end and after >= len(phrase):
            return "an alternative ending with an apostrophe closes the phrase: it never matches before a word (write \"si j'\" as its own phrase)"
        if space_after and after < len(phrase) and phrase[after] == " ":
            return "an alternative ending with an apostrophe is followed by a space: it never matches \"l'avocat\" (put the next word inside the alternative: (l'avocat|le conseil))"
    return None


# --- reading files -------------------------------------------------------------------


class RulesReader:
    """Checks one file; every complaint names the file, the key and the docs page."""

    def __init__(self, where: str, doc: str) -> None:
        self.where, self.doc = where, doc

    def fail(self, key: str, detail: str) -> RulesFileError:
        return RulesFileError(path=self.where, key=key, detail=detail, doc=self.doc)

    def load(self, text: str, allowed: set[str]) -> dict[str, Any]:
        import yaml

        try:
            data = load_yaml(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f"line {mark.line + 1}: " if mark is not None else ""
            raise self.fail("—", f"not valid YAML ({line}{getattr(exc, 'problem', None) or exc})") from None
        if data is None:
            return {}
        if not isinstance(data, dict):
            raise self.fail("—", "the file must be a mapping (keys such as version, " + ", ".join(sorted(allowed - {"version"})) + ")")
        unknown = [k for k in data if k not in allowed]
        if unknown:
            raise self.fail(str(unknown[0]), "unknown key (expected " + ", ".join(sorted(allowed)) + ")")
        if data.get("version", 1) != 1:
            raise self.fail("version", f"version {data.get('version')!r} is not supported (use 1)")
        return data

    def mapping(self, key: str, value: Any) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(key, "expected a mapping")
        return value

    def language(self, key: str, lang: Any) -> str:
        if not isinstance(lang, str) or not _LANGUAGE.fullmatch(lang):
            raise self.fail(key, f"{lang!r} is not a language: use a two- or three-letter code (fr, en, de…)")
        return lang

    def name(self, key: str, name: Any) -> str:
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise self.fail(key, f"{name!r} is not a name: use lower-case letters, digits and _")
        return name

    def weight(self, key: str, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
            raise self.fail(key, f"{value!r} is not a weight: use a number from 0 to 1")
        return float(value)

    def texts(self, key: str, value: Any) -> dict[str, str]:
        out = {}
        for lang, text in self.mapping(key, value).items():
            self.language(f"{key}.{lang}", lang)
            if not isinstance(text, str) or not text.strip():
                raise self.fail(f"{key}.{lang}", "expected a non-empty text")
            out[lang] = text.strip()
        return out

    def phrase(self, key: str, phrase: Any, words: dict[str, str]) -> str:
        if not isinstance(phrase, str) or not phrase.strip():
            raise self.fail(key, "expected a non-empty phrase")
        expanded = expand(phrase.strip(), words)
        unknown = [name for name in _ALIAS.findall(expanded) if name != "n"]
        if unknown:
            raise self.fail(key, f"{phrase!r}: no word list {{{unknown[0]}}} (declare it under words)")
        problem = apostrophe_problem(expanded)
        if problem:
            raise self.fail(key, f"{phrase!r}: {problem}")
        try:
            phrase_regex(expanded)
        except PhraseError as exc:
            raise self.fail(key, f"{phrase!r}: {exc}") from None
        return phrase.strip()

    def phrases(self, key: str, value: Any, words: dict[str, str]) -> tuple[tuple[str, float | None], ...]:
        if isinstance(value, dict):
            items: list[Any] = [{phrase: weight} for phrase, weight in value.items()]
        elif isinstance(value, list):
            items = value
        else:
            raise self.fail(key, 'expected a list of phrases, each a text or "phrase": weight')
        out = []
        for number, item in enumerate(items, 1):
            where = f"{key}[{number}]"
            if isinstance(item, dict) and len(item) == 1:
                phrase, weight = next(iter(item.items()))
                out.append((self.phrase(where, phrase, words), self.weight(where, weight)))
            else:
                out.append((self.phrase(where, item, words), None))
        return tuple(out)

    def flag(self, key: str, value: Any) -> bool:
        if not isinstance(value, bool):
            raise self.fail(key, "expected true or false")
        return value


def _parse(reader: RulesReader, text: str, kinds: tuple[str, ...], extra: tuple[str, ...], base: CueBook) -> CueBook:
    data = reader.load(text, {"version", "words", "modifiers", "modalities", *kinds, *extra})
    words = {lang: dict(names) for lang, names in base.words.items()}
    for lang, names in reader.mapping("words", data.get("words")).items():
        reader.language(f"words.{lang}", lang)
        for name, value in reader.mapping(f"words.{lang}", names).items():
            reader.name(f"words.{lang}.{name}", name)
            if not isinstance(value, str) or not value.strip():
                raise reader.fail(f"words.{lang}.{name}", "expected a text such as (vais|compte|veux)")
            words.setdefault(lang, {})[name] = value.strip()
    modifiers = {lang: dict(lists) for lang, lists in base.modifiers.items()}
    for lang, lists in reader.mapping("modifiers", data.get("modifiers")).items():
        reader.language(f"modifiers.{lang}", lang)
        for name, items in reader.mapping(f"modifiers.{lang}", lists).items():
            if name not in MODIFIER_LISTS:
                raise reader.fail(f"modifiers.{lang}.{name}", "unknown list (expected " + ", ".join(MODIFIER_LISTS) + ")")
            if not isinstance(items, list):
                raise reader.fail(f"modifiers.{lang}.{name}", "expected a list of phrases")
            checked = tuple(reader.phrase(f"modifiers.{lang}.{name}[{i}]", item, words.get(lang, {})) for i, item in enumerate(items, 1))
            current = modifiers.setdefault(lang, {})
            current[name] = tuple(dict.fromkeys(current.get(name, ()) + tuple(expand(p, words.get(lang, {})) for p in checked)))
    modalities = {name: dict(spec) for name, spec in base.modalities.items()}
    for name, spec in reader.mapping("modalities", data.get("modalities")).items():
        if name not in MODALITIES:
            raise reader.fail(f"modalities.{name}", "unknown modality (expected " + ", ".join(MODALITIES) + ")")
        spec = reader.mapping(f"modalities.{name}", spec)
        current = modalities.setdefault(name, {"factor": 1.0, "label": {}})
        if "factor" in spec:
            current["factor"] = reader.weight(f"modalities.{name}.factor", spec["factor"])
        if "label" in spec:
            current["label"] = {**current.get("label", {}), **reader.texts(f"modalities.{name}.label", spec["label"])}
    groups = dict(base.groups)
    for kind in kinds:
        for lang, named in reader.mapping(kind, data.get(kind)).items():
            reader.language(f"{kind}.{lang}", lang)
            for name, spec in reader.mapping(f"{kind}.{lang}", named).items():
                key = f"{kind}.{lang}.{reader.name(f'{kind}.{lang}.{name}', name)}"
                groups[(kind, lang, name)] = _group(reader, key, kind, lang, name, reader.mapping(key, spec), groups.get((kind, lang, name)), words.get(lang, {}))
    extras = {name: list(values) for name, values in base.extra.items()}
    for name in extra:
        if data.get(name) is not None:
            extras.setdefault(name, []).append((reader.where, data[name]))
    return CueBook(groups, words, modifiers, modalities, base.files + (reader.where,), extras)


def _group(reader: RulesReader, key: str, kind: str, lang: str, name: str, spec: dict[str, Any], old: CueGroup | None, words: dict[str, str]) -> CueGroup:
    unknown = [k for k in spec if k not in _GROUP_KEYS]
    if unknown:
        raise reader.fail(f"{key}.{unknown[0]}", "unknown field (expected " + ", ".join(sorted(_GROUP_KEYS)) + ")")
    weight = reader.weight(f"{key}.weight", spec["weight"]) if spec.get("weight") is not None else (old.weight if old else None)
    phrases = reader.phrases(f"{key}.phrases", spec["phrases"], words) if spec.get("phrases") is not None else ()
    veto = reader.flag(f"{key}.veto", spec["veto"]) if "veto" in spec else (old.veto if old else False)
    if old is None:
        if not phrases:
            raise reader.fail(f"{key}.phrases", "a new group needs at least one phrase")
        if weight is None and not veto and any(w is None for _, w in phrases):
            raise reader.fail(f"{key}.weight", "a new group needs a weight (0..1) for its phrases that have none")
    merged = dict((old.phrases if old else ()) + phrases)
    return CueGroup(
        kind=kind,
        language=lang,
        name=name,
        weight=weight,
        phrases=tuple(merged.items()),
        label={**(old.label if old else {}), **(reader.texts(f"{key}.label", spec["label"]) if spec.get("label") is not None else {})},
        veto=veto,
        negatable=reader.flag(f"{key}.negatable", spec["negatable"]) if "negatable" in spec else (old.negatable if old else True),
        family=reader.name(f"{key}.family", spec["family"]) if spec.get("family") is not None else (old.family if old else None),
    )


_CACHE: dict[tuple, CueBook] = {}


def operator_stamp(path: Path | None, doc: str, required_by: str | None = None) -> tuple[int, int] | None:
    """(mtime, size) of the operator's file, ``None`` when there is none. A file
    named by a setting (``required_by``) must exist."""
    if path is None:
        return None
    try:
        stat = path.stat()
    except FileNotFoundError:
        if required_by:
            raise RulesFileError(path=str(path), key="—", detail=f"no such file (named by {required_by})", doc=doc) from None
        return None
    except OSError as exc:
        raise RulesFileError(path=str(path), key="—", detail=exc.strerror or str(exc), doc=doc) from None
    return stat.st_mtime_ns, stat.st_size


def rule_files(builtin: str, operator: Path | None, doc: str) -> list[tuple[RulesReader, str]]:
    """The built-in file under ``ecoute/data``, then the operator's (when given), each with its reader."""
    files = [(RulesReader(f"ecoute/data/{builtin}", doc), resources.files("ecoute.data").joinpath(builtin).read_text(encoding="utf-8"))]
    if operator is not None:
        try:
            files.append((RulesReader(str(operator), doc), operator.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError) as exc:
            raise RulesFileError(path=str(operator), key="—", detail=str(exc), doc=doc) from None
    return files


def load_cue_book(builtin: str, operator: Path | None, kinds: tuple[str, ...], doc: str, extra: tuple[str, ...] = ()) -> CueBook:
    """The built-in cue file ``builtin`` (under ``ecoute/data``) extended by the
    operator's file when it exists. Cached until the operator's file changes."""
    stamp = operator_stamp(operator, doc)
    key = (builtin, str(operator), stamp, kinds, extra)
    if key not in _CACHE:
        book = CueBook({}, {}, {}, {}, ())
        for reader, text in rule_files(builtin, operator if stamp else None, doc):
            book = _parse(reader, text, kinds, extra, book)
        _CACHE[key] = book
    return _CACHE[key]
