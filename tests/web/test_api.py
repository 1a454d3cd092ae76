"""REST API v1 (issue 6, point 4): every endpoint, good and bad input, one error shape."""

import csv
import io

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import assert_error

PROTECTED = [
    ("get", "/api/v1/testimonies"), ("post", "/api/v1/testimonies"), ("get", "/api/v1/testimonies/t1"),
    ("get", "/api/v1/records/t1"), ("get", "/api/v1/overview"), ("get", "/api/v1/themes"), ("get", "/api/v1/themes/ivr_maze"),
    ("get", "/api/v1/journeys"), ("get", "/api/v1/compare"), ("get", "/api/v1/metadata"), ("get", "/api/v1/export"),
    ("get", "/api/v1/cases"), ("get", "/api/v1/surveys"), ("post", "/api/v1/surveys"), ("get", "/api/v1/surveys/1"),
    ("patch", "/api/v1/surveys/1"), ("post", "/api/v1/surveys/1/links"), ("get", "/api/v1/surveys/1/answers"),
    ("get", "/api/v1/surveys/1/scores"), ("post", "/api/v1/imports"), ("get", "/api/v1/imports/x"), ("get", "/api/v1/me"),
]  # fmt: skip


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_every_private_endpoint_needs_an_account(bare_app, method, path):
    response = getattr(TestClient(bare_app), method)(path)
    assert_error(response, 401, "ECO800")
    forged = getattr(TestClient(bare_app, headers={"Authorization": "Bearer eco_forged"}), method)(path)
    assert_error(forged, 401, "ECO800")


def test_me_and_roles(api, agent_api, admin_api):
    assert api.get("/api/v1/me").json()["role"] == "analyst"
    assert "export" not in agent_api.get("/api/v1/me").json()["allowed"]
    assert "users" in admin_api.get("/api/v1/me").json()["allowed"]
    assert_error(agent_api.get("/api/v1/export"), 403, "ECO801")
    assert_error(agent_api.post("/api/v1/testimonies", json={"text": "Bonjour"}), 403, "ECO801")
    assert_error(agent_api.post("/api/v1/surveys", json={"kind": "nps", "title": "t", "company": "c"}), 403, "ECO801")


def test_list_filters_sorts_and_pages(api):
    everything = api.get("/api/v1/testimonies").json()
    assert everything["total"] == 5 and len(everything["items"]) == 5
    first = everything["items"][0]
    assert set(first) >= {"id", "text", "source_kind", "metadata", "record"} and first["record"]["id"] == first["id"]
    assert [i["record"]["date"] for i in everything["items"]] == sorted((i["record"]["date"] for i in everything["items"]), reverse=True)
    lyon = api.get("/api/v1/testimonies", params={"meta.site": "Lyon"}).json()
    assert lyon["total"] == 3 and all(i["metadata"]["site"] == "Lyon" for i in lyon["items"])
    february = api.get("/api/v1/testimonies", params={"date_from": "2025-02-01", "date_to": "2025-02"}).json()
    assert sorted(i["record"]["date"] for i in february["items"]) == ["2025-02-03", "2025-02-20"]
    words = api.get("/api/v1/testimonies", params={"q": "FORMULAIRES augmentation"}).json()
    assert [i["external_id"] for i in words["items"]] == ["E2"]
    assert api.get("/api/v1/testimonies", params={"q": "100%_"}).json()["total"] == 0  # LIKE wildcards taken literally
    employees = api.get("/api/v1/testimonies", params={"role": "employee"}).json()
    assert employees["total"] >= 1 and all(i["record"]["author_role"] == "employee" for i in employees["items"])
    paged = api.get("/api/v1/testimonies", params={"per_page": 2, "page": 3, "sort": "stored", "order": "asc"}).json()
    assert (paged["total"], len(paged["items"]), paged["page"]) == (5, 1, 3)
    efforts = [i["record"]["effort"]["score"] for i in api.get("/api/v1/testimonies", params={"sort": "effort"}).json()["items"] if i["record"]["effort"]]
    assert efforts == sorted(efforts, reverse=True)


@pytest.mark.parametrize(
    "params",
    [{"role": "boss"}, {"sentiment": "angry"}, {"date_from": "10/01/2025"}, {"effort_min": "high"}, {"effort_min": 9},
     {"per_page": 0}, {"per_page": 10_000}, {"page": -1}, {"sort": "name"}, {"order": "up"}, {"q": "x" * 201}],
)  # fmt: skip
def test_bad_filters_get_the_invalid_request_error(bare_api, params):
    error = assert_error(bare_api.get("/api/v1/testimonies", params=params), 422, "ECO806")
    assert error["details"]["errors"]


def test_create_analyses_pseudonymises_and_recognises_duplicates(api, store):
    text = "Bonjour, je m'appelle Marie Martin, mon numéro est le 06 11 22 33 44. Le conseiller m'a raccroché au nez."
    created = api.post("/api/v1/testimonies", json={"text": text, "date": "2025-04-01", "metadata": {"site": "Nantes"}})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["duplicate"] is False and body["id"].startswith("t")
    record = body["record"]
    assert "Marie Martin" not in record["text"] and "06 11 22 33 44" not in record["text"]
    assert record["source"]["kind"] == "api" and record["source"]["metadata"] == {"site": "Nantes"} and record["date"] == "2025-04-01"
    stored = api.get(f"/api/v1/testimonies/{body['id']}").json()
    assert stored["record"] == record and "Marie Martin" not in stored["text"]
    assert api.get(f"/api/v1/records/{body['id'][:8]}").json() == record  # a prefix is enough, as for `ecoute show`
    again = api.post("/api/v1/testimonies", json={"text": text}).json()
    assert again["duplicate"] is True and again["id"] == body["id"] and again["record"] == record
    assert api.get("/api/v1/testimonies", params={"meta.site": "Nantes", "source": "api"}).json()["total"] == 1


@pytest.mark.parametrize("body", [{}, {"text": ""}, {"text": 3}, {"text": "ok", "date": "hier"}, {"text": "ok", "extra": 1}, {"text": "ok", "metadata": {"a": [1]}}])
def test_create_rejects_bad_bodies(bare_api, body):
    assert_error(bare_api.post("/api/v1/testimonies", json=body), 422, "ECO806")


def test_unknown_ids_and_routes(api):
    assert_error(api.get("/api/v1/testimonies/t000"), 404, "ECO202")
    assert_error(api.get("/api/v1/records/t000"), 404, "ECO203")
    assert_error(api.get("/api/v1/records/t"), 400, "ECO204")  # every id starts with t
    assert_error(api.get("/api/v1/nothing-here"), 404, "ECO814")
    assert_error(api.delete("/api/v1/testimonies"), 405, "ECO814")
    english = api.get("/api/v1/testimonies/t000", params={"lang": "en"}).json()["error"]
    assert english["message"] == "No testimony with id t000."


def test_dashboards_aggregates(api):
    overview = api.get("/api/v1/overview").json()
    assert overview["counts"]["selected"] == 5 and overview["counts"]["stored"] == 5
    assert sum(row["count"] for row in overview["volume"]) == 5
    assert [row["month"] for row in overview["volume"]] == ["2025-01", "2025-02", "2025-03"]
    assert [row["score"] for row in overview["effort"]] == list(range(1, 8))
    assert set(overview["cases"]) == {"open", "overdue", "by_priority", "by_team"}
    assert overview["cases"]["open"] == sum(overview["cases"]["by_priority"].values()) >= overview["cases"]["overdue"] >= 0
    lyon = api.get("/api/v1/overview", params={"meta.site": "Lyon"}).json()
    assert lyon["counts"]["selected"] == 3
    journeys = api.get("/api/v1/journeys").json()
    assert journeys["with_journey"] >= 1
    assert {"transitions", "dead_ends", "waits", "loop_rate", "transfer_rate"} <= set(journeys)
    assert all(w["mean"] > 0 for w in journeys["waits"])
    compare = api.get("/api/v1/compare", params={"by": "site"}).json()
    assert {row["value"] for row in compare["rows"]} == {"Lyon", "Lille"}
    assert set(compare["correlations"]) and all(c["groups"] <= 2 for c in compare["correlations"].values())
    assert api.get("/api/v1/metadata").json()["keys"][:1] and "Lyon" in api.get("/api/v1/metadata", params={"key": "site"}).json()["values"]
    themes = api.get("/api/v1/themes").json()["themes"]
    assert isinstance(themes, list)
    theme = api.get("/api/v1/themes/long_wait").json()
    assert theme["code"] == "long_wait" and [row["month"] for row in theme["trend"]] == ["2025-01", "2025-02", "2025-03"]


def test_export_of_the_selection(api):
    response = api.get("/api/v1/export", params={"format": "csv", "meta.site": "Lille"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 2 and {row["external_id"] for row in rows} == {"C2", "E2"}
    parquet = api.get("/api/v1/export", params={"format": "parquet"})
    import pyarrow.parquet as pq

    assert pq.read_table(io.BytesIO(parquet.content)).num_rows == 5
    assert_error(api.get("/api/v1/export", params={"format": "xls"}), 422, "ECO806")


def test_cases_are_there_now(bare_api):  # issue 7 replaced the 501 of issue 6 (tests/cases/test_web.py)
    assert bare_api.get("/api/v1/cases").json() == {"total": 0, "page": 1, "per_page": 50, "items": []}


def test_session_cookie_writes_need_the_csrf_token(browser_client):
    from tests.web.conftest import csrf_of

    body = {"kind": "nps", "title": "Boutiques", "company": "Telvia"}
    assert_error(browser_client.post("/api/v1/surveys", json=body), 403, "ECO803")
    assert_error(browser_client.post("/api/v1/surveys", json=body, headers={"X-CSRF-Token": "forged"}), 403, "ECO803")
    created = browser_client.post("/api/v1/surveys", json=body, headers={"X-CSRF-Token": csrf_of(browser_client)})
    assert created.status_code == 201


def test_openapi_and_schema_are_published(bare_app):
    client = TestClient(bare_app)
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["info"]["title"] == "ecoute"
    assert {"/api/v1/testimonies", "/api/v1/surveys", "/api/v1/public/surveys/{public_id}/answers", "/api/v1/journeys"} <= set(spec["paths"])
    assert "required" in client.get("/api/v1/schema").json()
    assert client.get("/healthz").json()["status"] == "ok"
