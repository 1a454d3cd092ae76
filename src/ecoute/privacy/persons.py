"""People's names in testimonies, found by rules around spaCy's NER."""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer, RecognizerResult

from ecoute.privacy.lexicon import _brand_spans, ambiguous_first_names, first_names, never_person_words

PERSON = "PERSON"


class _RuleRecognizer(EntityRecognizer):
    """A recognizer made of ecoute's own rules: nothing to load."""

    def load(self) -> None:
        pass


# --- people ------------------------------------------------------------------------

_TITLES = (
    r"M\.|MM\.|Mr\.?|Mrs\.?|Ms\.?|Mme\.?|Mmes|Mlle\.?|Mlles|Madame|Monsieur|Mademoiselle|Dr\.?|Docteur|Doctor|Maître|Me|Pr\.?|"
    r"Professeur|Professor|Sir|Miss|Mister"
)
_CAP = r"[A-ZÉÈÊÀÂÎÔÛÇÏ][\w'’]*(?:-[A-ZÉÈÊÀÂÎÔÛÇÏa-zé][\w'’]*)*"
_INITIAL = r"[A-ZÉ]\.(?:\s?[A-ZÉ]\.)?"
_PARTICLE = r"(?:(?:de|du|des|d['’]|van|von|le|la)\s*(?:la\s+)?)"
_NAME_AFTER_TITLE = re.compile(
    rf"(?<![\w])(?:{_TITLES})\s+(?:{_INITIAL}|{_PARTICLE}?(?:{_CAP})(?:\s+(?:{_INITIAL}|{_CAP}))?|[A-Z]{{2,}}\b)"
)
# Abbreviated titles in lower case, as in tweets ("bonjour m. lefort", "mme dubois").
_LOWER_TITLE = re.compile(r"(?<![\w])(?:m\.|mme|mlle|mr\.?|mrs\.?|dr\.?)\s+(?!(?:le|la|les|de|du|des|et|ou|à|a|the|and)\b)([a-zéèëïô][a-zéèêëïôç'’\-]{2,})")
_INITIAL_SURNAME = re.compile(r"(?<![\w.])[A-Z]\.\s?[A-Z][a-zéèëïôç'’\-]{2,}")
_TITLE_WORDS = frozenset("m mm mr mrs ms mme mmes mlle mlles madame monsieur mademoiselle dr docteur doctor maître me pr professeur professor sir miss mister".split())
_WORD = re.compile(r"[\w'’]+(?:-[\w'’]+)*")
_ROLE_WORDS = (
    "conseiller", "conseillère", "conseillere", "agent", "agente", "technicien", "technicienne", "vendeur", "vendeuse",
    "commercial", "commerciale", "expert", "experte", "gestionnaire", "responsable", "directeur", "directrice", "manager",
    "interlocuteur", "interlocutrice", "opérateur", "opératrice", "advisor", "adviser", "rep", "representative",
    "collègue", "colleague", "chef", "patron", "boss", "mr", "mrs", "ms",
)
_FAMILY_WORDS = (
    "père", "pere", "mère", "mere", "fils", "fille", "frère", "frere", "sœur", "soeur", "mari", "femme", "épouse", "époux",
    "copain", "copine", "voisin", "voisine", "oncle", "tante", "husband", "wife", "son", "daughter", "brother", "sister", "mum", "mom", "dad",
)
_NAME_CONTEXT = re.compile(
    r"(?:\b(?:avec|par|à|a|eu|appelé|appele|vu|parlé|parle|with|by|to|named|nommée?|appelée?|dénommée?|s'appelle|prénom|called|spoke|"
    r"remercier|merci\s+à|thanks\s+to|thank|même|certaine?|its|it's|c'est|je\s+suis|moi\s+c'est|i'm|i\s+am|name\s+is|m'appelle)\s+|"
    rf"\b(?:{'|'.join(_ROLE_WORDS + _FAMILY_WORDS)})\s+)$",
    re.IGNORECASE,
)
# Strong cues: an unknown capitalised word after them is a name ("remercier Maëva", "agent Ahmed").
_STRONG_CONTEXT = re.compile(
    r"(?:\b(?:named|nommée?|appelée?|dénommée?|s'appelle|prénom|called|remercier|merci\s+à|thanks\s+to|certaine?|"
    rf"name\s+is|m'appelle|{'|'.join(_ROLE_WORDS + _FAMILY_WORDS)}),?\s+)$",
    re.IGNORECASE,
)
# What follows a first name used as a name ("Claire m'a donné", "Florence, de l'agence", "Grace, from").
_AFTER_CUE = re.compile(
    r"^\s*,?\s*(?:m['’](?:a|avait|ont)\b|a\s+(?:été|dit|fait|pris|promis|raccroché)|avait|de\s+l['’]agence|du\s+service|de\s+chez|"
    r"from\b|at\s+the\b|in\s+the\b|said|told|promised|aux?\s)",
    re.IGNORECASE,
)


def _sentence_starts(text: str) -> set[int]:
    starts = {0}
    for match in re.finditer(r"(?:[.!?…]+[\"»”)]*\s+|\n\s*|^\s*[-•*]\s+)", text, re.MULTILINE):
        starts.add(match.end())
    return starts


class PersonRecognizer(_RuleRecognizer):
    """People's names from titles, the first-name list and the NER, with rules.

    - A title and what follows ("Mme Martin", "M. Dupont", "Mme B.") is a
      person, title included.
    - A known first name, capitalised, with the capitalised words after it
      ("Jean-Pierre", "Kévin Durand"); a first name that is also a common
      word ("Rose", "Pierre") only with a surname or after a person cue.
    - A known first name in lower case ("j'ai eu jean-marc au tel") after a
      person cue ("avec", "eu", "conseiller"…).
    - A PER entity of spaCy's NER when it is not a lone sentence-initial
      word, a brand or a known non-name.
    """

    def __init__(self, supported_language: str = "fr") -> None:
        super().__init__(supported_entities=[PERSON], supported_language=supported_language, name="EcoutePersonRecognizer")

    def analyze(self, text, entities, nlp_artifacts=None):
        results: list[RecognizerResult] = []
        names, ambiguous, banned = first_names(), ambiguous_first_names(), never_person_words()
        starts = _sentence_starts(text)
        brands = _brand_spans(text)
        shouting = sum(ch.isupper() for ch in text) > 0.5 * max(1, sum(ch.isalpha() for ch in text))
        for match in _NAME_AFTER_TITLE.finditer(text):
            tail = match.group(0).split()[-1].strip(".").casefold()
            # A title makes a person even of a brand's name ("Mme Boulanger"), unless the whole is a brand ("Mr. Cooper").
            if tail not in _TITLE_WORDS and not any(s <= match.start() < e for s, e in brands):
                results.append(RecognizerResult(PERSON, match.start(), match.end(), 0.9))
        for pattern in (_LOWER_TITLE, _INITIAL_SURNAME):
            for match in pattern.finditer(text):
                if match.group(0).split()[-1].casefold() not in banned:
                    results.append(RecognizerResult(PERSON, match.start(), match.end(), 0.8))
        words = list(_WORD.finditer(text))
        i = 0
        while i < len(words):
            word = words[i]
            token = word.group(0)
            folded = token.casefold()
            before = text[max(0, word.start() - 40) : word.start()]
            after = text[word.end() : word.end() + 30]
            capitalised = token[0].isupper()
            known = folded in names and folded not in banned
            strong = capitalised and not token.isupper() and bool(_STRONG_CONTEXT.search(before)) and folded not in banned
            if not (known or strong) or _after_law(before) or any(s <= word.start() < e for s, e in brands):
                i += 1
                continue
            cue = bool(_NAME_CONTEXT.search(before)) or bool(_AFTER_CUE.match(after))
            end, j = word.end(), i + 1
            # Following words are the surname: capitalised, or lower case after a lower-case first name at a line's edge.
            while j < len(words) and words[j].start() - end <= 1 and words[j].group(0)[0].isupper() and words[j].group(0).casefold() not in banned:
                end = words[j].end()
                j += 1
            has_surname = j > i + 1
            at_edge = _at_line_edge(text, word.start(), word.end())
            if not capitalised and not has_surname and at_edge and j < len(words) and words[j].start() - end <= 1:
                end, j, has_surname = words[j].end(), j + 1, True  # "nadège kowalczyk" signing a tweet
            if token.isupper() and len(token) > 1 and not has_surname and (shouting or folded not in names):
                i += 1  # an acronym, or a shouted word
                continue
            if folded in ambiguous and not (capitalised and (has_surname or cue)):
                i += 1
                continue
            if not capitalised and not (cue or at_edge):
                i += 1
                continue
            results.append(RecognizerResult(PERSON, word.start(), end, 0.85 if (capitalised or cue) else 0.6))
            i = j
        if nlp_artifacts is not None and nlp_artifacts.entities:
            for ent in nlp_artifacts.entities:
                if ent.label_ not in ("PER", "PERSON"):
                    continue
                span_text = ent.text.strip()
                tokens = _WORD.findall(span_text)
                if not tokens or any(t.casefold() in banned or t.casefold() in _TITLE_WORDS for t in tokens):
                    continue
                if not all(t[0].isupper() for t in tokens) or any(s <= ent.start_char < e for s, e in brands):
                    continue
                before = text[max(0, ent.start_char - 40) : ent.start_char]
                if _after_law(before):
                    continue
                if len(tokens) == 1 and (ent.start_char in starts or tokens[0].isupper() or not _NAME_CONTEXT.search(before)):
                    continue  # "Merci", "Livraison", a place name: a lone word needs a person cue
                results.append(RecognizerResult(PERSON, ent.start_char, ent.start_char + len(ent.text.rstrip()), 0.7))
        return results


def _after_law(before: str) -> bool:
    """"loi Hamon", "loi Chatel": laws named after people are not people."""
    return bool(re.search(r"\b(?:loi|law|décret|amendement)\s+$", before, re.IGNORECASE))


def _at_line_edge(text: str, start: int, end: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    head = text[line_start:start].strip(" -–—,:;.!?\"'")
    tail = text[end:line_end].strip(" -–—,:;.!?\"'")
    return not head or not tail or len(tail.split()) <= 1
