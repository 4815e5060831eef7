"""The migrations are one line of revisions from 0011 on, and old databases still upgrade."""

from __future__ import annotations

import zlib
from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import text

from floorman.data import schema
from floorman.data.db import Database

MERGE = "0011"
OLD_HEADS = ("0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009", "0010")


def scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(schema._alembic_config())


def test_there_is_one_head() -> None:
    assert len(scripts().get_heads()) == 1


def test_the_merge_has_every_old_branch_as_a_parent() -> None:
    merge = scripts().get_revision(MERGE)
    assert merge is not None
    assert set(merge._all_down_revisions) == set(OLD_HEADS)


def test_every_later_migration_revises_exactly_the_one_before() -> None:
    directory = scripts()
    revision = directory.get_revision(directory.get_current_head())
    while revision is not None and revision.revision != MERGE:
        assert isinstance(revision.down_revision, str), (
            f"{revision.revision} must revise one revision, not {revision.down_revision!r}"
        )
        # Alembic hands a branch's labels down to its descendants: read what the file says.
        assert not revision.module.branch_labels, f"{revision.revision} starts a branch"
        assert not revision.dependencies, f"{revision.revision} depends across branches"
        revision = directory.get_revision(revision.down_revision)
    assert revision is not None, "the line from the head does not reach the merge 0011"


def _old_fingerprint() -> int:
    """`PRAGMA user_version` as the code of the old heads wrote it (0001-0010)."""
    names = sorted(
        p.name for p in (schema.MIGRATIONS / "versions").glob("[0-9]*.py") if p.name < "0011"
    )
    return zlib.crc32("\n".join(names).encode()) & 0x7FFFFFFF or 1


def test_a_database_at_the_old_heads_upgrades_and_keeps_its_rows(tmp_path: Path) -> None:
    db = Database(tmp_path / "old.db")
    config = schema._alembic_config()
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        for head in OLD_HEADS:  # as `upgrade heads` left it before the merge
            command.upgrade(config, head)
    with db.engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA user_version = {_old_fingerprint()}")
        conn.execute(
            text("INSERT INTO zone (id, code, name, sort_order) VALUES ('z1', 'A', 'Zone A', 0)")
        )
    assert schema.applied_revisions(db) == frozenset(OLD_HEADS)

    assert schema.migrate(db) is True

    assert schema.applied_revisions(db) == schema.known_heads()
    schema.require_current(db)
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM zone")).scalars().all() == ["Zone A"]
    assert schema.migrate(db) is False
    db.dispose()


def test_a_new_database_is_at_the_one_head(db: Database) -> None:
    assert schema.applied_revisions(db) == schema.known_heads()
    assert len(schema.known_heads()) == 1
