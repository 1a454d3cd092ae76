"""Helpers of the cases tests: hand-made analysis records stored as imports
store them, and a webhook receiver that checks signatures and can fail."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sqlalchemy import insert

from ecoute.cases import clock
from ecoute.record import AnalysisRecord, Effort, Journey, Mediation, Risk, Sentiment, Source, Theme
from ecoute.services.analysis import store_analyses
from ecoute.store.models import TestimonyRow

START = "2025-01-10T09:00:00+00:00"
SECRET = "un secret partagé"


def record(tid: str, *, role="customer", sentiment="negative", escalation=0.7, churn=0.2, effort=None, themes=(), owner="telephony",
           kind="csv", metadata=None, complaint_on=None, when="2025-01-10") -> AnalysisRecord:  # fmt: skip
    """A small analysis record made by hand (the fields the rules read)."""
    mediation = Mediation(sector="telecom", written_complaint=complaint_on is not None, written_complaint_on=complaint_on) if complaint_on else None
    return AnalysisRecord(
        id=tid, source=Source(kind=kind, metadata=metadata or {}), date=when, language="fr", author_role=role, text=f"texte {tid}",
        sentiment=Sentiment(label=sentiment, score=-0.6 if sentiment == "negative" else 0.5),
        themes=[Theme(code=code, confidence=0.9) for code in themes], journey=Journey(mediation=mediation),
        effort=Effort(score=effort) if effort else None, risk=Risk(churn=churn, escalation=escalation), owner=owner,
    )  # fmt: skip


def store(engine, *records: AnalysisRecord) -> None:
    """Store testimonies and their analyses as an import does (the opening rules run)."""
    with engine.begin() as connection:
        for rec in records:
            if connection.scalar(TestimonyRow.__table__.select().where(TestimonyRow.id == rec.id).with_only_columns(TestimonyRow.id)) is None:
                connection.execute(insert(TestimonyRow.__table__).values(
                    id=rec.id, format=rec.source.kind, text=rec.text, metadata=rec.source.metadata, created_at=clock.now()))  # fmt: skip
        store_analyses(connection, list(records), "test-pipeline")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Receiver:
    """A webhook receiver: records each call, checks its signature, answers
    ``fail_with`` to the first ``failures`` calls."""

    def __init__(self) -> None:
        self.calls: list[dict] = []
        self.failures = 0
        self.fail_with = 500
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                expected = "sha256=" + hmac.new(SECRET.encode(), self.headers["X-Ecoute-Timestamp"].encode() + b"." + body, hashlib.sha256).hexdigest()
                with receiver.lock:
                    receiver.calls.append({
                        "delivery": self.headers.get("X-Ecoute-Delivery"), "event": self.headers.get("X-Ecoute-Event"),
                        "signed": hmac.compare_digest(expected, self.headers.get("X-Ecoute-Signature", "")), "json": json.loads(body),
                    })  # fmt: skip
                    failing = receiver.failures > 0
                    if failing:
                        receiver.failures -= 1
                self.send_response(receiver.fail_with if failing else 204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def deliveries(self) -> list[str]:
        with self.lock:
            return [call["delivery"] for call in self.calls]


def hooks_config(url: str, events: str = "[opened, escalated, overdue, status, assigned, reply]", retry: str = "{max_attempts: 3, first_seconds: 60, max_seconds: 600}") -> str:
    return f"notifications:\n  webhooks:\n    - url: {url}\n      events: {events}\n  retry: {retry}\n"
