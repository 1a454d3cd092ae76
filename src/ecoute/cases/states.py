"""The life of a case, as data: its statuses and the moves between them.

Any other move is refused with :class:`~ecoute.errors.IllegalTransition`,
which names the moves allowed from where the case stands.
"""

from __future__ import annotations

from ecoute.errors import IllegalTransition

STATUSES = ("new", "in_progress", "waiting_customer", "resolved", "closed", "reopened")
OPEN = ("new", "in_progress", "waiting_customer", "reopened")  # the ladder and the SLA run

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "new": ("in_progress", "waiting_customer", "resolved", "closed"),  # closed: nothing to do (spam, out of scope)
    "in_progress": ("waiting_customer", "resolved"),
    "waiting_customer": ("in_progress", "resolved"),
    "resolved": ("closed", "reopened"),
    "closed": ("reopened",),
    "reopened": ("in_progress", "waiting_customer", "resolved"),
}

LABELS = {
    "new": {"fr": "Nouveau", "en": "New"},
    "in_progress": {"fr": "En cours", "en": "In progress"},
    "waiting_customer": {"fr": "En attente du client", "en": "Waiting for customer"},
    "resolved": {"fr": "Résolu", "en": "Resolved"},
    "closed": {"fr": "Clos", "en": "Closed"},
    "reopened": {"fr": "Rouvert", "en": "Reopened"},
}


def check_transition(case_id: int, before: str, after: str) -> None:
    """Raise IllegalTransition unless a case may go from ``before`` to ``after``."""
    if after not in TRANSITIONS.get(before, ()):
        allowed = ", ".join(TRANSITIONS.get(before, ())) or "—"
        raise IllegalTransition(id=case_id, before=before, after=after, allowed=allowed)


def label(status: str, lang: str) -> str:
    return LABELS.get(status, {}).get(lang, status)
