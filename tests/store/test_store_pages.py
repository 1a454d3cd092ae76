"""Walking every current analysis page by page (facts rebuild, theme discovery, the case scan)."""

from sqlalchemy import select

from ecoute.ingest.model import ReadOptions
from ecoute.pipeline import Pipeline
from ecoute.services.analysis import reanalyse
from ecoute.services.imports import run_import
from ecoute.store.db import open_store
from ecoute.store.models import AnalysisRow
from ecoute.store.pages import current_analyses, short_reads


def _store(store_url, tmp_path, rows: int = 7):
    path = tmp_path / "avis.csv"
    lines = ["id,text", *(f"R{n},Avis numéro {n} : j'ai appelé le service client {n} fois." for n in range(rows))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    engine = open_store(store_url)
    run_import(engine, [str(path)], ReadOptions(), pipeline=Pipeline(["language", "pseudonymise"]))
    reanalyse(engine, Pipeline(["language", "pseudonymise", "date"]))  # older analyses stay, not current
    return engine


def test_every_current_analysis_once_across_pages(store_url, tmp_path):
    engine = _store(store_url, tmp_path)
    with engine.connect() as connection:
        current = set(connection.scalars(select(AnalysisRow.id).where(AnalysisRow.is_current.is_(True))))
    assert len(current) == 7
    for key in (AnalysisRow.id, AnalysisRow.testimony_id):
        pages = list(current_analyses(short_reads(engine), key=key, page=3))
        assert [len(p) for p in pages] == [3, 3, 1]
        seen = [row.id for p in pages for row in p]
        assert sorted(seen) == sorted(current)
        keys = [getattr(row, key.key) for p in pages for row in p]
        assert keys == sorted(keys)  # in key order, so the next page starts after the last one


def test_a_filter_narrows_the_pages(store_url, tmp_path):
    engine = _store(store_url, tmp_path)
    with engine.connect() as connection:
        one = connection.scalar(select(AnalysisRow.testimony_id).where(AnalysisRow.is_current.is_(True)).limit(1))
    pages = list(current_analyses(short_reads(engine), where=(AnalysisRow.testimony_id != one,), page=4))
    assert sum(len(p) for p in pages) == 6
    assert one not in {row.testimony_id for p in pages for row in p}
