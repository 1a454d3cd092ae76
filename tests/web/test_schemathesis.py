"""Property-based run of the whole API against its own OpenAPI schema
(issue 6, point 6): generated requests, valid and not, never get a server
error, and every error answers in the one JSON shape."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from ecoute.services import surveys, users
from ecoute.store.db import open_store
from ecoute.web.app import create_app



@pytest.fixture
def app_and_token(sqlite_url, monkeypatch):
    monkeypatch.setenv("ECOUTE_SURVEY_RATE_LIMIT", "100000")
    engine = open_store(sqlite_url)
    users.create_user(engine, "robot", "une phrase de passe", "admin")
    token = users.create_token(engine, "robot", "schemathesis")
    surveys.create_survey(engine, "nps", "Boutiques", "Telvia")
    return create_app(sqlite_url), token


def test_no_server_error_and_one_error_shape(app_and_token):
    app, token = app_and_token
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    checked = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
        def run(case):
            response = case.call(headers={"Authorization": f"Bearer {token}"})
            assert response.status_code < 500 or response.status_code == 501, (case.method, case.formatted_path, response.text[:500])
            if response.status_code >= 400:
                body = response.json()
                assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fix", "details"}, body

        run()
        checked.append(f"{operation.method.upper()} {operation.path}")
    assert "POST /api/v1/public/surveys/{public_id}/answers" in checked
