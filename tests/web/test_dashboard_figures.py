"""The overview's and theme page's figures at scale (issue 6, pages at
100,000 testimonies): the themes counted once per selection, and a page's
independent figures computed side by side, with the same answers."""

from __future__ import annotations

import threading

import pytest

from ecoute.services import dashboards
from ecoute.services.explorer import Filters
from ecoute.store.db import open_store


@pytest.mark.parametrize("params", [{}, {"date_from": "2025-02-01"}, {"role": "customer"}, {"q": "conseiller"}, {"meta.site": "Lyon", "sentiment": "negative"}])
def test_top_themes_and_their_trends_from_one_pass_match_the_separate_queries(store, params):
    engine, filters = open_store(store), Filters.from_params(params)
    by_month = dashboards.themes_by_month.uncached(engine, filters)
    top = dashboards.top_themes(by_month, 10)
    assert top == dashboards.facet_counts.uncached(engine, filters, "theme", 10)
    codes = [row["code"] for row in top[:6]] + ["no_such_theme"]
    assert dashboards.trends_of(by_month, codes) == dashboards.theme_trends.uncached(engine, filters, codes)


def test_the_overview_and_a_theme_page_give_the_figures_of_their_parts(store):
    engine, filters = open_store(store), Filters()
    overview = dashboards._overview_figures.uncached(engine, filters)
    assert overview["counts"] == dashboards.counts.uncached(engine, filters)
    assert overview["volume"] == dashboards.volume_by_month.uncached(engine, filters)
    assert overview["themes"] == dashboards.facet_counts.uncached(engine, filters, "theme", 10)
    code = overview["themes"][0]["code"]
    page = dashboards.theme.uncached(engine, filters, code)
    assert page["count"] == overview["themes"][0]["count"]
    assert {row["month"]: row["count"] for row in page["trend"] if row["count"]} == dashboards.theme_trends.uncached(engine, filters, [code])[code]


def test_together_keeps_the_order_and_runs_nested_calls_in_turn():
    threads: list[str] = []

    def call(n: int):
        threads.append(threading.current_thread().name)
        return n

    assert dashboards.together(lambda: call(1), lambda: call(2), lambda: call(3)) == [1, 2, 3]
    assert threads[0] == threading.current_thread().name
    nested = dashboards.together(lambda: 0, lambda: dashboards.together(lambda: threading.current_thread().name, lambda: threading.current_thread().name))[1]
    assert nested[0] == nested[1] and nested[0].startswith("ecoute-figures")  # inside a figures thread: no second level


def test_an_error_in_one_figure_reaches_the_page():
    def broken():
        raise ValueError("no such column")

    with pytest.raises(ValueError):
        dashboards.together(lambda: 1, broken)


@pytest.mark.parametrize("params", [{}, {"role": "customer"}, {"meta.site": "Lyon"}, {"q": "conseiller"}])
def test_a_theme_page_counts_its_sources_and_effort_in_one_pass_with_the_same_figures(store, params):
    from dataclasses import replace

    from ecoute.services import explorer

    engine = open_store(store)
    code = dashboards.facet_counts.uncached(engine, Filters(), "theme", 1)[0]["code"]
    filters = replace(Filters.from_params(params), theme=code)
    figures = dashboards.sources_and_effort.uncached(engine, filters)
    assert figures["count"] == explorer.count.uncached(engine, filters)
    assert figures["effort"] == dashboards.effort_distribution.uncached(engine, filters)
    assert sorted(figures["by_source"], key=str) == sorted(dashboards.shares_by_source.uncached(engine, filters), key=str)
    verbatims = dashboards.theme_verbatims.uncached(engine, Filters.from_params(params), code)
    assert [item["id"] for item in verbatims] == [item["id"] for item in explorer.search(engine, filters, sort="churn", per_page=10).items]
