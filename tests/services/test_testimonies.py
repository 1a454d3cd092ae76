"""get_record: one stored testimony by id, unique prefix or external id, on
SQLite and PostgreSQL (issue 4, point 8)."""

import pytest

from ecoute.errors import EcouteError
from ecoute.ingest.model import ReadOptions
from ecoute.services.imports import run_import
from ecoute.services.testimonies import get_record
from ecoute.store.db import open_store


@pytest.fixture
def engine(store_url, tmp_path, monkeypatch):
    monkeypatch.setenv("ECOUTE_PRIVACY", "off")  # stored as read, without analysis: fast and enough here
    path = tmp_path / "avis.csv"
    path.write_text("ref,texte\nA1,Attente interminable.\nA2,Attente interminable.\nB1,Personne ne rappelle.\n", encoding="utf-8")
    engine = open_store(store_url)
    report = run_import(engine, [str(path)], ReadOptions(id_col="ref"))
    assert (report.stored, report.duplicate) == (2, 1)
    return engine


def code_of(call) -> str:
    with pytest.raises(EcouteError) as caught:
        call()
    return caught.value.code


def test_id_prefix_and_external_id(engine):
    first = get_record(engine, "A1", external=True)
    assert first.text == "Attente interminable." and first.source.external_id == "A1"
    assert first.pipeline == [] and first.journey.events == []  # stored without analysis
    assert get_record(engine, first.id).id == first.id
    assert get_record(engine, first.id[:12].upper()).id == first.id
    assert get_record(engine, "A2", external=True).id == first.id  # the duplicate's own id leads to the testimony
    assert get_record(engine, "B1", external=True).text == "Personne ne rappelle."


def test_unknown_and_ambiguous(engine):
    assert code_of(lambda: get_record(engine, "t")) == "ECO204"
    assert code_of(lambda: get_record(engine, "t_")) == "ECO203"  # LIKE wildcards are taken literally
    assert code_of(lambda: get_record(engine, "t%")) == "ECO203"
    assert code_of(lambda: get_record(engine, "  ")) == "ECO203"
    assert code_of(lambda: get_record(engine, "C9", external=True)) == "ECO203"
    with pytest.raises(EcouteError) as caught:
        get_record(engine, "t")
    assert caught.value.params["count"] == 2
