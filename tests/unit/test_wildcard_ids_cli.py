"""An id prefix made of `%` or `_` never selects a record: exit 2, "no such ...", nothing
written. Every visitors, roll-call and emergency command that takes an id is tried, on a
floor where each kind of record exists (so a wildcard reaching SQL LIKE would match)."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.helpers import floorman as run_floorman


def floorman(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    return run_floorman(*args, db=db, timeout=60)


def ok(*args: str, db: Path) -> str:
    result = floorman(*args, db=db)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("wildcards") / "floor.db"
    ok("init", db=path)
    visitor = ok(
        "visitors",
        "register",
        "--name",
        "Zhang Wei",
        "--org",
        "IT",
        "--category",
        "internal",
        "--purpose",
        "repair",
        "--host",
        "Li Na",
        db=path,
    ).split()[0]
    ok("visitors", "approve", visitor, db=path)
    ok("visitors", "checkin", visitor, db=path)
    ok("visitors", "watch", "add", "--org", "Rival", db=path)
    ok("emergency", "start", "fire", "--drill", db=path)
    return path


def _digest(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()


COMMANDS = [
    (["visitors", "show", "{ref}"], "visitor"),
    (["visitors", "approve", "{ref}"], "visitor"),
    (["visitors", "checkout", "{ref}"], "visitor"),
    (["visitors", "reject", "{ref}", "--reason", "no"], "visitor"),
    (["visitors", "watch", "remove", "{ref}"], "list entry"),
    (["visitors", "rollcall", "show", "--id", "{ref}"], "roll call"),
    (["visitors", "rollcall", "safe", "1", "--id", "{ref}"], "roll call"),
    (["visitors", "rollcall", "close", "--id", "{ref}"], "roll call"),
    (["emergency", "show", "{ref}"], "emergency"),
    (["emergency", "step", "{ref}", "1", "done"], "emergency"),
    (["emergency", "safe", "{ref}", "1"], "emergency"),
    (["emergency", "close", "{ref}"], "emergency"),
    (["emergency", "report", "{ref}", "--markdown"], "emergency"),
]


@pytest.mark.parametrize("ref", ["%%%%", "____"])
@pytest.mark.parametrize(
    ("command", "what"), COMMANDS, ids=lambda c: " ".join(c) if isinstance(c, list) else c
)
def test_wildcard_prefix_is_no_such_record(
    db: Path, ref: str, command: list[str], what: str
) -> None:
    before = _digest(db)
    result = floorman(*[part.format(ref=ref) for part in command], db=db)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == f"floorman: no such {what} '{ref}'"
    assert _digest(db) == before
