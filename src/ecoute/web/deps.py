"""Dependencies of the routes (``Annotated``, as in the full-stack FastAPI
template): the store, the interface language, the current account, CSRF."""

from __future__ import annotations

import secrets
from typing import Annotated, Callable

from fastapi import Depends, Request
from sqlalchemy import Engine

from ecoute.config import Settings
from ecoute.errors import CsrfFailed, NotAuthenticated
from ecoute.services.users import Account, SessionInfo, account_for_token, session_for

SESSION_COOKIE = "ecoute_session"
LOGIN_CSRF_COOKIE = "ecoute_login_csrf"
LANG_COOKIE = "ecoute_lang"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_engine(request: Request) -> Engine:
    return request.app.state.engine()


def get_lang(request: Request) -> str:
    return request.state.lang


SettingsDep = Annotated[Settings, Depends(get_settings)]
EngineDep = Annotated[Engine, Depends(get_engine)]
LangDep = Annotated[str, Depends(get_lang)]


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _session(request: Request) -> SessionInfo | None:
    if not hasattr(request.state, "session"):
        request.state.session = session_for(get_engine(request), request.cookies.get(SESSION_COOKIE))
    return request.state.session


def optional_account(request: Request) -> Account | None:
    """The account behind the request: an API token (Authorization: Bearer),
    else the session cookie; None when neither."""
    header = request.headers.get("authorization", "")
    if header:
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise NotAuthenticated()
        request.state.by_token = True
        return account_for_token(get_engine(request), secret.strip())
    session = _session(request)
    return session.account if session else None


async def current_account(request: Request) -> Account:
    """The logged-in account; unsafe requests made with a session cookie must
    carry the session's CSRF token (form field ``csrf_token`` or header
    ``X-CSRF-Token``). Token-authenticated API calls need no CSRF token."""
    account = optional_account(request)
    if account is None:
        raise NotAuthenticated()
    request.state.account = account
    if request.method not in SAFE_METHODS and not getattr(request.state, "by_token", False):
        sent = request.headers.get("x-csrf-token")
        if sent is None and request.headers.get("content-type", "").startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            sent = (await request.form()).get("csrf_token")
        expected = _session(request).csrf_token
        if not sent or not secrets.compare_digest(str(sent), expected):
            raise CsrfFailed()
    return account


AccountDep = Annotated[Account, Depends(current_account)]


def require(action: str) -> Callable:
    """A dependency that lets through only accounts whose role allows ``action``."""

    async def dependency(account: AccountDep) -> Account:
        account.require(action)
        return account

    return dependency


Reader = Annotated[Account, Depends(require("read"))]
Analyst = Annotated[Account, Depends(require("analyse"))]
Exporter = Annotated[Account, Depends(require("export"))]
SurveyManager = Annotated[Account, Depends(require("surveys"))]
Admin = Annotated[Account, Depends(require("users"))]


def csrf_token(request: Request) -> str:
    """The CSRF token forms of the current page must carry."""
    session = _session(request)
    return session.csrf_token if session else ""
