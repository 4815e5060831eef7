"""The operators CLI as a subprocess: bootstrap, PIN from the environment, refusals.

Uses the real argon2id parameters, so it also shows a login costs well under a second.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.helpers import floorman as run_floorman

BOSS_PIN = "739184265031"
DM_PIN = "582046"


def floorman(db: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # No PIN from this process's environment and no terminal: only what the test gives.
    inherited_pins: dict[str, str | None] = {
        k: None for k in os.environ if k.startswith("FLOORMAN_PIN")
    }
    return run_floorman(*args, db=db, env={**inherited_pins, **env}, stdin="")


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    return result.stderr


@pytest.fixture(scope="module")
def closed_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database whose first director `boss` was bootstrapped and who added dm1."""
    db = tmp_path_factory.mktemp("ops") / "floor.db"
    assert floorman(db, "init").returncode == 0
    # An open floor: listing needs no login.
    listing = floorman(db, "operators", "list", "--json")
    assert listing.returncode == 0 and json.loads(listing.stdout) == []
    first = floorman(
        db, "operators", "add", "boss", "--role", "duty_manager", FLOORMAN_NEW_PIN=BOSS_PIN
    )
    assert "first operator must be a director" in one_line_error(first)
    boot = floorman(
        db,
        "--operator",
        "root",
        "operators",
        "add",
        "boss",
        "--role",
        "director",
        FLOORMAN_NEW_PIN=BOSS_PIN,
    )
    assert boot.returncode == 0, boot.stderr
    assert "operator boss added as director" in boot.stdout
    added = floorman(
        db,
        "--operator",
        "boss",
        "operators",
        "add",
        "dm1",
        "--role",
        "duty_manager",
        FLOORMAN_PIN=BOSS_PIN,
        FLOORMAN_NEW_PIN=DM_PIN,
    )
    assert added.returncode == 0, added.stderr
    return db


def test_a_closed_floor_needs_a_pin(closed_db: Path) -> None:
    no_pin = floorman(closed_db, "--operator", "boss", "operators", "list")
    assert "set FLOORMAN_PIN or run in a terminal" in one_line_error(no_pin)
    wrong = floorman(closed_db, "--operator", "boss", "operators", "list", FLOORMAN_PIN="1111")
    assert "wrong PIN for 'boss' (4 tries left)" in one_line_error(wrong)
    assert "1111" not in wrong.stderr
    good = floorman(
        closed_db, "--operator", "boss", "operators", "list", "--json", FLOORMAN_PIN=BOSS_PIN
    )
    assert good.returncode == 0, good.stderr
    rows = {r["name"]: r for r in json.loads(good.stdout)}
    assert rows["boss"]["role"] == "director" and rows["dm1"]["role"] == "duty_manager"
    assert rows["boss"]["failed_attempts"] == 0  # the right PIN reset the count
    assert "pin" not in json.dumps(rows).replace("pin_", "").lower()


def test_a_duty_manager_cannot_manage_operators(closed_db: Path) -> None:
    refused = floorman(
        closed_db, "--operator", "dm1", "operators", "disable", "boss", FLOORMAN_PIN=DM_PIN
    )
    error = one_line_error(refused)
    assert "operator dm1 (duty manager) may not manage operators (operators.manage)" in error
    reset = floorman(
        closed_db,
        "--operator",
        "dm1",
        "operators",
        "reset-pin",
        "boss",
        FLOORMAN_PIN=DM_PIN,
        FLOORMAN_NEW_PIN="0000",
    )
    assert "may not manage operators" in one_line_error(reset)


def test_journal_needs_a_login_and_names_the_authors(closed_db: Path) -> None:
    refused = floorman(closed_db, "journal", "--json")
    assert "FLOORMAN_PIN" in one_line_error(refused)
    # A wrong PIN is refused and journaled (this test's own, not left by another test).
    wrong = floorman(closed_db, "--operator", "dm1", "journal", "--json", FLOORMAN_PIN="000000")
    assert wrong.returncode == 2 and wrong.stdout == ""
    result = floorman(closed_db, "--operator", "dm1", "journal", "--json", FLOORMAN_PIN=DM_PIN)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    adds = [(r["actor"], r["subject"]) for r in rows if r["action"] == "operators.add"]
    assert adds == [("root", "operator:boss"), ("boss", "operator:dm1")]
    assert any(r["action"] == "operators.login_failed" for r in rows)


def test_agent_state_events_need_no_login(closed_db: Path, tmp_path: Path) -> None:
    seats = tmp_path / "seats.csv"
    seats.write_text("seat,zone,type,row,col\nA-01,A,general,0,0\n", encoding="utf-8")
    # Importing seats needs a supervisor or the director, logged in ...
    by_dm = floorman(
        closed_db, "--operator", "dm1", "seats", "import", str(seats), FLOORMAN_PIN=DM_PIN
    )
    assert "may not" in one_line_error(by_dm)
    by_boss = floorman(
        closed_db, "--operator", "boss", "seats", "import", str(seats), FLOORMAN_PIN=BOSS_PIN
    )
    assert by_boss.returncode == 0, by_boss.stderr
    # ... while a phone system records agent states without one.
    event = floorman(closed_db, "event", "A-01", "fault", "--source", "pbx")
    assert event.returncode == 0, event.stderr


def test_no_pin_in_the_database_files(closed_db: Path) -> None:
    assert floorman(closed_db, "check").returncode == 0
    for suffix in ("", "-wal", "-shm"):
        path = Path(f"{closed_db}{suffix}")
        if not path.exists():
            continue
        data = path.read_bytes()
        for pin in (BOSS_PIN, DM_PIN):
            assert pin.encode() not in data, path
            assert pin.encode("utf-16-le") not in data, path


def test_hostile_text_through_the_cli(closed_db: Path) -> None:
    """A name with escape sequences is refused like any id (exit 2, one clean line,
    nothing written); what is printed never carries a control character."""
    hostile = "\x1b[2J\x1b]0;owned\x07ev\x9b31mil\x1bPq#0\x1b\\\x85\u202e"
    for name in (hostile, "\x1b[31m\x07"):
        added = floorman(
            closed_db,
            "--operator",
            "boss",
            "operators",
            "add",
            name,
            "--role",
            "viewer",
            FLOORMAN_PIN=BOSS_PIN,
            FLOORMAN_NEW_PIN="4321",
        )
        assert added.returncode == 2
        assert "control characters" in one_line_error(added)
        shown = added.stderr
        assert not any((ord(ch) < 32 and ch != "\n") or 0x7F <= ord(ch) < 0xA0 for ch in shown)
    listing = floorman(closed_db, "--operator", "boss", "operators", "list", FLOORMAN_PIN=BOSS_PIN)
    assert listing.returncode == 0, listing.stderr
    assert "evil" not in listing.stdout
