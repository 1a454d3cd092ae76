"""Logging in and out, the first administrator, the current account."""

from __future__ import annotations

import ipaddress
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from ecoute.errors import BadCredentials, CsrfFailed, SetupClosed
from ecoute.services import users
from ecoute.web.deps import LOGIN_CSRF_COOKIE, SESSION_COOKIE, AccountDep, EngineDep, SettingsDep, client_ip
from ecoute.web.render import render

router = APIRouter(tags=["accounts"])


def _safe_next(target: str | None) -> str:
    """Only local paths: a login link must not send people elsewhere."""
    return target if target and target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"


def _form_page(request: Request, template: str, context: dict, status: int = 200):
    """A form sent before any session exists: its CSRF token is also set as a
    cookie, and the POST must carry both (double submit)."""
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24)
    response = render(request, template, {**context, "login_csrf": token}, status)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", max_age=3600)
    return response


def _check_form_csrf(request: Request, sent: str) -> None:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE)
    if not expected or not secrets.compare_digest(sent, expected):
        raise CsrfFailed()


def _login_page(request: Request, error: dict | None = None, status: int = 200, next_url: str = "/"):
    return _form_page(request, "login.html", {"login_error": error, "next": next_url}, status)


@router.get("/login", include_in_schema=False)
def login_page(request: Request, engine: EngineDep, next: str = "/"):
    if users.count_users(engine) == 0:
        return RedirectResponse("/setup", status_code=303)
    return _login_page(request, next_url=_safe_next(next))


def _start_session(request: Request, engine, account, settings, target: str):
    secret, _ = users.open_session(engine, account, settings.session_hours)
    response = RedirectResponse(_safe_next(target), status_code=303)
    secure = (settings.public_url or "").startswith("https://") or request.url.scheme == "https"
    response.set_cookie(SESSION_COOKIE, secret, httponly=True, samesite="lax", secure=secure, max_age=settings.session_hours * 3600)
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.post("/login", include_in_schema=False)
def login(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
    csrf_token: Annotated[str, Form(max_length=128)] = "",
    next: Annotated[str, Form(max_length=512)] = "/",
):
    _check_form_csrf(request, csrf_token)
    request.app.state.login_limiter.hit(client_ip(request))
    try:
        account = users.authenticate(engine, username, password)
    except BadCredentials as error:
        return _login_page(request, error.to_dict(request.state.lang), 401, _safe_next(next))
    return _start_session(request, engine, account, settings, next)


@router.post("/logout", include_in_schema=False)
def logout(request: Request, engine: EngineDep, _account: AccountDep):
    users.close_session(engine, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


def _check_setup(request: Request, engine) -> None:
    if users.count_users(engine) > 0:
        raise SetupClosed(detail="while no account exists" if request.state.lang == "en" else "tant qu'aucun compte n'existe")
    host = client_ip(request)
    try:
        local = ipaddress.ip_address(host).is_loopback
    except ValueError:
        local = host in ("testclient", "localhost")
    if not local:
        raise SetupClosed(detail="from the machine itself (127.0.0.1)" if request.state.lang == "en" else "depuis la machine elle-même (127.0.0.1)")


@router.get("/setup", include_in_schema=False)
def setup_page(request: Request, engine: EngineDep):
    _check_setup(request, engine)
    return _form_page(request, "setup.html", {})


@router.post("/setup", include_in_schema=False)
def setup(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
    csrf_token: Annotated[str, Form(max_length=128)] = "",
):
    _check_form_csrf(request, csrf_token)
    _check_setup(request, engine)
    account = users.create_user(engine, username, password, "admin")
    return _start_session(request, engine, account, settings, "/")


@router.get("/api/v1/me")
def me(account: AccountDep) -> dict:
    """The account the request is authenticated as, and what its role allows."""
    return {
        "username": account.username,
        "name": account.name,
        "role": account.role,
        "allowed": sorted(action for action in users.PERMISSIONS if account.may(action)),
    }
