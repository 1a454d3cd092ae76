"""Sentence segmentation with spaCy, one pipeline per language.

Line breaks also end a sentence: reviews and e-mails often put one idea per
line without a full stop.
"""

from __future__ import annotations

import re
from collections import defaultdict

from ecoute.pipeline.core import Component, Item, component
from ecoute.pipeline.resources import TRAINED, spacy_for

_LINE_BREAK = re.compile(r"\n\s*")


def _sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split one model sentence at line breaks and trim whitespace."""
    spans = []
    cursor = start
    for match in _LINE_BREAK.finditer(text, start, end):
        spans.append((cursor, match.start()))
        cursor = match.end()
    spans.append((cursor, end))
    trimmed = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            trimmed.append((s, e))
    return trimmed


@component("sentences", version=1, assigns=("sentences",), default_config={"batch_size": 256})
class SentenceSplitter(Component):
    """Sentences with character offsets into the stored text.

    Runs after ``language``; keeps the spaCy ``Doc`` in ``item.shared["doc"]``
    for later components.
    """

    def warm_up(self) -> None:
        for language in TRAINED:  # the trained models load now; blank ones (cheap) on first use
            spacy_for(language)

    def run(self, items: list[Item]) -> None:
        by_language: dict[str | None, list[Item]] = defaultdict(list)
        for item in items:
            by_language[item.fields.get("language")].append(item)
        for lang, group in by_language.items():
            nlp = spacy_for(lang)
            docs = nlp.pipe((item.text for item in group), batch_size=self.config["batch_size"])
            for item, doc in zip(group, docs):
                item.shared["doc"] = doc
                sentences = []
                for sent in doc.sents:
                    for start, end in _sentence_spans(item.text, sent.start_char, sent.end_char):
                        sentences.append({"start": start, "end": end, "text": item.text[start:end], "sentiment": None})
                item.fields["sentences"] = sentences
