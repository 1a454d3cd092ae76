"""Tables of the store. The schema itself is created by Alembic migrations
(``store/migrations``); these models must match the latest migration, which
``tests/store/test_migrations.py`` checks."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
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
    __table_args__ = (Index("ix_testimonies_created_at", "created_at"),)

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


class AnalysisRow(Base):
    """An analysis record. Re-analysis adds a row and moves ``is_current``;
    older rows stay as history."""

    __tablename__ = "analyses"
    __table_args__ = (Index("ix_analyses_testimony_current", "testimony_id", "is_current"),)

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
