"""Dashboard figures kept until the store changes (issue 6, pages at 100,000
testimonies): a write is seen at once on a small store; a large store may
get a page's previous figures for one refresh, never older than MAX_STALE."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, insert, select

from ecoute.services import cache
from ecoute.store.db import open_store
from ecoute.store.models import TestimonyRow, utcnow

calls: list[int] = []


def _count(engine, label: str) -> dict:
    calls.append(1)
    with engine.connect() as connection:
        return {"label": label, "n": connection.scalar(select(func.count()).select_from(TestimonyRow))}


fresh = cache.cached(_count)
page = cache.cached(stale=True)(_count)


def _add(engine, n: int) -> None:
    with engine.begin() as connection:
        connection.execute(insert(TestimonyRow).values(id=f"t{n:020d}", format="text", text=f"avis {n}", metadata={}, created_at=utcnow()))


@pytest.fixture
def engine(sqlite_url):
    calls.clear()
    engine = open_store(sqlite_url)
    yield engine
    cache.clear(engine)


def test_figures_are_computed_once_until_the_store_changes(engine):
    assert fresh(engine, "a") == {"label": "a", "n": 0}
    assert fresh(engine, "a") == {"label": "a", "n": 0}
    assert len(calls) == 1
    assert fresh(engine, "b")["label"] == "b"  # other arguments, other figures
    assert len(calls) == 2
    _add(engine, 1)
    assert fresh(engine, "a") == {"label": "a", "n": 1}
    assert len(calls) == 3


def test_callers_cannot_change_the_cached_figures(engine):
    fresh(engine, "a")["n"] = 99
    assert fresh(engine, "a")["n"] == 0


def test_a_small_store_never_gets_stale_page_figures(engine):
    assert page(engine, "a")["n"] == 0
    _add(engine, 1)
    assert page(engine, "a")["n"] == 1


def test_a_large_store_gets_the_previous_figures_while_they_are_refreshed(engine, monkeypatch):
    monkeypatch.setattr(cache, "STALE_FROM", 0)
    monkeypatch.setattr(cache, "REFRESH_EVERY", 1.0)
    assert page(engine, "a")["n"] == 0
    _add(engine, 1)
    assert page(engine, "a")["n"] == 0  # served at once, refreshed in the background
    _add(engine, 2)
    assert page(engine, "a")["n"] == 0  # one refresh at a time
    deadline = time.monotonic() + 10
    while page(engine, "a")["n"] != 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert page(engine, "a")["n"] == 2
    assert len(calls) == 2  # the first computation and one refresh, REFRESH_EVERY after it


def test_figures_older_than_max_stale_are_never_served(engine, monkeypatch):
    monkeypatch.setattr(cache, "STALE_FROM", 0)
    monkeypatch.setattr(cache, "MAX_STALE", 0.0)
    assert page(engine, "a")["n"] == 0
    _add(engine, 1)
    assert page(engine, "a")["n"] == 1
