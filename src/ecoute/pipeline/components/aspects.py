"""What each opinion is about: aspects named in each sentence.

The aspects (price, claims handling, customer service, staff, product,
delivery, website, contract, billing…) and their phrases live in
``data/lexicon/aspects.yaml``, extended by the operator's
``$ECOUTE_HOME/aspects.yaml``. Each sentence that names an aspect carries it
with the words that named it and the opinion on it: the sentence's sentiment
(``sentiment`` runs first), or, when a contrast splits the sentence ("le prix
est correct mais le service client est catastrophique"), the sentiment of
the part that names the aspect. See ``docs/aspects.md``.
"""

from __future__ import annotations

import os
import re
from importlib import resources
from pathlib import Path

import yaml

from ecoute.errors import BadDataFile
from ecoute.pipeline.core import Component, Item, component
from ecoute.text import fold, load_yaml
from ecoute.understanding.phrase_index import PhraseIndex
from ecoute.understanding.phrases import PhraseError


def load_aspects(home: str | None = None) -> dict[str, dict[str, list[str]]]:
    """aspect → language → phrases: the built-in file, then the operator's."""
    files = [("ecoute/data/lexicon/aspects.yaml", resources.files("ecoute.data").joinpath("lexicon/aspects.yaml"))]
    home = home or os.environ.get("ECOUTE_HOME")
    if home and (Path(home) / "aspects.yaml").is_file():
        files.append((str(Path(home) / "aspects.yaml"), Path(home) / "aspects.yaml"))
    merged: dict[str, dict[str, list[str]]] = {}
    for label, path in files:
        try:
            data = load_yaml(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise BadDataFile(path=label, detail=str(exc).splitlines()[0]) from exc
        aspects = data.get("aspects") if isinstance(data, dict) else None
        if not isinstance(aspects, dict):
            raise BadDataFile(path=label, detail="the file needs an 'aspects:' mapping of aspect → language → phrases")
        for aspect, by_language in aspects.items():
            if not isinstance(by_language, dict) or not all(isinstance(v, list) for v in by_language.values()):
                raise BadDataFile(path=label, detail=f"aspect {aspect!r}: give a list of phrases per language (fr: [...])")
            for language, phrases in by_language.items():
                merged.setdefault(str(aspect), {}).setdefault(str(language), []).extend(str(p) for p in phrases)
    return merged


# Where a sentence turns: each side may hold its own opinion.
_CONTRAST = re.compile(r"\b(?:mais|cependant|pourtant|par contre|en revanche|toutefois|neanmoins|sauf que|but|however|although|though|whereas|yet)\b|;")


@component("aspects", version=1, assigns=("sentences.aspects",))
class Aspects(Component):
    def warm_up(self) -> None:
        from ecoute.pipeline.components.sentiment import MODELS
        from ecoute.understanding.textclf import shipped

        self.models = {language: shipped(name) for language, name in MODELS.items()}  # the sentiment component's
        aspects = load_aspects()
        self.indexes: dict[str | None, tuple[PhraseIndex, list[str]]] = {}
        languages = {language for by_language in aspects.values() for language in by_language}
        try:
            for language in [*languages, None]:  # None: a text whose language has no phrases gets them all
                pairs = [
                    (phrase, aspect) for aspect, by_language in aspects.items()
                    for lang, phrases in by_language.items() if language in (None, lang) for phrase in phrases
                ]
                self.indexes[language] = (PhraseIndex([p for p, _ in pairs]), [a for _, a in pairs])
        except PhraseError as exc:
            raise BadDataFile(path="aspects.yaml", detail=str(exc)) from exc

    def run(self, items: list[Item]) -> None:
        pending: list[tuple[dict, str, str]] = []  # (aspect entry, language, clause text) scored in one call below
        for item in items:
            language = item.fields.get("language")
            index, owners = self.indexes.get(language) or self.indexes[None]
            folded = fold(item.text)
            for sentence in item.fields.get("sentences", []):
                found: dict[str, list[dict]] = {}
                for k, start, end in index.finditer(folded, sentence["start"], sentence["end"]):
                    found.setdefault(owners[k], []).append({"start": start, "end": end, "text": item.text[start:end]})
                entries = [{"aspect": aspect, "evidence": spans, "sentiment": sentence.get("sentiment")} for aspect, spans in found.items()]
                cuts = [m.start() for m in _CONTRAST.finditer(folded, sentence["start"], sentence["end"])]
                if cuts and len(entries) > 1 and language in self.models:
                    bounds = [sentence["start"], *cuts, sentence["end"]]
                    for entry in entries:
                        at = entry["evidence"][0]["start"]
                        part = next(i for i in range(len(bounds) - 1) if bounds[i] <= at < bounds[i + 1])
                        pending.append((entry, language, item.text[bounds[part]:bounds[part + 1]]))
                sentence["aspects"] = entries
        for language in {lang for _, lang, _ in pending}:
            group = [(entry, clause) for entry, lang, clause in pending if lang == language]
            for (entry, _), result in zip(group, self.models[language].predict([clause for _, clause in group])):
                entry["sentiment"] = {"label": result["polarity"], "score": round(result["score"], 3)}
