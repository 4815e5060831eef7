"""A damaged database is marked so, and nothing writes to it until it is restored.

Damage a failing disk leaves (an index missing a row, a page overwritten) spreads with
every write made on top of it. So whoever finds it (the start-up check, `floorman check`,
the service's daily check, the check before each backup, a write SQLite refuses as
malformed) leaves `<db>.damaged` beside the file (owner-only, the first problem found),
and `Database.write` refuses every write while it is there: one line, exit 1, nothing
written. `floorman restore` sets the damaged file aside with its mark.

`<db>.checked` is the time of the last full `integrity_check` that found the file sound:
a command opening the floor runs the check again when that is older than `RECHECK_SECONDS`
(so the first command of each hour pays for it, not every `floorman event`).
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

RECHECK_SECONDS = 3600


def damage_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".damaged")


def checked_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".checked")


def _write(path: Path, text: str) -> None:
    """Owner-only, best effort: a full disk must not turn a check into a crash."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)


def mark_damaged(db_path: Path, problems: list[str]) -> None:
    """Remember that the file is damaged (the first problem), so nothing writes to it."""
    first = (problems[0] if problems else "damaged").replace("\n", " ")[:300]
    _write(damage_path(db_path), first + "\n")
    with contextlib.suppress(OSError):
        checked_path(db_path).unlink()


def damage_found(db_path: Path) -> str | None:
    """The problem recorded when the file was found damaged, or None."""
    try:
        return damage_path(db_path).read_text(encoding="utf-8").strip() or "damaged"
    except FileNotFoundError:
        return None
    except OSError:
        return "the damage mark cannot be read"


def record_sound(db_path: Path) -> None:
    """A full integrity check found the file sound now."""
    _write(checked_path(db_path), f"{time.time():.0f}\n")


def check_due(db_path: Path) -> bool:
    """True when no full check found the file sound in the last `RECHECK_SECONDS`."""
    try:
        stamp = float(checked_path(db_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return True
    return not (0 <= time.time() - stamp < RECHECK_SECONDS)
