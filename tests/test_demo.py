"""The bundled demo corpus: `make run` imports it, so it must import cleanly."""

from collections import Counter

from sqlalchemy import select

from ecoute.cli.main import DEMO_CORPUS
from ecoute.ingest.model import ReadOptions
from ecoute.services.imports import run_import
from ecoute.store.db import open_store
from ecoute.store.models import AnalysisRow


def test_demo_corpus_imports_without_loss_or_rejection(sqlite_url, pipeline):
    engine = open_store(sqlite_url)
    report = run_import(engine, [str(DEMO_CORPUS)], ReadOptions(), pipeline=pipeline)
    assert report.rejected == 0, report
    assert report.duplicate == 0
    assert report.stored == report.analysed >= 40
    with engine.connect() as connection:
        languages = Counter(connection.scalars(select(AnalysisRow.language)))
        dated = sum(1 for d in connection.scalars(select(AnalysisRow.testimony_date)) if d)
    assert set(languages) == {"fr", "en"}
    assert languages["fr"] > languages["en"] >= 8
    assert dated >= report.stored - 4  # only some stories carry no date at all
    again = run_import(engine, [str(DEMO_CORPUS)], ReadOptions(), pipeline=pipeline)
    assert (again.stored, again.duplicate) == (0, report.stored)
