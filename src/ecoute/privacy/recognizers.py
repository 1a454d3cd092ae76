"""Presidio recognizers for French and English testimonies.

Presidio brings the framework (recognizer registry, scoring, context words,
anonymizer) and a few recognizers we reuse (credit cards with Luhn, IBAN
with mod-97, phone numbers through ``phonenumbers``). What French testimonies
need and Presidio lacks is here: French phone formats, the NIR with its key,
licence plates, customer/contract/claim numbers after their trigger words,
postal addresses, dates of birth, and people's names — which spaCy's French
NER alone gets wrong (it tags "Merci" or "Livraison" as persons), so names
come from titles, a first-name list and NER filtered by rules.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.predefined_recognizers import EmailRecognizer, IbanRecognizer, PhoneRecognizer


from ecoute.privacy.persons import PersonRecognizer, _RuleRecognizer

# Countries whose phone formats are recognised beyond the French ones (through `phonenumbers`).
PHONE_REGIONS = ("BE", "CH", "LU", "GB", "IE", "US", "CA", "DE", "ES", "IT", "PT", "NL")

# Entity types ecoute reports (placeholders are <TYPE_n>).
PERSON, PHONE, EMAIL, ADDRESS, ACCOUNT_ID = "PERSON", "PHONE", "EMAIL", "ADDRESS", "ACCOUNT_ID"
IBAN, CARD, NIR, PLATE, BIRTH_DATE = "IBAN", "CARD", "NIR", "PLATE", "BIRTH_DATE"
ENTITY_TYPES = (PERSON, PHONE, EMAIL, ADDRESS, ACCOUNT_ID, IBAN, CARD, NIR, PLATE, BIRTH_DATE)


# --- patterns ------------------------------------------------------------------

_SEP = r"[\s.\-]?"


class FrenchPhoneRecognizer(PatternRecognizer):
    """06 12 34 56 78, 06.12.34.56.78, 0612345678, +33 6 12 34 56 78, 0033 (0)1 23 45 67 89."""

    def __init__(self, supported_language: str = "fr") -> None:
        patterns = [
            Pattern("fr_national", rf"(?<![\d+])0[1-9](?:{_SEP}\d\d){{4}}(?!\d)", 0.85),
            Pattern("fr_international", rf"(?<!\d)(?:\+|00)\s?33\s?(?:\(0\)\s?)?[1-9](?:{_SEP}\d\d){{4}}(?!\d)", 0.9),
            Pattern(
                "international",
                r"(?<![\w+])\+(?!33)\d{1,3}[\s.\-]?(?:\(\d{1,4}\)[\s.\-]?)?\d{2,4}(?:[\s.\-]?\d{2,4}){1,4}(?!\d)",
                0.7,
            ),
        ]
        super().__init__(supported_entity=PHONE, patterns=patterns, supported_language=supported_language,
                         context=["tel", "tél", "téléphone", "portable", "mobile", "phone", "call", "appeler", "joindre"])

    def validate_result(self, pattern_text: str) -> bool | None:
        digits = sum(ch.isdigit() for ch in pattern_text)
        return 8 <= digits <= 15


def _nir_key_ok(value: str) -> bool:
    compact = re.sub(r"[\s.\-]", "", value).upper()
    if len(compact) != 15:
        return False
    body, key = compact[:13], compact[13:]
    body = body.replace("2A", "19").replace("2B", "18")
    if not (body.isdigit() and key.isdigit()):
        return False
    return 97 - int(body) % 97 == int(key)


class NirRecognizer(PatternRecognizer):
    """French social-security number (NIR), 15 characters, checked with its key."""

    def __init__(self, supported_language: str = "fr") -> None:
        pattern = (
            r"(?<![\w])[12][\s.\-]?\d\d[\s.\-]?(?:0[1-9]|1[0-2]|[2-9]\d)[\s.\-]?(?:\d\d|2[AaBb])"
            r"[\s.\-]?\d{3}[\s.\-]?\d{3}[\s.\-]?\d\d(?![\w])"
        )
        super().__init__(supported_entity=NIR, patterns=[Pattern("nir", pattern, 0.6)], supported_language=supported_language,
                         context=["sécurité sociale", "securite sociale", "sécu", "secu", "nir", "insee", "vitale"])

    def validate_result(self, pattern_text: str) -> bool | None:
        return _nir_key_ok(pattern_text)


class PlateRecognizer(PatternRecognizer):
    """French licence plates since 2009 (AB-123-CD, AB 123 CD)."""

    def __init__(self, supported_language: str = "fr") -> None:
        letters = "[A-HJ-NP-TV-Z]"
        patterns = [
            # With dashes the shape is distinctive enough in any case ("kb-507-ra" in a tweet).
            Pattern("plate_dashes", rf"(?<![\w-]){letters}{{2}}-\d{{3}}-{letters}{{2}}(?![\w-])", 0.7),
            Pattern("plate", rf"(?-i:(?<![\w-]){letters}{{2}}[\s]?\d{{3}}[\s]?{letters}{{2}}(?![\w-]))", 0.6),
        ]
        super().__init__(supported_entity=PLATE, patterns=patterns, supported_language=supported_language,
                         context=["immatriculation", "immatriculé", "plaque", "véhicule", "voiture", "plate", "registration"])


_MAYBE_PHONE = re.compile(r"\d(?:[\s().\-]{0,2}\d){8}")


class InternationalPhoneRecognizer(PhoneRecognizer):
    """Presidio's phone recognizer (``phonenumbers``) for other countries'
    formats, trusted a little more than Presidio's default: ecoute's texts
    are testimonies, where a number in a phone format is a phone."""

    SCORE = 0.6

    def __init__(self, supported_language: str = "en", supported_regions=()) -> None:
        # Its own entity name, so that an identifier after "account number" wins over it (see engine._PRIORITY).
        super().__init__(supported_language=supported_language, supported_regions=supported_regions, supported_entity="PHONE_INTL")

    def analyze(self, text, entities, nlp_artifacts=None, regex_flags=None):
        if not _MAYBE_PHONE.search(text):
            return []  # phonenumbers' matcher is slow; most testimonies hold no long digit run
        results = super().analyze(text, entities, nlp_artifacts)
        kept = []
        for result in results:
            found = text[result.start : result.end]
            digits = sum(ch.isdigit() for ch in found)
            # Short numbers, years, dates and amounts are what phonenumbers over-reads in prose.
            glued = (result.start > 0 and (text[result.start - 1].isalnum() or text[result.start - 1] in "-/")) or (
                result.end < len(text) and (text[result.end].isalnum() or text[result.end] in "-/")
            )
            if 9 <= digits <= 15 and "/" not in found and not glued and not re.search(r"\d\s{2,}\d", found):
                kept.append(result)
        return kept


def _luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


class CardRecognizer(PatternRecognizer):
    """Payment card numbers, 13 to 19 digits, Luhn-checked (Mastercard's
    2-series included, which Presidio's pattern misses)."""

    def __init__(self, supported_language: str = "fr") -> None:
        pattern = r"(?<![\d\w])[2-6]\d{3}(?:[\s\-]?\d){9,15}(?![\d\w])"
        super().__init__(supported_entity=CARD, patterns=[Pattern("card", pattern, 0.6)], supported_language=supported_language,
                         context=["carte", "card", "cb", "visa", "mastercard", "amex", "débit", "credit"])

    def validate_result(self, pattern_text: str) -> bool | None:
        digits = re.sub(r"\D", "", pattern_text)
        return 13 <= len(digits) <= 19 and _luhn_ok(digits)


_DOT = r"(?:\s*\.\s*|\s*[\[(]\s*(?:dot|point)\s*[\])]\s*|\s+(?:dot|point)\s+)"
_AT = r"(?:\s*[\[(]\s*(?:at|arobase|@)\s*[\])]\s*|\s+(?:at|arobase)\s+)"


class ObfuscatedEmailRecognizer(PatternRecognizer):
    """E-mail addresses written to dodge robots: "jean point dupont at gmail
    point com", "marie.l[at]orange.fr", "k.osei(at)proton.me"."""

    def __init__(self, supported_language: str = "fr") -> None:
        pattern = rf"(?<![\w.])[\w+\-]+(?:{_DOT}[\w+\-]+)*{_AT}[\w\-]+(?:{_DOT}[\w\-]+)*{_DOT}(?:com|fr|net|org|me|io|eu|be|ch|uk|de|info|biz)(?![\w])"
        super().__init__(supported_entity=EMAIL, patterns=[Pattern("obfuscated_email", pattern, 0.7)], supported_language=supported_language)


class OfflineEmailRecognizer(EmailRecognizer):
    """Presidio's e-mail recognizer with the bundled public-suffix list only:
    the default one tries to download the list on first use."""

    def validate_result(self, pattern_text: str) -> bool | None:
        return bool(_tld_extractor()(pattern_text).suffix)


@lru_cache(maxsize=1)
def _tld_extractor():
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=())


# --- identifiers after their trigger words -------------------------------------

_TRIGGERS_FR = (
    r"(?:n°|no\.?|num(?:é|e)ro|numéro)\s*(?:de\s+)?(?:client|contrat|dossier|sinistre|commande|adh(?:é|e)rente?|police|"
    r"r(?:é|e)f(?:(?:é|e)rence)?|ticket|r(?:é|e)clamation|facture|compte|ligne|suivi|colis|pr(?:ê|e)t)"
    r"|(?:client|contrat|dossier|sinistre|commande|adh(?:é|e)rente?|police|ticket|r(?:é|e)clamation|facture|compte|pr(?:ê|e)t)"
    r"\s*(?:n°|no\.?|num(?:é|e)ro|#)"
    r"|r(?:é|e)f(?:(?:é|e)rence)?\.?|dossier|sinistre|contrat|commande|identifiant|id\s+client|adh(?:é|e)rente?|"
    r"r(?:é|e)clamation|pr(?:ê|e)t|colis|suivi|n°|no\.|#"
)
_TRIGGERS_EN = (
    r"(?:customer|account|contract|policy|claim|order|case|ticket|reference|ref|file|booking|membership|member|invoice|"
    r"loan|complaint|dispute|tracking|confirmation|transaction)"
    r"\s*(?:number|no\.?|n°|#|id)?|(?:account|card)\s+ending(?:\s+in)?"
)
# An identifier: letters, digits and separators, holding at least three digits.
_IDENT = r"(?=[A-Za-z0-9\-/_.\s]*\d[A-Za-z0-9\-/_.\s]*\d[A-Za-z0-9\-/_.\s]*\d)[A-Za-z0-9](?:[A-Za-z0-9]|[\-/_.](?=[A-Za-z0-9])|\s(?=\d{2,}))*"
# After a trigger and one more word ("contrat habitation HAB-2022-774015"): only strong identifiers.
_STRONG_IDENT = r"[A-Z]{1,6}-?\d[A-Z0-9\-/]{4,}|\d{6,}"


class AccountIdRecognizer(_RuleRecognizer):
    """Customer, contract, claim, order and file numbers after their trigger
    words ("contrat n° AX-2023-55871", "référence CLT-88412", "order #A-55120").

    Only the identifier is reported, not the words before it. Operators add
    their own patterns (a regular expression with one group) through
    ``extra_patterns``.
    """

    def __init__(self, supported_language: str = "fr", extra_patterns: Iterable[str] = ()) -> None:
        self._patterns = [
            re.compile(
                rf"(?<![\w])(?:{_TRIGGERS_FR}|{_TRIGGERS_EN})\s*[:#°]?\s*(?:est\s+(?:le\s+)?|is\s+|was\s+)?\(?\s*({_IDENT})", re.IGNORECASE
            ),
            re.compile(rf"(?<![\w])(?i:{_TRIGGERS_FR}|{_TRIGGERS_EN})\s+[a-zA-Zéèê]+,?\s+({_STRONG_IDENT})(?![\w])"),
            *(re.compile(p, re.IGNORECASE) for p in extra_patterns),
        ]
        super().__init__(supported_entities=[ACCOUNT_ID], supported_language=supported_language, name="AccountIdRecognizer")

    def analyze(self, text, entities, nlp_artifacts=None):
        results = []
        for pattern in self._patterns:
            for match in pattern.finditer(text):
                start, end = match.span(1)
                value = text[start:end].rstrip(" .-/")
                end = start + len(value)
                first_chunk = value.split()[0] if value.split() else ""
                if (
                    sum(ch.isdigit() for ch in value) >= 3
                    and any(ch.isdigit() for ch in first_chunk)
                    and not _looks_like_amount_or_date(value)
                ):
                    results.append(RecognizerResult(ACCOUNT_ID, start, end, 0.85))
        return results


def _looks_like_amount_or_date(value: str) -> bool:
    return bool(
        re.fullmatch(
            r"\d{1,2}[/.\-]\d{1,2}(?:[/.\-]\d{2,4})?|\d{1,3}(?:[\s.]\d{3})*(?:,\d{2})?|\d{1,2}h\d{0,2}|(?:19|20)\d\d|\d+(?:[.,]\d+)?\s?(?:€|eur|euros?|\$|%)",
            value,
            re.IGNORECASE,
        )
    )


# --- postal addresses ----------------------------------------------------------

_STREET_FR = (
    r"rue|avenue|av\.|bd|boulevard|place|pl\.|chemin|ch\.|allée|allee|impasse|imp\.|route|rte|quai|cours|square|"
    r"résidence|residence|lotissement|lieu-dit|faubourg|fbg|passage|villa|cité|cite|sentier|voie|hameau|parvis|esplanade|promenade"
)
_STREET_EN = r"street|st\.?|road|rd\.?|avenue|ave\.?|lane|ln\.?|drive|dr\.?|way|close|court|ct\.?|place|terrace|crescent|boulevard|blvd\.?"
_NAME_WORD = r"(?:[A-ZÉÈÀÂÎÔÛÇ][\w'’\-]*|(?:de|du|des|la|le|les|aux?|et|sur|sous|saint|sainte|st)(?![\w'’])|[ld]['’])"
_UK_POSTCODE = r"[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}"
_CITY = r"[A-ZÉÈ][a-zà-ÿ'’\-]+(?:[\s\-](?:[A-ZÉÈ][a-zà-ÿ'’\-]+|(?:sur|sous|en|le|la|les|de|du)(?![\w'’])|d['’]\w+)){0,3}"


class AddressRecognizer(_RuleRecognizer):
    """Postal addresses: number, street type and name, then postcode and city
    when they follow ("12 rue des Lilas, 69003 Lyon", "221B Baker Street,
    London NW1 6XE"); a postcode and city alone after "habite"/"lives" too."""

    def __init__(self, supported_language: str = "fr") -> None:
        self._patterns = [
            re.compile(
                rf"(?<![\w,])\d{{1,4}}(?:\s?(?:bis|ter|[A-Za-z])\b)?,?\s+(?i:{_STREET_FR})\s+{_NAME_WORD}(?:[\s\-]+{_NAME_WORD}){{0,5}}"
                rf"(?:,?\s+\d{{5}}\s+{_CITY}|,?\s+{_CITY}\s+\(?\d{{5}}\)?)?"
            ),
            re.compile(
                rf"(?<![\w,])\d{{1,5}}[A-Za-z]?\s+(?:[A-Z][\w'\-]+\s+){{1,3}}(?i:{_STREET_EN})(?![\w])(?:,?\s+{_CITY})?(?:,?\s+{_UK_POSTCODE}|,?\s+[A-Z]{{2}}\s+\d{{5}})?"
            ),
            re.compile(rf"(?<!\d)\d{{5}}\s+(?-i:[A-ZÉ][A-ZÉÈ\-]{{2,}}(?:\s[A-ZÉÈ\-]{{2,}})?|{_CITY})(?=\s*(?:cedex|$|[,.;\n)]))"),
        ]
        super().__init__(supported_entities=[ADDRESS], supported_language=supported_language, name="AddressRecognizer")

    def analyze(self, text, entities, nlp_artifacts=None):
        results = []
        for score, pattern in zip((0.85, 0.8, 0.5), self._patterns):
            for match in pattern.finditer(text):
                start, end = match.span()
                while end > start and text[end - 1] in " ,.;-":
                    end -= 1
                results.append(RecognizerResult(ADDRESS, start, end, score))
        return results


# --- dates of birth --------------------------------------------------------------

_BIRTH_TRIGGER = (
    r"(?:n(?:é|e)e?s?|born)(?:\s+(?:le|on|the))?|date\s+de\s+naissance\s*:?|date\s+of\s+birth\s*:?|d\.?o\.?b\.?\s*:?|"
    r"ddn\s*:?|birthday\s*:?"
)
_MONTHS = (
    r"janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre|"
    r"january|february|march|april|may|june|july|august|september|october|november|december|"
    r"janv\.?|févr\.?|fevr\.?|avr\.?|juil\.?|sept\.?|oct\.?|nov\.?|déc\.?|dec\.?|jan\.?|feb\.?|mar\.?|apr\.?|jun\.?|jul\.?|aug\.?|sep\.?"
)
_DATE = (
    rf"\d{{1,2}}[/.\-]\d{{1,2}}[/.\-]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}|(?:\d{{1,2}}(?:er|st|nd|rd|th)?\s+(?:of\s+)?)?(?:{_MONTHS})\s+(?:\d{{1,2}}(?:st|nd|rd|th)?,?\s+)?\d{{4}}"
)


class BirthDateRecognizer(_RuleRecognizer):
    """A date after "né le", "date de naissance", "born on"... (the date only)."""

    def __init__(self, supported_language: str = "fr") -> None:
        self._pattern = re.compile(
            rf"\b(?:{_BIRTH_TRIGGER})(?:\s+(?:in|à|a)\s+[A-Z][\w\-]+(?:\s+(?:on|le))?)?\s*(?:is\s+|est\s+|:\s*|\(\s*)?({_DATE})", re.IGNORECASE
        )
        super().__init__(supported_entities=[BIRTH_DATE], supported_language=supported_language, name="BirthDateRecognizer")

    def analyze(self, text, entities, nlp_artifacts=None):
        return [RecognizerResult(BIRTH_DATE, *m.span(1), 0.9) for m in self._pattern.finditer(text)]


def build_recognizers(language: str, extra_account_patterns: Iterable[str] = ()) -> list[EntityRecognizer]:
    """Every recognizer ecoute uses, for one language."""
    return [
        PersonRecognizer(language),
        FrenchPhoneRecognizer(language),
        InternationalPhoneRecognizer(supported_language=language, supported_regions=PHONE_REGIONS),
        OfflineEmailRecognizer(supported_language=language),
        ObfuscatedEmailRecognizer(language),
        IbanRecognizer(supported_language=language),
        CardRecognizer(language),
        NirRecognizer(language),
        PlateRecognizer(language),
        AccountIdRecognizer(language, extra_account_patterns),
        AddressRecognizer(language),
        BirthDateRecognizer(language),
    ]


# Presidio's own entity names, mapped to ecoute's.
PRESIDIO_TYPES = {"EMAIL_ADDRESS": EMAIL, "IBAN_CODE": IBAN, "CREDIT_CARD": CARD, "PHONE_NUMBER": PHONE, "PHONE_INTL": PHONE}
