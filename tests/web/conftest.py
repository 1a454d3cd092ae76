"""Web app fixtures: a store with a few analysed testimonies, accounts of each
role, and clients logged in by session cookie or by API token."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from ecoute.ingest.model import ReadOptions
from ecoute.services import users
from ecoute.services.imports import run_import
from ecoute.store.db import open_store
from ecoute.web.app import create_app

PASSWORD = "une phrase de passe"
ROWS = [
    ("C1", "2025-01-10", "Lyon", "Telvia", "J'ai appelé le service client trois fois. Le robot m'a renvoyé au menu du début, puis après 40 minutes d'attente un conseiller m'a dit qu'il ne pouvait pas me transférer. Jean Dupont, 06 12 34 56 78."),
    ("C2", "2025-02-03", "Lille", "Telvia", "Merci à la conseillère de la boutique, problème réglé en dix minutes, très aimable."),
    ("C3", "2025-02-20", "Lyon", "Assurix", "Personne ne répond au téléphone, j'ai envoyé une lettre recommandée restée sans réponse. Je vais résilier mon contrat."),
    ("E1", "2025-03-01", "Lyon", "Telvia", "En tant que conseiller, je dois suivre le script mot pour mot et je n'ai pas le droit de transférer. Mon manager ne nous soutient pas."),
    ("E2", "2025-03-05", "Lille", "Telvia", "Je suis salariée à l'agence : trop de formulaires, pas d'augmentation depuis trois ans, les collègues partent."),
]


def _csv(tmp_path):
    import csv

    path = tmp_path / "avis.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "date", "site", "brand", "text"])
        writer.writerows(ROWS)
    return path


@pytest.fixture
def store(store_url, tmp_path, pipeline):
    """A store holding the ROWS, imported and analysed by the default pipeline."""
    engine = open_store(store_url)
    run_import(engine, [str(_csv(tmp_path))], ReadOptions(id_col="id", date_col="date"), pipeline=pipeline)
    for name, role in (("admin", "admin"), ("analyst", "analyst"), ("agent", "agent")):
        users.create_user(engine, name, PASSWORD, role)
    return store_url


@pytest.fixture
def app(store):
    return create_app(store)


@pytest.fixture
def bare_app(sqlite_url):
    """An app on an empty SQLite store with one analyst: for checks that need no data."""
    users.create_user(open_store(sqlite_url), "analyst", PASSWORD, "analyst")
    return create_app(sqlite_url)


@pytest.fixture
def bare_api(bare_app, sqlite_url):
    return token_client(bare_app, sqlite_url, "analyst")


def login(client: TestClient, username: str, password: str = PASSWORD):
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token}, follow_redirects=False)


def csrf_of(client: TestClient) -> str:
    page = client.get("/surveys", headers={"accept": "text/html"})
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


@pytest.fixture
def browser_client(app):
    """An admin logged in with a session cookie, as a browser."""
    client = TestClient(app)
    assert login(client, "admin").status_code == 303
    return client


def token_client(app, store_url: str, username: str) -> TestClient:
    secret = users.create_token(open_store(store_url), username, "tests")
    return TestClient(app, headers={"Authorization": f"Bearer {secret}"})


@pytest.fixture
def api(app, store):
    """An analyst's API client (Bearer token)."""
    return token_client(app, store, "analyst")


@pytest.fixture
def agent_api(app, store):
    return token_client(app, store, "agent")


@pytest.fixture
def admin_api(app, store):
    return token_client(app, store, "admin")


def assert_error(response, status: int, code: str) -> dict:
    """The one JSON error shape, with this status and code."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fix", "details"}
    assert body["error"]["code"] == code, body
    assert body["error"]["message"] and body["error"]["fix"]
    return body["error"]
