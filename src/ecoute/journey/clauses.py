"""A learned second reader for contacts the cue lists miss.

The cue lists of ``data/journey/cues.yaml`` are precise but cannot foresee
every way people write that they called, wrote or went somewhere. A small
classifier (character and word n-grams, logistic regression) reads each
clause and says whether it tells a contact; a clause it is confident about,
where no cue found a contact, becomes one. It is trained by
``tools/train_journey_clauses.py --splits train,dev,test`` on the hand-annotated
gold set's ``train``, ``dev`` and ``test`` splits (``test`` was the development
check while the settings were chosen, then joined the final fit; ``holdout``
is never read) and shipped as
``data/models/journey_clauses_v2.pkl``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

MODEL_FILE = "models/journey_clauses_v2.pkl"
# Chosen by eval/journey/choose_threshold.py (each later train part scored by a model fitted on
# the rest): pooled journey-level F1 0.571 / 0.577 / 0.578 / 0.561 / 0.524 at 0.3 … 0.7.
THRESHOLD = 0.5

_SPLIT = re.compile(
    r"[.!?;:\n]+|,\s+(?=(?:puis|et|mais|alors|ensuite|then|and|but|so)\b)|\s(?=(?:puis|ensuite|then)\b)", re.IGNORECASE
)
_CHANNELS = [
    (re.compile(r"\b(?:telephon\w*|appel\w*|rappel\w*|tel|call\w*|phone\w*|hotline|standard|joindre|joignable|injoignable"
                r"|repondeur|message vocal|messagerie vocale|au bout du fil|(?:personne|conseill\w+|quelqu'un) en ligne"
                r"|spoke|speaking|talked)\b"), "phone_agent"),
    (re.compile(r"\b(?:e-?mails?|mails?|courriels?|emailed)\b"), "email"),
    (re.compile(r"\b(?:courriers?|couriers?|lettres?|(?:en|par|un|des|mes|mon|le|les|ce|\d+) recommandes?|recommandees?|lrar|letters?"
                r"|fax\w*|mailed|(?:confirmation|reponse) ecrite)\b"),
     "letter"),
    (re.compile(r"\b(?:site|internet|en ligne|appli\w*|espace (?:client|perso\w*)|formulaire|online|website|app|portal"
                r"|simulation|\w+\.(?:fr|com))\b"), "website"),
    (re.compile(r"\b(?:chat|tchat|chatted)\b"), "chat"),
    (re.compile(r"\b(?:agences?|boutiques?|magasins?|guichets?|branch(?:es)?|stores?|shops?|visited)\b"), "store"),
    (re.compile(r"\b(?:experts?|techniciens?|engineers?|technicians?|adjusters?)\b"), "home_visit"),
    (re.compile(r"\b(?:mediat\w*|ombudsman)\b"), "mediator"),
]


def split_clauses(text: str) -> list[tuple[int, int]]:
    """Clause spans: sentences cut again at ";", ":" and at "puis", "ensuite",
    ", et", ", mais", "then"…; clauses of a single word are left out."""
    spans, last = [], 0
    for m in _SPLIT.finditer(text):
        if m.start() > last:
            spans.append((last, m.start()))
        last = m.end()
    if last < len(text):
        spans.append((last, len(text)))
    out = []
    for start, end in spans:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if len(text[start:end].split()) >= 2:
            out.append((start, end))
    return out


def channel_of(folded_clause: str) -> str | None:
    """The channel a clause names, if it names one."""
    for pattern, channel in _CHANNELS:
        if pattern.search(folded_clause):
            return channel
    return None


@lru_cache(maxsize=1)
def load_model():
    """The shipped clause model, or None when the package holds none."""
    from ecoute.understanding.textclf import read_model_file

    path = resources.files("ecoute.data").joinpath(MODEL_FILE)
    if not path.is_file():
        return None
    with resources.as_file(path) as real:
        return read_model_file(real)
