"""The migrations build exactly the schema the models describe, with SQLite's rules on."""

from __future__ import annotations

import os
import stat

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from floorman.data import schema
from floorman.data.db import Database, DatabaseError, sqlite_module
from floorman.data.tables import all_models


def test_migrations_match_models(db: Database) -> None:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False})
        diff = compare_metadata(context, all_models().metadata)
    assert diff == []


def test_pragmas_are_the_storage_rules(db: Database) -> None:
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
        assert conn.execute(text("PRAGMA secure_delete")).scalar() == 1


def test_sqlite_is_free_of_the_wal_reset_bug() -> None:
    version = tuple(int(p) for p in sqlite_module().sqlite_version.split("."))
    assert version >= (3, 51, 3)


def test_an_affected_sqlite_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    import pysqlite3.dbapi2 as module

    monkeypatch.setattr(module, "sqlite_version", "3.40.1")
    with pytest.raises(DatabaseError, match=r"WAL-reset|corrupt"):
        sqlite_module()
    assert sqlite_module(force_old=True) is module


def test_database_file_is_private(db: Database) -> None:
    mode = stat.S_IMODE(os.stat(db.path).st_mode)
    assert mode & 0o077 == 0


def test_migrate_twice_changes_nothing(db: Database) -> None:
    assert schema.migrate(db) is False
    schema.require_current(db)


def test_uninitialised_database_is_refused(tmp_path) -> None:
    empty = Database(tmp_path / "empty.db")
    with pytest.raises(DatabaseError, match="floorman init"):
        schema.require_current(empty)


def test_journal_refuses_update_and_delete(small_floor) -> None:
    with small_floor.db.engine.connect() as conn:
        with pytest.raises(Exception, match="append-only"):
            conn.execute(text("UPDATE journal SET actor = 'mallory'"))
        with pytest.raises(Exception, match="append-only"):
            conn.execute(text("DELETE FROM journal"))
