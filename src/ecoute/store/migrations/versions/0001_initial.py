"""Initial store: sources, import runs, testimonies, duplicates, rejections, analyses.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("location", sa.String(1024), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("kind", "location", name="uq_sources_kind_location"),
    )
    op.create_table(
        "import_runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("input_count", sa.Integer(), nullable=False),
        sa.Column("stored_count", sa.Integer(), nullable=False),
        sa.Column("duplicate_count", sa.Integer(), nullable=False),
        sa.Column("rejected_count", sa.Integer(), nullable=False),
        sa.Column("analysed_count", sa.Integer(), nullable=False),
        sa.Column("analysis_failed_count", sa.Integer(), nullable=False),
    )
    op.create_table(
        "testimonies",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("source_id", sa.Integer(), sa.ForeignKey("sources.id"), nullable=True),
        sa.Column("import_run_id", sa.Integer(), sa.ForeignKey("import_runs.id"), nullable=True),
        sa.Column("format", sa.String(16), nullable=False),
        sa.Column("row", sa.Integer(), nullable=True),
        sa.Column("external_id", sa.String(255), nullable=True),
        sa.Column("date_hint", sa.String(64), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("metadata", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_testimonies_created_at", "testimonies", ["created_at"])
    op.create_index("ix_testimonies_import_run_id", "testimonies", ["import_run_id"])
    op.create_table(
        "duplicates",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("import_run_id", sa.Integer(), sa.ForeignKey("import_runs.id"), nullable=False),
        sa.Column("testimony_id", sa.String(32), sa.ForeignKey("testimonies.id"), nullable=False),
        sa.Column("source_id", sa.Integer(), sa.ForeignKey("sources.id"), nullable=True),
        sa.Column("row", sa.Integer(), nullable=True),
        sa.Column("external_id", sa.String(255), nullable=True),
    )
    op.create_index("ix_duplicates_import_run_id", "duplicates", ["import_run_id"])
    op.create_table(
        "rejections",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("import_run_id", sa.Integer(), sa.ForeignKey("import_runs.id"), nullable=False),
        sa.Column("path", sa.String(1024), nullable=False),
        sa.Column("row", sa.Integer(), nullable=True),
        sa.Column("format", sa.String(16), nullable=True),
        sa.Column("code", sa.String(8), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_rejections_import_run_id", "rejections", ["import_run_id"])
    op.create_table(
        "analyses",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("testimony_id", sa.String(32), sa.ForeignKey("testimonies.id"), nullable=False),
        sa.Column("pipeline_version", sa.String(512), nullable=False),
        sa.Column("schema_version", sa.String(16), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(8), nullable=True),
        sa.Column("author_role", sa.String(16), nullable=False),
        sa.Column("testimony_date", sa.String(10), nullable=True),
        sa.Column("sentiment_label", sa.String(16), nullable=True),
        sa.Column("sentiment_score", sa.Float(), nullable=True),
        sa.Column("effort_score", sa.Float(), nullable=True),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_analyses_testimony_current", "analyses", ["testimony_id", "is_current"])
    op.create_index("ix_analyses_language", "analyses", ["language"])
    op.create_index("ix_analyses_testimony_date", "analyses", ["testimony_date"])


def downgrade() -> None:
    for table in ("analyses", "rejections", "duplicates", "testimonies", "import_runs", "sources"):
        op.drop_table(table)
