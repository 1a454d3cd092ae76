"""Notifications of cases: e-mails to teams (SMTP, stdlib ``smtplib``) and
webhooks (JSON POST with ``httpx``, signed with HMAC-SHA256).

A notification is written in the same transaction as the change that causes
it (an outbox), once per event and target (``dedup_key``); the case it
carries is read when it is sent, so a late delivery tells the case as it is. The scheduler
then claims due notifications — ``SELECT … FOR UPDATE SKIP LOCKED`` on
PostgreSQL, so that two workers never claim the same one; one worker at a
time on SQLite (:mod:`ecoute.cases.worker`) — marks them ``sending`` with a
lease, sends them outside any transaction, and records every attempt. A
failed try is retried with exponential backoff; after the last one the
notification is ``failed``, kept, listed, and retried only by hand.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any, Iterable
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy import Engine, and_, func, or_, select, update

from ecoute.cases import clock
from ecoute.cases.bulk import insert_rows
from ecoute.cases.config import CasesConfig
from ecoute.errors import ConfigError, NotFound, NotificationNotRetryable
from ecoute.store.models import DeliveryAttempt, NotificationRow

LEASE = timedelta(minutes=5)  # a worker that died while sending: its claim lapses after this
TIMEOUT = 10.0  # seconds for one SMTP or HTTP exchange
SIGNATURE_HEADER = "X-Ecoute-Signature"


# --- enqueuing (inside the caller's transaction) -------------------------------------------


def targets(config: CasesConfig, event: str, team: str) -> list[tuple[str, str]]:
    """(channel, target) pairs told of ``event`` on a case of ``team``."""
    out = []
    if event in config.email_events and config.email_teams.get(team):
        out.append(("email", ",".join(config.email_teams[team])))
    out += [("webhook", hook.url) for hook in config.webhooks if event in hook.events]
    return out


def enqueue(connection, config: CasesConfig, items: Iterable[tuple[int, str, str, str, dict]], now: datetime) -> int:
    """Write the notifications of ``items``: (case id, case team, event, key,
    detail) each; ``key`` tells this occurrence of the event from another (a
    level, a version) so that the same one is never written twice. The case
    itself is read when the notification is sent. Returns the rows offered."""
    rows = []
    for case_id, team, event, key, detail in items:
        for channel, target in targets(config, event, team):
            digest = _digest(target)
            rows.append({
                "case_id": case_id, "event": event, "channel": channel, "target": target[:1024],
                "payload": {"event": f"case.{event}", "at": now.isoformat(), "detail": detail},
                "dedup_key": f"{case_id}:{event}:{key}:{channel}:{digest}", "status": "pending", "attempts": 0,
                "next_attempt_at": now, "created_at": now,
            })  # fmt: skip
    insert_rows(connection, NotificationRow.__table__, rows, unique=["dedup_key"])
    return len(rows)


def _digest(target: str) -> str:
    return hashlib.sha256(target.encode("utf-8")).hexdigest()[:16]


def enqueue_sql(sql, config: CasesConfig, events: str, plan: str) -> str | None:
    """The ``INSERT … SELECT`` that writes the notifications of the scheduler's
    ``escalated`` and ``overdue`` events, read from the relation ``events``
    (id, case_id, kind, after, detail), the case's team from ``plan`` (id,
    team): the same rows, keys and payloads as :func:`enqueue`, for every
    target at once. ``sql`` is the dialect's :class:`ecoute.cases.plan.Sql`;
    the statement needs ``:now`` and ``:now_text``. None when no target
    hears of these events."""
    rows = []
    for hook in config.webhooks:
        rows += [("webhook", hook.url, None, kind) for kind in ("escalated", "overdue") if kind in hook.events]
    for team, addresses in config.email_teams.items():
        rows += [("email", ",".join(addresses), team, kind) for kind in ("escalated", "overdue") if kind in config.email_events]
    if not rows:
        return None
    targets = " UNION ALL ".join(
        f"SELECT {sql.const(channel)} AS channel, {sql.const(target[:1024])} AS target, {sql.const(_digest(target))} AS digest, "
        f"{sql.const(team) if team else 'CAST(NULL AS TEXT)'} AS team, {sql.const(kind)} AS kind"
        for channel, target, team, kind in rows
    )
    payload = sql.json_object([("event", "'case.' || e.kind"), ("at", "CAST(:now_text AS TEXT)"), ("detail", sql.json_text("e.detail"))])
    key = "CASE WHEN e.kind = 'escalated' THEN 'L' || e.after ELSE e.after END"  # enqueue()'s key: the level reached, or the due date
    return f"""INSERT INTO notifications (case_id, event, channel, target, payload, dedup_key, status, attempts, next_attempt_at, created_at)
        SELECT e.case_id, e.kind, t.channel, t.target, {payload},
               CAST(e.case_id AS TEXT) || ':' || e.kind || ':' || ({key}) || ':' || t.channel || ':' || t.digest, 'pending', 0, :now, :now
        FROM {events} e JOIN {plan} s ON s.id = e.case_id JOIN ({targets}) t ON t.kind = e.kind AND (t.team IS NULL OR t.team = s.team)
        WHERE e.kind IN ('escalated', 'overdue') ON CONFLICT (dedup_key) DO NOTHING"""


# --- sending ----------------------------------------------------------------------------------


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=`` + hex HMAC-SHA256 of ``timestamp.body`` under ``secret``."""
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def send_webhook(url: str, payload: dict, notification_id: int, secret: str | None) -> int:
    """POST ``payload``; returns the HTTP status (raises on a network error)."""
    import httpx

    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    timestamp = str(int(clock.now().timestamp()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "ecoute-webhooks/1",
        "X-Ecoute-Event": payload.get("event", ""),
        "X-Ecoute-Delivery": str(notification_id),
        "X-Ecoute-Timestamp": timestamp,
    }
    if secret:
        headers[SIGNATURE_HEADER] = signature(secret, timestamp, body)
    response = httpx.post(url, content=body, headers=headers, timeout=TIMEOUT, follow_redirects=False)
    return response.status_code


def smtp_parts(url: str) -> dict[str, Any]:
    """Host, port, TLS mode and credentials of an ``ECOUTE_SMTP_URL``."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ConfigError(name="ECOUTE_SMTP_URL", value=url.split("@")[-1], detail="use smtp://user:password@host:port, smtp://host:587?starttls=1 or smtps://host:465")
    query = parse_qs(parts.query)
    return {
        "host": parts.hostname, "port": parts.port or (465 if parts.scheme == "smtps" else 25), "ssl": parts.scheme == "smtps",
        "starttls": query.get("starttls", ["0"])[0] in ("1", "true", "yes"),
        "user": unquote(parts.username) if parts.username else None, "password": unquote(parts.password) if parts.password else None,
    }  # fmt: skip


def send_email(smtp_url: str | None, sender: str, to: list[str], subject: str, text: str) -> None:
    """Send one plain-text message (raises on any failure)."""
    if not smtp_url:
        raise ConfigError(name="ECOUTE_SMTP_URL", value="", detail="not set: e-mail notifications cannot be sent")
    server = smtp_parts(smtp_url)
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, ", ".join(to), subject
    message.set_content(text)
    factory = smtplib.SMTP_SSL if server["ssl"] else smtplib.SMTP
    with factory(server["host"], server["port"], timeout=TIMEOUT) as smtp:
        if server["starttls"]:
            smtp.starttls()
        if server["user"]:
            smtp.login(server["user"], server["password"] or "")
        smtp.send_message(message)


def email_text(payload: dict, lang: str) -> tuple[str, str]:
    """Subject and body of the e-mail for one notification payload."""
    from ecoute.i18n import t

    case = payload.get("case") or {"id": "?", "priority": "", "team": "", "status": "", "due_at": "", "mediator_from": "", "mediation_until": ""}
    event = payload["event"].removeprefix("case.")
    detail = payload.get("detail") or {}
    subject = t(f"mail.subject.{event}", lang, id=case["id"], level=case.get("level_label", ""), status=case.get("status", ""))
    lines = [
        t(f"mail.intro.{event}", lang, id=case["id"], reason=detail.get("reason", ""), level=case.get("level_label", "")),
        "",
        t("mail.facts", lang, priority=case["priority"], team=case["team"], status=case["status"], due=case["due_at"][:16].replace("T", " ")),
        t("mail.mediator", lang, mediator_from=case["mediator_from"], until=case["mediation_until"]),
    ]
    if case.get("url"):
        lines += ["", case["url"]]
    return subject, "\n".join(lines) + "\n"


# --- the delivery loop -----------------------------------------------------------------------


@dataclass(slots=True)
class DeliveryReport:
    sent: int = 0
    retried: int = 0  # failed this time, another try is planned
    failed: int = 0  # failed for good: waiting for a retry by hand
    errors: list[str] = field(default_factory=list)


def claim(engine: Engine, worker: str, limit: int = 50) -> list[NotificationRow]:
    """Take up to ``limit`` due notifications for this worker (and those whose
    previous sender died: an expired lease)."""
    now = clock.now()
    due = or_(
        and_(NotificationRow.status == "pending", NotificationRow.next_attempt_at <= now),
        and_(NotificationRow.status == "sending", NotificationRow.lease_until < now),
    )
    with engine.begin() as connection:
        query = select(NotificationRow).where(due).order_by(NotificationRow.id).limit(limit).with_for_update(skip_locked=True)
        rows = [row for row in connection.execute(query).all()]
        if rows:
            connection.execute(
                update(NotificationRow).where(NotificationRow.id.in_([row.id for row in rows])).values(status="sending", lease_until=now + LEASE)
            )
    return rows


def _cases(engine: Engine, ids: set[int], lang: str) -> dict[int, dict]:
    """The current state of the notified cases, as the API shows them."""
    from ecoute.cases.service import summary
    from ecoute.store.models import CaseRow, User

    if not ids:
        return {}
    with engine.connect() as connection:
        rows = connection.execute(
            select(CaseRow, User.username.label("assignee_name")).outerjoin(User, User.id == CaseRow.assignee_id).where(CaseRow.id.in_(ids))
        ).all()
    return {row.id: summary(row, lang, row.assignee_name) for row in rows}


def _attempt(row, payload: dict, settings) -> tuple[bool, int | None, str | None]:
    try:
        if row.channel == "webhook":
            status = send_webhook(row.target, payload, row.id, settings.webhook_secret)
            return 200 <= status < 300, status, None if 200 <= status < 300 else f"HTTP {status}"
        subject, text = email_text(payload, settings.language)
        send_email(settings.smtp_url, settings.mail_from, row.target.split(","), subject, text)
        return True, None, None
    except Exception as exc:  # noqa: BLE001 - every failure is recorded, none is lost
        message = exc.message("en") if hasattr(exc, "message") else f"{type(exc).__name__}: {exc}"
        return False, None, message[:2000]


def deliver(engine: Engine, settings, config: CasesConfig, worker: str, limit: int = 50) -> DeliveryReport:
    """Send every due notification, in rounds of ``limit``; record each attempt."""
    report = DeliveryReport()
    while True:
        rows = claim(engine, worker, limit)
        if not rows:
            return report
        cases = _cases(engine, {row.case_id for row in rows if row.case_id is not None}, settings.language)
        for row in rows:
            started = time.perf_counter()
            payload = {**row.payload, "case": cases.get(row.case_id)}
            ok, status_code, error = _attempt(row, payload, settings)
            elapsed = int((time.perf_counter() - started) * 1000)
            record(engine, row, worker, ok, status_code, error, elapsed, config)
            if ok:
                report.sent += 1
            elif row.attempts + 1 >= config.retry.max_attempts:
                report.failed += 1
                report.errors.append(f"n° {row.id} ({row.channel} {row.target}): {error}")
            else:
                report.retried += 1


def record(engine: Engine, row, worker: str, ok: bool, status_code: int | None, error: str | None, elapsed_ms: int, config: CasesConfig) -> None:
    """Write one attempt and the notification's new state."""
    now = clock.now()
    attempts = row.attempts + 1
    if ok:
        values = {"status": "sent", "sent_at": now, "last_error": None}
    elif attempts >= config.retry.max_attempts:
        values = {"status": "failed", "last_error": error}
    else:
        values = {"status": "pending", "next_attempt_at": now + timedelta(seconds=config.retry.delay(attempts)), "last_error": error}
    with engine.begin() as connection:
        number = (connection.scalar(select(func.count()).select_from(DeliveryAttempt).where(DeliveryAttempt.notification_id == row.id)) or 0) + 1
        connection.execute(DeliveryAttempt.__table__.insert().values(
            notification_id=row.id, number=number, at=now, worker=worker[:128], ok=ok, status_code=status_code, error=error, duration_ms=elapsed_ms,
        ))  # fmt: skip
        connection.execute(update(NotificationRow).where(NotificationRow.id == row.id).values(attempts=attempts, lease_until=None, **values))


# --- by hand ---------------------------------------------------------------------------------


def retry(engine: Engine, notification_id: int | None = None, *, all_failed: bool = False) -> int:
    """Put failed notifications back in the queue, with a new round of tries
    (the earlier attempts stay recorded). Returns how many."""
    now = clock.now()
    with engine.begin() as connection:
        if notification_id is not None:
            status = connection.scalar(select(NotificationRow.status).where(NotificationRow.id == notification_id))
            if status is None:
                raise NotFound(kind="notification", id=notification_id, listing="cases notifications")
            if status != "failed":
                raise NotificationNotRetryable(id=notification_id, status=status)
            which = NotificationRow.id == notification_id
        elif all_failed:
            which = NotificationRow.status == "failed"
        else:
            return 0
        result = connection.execute(
            update(NotificationRow).where(which, NotificationRow.status == "failed").values(status="pending", attempts=0, next_attempt_at=now)
        )
        return result.rowcount or 0


def list_notifications(engine: Engine, *, status: str | None = None, case_id: int | None = None, limit: int = 100) -> list[dict]:
    """Notifications, newest first, with the number of their attempts."""
    attempts = select(func.count()).where(DeliveryAttempt.notification_id == NotificationRow.id).scalar_subquery()
    query = select(NotificationRow, attempts.label("tries")).order_by(NotificationRow.id.desc()).limit(limit)
    if status:
        query = query.where(NotificationRow.status == status)
    if case_id is not None:
        query = query.where(NotificationRow.case_id == case_id)
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    keys = ("id", "case_id", "event", "channel", "target", "status", "attempts", "next_attempt_at", "last_error", "created_at", "sent_at")
    return [{**{key: getattr(row, key) for key in keys}, "tries": row.tries} for row in rows]


def attempts_of(engine: Engine, notification_id: int) -> list[dict]:
    with engine.connect() as connection:
        rows = connection.execute(select(DeliveryAttempt).where(DeliveryAttempt.notification_id == notification_id).order_by(DeliveryAttempt.id)).all()
    return [{key: getattr(row, key) for key in ("number", "at", "worker", "ok", "status_code", "error", "duration_ms")} for row in rows]
