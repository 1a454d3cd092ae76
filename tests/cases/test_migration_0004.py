"""Revision 0004 (cases, history, notes, notifications, attempts, worker
lock) on SQLite and PostgreSQL: upgrades a store that holds data, matches the
models, and downgrades."""

from datetime import datetime, timezone

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from ecoute.store.db import MIGRATIONS, create_store_engine, schema_differences

CASE_TABLES = {"cases", "case_events", "case_notes", "notifications", "delivery_attempts", "worker_locks"}


def _migrate(engine, direction: str, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, direction)(config, revision)


def test_0004_upgrades_a_store_with_testimonies_and_downgrades(store_url):
    engine = create_store_engine(store_url)
    _migrate(engine, "upgrade", "0003")
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO testimonies (id, format, text, metadata, created_at) VALUES ('t4', 'csv', 'x', '{}', :now)"),
                           {"now": datetime.now(timezone.utc)})  # fmt: skip
    _migrate(engine, "upgrade", "0004")
    with engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == "0004"
        assert CASE_TABLES <= set(inspect(connection).get_table_names())
        assert connection.scalar(text("SELECT count(*) FROM testimonies")) == 1
        if ScriptDirectory(str(MIGRATIONS)).get_current_head() == "0004":  # the models describe the head
            assert schema_differences(connection) == []
    with engine.begin() as connection:
        now = datetime.now(timezone.utc)
        connection.execute(text(
            "INSERT INTO cases (testimony_id, version, status, priority, team, opened_by, reasons, sector, level, complaint_on, complaint_basis,"
            " mediator_from, mediation_until, opened_at, updated_at, due_at)"
            " VALUES ('t4', 1, 'new', 'normal', 'customer_service', 'rules', '[]', 'telecom', 1, '2025-01-10', 'opened', '2025-03-11', '2026-01-10', :n, :n, :n)"
        ), {"n": now})
    _migrate(engine, "downgrade", "0003")
    assert not CASE_TABLES & set(inspect(engine).get_table_names())
    _migrate(engine, "upgrade", "head")
    engine.dispose()
