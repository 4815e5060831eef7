"""One service per floor database: an exclusive `flock` on a file beside the database.

The kernel drops the lock when the process ends however it ends (SIGTERM, kill -9, a
power cut), so a restart never finds a stale lock; the pid written inside only names
the holder in the refusal message.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from floorman.domain.core.errors import FloorError


class ServiceAlreadyRunning(FloorError):
    """Another `floorman serve` holds this database's lock."""


def lock_path(db_path: Path) -> Path:
    """`floor.db` -> `floor.db.serve.lock`, beside the database."""
    return db_path.with_name(db_path.name + ".serve.lock")


def _holder(fd: int) -> str:
    os.lseek(fd, 0, os.SEEK_SET)
    text = os.read(fd, 64).decode("ascii", "replace").strip()
    return text if text.isdigit() else "unknown"


class ServiceLock:
    """The held lock of the running service; `release()` (or process exit) frees it."""

    def __init__(self, db_path: Path) -> None:
        self.path = lock_path(db_path)
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or raise ServiceAlreadyRunning naming the holder's pid."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = _holder(fd)
            os.close(fd)
            raise ServiceAlreadyRunning(
                "{path}: a floorman service already runs on this database (pid {pid})",
                path=self.path.parent / self.path.name.removesuffix(".serve.lock"),
                pid=pid,
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the flock
            self._fd = None


def running_pid(db_path: Path) -> int | None:
    """The pid of the service running on this database, or None when none runs."""
    path = lock_path(db_path)
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            return int(holder) if holder.isdigit() else -1
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def refuse_if_running(db_path: Path) -> None:
    """Raise ServiceAlreadyRunning at once when a service holds the lock, before a second
    one spends minutes on its start-up check (the lock is taken for good in `start`)."""
    probe = ServiceLock(db_path)
    probe.acquire()
    probe.release()
