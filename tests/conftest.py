"""Shared fixtures: a temporary store on SQLite and on the PostgreSQL server.

PostgreSQL tests are never skipped: on this project's machines, CI's
included, the server on 127.0.0.1:5432 is part of the setup, and a test that
cannot reach it fails.
"""

from __future__ import annotations

import os
import uuid

import pytest

PG_ADMIN_URL = os.environ.get("ECOUTE_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path, monkeypatch):
    """Every test gets its own ECOUTE_HOME and the default language."""
    monkeypatch.setenv("ECOUTE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("ECOUTE_DATABASE_URL", raising=False)
    monkeypatch.delenv("ECOUTE_PIPELINE", raising=False)
    monkeypatch.setenv("ECOUTE_LANG", "fr")
    yield
    from ecoute.store.db import close_all

    close_all()


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture
def postgres_url():
    """A fresh schema on the PostgreSQL server, dropped afterwards."""
    import psycopg

    schema = f"ecoute_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
        # Trigrams (migration 0006) in public, once: created by a migration in a
        # test's schema, the extension would go with that schema.
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
        conn.execute(f'CREATE SCHEMA "{schema}"')
    yield f"{PG_ADMIN_URL}?options=-csearch_path%3D{schema}"
    from ecoute.store.db import close_all

    close_all()
    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request) -> str:
    """Runs the test once on SQLite and once on PostgreSQL."""
    return request.getfixturevalue(f"{request.param}_url")


@pytest.fixture(scope="session")
def pipeline():
    """The default pipeline, loaded once for the whole session."""
    from ecoute.pipeline import get_pipeline

    return get_pipeline()


@pytest.fixture(scope="session")
def record_validator():
    import jsonschema

    from ecoute.record import json_schema

    return jsonschema.Draft202012Validator(json_schema())


@pytest.fixture(autouse=True)
def _every_record_validates(monkeypatch, record_validator):
    """Every analysis record produced in any test is checked against the
    published JSON Schema (issue 2: the schema is the contract)."""
    import json

    from ecoute.pipeline.core import Pipeline

    build = Pipeline._record

    def validated(item, runs):
        record = build(item, runs)
        record_validator.validate(json.loads(record.model_dump_json()))
        return record

    monkeypatch.setattr(Pipeline, "_record", staticmethod(validated))
