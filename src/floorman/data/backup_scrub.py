"""The retention purge reaches the backups: purged visitors are cleared in each one too.

A backup is a whole copy of the database, so without this a visitor purged today would
live on in every backup taken before. Each backup file is opened in place and the same
fields the purge clears are cleared in it (secure_delete on, so the old text is zeroed in
its page, not left in free space); the rollback journal of that small write is removed by
SQLite when it commits. The backup's journal is not touched: its anchor stays valid.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from floorman.data.db import sqlite_module


def scrub_visitors(path: Path, visitor_ids: Sequence[str], purged: str, at: str) -> bool:
    """Clear the personal data of `visitor_ids` inside the backup at `path`.

    Returns False when the file could not be changed (then the caller removes it)."""
    if not visitor_ids:
        return True
    module = sqlite_module(force_old=True)
    marks = ",".join("?" * len(visitor_ids))
    subjects = [f"visitor:{i}" for i in visitor_ids]
    try:
        conn = module.connect(str(path), timeout=5)
    except module.Error:
        return False
    try:
        conn.isolation_level = None
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "UPDATE visitor SET name = ?, purpose = ?, phone = NULL, id_hash = NULL, "
            f"id_last4 = NULL, purged_at = COALESCE(purged_at, ?) WHERE id IN ({marks})",
            (purged, purged, at, *visitor_ids),
        )
        conn.execute(
            f"UPDATE alert SET message = ? WHERE subject IN ({marks})", (purged, *subjects)
        )
        conn.execute(
            f"UPDATE roll_call_entry SET name = NULL, place = NULL WHERE visitor_id IN ({marks})",
            tuple(visitor_ids),
        )
        conn.execute("COMMIT")
    except module.Error:
        return False
    finally:
        conn.close()
    return True
