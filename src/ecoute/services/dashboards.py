"""Aggregates behind the dashboards and the API, computed in SQL.

Each function takes the store and a :class:`~ecoute.services.explorer.Filters`
selection and returns plain data (dicts and lists) that the pages draw and
the API returns as JSON. Queries group on the analyses' columns and the
dashboard facts (services/facts.py), read from covering indexes (revision
0005); only small results come back to Python, and they are kept until the
store changes (services/cache.py).
"""

from __future__ import annotations

import functools
import math
import threading
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any, Callable

from sqlalchemy import Engine, and_, case, func, select

from ecoute.services import surveys
from ecoute.services.cache import cached
from ecoute.services.explorer import A, Filters, page_ids, page_items
from ecoute.store.models import RecordFacet, RecordMeta, TestimonyRow

F, M = RecordFacet, RecordMeta
MONTH = func.substr(A.testimony_date, 1, 7)


def _base(filters: Filters):
    return and_(*filters.conditions())


def _joined(query, filters: Filters):
    """The selection's conditions (the text search is a subquery: no join)."""
    return query.where(_base(filters))


def _facets(filters: Filters, *columns):
    """SELECT ``columns`` over the facets of the selected testimonies. Facets
    exist for current analyses only, so without a filter the analyses table
    is not joined at all (the common, unfiltered dashboard stays cheap)."""
    if filters.is_empty():
        return select(*columns).select_from(F)
    return _joined(select(*columns).select_from(A).join(F, F.testimony_id == A.testimony_id), filters)


_QUERIES = ThreadPoolExecutor(max_workers=4, thread_name_prefix="ecoute-figures")


def together(*calls: Callable[[], Any]) -> list[Any]:
    """The results of ``calls``, the first run in this thread and the others
    at the same time on other connections: a page's figures that do not need
    each other, tens of milliseconds of database work each, are computed side
    by side — SQLite's and psycopg's calls let go of Python's lock, so both
    cores work. Called from one of those threads, everything runs in turn
    (a figure waiting for figures queued behind it could wait forever)."""
    if threading.current_thread().name.startswith("ecoute-figures") or len(calls) < 2:
        return [call() for call in calls]
    pending = [_QUERIES.submit(call) for call in calls[1:]]
    first = calls[0]()
    return [first, *(future.result() for future in pending)]


def _rows(engine: Engine, query) -> list:
    with engine.connect() as connection:
        return connection.execute(query).all()


def _round(value: Any, digits: int = 2) -> float | None:
    return None if value is None else round(float(value), digits)


@cached
def counts(engine: Engine, filters: Filters) -> dict[str, Any]:
    """Totals: analysed in the selection, stored, undated; by role and sentiment."""
    undated = func.sum(case((A.testimony_date.is_(None), 1), else_=0))
    query = _joined(select(A.author_role, A.sentiment_label, func.count(), undated).select_from(A), filters)
    by_role: dict[str, int] = defaultdict(int)
    by_sentiment: dict[str, int] = defaultdict(int)
    without_date = 0
    for role, label, n, no_date in _rows(engine, query.group_by(A.author_role, A.sentiment_label)):
        by_role[role or "unknown"] += n
        by_sentiment[label or "none"] += n
        without_date += int(no_date or 0)
    selected = sum(by_role.values())
    stored, analysed = store_totals(engine)
    return {
        "selected": selected, "stored": stored, "not_analysed": stored - analysed, "undated": without_date,
        "by_role": dict(by_role), "by_sentiment": dict(by_sentiment),
    }  # fmt: skip


@cached
def store_totals(engine: Engine) -> tuple[int, int]:
    """(testimonies stored, testimonies analysed): whatever the selection, so
    kept once for every selection until the store changes."""
    stored = _rows(engine, select(func.count()).select_from(TestimonyRow))[0][0]
    return stored, _rows(engine, select(func.count()).select_from(A).where(A.is_current.is_(True)))[0][0]


@cached
def volume_by_month(engine: Engine, filters: Filters) -> list[dict[str, Any]]:
    """Per month: testimonies, mean sentiment, share negative, mean effort."""
    negative = func.sum(case((A.sentiment_label == "negative", 1), else_=0))
    query = _joined(select(MONTH.label("month"), func.count(), func.avg(A.sentiment_score), negative, func.avg(A.effort_score)).select_from(A), filters)
    rows = _rows(engine, query.where(A.testimony_date.is_not(None)).group_by(MONTH).order_by(MONTH))
    return [
        {"month": month, "count": n, "sentiment": _round(mean), "negative_share": _round(100 * neg / n, 1) if n else None, "effort": _round(effort)}
        for month, n, mean, neg, effort in rows
    ]


@cached
def facet_counts(engine: Engine, filters: Filters, kind: str, limit: int = 15) -> list[dict[str, Any]]:
    """How many selected testimonies have each code of a facet kind, most first."""
    # A code appears once per testimony (services/facts.py): COUNT(*) counts testimonies.
    query = _facets(filters, F.code, func.count().label("n"), func.avg(F.value))
    rows = _rows(engine, query.where(F.kind == kind).group_by(F.code).order_by(func.count().desc(), F.code).limit(limit))
    return [{"code": code, "count": n, "mean": _round(mean)} for code, n, mean in rows]


@cached
def facet_counts_of(engine: Engine, filters: Filters, kinds: tuple[tuple[str, int], ...]) -> list[list[dict[str, Any]]]:
    """:func:`facet_counts` of several kinds (kind, limit) in one pass over the selection's facets."""
    limits = dict(kinds)
    query = _facets(filters, F.kind, F.code, func.count(), func.avg(F.value))
    rows = _rows(engine, query.where(F.kind.in_(limits)).group_by(F.kind, F.code))
    out: dict[str, list[dict[str, Any]]] = {kind: [] for kind in limits}
    for kind, code, n, mean in sorted(rows, key=lambda row: (-row[2], row[1])):
        if len(out[kind]) < limits[kind]:
            out[kind].append({"code": code, "count": n, "mean": _round(mean)})
    return [out[kind] for kind, _ in kinds]


@cached
def theme_trends(engine: Engine, filters: Filters, codes: list[str]) -> dict[str, dict[str, int]]:
    """Per theme code: month -> number of testimonies."""
    if not codes:
        return {}
    query = _joined(select(F.code, MONTH, func.count()).select_from(A).join(F, F.testimony_id == A.testimony_id), filters)
    rows = _rows(engine, query.where(F.kind == "theme", F.code.in_(codes), A.testimony_date.is_not(None)).group_by(F.code, MONTH))
    out: dict[str, dict[str, int]] = {code: {} for code in codes}
    for code, month, n in rows:
        out[code][month] = n
    return out


@cached
def themes_by_month(engine: Engine, filters: Filters) -> dict[str, dict[str | None, tuple[int, float, int]]]:
    """Per theme code and month (None: undated): (testimonies, sum and number
    of the theme's values). One pass over the selection's themes gives the
    overview its top themes and their trends."""
    query = _joined(select(F.code, MONTH, func.count(), func.sum(F.value), func.count(F.value)).select_from(A).join(F, F.testimony_id == A.testimony_id), filters)
    out: dict[str, dict[str | None, tuple[int, float, int]]] = defaultdict(dict)
    for code, month, n, total, valued in _rows(engine, query.where(F.kind == "theme").group_by(F.code, MONTH)):
        out[code][month] = (n, float(total or 0), int(valued or 0))
    return dict(out)


def top_themes(by_month: dict[str, dict[str | None, tuple[int, float, int]]], limit: int) -> list[dict[str, Any]]:
    """:func:`facet_counts` of the themes, from :func:`themes_by_month`."""
    rows = []
    for code, months in by_month.items():
        n, total, valued = (sum(values) for values in zip(*months.values()))
        rows.append({"code": code, "count": n, "mean": _round(total / valued) if valued else None})
    return sorted(rows, key=lambda row: (-row["count"], row["code"]))[:limit]


def trends_of(by_month: dict[str, dict[str | None, tuple[int, float, int]]], codes: list[str]) -> dict[str, dict[str, int]]:
    """:func:`theme_trends` of ``codes``, from :func:`themes_by_month`."""
    return {code: {month: n for month, (n, _, _) in sorted(by_month.get(code, {}).items(), key=lambda kv: kv[0] or "") if month is not None} for code in codes}


def movers(volume: list[dict], trends: dict[str, dict[str, int]], window: int = 3) -> list[dict[str, Any]]:
    """How each theme moves: its share of testimonies in the last ``window``
    months with data against the ``window`` months before (percentage points)."""
    months = [row["month"] for row in volume]
    recent, before = months[-window:], months[-2 * window : -window]
    totals = {row["month"]: row["count"] for row in volume}

    def share(code: str, span: list[str]) -> float | None:
        total = sum(totals.get(m, 0) for m in span)
        return 100 * sum(trends[code].get(m, 0) for m in span) / total if total else None

    out = []
    for code in trends:
        now, then = share(code, recent), share(code, before)
        out.append({"code": code, "share": _round(now, 1), "previous": _round(then, 1), "change": _round(now - then, 1) if now is not None and then is not None else None})
    return out


@cached
def effort_distribution(engine: Engine, filters: Filters) -> list[dict[str, int]]:
    bucket = func.round(A.effort_score)
    rows = dict(_rows(engine, _joined(select(bucket, func.count()).select_from(A), filters).where(A.effort_score.is_not(None)).group_by(bucket)))
    return [{"score": score, "count": int(rows.get(score, rows.get(float(score), 0)))} for score in range(1, 8)]


def overview(engine: Engine, filters: Filters) -> dict[str, Any]:
    """The overview's figures; the cases are counted afresh (they change without a new analysis)."""
    return {**_overview_figures(engine, filters), "cases": cases_summary(engine)}


@cached(stale=True)
def _overview_figures(engine: Engine, filters: Filters) -> dict[str, Any]:
    by_month, volume, selected, effort, scores = together(
        lambda: themes_by_month(engine, filters),
        lambda: volume_by_month(engine, filters),
        lambda: counts(engine, filters),
        lambda: effort_distribution(engine, filters),
        lambda: surveys.scores(engine, date_from=filters.date_from, date_to=filters.date_to),
    )
    themes = top_themes(by_month, 10)
    trends = trends_of(by_month, [t["code"] for t in themes[:6]])
    return {
        "counts": selected,
        "volume": volume,
        "themes": themes,
        "theme_trends": trends,
        "movers": movers(volume, trends),
        "effort": effort,
        "scores": scores,
    }


def cases_summary(engine: Engine) -> dict[str, Any]:
    """Open and overdue cases, by priority and by team (ecoute.cases)."""
    from ecoute.cases import clock, states
    from ecoute.store.models import CaseRow

    overdue = func.sum(case((CaseRow.due_at <= clock.now(), 1), else_=0))
    rows = _rows(engine, select(CaseRow.priority, CaseRow.team, func.count(), overdue).where(CaseRow.status.in_(states.OPEN)).group_by(CaseRow.priority, CaseRow.team))
    by_priority: dict[str, int] = defaultdict(int)
    by_team: dict[str, int] = defaultdict(int)
    for priority, team, n, late in rows:
        by_priority[priority] += n
        by_team[team] += n
    return {
        "open": sum(by_priority.values()), "overdue": sum(int(late or 0) for *_, late in rows),
        "by_priority": dict(by_priority), "by_team": dict(sorted(by_team.items(), key=lambda item: -item[1])[:6]),
    }  # fmt: skip


def case_of(engine: Engine, testimony_id: str, lang: str = "fr") -> dict[str, Any] | None:
    """The case of one testimony (there is at most one), as the cases list shows it."""
    from ecoute.cases.service import summary
    from ecoute.store.models import CaseRow

    with engine.connect() as connection:
        row = connection.execute(select(CaseRow).where(CaseRow.testimony_id == testimony_id)).first()
    return summary(row, lang) if row is not None else None


@cached(stale=True)
def choices(engine: Engine) -> dict[str, list[str]]:
    """What the filter forms offer: theme codes, source kinds and metadata keys in use."""
    return {
        "themes": [row["code"] for row in facet_counts(engine, Filters(), "theme", 100)],
        "sources": [row["value"] for row in shares_by_source(engine, Filters())],
        "meta_keys": meta_keys(engine),
    }


@cached
def meta_keys(engine: Engine, limit: int = 30) -> list[str]:
    """Metadata keys present on analysed testimonies, most used first."""
    rows = _rows(engine, select(M.key, func.count()).group_by(M.key).order_by(func.count().desc(), M.key).limit(limit))
    return [key for key, _ in rows]


@cached
def meta_values(engine: Engine, key: str, limit: int = 200) -> list[str]:
    rows = _rows(engine, select(M.value).where(M.key == key).group_by(M.value).order_by(func.count().desc(), M.value).limit(limit))
    return [value for (value,) in rows]


@cached
def shares_by_meta(engine: Engine, filters: Filters, key: str, limit: int = 10) -> list[dict[str, Any]]:
    query = _joined(select(M.value, func.count()).select_from(A).join(M, and_(M.testimony_id == A.testimony_id, M.key == key)), filters)
    rows = _rows(engine, query.group_by(M.value).order_by(func.count().desc(), M.value).limit(limit))
    return [{"value": value, "count": n} for value, n in rows]


@cached
def shares_by_source(engine: Engine, filters: Filters) -> list[dict[str, Any]]:
    rows = _rows(engine, _joined(select(A.source_kind, func.count()).select_from(A), filters).group_by(A.source_kind).order_by(func.count().desc()))
    return [{"value": kind or "?", "count": n} for kind, n in rows]


@cached(stale=True)
def theme_verbatims(engine: Engine, filters: Filters, code: str, limit: int = 10) -> list[dict[str, Any]]:
    """The theme's testimonies most at risk of churn, with their records (the
    theme page's list: not counted, the page's figures say how many)."""
    return page_items(engine, page_ids(engine, replace(filters, theme=code), "churn", "desc", 1, limit))


@cached
def sources_and_effort(engine: Engine, filters: Filters) -> dict[str, Any]:
    """The selection's size, its shares by source and its effort distribution, in one pass."""
    bucket = func.round(A.effort_score)
    rows = _rows(engine, _joined(select(A.source_kind, bucket, func.count()).select_from(A), filters).group_by(A.source_kind, bucket))
    by_source: dict[str, int] = defaultdict(int)
    by_effort: dict[int, int] = defaultdict(int)
    for kind, score, n in rows:
        by_source[kind or "?"] += n
        if score is not None:
            by_effort[int(score)] += n
    return {
        "count": sum(by_source.values()),
        "by_source": [{"value": kind, "count": n} for kind, n in sorted(by_source.items(), key=lambda kv: (-kv[1], kv[0]))],
        "effort": [{"score": score, "count": by_effort.get(score, 0)} for score in range(1, 8)],
    }


@cached(stale=True)
def theme(engine: Engine, filters: Filters, code: str) -> dict[str, Any]:
    """One theme: trend, share of all testimonies per month, shares by source and
    metadata, root causes and emotions of its testimonies."""
    with_theme = replace(filters, theme=code)
    keys = [key for key in meta_keys(engine) if key in ("site", "brand", "team", "channel", "source", "agency", "store")][:4]
    volume, trend, selected, (root_causes, emotions), *by_meta = together(
        lambda: {row["month"]: row["count"] for row in volume_by_month(engine, filters.without("theme"))},
        lambda: theme_trends(engine, filters.without("theme"), [code])[code],  # one theme's months: a quarter of all themes' pass
        lambda: sources_and_effort(engine, with_theme),
        lambda: facet_counts_of(engine, with_theme, (("root_cause", 15), ("emotion", 8))),
        *(functools.partial(shares_by_meta, engine, with_theme, key) for key in keys),
    )
    return {
        "code": code,
        "count": selected["count"],
        "trend": [{"month": m, "count": trend.get(m, 0), "share": _round(100 * trend.get(m, 0) / n, 1) if n else None} for m, n in sorted(volume.items())],
        "by_source": selected["by_source"],
        "by_meta": dict(zip(keys, by_meta)),
        "root_causes": root_causes,
        "emotions": emotions,
        "effort": selected["effort"],
    }


@cached
def journeys(engine: Engine, filters: Filters) -> dict[str, Any]:
    """Channel transitions (for a Sankey), dead ends, loop and transfer
    rates, waiting time by channel, outcomes."""
    with_journey = _joined(select(
        func.count(), func.avg(case((A.loops > 0, 1.0), else_=0.0)), func.avg(case((A.transfers > 0, 1.0), else_=0.0)),
        func.avg(A.loops), func.avg(A.transfers), func.avg(A.contacts), func.avg(case((A.dead_ends > 0, 1.0), else_=0.0)),
        func.avg(case((A.resolved.is_(True), 1.0), else_=0.0)),
    ).select_from(A), filters).where(A.contacts > 0)  # fmt: skip
    n, loop_rate, transfer_rate, loops, transfers, contacts, dead_end_rate, resolved_rate = _rows(engine, with_journey)[0]
    transitions_query = _facets(filters, F.code, func.count())
    transitions = []
    for code, count in _rows(engine, transitions_query.where(F.kind == "transition").group_by(F.code)):
        step, source, target = code.split("|", 2)
        transitions.append({"step": int(step), "source": source, "target": target, "count": count})
    waits_query = _facets(filters, F.code, func.count(), func.avg(F.value), func.max(F.value))
    waits = [
        {"channel": code, "count": count, "mean": _round(mean, 1), "max": _round(top, 1)}
        for code, count, mean, top in _rows(engine, waits_query.where(F.kind == "wait").group_by(F.code).order_by(func.avg(F.value).desc()))
    ]
    return {
        "with_journey": n,
        "loop_rate": _round(100 * loop_rate, 1) if n else None,
        "transfer_rate": _round(100 * transfer_rate, 1) if n else None,
        "dead_end_rate": _round(100 * dead_end_rate, 1) if n else None,
        "resolved_rate": _round(100 * resolved_rate, 1) if n else None,
        "mean_loops": _round(loops), "mean_transfers": _round(transfers), "mean_contacts": _round(contacts),
        "transitions": sorted(transitions, key=lambda t: (t["step"], -t["count"])),
        "dead_ends": facet_counts(engine, filters, "dead_end", 10),
        "channels": facet_counts(engine, filters, "channel", 12),
        "outcomes": facet_counts(engine, filters, "outcome", 10),
        "waits": waits,
    }  # fmt: skip


@cached
def compare(engine: Engine, filters: Filters, key: str) -> dict[str, Any]:
    """Customers and employees side by side per value of a metadata key:
    sentiment and effort of customers, sentiment and eNPS of employees, the
    correlation across values, and the themes each side raises most."""
    base = filters.without("role")
    stats = _joined(select(M.value, A.author_role, func.count(), func.avg(A.sentiment_score), func.avg(A.effort_score))
                    .select_from(A).join(M, and_(M.testimony_id == A.testimony_id, M.key == key)), base)  # fmt: skip
    groups: dict[str, dict[str, Any]] = defaultdict(lambda: {"customer": None, "employee": None})
    for value, role, n, sentiment, effort in _rows(engine, stats.where(A.author_role.in_(("customer", "employee"))).group_by(M.value, A.author_role)):
        groups[value][role] = {"count": n, "sentiment": _round(sentiment), "effort": _round(effort)}
    themes_query = _joined(select(M.value, A.author_role, F.code, func.count()).select_from(A)
                           .join(M, and_(M.testimony_id == A.testimony_id, M.key == key)).join(F, and_(F.testimony_id == A.testimony_id, F.kind == "theme")), base)  # fmt: skip
    raised: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    for value, role, code, n in _rows(engine, themes_query.where(A.author_role.in_(("customer", "employee"))).group_by(M.value, A.author_role, F.code)):
        raised[(value, role)].append((n, code))
    enps = surveys.scores(engine, kinds=("enps", "nps"), date_from=filters.date_from, date_to=filters.date_to, group_by=key)
    rows = []
    for value in sorted(set(groups) | set(enps)):
        group = groups[value]
        rows.append({
            "value": value, "customer": group["customer"], "employee": group["employee"],
            "enps": (enps.get(value, {}).get("enps") or {}).get("nps"), "nps": (enps.get(value, {}).get("nps") or {}).get("nps"),
            "customer_themes": [code for _, code in sorted(raised[(value, "customer")], key=lambda p: (-p[0], p[1]))[:3]],
            "employee_themes": [code for _, code in sorted(raised[(value, "employee")], key=lambda p: (-p[0], p[1]))[:3]],
        })  # fmt: skip
    pairs = {
        "customer_sentiment~employee_sentiment": [(r["customer"]["sentiment"], r["employee"]["sentiment"]) for r in rows if r["customer"] and r["employee"]],
        "customer_effort~employee_sentiment": [(r["customer"]["effort"], r["employee"]["sentiment"]) for r in rows if r["customer"] and r["employee"]],
        "customer_sentiment~enps": [(r["customer"]["sentiment"], r["enps"]) for r in rows if r["customer"] and r["enps"] is not None],
    }
    return {"key": key, "rows": rows, "correlations": {name: pearson(values) for name, values in pairs.items()}}


def pearson(pairs: list[tuple[float | None, float | None]]) -> dict[str, Any]:
    """Pearson's r over the groups (None below 3 groups or without variance)."""
    points = [(float(x), float(y)) for x, y in pairs if x is not None and y is not None]
    n = len(points)
    if n < 3:
        return {"r": None, "groups": n}
    mx, my = sum(x for x, _ in points) / n, sum(y for _, y in points) / n
    sxy = sum((x - mx) * (y - my) for x, y in points)
    sxx, syy = sum((x - mx) ** 2 for x, _ in points), sum((y - my) ** 2 for _, y in points)
    return {"r": round(sxy / math.sqrt(sxx * syy), 3) if sxx and syy else None, "groups": n}
