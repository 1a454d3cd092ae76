"""Word lists the privacy stage reads: first names, words that are never
people, brands. They live in data files under ``ecoute/data`` that an
operator can extend without touching code."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from importlib import resources


def data_lines(name: str) -> list[str]:
    text = resources.files("ecoute.data").joinpath(name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def _unaccented(word: str) -> str:
    return unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()


@lru_cache(maxsize=None)
def first_names() -> frozenset[str]:
    """Known first names, casefolded, with and without accents ("Hélène", "Helene")."""
    names = {name.casefold() for name in data_lines("privacy/first_names.txt")}
    return frozenset(names | {_unaccented(name) for name in names})


@lru_cache(maxsize=None)
def ambiguous_first_names() -> frozenset[str]:
    """First names that are also common words ("Rose", "Pierre", "Will")."""
    return frozenset(name.casefold() for name in data_lines("privacy/ambiguous_first_names.txt"))


@lru_cache(maxsize=None)
def never_person_words() -> frozenset[str]:
    """Capitalised words that are never people: brands, organisations,
    common sentence openers that the NER mistakes for names."""
    return frozenset(word.casefold() for word in data_lines("privacy/not_persons.txt") + data_lines("lexicon/brands.txt"))


@lru_cache(maxsize=1)
def _brand_phrases() -> tuple[str, ...]:
    return tuple(sorted((b.casefold() for b in data_lines("lexicon/brands.txt") if " " in b or "'" in b or "&" in b), key=len, reverse=True))


def _brand_spans(text: str) -> list[tuple[int, int]]:
    """Where multi-word brands stand in ``text``: no name is found inside them ("Marks & Spencer")."""
    folded = text.casefold()
    spans = []
    for phrase in _brand_phrases():
        start = folded.find(phrase)
        while start >= 0:
            spans.append((start, start + len(phrase)))
            start = folded.find(phrase, start + 1)
    return spans
