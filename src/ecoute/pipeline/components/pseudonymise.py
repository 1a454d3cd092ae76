"""Pseudonymisation: personal data is replaced before anything is stored.

Runs right after language detection, so every later component — and every
evidence span — works on the pseudonymised text, the text that is stored.
spaCy's NER only runs on texts where it can change the outcome (a
capitalised word in mid-sentence that is not a known brand or first name):
names after titles, first names, e-mails, phones and numbers are found by
rules.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from functools import lru_cache

from ecoute.pipeline.core import Component, Item, component
from ecoute.pipeline.resources import TRAINED, spacy_ner
from ecoute.privacy.engine import Protector
from ecoute.privacy.lexicon import common_words, first_names, never_person_words

log = logging.getLogger(__name__)
_CAPITALISED = re.compile(r"(?<![.!?…\n]\s)(?<![.!?…\n])(?<!^)\b([A-ZÉÈÊÀÂÎÔÛÇ][a-zéèêàâîôûçëïü'’\-]+)", re.MULTILINE)


def needs_ner(text: str) -> bool:
    """Whether the NER could find a name the rules cannot: a capitalised word
    in mid-sentence that is neither a known non-name, a first name nor a
    function word ("Je", "Le", "L'" after a line break without a full stop)."""
    banned, names, stop = never_person_words(), first_names(), _stop_words()
    for match in _CAPITALISED.finditer(text):
        word = match.group(1).casefold()
        if word not in banned and word not in names and word.rstrip("'’") not in stop:
            return True
    return False


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS as EN
    from spacy.lang.fr.stop_words import STOP_WORDS as FR

    return frozenset(FR | EN | {"j", "l", "d", "n", "m", "s", "c", "qu"})


@component(
    "pseudonymise",
    version=1,
    assigns=("text", "pii", "source.metadata"),
    default_config={"mode": None, "batch_size": 64},
)
class Pseudonymiser(Component):
    def warm_up(self) -> None:
        from ecoute.config import Settings

        settings = Settings.from_env()
        self.mode = self.config["mode"] or settings.privacy_mode
        if self.mode == "off":
            log.warning("privacy mode is OFF: personal data is stored and shown as written (ECOUTE_PRIVACY=off)")
        self.protector = Protector(self.mode, settings.account_patterns)
        if self.mode != "off":
            # Loaded now rather than on the first French text: the NER (shared
            # with the sentence splitter) and the word forms that tell a word
            # in capitals from a name.
            for language in TRAINED:
                spacy_ner(language)
            common_words()

    def run(self, items: list[Item]) -> None:
        docs = self._ner_docs(items)
        for index, item in enumerate(items):
            protected = self.protector.protect(item.text, item.fields.get("language"), docs.get(index))
            item.shared["pii_findings"] = protected.findings  # offsets into the original, for evaluation
            if self.mode != "off" and protected.text != item.text:
                item.shared["original_text"] = item.text
                item.text = protected.text
            item.fields["pii"] = protected.pii
            if self.mode != "off":
                item.source.metadata = self._protect_metadata(item.source.metadata, item.fields.get("language"))

    def _ner_docs(self, items: list[Item]) -> dict[int, object]:
        if self.mode == "off":
            return {}
        wanted: dict[str | None, list[int]] = defaultdict(list)
        for index, item in enumerate(items):
            language = item.fields.get("language")
            if spacy_ner(language) is not None and needs_ner(item.text):
                wanted[language].append(index)
        docs = {}
        for language, indices in wanted.items():
            nlp = spacy_ner(language)
            texts = (items[i].text for i in indices)
            for index, doc in zip(indices, nlp.pipe(texts, batch_size=self.config["batch_size"])):
                docs[index] = doc
        return docs

    def _protect_metadata(self, metadata: dict, language: str | None) -> dict:
        """Metadata holds personal data too: a column named like a person,
        e-mail, phone or address field is replaced whole; other text values
        go through the same recognizers as the testimony."""
        out = {}
        for key, value in metadata.items():
            kind = _personal_column(key)
            if kind and value not in (None, ""):
                value = f"<{kind}>"
            elif isinstance(value, str) and value:
                value = self.protector.protect(value, language).text
            out[key] = value
        return out


_PERSONAL_COLUMNS = (
    (re.compile(r"e-?mail|courriel|mail", re.I), "EMAIL"),
    (re.compile(r"t(?:é|e)l(?:é|e)phone|^t(?:é|e)l\b|phone|mobile|portable|gsm", re.I), "PHONE"),
    (re.compile(r"adresse|address|street|^rue$", re.I), "ADDRESS"),
    (re.compile(r"^(?:nom|name|pr(?:é|e)nom|first[_ ]?name|last[_ ]?name|surname|auteur|author|client|customer|"
                r"full[_ ]?name|nom[_ ]complet|signataire|contact)$", re.I), "PERSON"),
    (re.compile(r"iban|rib|card|carte[_ ]bancaire|nir|s(?:é|e)cu", re.I), "ACCOUNT_ID"),
)


def _personal_column(name: str) -> str | None:
    for pattern, kind in _PERSONAL_COLUMNS:
        if pattern.search(name.strip()):
            return kind
    return None
