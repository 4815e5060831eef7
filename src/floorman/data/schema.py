"""Bringing a database file to the current schema with Alembic.

The migrations are one line of revisions: the per-panel branches of 0002-0010 merge in
0011, and each later migration revises the one head, so `upgrade head` applies them all
(and fails loudly should a second head appear). After migrating, `PRAGMA user_version`
holds a fingerprint of the migration files, so checking that a database is current costs one
pragma and no Alembic import: `floorman event` is called many times a minute.
"""

from __future__ import annotations

import zlib
from functools import cache
from pathlib import Path

from sqlalchemy import text

from floorman.data.db import Database, DatabaseError

MIGRATIONS = Path(__file__).parent / "migrations"


def _alembic_config():  # type: ignore[no-untyped-def]
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@cache
def known_heads() -> frozenset[str]:
    """The head revisions of the migration scripts: one, since 0011."""
    from alembic.script import ScriptDirectory

    return frozenset(ScriptDirectory.from_config(_alembic_config()).get_heads())


def applied_revisions(db: Database) -> frozenset[str]:
    with db.engine.connect() as conn:
        exists = conn.execute(
            text("SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'")
        ).first()
        if not exists:
            return frozenset()
        return frozenset(
            r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))
        )


@cache
def schema_fingerprint() -> int:
    """A positive 31-bit number that changes whenever a migration file is added."""
    names = sorted(p.name for p in (MIGRATIONS / "versions").glob("[0-9]*.py"))
    return zlib.crc32("\n".join(names).encode()) & 0x7FFFFFFF or 1


def _user_version(db: Database) -> int:
    with db.engine.connect() as conn:
        return int(conn.exec_driver_sql("PRAGMA user_version").scalar() or 0)


def migrate(db: Database) -> bool:
    """Apply pending migrations; return True when something was applied."""
    from alembic import command

    if _user_version(db) == schema_fingerprint() and applied_revisions(db) == known_heads():
        return False
    config = _alembic_config()
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    with db.engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA user_version = {schema_fingerprint()}")
    return True


NO_DATABASE = "{path}: no floorman database here; run `floorman init` first"


def require_current(db: Database) -> None:
    """Refuse to use a database that was never initialised or needs migrating."""
    version = _user_version(db)
    if version == 0:
        raise DatabaseError(NO_DATABASE, path=db.path)
    if version != schema_fingerprint():
        raise DatabaseError("{path}: the schema is out of date; run `floorman init`", path=db.path)
