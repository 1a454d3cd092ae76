"""The trigger-phrase syntax of the taxonomy file, compiled to regular expressions.

Operators write phrases, not regular expressions (docs/themes.md):

- plain words match whole words of the *folded* text (lower case, no
  accents, see :func:`ecoute.text.fold`): ``"serveur vocal"`` also matches
  "Serveur Vocal" and "serveur  vocal";
- a space matches any run of spaces or hyphens; an apostrophe matches any
  apostrophe or a space ("d'attente", "d’attente", "d attente"); a hyphen is
  optional ("call-back" matches "call back", "callback");
- ``*`` ends a word with any letters: ``rembours*``;
- ``(a|b c)`` is one of the alternatives, ``(a |)`` or ``(a )?`` makes words
  optional; ``?`` after a letter or a space makes it optional
  ("problemes?", "log ?in");
- ``{n}`` is a number, in digits ("45", "1,5") or words ("quarante-cinq",
  "twenty"); ``{year}`` is a year from 1900 to 2099;
- ``…`` (or ``...``) is a gap of up to four words inside the sentence.

Because folding keeps one character for one, a match's offsets in the folded
text are offsets in the original text.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ecoute.text import fold

_NUMBER_WORDS = (
    "un une deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize vingt trente "
    "quarante cinquante soixante cent mille "
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
    "eighteen nineteen twenty thirty forty fifty sixty hundred"
).split()
_WORD = "(?:" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + ")"
NUMBER = rf"(?:\d+(?:[.,]\d+)?|{_WORD}(?:[\s\-]+(?:et[\s\-]+|and[\s\-]+)?{_WORD})*)"
YEAR = r"(?:19|20)\d\d"
GAP_WORDS = 4
# Separators a gap may cross: anything but a word character or the end of a sentence.
_SEP = r"[^\w.!?;\n]"
GAP = rf"{_SEP}*(?:\w+{_SEP}+){{0,{GAP_WORDS}}}?"
_APOSTROPHES = "'’ʼ`"
_APOSTROPHE = r"(?:['’ʼ`]\s*|\s+)"
_WORD_START = r"(?<!\w)"


def _group_end(folded: str, index: int) -> int:
    """Index of the ")" that closes the "(" at ``index``."""
    depth = 0
    for position in range(index, len(folded)):
        if folded[position] == "(":
            depth += 1
        elif folded[position] == ")":
            depth -= 1
            if depth == 0:
                return position
    return len(folded)


def _optional_group_at(folded: str, index: int) -> bool:
    """Whether an optional group "(…)?" starts at ``index``."""
    if index >= len(folded) or folded[index] != "(":
        return False
    close = _group_end(folded, index)
    return folded[close + 1 : close + 2] == "?"


def _ends_with_apostrophe(out: list[str]) -> bool:
    """Whether the group just closed in ``out`` has an alternative that ends with an apostrophe."""
    depth = 0
    for index in range(len(out) - 1, -1, -1):
        token = out[index]
        if token == ")":
            depth += 1
        elif token == "(?:":
            depth -= 1
            if depth == 0:
                return False
        if depth == 1 and index > 0 and token in (")", "|") and out[index - 1] == _APOSTROPHE:
            return True
    return False


class PhraseError(ValueError):
    """A phrase that does not follow the syntax; the message says why."""


def _translate(folded: str) -> str:
    out: list[str] = []
    depth = 0
    i = 0
    while i < len(folded):
        char = folded[i]
        if folded.startswith("{n}", i):
            out.append(NUMBER)
            i += 3
            # "{n} h" also matches "2h": the space after a number is optional.
            if i < len(folded) and folded[i] == " ":
                out.append(r"[\s\-]*")
                while i < len(folded) and folded[i] == " ":
                    i += 1
            continue
        if folded.startswith("{year}", i):
            out.append(YEAR)
            i += 6
            continue
        if char == "{":
            raise PhraseError("only {n} (a number) and {year} may be written between braces")
        if char == "…" or folded.startswith("...", i):
            while out and out[-1] == r"[\s\-]+":
                out.pop()
            out.append(GAP)
            i += 1 if char == "…" else 3
            while i < len(folded) and folded[i] == " ":
                i += 1
            continue
        if char.isspace():
            while i + 1 < len(folded) and folded[i + 1].isspace():
                i += 1
            # After an apostrophe the apostrophe's own pattern already allows a space;
            # after a group where some alternatives end with one ("(que|qu') on"), the space is optional.
            if out and out[-1] == _APOSTROPHE:
                pass
            elif out and out[-1] == ")" and _ends_with_apostrophe(out):
                out.append(r"[\s\-]*")
            elif _optional_group_at(folded, i + 1):
                out.append(r"[\s\-]*")  # "augmentation (de salaire)?": nothing may follow
            elif not out or out[-1] != r"[\s\-]+":
                out.append(r"[\s\-]+")
        elif char in _APOSTROPHES:
            out.append(_APOSTROPHE)
        elif char == "-":
            out.append(r"[\s\-]?")
        elif char == "*":
            out.append(r"\w*")
        elif char == "(":
            depth += 1
            out.append("(?:")
        elif char == "|":
            if depth == 0:
                raise PhraseError("'|' separates alternatives inside parentheses: write (a|b)")
            out.append("|")
        elif char == ")":
            depth -= 1
            if depth < 0:
                raise PhraseError("a ')' closes no '('")
            out.append(")")
            if i + 1 < len(folded) and folded[i + 1] == "?":
                out.append("?")
                i += 1
        elif char == "?":
            # Makes the character before it optional: "problemes?", "log ?in", "turn-?over".
            if not out or out[-1] in ("(?:", "|"):
                raise PhraseError("'?' must follow a letter, a space or a ')'")
            previous = out.pop()
            out.append({r"[\s\-]+": r"[\s\-]*", r"[\s\-]?": r"[\s\-]?"}.get(previous, f"(?:{previous})?"))
        else:
            out.append(re.escape(char))
        i += 1
    if depth:
        raise PhraseError("a '(' is never closed")
    return "".join(out)


@lru_cache(maxsize=None)
def compiled(pattern: str) -> re.Pattern[str]:
    """``re.compile`` with a cache that holds every phrase of the data files
    (the ``re`` module keeps only the last 512 patterns, fewer than the
    taxonomy, emotions, aspects and entities together hold)."""
    return re.compile(pattern)


def unanchored(regex: str) -> str:
    """A phrase's pattern without its leading word-start test, for callers
    that make that test themselves: a pattern that opens with letters lets
    the engine jump from one occurrence of them to the next."""
    return regex[len(_WORD_START) :] if regex.startswith(_WORD_START) else regex


@lru_cache(maxsize=None)
def phrase_regex(phrase: str) -> str:
    """The regular expression (without groups that capture) of one phrase.

    Computed once per phrase; checking it compiles compiles the form that
    matching uses (:func:`unanchored`), so that the check costs nothing more."""
    folded = fold(phrase.strip())
    if not folded:
        raise PhraseError("the phrase is empty")
    if not any(c.isalnum() for c in folded.replace("{n}", "0").replace("{year}", "0")):
        raise PhraseError("the phrase has no word")
    body = _translate(folded)
    first, last = folded[0], folded.rstrip("?")[-1]
    start = r"(?<!\w)" if first.isalnum() or first in "({*" else ""
    # A phrase ends at the end of a word, or right after an apostrophe ("si (j'|je)").
    end = r"(?:(?<=['’ʼ`])|(?!\w))" if last.isalnum() or last in ")}*" else ""
    pattern = start + body + end
    try:
        compiled(unanchored(pattern))
    except re.error as exc:  # pragma: no cover - the translation should not allow it
        raise PhraseError(f"cannot be compiled ({exc})") from None
    return pattern


def word_count(phrase: str) -> int:
    """How many words a phrase needs at least to match: its strength."""
    # Optional groups and alternatives count as one word at most.
    text = re.sub(r"\([^()]*\)\?", " ", phrase)
    text = re.sub(r"\(([^()]*)\)", lambda m: " xx " if all(a.strip() for a in m.group(1).split("|")) else " ", text)
    words = re.findall(r"[\w{}*]+", re.sub(r"['’]", " ", fold(text)))
    return max(1, sum(1 for word in words if len(word) > 1))



class PhraseSet:
    """Several phrases compiled into one pattern, longest phrases tried first.

    :meth:`finditer` yields ``(phrase_index, start, end)`` where
    ``phrase_index`` is the phrase's position in the list given.
    """

    def __init__(self, phrases: tuple[str, ...] | list[str]) -> None:
        self.phrases = tuple(phrases)
        by_length = sorted(range(len(self.phrases)), key=lambda k: -len(self.phrases[k]))
        regexes = {k: phrase_regex(self.phrases[k]) for k in by_length}
        # The word-start test is made once, before the alternatives, not in each
        # of them: several times faster on long lists.
        at_word = [k for k in by_length if regexes[k].startswith(_WORD_START)]
        anywhere = [k for k in by_length if k not in set(at_word)]
        self._order = at_word + anywhere
        parts = []
        if at_word:
            parts.append(_WORD_START + "(?:" + "|".join(f"({regexes[k][len(_WORD_START):]})" for k in at_word) + ")")
        parts += [f"({regexes[k]})" for k in anywhere]
        self._source = "|".join(parts) if self.phrases else None

    @property
    def pattern(self) -> re.Pattern[str] | None:
        """The compiled pattern, compiled on first use: many sets of a
        taxonomy are only ever tried on few texts."""
        return None if self._source is None else compiled(self._source)

    def finditer(self, folded: str, start: int = 0, end: int | None = None):
        if self.pattern is None:
            return
        for match in self.pattern.finditer(folded, start, len(folded) if end is None else end):
            yield self._order[match.lastindex - 1], match.start(), match.end()

    def search(self, folded: str, start: int = 0, end: int | None = None) -> bool:
        return self.pattern is not None and self.pattern.search(folded, start, len(folded) if end is None else end) is not None



def _alternatives(body: str) -> list[str]:
    parts, depth, current = [], 0, []
    for char in body:
        if char == "|" and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        depth += char == "("
        depth -= char == ")"
        current.append(char)
    parts.append("".join(current))
    return parts


_SEPARATORS = frozenset(" " + _APOSTROPHES)
# Everyday words make poor anchors: nearly every text has them.
_COMMON = frozenset(
    "a au aux c ce d de des du elle en est et il ils j je l la le les m me mon ma mes n ne nous on pas plus pour qu que qui "
    "s sa se ses son sur t te tres trop tu un une vous y the to of and i my not no for was is it in on at be with me "
    "that this they we you".split()
)


def _after_number(folded: str, index: int) -> bool:
    """Whether ``index`` follows "{n} ": the space after a number is optional
    ("2h", "20ans"), so the word there may be glued to it."""
    return folded[:index].rstrip(" ").endswith("{n}")


def _separated_optional(folded: str, index: int) -> bool:
    """Whether ``index`` is the ``?`` of an optional group whose every
    alternative ends with a space or an apostrophe: "(de |d')?" separates
    what follows from what precedes as well as a space does."""
    if index < 1 or folded[index] != "?" or folded[index - 1] != ")":
        return False
    depth, position = 0, index - 1
    while position >= 0:
        depth += folded[position] == ")"
        depth -= folded[position] == "("
        if depth == 0:
            break
        position -= 1
    body = folded[position + 1 : index - 1]
    return all(alternative[-1:] in _SEPARATORS for alternative in _alternatives(body))


def anchors(folded: str) -> frozenset[str] | None:
    """Words of which at least one appears in any text the (folded) phrase
    matches; None when no such set can be told (the phrase must then be tried
    on every text). A word ending with ``*`` is a prefix: a word of the text
    that starts with it.

    Among the phrase's required parts, a plain word gives itself
    ("serveur"), a word that ``*``, ``?``, a hyphen or an optional space may
    extend gives its prefix ("rembours*", "probleme*" for "problemes?",
    "copier*" for "copier-coller"), a required group the union of its
    alternatives' anchors. Words glued to a group or a number ("(re)expliquer",
    "{n}h") are never used. The option that looks rarest wins.
    """
    options: list[frozenset[str]] = []
    index, length = 0, len(folded)
    while index < length:
        char = folded[index]
        if char == "(":
            close = _group_end(folded, index)
            optional = folded[close + 1 : close + 2] == "?"
            glued = _after_number(folded, index) or (index > 0 and folded[index - 1] not in _SEPARATORS and not _separated_optional(folded, index - 1)) or (
                close + 1 + optional < length and folded[close + 1 + optional] not in _SEPARATORS
            )
            if not optional and not glued:
                sets = [anchors(alternative) for alternative in _alternatives(folded[index + 1 : close])]
                if all(found is not None for found in sets):
                    options.append(frozenset().union(*sets))
            index = close + 1 + optional
        elif char.isalnum():
            end = index
            while end < length and folded[end].isalnum():
                end += 1
            word = folded[index:end]
            before = folded[index - 1] if index > 0 else " "
            after = folded[end : end + 2]
            optional_before = index >= 2 and folded[index - 2 : index] == " ?"
            if (before in _SEPARATORS or _separated_optional(folded, index - 1)) and not optional_before and not _after_number(folded, index):
                if after[:1] in ("", " ") and after != " ?" or after[:1] in _APOSTROPHES:
                    options.append(frozenset([word]))
                elif (after[:1] == "*" or after == " ?" or after[:1] == "-") and len(word) >= 3:
                    options.append(frozenset([word + "*"]))
                elif after[:1] == "?" and len(word) >= 4:
                    options.append(frozenset([word[:-1] + "*"]))
            index = end
        else:
            index += 1
    if not options:
        return None
    # The rarest-looking option: no everyday word, long words, not too many of them.
    return max(options, key=lambda option: min(-10 if word.rstrip("*") in _COMMON else len(word) for word in option) - 0.5 * (len(option) - 1))


_WORDS = re.compile(r"\w+")
_PREFIX_KEY = 3


class AnchorIndex:
    """Tells, from the words of a text, which phrases can possibly match.

    Trying only those phrases (and only the themes that have any) is many
    times faster than scanning every text with every phrase.
    """

    def __init__(self, phrases: list[str] | tuple[str, ...]) -> None:
        self.by_word: dict[str, list[int]] = {}
        self.by_prefix: dict[str, list[tuple[str, int]]] = {}
        self.always: list[int] = []
        for number, phrase in enumerate(phrases):
            words = anchors(fold(phrase.strip()))
            if words is None or any(word.endswith("*") and len(word) <= _PREFIX_KEY for word in words):
                self.always.append(number)
                continue
            for word in words:
                if word.endswith("*"):
                    self.by_prefix.setdefault(word[:_PREFIX_KEY], []).append((word[:-1], number))
                else:
                    self.by_word.setdefault(word, []).append(number)

    def candidates(self, folded: str) -> set[int]:
        """Positions (in the list given) of the phrases worth trying on ``folded``."""
        found = set(self.always)
        by_word, by_prefix = self.by_word, self.by_prefix
        for word in set(_WORDS.findall(folded)):
            numbers = by_word.get(word)
            if numbers:
                found.update(numbers)
            prefixes = by_prefix.get(word[:_PREFIX_KEY])
            if prefixes:
                found.update(number for prefix, number in prefixes if word.startswith(prefix))
        return found


@lru_cache(maxsize=1024)
def phrase_set(phrases: tuple[str, ...]) -> PhraseSet:
    """A cached :class:`PhraseSet` (taxonomies are reloaded, phrases rarely change)."""
    return PhraseSet(phrases)
