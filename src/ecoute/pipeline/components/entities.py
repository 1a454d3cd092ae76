"""Organisations, brands and products named in each testimony.

The brand list first (``data/lexicon/brands.txt`` and
``organisations.txt``), then spaCy's French NER for the organisations the
list does not know — only on the sentences where a capitalised word is left
that the list, the placeholders, the generic and the French words do not
explain, so most sentences never reach the model. The method is in
:mod:`ecoute.understanding.entities` and docs/entities.md.

The NER runs here on the stored, pseudonymised text. The pseudonymiser's own
NER pass cannot be reused: it runs on the original text, only on texts that
may hold a person's name, and keeps no ``Doc``.
"""

from __future__ import annotations

from collections import defaultdict

from ecoute.pipeline.core import Component, Item, component
from ecoute.pipeline.resources import spacy_ner
from ecoute.text import fold
from ecoute.understanding.entities import french_words, ner_entities, ner_sentences, organisation_list
from ecoute.understanding.spans import item_sentences


@component("entities", version=1, assigns=("entities",), default_config={"ner": True, "batch_size": 64})
class Entities(Component):
    def warm_up(self) -> None:
        self.names = organisation_list()
        if self.config["ner"]:
            french_words()  # the filter of spaCy's one-word finds (about 3 s)

    def run(self, items: list[Item]) -> None:
        found, sentences = [], []
        wanted: dict[str, list[tuple[int, int, int]]] = defaultdict(list)  # language: (item, start, end)
        for index, item in enumerate(items):
            language = item.fields.get("language")
            spans = item_sentences(item.fields, item.text)
            known = self.names.find(item.text, fold(item.text), language, spans)
            found.append(known)
            sentences.append(spans)
            if self.config["ner"] and spacy_ner(language) is not None:
                wanted[language] += [(index, s, e) for s, e in ner_sentences(item.text, spans, known)]
        for language, chunks in wanted.items():
            texts = (items[index].text[start:end] for index, start, end in chunks)
            for (index, start, _), doc in zip(chunks, spacy_ner(language).pipe(texts, batch_size=self.config["batch_size"])):
                found[index] += ner_entities(doc, items[index].text, start, sentences[index], found[index])
        for item, entities in zip(items, found):
            item.fields["entities"] = sorted(entities, key=lambda e: (e["start"], -e["end"]))
