"""Alembic environment: migrations run on the connection ecoute hands over."""

from alembic import context

from ecoute.store.db import schema_filter
from ecoute.store.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection, target_metadata=Base.metadata, render_as_batch=True, include_object=schema_filter(connection.dialect.name)
)
with context.begin_transaction():
    context.run_migrations()
