"""People's names in testimonies, found by rules around spaCy's NER."""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer, RecognizerResult

from ecoute.privacy.lexicon import (
    _brand_spans,
    _unaccented,
    ambiguous_first_names,
    brand_words,
    common_words,
    first_names,
    function_words,
    never_person_words,
    organisation_names,
)

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
# A title in any case, or an initial, before a surname in capitals: "MME DARRAZ", "madame MYLLE", "M.FOUQAR", "S.MALTESE".
_CAPS_AFTER_TITLE = re.compile(
    r"(?<![\w])(?:(?i:madame|monsieur|mademoiselle|mme|mlle|mr|mrs)[^\S\n]+|(?i:m|mme|mlle|mr)\.[^\S\n]?|[A-Z]\.[^\S\n]?)"
    r"([A-ZÉÈÊÀÂÎÔÛÇÏ]{2,}(?:[-'’][A-ZÉÈÊÀÂÎÔÛÇÏ]{2,})*)(?![\w.])"
)
# Closing formulas a signature follows.
_CLOSING_LINE = re.compile(
    r"(?<![\w])(?:(?:bien\s+|très\s+)?cordialement|salutations(?:\s+distinguées)?|bien\s+à\s+vous|sincèrement|respectueusement|"
    r"merci(?:\s+encore|\s+d['’]avance)?|[àa]\s+bient[ôo]t|bonne\s+(?:journée|soirée|fin\s+de\s+journée)|"
    r"(?:best\s+|kind\s+|warm\s+)?regards|sincerely|thanks|thank\s+you)[^\S\n]*[,.!]*[^\S\n]*",
    re.IGNORECASE,
)
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
    r"(?:\b(?:named|nommée?|appelée?|dénommée?|s'appelle|prénom|called|remercier|remercie|merci\s+à|thanks\s+to|certaine?|"
    rf"name\s+is|m'appelle|{'|'.join(_ROLE_WORDS + _FAMILY_WORDS)}),?[^\S\n]+)\Z",
    re.IGNORECASE,
)
# Cues for a name written in capitals that no list knows ("GWENDAL", "NISRINE"): the strong cues, thanks
# ("merci à", "merçi a"), a conversation ("échange avec", "eu affaire à") or being served by someone
# ("reçu par", "renseignée par"), optionally with quotes ("la conseillère « FAIROUZ »").
_CAPS_NAME_CONTEXT = re.compile(
    r"(?:\b(?:named|nommée?|appelée?|dénommée?|s'appelle|prénom|called|remercier|remercie|certaine?|name\s+is|m'appelle|"
    r"signed\s+as|signée?|"
    r"mer[cç]ie?\s+(?:beaucoup\s+|encore\s+|bien\s+)?(?:à|a)|thanks\s+to|"
    r"(?:échange|échangé|echange|contact|entretien|conversation|discussion|discuté|discute|parlé|parle|"
    r"rendez-vous|rdv|appel|intervention|rencontre)\s+(?:\w+\s+){0,3}?(?:avec|with)|eu\s+affaire\s+(?:à|a)|"
    r"(?:re[çc]ue?s?|renseignée?s?|conseillée?s?|accueillie?s?|aidée?s?|guidée?s?|accompagnée?s?|orientée?s?|rappelée?s?|"
    r"contactée?s?|servie?s?|informée?s?|dépannée?s?|écoutée?s?|fournie?s?|expliquée?s?|traitée?s?|suivie?s?)"
    r"\s+(?:\w+\s+){0,2}?par|"
    rf"{'|'.join(w for w in _ROLE_WORDS + _FAMILY_WORDS if w not in ('son', 'responsable'))})[,:]?[^\S\n]*[\"«“'‘]?[^\S\n]*)\Z",
    re.IGNORECASE,
)
# What follows a name met in conversation: "X au téléphone", "X qui m'a…", "X a su…", "X, très aimable".
_PERSON_ADJECTIVES = (
    r"(?:aimable|agréable|agreable|sympathique|sympa|souriante?|gentille?|patiente?|compétente?|competente?|professionnelle?|"
    r"courtoise?|serviable|charmante?|adorable|à\s+l['’]écoute|a\s+l['’]ecoute)"
)
_CAPS_AFTER_CUE = re.compile(
    r"^[\"»”'’]?\s*,?\s*(?:au\s+(?:téléphone|telephone|tél|tel|bout\s+du\s+fil)|on\s+the\s+phone|"
    r"(?:qui\s+)?m['’]\s*(?:a|as|avait)\b|qui\s+(?:a|avait)\s+(?:su|pris\s+le\s+temps|fait\s+preuve)|"
    r"a\s+(?:su|sut|pu|pris\s+le\s+temps|fait\s+preuve)\b|"
    rf"(?:qui\s+)?(?:est|était|etait|a\s+été|a\s+ete)?\s*(?:très\s+|tres\s+|super\s+|vraiment\s+)?{_PERSON_ADJECTIVES}\b)",
    re.IGNORECASE,
)
# A name signing a message: on its own line (or with its surname) after a closing formula.
_CLOSING = re.compile(
    r"(?:cordialement|salutations(?:\s+distinguées)?|bien\s+à\s+vous|sincèrement|respectueusement|regards|merci(?:\s+encore)?)"
    r"[\s,.!]*\Z",
    re.IGNORECASE,
)
# What follows a first name used as a name ("Claire m'a donné", "Florence, de l'agence", "Grace, from").
_AFTER_CUE = re.compile(
    r"^\s*,?\s*(?:m['’](?:a|avait|ont)\b|a\s+(?:été|dit|fait|pris|promis|raccroché)|avait|de\s+l['’]agence|du\s+service|de\s+chez|"
    r"from\b|at\s+the\b|in\s+the\b|said|told|promised|aux?\s)",
    re.IGNORECASE,
)


# Bare thanks before a known first name in capitals ("MERCI NICOLAS").
_MERCI = re.compile(r"\bmer[cç]ie?[^\S\n]+(?:beaucoup[^\S\n]+|encore[^\S\n]+|à[^\S\n]+|a[^\S\n]+)?\Z", re.IGNORECASE)
# In English only these introduce a name no list knows ("an agent named PRIYA").
_NAMING_CUE = re.compile(
    r"\b(?:named|(?<!\bi\s)(?<!\bwe\s)called|name\s+is|signed\s+(?:off\s+)?as|thanks\s+to)[,:]?[^\S\n]*[\"“'‘]?[^\S\n]*\Z", re.IGNORECASE
)
# After a signing name: at most three more capitalised words (the surname) on its line.
_SIGNATURE_TAIL = re.compile(r"^[\"»”'’]?[ \t,.!]*(?:[A-ZÉÈÊÀÂÎÔÛÇÏ][\w'’.\-]*[ \t,.!]*){0,3}\Z")
_VOWELS = frozenset("aeiouyéèêëàâîïôûùü")
_SURNAME_PARTICLES = frozenset({"da", "de", "del", "della", "di", "do", "dos", "das", "du", "van", "von", "der", "den", "ben", "el", "le", "la"})
# "d'Emma", "qu'Anne", "d'IKRAM": the elided word is not part of the name.
# Not "l'": "l'Olivier" is the insurer, "Olivier" a man.
_ELISION = re.compile(r"^(?:[dD]|[Qq]u|[Jj]usqu|[Ll]orsqu|[Pp]uisqu)['’](?=[A-ZÉÈÊÀÂÎÔÛÇÏ])")
# "J'ai", "C'est", "M'a": an elided word, never a name (unlike "N'Diaye").
_ELIDED_WORD = re.compile(r"^(?:[cjlmnstCJLMNST]|[Qq]u)['’][a-zéèêàâîôûç]")
# "Liam's", "Liam’s", "James'": the possessive is not part of the name.
_POSSESSIVE = re.compile(r"(?<=\w)['’][sS]?$")


def _words(text: str) -> list[tuple[int, int, str]]:
    """The words of ``text`` as (start, end, word), with quotes, elided
    articles and possessives cut off: "'Liam'" → "Liam", "Liam's" → "Liam",
    "d'Emma" → "Emma"."""
    out = []
    for match in _WORD.finditer(text):
        start, end, word = match.start(), match.end(), match.group(0)
        while word and word[0] in "'’":
            start, word = start + 1, word[1:]
        possessive = _POSSESSIVE.search(word)
        if possessive:
            end, word = end - len(possessive.group(0)), word[: possessive.start()]
        elided = _ELISION.match(word)
        if elided:
            start, word = start + elided.end(), word[elided.end() :]
        if word:
            out.append((start, end, word))
    return out


def _unknown_name_shape(token: str, min_letters: int, banned) -> bool:
    """Letters only, ``min_letters`` or more with two vowels, and neither a
    word of the language, a brand, an organisation nor a known non-name:
    what a name no list knows looks like ("GWENDAL", not "LRAR", "HONTEUX",
    "ATTESTATION", "MAIF")."""
    folded = token.casefold()
    letters = re.sub(r"[-'’]", "", token)
    if not letters.isalpha() or len(letters) < min_letters or sum(ch in _VOWELS for ch in folded) < 2:
        return False
    if folded in banned or _unaccented(folded) in banned or folded in organisation_names():
        return False
    return not any(part in common_words() or part in banned for part in re.split(r"[-'’]", folded) if part)


def _signature_lines(text: str, names, banned, in_brand) -> list[RecognizerResult]:
    """A name signing after a closing formula, on the same line or the next
    ("Cordialement,\nHanen  REKIK", "merci cordialement R MALLET", "A
    Bientôt\nAdel JBILOU"): a line of one to four capitalised words, titles,
    initials and particles, none a word of the language unless a first name,
    at least one a first name or a name no list knows."""
    found = []
    for closing in _CLOSING_LINE.finditer(text):
        rest_of_line = text[closing.end() : (text.find("\n", closing.end()) + 1 or len(text) + 1) - 1]
        if rest_of_line.strip():
            line_start, line = closing.end(), rest_of_line
        else:
            following = re.match(r"[^\S\n]*\n\s*", text[closing.end() :])
            if not following:
                continue
            line_start = closing.end() + following.end()
            line_end = text.find("\n", line_start)
            line = text[line_start : len(text) if line_end < 0 else line_end]
        if not line.strip() or re.search(r"[^\w\s.,'’\-]", line):
            continue
        tokens = _words(line)
        if not 1 <= len(tokens) <= 4:
            continue
        evidence, ok = False, True
        for _, _, token in tokens:
            folded = token.casefold()
            if folded in _TITLE_WORDS or (len(token) == 1 and token.isupper()) or (folded in _SURNAME_PARTICLES and len(tokens) > 2):
                continue
            if not token[0].isupper() or folded in banned or _unaccented(folded) in function_words() or folded.startswith("cordia"):
                ok = False  # "Cordialment", "Cordiamement": the formula misspelt
                break
            if folded in names:
                evidence = True
            elif _unknown_name_shape(token, 3 if len(tokens) > 1 else 4, banned):  # "Merci AFI" alone is no name
                evidence = True
            else:
                ok = False
                break
        if ok and evidence and not in_brand(line_start + tokens[0][0]):
            found.append(RecognizerResult(PERSON, line_start + tokens[0][0], line_start + tokens[-1][1], 0.85))
    return found


def _joined(text: str, end: int, start: int) -> bool:
    """Two words side by side on one line ("Kévin Durand", not "Kévin\nDurand")."""
    return text[end:start] in ("", " ", "\u00a0")


def _signs(text: str, start: int, stop: int) -> bool:
    """Whether the word at ``start:stop`` signs the text: after a closing
    formula ("Cordialement", "Bien à vous", "Merci"), followed on its line by
    its surname at most ("Cordialement,\nGWENDAL", "Cordialement Marie
    Dupont")."""
    line_end = text.find("\n", stop)
    tail = text[stop : len(text) if line_end < 0 else line_end]
    return bool(_SIGNATURE_TAIL.match(tail)) and bool(_CLOSING.search(text[max(0, start - 60) : start]))


def _without_possessive(text: str, result: RecognizerResult) -> RecognizerResult:
    """"Dr. Nguyen's" is found as "Dr. Nguyen"."""
    found = _POSSESSIVE.search(text[result.start : result.end])
    if found and result.end - len(found.group(0)) > result.start:
        result.end -= len(found.group(0))
    return result


def _not_people(nlp_artifacts) -> frozenset[str]:
    """Words the NER calls an organisation, a place or a product in this text."""
    if nlp_artifacts is None or not nlp_artifacts.entities:
        return frozenset()
    return frozenset(
        _unaccented(word.casefold()) for ent in nlp_artifacts.entities if ent.label_ not in ("PER", "PERSON") for word in _WORD.findall(ent.text)
    )


def _elsewhere(text: str, results: list, names, ambiguous, banned, brands, starts, others) -> list[RecognizerResult]:
    """A name found once is a name wherever it stands in the same text:
    "the agent, Liam, … Liam's note", "la conseillère IKRAM … merci à IKRAM",
    "Mme Martin … MARTIN a raccroché". Each word of a found name (titles,
    particles, initials and abbreviations left out) is looked for again;
    written in lower case, it counts only as it was found ("jean-marc"); a
    surname that is also a word ("Petit") only capitalised in mid-sentence.
    A lone word taken for a name on a cue alone ("conseiller DirectAssurance",
    "technicien Audi") is not spread when it is a word, a first name that is
    also a word ("Mercedes"), or what the NER calls an organisation or a place."""
    found: dict[str, set[str]] = {}
    spans = [(r.start, r.end) for r in results if r.entity_type == PERSON]
    for result in results:
        if result.entity_type != PERSON or result.score < 0.8:
            continue  # the NER's lone guesses are not spread
        words = [word for _, _, word in _words(text[result.start : result.end])]
        titled = result.score >= 0.9
        for word in words:
            key = _unaccented(word.casefold())
            letters = re.sub(r"[\W\d_]", "", word)
            if len(letters) < 3 or key in _TITLE_WORDS or key in banned or key in function_words() or _ELIDED_WORD.match(word):
                continue
            if word.isupper() and sum(ch in _VOWELS for ch in key) < 2 and key not in names:
                continue  # an abbreviation caught in a name ("Mercedes ML", "ST GOBAIN PAM")
            if not (titled or len(words) > 1) and (
                (key in common_words() and key not in names) or key in ambiguous or (key not in names and key in others)
            ):
                continue  # a word taken for a name on a cue alone ("conseiller Arpège") is not spread
            found.setdefault(key, set()).add(word)
    if not found:
        return []
    shouting = sum(ch.isupper() for ch in text) > 0.5 * max(1, sum(ch.isalpha() for ch in text))
    extra = []
    for start, end, word in _words(text):
        key = _unaccented(word.casefold())
        if key not in found or any(s < end and start < e for s, e in spans) or any(s <= start < e for s, e in brands):
            continue
        if not word[0].isupper() and word not in found[key]:
            continue  # "Rose" the agent does not make "rose" the colour a name
        if key in common_words() and key not in names and (start in starts or (shouting and word.isupper()) or not word[0].isupper()):
            continue
        extra.append(RecognizerResult(PERSON, start, end, 0.8))
    return extra


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
    - A word in capitals that no list knows, shaped like a name and no word
      of the language, where a person is spoken of ("conseillère GWENDAL",
      "j'ai eu NISRINE au téléphone"); a title in any case before a surname
      in capitals ("MME DARRAZ"); a signature after a closing formula.
    - In a text written all in capitals, a known first name only with a cue
      or a surname that is no word ("A L ANNE ET LA COUVERTURE" is none).
    - Quotes, possessives and elided words are left out ("Liam's" → "Liam",
      "d'Emma" → "Emma"), and a name found once is found wherever it comes
      back in the text.
    """

    def __init__(self, supported_language: str = "fr") -> None:
        super().__init__(supported_entities=[PERSON], supported_language=supported_language, name="EcoutePersonRecognizer")

    def analyze(self, text, entities, nlp_artifacts=None):
        results: list[RecognizerResult] = []
        names, ambiguous, banned = first_names(), ambiguous_first_names(), never_person_words()
        starts = _sentence_starts(text)
        brands = _brand_spans(text)
        in_brand = lambda position: any(s <= position < e for s, e in brands)  # noqa: E731
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
        for match in _CAPS_AFTER_TITLE.finditer(text):
            surname = match.group(1)
            if (surname.casefold() in names or _unknown_name_shape(surname, 3, banned)) and not in_brand(match.start(1)):
                results.append(RecognizerResult(PERSON, match.start(), match.end(), 0.85))
        results += _signature_lines(text, names, banned, in_brand)
        words = _words(text)
        i = 0
        while i < len(words):
            start, stop, token = words[i]
            folded = token.casefold()
            before = text[max(0, start - 40) : start]
            after = text[stop : stop + 30]
            capitalised = token[0].isupper()
            caps = token.isupper() and len(token) > 1
            known = folded in names and folded not in banned
            strong_cue = _STRONG_CONTEXT.search(before) if capitalised and not token.isupper() else None
            # Not a function word ("je remercie La Maif"), nor a word in a title-case phrase ("Conseiller Professionnel").
            strong = (
                strong_cue is not None and folded not in banned and _unaccented(folded) not in function_words()
                and not (strong_cue.group(0).lstrip()[:1].isupper() and folded in common_words() and folded not in names)
            )
            # A word in capitals that no list knows: a name only where a person is spoken of ("conseillère GWENDAL").
            unknown = caps and not known and self._unknown_caps_name(text, start, stop, token, before, after, banned, shouting)
            if unknown and i > 0 and _joined(text, words[i - 1][1], start):
                previous = _unaccented(words[i - 1][2].casefold())
                unknown = not (previous in brand_words() or in_brand(words[i - 1][0]))  # "NEOLIANE NICE", "AXA LA SEYNE"
            if not (known or strong or unknown) or _after_law(before) or in_brand(start) or _ELIDED_WORD.match(token):
                i += 1
                continue
            # In a shouted text "GRACE AU COMPTE" is no name: "au" after it is no cue there.
            cue = bool(_NAME_CONTEXT.search(before)) or (not (caps and shouting) and bool(_AFTER_CUE.match(after)))
            if caps:
                cue = cue or bool(_CAPS_NAME_CONTEXT.search(before) or _CAPS_AFTER_CUE.match(after) or _MERCI.search(before))
            cue = cue or _signs(text, start, stop)
            end, j = stop, i + 1
            # Following words are the surname: capitalised, or lower case after a lower-case first name at a line's edge.
            while j < len(words) and _joined(text, end, words[j][0]):
                if self._surname_word(words[j][2], banned, shouting):
                    end, j = words[j][1], j + 1
                elif (
                    words[j][2].casefold() in _SURNAME_PARTICLES and j + 1 < len(words) and j > i + 1
                    and _joined(text, words[j][1], words[j + 1][0]) and self._surname_word(words[j + 1][2], banned, shouting)
                    and words[j + 1][2].casefold() not in _SURNAME_PARTICLES
                ):
                    end, j = words[j + 1][1], j + 2  # "FLORENCE FERREIRA DA SILVA"
                else:
                    break
            has_surname = j > i + 1
            at_edge = _at_line_edge(text, start, stop)
            if not capitalised and not has_surname and at_edge and j < len(words) and _joined(text, end, words[j][0]):
                end, j, has_surname = words[j][1], j + 1, True  # "nadège kowalczyk" signing a tweet
            if caps and known and not has_surname and shouting and not cue:
                i += 1  # a shouted word that is also a first name ("A L ANNE", "GRACE AU")
                continue
            if folded in ambiguous and not (capitalised and (has_surname or cue)):
                i += 1
                continue
            if not capitalised and not (cue or at_edge):
                i += 1
                continue
            # A surname in capitals may come first ("DELANNOY NATHALIE", "DUPONT Marie"); not in a shouted text ("AGENT NAMED DWAYNE").
            k = i - 1
            while not shouting and k >= i - 2 and k >= 0 and _joined(text, words[k][1], start) and self._surname_first(
                words[k][2], banned, in_brand(words[k][0])
            ):
                start, k = words[k][0], k - 1
            results.append(RecognizerResult(PERSON, start, end, 0.85 if (capitalised or cue) else 0.6))
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
        results = [_without_possessive(text, result) for result in results]
        others = _not_people(nlp_artifacts)
        return results + _elsewhere(text, results, names, ambiguous, banned, brands, starts, others)

    def _unknown_caps_name(self, text: str, start: int, stop: int, token: str, before: str, after: str, banned, shouting: bool) -> bool:
        """Whether a word in capitals that no list knows is a person's name:
        shaped like a name (letters, four or more, two vowels), not a word of
        the language, a brand, an organisation or an abbreviation, and spoken
        of as a person — after a cue ("conseillère", "merci à", "échange
        avec", "reçu par"), before one ("au téléphone", "m'a", "a su",
        "très aimable"), or signing the text. In a text written all in
        capitals (its typos are no words either) and in English (whose words
        ecoute cannot tell from names), only after a cue or as a signature;
        in English the cue must name ("named", "signed as")."""
        if not _unknown_name_shape(token, 4, banned):
            return False
        if self.supported_language != "fr":
            return bool(_NAMING_CUE.search(before)) or _signs(text, start, stop)
        if shouting:
            return bool(_CAPS_NAME_CONTEXT.search(before)) or _signs(text, start, stop)
        return bool(_CAPS_NAME_CONTEXT.search(before) or _CAPS_AFTER_CUE.match(after)) or _signs(text, start, stop)

    @staticmethod
    def _surname_first(token: str, banned, branded: bool) -> bool:
        """A word in capitals before a first name that is its surname: shaped
        like a name and no word, brand, organisation or title ("MAIF Nathalie",
        "TRES Nathalie", "MR Nathalie" are not)."""
        return token.isupper() and not branded and token.casefold() not in _TITLE_WORDS and _unknown_name_shape(token, 3, banned)

    @staticmethod
    def _surname_word(token: str, banned, shouting: bool) -> bool:
        """A capitalised word that may follow a first name as its surname. In
        capitals, not a function word ("ANNE ET LA"); in a text written all in
        capitals, not a word of the language either ("NICOLAS TRES")."""
        folded = token.casefold()
        if not token[0].isupper() or folded in banned:
            return False
        if token.isupper() and len(token) > 1:
            if _unaccented(folded) in function_words():
                return False
            if shouting and folded in common_words() and folded not in first_names():
                return False
        return True


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
