"""Tables of the store. The schema itself is created by Alembic migrations
(``store/migrations``); these models must match the latest migration, which
``tests/store/test_migrations.py`` checks."""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    pass


class SourceRow(Base):
    """An input the testimonies came from: a file, the API, a survey."""

    __tablename__ = "sources"
    __table_args__ = (UniqueConstraint("kind", "location", name="uq_sources_kind_location"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    location: Mapped[str] = mapped_column(String(1024))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ImportRun(Base):
    """One `ecoute import`: its options and counts.

    ``input_count == stored_count + duplicate_count + rejected_count`` holds
    for every finished run: nothing is lost.
    """

    __tablename__ = "import_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="running")
    options: Mapped[dict] = mapped_column(JSON, default=dict)
    input_count: Mapped[int] = mapped_column(Integer, default=0)
    stored_count: Mapped[int] = mapped_column(Integer, default=0)
    duplicate_count: Mapped[int] = mapped_column(Integer, default=0)
    rejected_count: Mapped[int] = mapped_column(Integer, default=0)
    analysed_count: Mapped[int] = mapped_column(Integer, default=0)
    analysis_failed_count: Mapped[int] = mapped_column(Integer, default=0)


class TestimonyRow(Base):
    """A testimony as stored. Its id derives from its normalised text, so a
    duplicate cannot be stored twice."""

    __tablename__ = "testimonies"
    __table_args__ = (
        Index("ix_testimonies_created_at", "created_at"),
        # The explorer's text search (ILIKE '%word%') on PostgreSQL: trigrams
        # (pg_trgm, migration 0006). SQLite keeps its scan: no such index there.
        Index("ix_testimonies_text_trgm", "text", postgresql_using="gin", postgresql_ops={"text": "gin_trgm_ops"}).ddl_if(dialect="postgresql"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"), nullable=True)
    import_run_id: Mapped[int | None] = mapped_column(ForeignKey("import_runs.id"), nullable=True, index=True)
    format: Mapped[str] = mapped_column(String(16))
    row: Mapped[int | None] = mapped_column(Integer, nullable=True)
    external_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    date_hint: Mapped[str | None] = mapped_column(String(64), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    meta: Mapped[dict] = mapped_column("metadata", JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DuplicateRow(Base):
    """An input record recognised as a testimony already stored."""

    __tablename__ = "duplicates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    import_run_id: Mapped[int] = mapped_column(ForeignKey("import_runs.id"), index=True)
    testimony_id: Mapped[str] = mapped_column(ForeignKey("testimonies.id"))
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"), nullable=True)
    row: Mapped[int | None] = mapped_column(Integer, nullable=True)
    external_id: Mapped[str | None] = mapped_column(String(255), nullable=True)


class RejectionRow(Base):
    """An input record (or whole file) that could not be read, and why."""

    __tablename__ = "rejections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    import_run_id: Mapped[int] = mapped_column(ForeignKey("import_runs.id"), index=True)
    path: Mapped[str] = mapped_column(String(1024))
    row: Mapped[int | None] = mapped_column(Integer, nullable=True)
    format: Mapped[str | None] = mapped_column(String(16), nullable=True)
    code: Mapped[str] = mapped_column(String(8))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


DASHBOARD_COLUMNS = ("is_current", "author_role", "sentiment_label", "sentiment_score", "effort_score", "source_kind", "language", "churn")


class AnalysisRow(Base):
    """An analysis record. Re-analysis adds a row and moves ``is_current``;
    older rows stay as history."""

    __tablename__ = "analyses"
    # Covering indexes (revision 0005): the pages read these columns without the records.
    __table_args__ = (
        Index("ix_analyses_testimony_current", "testimony_id", *DASHBOARD_COLUMNS, "testimony_date"),
        Index("ix_analyses_date_dashboard", "testimony_date", *DASHBOARD_COLUMNS, "testimony_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    testimony_id: Mapped[str] = mapped_column(ForeignKey("testimonies.id"))
    pipeline_version: Mapped[str] = mapped_column(String(512))
    schema_version: Mapped[str] = mapped_column(String(16))
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    language: Mapped[str | None] = mapped_column(String(8), nullable=True, index=True)
    author_role: Mapped[str] = mapped_column(String(16), default="unknown")
    testimony_date: Mapped[str | None] = mapped_column(String(10), nullable=True, index=True)
    sentiment_label: Mapped[str | None] = mapped_column(String(16), nullable=True)
    sentiment_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    effort_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    record: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Dashboard columns (services/facts.py), since revision 0003.
    source_kind: Mapped[str | None] = mapped_column(String(16), nullable=True)
    contacts: Mapped[int | None] = mapped_column(Integer, nullable=True)
    transfers: Mapped[int | None] = mapped_column(Integer, nullable=True)
    loops: Mapped[int | None] = mapped_column(Integer, nullable=True)
    dead_ends: Mapped[int | None] = mapped_column(Integer, nullable=True)
    total_wait_minutes: Mapped[float | None] = mapped_column(Float, nullable=True)
    resolved: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    churn: Mapped[float | None] = mapped_column(Float, nullable=True)
    escalation: Mapped[float | None] = mapped_column(Float, nullable=True)


class OriginalRow(Base):
    """The original text of a testimony, encrypted (only with keep_original)."""

    __tablename__ = "originals"

    testimony_id: Mapped[str] = mapped_column(ForeignKey("testimonies.id"), primary_key=True)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RevealRow(Base):
    """Audit of every reveal of an original text: who, when, why."""

    __tablename__ = "reveals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    testimony_id: Mapped[str] = mapped_column(String(32), index=True)
    who: Mapped[str] = mapped_column(String(255))
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# --- revision 0003: accounts, surveys, dashboard facts ---------------------------


class User(Base):
    """A person who logs in to the web app: admin, analyst or agent."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str | None] = mapped_column(String(255), nullable=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))  # argon2id
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class WebSession(Base):
    """A logged-in browser. The cookie holds a random token; only its hash is
    stored, so a copy of the database opens no session."""

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ApiToken(Base):
    """A token for machine clients of the API (hashed, revocable)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(128))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Survey(Base):
    """A two-question survey: a score (NPS, CSAT, CES or eNPS) and "why?"."""

    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(255))
    company: Mapped[str] = mapped_column(String(255))
    question: Mapped[str | None] = mapped_column(String(500), nullable=True)
    language: Mapped[str] = mapped_column(String(2), default="fr")
    meta: Mapped[dict] = mapped_column("metadata", JSON, default=dict)
    status: Mapped[str] = mapped_column(String(8), default="open")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class SurveyAnswer(Base):
    """One answer; its token is unique, so a link answers once. The "why"
    is stored as a testimony (pseudonymised and analysed like any other)."""

    __tablename__ = "survey_answers"
    __table_args__ = (Index("ix_survey_answers_survey_day", "survey_id", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    token: Mapped[str] = mapped_column(String(160), unique=True)
    score: Mapped[int] = mapped_column(Integer)
    testimony_id: Mapped[str | None] = mapped_column(ForeignKey("testimonies.id"), nullable=True, index=True)
    meta: Mapped[dict] = mapped_column("metadata", JSON, default=dict)
    day: Mapped[str] = mapped_column(String(10))  # ISO date of the answer, for trends
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AnswerMeta(Base):
    """One metadata pair (site, team, channel…) carried by a survey answer's link."""

    __tablename__ = "answer_meta"
    __table_args__ = (Index("ix_answer_meta_key_value", "key", "value"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("survey_answers.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(String(255))


class RecordFacet(Base):
    """One theme, emotion, channel, transition… of a current analysis."""

    __tablename__ = "record_facets"
    __table_args__ = (
        Index("ix_record_facets_kind_code", "kind", "code", "testimony_id", "value"),
        Index("ix_record_facets_testimony_id", "testimony_id", "kind", "code", "value"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    testimony_id: Mapped[str] = mapped_column(ForeignKey("testimonies.id"))
    kind: Mapped[str] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(String(128))
    value: Mapped[float | None] = mapped_column(Float, nullable=True)


class RecordMeta(Base):
    """One metadata pair (site, brand, team…) of an analysed testimony."""

    __tablename__ = "record_meta"
    __table_args__ = (
        Index("ix_record_meta_key_value", "key", "value", "testimony_id"),
        Index("ix_record_meta_testimony_id", "testimony_id", "key", "value"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    testimony_id: Mapped[str] = mapped_column(ForeignKey("testimonies.id"))
    key: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(String(255))


# --- revision 0004: cases (closing the loop, ecoute/cases) -------------------------


class CaseRow(Base):
    """A testimony that needs action: one case per testimony, ever. ``version``
    grows with every change (optimistic locking: an update names the version
    it read)."""

    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("testimony_id", name="uq_cases_testimony_id"),
        Index("ix_cases_status_escalation", "status", "next_escalation_on"),
        Index("ix_cases_status_due", "status", "due_at"),
        Index("ix_cases_team_status", "team", "status"),
        Index("ix_cases_assignee_status", "assignee_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    testimony_id: Mapped[str] = mapped_column(ForeignKey("testimonies.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(24), default="new")
    priority: Mapped[str] = mapped_column(String(16))
    team: Mapped[str] = mapped_column(String(64))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    opened_by: Mapped[str] = mapped_column(String(64))  # "rules" or the account that opened it by hand
    reasons: Mapped[list] = mapped_column(JSON, default=list)  # the opening rules that matched
    sector: Mapped[str] = mapped_column(String(32))
    level: Mapped[int] = mapped_column(Integer, default=1)
    complaint_on: Mapped[date] = mapped_column(Date)
    complaint_basis: Mapped[str] = mapped_column(String(16))  # journey, email or opened
    answered_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    next_escalation_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    mediator_from: Mapped[date] = mapped_column(Date)
    mediation_until: Mapped[date] = mapped_column(Date)
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    overdue_notified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class CaseEvent(Base):
    """One change of a case: who, when, what, before and after. Never updated."""

    __tablename__ = "case_events"
    __table_args__ = (Index("ix_case_events_case_id", "case_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(24))
    before: Mapped[str | None] = mapped_column(Text, nullable=True)
    after: Mapped[str | None] = mapped_column(Text, nullable=True)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


class CaseNote(Base):
    """An internal note, or a reply given to the customer, on a case."""

    __tablename__ = "case_notes"
    __table_args__ = (Index("ix_case_notes_case_id", "case_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))  # note or reply
    author: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class NotificationRow(Base):
    """One message to send (an e-mail to a team, a webhook call). Kept until
    sent; a failed one stays, with its attempts, until it is retried by hand.
    ``dedup_key`` makes the same event for the same target enqueue once."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("dedup_key", name="uq_notifications_dedup_key"),
        Index("ix_notifications_status_next", "status", "next_attempt_at"),
        Index("ix_notifications_case_id", "case_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), nullable=True)
    event: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(16))  # email or webhook
    target: Mapped[str] = mapped_column(String(1024))
    payload: Mapped[dict] = mapped_column(JSON)
    dedup_key: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending, sending, sent, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class DeliveryAttempt(Base):
    """Every try at sending a notification, successful or not."""

    __tablename__ = "delivery_attempts"
    __table_args__ = (Index("ix_delivery_attempts_notification_id", "notification_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    worker: Mapped[str] = mapped_column(String(128))
    ok: Mapped[bool] = mapped_column(Boolean)
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    duration_ms: Mapped[int] = mapped_column(Integer)


class WorkerLock(Base):
    """A named lock with an expiry: one scheduler at a time on SQLite (on
    PostgreSQL workers share the work with SELECT … FOR UPDATE SKIP LOCKED)."""

    __tablename__ = "worker_locks"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(128), nullable=True)
    acquired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
