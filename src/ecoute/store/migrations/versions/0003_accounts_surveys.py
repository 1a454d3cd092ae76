"""Accounts, sessions, API tokens, surveys and their answers; dashboard facts.

The dashboards filter and aggregate in SQL, never by loading every record:
the current analysis gets a few more columns (journey counts, risk, source
kind), and two small tables, filled whenever an analysis is stored, hold what
a record has many of (themes, emotions, root causes, channels, transitions,
waits, dead ends) and the testimony's metadata (site, brand, team…). Both are
derived data: rows of stores made before this revision are filled here.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ANALYSIS_COLUMNS = (
    ("source_kind", sa.String(16)),
    ("contacts", sa.Integer()),
    ("transfers", sa.Integer()),
    ("loops", sa.Integer()),
    ("dead_ends", sa.Integer()),
    ("total_wait_minutes", sa.Float()),
    ("resolved", sa.Boolean()),
    ("churn", sa.Float()),
    ("escalation", sa.Float()),
)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("name", sa.String(255), nullable=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("username", name="uq_users_username"),
    )
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.String(64), primary_key=True),  # SHA-256 of the cookie's token
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_web_sessions_user_id", "web_sessions", ["user_id"])
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
    )
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])
    op.create_table(
        "surveys",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("public_id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("title", sa.String(255), nullable=False),
        sa.Column("company", sa.String(255), nullable=False),
        sa.Column("question", sa.String(500), nullable=True),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("metadata", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("created_by", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("public_id", name="uq_surveys_public_id"),
    )
    op.create_table(
        "survey_answers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("survey_id", sa.Integer(), sa.ForeignKey("surveys.id", ondelete="CASCADE"), nullable=False),
        sa.Column("token", sa.String(160), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("testimony_id", sa.String(32), sa.ForeignKey("testimonies.id"), nullable=True),
        sa.Column("metadata", sa.JSON(), nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("token", name="uq_survey_answers_token"),
    )
    op.create_index("ix_survey_answers_survey_day", "survey_answers", ["survey_id", "day"])
    op.create_index("ix_survey_answers_testimony_id", "survey_answers", ["testimony_id"])
    op.create_table(
        "answer_meta",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("answer_id", sa.Integer(), sa.ForeignKey("survey_answers.id", ondelete="CASCADE"), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.String(255), nullable=False),
    )
    op.create_index("ix_answer_meta_key_value", "answer_meta", ["key", "value"])
    op.create_index("ix_answer_meta_answer_id", "answer_meta", ["answer_id"])

    with op.batch_alter_table("analyses") as batch:
        for name, type_ in ANALYSIS_COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))
    # No index led by is_current (a flag): SQLite then prefers it to the
    # testimony_id index in joins and a dashboard query turns quadratic.
    op.create_table(
        "record_facets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("testimony_id", sa.String(32), sa.ForeignKey("testimonies.id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("code", sa.String(128), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
    )
    op.create_index("ix_record_facets_kind_code", "record_facets", ["kind", "code"])
    op.create_index("ix_record_facets_testimony_id", "record_facets", ["testimony_id"])
    op.create_table(
        "record_meta",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("testimony_id", sa.String(32), sa.ForeignKey("testimonies.id"), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.String(255), nullable=False),
    )
    op.create_index("ix_record_meta_key_value", "record_meta", ["key", "value"])
    op.create_index("ix_record_meta_testimony_id", "record_meta", ["testimony_id"])
    _backfill()


def _backfill() -> None:
    """Fill the dashboard facts of the analyses stored before this revision."""
    from ecoute.services.facts import refresh_facts

    refresh_facts(op.get_bind())


def downgrade() -> None:
    op.drop_table("record_meta")
    op.drop_table("record_facets")
    with op.batch_alter_table("analyses") as batch:
        for name, _ in reversed(ANALYSIS_COLUMNS):
            batch.drop_column(name)
    for table in ("answer_meta", "survey_answers", "surveys", "api_tokens", "web_sessions", "users"):
        op.drop_table(table)
