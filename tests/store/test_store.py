"""The store on SQLite and PostgreSQL: migrations, imports that add up,
duplicates, rejections, re-analysis history."""

import pytest
from sqlalchemy import func, select

from ecoute.errors import DatabaseUnreachable, InvalidDatabaseUrl, NotFound
from ecoute.ingest.model import ReadOptions
from ecoute.pipeline import Pipeline
from ecoute.services.analysis import reanalyse
from ecoute.services.imports import list_rejections, run_import
from ecoute.store.db import open_store, schema_differences, table_names, upgrade
from ecoute.store import models
from ecoute.store.models import AnalysisRow, DuplicateRow, ImportRun, RejectionRow

CSV = """id,date,site,text
A1,2025-01-05,Lyon,"J'ai attendu 45 minutes au téléphone, puis on m'a raccroché au nez."
A2,2025-01-06,Lyon,
A3,2025-01-07,Paris,"Conseillère très aimable, problème réglé en un appel."
A4,2025-01-08,Paris,"j'ai attendu 45 minutes au téléphone,  puis on m'a raccroché au nez."
"""


@pytest.fixture
def csv_file(tmp_path):
    path = tmp_path / "avis.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def count(engine, model):
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(model))


def test_migrations_create_the_tables_the_models_describe(store_url):
    engine = open_store(store_url)
    assert {"sources", "import_runs", "testimonies", "duplicates", "rejections", "analyses"} <= set(table_names(engine))
    with engine.connect() as connection:
        assert schema_differences(connection) == []
    from alembic.script import ScriptDirectory

    from ecoute.store.db import MIGRATIONS

    assert upgrade(engine) == ScriptDirectory(str(MIGRATIONS)).get_current_head()  # idempotent, at the head


def test_import_counts_add_up_and_rows_prove_them(store_url, csv_file):
    engine = open_store(store_url)
    report = run_import(engine, [str(csv_file)], ReadOptions(id_col="id", date_col="date"))
    assert (report.input, report.stored, report.duplicate, report.rejected) == (4, 2, 1, 1)
    assert report.adds_up
    assert count(engine, models.TestimonyRow) == 2
    assert count(engine, DuplicateRow) == 1
    rejections = list_rejections(engine, report.run_id)
    assert [(r.row, r.code) for r in rejections] == [(2, "ECO305")]
    assert rejections[0].path.endswith("avis.csv")
    with engine.connect() as connection:
        run = connection.execute(select(ImportRun).where(ImportRun.id == report.run_id)).one()
        metadata = connection.scalar(select(models.TestimonyRow.meta).where(models.TestimonyRow.external_id == "A3"))
    assert (run.status, run.input_count, run.stored_count, run.duplicate_count, run.rejected_count) == ("done", 4, 2, 1, 1)
    assert metadata == {"site": "Paris"}


def test_a_second_import_stores_nothing_twice(store_url, csv_file):
    engine = open_store(store_url)
    run_import(engine, [str(csv_file)], ReadOptions())
    again = run_import(engine, [str(csv_file)], ReadOptions())
    assert (again.input, again.stored, again.duplicate, again.rejected) == (4, 0, 3, 1)
    assert count(engine, models.TestimonyRow) == 2


def test_import_with_the_pipeline_stores_current_analyses(store_url, csv_file):
    engine = open_store(store_url)
    pipeline = Pipeline(["language", "date"])  # imports put pseudonymisation in front of it
    report = run_import(engine, [str(csv_file)], ReadOptions(date_col="date"), pipeline=pipeline)
    assert report.analysed == 2
    with engine.connect() as connection:
        rows = connection.execute(select(AnalysisRow.language, AnalysisRow.testimony_date, AnalysisRow.record)).all()
    assert sorted((r.language, r.testimony_date) for r in rows) == [("fr", "2025-01-05"), ("fr", "2025-01-07")]
    expected = [{"name": "language", "version": "1"}, {"name": "pseudonymise", "version": "1"}, {"name": "date", "version": "1"}]
    assert all(r.record["pipeline"] == expected for r in rows)


def test_reanalysis_with_a_new_pipeline_keeps_history(store_url, csv_file):
    engine = open_store(store_url)
    protect, more = Pipeline(["language", "pseudonymise"]), Pipeline(["language", "pseudonymise", "date"])
    run_import(engine, [str(csv_file)], ReadOptions(), pipeline=protect)
    assert reanalyse(engine, protect) == (0, 0)  # already up to date
    assert reanalyse(engine, more) == (2, 0)
    with engine.connect() as connection:
        rows = connection.execute(select(AnalysisRow.pipeline_version, AnalysisRow.is_current)).all()
    old, new = protect.version, more.version
    assert sorted(rows) == [(old, False), (old, False), (new, True), (new, True)]
    assert reanalyse(engine, more, everything=True) == (2, 0)
    assert count(engine, AnalysisRow) == 6


def test_rejections_of_an_unknown_run(store_url):
    with pytest.raises(NotFound):
        list_rejections(open_store(store_url), 999)


def test_rejected_files_are_kept_with_their_reason(store_url, tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "ok.txt").write_text("Très bon accueil en agence.", encoding="utf-8")
    engine = open_store(store_url)
    report = run_import(engine, [str(folder)], ReadOptions())
    assert (report.input, report.stored, report.rejected) == (2, 1, 1)
    with engine.connect() as connection:
        row = connection.execute(select(RejectionRow.code, RejectionRow.reason, RejectionRow.params)).one()
    assert row.code == "ECO302" and "empty" in row.reason and row.params["path"].endswith("empty.txt")


def test_unreachable_database_is_a_clear_error():
    with pytest.raises(DatabaseUnreachable) as info:
        open_store("postgresql://postgres@127.0.0.1:1/nowhere")
    assert info.value.code == "ECO200"
    assert "127.0.0.1:1" in info.value.message("en")


def test_password_never_appears_in_errors():
    with pytest.raises(DatabaseUnreachable) as info:
        open_store("postgresql://postgres:s3cret@127.0.0.1:1/nowhere")
    assert "s3cret" not in info.value.message("en") + str(info.value.params)


@pytest.mark.parametrize("url", ["mysql://x/y", "not a url"])
def test_unsupported_database_urls(url):
    with pytest.raises(InvalidDatabaseUrl):
        open_store(url)
