"""Dashboard facts: what the web app filters and aggregates on, kept in SQL.

A record is a JSON document; dashboards over 100,000 of them cannot read
them all. When an analysis is stored, :func:`store_facts` writes

- a few more columns on the ``analyses`` row (:func:`analysis_columns`):
  source kind, journey counts, risk;
- ``record_facets``: one row per theme, emotion, root cause, channel,
  channel transition, dead end, outcome and effort driver of a testimony
  (each code once), and one per wait, with a number (confidence, intensity,
  contribution, count, minutes);
- ``record_meta``: the testimony's metadata as (key, value) pairs, so that
  any column the operator imported (site, brand, team…) can filter and group.

Facets and metadata exist only for the *current* analysis of a testimony:
storing a new one replaces them. They are derived data, rebuilt from the
records by :func:`refresh_facts`.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from sqlalchemy import delete, insert, update

from ecoute.store.models import AnalysisRow, RecordFacet, RecordMeta

MAX_TRANSITION_STEP = 8  # Sankey columns: transitions between the first 9 contacts (a longer tail would not read)
MAX_META_KEYS = 40
FACET_KINDS = ("theme", "emotion", "root_cause", "channel", "transition", "wait", "dead_end", "outcome", "driver")


def analysis_columns(record: dict[str, Any]) -> dict[str, Any]:
    """The denormalised columns of ``analyses`` for one record (a JSON dict)."""
    journey = record.get("journey") or {}
    risk = record.get("risk") or {}
    return {
        "source_kind": ((record.get("source") or {}).get("kind") or "")[:16] or None,
        "contacts": journey.get("contacts"),
        "transfers": journey.get("transfers"),
        "loops": journey.get("loops"),
        "dead_ends": len(journey.get("dead_ends") or []) if journey.get("events") else None,
        "total_wait_minutes": journey.get("total_wait_minutes"),
        "resolved": journey.get("resolved"),
        "churn": risk.get("churn"),
        "escalation": risk.get("escalation"),
    }


def facet_rows(record: dict[str, Any]) -> list[dict[str, Any]]:
    """The ``record_facets`` rows of one record."""
    tid = record["id"]
    rows: list[dict[str, Any]] = []

    def add(kind: str, code: str | None, value: float | None = None) -> None:
        if code:
            rows.append({"testimony_id": tid, "kind": kind, "code": str(code)[:128], "value": value})

    for theme in record.get("themes") or []:
        add("theme", theme.get("code"), theme.get("confidence"))
    for emotion in record.get("emotions") or []:
        add("emotion", emotion.get("emotion"), emotion.get("intensity"))
    for cause in record.get("root_causes") or []:
        add("root_cause", cause.get("kind"), cause.get("confidence"))
    effort = record.get("effort") or {}
    for driver in effort.get("drivers") or []:
        add("driver", driver.get("driver"), driver.get("contribution"))
    journey = record.get("journey") or {}
    events = journey.get("events") or []
    channels = [event.get("channel") for event in events if event.get("channel")]
    for channel in sorted(set(channels)):
        add("channel", channel, float(channels.count(channel)))
    for step, (before, after) in enumerate(zip(channels[: MAX_TRANSITION_STEP + 1], channels[1 : MAX_TRANSITION_STEP + 1]), start=1):
        add("transition", f"{step}|{before}|{after}", 1.0)
    for event in events:
        if event.get("wait_minutes") is not None and event.get("channel"):
            add("wait", event["channel"], float(event["wait_minutes"]))
    outcomes = [event.get("outcome") for event in events if event.get("outcome")]
    for outcome in sorted(set(outcomes)):
        add("outcome", outcome, float(outcomes.count(outcome)))
    dead_ends = list(journey.get("dead_ends") or [])
    for dead_end in sorted(set(dead_ends)):
        add("dead_end", dead_end, float(dead_ends.count(dead_end)))
    return _unique(rows)


def _unique(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per (kind, code) of a testimony — except waits, one per contact —
    so that dashboards count testimonies with COUNT(*), not COUNT(DISTINCT)."""
    seen: set[tuple[str, str]] = set()
    out = []
    for row in rows:
        key = (row["kind"], row["code"])
        if row["kind"] != "wait" and key in seen:
            continue
        seen.add(key)
        out.append(row)
    return out


def meta_rows(record: dict[str, Any]) -> list[dict[str, Any]]:
    """The ``record_meta`` rows of one record: scalar metadata only, trimmed."""
    metadata = (record.get("source") or {}).get("metadata") or {}
    rows = []
    for key, value in list(metadata.items())[:MAX_META_KEYS]:
        if value is None or isinstance(value, (dict, list)) or str(value).strip() == "":
            continue
        rows.append({"testimony_id": record["id"], "key": str(key)[:64], "value": str(value).strip()[:255]})
    return rows


def store_facts(connection, records: Sequence[dict[str, Any]]) -> None:
    """Replace the facts of these testimonies by those of ``records`` (their
    current analyses, as JSON dicts). Runs in the caller's transaction."""
    if not records:
        return
    ids = [record["id"] for record in records]
    for chunk in _chunks(ids, 500):
        connection.execute(delete(RecordFacet).where(RecordFacet.testimony_id.in_(chunk)))
        connection.execute(delete(RecordMeta).where(RecordMeta.testimony_id.in_(chunk)))
    facets = [row for record in records for row in facet_rows(record)]
    metas = [row for record in records for row in meta_rows(record)]
    if facets:
        connection.execute(insert(RecordFacet), facets)
    if metas:
        connection.execute(insert(RecordMeta), metas)


def refresh_facts(connection, page: int = 1000) -> int:
    """Rebuild the facts and denormalised columns of every current analysis
    (after a migration, or when the facets' definition changes). Returns the
    number of analyses refreshed."""
    from ecoute.store.pages import current_analyses

    count = 0
    for rows in current_analyses(lambda statement: connection.execute(statement).all(), page=page):
        for row in rows:
            connection.execute(update(AnalysisRow).where(AnalysisRow.id == row.id).values(**analysis_columns(row.record)))
        store_facts(connection, [row.record for row in rows])
        count += len(rows)
    return count


def _chunks(values: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
