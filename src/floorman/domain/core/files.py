"""Files floorman writes for people (CSV exports, reports): created safely, once.

An export may hold names and times of agents and visitors, so it is created readable by
its owner only (0600), never through a symbolic link (an attacker's link in a shared
folder would redirect it), and never over an existing file unless the person asked for
that with `--force`; then the new content replaces the old in one rename, so a reader
never sees half a file.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from floorman.domain.core.errors import FloorError

_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)


def _refuse_link(path: Path) -> None:
    try:
        info = path.lstat()
    except FileNotFoundError:
        return
    if stat.S_ISLNK(info.st_mode):
        raise FloorError(
            "{path}: is a symbolic link; floorman does not write through links",
            path=path,
        )
    if not stat.S_ISREG(info.st_mode):
        raise FloorError("{path}: is not a regular file", path=path)


@contextlib.contextmanager
def new_export(
    path: Path, *, force: bool = False, encoding: str = "utf-8", newline: str | None = None
) -> Iterator[TextIO]:
    """A text file at `path`, created owner-only; refuses an existing file unless `force`.

    On any error inside the block nothing is left at `path` (a new file is removed; with
    `force` the old file stays as it was)."""
    _refuse_link(path)
    if path.exists() and not force:
        raise FloorError(
            "{path}: already exists (choose another name, or --force to replace it)",
            path=path,
        )
    target = path if not force else path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        fd = os.open(target, _NEW_FILE, 0o600)
    except FileExistsError:
        raise FloorError("{target}: already exists (choose another name)", target=target) from None
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline=newline) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        if force:
            _refuse_link(path)
            os.replace(target, path)
    except BaseException:
        with contextlib.suppress(OSError):
            target.unlink()
        raise
