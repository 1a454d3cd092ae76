"""Emotions of each testimony: anger, exasperation, sadness, fear, resignation,
joy, gratitude, surprise, disappointment, relief — with an intensity (0..1)
and the cue spans that show them.

Cues and their weights live in ``data/lexicon/emotions.yaml`` (an operator
extends it, or names a file of the same shape in the ``lexicon`` setting);
the method is in :mod:`ecoute.understanding.emotions` and docs/emotions.md.
Runs after ``sentences``: evidence never crosses a sentence, so the sentence
that carries an emotion is the one whose span holds its evidence.
"""

from __future__ import annotations

from ecoute.pipeline.core import Component, Item, component
from ecoute.understanding.emotions import detect, load_lexicon
from ecoute.understanding.spans import item_sentences


@component("emotions", version=1, assigns=("emotions",), default_config={"min_intensity": 0.25, "lexicon": None})
class Emotions(Component):
    def warm_up(self) -> None:
        self.lexicon = load_lexicon(self.config["lexicon"])

    def run(self, items: list[Item]) -> None:
        for item in items:
            sentences = item_sentences(item.fields, item.text)
            item.fields["emotions"] = detect(item.text, item.fields.get("language"), self.lexicon, sentences, self.config["min_intensity"])
