"""Nothing personal leaks: testimonies full of identifiers go through import,
analysis, exports, the CLI, the API, the web page and the logs, and none of
the identifiers comes out anywhere (issue 5, point 4)."""

import json
import logging
import re
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import MetaData, select

from ecoute.ingest.model import ReadOptions
from ecoute.pipeline import Item, Pipeline, get_pipeline
from ecoute.record import Source
from ecoute.services import users
from ecoute.services.imports import run_import
from ecoute.store.db import open_store
from ecoute.web.app import create_app

PASSWORD = "correct horse battery staple"

IDENTIFIERS = [
    "Martin", "Dupont", "Kévin", "Jean-Pierre", "Nathalie Bernard",
    "06 12 34 56 78", "0698765432", "+33 7 11 22 33 44",
    "jean.dupont@example.fr", "n.bernard@orange.fr",
    "FR76 3000 6000 0112 3456 7890 189", "4539 5787 6362 1486", "1 84 12 75 115 042 15",
    "AB-123-CD", "AX-2023-55871", "12 rue des Lilas", "12/03/1961",
]

CSV = (
    "id,date,nom,email,agence,texte\n"
    'A1,2025-02-01,Nathalie Bernard,n.bernard@orange.fr,Lyon,"Je suis Mme Martin, née le 12/03/1961, contrat n° AX-2023-55871. '
    'Rappelez-moi au 06 12 34 56 78 ou écrivez à jean.dupont@example.fr. Madame Martin attend toujours."\n'
    'A2,2025-02-02,,,Lyon,"Kévin de chez Orange m\'a raccroché au nez. Mon IBAN FR76 3000 6000 0112 3456 7890 189 a été débité, '
    'carte 4539 5787 6362 1486. M. Dupont du service client ne répond pas au 0698765432."\n'
    'A3,2025-02-03,,,Paris,"Jean-Pierre, le commercial, a noté ma plaque AB-123-CD et mon NIR 1 84 12 75 115 042 15. '
    'J\'habite 12 rue des Lilas, 69003 Lyon. Joignable au +33 7 11 22 33 44."\n'
)


def assert_clean(where, text):
    leaked = [value for value in IDENTIFIERS if value in text]
    assert not leaked, f"{where} shows {leaked}"


@pytest.fixture
def reviews(tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "avis.csv").write_text(CSV, encoding="utf-8")
    return folder / "avis.csv"


def test_nothing_personal_in_store_api_page_cli_or_logs(store_url, reviews, caplog):
    caplog.set_level(logging.DEBUG)
    engine = open_store(store_url)
    report = run_import(engine, [str(reviews)], ReadOptions(), pipeline=get_pipeline())
    assert (report.stored, report.rejected) == (3, 0)
    # Every text column of every table.
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            for row in connection.execute(select(table)):
                assert_clean(f"table {table.name}", json.dumps([str(v) for v in row], ensure_ascii=False))
    users.create_user(engine, "analyst", PASSWORD, "analyst")
    app = create_app(store_url)
    browser = TestClient(app)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/login").text).group(1)
    signed_in = browser.post("/login", data={"username": "analyst", "password": PASSWORD, "csrf_token": csrf}, follow_redirects=False)
    assert signed_in.status_code == 303
    for page in ("/", "/explorer"):
        shown = browser.get(page)
        assert shown.status_code == 200
        assert_clean(f"web page {page}", shown.text)
    client = TestClient(app, headers={"Authorization": f"Bearer {users.create_token(engine, 'analyst', 'leak test')}"})
    listing = client.get("/api/v1/testimonies").json()
    assert len(listing["items"]) == 3
    assert_clean("API list", json.dumps(listing, ensure_ascii=False))
    for item in listing["items"]:
        assert_clean("API record", client.get(f"/api/v1/testimonies/{item['id']}").text)
        assert item["record"]["pii"], "identifiers were replaced, and the record says so"
    for fmt in ("jsonl", "csv", "parquet"):
        from ecoute.services.export import export

        target = reviews.parent.parent / f"export.{fmt}"
        assert export(engine, target) == 3
        data = target.read_bytes()
        if fmt == "parquet":
            import pyarrow.parquet as pq

            data = json.dumps(pq.read_table(target).to_pylist(), ensure_ascii=False).encode("utf-8")
        assert_clean(f"{fmt} export", data.decode("utf-8"))
    assert_clean("logs", caplog.text)


def test_analyze_json_and_its_errors_show_nothing_personal(reviews):
    result = subprocess.run(
        [sys.executable, "-m", "ecoute", "--debug", "analyze", str(reviews), "--json"], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 3
    assert_clean("analyze --json", result.stdout)
    assert_clean("analyze stderr (debug logs)", result.stderr)
    first = records[0]
    assert first["source"]["metadata"]["nom"] == "<PERSON>" and first["source"]["metadata"]["email"] == "<EMAIL>"
    # Sentences and pii spans point into the pseudonymised text.
    for record in records:
        for sentence in record["sentences"]:
            assert record["text"][sentence["start"] : sentence["end"]] == sentence["text"]
        for pii in record["pii"]:
            assert record["text"][pii["start"] : pii["end"]] == pii["placeholder"]


def test_reanalysis_keeps_the_text_and_its_pii(store_url, reviews):
    from ecoute.services.analysis import reanalyse
    from ecoute.services.testimonies import list_testimonies

    engine = open_store(store_url)
    run_import(engine, [str(reviews)], ReadOptions(), pipeline=get_pipeline())
    before = {v.id: (v.text, v.record["pii"]) for v in list_testimonies(engine).items}
    assert reanalyse(engine, get_pipeline(), everything=True) == (3, 0)
    after = {v.id: (v.text, v.record["pii"]) for v in list_testimonies(engine).items}
    assert after == before


def test_consistent_placeholders_in_a_record(pipeline):
    record = pipeline.analyse_one(Item(text="Mme Martin a appelé. Madame Martin rappellera le 06 12 34 56 78.", source=Source(kind="text")))
    assert record.text == "<PERSON_1> a appelé. <PERSON_1> rappellera le <PHONE_1>."
    assert [s.text for s in record.sentences] == ["<PERSON_1> a appelé.", "<PERSON_1> rappellera le <PHONE_1>."]


def test_off_mode_warns_at_every_start(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "ecoute", "pipeline"], capture_output=True, text=True, timeout=120,
        env={**__import__("os").environ, "ECOUTE_PRIVACY": "off"},
    )
    assert "ECOUTE_PRIVACY=off" in result.stderr


def test_off_mode_keeps_the_text(monkeypatch):
    monkeypatch.setenv("ECOUTE_PRIVACY", "off")
    record = Pipeline(["language", "pseudonymise"]).analyse_one(Item(text="Mme Martin, 06 12 34 56 78", source=Source(kind="text")))
    assert record.text == "Mme Martin, 06 12 34 56 78" and record.pii == []


def test_a_pipeline_without_pseudonymise_still_stores_protected_text(sqlite_url, reviews):
    from ecoute.services.testimonies import list_testimonies

    engine = open_store(sqlite_url)
    run_import(engine, [str(reviews)], ReadOptions(), pipeline=Pipeline(["language", "date"]))
    for view in list_testimonies(engine).items:
        assert_clean("stored text", view.text)
        assert [c["name"] for c in view.record["pipeline"]][:2] == ["language", "pseudonymise"]
