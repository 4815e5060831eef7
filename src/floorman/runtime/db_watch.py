"""Has anyone committed? `PRAGMA data_version` on a connection of its own.

SQLite bumps a connection's `data_version` when *another* connection commits, so one
cheap pragma a few times a second tells a terminal that the CLI, a feed, another
terminal or its own screens wrote something, without reading any table.
"""

from __future__ import annotations

from typing import Any

from floorman.data.db import Database


class DataVersionWatch:
    """Compares `PRAGMA data_version` with the last reading on its own raw connection."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.last_version: int | None = None
        self._conn: Any = None

    def changed(self) -> int | None:
        """The new version when it moved since the last call, else None (first call: None)."""
        if self._conn is None:
            self._conn = self.db.raw_connection()
        cursor = self._conn.cursor()
        try:
            cursor.execute("PRAGMA data_version")
            version = int(cursor.fetchone()[0])
        finally:
            cursor.close()
        moved = self.last_version is not None and version != self.last_version
        self.last_version = version
        return version if moved else None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
