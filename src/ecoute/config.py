"""Settings, read from the environment (``ECOUTE_*``) with sane defaults.

Every setting is documented in docs/configuration.md; a test fails when one
is missing there.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ecoute.errors import ConfigError

DEFAULT_PIPELINE = ("language", "pseudonymise", "sentences", "role", "sentiment", "date", "tenure", "labels")
# What must run before a testimony may be stored, even with --no-analyze.
PROTECTION_PIPELINE = ("language", "pseudonymise")
PRIVACY_MODES = ("pseudonymise", "anonymise", "off")


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
    privacy_mode: str = "pseudonymise"
    keep_original: bool = False
    encryption_key: str | None = field(default=None, repr=False)
    account_patterns: tuple[str, ...] = ()

    @staticmethod
    def home_from_env() -> Path:
        return Path(os.environ.get("ECOUTE_HOME") or _data_home())

    @classmethod
    def from_env(cls) -> Settings:
        home = cls.home_from_env()
        url = os.environ.get("ECOUTE_DATABASE_URL") or f"sqlite:///{home / 'ecoute.db'}"
        lang = os.environ.get("ECOUTE_LANG", "fr").strip().lower()
        if lang not in ("fr", "en"):
            raise ConfigError(name="ECOUTE_LANG", value=lang, detail="use fr or en")
        names = os.environ.get("ECOUTE_PIPELINE")
        pipeline = tuple(n.strip() for n in names.split(",") if n.strip()) if names else DEFAULT_PIPELINE
        mode = os.environ.get("ECOUTE_PRIVACY", "pseudonymise").strip().lower()
        if mode not in PRIVACY_MODES:
            raise ConfigError(name="ECOUTE_PRIVACY", value=mode, detail="use pseudonymise, anonymise or off")
        keep = os.environ.get("ECOUTE_KEEP_ORIGINAL", "").strip().lower() in ("1", "true", "yes", "on")
        key = os.environ.get("ECOUTE_ENCRYPTION_KEY") or None
        if keep and mode != "pseudonymise":
            raise ConfigError(name="ECOUTE_KEEP_ORIGINAL", value="1", detail=f"originals can only be kept in pseudonymise mode, not {mode}")
        if keep and not key:
            raise ConfigError(name="ECOUTE_KEEP_ORIGINAL", value="1", detail="set ECOUTE_ENCRYPTION_KEY (ecoute keygen makes one)")
        patterns_file = os.environ.get("ECOUTE_ACCOUNT_PATTERNS")
        patterns: tuple[str, ...] = ()
        if patterns_file:
            try:
                lines = Path(patterns_file).read_text(encoding="utf-8").splitlines()
            except OSError as exc:
                raise ConfigError(name="ECOUTE_ACCOUNT_PATTERNS", value=patterns_file, detail=exc.strerror or str(exc)) from None
            patterns = tuple(line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#"))
            _check_patterns(patterns, patterns_file)
        return cls(
            home=home,
            database_url=url,
            language=lang,
            max_text_chars=_int("ECOUTE_MAX_TEXT_CHARS", 200_000),
            batch_size=_int("ECOUTE_BATCH_SIZE", 1000),
            pipeline=pipeline,
            privacy_mode=mode,
            keep_original=keep,
            encryption_key=key,
            account_patterns=patterns,
        )


def _check_patterns(patterns: tuple[str, ...], source: str) -> None:
    import re

    for number, pattern in enumerate(patterns, 1):
        try:
            compiled = re.compile(pattern)
        except re.error as exc:
            raise ConfigError(name="ECOUTE_ACCOUNT_PATTERNS", value=f"{source}:{number}", detail=f"bad regular expression: {exc}") from None
        if compiled.groups != 1:
            raise ConfigError(name="ECOUTE_ACCOUNT_PATTERNS", value=f"{source}:{number}", detail="the pattern needs exactly one group: the identifier")


# Settings documented in docs/configuration.md (checked by tests/test_docs.py).
SETTING_NAMES = (
    "ECOUTE_HOME",
    "ECOUTE_DATABASE_URL",
    "ECOUTE_LANG",
    "ECOUTE_MAX_TEXT_CHARS",
    "ECOUTE_BATCH_SIZE",
    "ECOUTE_PIPELINE",
    "ECOUTE_PRIVACY",
    "ECOUTE_KEEP_ORIGINAL",
    "ECOUTE_ENCRYPTION_KEY",
    "ECOUTE_ACCOUNT_PATTERNS",
    "ECOUTE_SECRET_KEY",
)
