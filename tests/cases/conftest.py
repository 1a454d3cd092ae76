"""Cases fixtures: a frozen clock, stores, the operator's cases file, and
real local receivers: an HTTP server for webhooks (that can be told to
fail) and an SMTP server (aiosmtpd)."""

from __future__ import annotations

import pytest

from cases_helpers import SECRET, START, Receiver, free_port
from ecoute.cases import clock
from ecoute.store.db import open_store


@pytest.fixture(autouse=True)
def _clock():
    """Every cases test starts on 10 January 2025, 09:00 UTC, clock stopped."""
    clock.set_time(START)
    yield
    clock.set_time(None)


@pytest.fixture
def engine(store_url):
    return open_store(store_url)


@pytest.fixture
def sqlite_engine(sqlite_url):
    return open_store(sqlite_url)


@pytest.fixture
def pg_engine(postgres_url):
    return open_store(postgres_url)


@pytest.fixture
def cases_file(tmp_path, monkeypatch):
    """Write the operator's cases file ($ECOUTE_HOME/cases.yaml)."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)

    def write(text: str):
        path = home / "cases.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def receiver(monkeypatch):
    monkeypatch.setenv("ECOUTE_WEBHOOK_SECRET", SECRET)
    hook = Receiver()
    yield hook
    hook.server.shutdown()


@pytest.fixture
def smtp_server(monkeypatch):
    """A real SMTP server on localhost (aiosmtpd) collecting the messages."""
    from aiosmtpd.controller import Controller

    class Collect:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            self.messages.append({"to": envelope.rcpt_tos, "data": envelope.content.decode("utf-8", "replace")})
            return "250 OK"

    handler = Collect()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("ECOUTE_SMTP_URL", f"smtp://127.0.0.1:{port}")
    monkeypatch.setenv("ECOUTE_MAIL_FROM", "ecoute@test.example")
    yield handler
    controller.stop()
