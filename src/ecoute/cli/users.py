"""`ecoute users …`: the web app's accounts and API tokens.

Commands adapt arguments and render; the work is in
:mod:`ecoute.services.users`, shared with the web app.
"""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from ecoute.errors import BadOption
from ecoute.i18n import t

users = typer.Typer(name="users", help=t("cmd.users"), no_args_is_help=True)
out = Console()

DbOption = Annotated[Optional[str], typer.Option("--db", help=t("opt.db"), envvar="ECOUTE_DATABASE_URL", show_envvar=False)]
Username = Annotated[str, typer.Argument(metavar="USERNAME", help=t("opt.username"), show_default=False)]
PasswordStdin = Annotated[bool, typer.Option("--password-stdin", help=t("opt.password_stdin"))]


def _engine(db: str | None):
    from ecoute.config import Settings
    from ecoute.store.db import open_store

    return open_store(db or Settings.from_env().database_url)


def _password(from_stdin: bool) -> str:
    """The new password: one line of standard input, or asked twice without echo."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    first = getpass.getpass(t("users.password") + t("show.sep"))
    again = getpass.getpass(t("users.password_again") + t("show.sep"))
    if first != again:
        raise BadOption(option="PASSWORD", detail=t("users.password_mismatch"), command="users")
    return first


def _when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "—"


@users.command("add", help=t("cmd.users.add"))
def add(
    username: Username,
    role: Annotated[str, typer.Option("--role", help=t("opt.role"))] = "analyst",
    name: Annotated[Optional[str], typer.Option("--name", help=t("opt.full_name"))] = None,
    password_stdin: PasswordStdin = False,
    db: DbOption = None,
) -> None:
    from ecoute.services.users import _check_role, create_user

    _check_role(role)  # before asking for a password
    engine = _engine(db)
    account = create_user(engine, username, _password(password_stdin), role, name)
    out.print(t("users.created", username=account.username, role=account.role))


@users.command("list", help=t("cmd.users.list"))
def list_(db: DbOption = None) -> None:
    from ecoute.services.users import list_users

    accounts = list_users(_engine(db))
    if not accounts:
        out.print(t("users.none"))
        return
    table = Table(title=t("users.title"))
    for key in ("col.username", "col.role", "col.active", "col.last_login"):
        table.add_column(t(key))
    for account in accounts:
        name = account.username + (f" ({account.name})" if account.name else "")
        table.add_row(name, account.role, t("show.yes" if account.active else "show.no"), _when(account.last_login_at))
    out.print(table)


@users.command("passwd", help=t("cmd.users.passwd"))
def passwd(username: Username, password_stdin: PasswordStdin = False, db: DbOption = None) -> None:
    from ecoute.services.users import get_user, set_password

    engine = _engine(db)
    get_user(engine, username)  # an unknown name fails before the password is asked
    set_password(engine, username, _password(password_stdin))
    out.print(t("users.changed", username=username))


def _set_active(username: str, active: bool, db: str | None) -> None:
    from ecoute.services.users import set_active

    account = set_active(_engine(db), username, active)
    out.print(t("users.state", username=account.username, state=t("users.enabled" if account.active else "users.disabled")))


@users.command("disable", help=t("cmd.users.disable"))
def disable(username: Username, db: DbOption = None) -> None:
    _set_active(username, False, db)


@users.command("enable", help=t("cmd.users.enable"))
def enable(username: Username, db: DbOption = None) -> None:
    _set_active(username, True, db)


@users.command("token", help=t("cmd.users.token"))
def token(
    username: Username,
    name: Annotated[str, typer.Option("--name", help=t("opt.token_name"))] = "api",
    db: DbOption = None,
) -> None:
    from ecoute.services.users import create_token

    secret = create_token(_engine(db), username, name)
    Console(stderr=True).print(t("users.token", username=username))
    print(secret)


@users.command("tokens", help=t("cmd.users.tokens"))
def tokens(username: Username, db: DbOption = None) -> None:
    from ecoute.services.users import list_tokens

    table = Table(title=f"{t('col.token')} — {username}")
    table.add_column("#")
    for key in ("col.name", "col.token", "col.created", "col.last_used", "col.active"):
        table.add_column(t(key))
    for info in list_tokens(_engine(db), username):
        table.add_row(str(info.id), info.name, info.prefix + "…", _when(info.created_at), _when(info.last_used_at), t("show.no" if info.revoked else "show.yes"))
    out.print(table)


@users.command("revoke", help=t("cmd.users.revoke"))
def revoke(
    username: Username,
    token_id: Annotated[int, typer.Argument(metavar="TOKEN_ID", help=t("opt.token_id"), show_default=False)],
    db: DbOption = None,
) -> None:
    from ecoute.services.users import revoke_token

    revoke_token(_engine(db), username, token_id)
    out.print(t("users.revoked", id=token_id))
