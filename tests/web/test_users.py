"""Accounts, roles, sessions and API tokens (services.users) and `ecoute users`."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main

from ecoute.cli.users import users as users_cli
from ecoute.errors import BadCredentials, BadOption, Forbidden, NotAuthenticated, UserExists, WeakPassword
from ecoute.services import users
from ecoute.store.db import open_store

DOCS = Path(__file__).resolve().parents[2] / "docs" / "cli" / "users.md"
PASSWORD = "une phrase de passe"


def test_accounts_passwords_and_roles(store_url):
    engine = open_store(store_url)
    alice = users.create_user(engine, "alice", PASSWORD, "admin", "Alice Martin")
    assert (alice.username, alice.role, alice.active) == ("alice", "admin", True)
    with pytest.raises(UserExists):
        users.create_user(engine, "alice", PASSWORD)
    with pytest.raises(WeakPassword):
        users.create_user(engine, "bob", "short")
    with pytest.raises(WeakPassword):
        users.create_user(engine, "bob", "aaaaaaaaaaaaaa")
    with pytest.raises(BadOption):
        users.create_user(engine, "bob", PASSWORD, "boss")
    assert users.authenticate(engine, "alice", PASSWORD).id == alice.id
    for name, password in (("alice", "wrong password"), ("nobody", PASSWORD)):
        with pytest.raises(BadCredentials):
            users.authenticate(engine, name, password)
    users.set_active(engine, "alice", False)
    with pytest.raises(BadCredentials):
        users.authenticate(engine, "alice", PASSWORD)
    agent = users.create_user(engine, "agent1", PASSWORD, "agent")
    assert agent.may("read") and not agent.may("export") and not agent.may("reveal")
    with pytest.raises(Forbidden) as caught:
        agent.require("surveys")
    assert caught.value.http_status == 403 and "admin / analyst" in caught.value.fix("en")
    assert [a.username for a in users.list_users(engine)] == ["agent1", "alice"]


def test_the_stored_password_is_an_argon2_hash(sqlite_url):
    from sqlalchemy import select

    from ecoute.store.models import User

    engine = open_store(sqlite_url)
    users.create_user(engine, "alice", PASSWORD)
    with engine.connect() as connection:
        stored = connection.scalar(select(User.password_hash))
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_sessions_close_on_logout_password_change_and_disable(sqlite_url):
    engine = open_store(sqlite_url)
    account = users.create_user(engine, "alice", PASSWORD)
    secret, session = users.open_session(engine, account)
    assert users.session_for(engine, secret).account.id == account.id
    assert users.session_for(engine, secret).csrf_token == session.csrf_token
    assert users.session_for(engine, "forged") is None and users.session_for(engine, None) is None
    users.close_session(engine, secret)
    assert users.session_for(engine, secret) is None
    secret, _ = users.open_session(engine, account)
    users.set_password(engine, "alice", "another long phrase")
    assert users.session_for(engine, secret) is None
    secret, _ = users.open_session(engine, account, hours=0)
    assert users.session_for(engine, secret) is None  # expired


def test_api_tokens_hashed_usable_revocable(store_url):
    engine = open_store(store_url)
    users.create_user(engine, "bot", PASSWORD, "analyst")
    secret = users.create_token(engine, "bot", "nightly export")
    assert secret.startswith("eco_") and len(secret) > 40
    assert users.account_for_token(engine, secret).username == "bot"
    [info] = users.list_tokens(engine, "bot")
    assert (info.name, info.prefix, info.revoked) == ("nightly export", secret[:12], False)
    assert info.last_used_at is not None
    for bad in ("eco_forged", "nope", secret + "x"):
        with pytest.raises(NotAuthenticated):
            users.account_for_token(engine, bad)
    users.revoke_token(engine, "bot", info.id)
    with pytest.raises(NotAuthenticated):
        users.account_for_token(engine, secret)


def _ecoute(*args, stdin=""):
    return subprocess.run([sys.executable, "-m", "ecoute", *args], input=stdin, capture_output=True, text=True, timeout=120)


def test_the_users_commands(sqlite_url):
    created = _ecoute("users", "add", "alice", "--role", "admin", "--name", "Alice", "--password-stdin", "--db", sqlite_url, stdin=PASSWORD + "\n")
    assert created.returncode == 0, created.stderr
    assert "alice" in created.stdout and "admin" in created.stdout
    listed = _ecoute("--lang", "en", "users", "list", "--db", sqlite_url)
    assert "alice (Alice)" in listed.stdout and "admin" in listed.stdout
    token = _ecoute("users", "token", "alice", "--db", sqlite_url)
    assert re.fullmatch(r"eco_\S+\n", token.stdout)
    weak = _ecoute("users", "add", "bob", "--password-stdin", "--db", sqlite_url, stdin="court\n")
    assert weak.returncode == 2 and "ECO807" in weak.stderr
    again = _ecoute("users", "add", "alice", "--password-stdin", "--db", sqlite_url, stdin=PASSWORD + "\n")
    assert again.returncode == 2 and "ECO808" in again.stderr


@pytest.mark.parametrize("name", sorted(typer.main.get_command(users_cli).commands))
def test_every_users_command_and_option_is_documented(name):
    text = DOCS.read_text(encoding="utf-8")
    command = typer.main.get_command(users_cli).commands[name]
    assert f"ecoute users {name}" in text
    for param in command.params:
        for option in param.opts:
            if option.startswith("--"):
                assert option in text, f"{option} of `ecoute users {name}`"
