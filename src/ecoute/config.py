"""Settings, read from the environment (``ECOUTE_*``) with sane defaults.

Every setting is documented in docs/configuration.md; a test fails when one
is missing there.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ecoute.errors import ConfigError

DEFAULT_PIPELINE = (
    "language", "pseudonymise", "sentences", "role", "sentiment", "aspects", "date", "tenure",
    "themes", "emotions", "entities", "journey", "risk", "causes", "labels",
)
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
    taxonomy: Path | None = None  # the operator's taxonomy file when ECOUTE_TAXONOMY names one
    routing: Path | None = None  # the operator's routing file when ECOUTE_ROUTING names one
    db_retry_seconds: int = 120  # how long a lost database is waited for (retries with backoff)
    record_time_limit: int = 30  # seconds a component may spend on one record (0: no limit)
    # Web app (docs/web.md)
    session_hours: int = 12
    public_url: str | None = None
    survey_rate_limit: int = 20
    max_upload_mb: int = 50
    # Cases and notifications (docs/cases.md)
    cases_file: Path | None = None  # the operator's cases file when ECOUTE_CASES names one
    smtp_url: str | None = field(default=None, repr=False)
    mail_from: str = "ecoute@localhost"
    webhook_secret: str | None = field(default=None, repr=False)
    worker_interval: int = 60
    serve_worker: bool = False

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
            taxonomy=Path(os.environ["ECOUTE_TAXONOMY"]) if os.environ.get("ECOUTE_TAXONOMY", "").strip() else None,
            routing=Path(os.environ["ECOUTE_ROUTING"]) if os.environ.get("ECOUTE_ROUTING", "").strip() else None,
            db_retry_seconds=_int("ECOUTE_DB_RETRY_SECONDS", 120, minimum=0),
            record_time_limit=_int("ECOUTE_RECORD_TIME_LIMIT", 30, minimum=0),
            session_hours=_int("ECOUTE_SESSION_HOURS", 12),
            public_url=(os.environ.get("ECOUTE_PUBLIC_URL") or "").strip().rstrip("/") or None,
            survey_rate_limit=_int("ECOUTE_SURVEY_RATE_LIMIT", 20),
            max_upload_mb=_int("ECOUTE_MAX_UPLOAD_MB", 50),
            cases_file=Path(os.environ["ECOUTE_CASES"]) if os.environ.get("ECOUTE_CASES", "").strip() else None,
            smtp_url=os.environ.get("ECOUTE_SMTP_URL", "").strip() or None,
            mail_from=os.environ.get("ECOUTE_MAIL_FROM", "").strip() or "ecoute@localhost",
            webhook_secret=os.environ.get("ECOUTE_WEBHOOK_SECRET") or None,
            worker_interval=_int("ECOUTE_WORKER_INTERVAL", 60),
            serve_worker=os.environ.get("ECOUTE_SERVE_WORKER", "").strip().lower() in ("1", "true", "yes", "on"),
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
    "ECOUTE_TAXONOMY",
    "ECOUTE_ROUTING",
    "ECOUTE_DB_RETRY_SECONDS",
    "ECOUTE_RECORD_TIME_LIMIT",
    "ECOUTE_SESSION_HOURS",
    "ECOUTE_PUBLIC_URL",
    "ECOUTE_SURVEY_RATE_LIMIT",
    "ECOUTE_MAX_UPLOAD_MB",
    "ECOUTE_CASES",
    "ECOUTE_SMTP_URL",
    "ECOUTE_MAIL_FROM",
    "ECOUTE_WEBHOOK_SECRET",
    "ECOUTE_WORKER_INTERVAL",
    "ECOUTE_SERVE_WORKER",
)
