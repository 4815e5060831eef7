"""Alembic environment: run on the connection floorman hands over, batch mode for SQLite."""

from __future__ import annotations

from alembic import context

from floorman.data.tables import all_models

target_metadata = all_models().metadata
connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=target_metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
