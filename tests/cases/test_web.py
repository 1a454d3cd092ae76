"""The cases API and pages (issue 7, point 5): lists (mine, team queue,
overdue), a case with its history, changes with the version read (409 on a
stale one, also on PostgreSQL), notes and replies, escalation, notifications."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from cases_helpers import hooks_config, record, store
from ecoute.cases import clock
from ecoute.services import users
from ecoute.web.app import create_app

PASSWORD = "une phrase de passe"


@pytest.fixture
def site(engine, store_url):
    for name, role in (("marie", "agent"), ("paul", "agent"), ("ana", "analyst")):
        users.create_user(engine, name, PASSWORD, role)
    store(engine, record("tw1", complaint_on="2025-01-10"), record("tw2", owner="billing", effort=6, sentiment="neutral", escalation=0.1),
          record("tw3", sentiment="positive", escalation=0.0))  # fmt: skip
    return create_app(store_url)


def client(app, engine, username: str) -> TestClient:
    return TestClient(app, headers={"Authorization": f"Bearer {users.create_token(engine, username, 'tests')}"})


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fix", "details"}
    assert body["error"]["code"] == code
    return body["error"]


def test_the_api_from_listing_to_escalation(site, engine):
    marie, ana = client(site, engine, "marie"), client(site, engine, "ana")
    listing = marie.get("/api/v1/cases").json()
    assert listing["total"] == 2
    first = next(item for item in listing["items"] if item["testimony_id"] == "tw1")
    assert marie.get("/api/v1/cases", params={"team": "billing"}).json()["total"] == 1

    changed = marie.patch(f"/api/v1/cases/{first['id']}", json={"version": 1, "assignee": "marie", "status": "in_progress"})
    assert changed.status_code == 200 and changed.json()["version"] == 2
    assert [item["id"] for item in marie.get("/api/v1/cases", params={"assignee": "me"}).json()["items"]] == [first["id"]]
    stale = assert_error(client(site, engine, "paul").patch(f"/api/v1/cases/{first['id']}", json={"version": 1, "priority": "low"}), 409, "ECO901")
    assert stale["details"] == {"id": first["id"], "current": 2, "expected": 1}
    assert_error(marie.patch(f"/api/v1/cases/{first['id']}", json={"version": 2, "status": "new"}), 409, "ECO900")
    assert_error(marie.patch(f"/api/v1/cases/{first['id']}", json={"version": 2, "status": "done"}), 422, "ECO806")
    assert_error(marie.patch("/api/v1/cases/999999", json={"version": 1}), 404, "ECO202")

    reply = marie.post(f"/api/v1/cases/{first['id']}/notes", json={"body": "Nous vous rappelons.", "reply": True})
    assert reply.status_code == 201 and reply.json()["answered_on"] == "2025-01-10"
    detail = marie.get(f"/api/v1/cases/{first['id']}").json()
    assert detail["case"]["mediator_from"] == "2025-03-11" and detail["mediator"]["name"].startswith("Médiateur")
    assert [s["name"] for s in detail["steps"]] == ["customer_service", "consumer_service", "mediator"]
    assert [e["kind"] for e in detail["history"]] == ["reply", "assignee", "status", "opened"]
    assert detail["allowed"] == ["waiting_customer", "resolved"] and detail["notes"][0]["kind"] == "reply"

    up = marie.post(f"/api/v1/cases/{first['id']}/escalate", json={"version": 3, "reason": "client en colère"})
    assert up.status_code == 200 and up.json()["level_name"] == "consumer_service"

    opened = ana.post("/api/v1/cases", json={"testimony_id": "tw3", "priority": "low", "note": "vu en réunion"})
    assert opened.status_code == 201 and opened.json()["case"]["priority"] == "low"
    assert_error(ana.post("/api/v1/cases", json={"testimony_id": "tw3"}), 409, "ECO902")
    assert_error(ana.post("/api/v1/cases", json={"testimony_id": "tw1", "priority": "asap"}), 400, "ECO311")


def test_notifications_through_the_api(site, engine, receiver, cases_file):
    cases_file(hooks_config(receiver.url, events="[status]", retry="{max_attempts: 1}"))
    receiver.failures = 1
    marie, ana = client(site, engine, "marie"), client(site, engine, "ana")
    case = marie.get("/api/v1/cases").json()["items"][0]
    marie.patch(f"/api/v1/cases/{case['id']}", json={"version": 1, "status": "in_progress"})
    from ecoute.cases.worker import run_once

    assert run_once(engine).delivery.failed == 1
    failed = marie.get("/api/v1/notifications", params={"status": "failed"}).json()["items"]
    assert len(failed) == 1 and failed[0]["last_error"] == "HTTP 500"
    assert_error(marie.post(f"/api/v1/notifications/{failed[0]['id']}/retry"), 403, "ECO801")  # agents do not retry
    assert ana.post(f"/api/v1/notifications/{failed[0]['id']}/retry").json() == {"retried": 1}
    assert_error(ana.post(f"/api/v1/notifications/{failed[0]['id']}/retry"), 409, "ECO904")
    assert run_once(engine).delivery.sent == 1


def _login(app, username: str) -> tuple[TestClient, str]:
    browser = TestClient(app)
    token = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/login").text).group(1)
    assert browser.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token}, follow_redirects=False).status_code == 303
    page = browser.get("/cases", headers={"accept": "text/html"})
    return browser, re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def test_the_pages_my_cases_team_queue_overdue_and_a_case(site, engine, store_url):
    browser, csrf = _login(site, "marie")
    html = {"accept": "text/html"}
    assert "Aucun dossier ici." in browser.get("/cases", headers=html).text  # nothing assigned to marie yet
    queue = browser.get("/cases", params={"view": "team", "team": "telephony"}, headers=html).text
    case_id = int(re.search(r'<a href="/cases/(\d+)">', queue).group(1))
    page = browser.get(f"/cases/{case_id}", headers=html)
    assert page.status_code == 200
    for expected in ("Dossier n°", "Médiateur des communications électroniques", "2025-03-11", "Historique", 'name="version" value="1"'):
        assert expected in page.text
    form = {"csrf_token": csrf, "version": "1", "status": "in_progress", "assignee": "marie", "priority": "high", "team": "telephony"}
    assert browser.post(f"/cases/{case_id}/change", data=form, follow_redirects=False).status_code == 303
    assert f'href="/cases/{case_id}"' in browser.get("/cases", headers=html).text  # now in "my cases"
    stale = browser.post(f"/cases/{case_id}/change", data={**form, "status": "resolved"}, headers=html)
    assert stale.status_code == 409 and "ECO901" in stale.text
    note = {"csrf_token": csrf, "body": "Client rappelé, geste commercial proposé.", "kind": "reply"}
    assert browser.post(f"/cases/{case_id}/note", data=note, follow_redirects=False).status_code == 303
    assert browser.post(f"/cases/{case_id}/note", data={**note, "csrf_token": "wrong"}, headers=html).status_code == 403
    clock.advance(days=8)
    overdue = browser.get("/cases", params={"view": "overdue"}, headers=html).text
    assert f'href="/cases/{case_id}"' in overdue and "en retard" in overdue
    page = browser.get(f"/cases/{case_id}", params={"lang": "en"}, headers=html).text
    assert "Client rappelé, geste commercial proposé." in page and "reply to the customer" in page and "Case " in page
