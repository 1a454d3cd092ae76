"""Issue 8, point 1: `ecoute batch` with the local engine."""

from __future__ import annotations

import json

import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from ecoute.batch.job import run_batch
from ecoute.batch.writer import record_schema
from ecoute.errors import BadOption, InputNotFound, OutputExists
from ecoute.ingest.model import ReadOptions

from batch_helpers import read_output, run_cli, write_parquet, write_reviews


def test_a_csv_becomes_parquet_records_rejections_and_duplicates(tmp_path, fast_env):
    source = write_reviews(tmp_path / "avis.csv", rows=120)
    report = run_batch([str(source)], tmp_path / "out", options=ReadOptions(id_col="id"), workers=2, part_size=25)
    assert report.adds_up and report.input == 120 and report.parts == 5
    assert report.records and report.duplicate and report.rejected
    out = read_output(tmp_path / "out")
    assert len(out["records"]) == report.records == len({r["id"] for r in out["records"]})
    assert len(out["rejections"]) == report.rejected and len(out["duplicates"]) == report.duplicate
    assert {r["code"] for r in out["rejections"]} == {"ECO305", "ECO306"}
    assert all(r["reason"] and r["reason_fr"] for r in out["rejections"])
    first = out["records"][0]
    assert first["source"]["kind"] == "csv" and first["source"]["external_id"].startswith("R")
    assert first["date"] == "2025-02-01" and json.loads(first["source"]["metadata"]) == {}  # the date column is found by name
    # Every duplicate points at a record of the output.
    ids = {r["id"] for r in out["records"]}
    assert all(d["testimony_id"] in ids for d in out["duplicates"])
    assert not (tmp_path / ".out.partial").exists()


def test_the_schema_keeps_journey_and_themes_nested(tmp_path):
    schema = record_schema()
    journey = schema.field("journey").type
    assert journey.get_field_index("events") >= 0
    events = journey.field("events").type.value_type
    assert {events.field(i).name for i in range(events.num_fields)} >= {"channel", "outcome", "wait_minutes", "evidence"}
    themes = schema.field("themes").type.value_type
    assert {themes.field(i).name for i in range(themes.num_fields)} == {"code", "confidence", "evidence"}
    assert str(schema.field("labels").type) == "string"  # free-form: JSON text


def test_records_match_the_pipeline_everywhere_else(tmp_path, fast_env, pipeline):
    """The same pipeline as `ecoute analyze`: the records are the same."""
    from ecoute.pipeline import get_pipeline
    from ecoute.services.analysis import AnalyseCounts, analyse_inputs

    source = write_reviews(tmp_path / "avis.csv", rows=40)
    run_batch([str(source)], tmp_path / "out", options=ReadOptions(id_col="id"), workers=1, part_size=15)
    batch = {row["id"]: row for row in read_output(tmp_path / "out")["records"]}
    counts = AnalyseCounts()
    direct = [r for r in analyse_inputs([str(source)], ReadOptions(id_col="id"), get_pipeline(), counts) if hasattr(r, "journey")]
    assert len(direct) == len(batch)
    from ecoute.batch.writer import record_rows

    for row in record_rows(direct):
        assert batch[row["id"]] == row


def test_parquet_parts_with_a_corrupt_one_and_spark_markers(tmp_path, fast_env):
    folder = tmp_path / "parts"
    folder.mkdir()
    write_parquet(folder / "part-0000.parquet", 40)
    write_parquet(folder / "part-0001.parquet", 40, start=40)
    corrupt = folder / "part-0002.parquet"
    write_parquet(corrupt, 40, start=80)
    data = bytearray(corrupt.read_bytes())
    data[len(data) // 3 : len(data) // 3 + 200] = b"\x00" * 200  # pages broken, footer intact
    corrupt.write_bytes(bytes(data))
    truncated = folder / "part-0003.parquet"
    write_parquet(truncated, 10, start=120)
    truncated.write_bytes(truncated.read_bytes()[:-40])  # footer gone
    (folder / "_SUCCESS").write_text("")
    report = run_batch([str(folder)], tmp_path / "out", workers=1, part_size=32)
    out = read_output(tmp_path / "out")
    unreadable = [r for r in out["rejections"] if r["code"] == "ECO310"]
    assert {r["path"] for r in unreadable} == {str(truncated), str(corrupt)}  # named, and only them
    assert not any("_SUCCESS" in r["path"] for r in out["rejections"])
    good = [r for r in out["records"] if r["source"]["path"].endswith(("0000.parquet", "0001.parquet"))]
    assert len(good) == 80 - len([n for n in range(80) if n % 13 == 0])
    assert json.loads(good[0]["source"]["metadata"])["note"] in range(10)
    assert report.adds_up


def test_an_existing_output_is_kept_unless_overwrite(tmp_path, fast_env):
    source = write_reviews(tmp_path / "avis.csv", rows=20)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "precious.txt").write_text("keep me")
    with pytest.raises(OutputExists):
        run_batch([str(source)], tmp_path / "out", workers=1)
    assert (tmp_path / "out" / "precious.txt").exists()
    report = run_batch([str(source)], tmp_path / "out", workers=1, overwrite=True)
    assert report.records and not (tmp_path / "out" / "precious.txt").exists()


def test_a_finished_batch_run_again_recomputes_nothing(tmp_path, fast_env):
    source = write_reviews(tmp_path / "avis.csv", rows=30)
    first = run_batch([str(source)], tmp_path / "out", workers=1)
    mtime = (tmp_path / "out" / "part-00000.parquet").stat().st_mtime_ns
    again = run_batch([str(source)], tmp_path / "out", workers=1)
    assert again.already_done and again.as_dict() | {"already_done": False} == first.as_dict()
    assert (tmp_path / "out" / "part-00000.parquet").stat().st_mtime_ns == mtime


def test_bad_arguments_fail_before_anything_is_written(tmp_path, fast_env):
    with pytest.raises(InputNotFound):
        run_batch([str(tmp_path / "nowhere.csv")], tmp_path / "out")
    source = write_reviews(tmp_path / "avis.csv", rows=5)
    for kwargs in ({"engine": "dask"}, {"part_size": 0}, {"workers": 0}, {"options": ReadOptions(format="docx")}):
        with pytest.raises(BadOption):
            run_batch([str(source)], tmp_path / "out", **kwargs)
    assert not list(tmp_path.glob("*out*"))


def test_the_cli_prints_a_summary_in_french_and_json(tmp_path, fast_env):
    source = write_reviews(tmp_path / "avis.csv", rows=30)
    result = run_cli(["--lang", "fr", "batch", str(source), str(tmp_path / "out"), "--workers", "1"], fast_env)
    assert result.returncode == 0, result.stderr
    assert "Lot local : 30 lus" in result.stdout
    result = run_cli(["batch", str(source), str(tmp_path / "out"), "--json"], fast_env)
    summary = json.loads(result.stdout)
    assert summary["already_done"] and summary["input"] == 30
    missing = run_cli(["--lang", "en", "batch", str(tmp_path / "none.csv"), str(tmp_path / "o2")], fast_env)
    assert missing.returncode == 2 and "ECO300" in missing.stderr


def test_jsonl_input_and_an_output_readable_as_one_dataset(tmp_path, fast_env):
    source = tmp_path / "avis.jsonl"
    source.write_text("\n".join(json.dumps({"text": f"Colis {n} jamais livré, aucune réponse du service client.", "ref": n}) for n in range(12)) + "\n{cassé\n", encoding="utf-8")
    report = run_batch([str(source)], tmp_path / "out", workers=1, part_size=5)
    assert (report.input, report.records, report.rejected) == (13, 12, 1)
    table = ds.dataset(str(tmp_path / "out")).to_table()
    assert table.num_rows == 12 and table.schema.equals(record_schema())
    assert pq.read_table(tmp_path / "out" / "_rejections.parquet").column("row").to_pylist() == [13]


def test_a_pipeline_that_cannot_load_is_named_not_a_broken_pool(tmp_path, fast_env, monkeypatch):
    from ecoute.errors import BatchFailed

    monkeypatch.setenv("ECOUTE_PIPELINE", "language,themes")
    monkeypatch.setenv("ECOUTE_TAXONOMY", str(tmp_path / "missing.yaml"))
    source = write_reviews(tmp_path / "avis.csv", rows=5)
    with pytest.raises(BatchFailed) as caught:
        run_batch([str(source)], tmp_path / "out", workers=1)
    assert "could not be loaded" in caught.value.message("en") and "missing.yaml" in caught.value.message("en")
    assert not (tmp_path / "out").exists()
