"""`ecoute cases …` and `ecoute worker`, run as a user runs them (issue 7, point 5)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from cases_helpers import hooks_config, record, store
from ecoute.cases import clock
from ecoute.cli.main import app
from ecoute.errors import EcouteError
from ecoute.services.users import create_user

runner = CliRunner()


def run(*args: str, ok: bool = True):
    result = runner.invoke(app, ["--lang", "en", *args])
    assert (result.exit_code == 0) == ok, result.output
    return result


def error(*args: str) -> str:
    """The code and message of the error a command stops with (main() renders them)."""
    result = run(*args, ok=False)
    assert isinstance(result.exception, EcouteError), result.output
    return f"{result.exception.code} {result.exception.message('en')} {result.exception.fix('en')}"


def test_the_life_of_a_case_from_the_command_line(sqlite_engine, sqlite_url, receiver, cases_file):
    cases_file(hooks_config(receiver.url, events="[opened, escalated, assigned]"))
    create_user(sqlite_engine, "marie", "une phrase de passe", "agent")
    store(sqlite_engine, record("tcli1", complaint_on="2025-01-10"), record("tcli2", sentiment="positive", escalation=0.0))

    listing = json.loads(run("cases", "list", "--json", "--db", sqlite_url).output)
    assert listing["total"] == 1
    case_id = listing["items"][0]["id"]
    assert "Case" in run("cases", "list", "--db", sqlite_url).output

    assert "opened" in run("cases", "open", "tcli2", "--priority", "low", "--team", "billing", "--as", "marie", "--db", sqlite_url).output
    assert "ECO902" in error("cases", "open", "tcli2", "--db", sqlite_url)  # one case per testimony

    assert "version 2" in run("cases", "assign", str(case_id), "marie", "--version", "1", "--db", sqlite_url).output
    assert "ECO901" in error("cases", "status", str(case_id), "in_progress", "--version", "1", "--db", sqlite_url)
    run("cases", "status", str(case_id), "in_progress", "--reason", "rappel", "--db", sqlite_url)
    illegal = error("cases", "status", str(case_id), "new", "--db", sqlite_url)
    assert "ECO900" in illegal and "waiting_customer, resolved" in illegal
    run("cases", "note", str(case_id), "Rappelé le client.", "--reply", "--as", "marie", "--db", sqlite_url)

    mine = json.loads(run("cases", "list", "--assignee", "marie", "--json", "--db", sqlite_url).output)
    assert [item["id"] for item in mine["items"]] == [case_id]
    assert json.loads(run("cases", "list", "--team", "billing", "--unassigned", "--json", "--db", sqlite_url).output)["total"] == 1

    clock.advance(days=31)
    assert "2 escalated" in run("worker", "--once", "--db", sqlite_url).output  # both cases: 31 days since their complaint
    overdue = json.loads(run("cases", "list", "--overdue", "--json", "--db", sqlite_url).output)
    assert {item["id"] for item in overdue["items"]} >= {case_id}

    shown = run("cases", "show", str(case_id), "--db", sqlite_url).output
    for expected in ("Consumer service", "Médiateur des communications électroniques", "2025-03-11", "escalated", "Rappelé le client."):
        assert expected in shown
    detail = json.loads(run("cases", "show", str(case_id), "--json", "--db", sqlite_url).output)
    assert detail["case"]["level"] == 2 and [s["name"] for s in detail["steps"]] == ["customer_service", "consumer_service", "mediator"]

    assert "level 3" in run("cases", "escalate", str(case_id), "--db", sqlite_url).output
    assert "ECO903" in error("cases", "escalate", str(case_id), "--db", sqlite_url)
    assert "Resolved" in run("cases", "resolve", str(case_id), "--db", sqlite_url).output
    assert json.loads(run("cases", "list", "--status", "resolved", "--json", "--db", sqlite_url).output)["total"] == 1


def test_notifications_and_their_retry_from_the_command_line(sqlite_engine, sqlite_url, receiver, cases_file):
    cases_file(hooks_config(receiver.url, events="[opened]", retry="{max_attempts: 1}"))
    receiver.failures = 1
    store(sqlite_engine, record("tcli3"))
    failed = run("worker", "--once", "--db", sqlite_url).output
    assert "1 failed" in failed and "HTTP 500" in failed
    rows = json.loads(run("cases", "notifications", "--failed", "--json", "--db", sqlite_url).output)
    assert len(rows) == 1 and rows[0]["status"] == "failed"
    assert "ECO311" in error("cases", "retry", "--db", sqlite_url)  # a number or --all-failed
    assert "1 notification" in run("cases", "retry", "--all-failed", "--db", sqlite_url).output
    assert "1 sent" in run("worker", "--once", "--db", sqlite_url).output
    assert "ECO904" in error("cases", "retry", str(rows[0]["id"]), "--db", sqlite_url)


def test_scan_after_a_bulk_load(sqlite_engine, sqlite_url, cases_file):
    cases_file("rules: {escalation_risk: null}\n")
    store(sqlite_engine, record("tcli4"))
    cases_file("rules: {}\n")
    assert "1 analyses read, 1 cases opened" in run("cases", "scan", "--db", sqlite_url).output
