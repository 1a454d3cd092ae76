"""Originals kept encrypted, only where the operator allows it.

With ``ECOUTE_KEEP_ORIGINAL=1`` and an ``ECOUTE_ENCRYPTION_KEY`` (a Fernet
key: ``ecoute keygen``), the original text of each testimony is stored
encrypted beside its pseudonymised text. Revealing it is an explicit act
(``ecoute reveal``), recorded with who, when and why. Without the key, the
originals cannot be read, by anyone.
"""

from __future__ import annotations

from typing import Callable

from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from ecoute.config import Settings
from ecoute.errors import ConfigError, NotFound, RevealRefused
from ecoute.store.models import OriginalRow, RevealRow, utcnow


def new_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode("ascii")


def _fernet(key: str):
    from cryptography.fernet import Fernet

    try:
        return Fernet(key.encode("ascii"))
    except (ValueError, TypeError):
        raise ConfigError(name="ECOUTE_ENCRYPTION_KEY", value="***", detail="not a Fernet key (ecoute keygen makes one)") from None


def original_encrypter(settings: Settings) -> Callable[[str], bytes] | None:
    """A function encrypting originals, or None when originals are not kept."""
    if not settings.keep_original:
        return None
    fernet = _fernet(settings.encryption_key or "")
    return lambda text: fernet.encrypt(text.encode("utf-8"))


def reveal(engine: Engine, testimony_id: str, who: str, reason: str, settings: Settings) -> str:
    """The original text of a testimony; the reveal is audited first."""
    from cryptography.fernet import InvalidToken

    if not reason.strip():
        raise RevealRefused(id=testimony_id, detail="a reason is required")
    if not settings.encryption_key:
        raise RevealRefused(id=testimony_id, detail="ECOUTE_ENCRYPTION_KEY is not set")
    with Session(engine) as session:
        row = session.get(OriginalRow, testimony_id)
        if row is None:
            raise NotFound(kind="original text", id=testimony_id, listing="runs")
        ciphertext = row.ciphertext
    try:
        text = _fernet(settings.encryption_key).decrypt(ciphertext).decode("utf-8")
    except InvalidToken:
        raise RevealRefused(id=testimony_id, detail="the encryption key is not the one the original was stored with") from None
    with engine.begin() as connection:
        connection.execute(insert(RevealRow).values(testimony_id=testimony_id, who=who, reason=reason.strip(), at=utcnow()))
    return text


def reveals(engine: Engine, testimony_id: str | None = None) -> list[RevealRow]:
    with Session(engine) as session:
        query = select(RevealRow).order_by(RevealRow.id)
        if testimony_id:
            query = query.where(RevealRow.testimony_id == testimony_id)
        return list(session.scalars(query))
