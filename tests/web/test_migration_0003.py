"""Revision 0003 (accounts, surveys, dashboard facts) on SQLite and PostgreSQL:
it upgrades a store holding analyses, fills their facts, matches the models,
and downgrades."""

import json
from datetime import datetime, timezone

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select, text

from ecoute.store.db import MIGRATIONS, create_store_engine, schema_differences
from ecoute.store.models import AnalysisRow, RecordFacet, RecordMeta

RECORD = {
    "id": "t0003",
    "source": {"kind": "csv", "path": None, "row": 1, "external_id": None, "metadata": {"site": "Lyon", "brand": "Telvia", "empty": ""}},
    "themes": [{"code": "ivr_maze", "confidence": 0.9, "evidence": []}],
    "emotions": [{"emotion": "anger", "intensity": 0.7, "evidence": []}],
    "root_causes": [{"kind": "process", "confidence": 0.6, "evidence": []}],
    "effort": {"score": 6, "basis": "journey", "drivers": [{"driver": "loops", "contribution": 1.0, "explanation": ""}]},
    "risk": {"churn": 0.8, "escalation": 0.4, "reasons": []},
    "journey": {
        "events": [
            {"channel": "phone_ivr", "wait_minutes": 40, "outcome": "redirected"},
            {"channel": "phone_agent", "wait_minutes": None, "outcome": "refused"},
            {"channel": "phone_ivr", "wait_minutes": 15, "outcome": "hung_up"},
        ],
        "contacts": 3, "channels": ["phone_ivr", "phone_agent"], "transfers": 1, "loops": 1,
        "dead_ends": ["transfer_refused"], "total_wait_minutes": 55, "elapsed_days": 2, "resolved": False,
    },
}


def _config(connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def _migrate(engine, direction: str, revision: str) -> None:
    with engine.begin() as connection:
        getattr(command, direction)(_config(connection), revision)


def test_0003_upgrades_a_store_with_analyses_and_downgrades(store_url):
    engine = create_store_engine(store_url)
    now = datetime.now(timezone.utc)
    _migrate(engine, "upgrade", "0002")
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO testimonies (id, format, text, metadata, created_at) VALUES ('t0003', 'csv', 'x', '{}', :now)"
        ), {"now": now})
        connection.execute(text(
            "INSERT INTO analyses (testimony_id, pipeline_version, schema_version, is_current, author_role, record, created_at)"
            " VALUES ('t0003', 'p', '1.2.0', :yes, 'customer', :record, :now)"
        ), {"yes": True, "record": json.dumps(RECORD), "now": now})
    _migrate(engine, "upgrade", "head")
    with engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == ScriptDirectory(str(MIGRATIONS)).get_current_head()  # 0003 or a later one
        row = connection.execute(select(AnalysisRow.source_kind, AnalysisRow.transfers, AnalysisRow.loops, AnalysisRow.dead_ends,
                                        AnalysisRow.total_wait_minutes, AnalysisRow.resolved, AnalysisRow.churn)).one()
        assert tuple(row) == ("csv", 1, 1, 1, 55, False, 0.8)
        facets = set(connection.execute(select(RecordFacet.kind, RecordFacet.code)))
        assert {("theme", "ivr_maze"), ("emotion", "anger"), ("root_cause", "process"), ("driver", "loops"),
                ("channel", "phone_ivr"), ("transition", "1|phone_ivr|phone_agent"), ("transition", "2|phone_agent|phone_ivr"),
                ("wait", "phone_ivr"), ("dead_end", "transfer_refused"), ("outcome", "hung_up")} <= facets
        assert set(connection.execute(select(RecordMeta.key, RecordMeta.value))) == {("site", "Lyon"), ("brand", "Telvia")}
        # The models describe exactly the migrated schema.
        assert schema_differences(connection) == []
    _migrate(engine, "downgrade", "0002")
    names = set(inspect(engine).get_table_names())
    assert not names & {"users", "web_sessions", "api_tokens", "surveys", "survey_answers", "answer_meta", "record_facets", "record_meta"}
    assert "source_kind" not in {column["name"] for column in inspect(engine).get_columns("analyses")}
    engine.dispose()
