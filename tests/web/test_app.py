"""The first web page and the JSON API behind it."""

import pytest
from fastapi.testclient import TestClient

from ecoute.ingest.model import ReadOptions
from ecoute.pipeline import Pipeline
from ecoute.services.imports import run_import
from ecoute.store.db import open_store
from ecoute.web.app import create_app


@pytest.fixture
def client(store_url, tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a.txt").write_text("J'ai attendu une heure au téléphone, personne ne m'a répondu.", encoding="utf-8")
    (folder / "b.txt").write_text("Thank you for the quick refund, great staff.", encoding="utf-8")
    run_import(open_store(store_url), [str(folder)], ReadOptions(), pipeline=Pipeline(["language", "date"]))
    return TestClient(create_app(store_url))


def test_index_lists_testimonies_with_records(client):
    page = client.get("/")
    assert page.status_code == 200
    assert "J&#39;ai attendu une heure" in page.text or "J'ai attendu une heure" in page.text
    assert "2 témoignages" in page.text and "Langue" in page.text
    english = client.get("/?lang=en")
    assert "2 testimonies" in english.text and "Language" in english.text


def test_api_returns_the_same_records(client):
    listing = client.get("/api/v1/testimonies").json()
    assert listing["total"] == 2
    first = listing["items"][0]
    one = client.get(f"/api/v1/testimonies/{first['id']}").json()
    assert one["record"] == first["record"]
    assert one["record"]["language"] in ("fr", "en")


def test_errors_have_the_one_json_shape(client):
    response = client.get("/api/v1/testimonies/t000?lang=en")
    assert response.status_code == 404
    error = response.json()["error"]
    assert set(error) == {"code", "message", "fix", "details"}
    assert error["code"] == "ECO202" and "t000" in error["message"]


def test_openapi_and_schema_are_published(client):
    assert client.get("/api/v1/openapi.json").json()["info"]["title"] == "ecoute"
    assert "required" in client.get("/api/v1/schema").json()
