"""Files floorman writes for people (CSV exports, reports): created safely, once.

An export may hold names and times of agents and visitors, so it is created readable by
its owner only (0600), never through a symbolic link (an attacker's link in a shared
folder would redirect it), and never over an existing file unless the person asked for
that with `--force`; then the new content replaces the old in one rename, so a reader
never sees half a file.

Every exporter writes through here: `new_export` for text (a markdown or JSON report),
`write_csv` for tables; cells and text pass through the output sanitiser
(`text.printable`) like everything floorman prints.
"""

from __future__ import annotations

import contextlib
import csv
import os
import stat
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import TextIO

from floorman.domain.core.errors import FloorError
from floorman.domain.core.text import printable

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


def free_name(path: Path) -> Path:
    """`path`, or the first of name-2.ext, name-3.ext ... that does not exist yet: for an
    export whose name the person did not choose (the reports screen)."""
    candidate, number = path, 1
    while candidate.exists() or candidate.is_symlink():
        number += 1
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
    return candidate


def write_text(path: Path, text: str, *, force: bool = False) -> None:
    """`text` (through the output sanitiser) as a new owner-only file (`new_export`)."""
    with new_export(path, force=force) as handle:
        handle.write(printable(text))


def csv_cell(value: object) -> object:
    """A value as a CSV cell: printable, and text that starts like a formula (= + - @)
    quoted so that a spreadsheet shows it instead of running it."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if not isinstance(value, str):
        return value
    text = printable(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def write_csv(
    path: Path,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    force: bool = False,
    bom: bool = True,
) -> int:
    """A table as a new CSV file (`new_export`; UTF-8 with a BOM so spreadsheet programs
    read Chinese); every cell through `csv_cell`. Returns the rows written."""
    count = 0
    try:
        with new_export(
            path, force=force, encoding="utf-8-sig" if bom else "utf-8", newline=""
        ) as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            for row in rows:
                writer.writerow([csv_cell(cell) for cell in row])
                count += 1
    except OSError as exc:
        raise FloorError(
            "{path}: cannot be written: {strerror_or_exc}",
            path=path,
            strerror_or_exc=exc,
        ) from exc
    return count
