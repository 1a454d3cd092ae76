"""Web pages at 100,000 testimonies (issue 6): covering indexes.

The dashboards and the explorer read a few columns of every current
analysis. On SQLite an ``analyses`` row carries its record (kilobytes of
JSON) inline, so a scan of the table reads the records too; these indexes
hold the columns the pages read, so that their queries read the indexes
only:

- ``ix_analyses_date_dashboard``: the filter and aggregate columns, led by
  the date (date ranges use it; not led by ``is_current``: see 0003);
- ``ix_analyses_testimony_current``: the same columns behind the testimony
  id, for the joins from facets and metadata;
- ``ix_record_facets_kind_code`` and ``ix_record_meta_key_value`` gain the
  testimony id (and the facet's value), so that a theme or metadata filter
  and the facet counts never visit the table; their ``testimony_id``
  indexes gain the kind, code and value (key and value), for the joins
  from the selected analyses.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

DASHBOARD_COLUMNS = ["is_current", "author_role", "sentiment_label", "sentiment_score", "effort_score", "source_kind", "language", "churn"]


def upgrade() -> None:
    op.create_index("ix_analyses_date_dashboard", "analyses", ["testimony_date", *DASHBOARD_COLUMNS, "testimony_id"])
    op.drop_index("ix_analyses_testimony_current", table_name="analyses")
    op.create_index("ix_analyses_testimony_current", "analyses", ["testimony_id", *DASHBOARD_COLUMNS, "testimony_date"])
    op.drop_index("ix_record_facets_kind_code", table_name="record_facets")
    op.create_index("ix_record_facets_kind_code", "record_facets", ["kind", "code", "testimony_id", "value"])
    op.drop_index("ix_record_meta_key_value", table_name="record_meta")
    op.create_index("ix_record_meta_key_value", "record_meta", ["key", "value", "testimony_id"])
    op.drop_index("ix_record_facets_testimony_id", table_name="record_facets")
    op.create_index("ix_record_facets_testimony_id", "record_facets", ["testimony_id", "kind", "code", "value"])
    op.drop_index("ix_record_meta_testimony_id", table_name="record_meta")
    op.create_index("ix_record_meta_testimony_id", "record_meta", ["testimony_id", "key", "value"])
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ANALYZE")  # the planner's statistics, so that it prefers the covering indexes


def downgrade() -> None:
    op.drop_index("ix_record_meta_testimony_id", table_name="record_meta")
    op.create_index("ix_record_meta_testimony_id", "record_meta", ["testimony_id"])
    op.drop_index("ix_record_facets_testimony_id", table_name="record_facets")
    op.create_index("ix_record_facets_testimony_id", "record_facets", ["testimony_id"])
    op.drop_index("ix_record_meta_key_value", table_name="record_meta")
    op.create_index("ix_record_meta_key_value", "record_meta", ["key", "value"])
    op.drop_index("ix_record_facets_kind_code", table_name="record_facets")
    op.create_index("ix_record_facets_kind_code", "record_facets", ["kind", "code"])
    op.drop_index("ix_analyses_testimony_current", table_name="analyses")
    op.create_index("ix_analyses_testimony_current", "analyses", ["testimony_id", "is_current"])
    op.drop_index("ix_analyses_date_dashboard", table_name="analyses")
