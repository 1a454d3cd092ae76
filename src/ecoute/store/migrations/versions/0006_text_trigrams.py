"""Explorer text search on PostgreSQL: a trigram index on the texts.

The explorer matches every word given anywhere in the pseudonymised text,
ignoring case (``ILIKE '%word%'``). Without an index PostgreSQL reads every
text of the store; a GIN index of trigrams (extension ``pg_trgm``, shipped
with PostgreSQL and trusted: a database owner may create it) finds the texts
that may hold the word, then checks only those. SQLite has no such index:
its ``LIKE`` scan is left as it is.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    where = "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'"
    schema = bind.exec_driver_sql(where).scalar()
    if schema is None:
        op.execute("CREATE EXTENSION pg_trgm")  # into the first schema of the search path
        schema = bind.exec_driver_sql(where).scalar()
    # The operator class named with its schema: the extension may live in a
    # schema outside this store's search path (installed there before).
    op.execute(f"CREATE INDEX ix_testimonies_text_trgm ON testimonies USING gin (text {schema}.gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_testimonies_text_trgm", table_name="testimonies")  # the extension stays: other objects may use it
