"""Settings, read from the environment (``ECOUTE_*``) with sane defaults.

Every setting is documented in docs/configuration.md; a test fails when one
is missing there.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ecoute.errors import ConfigError

DEFAULT_PIPELINE = ("language", "sentences", "date")


def _data_home() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "ecoute"


def _int(name: str, default: int, minimum: int = 1) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(name=name, value=raw, detail="not an integer") from None
    if value < minimum:
        raise ConfigError(name=name, value=raw, detail=f"must be at least {minimum}")
    return value


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything an operator can set. See docs/configuration.md."""

    home: Path
    database_url: str
    language: str
    max_text_chars: int
    batch_size: int
    pipeline: tuple[str, ...] = field(default=DEFAULT_PIPELINE)

    @classmethod
    def from_env(cls) -> Settings:
        home = Path(os.environ.get("ECOUTE_HOME") or _data_home())
        url = os.environ.get("ECOUTE_DATABASE_URL") or f"sqlite:///{home / 'ecoute.db'}"
        lang = os.environ.get("ECOUTE_LANG", "fr").strip().lower()
        if lang not in ("fr", "en"):
            raise ConfigError(name="ECOUTE_LANG", value=lang, detail="use fr or en")
        names = os.environ.get("ECOUTE_PIPELINE")
        pipeline = tuple(n.strip() for n in names.split(",") if n.strip()) if names else DEFAULT_PIPELINE
        return cls(
            home=home,
            database_url=url,
            language=lang,
            max_text_chars=_int("ECOUTE_MAX_TEXT_CHARS", 200_000),
            batch_size=_int("ECOUTE_BATCH_SIZE", 1000),
            pipeline=pipeline,
        )


# Settings documented in docs/configuration.md (checked by tests/test_docs.py).
SETTING_NAMES = (
    "ECOUTE_HOME",
    "ECOUTE_DATABASE_URL",
    "ECOUTE_LANG",
    "ECOUTE_MAX_TEXT_CHARS",
    "ECOUTE_BATCH_SIZE",
    "ECOUTE_PIPELINE",
)
