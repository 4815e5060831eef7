"""Has anyone committed since I last looked? `PRAGMA data_version` on one connection.

SQLite bumps a connection's data_version whenever another connection commits, so a
process polling it a few times a second learns of every change (the CLI, a feed, a
terminal) without reading any table.
"""

from __future__ import annotations

from typing import Any

from floorman.data.db import Database


class DataVersionWatch:
    """One connection kept open for polling; `changed()` is cheap (no table read)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._conn: Any = None
        self._version: int | None = None

    def changed(self) -> bool:
        """True when another connection committed since the previous call."""
        if self._conn is None:
            self._conn = self.db.raw_connection()
        cursor = self._conn.cursor()
        cursor.execute("PRAGMA data_version")
        version = int(cursor.fetchone()[0])
        cursor.close()
        changed = self._version is not None and version != self._version
        self._version = version
        return changed

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
