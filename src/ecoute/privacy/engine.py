"""Finding personal data (Presidio analyzer) and replacing it (Presidio
anonymizer) with consistent placeholders.

``Protector.detect`` returns what was found in a text; ``Protector.protect``
returns the pseudonymised text and its placeholders with their spans. It
runs before any other stage reads the text, so no span needs remapping.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Sequence

from ecoute.privacy.recognizers import ADDRESS, BIRTH_DATE, ENTITY_TYPES, PERSON, PRESIDIO_TYPES, build_recognizers

MODES = ("pseudonymise", "anonymise", "off")
LANGUAGES = ("fr", "en")
# When two findings overlap, the more specific type wins, then the longer span.
_PRIORITY = {
    "EMAIL_ADDRESS": 9, "EMAIL": 9, "IBAN_CODE": 9, "IBAN": 9, "CARD": 8, "NIR": 8.5, "PHONE": 7, "BIRTH_DATE": 7,
    "ACCOUNT_ID": 6, "PLATE": 6, "PHONE_INTL": 5.5, "ADDRESS": 5, "PERSON": 4,
}  # fmt: skip
PLACEHOLDER = re.compile(r"<(" + "|".join(ENTITY_TYPES) + r")(?:_(\d+)|:[^<>\n]{1,40})?>")


@dataclass(frozen=True, slots=True)
class Finding:
    type: str
    start: int
    end: int
    text: str
    score: float


@dataclass(slots=True)
class Protected:
    text: str
    pii: list[dict[str, Any]]  # every placeholder in ``text``, with its span
    findings: list[Finding]  # offsets into the original text


def placeholders_in(text: str) -> list[dict[str, Any]]:
    """The placeholders of a pseudonymised text: type, placeholder and span.
    Read from the text itself, so it also holds for text pseudonymised before
    (re-analysis of stored text)."""
    return [{"type": m.group(1), "placeholder": m.group(0), "start": m.start(), "end": m.end()} for m in PLACEHOLDER.finditer(text)]


class _Artifacts:
    """The slice of Presidio's NlpArtifacts our recognizers and the
    context enhancer read, built from a spaCy Doc we already have."""

    def __init__(self, doc: Any, language: str) -> None:
        self.entities = list(doc.ents) if doc is not None else []
        self.tokens = doc if doc is not None else []
        self.tokens_indices = [token.idx for token in doc] if doc is not None else []
        self.lemmas = [token.lemma_ or token.lower_ for token in doc] if doc is not None else []
        self.nlp_engine = None
        self.language = language
        self.scores = None
        self.keywords = [lemma for lemma in self.lemmas if lemma.isalpha()]

    def to_json(self) -> str:  # Presidio logs artifacts in its decision process
        return "{}"


class _NoNlpEngine:
    """Presidio wants an NLP engine; ecoute hands it artifacts itself, so this
    one is never asked to process text."""

    def load(self) -> None:
        pass

    def is_loaded(self) -> bool:
        return True

    def get_supported_languages(self) -> list[str]:
        return list(LANGUAGES)

    def get_supported_entities(self) -> list[str]:
        return []

    def is_stopword(self, word: str, language: str) -> bool:
        return False

    def is_punct(self, word: str, language: str) -> bool:
        return not any(ch.isalnum() for ch in word)

    def process_text(self, text: str, language: str):
        return _Artifacts(None, language)

    def process_batch(self, texts, language, **kwargs):
        for text in texts:
            yield text, _Artifacts(None, language)


class Protector:
    """Detects and replaces personal data. Build once; thread-safe to call."""

    def __init__(self, mode: str = "pseudonymise", extra_account_patterns: Sequence[str] = (), threshold: float = 0.5) -> None:
        from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
        from presidio_anonymizer import AnonymizerEngine

        self.mode = mode
        self.threshold = threshold
        registry = RecognizerRegistry(supported_languages=list(LANGUAGES))
        for language in LANGUAGES:
            for recognizer in build_recognizers(language, extra_account_patterns):
                registry.add_recognizer(recognizer)
        self.analyzer = AnalyzerEngine(registry=registry, nlp_engine=_NoNlpEngine(), supported_languages=list(LANGUAGES))
        self.anonymizer = AnonymizerEngine()

    def detect(self, text: str, language: str | None, doc: Any = None) -> list[Finding]:
        """Personal data in ``text``, overlaps resolved, in text order."""
        lang = language if language in LANGUAGES else "en"
        results = self.analyzer.analyze(text=text, language=lang, nlp_artifacts=_Artifacts(doc, lang), score_threshold=self.threshold)
        findings = [
            Finding(r.entity_type, r.start, r.end, text[r.start : r.end], r.score)
            for r in results
            if not _inside_placeholder(text, r.start, r.end)
        ]
        return [
            Finding(PRESIDIO_TYPES.get(f.type, f.type), f.start, f.end, f.text, f.score) for f in _resolve(findings)
        ]

    def protect(self, text: str, language: str | None, doc: Any = None) -> Protected:
        if self.mode == "off":
            return Protected(text, [], [])
        findings = self.detect(text, language, doc)
        new_text = _replace(self.anonymizer, text, findings, _placeholders(findings, self.mode))
        return Protected(new_text, placeholders_in(new_text), findings)


def _inside_placeholder(text: str, start: int, end: int) -> bool:
    """Text already pseudonymised (re-analysis) must not be pseudonymised again."""
    for match in PLACEHOLDER.finditer(text, max(0, start - 45), min(len(text), end + 45)):
        if match.start() <= start and end <= match.end() or start <= match.start() < end:
            return True
    return False


def _resolve(findings: list[Finding]) -> list[Finding]:
    findings = _merge_people(findings)
    ranked = sorted(findings, key=lambda f: (-_PRIORITY.get(f.type, 0), -(f.end - f.start), -f.score, f.start))
    kept: list[Finding] = []
    for finding in ranked:
        if all(finding.end <= other.start or finding.start >= other.end for other in kept):
            kept.append(finding)
    return sorted(kept, key=lambda f: f.start)


def _merge_people(findings: list[Finding]) -> list[Finding]:
    """Overlapping names are one name: "Mr PISSON Jean" and "PISSON Jean
    Jacques" make "Mr PISSON Jean Jacques"."""
    people = sorted((f for f in findings if f.type == PERSON), key=lambda f: (f.start, -f.end))
    merged: list[Finding] = []
    for finding in people:
        last = merged[-1] if merged else None
        if last is not None and finding.start < last.end:
            if finding.end > last.end:
                merged[-1] = Finding(PERSON, last.start, finding.end, last.text + finding.text[last.end - finding.start :], max(last.score, finding.score))
            continue
        merged.append(finding)
    return [f for f in findings if f.type != PERSON] + merged


def _person_words(name: str) -> tuple[str, ...]:
    """The words that name a person whatever the spelling: "Mme Martin",
    "MARTIN", "madame martin" → ("martin",); "Kévin Durand" → ("kevin", "durand")."""
    from ecoute.privacy.persons import _TITLES

    bare = re.sub(rf"^(?:{_TITLES})\s+", "", name.strip(), flags=re.IGNORECASE)
    bare = re.sub(r"['’]s$", "", bare)
    folded = unicodedata.normalize("NFKD", bare).encode("ascii", "ignore").decode().casefold()
    words = tuple(w for w in re.split(r"[\s.,]+", folded) if w and w not in _PARTICLES)
    return words or (folded,)


_PARTICLES = frozenset({"de", "du", "des", "d'", "van", "von", "le", "la", "et", "and"})


def _value_key(finding: Finding) -> str:
    return re.sub(r"[\s.\-/]", "", finding.text).casefold()


def _person_groups(findings: list[Finding]) -> dict[int, int]:
    """Which findings name the same person: a name whose words are all in a
    longer one found in the same text is that person ("Kévin" and "Kévin
    Durand", "MARTIN" and "Mme Martin"); names are grouped by their last word
    otherwise. Returns, for each person finding's index, its group."""
    people = [(index, _person_words(f.text)) for index, f in enumerate(findings) if f.type == PERSON]
    groups: list[set[str]] = []
    by_surname: dict[str, int] = {}
    assigned: dict[int, int] = {}
    for index, words in sorted(people, key=lambda item: (-len(item[1]), item[0])):
        group = next((g for g, known in enumerate(groups) if len(words) < len(known) and set(words) <= known), None)
        if group is None:
            group = by_surname.get(words[-1])
        if group is None:
            groups.append(set(words))
            group = len(groups) - 1
            by_surname.setdefault(words[-1], group)
        assigned[index] = group
    return assigned


def _placeholders(findings: list[Finding], mode: str) -> list[str]:
    numbers: dict[tuple[str, object], int] = {}
    counters: dict[str, int] = {}
    groups = _person_groups(findings)
    out = []
    for index, finding in enumerate(findings):
        if mode == "anonymise" and finding.type in (ADDRESS, BIRTH_DATE):
            out.append(_generalise(finding))
            continue
        key = (finding.type, groups[index] if finding.type == PERSON else _value_key(finding))
        if key not in numbers:
            counters[finding.type] = counters.get(finding.type, 0) + 1
            numbers[key] = counters[finding.type]
        out.append(f"<{finding.type}_{numbers[key]}>")
    return out


def _generalise(finding: Finding) -> str:
    """Anonymise mode: an address becomes its city, a date of birth its decade."""
    if finding.type == ADDRESS:
        city = re.search(r"\d{5}\s+([^\d,;()\n]{2,40})$", finding.text)
        return f"<ADDRESS:{city.group(1).strip()}>" if city else "<ADDRESS>"
    year = re.search(r"(19|20)\d\d", finding.text)
    return f"<BIRTH_DATE:{year.group(0)[:3]}0s>" if year else "<BIRTH_DATE>"


def _replace(anonymizer: Any, text: str, findings: list[Finding], placeholders: list[str]) -> str:
    """Replace through Presidio's anonymizer, one placeholder per finding."""
    from presidio_anonymizer.entities import OperatorConfig, RecognizerResult

    if not findings:
        return text
    # Presidio's operators are per entity type; a unique type per finding lets
    # each carry its own placeholder.
    results = [RecognizerResult(f"E{i}", f.start, f.end, f.score) for i, f in enumerate(findings)]
    operators = {f"E{i}": OperatorConfig("replace", {"new_value": placeholder}) for i, placeholder in enumerate(placeholders)}
    return anonymizer.anonymize(text=text, analyzer_results=results, operators=operators).text
