"""Backups of the floor's database, the start-up check, and restoring a backup.

A backup is `VACUUM INTO` a new file: a consistent, compact, single-file copy taken while
other terminals keep writing (it reads one snapshot). The copy is written under a
temporary name, checked, flushed to disk and only then renamed to its final name, so a
power cut during a backup never leaves a half file that looks like a good one. Files are
created 0600: they hold the same personal data as the database.

What needs the floor (its clock, config and actor) lives in `domain/backups.py`: this
module only stores. Scheduled backups are hourly and daily; each kind keeps the newest N files
(`[backup] hourly_keep`, `daily_keep`; 0 turns that kind off). Whether one is due is
decided from the clock and the files already there, never from a counter in memory, so a
restart or a clock correction neither skips nor repeats one.

Restoring checks the backup's integrity first, keeps the current database (with its
-wal, which may hold committed rows) aside as `<name>.before-restore-<timestamp>`, and
refuses to overwrite any existing file.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from floorman.data import damage
from floorman.data.db import Database, DatabaseError, refused_write_reason, sqlite_module
from floorman.data.driver_errors import driver_error_said
from floorman.data.journal_key import HeadAnchor, head_path, key_path, load_key, write_head
from floorman.translated import Finding

KINDS = ("hourly", "daily", "manual")
_STAMP = "%Y%m%dT%H%M%SZ"
_NAME = re.compile(r"^(?P<stem>.+)-(?P<kind>hourly|daily|manual)-(?P<stamp>\d{8}T\d{6}Z)\.db$")


class BackupRefused(DatabaseError):
    """A backup or restore refused before anything was changed (bad file, name taken...)."""


EXISTS = "{path}: already exists; not overwriting it"
ITSELF = "{path}: that is the database itself"


@dataclass(frozen=True)
class BackupFile:
    """One backup file in the backup folder: its kind and when (UTC) it was taken."""

    path: Path
    kind: str
    taken_at: datetime


# ---------------------------------------------------------------- where backups live


def backup_dir(db_path: Path, directory: str = "") -> Path:
    """The configured folder, else `backups/` next to the database."""
    if directory:
        return Path(directory).expanduser()
    return db_path.parent / "backups"


def backup_name(db_path: Path, kind: str, taken_at: datetime) -> str:
    return f"{db_path.stem}-{kind}-{taken_at.astimezone(UTC).strftime(_STAMP)}.db"


def list_backups(directory: Path, kind: str | None = None) -> list[BackupFile]:
    """The backups floorman wrote in `directory`, newest first."""
    if not directory.is_dir():
        return []
    found = []
    for path in directory.iterdir():
        match = _NAME.match(path.name)
        if not match or not path.is_file() or (kind and match["kind"] != kind):
            continue
        taken = datetime.strptime(match["stamp"], _STAMP).replace(tzinfo=UTC)
        found.append(BackupFile(path, match["kind"], taken))
    return sorted(found, key=lambda b: (b.taken_at, b.path.name), reverse=True)


# ---------------------------------------------------------------- taking a backup


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def file_problems(path: Path, *, quick: bool = False) -> list[str | Finding]:
    """Integrity problems of a standalone database file (empty list: it is sound).

    The file is opened read-only and never changed; a file that is not a database at all
    is reported as a problem rather than raised.
    """
    if not path.is_file():
        return [Finding("{path}: no such file", path=str(path))]
    module = sqlite_module(force_old=True)
    pragma = "quick_check" if quick else "integrity_check"
    try:
        conn = module.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    except module.Error as exc:
        return [
            Finding(
                "{path}: cannot be opened: {error}", path=str(path), error=driver_error_said(exc)
            )
        ]
    try:
        rows = [r[0] for r in conn.execute(f"PRAGMA {pragma}").fetchall()]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except module.Error as exc:
        if "file is not a database" in str(exc):  # a file, but not (or no longer) SQLite's
            return [
                Finding(
                    "{path}: not a database file (damaged, or another kind of file)", path=str(path)
                )
            ]
        return [Finding("{path}: {error}", path=str(path), error=driver_error_said(exc))]
    finally:
        conn.close()
    if rows != ["ok"]:
        return [str(r) for r in rows]  # SQLite's own words: what is damaged, and where
    if not {"seat", "journal"} <= tables:
        return [
            Finding("{path}: not a floorman database (no seat or journal table)", path=str(path))
        ]
    return []


def journal_head_of(path: Path, seq: int | None = None) -> tuple[int, str] | None:
    """(seq, hash) of a backup's last journal row (or of row `seq`), read-only; None when
    it has none or cannot be read. Each backup so anchors the journal's head as it was."""
    module = sqlite_module(force_old=True)
    query = "SELECT seq, hash FROM journal " + (
        "WHERE seq = ?" if seq is not None else "ORDER BY seq DESC LIMIT 1"
    )
    try:
        conn = module.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    except module.Error:
        return None
    try:
        row = conn.execute(query, (seq,) if seq is not None else ()).fetchone()
    except module.Error:
        return None
    finally:
        conn.close()
    return (int(row[0]), str(row[1])) if row else None


def backup_to(db: Database, target: Path, now: datetime | None = None) -> Path:
    """Copy the database into `target` (a new file, or a folder to put one in).

    A folder gets a file named from `now` (the floor's clock). Refuses to overwrite an
    existing file. Returns the path written.
    """
    target = target.expanduser()
    if target.is_dir():
        if now is None:
            raise ValueError("backing up into a folder needs the time for the file name")
        target = target / backup_name(db.path, "manual", now)
    if target.exists():
        raise BackupRefused(EXISTS, path=target)
    if target.resolve() == db.path.resolve():
        raise BackupRefused(ITSELF, path=target)
    partial = target.with_name(f".{target.name}.partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        partial.unlink(missing_ok=True)  # left by a backup cut short; never a finished one
        fd = os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
    except OSError as exc:
        raise BackupRefused(
            "{path}: cannot write a backup there: {problem}", path=target.parent, problem=exc
        ) from exc
    try:
        # A damaged file is not copied: VACUUM INTO would rebuild a sound-looking copy of
        # what is left, and rotation would then push the good backups out.
        damaged = db.integrity(quick=False)
        if damaged:
            raise BackupRefused(
                "{path}: damaged, no backup taken: {found}", path=db.path, found=damaged[0]
            )
        _vacuum_into(db, partial)
        problems = file_problems(partial, quick=True)
        if problems:
            raise DatabaseError("backup check failed: {found}", found=problems[0])
        _fsync_file(partial)
        if target.exists():  # appeared while we copied
            raise BackupRefused(EXISTS, path=target)
        os.replace(partial, target)
        _fsync_dir(target.parent)
    finally:
        partial.unlink(missing_ok=True)
    _keep_key_apart(db.path, target.parent)
    return target


def _keep_key_apart(db_path: Path, directory: Path) -> None:
    """A copy of the journal key in the backup folder: a lost disk must not take the only
    key with it (without it, no backup's journal can be verified)."""
    key = key_path(db_path)
    copy = directory / key.name
    if key.exists() and (not copy.exists() or copy.read_bytes() != key.read_bytes()):
        copy_private(key, copy)


def _vacuum_into(db: Database, partial: Path) -> None:
    connection: Any = db.raw_connection()
    try:
        connection.execute("VACUUM INTO ?", (str(partial),))
    except Exception as exc:  # the driver's OperationalError: disk full, I/O error...
        raise DatabaseError(
            "backup to {path} failed: {problem}", path=partial.parent, problem=exc
        ) from exc
    finally:
        connection.close()


def copy_private(source: Path, target: Path) -> None:
    if target.exists():
        raise BackupRefused(EXISTS, path=target)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    try:
        shutil.copyfile(source, partial)
        _fsync_file(partial)
        os.replace(partial, target)
        _fsync_dir(target.parent)
    finally:
        partial.unlink(missing_ok=True)


def rotate(directory: Path, kind: str, keep: int) -> list[Path]:
    """Remove all but the newest `keep` backups of `kind`; return what was removed."""
    removed = []
    for old in list_backups(directory, kind)[keep:]:
        old.path.unlink(missing_ok=True)
        removed.append(old.path)
    return removed


# ---------------------------------------------------------------- start-up and restore


# Up to this size the full integrity_check runs before the floor opens (about a second
# here for 256 MiB); quick_check misses damage such as a missing index row, which then
# spreads with every write. Larger files get quick_check at start and the full check
# from `floorman check`, the service's daily check and before each backup.
FULL_CHECK_MAX_BYTES = 256 * 1024 * 1024


def startup_check(db: Database) -> list[str]:
    """Integrity of the open database before the floor opens: empty means it is sound.

    `integrity_check` when the file is small enough to check in a few seconds, else
    `quick_check`. A file too damaged to be read at all gives one line saying so.
    """
    try:
        size = db.path.stat().st_size
    except OSError:
        size = 0
    try:
        return db.integrity(quick=size > FULL_CHECK_MAX_BYTES)
    except Exception as exc:  # sqlalchemy DatabaseError: "file is not a database", ...
        detail = getattr(exc, "orig", None) or exc
        if refused_write_reason(exc) == refused_write_reason(Exception("malformed")):
            damage.mark_damaged(db.path, [str(detail)])
        return [f"{db.path}: {detail}"]


def newest_good_backup(directory: Path) -> Path | None:
    """The newest backup in `directory` that passes an integrity check, if any."""
    for candidate in list_backups(directory):
        if not file_problems(candidate.path, quick=True):
            return candidate.path
    return None


@dataclass(frozen=True)
class RestoreResult:
    """What a restore did: the file restored and where the old database was put."""

    restored_from: Path
    database: Path
    kept_aside: Path | None


def _sidecars(path: Path) -> tuple[Path, Path]:
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def in_use_elsewhere(path: Path) -> bool:
    """True when another process has the database open.

    Every SQLite connection to a WAL database holds a shared lock on byte 128 of the
    -shm file (the "dead-man switch") for as long as it is open, idle or not; trying an
    exclusive lock on that byte tells whether any other process has it open. Locks held
    by this process do not count (POSIX locks are per process).
    """
    _, shm = _sidecars(path)
    try:
        fd = os.open(shm, os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, 128)
    except OSError:
        return True
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN, 1, 128)
        return False
    finally:
        os.close(fd)


def _checkpoint(path: Path) -> None:
    """Fold the -wal into the main file; refuse when another terminal has it open."""
    module = sqlite_module(force_old=True)
    try:
        conn = module.connect(str(path), timeout=2)
    except module.Error:
        return  # too damaged to open: the -wal is kept aside with it as it is
    try:
        conn.isolation_level = None
        row = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if row and row[0] == 1:
            raise BackupRefused(
                "{path}: database is in use by another terminal; close floorman "
                "everywhere before restoring",
                path=path,
            )
    except module.Error:
        return
    finally:
        conn.close()


def restore(db_path: Path, backup: Path, now: datetime) -> RestoreResult:
    """Replace the database at `db_path` with `backup`, keeping the current one aside.

    The backup must pass `PRAGMA integrity_check` and be a floorman database. Nothing is
    overwritten: the old database moves to `<name>.before-restore-<timestamp>` (its -wal
    alongside it, when it still holds rows), and a stale -shm is removed only after that.
    The caller migrates the restored file to the current schema.
    """
    db_path, backup = db_path.expanduser(), backup.expanduser()
    if not backup.is_file():
        raise BackupRefused("{path}: no such backup file", path=backup)
    if db_path.exists() and backup.resolve() == db_path.resolve():
        raise BackupRefused(ITSELF, path=backup)
    problems = file_problems(backup, quick=False)
    if problems:
        raise BackupRefused(
            "{path}: refused, it fails the integrity check: {found}",
            path=backup,
            found=problems[0],
        )
    wal, shm = _sidecars(db_path)
    aside: Path | None = None
    if db_path.exists():
        if in_use_elsewhere(db_path):
            raise BackupRefused(
                "{path}: the database is open in another floorman (a terminal or a "
                "script); close it everywhere before restoring",
                path=db_path,
            )
        _checkpoint(db_path)
        aside = db_path.with_name(
            f"{db_path.name}.before-restore-{now.astimezone(UTC).strftime(_STAMP)}"
        )
        aside_wal, _ = _sidecars(aside)
        if aside.exists() or aside_wal.exists():
            raise BackupRefused(EXISTS, path=aside)
        os.rename(db_path, aside)
        # The damage mark goes with its file; the restored one is checked afresh.
        damage.checked_path(db_path).unlink(missing_ok=True)
        if damage.damage_path(db_path).exists():
            os.rename(damage.damage_path(db_path), damage.damage_path(aside))
        # The anchored head belongs to the database set aside; the restored one is
        # anchored again by its first commit (the journaled restore itself).
        if head_path(db_path).exists():
            os.rename(head_path(db_path), head_path(aside))
        if wal.exists():
            if wal.stat().st_size > 0:
                os.rename(wal, aside_wal)  # committed rows not yet folded in: keep them
            else:
                wal.unlink()
    elif wal.exists() and wal.stat().st_size > 0:
        raise BackupRefused(
            "{path}: a write-ahead log without its database; move it away before restoring",
            path=wal,
        )
    else:
        wal.unlink(missing_ok=True)
    # The -shm is an index of the -wal, rebuilt on open; a stale one must not meet a new file.
    shm.unlink(missing_ok=True)
    db_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    kept_key = backup.parent / key_path(db_path).name
    if not key_path(db_path).exists() and kept_key.exists():
        copy_private(kept_key, key_path(db_path))
    try:
        copy_private(backup, db_path)
    except OSError as exc:  # disk full while copying: put the old database back
        if aside is not None:
            os.rename(aside, db_path)
            for sidecar in (head_path, damage.damage_path):
                if sidecar(aside).exists():
                    os.rename(sidecar(aside), sidecar(db_path))
            aside_wal, _ = _sidecars(aside)
            if aside_wal.exists():
                os.rename(aside_wal, wal)
        raise DatabaseError(
            "{path}: restore failed ({problem}); the database is unchanged",
            path=db_path,
            problem=exc,
        ) from exc
    _anchor_restored(db_path)
    return RestoreResult(restored_from=backup, database=db_path, kept_aside=aside)


def _anchor_restored(db_path: Path) -> None:
    """The restored file's journal head becomes the anchored one (its key signs it)."""
    try:
        key = load_key(db_path)
    except ValueError:
        return  # a damaged key file: `floorman check` says so
    head = journal_head_of(db_path)
    if key is not None and head is not None:
        write_head(db_path, key, HeadAnchor(*head))
