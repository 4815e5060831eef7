"""Bringing the central PostgreSQL to the current schema (Alembic, its own version table)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, text

MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "floorman_central_version"


def _alembic_config():  # type: ignore[no-untyped-def]
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def migrate(engine: Engine) -> None:
    """Apply pending central migrations (as the owner of the central database)."""
    from alembic import command

    config = _alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "heads")


def heads() -> frozenset[str]:
    from alembic.script import ScriptDirectory

    return frozenset(ScriptDirectory.from_config(_alembic_config()).get_heads())


def applied(engine: Engine) -> frozenset[str]:
    with engine.connect() as conn:
        exists = conn.execute(text("SELECT to_regclass(:t)"), {"t": VERSION_TABLE}).scalar()
        if exists is None:
            return frozenset()
        return frozenset(
            r[0] for r in conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))
        )
