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
from typing import Any


def normalise_for_identity(text: str) -> str:
    """The form two texts share when they are the same testimony.

    Case, Unicode compatibility forms and whitespace do not make a new
    testimony; punctuation and words do.
    """
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


class _FoldTable(dict):
    """str.translate table, filled on first sight of each character."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        ascii_form = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
        folded = ascii_form[0].lower() if len(ascii_form) >= 1 and ascii_form[0].isalnum() else char.lower()
        if len(folded) != 1:  # "İ".lower() is two characters: offsets must not move
            folded = char
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Lower case without accents, **one character for one**: offsets found in
    the folded text are offsets in ``text``. Reviews often drop accents
    ("agreable", "etre"), so cue lists are matched on folded text."""
    return text.translate(_FOLD)


@lru_cache(maxsize=8)
def _key(explicit: str | None, home: str) -> bytes:
    if explicit:
        return explicit.encode("utf-8")
    path = Path(home) / "secret.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written whole under a temporary name, then linked: the web server's
        # first concurrent requests (or two processes) never see a half key.
        temporary = path.with_name(f".secret.key.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(temporary, path)  # fails if another thread or process won: its key stands
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return path.read_text(encoding="utf-8").strip().encode("utf-8")


def secret_key() -> bytes:
    from ecoute.config import Settings

    return _key(os.environ.get("ECOUTE_SECRET_KEY"), str(Settings.home_from_env()))


def testimony_id(text: str) -> str:
    """A stable id for a testimony (same text, same key, same id)."""
    digest = hmac.new(secret_key(), normalise_for_identity(text).encode("utf-8"), hashlib.sha256).hexdigest()
    return "t" + digest[:20]


def load_yaml(text: str) -> Any:
    """A YAML document read safely, with libyaml's C parser when PyYAML has
    it (several times faster on the data files; same values). A document it
    rejects is read again by the pure-Python parser, whose error (the one
    ``yaml.safe_load`` raises, with its line and problem) is what callers see."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", None)
    if loader is not None:
        try:
            return yaml.load(text, Loader=loader)
        except yaml.YAMLError:
            pass
    return yaml.safe_load(text)
