"""The central PostgreSQL that many sites sync to: its connection, tables and migrations.

Separate from the site's SQLite (`data/db.py`, `data/migrations/`): its own Alembic script
location and version table, psycopg 3 as the driver.
"""
