"""Alembic scripts of the central PostgreSQL."""
