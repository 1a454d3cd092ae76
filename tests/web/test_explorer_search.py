"""The explorer's text search at scale (issue 6, pages at 100,000
testimonies): one query gives a page and the total; PostgreSQL finds the
texts through a trigram index."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from ecoute.services import explorer
from ecoute.services.explorer import Filters
from ecoute.store.db import open_store


@pytest.mark.parametrize("params", [{"q": "conseiller"}, {"q": "LE"}, {"q": "transférer script"}, {"q": "e", "role": "customer"}, {"q": "zzzz"}])
@pytest.mark.parametrize("sort", ["date", "churn", "stored", "sentiment"])
def test_a_searched_page_and_its_total_come_from_one_query_with_the_same_answer(store, params, sort):
    engine, filters = open_store(store), Filters.from_params(params)
    for order in ("asc", "desc"):
        for page, per_page in ((1, 2), (2, 2), (1, 25), (9, 2)):
            expected = (explorer.count.uncached(engine, filters), explorer.page_ids.uncached(engine, filters, sort, order, page, per_page))
            assert explorer.searched_page.uncached(engine, filters, sort, order, page, per_page) == expected


def test_search_results_match_every_word_ignoring_case(store):
    result = explorer.search(open_store(store), Filters.from_params({"q": "ROBOT menu"}))
    assert result.total == 1 and "robot" in result.items[0]["text"].lower()


@pytest.mark.postgres
def test_postgresql_finds_searched_texts_through_the_trigram_index(postgres_url):
    engine = open_store(postgres_url)
    with engine.connect() as connection:
        definition = connection.scalar(text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_testimonies_text_trgm'"))
        assert definition is not None and "gin" in definition and "gin_trgm_ops" in definition
        connection.execute(text("SET enable_seqscan = off"))  # a tiny table: make the planner show the index it can use
        plan = "\n".join(connection.scalars(text("EXPLAIN SELECT id FROM testimonies WHERE text ILIKE '%conseil%'")))
        assert "ix_testimonies_text_trgm" in plan
