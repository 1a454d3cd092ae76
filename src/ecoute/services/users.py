"""Accounts, roles, browser sessions and API tokens.

Three roles (PRODUCT.md, issue 6): an **admin** manages accounts and may
reveal kept originals; an **analyst** imports, analyses, exports and runs
surveys; an **agent** reads the dashboards and the testimonies, whose text
is the pseudonymised one — never an original, never an export.

Passwords are hashed with argon2id (``argon2-cffi``). Session cookies and
API tokens are random secrets of which only a SHA-256 hash is stored: a copy
of the database opens no session and holds no usable token.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ecoute.errors import BadCredentials, BadOption, Forbidden, NotAuthenticated, UserExists, WeakPassword
from ecoute.store.models import ApiToken, User, WebSession, utcnow

ROLES = ("admin", "analyst", "agent")
MIN_PASSWORD = 10
TOKEN_PREFIX = "eco_"

# Who may do what. Reading dashboards and pseudonymised testimonies is open to every role.
PERMISSIONS: dict[str, tuple[str, ...]] = {
    "read": ROLES,
    "analyse": ("admin", "analyst"),  # create testimonies, import files
    "export": ("admin", "analyst"),
    "surveys": ("admin", "analyst"),  # create, close, reopen surveys and links
    "users": ("admin",),
    "reveal": ("admin",),
}

_HASHER = PasswordHasher()  # argon2id with the library's current recommended parameters
_DUMMY_HASH = _HASHER.hash("not a password: equalises the time of unknown names")
TOUCH_EVERY = timedelta(minutes=5)  # last_used_at of a token is written at most this often


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    username: str
    name: str | None
    role: str
    active: bool
    created_at: datetime | None = None
    last_login_at: datetime | None = None

    def may(self, action: str) -> bool:
        return self.role in PERMISSIONS[action]

    def require(self, action: str) -> None:
        """Raise Forbidden unless this account's role allows ``action``."""
        if not self.may(action):
            raise Forbidden(role=self.role, action=action, needed=" / ".join(PERMISSIONS[action]))


def _account(row: User) -> Account:
    return Account(row.id, row.username, row.name, row.role, row.active, row.created_at, row.last_login_at)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD or len(set(password)) < 4:
        raise WeakPassword(length=len(password), distinct=len(set(password)), minimum=MIN_PASSWORD)


def hash_password(password: str) -> str:
    check_password(password)
    return _HASHER.hash(password)


def _check_username(username: str) -> str:
    name = username.strip()
    if not (1 <= len(name) <= 64) or any(ch.isspace() for ch in name):
        raise BadOption(option="USERNAME", detail=f"{username!r}: 1 to 64 characters, no spaces", command="users add")
    return name


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise BadOption(option="--role", detail=f"{role!r}: use {', '.join(ROLES)}", command="users add")
    return role


def create_user(engine: Engine, username: str, password: str, role: str = "analyst", name: str | None = None) -> Account:
    """Create an account; raises UserExists, WeakPassword or BadOption."""
    username, role = _check_username(username), _check_role(role)
    password_hash = hash_password(password)
    try:
        with engine.begin() as connection:
            connection.execute(
                insert(User).values(username=username, name=name, role=role, password_hash=password_hash, active=True, created_at=utcnow())
            )
    except IntegrityError:
        raise UserExists(username=username) from None
    return get_user(engine, username)


def get_user(engine: Engine, username: str) -> Account:
    from ecoute.errors import NotFound

    with engine.connect() as connection:
        row = connection.execute(select(User).where(User.username == username)).first()
    if row is None:
        raise NotFound(kind="user", id=username, listing="users list")
    return _account(row)


def list_users(engine: Engine) -> list[Account]:
    with engine.connect() as connection:
        return [_account(row) for row in connection.execute(select(User).order_by(User.username))]


def count_users(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(User)) or 0


def set_password(engine: Engine, username: str, password: str) -> None:
    """Change a password and close that user's open sessions."""
    account = get_user(engine, username)
    password_hash = hash_password(password)
    with engine.begin() as connection:
        connection.execute(update(User).where(User.id == account.id).values(password_hash=password_hash))
        connection.execute(delete(WebSession).where(WebSession.user_id == account.id))


def set_active(engine: Engine, username: str, active: bool) -> Account:
    """Enable or disable an account; disabling closes its sessions and its tokens stop working."""
    account = get_user(engine, username)
    with engine.begin() as connection:
        connection.execute(update(User).where(User.id == account.id).values(active=active))
        if not active:
            connection.execute(delete(WebSession).where(WebSession.user_id == account.id))
    return get_user(engine, username)


def authenticate(engine: Engine, username: str, password: str) -> Account:
    """The account for these credentials; raises BadCredentials (same time and
    message whether the name is unknown, the password wrong or the account disabled)."""
    with engine.connect() as connection:
        row = connection.execute(select(User).where(User.username == username.strip())).first()
    try:
        _HASHER.verify(row.password_hash if row else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        raise BadCredentials() from None
    if row is None or not row.active:
        raise BadCredentials()
    with engine.begin() as connection:
        values = {"last_login_at": utcnow()}
        if _HASHER.check_needs_rehash(row.password_hash):
            values["password_hash"] = _HASHER.hash(password)
        connection.execute(update(User).where(User.id == row.id).values(**values))
    return _account(row)


# --- browser sessions ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SessionInfo:
    account: Account
    csrf_token: str


def open_session(engine: Engine, account: Account, hours: int = 12) -> tuple[str, SessionInfo]:
    """A new session: returns the cookie's secret and the session (with its CSRF token)."""
    secret = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = utcnow()
    with engine.begin() as connection:
        connection.execute(delete(WebSession).where(WebSession.expires_at < now))  # housekeeping
        connection.execute(
            insert(WebSession).values(id=_digest(secret), user_id=account.id, csrf_token=csrf, created_at=now, expires_at=now + timedelta(hours=hours))
        )
    return secret, SessionInfo(account, csrf)


def session_for(engine: Engine, secret: str | None) -> SessionInfo | None:
    """The live session a cookie's secret opens, or None."""
    if not secret:
        return None
    with Session(engine) as session:
        found = session.execute(
            select(User, WebSession.csrf_token, WebSession.expires_at)
            .join(WebSession, WebSession.user_id == User.id)
            .where(WebSession.id == _digest(secret))
        ).first()
    if found is None:
        return None
    user, csrf, expires_at = found
    if _aware(expires_at) < utcnow() or not user.active:
        return None
    return SessionInfo(_account(user), csrf)


def close_session(engine: Engine, secret: str | None) -> None:
    if secret:
        with engine.begin() as connection:
            connection.execute(delete(WebSession).where(WebSession.id == _digest(secret)))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)  # SQLite returns naive datetimes


# --- API tokens -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TokenInfo:
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked: bool


def create_token(engine: Engine, username: str, name: str) -> str:
    """A new API token for ``username``; the secret is returned once and never stored."""
    account = get_user(engine, username)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with engine.begin() as connection:
        connection.execute(
            insert(ApiToken).values(
                user_id=account.id, name=name.strip()[:128] or "token", token_hash=_digest(secret), prefix=secret[:12], created_at=utcnow()
            )
        )
    return secret


def list_tokens(engine: Engine, username: str) -> list[TokenInfo]:
    account = get_user(engine, username)
    with engine.connect() as connection:
        rows = connection.execute(select(ApiToken).where(ApiToken.user_id == account.id).order_by(ApiToken.id))
        return [TokenInfo(r.id, r.name, r.prefix, r.created_at, r.last_used_at, r.revoked_at is not None) for r in rows]


def revoke_token(engine: Engine, username: str, token_id: int) -> None:
    from ecoute.errors import NotFound

    account = get_user(engine, username)
    with engine.begin() as connection:
        done = connection.execute(
            update(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == account.id).values(revoked_at=utcnow())
        ).rowcount
    if not done:
        raise NotFound(kind="API token", id=token_id, listing=f"users tokens {username}")


def account_for_token(engine: Engine, secret: str) -> Account:
    """The account an API token belongs to; raises NotAuthenticated when the
    token is unknown, revoked, or its account disabled."""
    if not secret.startswith(TOKEN_PREFIX):
        raise NotAuthenticated()
    with Session(engine) as session:
        found = session.execute(
            select(User, ApiToken.id, ApiToken.revoked_at, ApiToken.last_used_at)
            .join(ApiToken, ApiToken.user_id == User.id)
            .where(ApiToken.token_hash == _digest(secret))
        ).first()
    if found is None or found[2] is not None or not found[0].active:
        raise NotAuthenticated()
    user, token_id, _revoked, last_used = found
    now = utcnow()
    if last_used is None or now - _aware(last_used) > TOUCH_EVERY:
        with engine.begin() as connection:
            connection.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))
    return _account(user)
