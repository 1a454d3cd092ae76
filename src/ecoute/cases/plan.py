"""The scheduler's sweep, worked out by the database: one batch of due cases
escalated and marked overdue with a few set-based statements, whatever the
number of cases, instead of one computation and one row per case in Python.

The ladder of each sector (:mod:`ecoute.cases.ladder`) becomes SQL
expressions over a case's columns: the day each level is reached, the level
reached today, the next escalation date, the levels' names, the team of a
level (``ladder_teams``). One batch then

1. picks the next due open cases in id order (``FOR NO KEY UPDATE SKIP LOCKED`` on
   PostgreSQL, under the write lock on SQLite) and plans their new values;
2. updates them — the version grows when a case climbs (optimistic locking:
   an agent holding the old version gets a conflict), not for an overdue
   mark, which changes nothing an agent edits;
3. writes one history event per change (``escalated``, ``team``,
   ``overdue``), in that order for each case;
4. writes their notifications (:func:`ecoute.cases.notify.enqueue_sql`),
   each once thanks to its ``dedup_key``.

All of it is one transaction: a batch is done whole or not at all, and a
sweep that crashed, or runs twice, finds only what is still due. On
PostgreSQL the batch is a single statement (data-modifying ``WITH``); SQLite
has none, so the plan goes into a temporary table that the same statements
read. :func:`ecoute.cases.ladder.level_on` and its neighbours stay the
reference: the tests compare the two on every sector and date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Date, DateTime, bindparam, text

from ecoute.cases import ladder
from ecoute.cases.config import CasesConfig
from ecoute.cases.notify import enqueue_sql
from ecoute.cases.states import OPEN
from ecoute.journey.mediation import Ladder, load_ladders

PLAN = "sweep_plan"
EVENTS = "sweep_events"
FAR = "9999-12-31"  # stands for "no date" where SQLite's min() would give NULL


@dataclass
class Sql:
    """SQL text for one dialect, with the data-file strings it embeds kept
    as bound parameters (a level or sector name is never spliced into SQL)."""

    dialect: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def postgres(self) -> bool:
        return self.dialect == "postgresql"

    def const(self, value: str) -> str:
        for name, known in self.params.items():
            if known == value and name.startswith("k"):
                return f"CAST(:{name} AS TEXT)"
        name = f"k{len(self.params)}"
        self.params[name] = value
        return f"CAST(:{name} AS TEXT)"

    def plus_days(self, day: str, days: int) -> str:
        days = int(days)
        if not days:
            return day
        return f"({day} + {days})" if self.postgres else f"date({day}, '{days:+d} days')"

    def greatest(self, values: list[str]) -> str:
        """The largest of non-NULL ``values``."""
        if len(values) == 1:
            return values[0]
        return f"{'GREATEST' if self.postgres else 'max'}({', '.join(values)})"

    def least_date(self, values: list[str]) -> str:
        """The earliest of the non-NULL dates among ``values``; NULL when all are."""
        if not values:
            return "NULL"
        if len(values) == 1:
            return values[0]
        if self.postgres:
            return f"LEAST({', '.join(values)})"
        return f"NULLIF(min({', '.join(f'COALESCE({v}, {FAR!r})' for v in values)}), {FAR!r})"

    def iso_date(self, day: str) -> str:
        """A date as ``date.isoformat()`` writes it."""
        return f"to_char({day}, 'YYYY-MM-DD')" if self.postgres else day

    def iso_moment(self, moment: str) -> str:
        """A UTC moment as ``datetime.isoformat()`` writes it (microseconds only when there are some)."""
        if self.postgres:  # ".000000" can only be the microseconds
            return f"replace(to_char({moment} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24\\:MI\\:SS.US'), '.000000', '') || '+00\\:00'"
        # SQLAlchemy stores "YYYY-MM-DD HH:MM:SS.ffffff" in SQLite
        return (f"substr({moment}, 1, 10) || 'T' || substr({moment}, 12, 8) || CASE WHEN substr({moment}, 20) IN ('', '.000000') THEN '' "
                f"ELSE substr({moment}, 20, 7) END || '+00\\:00'")  # fmt: skip

    def json_text(self, value: str) -> str:
        """A JSON column's value, to nest in :meth:`json_object` (SQLite keeps JSON as text)."""
        return value if self.postgres else f"json({value})"

    def json_object(self, pairs: list[tuple[str, str]]) -> str:
        inner = ", ".join(f"'{key}', {value}" for key, value in pairs)
        return f"json_build_object({inner})" if self.postgres else f"json_object({inner})"


# --- the ladder as SQL -------------------------------------------------------------------------


def _level_dates(sql: Sql, steps: Ladder, complaint: str, answered: str) -> list[str | None]:
    """SQL of :func:`ladder.level_dates`: the day each level is reached, None when by hand only."""
    without = sql.plus_days(complaint, steps.after_days_without_answer)
    with_answer = sql.greatest([sql.plus_days(complaint, steps.after_days_with_answer), answered])
    mediator = f"(CASE WHEN {answered} IS NULL OR {answered} > {without} THEN {without} ELSE {with_answer} END)"  # ladder.mediator_from
    return ladder.level_days(steps, complaint, lambda days: sql.plus_days(complaint, days), lambda: mediator)


def _by_sector(sql: Sql, sector: str, build) -> str:
    """``CASE sector …`` of ``build(ladder)`` for each known sector (an unknown one takes the default's, as :func:`ladder.ladder_for`)."""
    default, ladders = load_ladders()
    if len(ladders) == 1:
        return build(ladders[default])
    # the default sector first: most cases are in it, and CASE stops at the first match
    branches = [f"WHEN {sql.const(name)} THEN {build(steps)}" for name, steps in sorted(ladders.items(), key=lambda item: item[0] != default)]
    return f"(CASE {sector} {' '.join(branches)} ELSE {build(ladders[default])} END)"


def reached_sql(sql: Sql, c: str, today: str) -> str:
    """The level a case stands at on ``today`` (:func:`ladder.level_on`); ``c`` is the case's alias."""

    def build(steps: Ladder) -> str:
        dates = _level_dates(sql, steps, f"{c}.complaint_on", f"{c}.answered_on")
        return sql.greatest([f"{c}.level"] + [f"(CASE WHEN {d} <= {today} THEN {i + 1} ELSE 0 END)" for i, d in enumerate(dates) if d is not None])

    return _by_sector(sql, f"{c}.sector", build)


def next_sql(sql: Sql, c: str, level: str) -> str:
    """The day a case at ``level`` climbs by itself (:func:`ladder.next_escalation`), NULL when never."""

    def build(steps: Ladder) -> str:
        dates = _level_dates(sql, steps, f"{c}.complaint_on", f"{c}.answered_on")
        return sql.least_date([f"(CASE WHEN {level} < {i + 1} THEN {d} END)" for i, d in enumerate(dates) if d is not None])

    return _by_sector(sql, f"{c}.sector", build)


def name_sql(sql: Sql, c: str, level: str) -> str:
    """The name of ``level`` in the case's ladder (:func:`ladder.level_name`)."""

    def build(steps: Ladder) -> str:
        count = len(steps.levels)
        if not count:
            return f"('level_' || CAST({level} AS TEXT))"
        names = [sql.const(ladder.level_name(steps, index)) for index in range(1, count + 1)]
        if count == 1:
            return names[0]
        whens = [f"WHEN {level} <= 1 THEN {names[0]}"] + [f"WHEN {level} = {index} THEN {names[index - 1]}" for index in range(2, count)]
        return f"(CASE {' '.join(whens)} ELSE {names[-1]} END)"

    return _by_sector(sql, f"{c}.sector", build)


def team_sql(sql: Sql, config: CasesConfig, name: str) -> str:
    """The team ``ladder_teams`` gives the level named ``name``, NULL when none."""
    pairs = [(level, team) for level, team in config.ladder_teams.items() if team]
    if not pairs:
        return "CAST(NULL AS TEXT)"
    return f"(CASE {name} {' '.join(f'WHEN {sql.const(level)} THEN {sql.const(team)}' for level, team in pairs)} ELSE NULL END)"


# --- one batch ----------------------------------------------------------------------------------


def _plan_select(sql: Sql, config: CasesConfig) -> str:
    """The due open cases of the batch and what changes for each (the plan's columns)."""
    # NO KEY UPDATE: what the update itself takes; an agent adding a note (a foreign-key check) need not wait for the batch
    lock = " FOR NO KEY UPDATE SKIP LOCKED" if sql.postgres else ""
    statuses = ", ".join(sql.const(status) for status in OPEN)
    picked = (
        "SELECT id, version, sector, level, team, complaint_on, answered_on, mediator_from, next_escalation_on, overdue_notified_at, "
        f"CASE WHEN overdue_notified_at IS NULL AND due_at <= :now THEN {sql.iso_moment('due_at')} END AS overdue_text "
        f"FROM cases WHERE status IN ({statuses}) AND (next_escalation_on <= :today OR (due_at <= :now AND overdue_notified_at IS NULL)) "
        f"AND id > :last ORDER BY id LIMIT :batch{lock}"
    )
    reached = f"SELECT p.*, CASE WHEN p.next_escalation_on <= :today THEN {reached_sql(sql, 'p', ':today')} ELSE p.level END AS reached FROM ({picked}) p"
    named = (
        f"SELECT r.*, CASE WHEN r.next_escalation_on <= :today THEN {next_sql(sql, 'r', 'r.reached')} ELSE r.next_escalation_on END AS next_on, "
        f"{name_sql(sql, 'r', 'r.level')} AS old_name, {name_sql(sql, 'r', 'r.reached')} AS new_name FROM ({reached}) r"
    )
    reason = (
        f"CASE WHEN n.new_name = {sql.const(ladder.MEDIATOR)} THEN 'the customer may seize the mediator from ' || {sql.iso_date('n.mediator_from')} "
        f"ELSE 'not resolved at level ' || CAST(n.level AS TEXT) || ' by ' || CAST(:today_text AS TEXT) || ', counted from the written complaint of ' "
        f"|| {sql.iso_date('n.complaint_on')} END"
    )
    climbs = "n.reached > n.level"
    return (
        f"SELECT n.id, n.level AS old_level, n.reached AS level, n.next_on, n.team AS old_team, "
        f"CASE WHEN {climbs} THEN COALESCE({team_sql(sql, config, 'n.new_name')}, n.team) ELSE n.team END AS team, "
        f"CASE WHEN {climbs} THEN 1 ELSE 0 END AS climbs, n.overdue_text, "
        f"CASE WHEN n.overdue_text IS NOT NULL THEN :now ELSE n.overdue_notified_at END AS overdue_at, "
        f"n.old_name, n.new_name, CASE WHEN n.new_name = {sql.const(ladder.MEDIATOR)} THEN 'mediator_date' ELSE 'deadline' END AS because, "
        f"CASE WHEN {climbs} THEN {reason} END AS reason FROM ({named}) n"
    )


def _update(plan: str) -> str:
    return (
        f"UPDATE cases SET level = s.level, next_escalation_on = s.next_on, team = s.team, version = cases.version + s.climbs, "
        f"overdue_notified_at = s.overdue_at, updated_at = :now FROM {plan} s WHERE cases.id = s.id"
    )


def _events_select(sql: Sql, plan: str) -> str:
    """One history event per change, ordered by case then escalated, team, overdue."""
    escalated = sql.json_object([("from", "old_name"), ("to", "new_name"), ("reason", "reason"), ("because", "because")])
    team = sql.json_object([("reason", "'level ' || new_name"), ("because", "because")])
    overdue = sql.json_object([("due_at", "overdue_text")])
    return (
        "SELECT case_id, :now, CAST(:actor AS TEXT), kind, before, after, detail FROM ("
        f"SELECT id AS case_id, 1 AS ord, 'escalated' AS kind, CAST(old_level AS TEXT) AS before, CAST(level AS TEXT) AS after, {escalated} AS detail "
        f"FROM {plan} WHERE climbs = 1 "
        f"UNION ALL SELECT id, 2, 'team', old_team, team, {team} FROM {plan} WHERE climbs = 1 AND team <> old_team "
        f"UNION ALL SELECT id, 3, 'overdue', NULL, overdue_text, {overdue} FROM {plan} WHERE overdue_text IS NOT NULL"
        ") e ORDER BY case_id, ord"
    )


_EVENT_COLUMNS = "INSERT INTO case_events (case_id, at, actor, kind, before, after, detail) "
_COUNTS = f"SELECT count(*), COALESCE(sum(climbs), 0), COALESCE(sum(CASE WHEN overdue_text IS NOT NULL THEN 1 ELSE 0 END), 0), max(id) FROM {PLAN}"


@dataclass(frozen=True, slots=True)
class Batch:
    picked: int
    escalated: int
    overdue: int
    last: int | None


def statements(dialect: str, config: CasesConfig) -> tuple[list, dict[str, Any]]:
    """The statements of one batch for ``dialect`` and their constant
    parameters (the per-batch ones — now, today, last, batch — come at run time)."""
    sql = Sql(dialect)
    plan = _plan_select(sql, config)
    events = _events_select(sql, PLAN)
    notify = enqueue_sql(sql, config, EVENTS, PLAN)
    if sql.postgres:
        chain = [f"{PLAN} AS MATERIALIZED ({plan})", f"moved AS ({_update(PLAN)})",
                 f"{EVENTS} AS ({_EVENT_COLUMNS}{events} RETURNING id, case_id, kind, after, detail)"]  # fmt: skip
        if notify:
            chain.append(f"notified AS ({notify})")
        texts = [f"WITH {', '.join(chain)} {_COUNTS}"]
    else:
        texts = [
            f"CREATE TEMPORARY TABLE {PLAN} AS {plan}",
            _update(PLAN),
            _EVENT_COLUMNS + events,
            *([f"WITH {EVENTS} AS (SELECT id, case_id, kind, after, detail FROM case_events WHERE id > :since AND actor = :actor) {notify}"] if notify else []),
            _COUNTS,
        ]
    typed = [bindparam("now", type_=DateTime(timezone=True)), bindparam("today", type_=Date)]
    return [text(t).bindparams(*(p for p in typed if f":{p.key}" in t)) for t in texts], sql.params


def run_batch(connection, compiled: tuple[list, dict[str, Any]], *, now: datetime, actor: str, last: int, size: int) -> Batch:
    """One batch in the caller's transaction: the cases after id ``last``, at most ``size``."""
    texts, constants = compiled
    today = now.date()
    params = {**constants, "now": now, "today": today, "today_text": today.isoformat(), "now_text": now.isoformat(), "actor": actor, "last": last, "batch": size}
    if connection.dialect.name == "postgresql":
        counts = connection.execute(texts[0], params).one()
    else:
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS temp.{PLAN}")
        params["since"] = connection.exec_driver_sql("SELECT COALESCE(max(id), 0) FROM case_events").scalar()
        for statement in texts[:-1]:
            connection.execute(statement, params)
        counts = connection.execute(texts[-1]).one()
        connection.exec_driver_sql(f"DROP TABLE temp.{PLAN}")
    return Batch(int(counts[0]), int(counts[1]), int(counts[2]), counts[3])
