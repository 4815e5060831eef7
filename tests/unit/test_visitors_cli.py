"""`floorman visitors ...` as scripts use it: masked output, exit 2 on refusals."""

from __future__ import annotations

import csv
import json
import subprocess
from pathlib import Path

import pytest

from tests.helpers import floorman as run_floorman

ID_NUMBER = "110101199003074321"


def floorman(
    *args: str, db: Path, stdin: str | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    return run_floorman(*args, db=db, stdin=stdin, env=dict(env), timeout=60)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("visitors-cli") / "floor.db"
    assert floorman("init", db=path).returncode == 0
    return path


def ok(*args: str, db: Path, stdin: str | None = None) -> str:
    result = floorman(*args, db=db, stdin=stdin)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_internal_visit_from_register_to_checkout(db: Path, tmp_path: Path) -> None:
    out = ok(
        "visitors",
        "register",
        "--name",
        "Zhang Wei",
        "--org",
        "Billing",
        "--category",
        "internal",
        "--purpose",
        "audit",
        "--host",
        "Li Na",
        "--phone",
        "13812345678",
        "--id-number",
        "-",
        "--badge",
        "V-01",
        "--minutes",
        "45",
        "--json",
        db=db,
        stdin=ID_NUMBER + "\n",
    )
    registered = json.loads(out)
    assert registered["state"] == "pending"
    assert registered["phone"] == "*******5678" and registered["id_number"] == "****4321"
    ok("visitors", "approve", "V-01", db=db)
    checked_in = json.loads(ok("visitors", "checkin", "V-01", "--json", db=db))
    assert checked_in["state"] == "on_floor"

    on_floor = json.loads(ok("visitors", "list", "--on-floor", "--json", db=db))
    assert [v["id"] for v in on_floor] == [registered["id"]]
    text = json.dumps(on_floor)
    assert "13812345678" not in text and ID_NUMBER not in text

    export = tmp_path / "visitors.csv"
    ok("visitors", "export", "--csv", str(export), db=db)
    (row,) = list(csv.DictReader(export.open(encoding="utf-8")))
    assert row["phone"] == "*******5678" and row["id_number"] == "****4321"

    early = floorman("visitors", "checkout", "V-01", "--at", "2000-01-01T00:00:00Z", db=db)
    assert early.returncode == 2
    assert early.stderr.strip().startswith("floorman: the check-out time is before the check-in")
    ok("visitors", "checkout", registered["id"][:8], db=db)
    assert json.loads(ok("visitors", "list", "--on-floor", "--json", db=db)) == []


def test_external_approval_on_an_open_floor_is_not_checked(db: Path) -> None:
    # No operators: the floor is open (operators.require) and runs as a single user.
    # The refusal on a closed floor: test_logged_in_director_approves_an_external_visitor.
    out = ok(
        "visitors",
        "register",
        "--name",
        "John Smith",
        "--org",
        "Acme",
        "--category",
        "external",
        "--purpose",
        "sales",
        "--host",
        "Li Na",
        "--escort",
        "Wang Fang",
        db=db,
    )
    visitor_id = out.split()[0]
    ok("visitors", "approve", visitor_id, db=db)
    shown = json.loads(ok("visitors", "show", visitor_id, "--json", db=db))
    assert shown["state"] == "approved"


@pytest.mark.parametrize(
    "args",
    [
        ["--name", "", "--category", "internal"],
        ["--name", "Evil\x1b[31m", "--category", "internal"],
        ["--name", "N" * 500, "--category", "internal"],
        ["--name", "No Escort", "--category", "external"],
    ],
)
def test_bad_registration_exits_2_and_stores_nothing(db: Path, args: list[str]) -> None:
    before = json.loads(ok("visitors", "list", "--json", db=db))
    result = floorman(
        "visitors", "register", "--org", "X", "--purpose", "p", "--host", "h", *args, db=db
    )
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1
    assert json.loads(ok("visitors", "list", "--json", db=db)) == before


def test_block_list_refuses_from_the_command_line(db: Path) -> None:
    ok("visitors", "block", "add", "--phone", "13900001111", "--reason", "thief", db=db)
    result = floorman(
        "visitors",
        "register",
        "--name",
        "Someone",
        "--org",
        "X",
        "--category",
        "internal",
        "--purpose",
        "p",
        "--host",
        "h",
        "--phone",
        "139-0000-1111",
        db=db,
    )
    assert result.returncode == 2 and "block list: thief" in result.stderr
    listed = json.loads(ok("visitors", "block", "list", "--json", db=db))
    assert listed[0]["phone"] == "*******1111"
    purge = json.loads(ok("visitors", "purge", "--json", db=db))
    assert purge == {"purged": 0, "visitor_ids": []}


def test_logged_in_director_approves_an_external_visitor(tmp_path: Path) -> None:
    db = tmp_path / "operators.db"
    assert floorman("init", db=db).returncode == 0
    boss = floorman(
        "--operator",
        "boss",
        "operators",
        "add",
        "boss",
        "--role",
        "director",
        db=db,
        FLOORMAN_NEW_PIN="246810",
    )
    assert boss.returncode == 0, boss.stderr
    dm = floorman(
        "--operator",
        "boss",
        "operators",
        "add",
        "dm",
        "--role",
        "duty_manager",
        db=db,
        FLOORMAN_PIN="246810",
        FLOORMAN_NEW_PIN="135790",
    )
    assert dm.returncode == 0, dm.stderr
    registered = floorman(
        "--operator",
        "dm",
        "visitors",
        "register",
        "--name",
        "J",
        "--org",
        "Acme",
        "--category",
        "external",
        "--purpose",
        "p",
        "--host",
        "h",
        "--escort",
        "e",
        db=db,
        FLOORMAN_PIN="135790",
    )
    assert registered.returncode == 0, registered.stderr
    visitor_id = registered.stdout.split()[0]
    by_dm = floorman(
        "--operator", "dm", "visitors", "approve", visitor_id, db=db, FLOORMAN_PIN="135790"
    )
    assert by_dm.returncode == 2 and "center director" in by_dm.stderr
    assert len(by_dm.stderr.splitlines()) == 1
    shown = floorman(
        "--operator", "dm", "visitors", "show", visitor_id, "--json", db=db, FLOORMAN_PIN="135790"
    )
    assert json.loads(shown.stdout)["state"] == "pending"
    no_pin = floorman("--operator", "boss", "visitors", "approve", visitor_id, db=db)
    assert no_pin.returncode == 2
    by_boss = floorman(
        "--operator",
        "boss",
        "visitors",
        "approve",
        visitor_id,
        "--json",
        db=db,
        FLOORMAN_PIN="246810",
    )
    assert by_boss.returncode == 0, by_boss.stderr
    approved = json.loads(by_boss.stdout)
    assert (approved["status"], approved["decided_by"]) == ("approved", "boss")
