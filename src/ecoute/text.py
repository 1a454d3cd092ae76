"""Identity of a testimony: the normalised text decides what is a duplicate."""

from __future__ import annotations

import hashlib
import unicodedata


def normalise_for_identity(text: str) -> str:
    """The form two texts share when they are the same testimony.

    Case, Unicode compatibility forms and whitespace do not make a new
    testimony; punctuation and words do.
    """
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def testimony_id(text: str) -> str:
    """A stable id from the normalised text: the same testimony has the same id
    in every database, in `ecoute analyze` and in batch runs."""
    digest = hashlib.sha256(normalise_for_identity(text).encode("utf-8")).hexdigest()
    return "t" + digest[:20]
