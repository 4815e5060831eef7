"""The SQLite engine and its storage rules.

- SQLite from the `pysqlite3` wheel: Python's bundled 3.40 has the WAL-reset bug that can
  corrupt a WAL database written by several connections (fixed in 3.51.3).
- WAL, synchronous=FULL (a committed row survives a power cut), foreign keys, a busy
  timeout, secure_delete (purged personal data is overwritten, not left in free pages).
- Writes open with BEGIN IMMEDIATE, so a read-then-write transaction waits for the lock
  instead of failing with "database is locked" when another terminal wrote in between.
- Files are created readable and writable by their owner only.
"""

from __future__ import annotations

import os
import sqlite3
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DatabaseError as DriverError
from sqlmodel import Session

from floorman.data import damage
from floorman.translated import Phrase, TranslatedError

MIN_SQLITE = (3, 51, 3)
BUSY_TIMEOUT_MS = 10_000


class DatabaseError(TranslatedError, RuntimeError):
    """The database cannot be used as it is; the message says why and what to do (a
    message id and values, said in the language it is shown in)."""


DAMAGED = (
    "{path}: the database file is damaged ({found}); nothing was written: run "
    "`floorman check`, then `floorman restore` the newest good backup"
)


def damaged_refusal(path: Path) -> DatabaseError | None:
    """The one refusal a write on a file marked damaged gets, or None when it is not."""
    found = damage.damage_found(path)
    return None if found is None else DatabaseError(DAMAGED, path=path, found=found)


def sqlite_module(force_old: bool = False) -> Any:
    """The DB-API module to use: pysqlite3 when installed, refusing an affected SQLite."""
    try:
        import pysqlite3.dbapi2 as module  # type: ignore[import-not-found]
    except ImportError:
        module = sqlite3
    version = tuple(int(p) for p in module.sqlite_version.split("."))
    if version < MIN_SQLITE and not force_old:
        raise DatabaseError(
            "SQLite {version} can corrupt a WAL database shared by several terminals (fixed "
            "in {fixed}); install the pysqlite3 wheel, or pass --force-old-sqlite if only "
            "one terminal uses this database",
            version=module.sqlite_version,
            fixed=".".join(map(str, MIN_SQLITE)),
        )
    return module


def _create_private(path: Path) -> None:
    """Create the database file 0600 before SQLite does (its -wal/-shm copy the mode)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)


class Database:
    """One SQLite file: a pooled engine for sessions, writes opened IMMEDIATE."""

    def __init__(self, path: Path | str, *, force_old_sqlite: bool = False) -> None:
        self.path = Path(path)
        module = sqlite_module(force_old_sqlite)
        _create_private(self.path)
        self.engine: Engine = create_engine(
            f"sqlite:///{self.path}",
            module=module,
            connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
        )
        self._write_engine = self.engine.execution_options(floorman_write=True)
        event.listen(self.engine, "connect", _on_connect)
        event.listen(self.engine, "begin", _on_begin)
        OPENED.add(self)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose transaction starts with BEGIN IMMEDIATE and commits on exit.

        A write the disk or another terminal refuses (read-only, busy, full, I/O error)
        rolls back and raises DatabaseError saying so: nothing is half written.
        """
        marked = damaged_refusal(self.path)
        if marked is not None:  # found damaged before: writing on it spreads the damage
            raise marked
        try:
            with Session(self._write_engine, expire_on_commit=False) as session, session.begin():
                yield session
        except DriverError as exc:  # OperationalError, and a damaged file's errors
            reason = refused_write_reason(exc, self.path)
            if reason is None:
                raise
            if reason.startswith("the database file is damaged"):
                damage.mark_damaged(self.path, [str(getattr(exc, "orig", exc))])
            # A connection opened while the disk was read-only stays read-only: drop the
            # pooled ones so the next write, once the cause is gone, opens afresh.
            self.engine.dispose()
            raise DatabaseError("{path}: {reason}", path=self.path, reason=Phrase(reason)) from exc

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; its snapshot is consistent until it closes."""
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def raw_connection(self) -> Any:
        """A plain DB-API connection (for `PRAGMA data_version` polling and backups)."""
        return self.engine.raw_connection()

    def integrity(self, quick: bool = True) -> list[str]:
        """Run quick_check (or integrity_check); an empty list means the file is sound.

        Damage found marks the file (`damage`), so nothing writes to it afterwards."""
        pragma = "quick_check" if quick else "integrity_check"
        with self.engine.connect() as conn:
            rows = [r[0] for r in conn.execute(text(f"PRAGMA {pragma}"))]
        if rows != ["ok"]:
            damage.mark_damaged(self.path, rows)
            return rows
        if not quick:
            damage.record_sound(self.path)
        return []

    def checkpoint(self) -> bool:
        """Fold the -wal into the file and truncate it (`wal_checkpoint(TRUNCATE)`), so
        pages holding purged data do not stay in the -wal. False when a reader of another
        terminal kept it from finishing (the next purge or checkpoint finishes it)."""
        try:
            with self.engine.connect() as conn:
                busy = conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)")).one()[0]
        except DriverError:
            return False
        return not busy

    def dispose(self) -> None:
        self.engine.dispose()


# Every Database this interpreter opened and still holds. A command line run inside
# another program (a test, through the entry point) closes the ones it opened when it
# ends, as a process's exit would; a weak set, so holding none keeps none alive.
OPENED: weakref.WeakSet[Database] = weakref.WeakSet()


_REFUSALS = (
    (
        ("locked", "busy"),
        "database is busy: another terminal held the lock for too long; "
        "nothing was written, try again",
    ),
    (
        ("readonly", "read-only"),
        "database is read-only (check the permissions of the file "
        "and its folder, and the disk); nothing was written",
    ),
    (
        ("disk is full", "database or disk is full"),
        "disk is full; nothing was written, free some space",
    ),
    (("disk i/o error",), "disk I/O error; nothing was written, check the disk"),
    (("unable to open",), "the database file cannot be opened for writing; nothing was written"),
    (
        ("malformed", "not a database", "corrupt"),
        "the database file is damaged; nothing was written: run `floorman check`, then "
        "`floorman restore` the newest good backup",
    ),
)


def refused_write_reason(exc: BaseException, path: Path | None = None) -> str | None:
    """A clear message for a write SQLite refused because of the disk or a lock, else None.

    The message is an id (English; its Chinese in locales/zh_CN/errors.toml): say it with
    `t()`, or put it into an error as a `translated.Phrase`."""
    detail = str(getattr(exc, "orig", exc)).lower()
    if path is not None and "unable to open" in detail and _read_only(path):
        detail = "readonly"
    for needles, message in _REFUSALS:
        if any(needle in detail for needle in needles):
            return message
    return None


def _read_only(path: Path) -> bool:
    """The file or its folder cannot be written (permissions or a read-only mount)."""
    try:
        if os.statvfs(path.parent).f_flag & os.ST_RDONLY:
            return True
    except OSError:
        return False
    return not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK))


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Driver autocommit: SQLAlchemy's "begin" hook below then decides how a transaction
    # starts (the pysqlite dialect's documented recipe for proper transactions).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA secure_delete = ON")
    cursor.close()


def _on_begin(conn: Any) -> None:
    if conn.get_execution_options().get("floorman_write"):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")
