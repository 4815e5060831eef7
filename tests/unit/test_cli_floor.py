"""The command-line contract, run as a subprocess against a temporary database."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.helpers import floorman as run_floorman


def floorman(
    *args: str, db: Path | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return run_floorman(*args, db=db, stdin=stdin, timeout=60)


@pytest.fixture(scope="module")
def floor_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("cli")
    db = folder / "floor.db"
    assert floorman("init", db=db).returncode == 0
    (folder / "seats.csv").write_text(
        "seat,zone,type,row,col\nA-01,A,general,0,0\nA-02,A,vip,0,1\nB-01,B,user,0,0\n",
        encoding="utf-8",
    )
    (folder / "agents.csv").write_text(
        "staff_no,name,team\n1001,Li Na,T1\n1002,王芳,T1\n", encoding="utf-8"
    )
    assert floorman("seats", "import", str(folder / "seats.csv"), db=db).returncode == 0
    assert floorman("agents", "import", str(folder / "agents.csv"), db=db).returncode == 0
    return db


def seats(db: Path) -> dict[str, dict]:
    result = floorman("seats", "list", "--json", db=db)
    assert result.returncode == 0, result.stderr
    return {s["seat"]: s for s in json.loads(result.stdout)}


def test_event_and_seats_list_json(floor_db: Path) -> None:
    # After the import: a seat's first event from before it existed is refused.
    at = datetime.now(UTC)
    result = floorman(
        "event",
        "A-01",
        "ready",
        "--agent",
        "1001",
        "--at",
        at.isoformat(),
        "--source",
        "pbx",
        db=floor_db,
    )
    assert (result.returncode, result.stderr) == (0, "")
    listed = seats(floor_db)
    a01 = listed["A-01"]
    assert {k: a01[k] for k in ("seat", "zone", "type", "state", "agent", "reason")} == {
        "seat": "A-01",
        "zone": "A",
        "type": "general",
        "state": "ready",
        "agent": "1001",
        "reason": None,
    }
    assert datetime.fromisoformat(a01["since"]) == at
    assert listed["B-01"]["agent"] is None and listed["B-01"]["state"] == "empty"


def test_away_with_reason(floor_db: Path) -> None:
    assert floorman("event", "A-02", "ready", "--agent", "1002", db=floor_db).returncode == 0
    assert floorman("event", "A-02", "away", "--reason", "toilet", db=floor_db).returncode == 0
    assert seats(floor_db)["A-02"]["reason"] == "toilet"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["event", "Z-9", "ready", "--agent", "1001"], "unknown seat"),
        (["event", "B-01", "ready", "--agent", "777"], "unknown agent"),
        (["event", "B-01", "dancing"], "unknown state"),
        (["event", "B-01", "ready", "--agent", "1001", "--at", "yesterday"], "malformed time"),
        (["event", "B-01", "ready", "--agent", "1001", "--at", "2099-01-01T00:00:00Z"], "future"),
        (["event", "B-01", "ready", "--agent", "1001", "--at", "2999-01-01T00:00:00Z"], "outside"),
        (["event", "B-01", "ready", "--at", "0001-01-01T00:00:00+14:00"], "outside"),
        (["event", "B-01", "ready", "--agent", "1001", "--at", "1970-01-01T00:00:00Z"], "outside"),
        (["event", "B-01"], "required"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(floor_db: Path, args, message) -> None:
    before = seats(floor_db)
    result = floorman(*args, db=floor_db)
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert seats(floor_db) == before


def test_missing_database_is_a_clear_error(tmp_path: Path) -> None:
    result = floorman("event", "A-01", "ready", db=tmp_path / "nothing.db")
    assert result.returncode == 1
    assert "floorman init" in result.stderr


def test_a_path_the_file_system_refuses_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    too_long = tmp_path / ("0" * 300 + ".db")
    for args in (("seats", "list"), ("init",)):
        result = floorman(*args, db=too_long)
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1
        assert "File name too long" in result.stderr
    result = floorman("--config", str(too_long), "seats", "list", db=tmp_path / "x.db")
    assert result.returncode == 2 and "cannot be read" in result.stderr


def test_event_does_not_import_textual(floor_db: Path) -> None:
    code = (
        "import sys; from floorman.__main__ import main; "
        f"rc = main(['--db', {str(floor_db)!r}, 'event', 'B-01', 'fault']); "
        "assert 'textual' not in sys.modules, 'textual imported'; sys.exit(rc)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


def test_import_bad_csv_names_the_line(floor_db: Path, tmp_path: Path) -> None:
    bad = tmp_path / "agents.csv"
    bad.write_text("staff_no,name\n2001,Ok\n2002,\n", encoding="utf-8")
    result = floorman("agents", "import", str(bad), db=floor_db)
    assert result.returncode == 2
    assert "line 3" in result.stderr and "name must not be empty" in result.stderr


def test_init_demo_builds_the_demo_floor(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    result = floorman("init", "--demo", db=db)
    assert result.returncode == 0, result.stderr
    listed = seats(db)
    assert len(listed) >= 120
    assert len({s["zone"] for s in listed.values()}) >= 4


def test_bad_config_names_file_and_key(tmp_path: Path, monkeypatch) -> None:
    config = tmp_path / "config.toml"
    config.write_text('timezone = "Mars/Olympus"\n', encoding="utf-8")
    monkeypatch.setenv("FLOORMAN_CONFIG", str(config))
    result = floorman("init", db=tmp_path / "x.db")
    assert result.returncode == 2
    assert str(config) in result.stderr and "timezone" in result.stderr


def test_imports_count_in_singular_and_plural(tmp_path: Path) -> None:
    db = tmp_path / "floor.db"
    assert floorman("init", db=db).returncode == 0
    (tmp_path / "seats.csv").write_text(
        "seat,zone,type,row,col\nA-01,A,general,0,0\nA-02,A,general,0,1\n", encoding="utf-8"
    )
    (tmp_path / "agents.csv").write_text("staff_no,name\n1001,Li Na\n", encoding="utf-8")
    seats_done = floorman("seats", "import", str(tmp_path / "seats.csv"), db=db)
    agents_done = floorman("agents", "import", str(tmp_path / "agents.csv"), db=db)
    assert seats_done.stdout.strip() == "imported 2 seats"
    assert agents_done.stdout.strip() == "imported 1 agent"
