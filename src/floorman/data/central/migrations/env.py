"""Alembic environment of the central PostgreSQL: its own script location and version table."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, version_table="floorman_central_version")
with context.begin_transaction():
    context.run_migrations()
