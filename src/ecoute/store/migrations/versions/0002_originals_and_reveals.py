"""Encrypted originals (keep_original) and the audit of their reveals.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "originals",
        sa.Column("testimony_id", sa.String(32), sa.ForeignKey("testimonies.id"), primary_key=True),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "reveals",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("testimony_id", sa.String(32), nullable=False),
        sa.Column("who", sa.String(255), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_reveals_testimony_id", "reveals", ["testimony_id"])


def downgrade() -> None:
    op.drop_table("reveals")
    op.drop_table("originals")
