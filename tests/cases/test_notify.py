"""Notifications (issue 7, point 4): signed webhooks, e-mails through a real
SMTP server, retries with exponential backoff against a failing receiver,
every attempt recorded, nothing dropped, retry by hand."""

import email
import email.policy
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from cases_helpers import SECRET, hooks_config, record, store
from ecoute.cases import clock, notify
from ecoute.cases.config import load_cases_config
from ecoute.cases.service import add_note, change
from ecoute.cases.worker import run_once
from ecoute.errors import NotificationNotRetryable, NotFound
from ecoute.store.models import CaseRow, NotificationRow


def _statuses(engine) -> list[tuple]:
    with engine.connect() as connection:
        return [tuple(r) for r in connection.execute(select(NotificationRow.event, NotificationRow.status, NotificationRow.attempts).order_by(NotificationRow.id))]


def test_a_signed_webhook_per_event_carries_the_case(sqlite_engine, receiver, cases_file):
    cases_file(hooks_config(receiver.url))
    store(sqlite_engine, record("t1"))
    with sqlite_engine.connect() as connection:
        case_id = connection.scalar(select(CaseRow.id))
    change(sqlite_engine, case_id, "alice", status="in_progress")
    add_note(sqlite_engine, case_id, "alice", "Nous vous rappelons demain.", kind="reply")
    add_note(sqlite_engine, case_id, "alice", "note interne")  # not an event
    report = run_once(sqlite_engine)
    assert (report.delivery.sent, report.delivery.failed) == (3, 0)
    assert [call["event"] for call in receiver.calls] == ["case.opened", "case.status", "case.reply"]
    assert all(call["signed"] for call in receiver.calls)
    body = receiver.calls[1]["json"]
    assert body["case"]["id"] == case_id and body["case"]["status"] == "in_progress"
    assert body["detail"] == {"before": "new", "after": "in_progress"}
    assert "text" not in body["case"]  # no testimony text leaves ecoute in a webhook
    assert _statuses(sqlite_engine) == [("opened", "sent", 1), ("status", "sent", 1), ("reply", "sent", 1)]
    assert run_once(sqlite_engine).delivery.sent == 0  # sent once


def test_the_signature_can_be_checked_as_the_docs_say():
    body = json.dumps({"event": "case.opened"}).encode()
    assert notify.signature(SECRET, "1736499600", body) == notify.signature(SECRET, "1736499600", body)
    assert notify.signature(SECRET, "1736499600", body) != notify.signature(SECRET, "1736499601", body)
    assert notify.signature(SECRET, "1736499600", body).startswith("sha256=")


def test_a_failing_receiver_is_retried_with_backoff_then_failed_then_retried_by_hand(engine, receiver, cases_file):
    cases_file(hooks_config(receiver.url, events="[opened]", retry="{max_attempts: 3, first_seconds: 60, max_seconds: 600}"))
    receiver.failures = 4
    store(engine, record("t1"))
    assert run_once(engine).delivery.retried == 1
    assert _statuses(engine) == [("opened", "pending", 1)]
    clock.advance(seconds=59)
    assert run_once(engine).delivery.retried == 0  # not yet: 60 s
    clock.advance(seconds=1)
    assert run_once(engine).delivery.retried == 1
    clock.advance(seconds=119)
    assert len(receiver.calls) == 2 and run_once(engine).delivery.failed == 0  # not yet: 120 s
    clock.advance(seconds=1)
    report = run_once(engine)
    assert report.delivery.failed == 1 and "HTTP 500" in report.delivery.errors[0]
    assert _statuses(engine) == [("opened", "failed", 3)]
    clock.advance(days=5)
    assert run_once(engine).delivery.sent == 0 and len(receiver.calls) == 3  # a failed one waits for a human
    notification = notify.list_notifications(engine, status="failed")[0]
    assert notification["last_error"] == "HTTP 500" and notification["tries"] == 3
    with pytest.raises(NotificationNotRetryable):
        notify.retry(engine, _pending(engine))
    assert notify.retry(engine, notification["id"]) == 1
    assert run_once(engine).delivery.retried == 1  # the 4th call fails too (4 failures asked)
    clock.advance(seconds=60)
    assert run_once(engine).delivery.sent == 1
    attempts = notify.attempts_of(engine, notification["id"])
    assert [(a["number"], a["ok"], a["status_code"]) for a in attempts] == [(1, False, 500), (2, False, 500), (3, False, 500), (4, False, 500), (5, True, 204)]
    assert len(set(receiver.deliveries())) == 1  # the same delivery id every time: receivers can tell repeats


def _pending(engine) -> int:
    """A notification that is not failed (made for the refusal)."""
    with engine.begin() as connection:
        now = clock.now()
        return connection.execute(NotificationRow.__table__.insert().values(
            case_id=None, event="opened", channel="webhook", target="http://x", payload={}, dedup_key="manual", status="pending",
            attempts=0, next_attempt_at=now + timedelta(days=9), created_at=now).returning(NotificationRow.id)).scalar_one()  # fmt: skip


def test_a_receiver_that_is_down_is_an_attempt_too(sqlite_engine, cases_file):
    from cases_helpers import free_port

    cases_file(hooks_config(f"http://127.0.0.1:{free_port()}/nobody", events="[opened]"))
    store(sqlite_engine, record("t1"))
    assert run_once(sqlite_engine).delivery.retried == 1
    (attempt,) = notify.attempts_of(sqlite_engine, notify.list_notifications(sqlite_engine)[0]["id"])
    assert not attempt["ok"] and "ConnectError" in attempt["error"]


def test_emails_go_to_the_teams_addresses_through_smtp(sqlite_engine, smtp_server, cases_file):
    cases_file("notifications:\n  email: {teams: {telephony: [tel@example.org, chef@example.org], hr: rh@example.org}, events: [opened, escalated]}\n")
    store(sqlite_engine, record("t1"), record("t2", role="employee", themes=["ex_wellbeing"]))
    assert run_once(sqlite_engine).delivery.sent == 2
    by_first = {tuple(m["to"]): m["data"] for m in smtp_server.messages}
    assert set(by_first) == {("tel@example.org", "chef@example.org"), ("rh@example.org",)}
    message = email.message_from_string(by_first[("rh@example.org",)], policy=email.policy.default)
    assert message["Subject"] == "[ecoute] Nouveau dossier n° 2" and message["From"] == "ecoute@test.example"
    body = message.get_content()
    assert "Priorité : high · équipe : hr" in body
    assert "Le client pourra saisir le médiateur à partir du 2025-03-11, jusqu'au 2026-01-10." in body


def test_without_smtp_an_email_fails_loudly_and_waits(sqlite_engine, cases_file, monkeypatch):
    monkeypatch.delenv("ECOUTE_SMTP_URL", raising=False)
    cases_file("notifications:\n  email: {teams: {telephony: tel@example.org}}\n  retry: {max_attempts: 1}\n")
    store(sqlite_engine, record("t1"))
    report = run_once(sqlite_engine)
    assert report.delivery.failed == 1 and "ECOUTE_SMTP_URL" in report.delivery.errors[0]
    assert _statuses(sqlite_engine) == [("opened", "failed", 1)]


def test_an_event_enqueues_once_per_target(sqlite_engine, receiver, cases_file):
    cases_file(hooks_config(receiver.url, events="[overdue]") + "  email: {teams: {telephony: tel@example.org}, events: [overdue]}\n")
    store(sqlite_engine, record("t1"))
    clock.advance(days=4)
    from ecoute.cases.worker import sweep

    assert sweep(sqlite_engine) == (0, 1)
    with sqlite_engine.connect() as connection:
        rows = connection.execute(select(NotificationRow.channel, NotificationRow.event)).all()
    assert sorted(tuple(r) for r in rows) == [("email", "overdue"), ("webhook", "overdue")]
    config = load_cases_config()
    assert notify.targets(config, "opened", "telephony") == []


def test_retry_by_hand_of_an_unknown_notification():
    from ecoute.store.db import open_store

    with pytest.raises(NotFound):
        notify.retry(open_store("sqlite://"), 12)


def test_a_worker_that_died_while_sending_is_relieved_after_its_lease(sqlite_engine, receiver, cases_file):
    cases_file(hooks_config(receiver.url, events="[opened]"))
    store(sqlite_engine, record("t1"))
    claimed = notify.claim(sqlite_engine, "dead-worker")  # claimed, then the process died before sending
    assert len(claimed) == 1 and _statuses(sqlite_engine) == [("opened", "sending", 0)]
    assert run_once(sqlite_engine).delivery.sent == 0  # another worker leaves it alone while the lease runs
    clock.advance(minutes=5, seconds=1)
    assert run_once(sqlite_engine).delivery.sent == 1
    assert _statuses(sqlite_engine) == [("opened", "sent", 1)] and len(receiver.calls) == 1
