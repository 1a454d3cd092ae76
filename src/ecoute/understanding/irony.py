"""Ironic sentences, for the sentiment component's rule layer.

The rules live in ``data/lexicon/sentiment_rules.yaml`` (its header says
when a sentence is ironic). They reuse the emotions lexicon
(``data/lexicon/emotions.yaml``) rather than a second list of the same
phrases: its ``ironic`` cues, its complaint rules (``irony.negative_context``
and negative emotions, via :mod:`ecoute.understanding.emotions`), its
closing formulas and its sarcastic formulas (a negative cue that opens with
an ironic one: "merci pour rien", "thanks for nothing").

The check is cheap where it cannot matter: a text with no ironic cue or
sarcastic phrase in the sentences asked about costs one indexed scan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from typing import Sequence

from ecoute.errors import ConfigError
from ecoute.text import fold, load_yaml
from ecoute.understanding.emotions import Lexicon, LanguageRules, _at_end, _complaints, _find_hits, load_lexicon
from ecoute.understanding.phrase_index import PhraseIndex
from ecoute.understanding.phrases import PhraseError, phrase_regex

BUILTIN = "lexicon/sentiment_rules.yaml"
_WORDS = re.compile(r"\w+")


@dataclass(slots=True)
class _Language:
    emotions: LanguageRules
    sarcastic: PhraseIndex  # the file's sarcastic phrases (always ironic)
    sarcastic_cues: frozenset[int]  # emotions cues that are sarcastic formulas
    ironic: PhraseIndex  # the file's ironic phrases (ironic near a complaint)
    candidates: PhraseIndex  # every phrase above and every emotions ironic cue: the quick test
    contrast: re.Pattern


@dataclass(slots=True)
class IronyRules:
    languages: dict[str, _Language]
    lexicon: Lexicon
    score: float
    short_sentence: int
    opening_words: int

    def ironic_sentences(
        self,
        text: str,
        language: str | None,
        spans: Sequence[tuple[int, int]],
        asked: Sequence[int],
        neighbours: bool = True,
    ) -> set[int]:
        """Which of the sentences ``asked`` (indexes into ``spans``) are ironic.

        ``neighbours``: whether a short sentence may be ironic because of a
        complaint next to it (the caller allows it when the model does not
        find the whole text positive).
        """
        rules = self.languages.get(language or "")
        if rules is None or not asked:
            return set()
        folded = fold(text)
        asked = [k for k in asked if rules.candidates.pattern and rules.candidates.pattern.search(folded, *spans[k])]
        if not asked:
            return set()
        found = {k for k in asked if any(True for _ in rules.sarcastic.finditer(folded, *spans[k]))}
        spans = list(spans)
        hits = _find_hits(text, folded, spans, rules.emotions, self.lexicon)
        complaint = _complaints(folded, spans, hits, rules.emotions, self.lexicon)
        cue_index = {id(cue): k for k, cue in enumerate(rules.emotions.cues)}
        window = self.lexicon.irony_window
        for k in asked:
            if k in found:
                continue
            start, end = spans[k]
            opening = False  # an ironic cue among the first words of the sentence
            for hit in hits:
                if hit.sentence != k or hit.negated_from is not None:
                    continue
                if cue_index.get(id(hit.cue)) in rules.sarcastic_cues:
                    found.add(k)
                    break
                if hit.cue.ironic and not (hit.cue.closing and _at_end(folded, hit.end, rules.emotions)):
                    opening = opening or self._opens(folded, start, hit.start)
            if k in found:
                continue
            opening = opening or any(self._opens(folded, start, s) for _, s, _ in rules.ironic.finditer(folded, start, end))
            if not opening:
                continue
            if complaint[k]:
                found.add(k)
                continue
            if not neighbours or len(_WORDS.findall(folded, start, end)) > self.short_sentence:
                continue
            for j in range(max(0, k - window), min(len(spans), k + window + 1)):
                if j == k or (j > k and rules.contrast.match(folded, spans[j][0])):
                    continue
                if complaint[j]:
                    found.add(k)
                    break
        return found


    def _opens(self, folded: str, sentence_start: int, cue_start: int) -> bool:
        return len(_WORDS.findall(folded, sentence_start, cue_start)) <= self.opening_words


def _bad(key: str, detail: str) -> ConfigError:
    return ConfigError(name=f"sentiment rules {key}", value=f"ecoute/data/{BUILTIN}", detail=detail)


def _index(key: str, phrases: Sequence[str]) -> PhraseIndex:
    for phrase in phrases:
        try:
            phrase_regex(phrase)
        except PhraseError as exc:
            raise _bad(key, f"{phrase!r}: {exc}") from None
    return PhraseIndex(phrases)


def load_rules(lexicon: Lexicon | None = None) -> IronyRules:
    """The built-in rules, over the emotions lexicon (the built-in one unless given)."""
    data = load_yaml(resources.files("ecoute.data").joinpath(BUILTIN).read_text(encoding="utf-8")) or {}
    lexicon = lexicon or load_lexicon()
    languages = {}
    for language, spec in (data.get("languages") or {}).items():
        emotions = lexicon.languages.get(language)
        if emotions is None:
            raise _bad(f"languages.{language}", "emotions.yaml has no cue of this language")
        sarcastic = [str(p) for p in spec.get("sarcastic") or ()]
        ironic = [str(p) for p in spec.get("ironic") or ()]
        # Sarcastic formulas of emotions.yaml: a negative cue opening with an ironic cue.
        ironic_cues = [k for k, cue in enumerate(emotions.cues) if cue.ironic]
        formulas = set()
        for k, cue in enumerate(emotions.cues):
            if cue.emotion in lexicon.negative_emotions and not cue.ironic:
                phrase = fold(emotions.phrases.phrases[k])
                if any(re.match(phrase_regex(emotions.phrases.phrases[j]), phrase) for j in ironic_cues):
                    formulas.add(k)
        words = [emotions.phrases.phrases[k] for k in ironic_cues] + [emotions.phrases.phrases[k] for k in formulas]
        contrast = sorted({fold(w).strip() for w in spec.get("contrast") or ()}, key=len, reverse=True)
        languages[language] = _Language(
            emotions=emotions,
            sarcastic=_index(f"languages.{language}.sarcastic", sarcastic),
            sarcastic_cues=frozenset(formulas),
            ironic=_index(f"languages.{language}.ironic", ironic),
            candidates=PhraseIndex(sarcastic + ironic + words),
            contrast=re.compile(r"\W*(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in contrast) + r")\b" if contrast else r"(?!x)x"),
        )
    return IronyRules(
        languages=languages,
        lexicon=lexicon,
        score=float(data.get("score", -0.6)),
        short_sentence=int(data.get("short_sentence", 4)),
        opening_words=int(data.get("opening_words", 2)),
    )
