"""Identity of a testimony: the normalised text decides what is a duplicate.

The id is a keyed hash (HMAC-SHA-256) of the normalised *original* text:
two different people writing the same words with different names are two
testimonies, and the id reveals nothing of the text to whoever holds the
database without the key. The key comes from ``ECOUTE_SECRET_KEY``, else from
a file created once in ``ECOUTE_HOME``; keep it to keep ids stable.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import unicodedata
from functools import lru_cache
from pathlib import Path


def normalise_for_identity(text: str) -> str:
    """The form two texts share when they are the same testimony.

    Case, Unicode compatibility forms and whitespace do not make a new
    testimony; punctuation and words do.
    """
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


@lru_cache(maxsize=8)
def _key(explicit: str | None, home: str) -> bytes:
    if explicit:
        return explicit.encode("utf-8")
    path = Path(home) / "secret.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text(encoding="utf-8").strip().encode("utf-8")


def secret_key() -> bytes:
    from ecoute.config import Settings

    return _key(os.environ.get("ECOUTE_SECRET_KEY"), str(Settings.home_from_env()))


def testimony_id(text: str) -> str:
    """A stable id for a testimony (same text, same key, same id)."""
    digest = hmac.new(secret_key(), normalise_for_identity(text).encode("utf-8"), hashlib.sha256).hexdigest()
    return "t" + digest[:20]
