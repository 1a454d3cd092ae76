"""Rebuild a customer's contact journey from what they wrote.

The text is read once, in order, on its folded form (offsets kept):

1. **Contacts.** Cues of ``data/journey/cues.yaml`` open contacts ("j'appelle",
   "lettre recommandée", "l'expert passe", "le téléphone sonne"). A verb
   opens a new contact; a noun close to a contact already open ("mon appel",
   "par mail") adds to it. A cue after a negation, an obligation or a
   hypothesis ("il faudrait que j'appelle", "if I call") opens nothing.
2. **Inside each contact** — from its cue to the next contact, at most a
   few sentences — the steps (robot, hold, transfer, back to the start, cut
   off), the waits, the actor and the outcome. One call in which the
   customer is put on hold, transferred and cut off is one contact with
   those steps.
3. **Dates**: each contact takes the date expressed in its sentence, else
   the last one stated since the previous contact; relative dates are
   resolved against the previous point of the story, or the testimony's
   date ("il y a deux mois").
4. **Derived fields**: contacts, channels in order of first use, transfers,
   loops, dead ends, total wait, elapsed days, resolved.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ecoute.journey.clauses import THRESHOLD, channel_of, split_clauses
from ecoute.journey.cues import Cue, Lexicon, load_lexicons, normalise
from ecoute.journey.timeexpr import TimeMention, Wait, find_times, find_waits, resolve
from ecoute.text import fold

# How far the details of a contact may be told after its cue, in sentences.
DETAIL_SENTENCES = 3
# A noun cue ("mon appel", "par mail") joins a contact opened this close before it.
MERGE_SENTENCES = 1
# … or this many sentences on, in a text cut into paragraphs.
MERGE_PARAGRAPH = 4
# A cue naming a channel this close after a contact with none, in its sentence, names its channel.
NAMED_CHANNEL_CHARS = 40
# A first line this short, holding the testimony's date, is a letter's heading.
HEADING_CHARS = 60

_ACTORS = [
    ("fr", r"\b(?:mediateur|mediatrice)\b", "mediator"),
    ("fr", r"\b(?:responsable|superieur|superieure|manager|directeur|directrice|chef de service)\b", "manager"),
    ("fr", r"\b(?:expert|experte|technicien|technicienne)\b", "expert"),
    ("fr", r"\b(?:vendeur|vendeuse|commercial|commerciale|courtier|agent general)\b", "salesperson"),
    ("fr", r"\b(?:conseiller|conseillere|operateur|operatrice|gestionnaire|interlocuteur|interlocutrice|charge de clientele|hotline|teleconseiller)\b", "agent"),
    ("en", r"\b(?:mediator|ombudsman)\b", "mediator"),
    ("en", r"\b(?:supervisor|manager)\b", "manager"),
    ("en", r"\b(?:adjuster|technician|inspector|appraiser)\b", "expert"),
    ("en", r"\b(?:salesperson|salesman|sales rep|banker|teller|loan officer)\b", "salesperson"),
    ("en", r"\b(?:representative|rep|agent|associate|customer service)\b", "agent"),
]
_ACTOR_PATTERNS = [(lang, re.compile(p), actor) for lang, p, actor in _ACTORS]
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)|\n\s*\n|\n(?=\s*[-•*\d])")
_CLAUSE_END = re.compile(r"[.!?;:]|\n|\bmais\b|\bbut\b")
_WRITTEN = {"letter", "email"}


@dataclass(slots=True)
class _Event:
    cue_start: int
    cue_end: int
    sentence: int
    channel: str | None
    actor: str | None
    action: str | None
    by: str
    evidence: list[tuple[int, int]] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    outcomes: list[tuple[int, str]] = field(default_factory=list)
    waits: list[Wait] = field(default_factory=list)
    transfers: int = 0
    when: date | None = None
    when_text: str | None = None
    when_precision: str = "day"
    last_sentence: int = 0


@dataclass(slots=True)
class Found:
    """All matches in one text, for the journey and for the effort stage."""

    contacts: list[tuple[int, int, Cue, int]]  # start, end, cue, how many contacts it tells
    steps: list[tuple[int, int, str]]
    outcomes: list[tuple[int, int, str]]
    dead_ends: list[tuple[int, int, str]]
    resolved: list[tuple[int, int]]
    unresolved: list[tuple[int, int]]
    repeat: list[tuple[int, int]]


def _sentence_starts(text: str) -> list[int]:
    starts = [0]
    for m in _SENTENCE_END.finditer(text):
        if m.end() < len(text):
            starts.append(m.end())
    return starts


_NEGATED_SUBJECT = re.compile(r"(?:ne|n'|personne|rien|nobody|no one|none)\b")


def _blocked(norm: str, start: int, cue: Cue, lex: Lexicon) -> bool:
    """A contact cue after a negation, an obligation or a hypothesis in its clause;
    a noun cue also after reported instructions ("on m'a dit d'envoyer … en recommandé")."""
    clause_start = max((m.end() for m in _CLAUSE_END.finditer(norm, max(0, start - 80), start)), default=max(0, start - 80))
    prefix = norm[clause_start:start]
    if lex.blockers is not None and lex.blockers.search(prefix):
        return True
    if _NEGATED_SUBJECT.match(norm, start):
        return True  # a cue whose first word is free: "personne ne m'a contacté", "nobody has called me"
    noun = float(cue.attrs.get("strength", 1)) < 1
    return noun and lex.noun_blockers is not None and bool(lex.noun_blockers.search(prefix.rsplit(",", 1)[-1]))


_COUNT = re.compile(r"\W*(?:[a-z']+\s+){0,4}?(?:(?P<n>\d{1,2}|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|two|three|four|five|six|seven|eight|nine|ten) (?:more |other |additional |autres )?(?:fois|reprises|times|tries|attempts|tentatives)|(?P<w>twice|thrice))\b")
_COUNT_WORDS = {"deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "neuf": 9, "dix": 10,
                "two": 2, "three": 3, "four": 4, "five": 5, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "plusieurs": 2,
                "twice": 2, "thrice": 3}  # fmt: skip
_COUNTED_NOUN = re.compile(r"(?:[a-z']+ ){0,2}?(?P<n>\d{1,2}|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|two|three|four|five|six|seven|eight|nine|ten) (?!(?:jours|semaines|mois|ans|annees|heures|minutes|days|weeks|months|years|hours)\b)(?:[a-z-]+ )?[a-z-]+s\b")
MAX_REPEAT = 10


def _repeat(norm: str, match: re.Match) -> int:
    """How many contacts one cue tells: "j'ai appelé 6 fois", "j'ai eu deux conseillers"."""
    word = match.groupdict().get("count")
    if word is None:
        counted = _COUNTED_NOUN.match(match.group(0))  # "5 courriels", "trois appels"
        word = counted.group("n") if counted else None
    if word is None:
        m = _COUNT.match(norm, match.end(), min(len(norm), match.end() + 40))
        word = (m.group("n") or m.group("w")) if m else None
    if word is None:
        return 1
    n = int(word) if word.isdigit() else _COUNT_WORDS.get(word, 1)
    return max(1, min(MAX_REPEAT, n))


_GATES: dict[int, tuple[list[Cue], re.Pattern]] = {}


def _gate(cues: list[Cue]) -> re.Pattern:
    """One pattern finding every position where at least one of ``cues`` matches
    (a lookahead over all of them): scanning the text once with it, then trying
    each cue only there, costs about half of scanning it once per cue."""
    cached = _GATES.get(id(cues))
    if cached is None or cached[0] is not cues:
        union = "|".join(f"(?:{re.sub(r'[(][?]P<[a-z_]+>', '(?:', cue.pattern.pattern)})" for cue in cues)
        cached = _GATES[id(cues)] = (cues, re.compile(f"(?=(?:{union}))"))
    return cached[1]


def _finditer(cues: list[Cue], norm: str) -> list[tuple[int, int, Cue, re.Match]]:
    """What ``cue.pattern.finditer(norm)`` gives for every cue, found through the gate."""
    positions = [m.start() for m in _gate(cues).finditer(norm)] if cues else []
    found = []
    for cue in cues:
        last_end = 0
        for pos in positions:
            if pos < last_end:
                continue  # finditer goes on after the end of the previous match
            m = cue.pattern.match(norm, pos)
            if m is not None:
                found.append((m.start(), m.end(), cue, m))
                last_end = max(m.end(), pos + 1)
    return found


def _matches(cues: list[Cue], norm: str) -> list[tuple[int, int, Cue, re.Match]]:
    """Non-overlapping matches, earlier and longer first."""
    found = _finditer(cues, norm)
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    kept: list[tuple[int, int, Cue, re.Match]] = []
    for item in found:
        if kept and item[0] < kept[-1][1]:
            continue
        kept.append(item)
    return kept


def _spans(patterns: list[re.Pattern], norm: str) -> list[tuple[int, int]]:
    return sorted((m.start(), m.end()) for p in patterns for m in p.finditer(norm))


def find_cues(norm: str, lex: Lexicon) -> Found:
    contacts = [
        (s, e, c, _repeat(norm, m)) for s, e, c, m in _matches(lex.contacts, norm) if not _blocked(norm, s, c, lex)
    ]

    def _labelled(cues: list[Cue], key: str) -> list[tuple[int, int, str]]:
        return [(s, e, c.attrs[key]) for s, e, c, _m in _matches(cues, norm)]

    steps = [(s, e, v) for s, e, v in _labelled(lex.steps, "step") if not (v == "transfer" and negated(norm, s))]
    return Found(
        contacts=contacts,
        steps=steps,
        outcomes=[(s, e, v) for s, e, v in _labelled(lex.outcomes, "outcome") if not (v == "resolved" and _unreal(norm, s))],
        dead_ends=_labelled(lex.dead_ends, "dead_end"),
        resolved=[(s, e) for s, e in _spans(lex.resolved, norm) if not negated(norm, s) and not _unreal(norm, s)],
        unresolved=_spans(lex.unresolved, norm),
        repeat=_spans(lex.repeat_yourself, norm),
    )


# A resolution told as a plan or a condition ("once she resolved the issue", "il devait
# régler le problème") has not happened.
_UNREAL = re.compile(r"\b(?:once|would|will|going to|when|if|until|hoped|promised|pour|afin de|une fois que|quand|si|devait|devrait|doit|va|allait)\b[^.;:!?]{0,20}$")
def _unreal(norm: str, start: int) -> bool:
    return bool(_UNREAL.search(norm, max(0, start - 30), start))


_NEGATION_BEFORE = re.compile(r"(?:\bne\b|\bn'|\bpas\b|\bjamais\b|\bnot\b|n't\b|\bnever\b|\bno\b|\bsans\b|\bwithout\b|\bpossibilite\b|\bpossibilite technique\b)[^.;:!?]{0,30}$")


def negated(norm: str, start: int) -> bool:
    """ "il n'a pas la possibilité de me transférer" is no transfer."""
    return bool(_NEGATION_BEFORE.search(norm[max(0, start - 45):start]))


@dataclass(slots=True)
class Reading:
    """A text read by the cue lists, waiting for the clause model's scores."""

    text: str
    lang: str
    norm: str
    found: Found
    events: list[_Event]
    candidates: list[tuple[int, int]]  # clauses where no cue found a contact
    sentence_of: Any
    paragraph_of: Any


def read(text: str, lang: str | None, lexicons: dict[str, Lexicon] | None = None) -> Reading | None:
    """First pass: the contacts the cue lists find, and the clauses left for the model."""
    lexicons = lexicons or load_lexicons()
    lang = "fr" if lang is None else lang
    lex = lexicons.get(lang)
    if lex is None:
        return None
    norm = normalise(fold(text))
    starts = _sentence_starts(text)
    breaks = [m.end() for m in re.finditer(r"\n", text)]

    def sentence_of(pos: int) -> int:
        return bisect.bisect_right(starts, pos) - 1

    def paragraph_of(pos: int) -> int:
        return bisect.bisect_right(breaks, pos)

    found = find_cues(norm, lex)
    events = _build_events(found, sentence_of, paragraph_of)
    candidates = [
        (start, end) for start, end in split_clauses(norm)
        if not any(start <= s < end for event in events for s, _ in event.evidence)
        and not _blocked(norm, start, _NO_CUE, lex)
        and not _ABSENCE.search(norm, start, end)
        and not _NOT_TOLD.search(norm, start, end)
        and not _OPINION.search(norm, start, end)
    ]
    return Reading(text, lang, norm, found, events, candidates, sentence_of, paragraph_of)


def finish(
    reading: Reading, scores: Any, written: date | None, tone: float | None = None, bounded: bool = True
) -> dict[str, Any]:
    """Second pass: learned contacts from the clause ``scores`` (one per candidate, or
    None), then details, dates and the derived fields."""
    events = reading.events
    if scores is not None:
        events = _add_learned(reading, scores)
    norm, text = reading.norm, reading.text
    _attach_details(events, reading.found, find_waits(norm), reading.sentence_of, reading.paragraph_of, norm, reading.lang)
    first_line = text.find("\n")
    heading_end = first_line if 0 < first_line <= HEADING_CHARS else 0  # a short first line of its own
    _attach_dates(
        events, find_times(norm, text, reading.lang), reading.sentence_of, reading.paragraph_of, written, reading.lang,
        bounded, heading_end,
    )
    journey = _derive(events, reading.found, text, tone)
    journey["_found"] = reading.found
    journey["_norm"] = norm
    return journey


def score_clauses(readings: list[Reading | None], model: Any) -> list[Any]:
    """The clause model's scores for every reading's candidates, in one call."""
    clauses = [r.norm[s:e] for r in readings if r is not None for s, e in r.candidates]
    if model is None or not clauses:
        return [None if r is None or model is None else [] for r in readings]
    scores = iter(model.predict_proba(clauses)[:, 1])
    return [None if r is None else [next(scores) for _ in r.candidates] for r in readings]


def extract(
    text: str,
    lang: str | None,
    written: date | None,
    lexicons: dict[str, Lexicon] | None = None,
    tone: float | None = None,
    bounded: bool = True,
    clause_model: Any = None,
) -> dict[str, Any]:
    """The journey of ``text`` as a dict shaped like :class:`ecoute.record.Journey`
    (plus the raw findings under ``"_found"`` and ``"_norm"`` for the effort stage).
    ``tone`` is the text's sentiment score when known; ``bounded`` says whether
    ``written`` is when the text was written (metadata) or only a date read in
    it, which the story may run past; ``clause_model`` (see
    :mod:`ecoute.journey.clauses`) adds the contacts the cues missed. For many
    texts, :func:`read`, :func:`score_clauses` and :func:`finish` score all
    clauses in one call."""
    reading = read(text, lang, lexicons)
    if reading is None:
        return {"events": [], "_found": None}
    scores = score_clauses([reading], clause_model)[0]
    return finish(reading, scores, written, tone, bounded)


def _close(event: _Event, start: int, sentence: int, paragraph_of) -> bool:
    """Whether a noun cue is told close enough to ``event`` to be part of it: the next
    sentence, or a few sentences on within the same paragraph."""
    distance = sentence - event.last_sentence
    return distance <= MERGE_SENTENCES or (distance <= MERGE_PARAGRAPH and paragraph_of(start) == paragraph_of(event.cue_start))


def _build_events(found: Found, sentence_of, paragraph_of) -> list[_Event]:
    events: list[_Event] = []
    for start, end, cue, times in found.contacts:
        attrs = cue.attrs
        sentence = sentence_of(start)
        strength = float(attrs.get("strength", 1))
        current = events[-1] if events else None
        if current is not None and strength < 1 and _close(current, start, sentence, paragraph_of) and _compatible(current, attrs):
            current.evidence.append((start, end))
            current.channel = current.channel or attrs.get("channel")
            current.last_sentence = max(current.last_sentence, sentence)
            continue
        if strength == 0:
            continue  # "she said", "on me dit": part of a contact already told, never one by itself
        if current is not None and strength >= 1 and (
            (current.cue_end >= start - 3 and sentence == current.last_sentence)  # two cues of one phrase
            # "J'ai écrit à leur PDG (Lettre recommandée)": the channel of a contact just told
            or (current.channel is None and attrs.get("channel") and attrs.get("by") == current.by
                and sentence == current.last_sentence and start - current.cue_end <= NAMED_CHANNEL_CHARS)
            or (attrs.get("channel") is None and attrs.get("by") == "company" and sentence == current.last_sentence)
        ):
            # "… au téléphone, on m'a répondu que…": the answer belongs to the contact told in its sentence.
            current.evidence.append((start, end))
            current.channel = current.channel or attrs.get("channel")
            continue
        for _ in range(times):
            events.append(_Event(
                cue_start=start, cue_end=end, sentence=sentence, channel=attrs.get("channel"), actor=attrs.get("actor"),
                action=attrs.get("action"), by=attrs.get("by", "customer"), evidence=[(start, end)], last_sentence=sentence,
            ))
    return events


def _add_learned(reading: Reading, scores: Any) -> list[_Event]:
    """Contacts told in clauses no cue matched, when the clause model is confident."""
    norm, sentence_of = reading.norm, reading.sentence_of
    added = [
        _Event(
            cue_start=s, cue_end=e, sentence=sentence_of(s), channel=channel_of(norm[s:e]), actor=None,
            action="contact", by="customer", evidence=[(s, e)], last_sentence=sentence_of(s),
        )
        for (s, e), score in zip(reading.candidates, scores)
        if score >= THRESHOLD
    ]
    return sorted(reading.events + added, key=lambda event: event.cue_start)


_NO_CUE = Cue(re.compile(""), {})
# A clause that tells what was not there ("nulle part le nom d'un médiateur", "il n'y en a
# pas", "no e-mail address") is a dead end, not a contact.
_ABSENCE = re.compile(r"\b(?:nulle part|il n'y (?:en )?a (?:pas|aucun)|aucune? (?:adresse|numero|moyen|contact)|no (?:e-?mail|address|phone|way)|there (?:is|was) no)\b")


# A clause telling a habit or a plan ("à chaque fois que je veux les contacter", "la prochaine
# fois j'irai en boutique", "Courrier que je m'apprête à envoyer") tells no contact that happened.
_NOT_TOLD = re.compile(r"\b(?:(?:a )?chaque fois|prochaine fois|m'apprete|je vais (?:les |leur |lui |vous )?(?:appeler|ecrire|envoyer|contacter|saisir|aller)|j'irai|every time|each time|whenever|next time|i will|i'll|i am going to|i'm going to)\b")


# An opinion about the company ("je recommande", "à éviter", "je vais quitter la GMF", "I
# recommend") tells no contact, whatever words it shares with one.
_OPINION = re.compile(
    r"\b(?:je (?:vous )?(?:le |la |les )?(?:ne )?(?:recommande|deconseille)|(?:re)?recommanderai\w*|a eviter|fuyez"
    r"|je vais (?:bientot )?(?:quitter|partir|changer d'assur\w*)|i (?:would )?(?:not |never )?recommend|stay away)\b"
)


def _compatible(event: _Event, attrs: dict[str, Any]) -> bool:
    channel = attrs.get("channel")
    if event.channel is None or channel is None or event.channel == channel:
        return True
    phone = {"phone_agent", "phone_ivr", "callback"}
    return event.channel in phone and channel in phone


def _attach_details(events: list[_Event], found: Found, waits: list[Wait], sentence_of, paragraph_of, norm: str, lang: str) -> None:
    if not events:
        return

    def owner(pos: int) -> _Event | None:
        index = bisect.bisect_right([e.cue_start for e in events], pos) - 1
        if index < 0:
            # Details told just before the first contact, in its sentence ("Après 30 minutes d'attente, j'ai eu…").
            return events[0] if sentence_of(pos) == events[0].sentence else None
        event = events[index]
        # Details run on to the next contact within the paragraph, or a few sentences in a run-on text.
        if paragraph_of(pos) != paragraph_of(event.cue_start) and sentence_of(pos) > event.last_sentence + DETAIL_SENTENCES:
            return None
        return event

    def before_next_in_sentence(pos: int) -> _Event | None:
        # A detail in the sentence of the next contact, before its cue, belongs to it when the
        # sentence starts after the current one ("Au bout d'une heure, un conseiller…").
        for event in events:
            if event.cue_start > pos and event.sentence == sentence_of(pos):
                return event
        return None

    for start, _end, step in found.steps:
        event = owner(start)
        if event is None:
            continue
        if step == "transfer":
            event.transfers += 1
        if step not in event.steps:
            event.steps.append(step)
    for start, _end, outcome in found.outcomes:
        event = owner(start)
        if event is not None and start >= event.cue_start - 40:
            event.outcomes.append((start, outcome))
    for wait in waits:
        event = before_next_in_sentence(wait.start) or owner(wait.start)
        if event is not None:
            event.waits.append(wait)
    for i, event in enumerate(events):
        end = events[i + 1].cue_start if i + 1 < len(events) else len(norm)
        _refine(event, norm[max(0, event.cue_start - 60):min(end, event.cue_end + 150)], lang)
        _refine_channel(event, norm, end)


def _refine(event: _Event, window: str, lang: str) -> None:
    """Channel, actor and outcome from what was found inside the contact."""
    steps = set(event.steps)
    if event.channel in (None, "phone_agent") and ("ivr" in steps or "hold" in steps):
        event.channel = event.channel or "phone_agent"
    if event.channel == "phone_agent" and "ivr" in steps and "agent" not in steps and not event.outcomes:
        event.channel = "phone_ivr"
    if event.channel == "phone_ivr":
        event.actor = "ivr"
    elif event.actor in (None, "agent") and event.channel not in ("letter", "email", "website"):
        # The first person named in the contact is who answered.
        named = [(m.start(), actor) for pattern_lang, pattern, actor in _ACTOR_PATTERNS if pattern_lang == lang
                 for m in pattern.finditer(window)]
        if named:
            event.actor = min(named)[1]
    if "cut_off" in steps and any(o == "hung_up" for _, o in event.outcomes):
        event.outcomes.append((10**9, "hung_up"))


_MEDIATOR = re.compile(r"\b(?:mediateur|mediatrice|mediation|ombudsman|mediator)\b")
_AS_AGREED = re.compile(r"\b(?:comme (?:convenu|prevu|promis|annonce)|as (?:promised|agreed|scheduled|arranged))\b")
_SENTENCE_STOP = re.compile(r"[.!?;]")
# How far past its cue a contact's own words may name its channel or its mediator.
CHANNEL_REACH = 60


def _refine_channel(event: _Event, norm: str, end: int) -> None:
    """The channel a contact's own words give when its cue gave none or a weaker one:
    the rest of its clause ("I contacted them by phone"), the mediator it reached,
    a company call told as the promised call back."""
    stop = _SENTENCE_STOP.search(norm, event.cue_end, min(end, event.cue_end + CHANNEL_REACH))
    after = norm[event.cue_end:stop.start() if stop else min(end, event.cue_end + CHANNEL_REACH)]
    before = norm[max(0, event.cue_start - CHANNEL_REACH):event.cue_start]
    before = re.split(r"[.!?;]", before)[-1]  # its sentence only
    if (
        event.channel in (None, "website", "letter", "email") and event.by == "customer"
        and _MEDIATOR.search(before + norm[event.cue_start:event.cue_end] + after) and not negated(norm, event.cue_start)
    ):
        event.channel, event.actor = "mediator", "mediator"  # "j'ai saisi le médiateur … en ligne"
    elif event.channel is None:
        event.channel = channel_of(after)  # "I contacted them by phone"
    if event.channel == "phone_agent" and event.by == "company" and _AS_AGREED.search(before + after):
        event.channel = "callback"


def _outcome(event: _Event) -> str | None:
    if not event.outcomes:
        return None
    labels = [o for _, o in sorted(event.outcomes)]
    if "hung_up" in labels:
        return "hung_up"
    return labels[-1]


def _attach_dates(
    events: list[_Event], times: list[TimeMention], sentence_of, paragraph_of, written: date | None, lang: str, bounded: bool,
    heading_end: int,
) -> None:
    """Resolve every time mention in text order and give each contact its date."""
    cursor: date | None = None
    resolved: list[tuple[TimeMention, date | None]] = []
    for mention in times:
        value = resolve(mention, cursor, written, lang, bounded)
        resolved.append((mention, value))
        if value is not None and not _background(mention, value, written, heading_end):
            cursor = value
    if not events:
        return
    for i, event in enumerate(events):
        previous_cue = events[i - 1].cue_end if i else -1
        same_sentence = [
            (m, v) for m, v in resolved if sentence_of(m.start) == event.sentence and (m.start > previous_cue or i == 0)
        ]
        if i + 1 < len(events):
            same_sentence = [(m, v) for m, v in same_sentence if m.start < events[i + 1].cue_start]
        since_previous = [(m, v) for m, v in resolved if previous_cue < m.start < event.cue_start]
        candidates = same_sentence or since_previous[-1:]
        if candidates:
            # The closest mention to the cue in its sentence, else the latest since the previous contact.
            mention, value = min(candidates, key=lambda mv: abs(mv[0].start - event.cue_start)) if same_sentence else candidates[0]
            event.when, event.when_text, event.when_precision = value, mention.text, mention.precision
        elif (
            i and events[i - 1].when is not None and paragraph_of(event.cue_start) == paragraph_of(events[i - 1].cue_start)
            and event.sentence - events[i - 1].last_sentence <= 6
        ):
            event.when = events[i - 1].when  # told right after the previous contact, no time said between


def _background(mention: TimeMention, value: date, written: date | None, heading_end: int) -> bool:
    """ "client depuis 1975", "il y a 40 ans", the letter's own date: not a point
    of the story that the next dates follow."""
    g = mention.match.groupdict() if mention.match else {}
    if (g.get("pos") or "") in ("depuis", "since"):
        return True
    if mention.full is not None and value == written and mention.end <= heading_end:
        return True  # the letter's heading ("Grenoble, le 9 novembre 2024"), not a step of the story
    return mention.kind == "backward" and written is not None and (written - value).days > 365


def _derive(events: list[_Event], found: Found, text: str, tone: float | None) -> dict[str, Any]:
    out_events = []
    for event in events:
        spans = [(s, e) for s, e in event.evidence]
        wait = sum(w.minutes for w in event.waits) if event.waits else None
        out_events.append({
            "when": event.when.isoformat() if event.when else None,
            "when_text": event.when_text,
            "channel": event.channel,
            "actor": event.actor,
            "action": event.action,
            "outcome": _outcome(event),
            "wait_minutes": wait,
            "steps": [s for s in event.steps if s not in ("agent",)],
            "evidence": [{"start": s, "end": e, "text": text[s:e]} for s, e in spans],
            "_by": event.by,  # who reached out; used by mediation readiness, not part of the record
        })
    channels: list[str] = []
    for e in out_events:
        if e["channel"] and e["channel"] not in channels:
            channels.append(e["channel"])
    transfers = sum(ev.transfers for ev in events) + sum(1 for e in out_events if e["outcome"] == "redirected")
    loops = sum(1 for ev in events if "back_to_start" in ev.steps)
    dead_ends: list[str] = []
    for _s, _e, code in found.dead_ends:
        if code not in dead_ends:
            dead_ends.append(code)
    if any(e["channel"] in _WRITTEN and ev.by == "customer" and e["outcome"] == "no_answer" for e, ev in zip(out_events, events)):
        if "unanswered_writing" not in dead_ends:
            dead_ends.append("unanswered_writing")
    waits = [e["wait_minutes"] for e in out_events if e["wait_minutes"] is not None]
    dates = [date.fromisoformat(e["when"]) for e in out_events if e["when"]]
    elapsed = float((max(dates) - min(dates)).days) if len(dates) >= 2 else None
    return {
        "events": out_events,
        "contacts": len(out_events) if out_events else None,
        "channels": channels,
        "transfers": transfers if out_events else None,
        "loops": loops if out_events else None,
        "dead_ends": dead_ends,
        "total_wait_minutes": sum(waits) if waits else None,
        "elapsed_days": elapsed,
        "resolved": _resolved(found, out_events, tone),
    }


def _resolved(found: Found, events: list[dict[str, Any]], tone: float | None) -> bool | None:
    """The last word of the story on its resolution; else the last contact's outcome;
    else, for a story of contacts that is not positive, unresolved: people write
    to complain about what is still wrong (``tone`` is the sentiment score, when known)."""
    marks = [(s, True) for s, _ in found.resolved] + [(s, False) for s, _ in found.unresolved]
    if marks:
        return max(marks)[1]
    if not events:
        return None
    if events[-1]["outcome"] == "resolved":
        return True
    if events[-1]["outcome"] in ("no_answer", "refused", "hung_up", "pending", "redirected"):
        return False
    if tone is not None and tone > 0.2:
        return None
    return False
