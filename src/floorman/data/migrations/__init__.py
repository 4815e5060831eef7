"""Alembic migrations for floorman's schema, applied at start."""
