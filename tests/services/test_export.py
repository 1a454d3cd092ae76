import csv
import json

import pyarrow.parquet as pq
import pytest

from ecoute.errors import BadOption
from ecoute.ingest.model import ReadOptions
from ecoute.pipeline import Pipeline
from ecoute.services.export import FLAT_COLUMNS, export
from ecoute.services.imports import run_import
from ecoute.store.db import open_store


@pytest.fixture
def engine(store_url, tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a.csv").write_text("id,date,site,texte\nA1,2025-01-02,Lyon,Attente interminable.\nA2,2025-01-03,Lille,Very quick fix.\n", encoding="utf-8")
    engine = open_store(store_url)
    run_import(engine, [str(folder)], ReadOptions(), pipeline=Pipeline(["language", "pseudonymise", "date"]))
    return engine


def test_jsonl_holds_the_analysis_records(engine, tmp_path):
    assert export(engine, tmp_path / "out.jsonl") == 2
    records = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted((r["source"]["external_id"], r["language"], r["date"]) for r in records) == [
        ("A1", "fr", "2025-01-02"),
        ("A2", "en", "2025-01-03"),
    ]


def test_csv_and_parquet_have_the_flat_columns(engine, tmp_path):
    export(engine, tmp_path / "out.csv")
    rows = list(csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8")))
    assert tuple(rows[0]) == FLAT_COLUMNS
    assert sorted(json.loads(r["metadata"])["site"] for r in rows) == ["Lille", "Lyon"]
    export(engine, tmp_path / "out.data", "parquet")
    table = pq.read_table(tmp_path / "out.data")
    assert table.num_rows == 2 and tuple(table.column_names) == FLAT_COLUMNS


def test_unknown_format_and_no_partial_file(engine, tmp_path):
    with pytest.raises(BadOption):
        export(engine, tmp_path / "out.xml")
    assert list(tmp_path.glob("*.xml")) == [] and list(tmp_path.glob(".*.part")) == []
