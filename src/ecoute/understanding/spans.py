"""Sentence spans for the cue components (emotions, entities)."""

from __future__ import annotations

import re
from typing import Any

_SENTENCE = re.compile(r"[^.!?…\n]+[.!?…]*")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Rough sentences, for texts that did not go through the sentences component."""
    return [(m.start(), m.end()) for m in _SENTENCE.finditer(text) if m.group().strip()]


def item_sentences(fields: dict[str, Any], text: str) -> list[tuple[int, int]]:
    """The sentences component's spans of a pipeline item, else rough ones."""
    spans = [(s["start"], s["end"]) for s in fields.get("sentences") or []]
    return spans or sentence_spans(text)
