"""`floorman handover ...` and `floorman check` as scripts and people call them."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import text

from floorman.data.db import Database
from tests.helpers import floorman as run_floorman


def run(db: Path, *args: str, operator: str = "Wang") -> subprocess.CompletedProcess[str]:
    return run_floorman(*args, db=db, operator=operator)


@pytest.fixture
def cli_db(tmp_path: Path) -> Path:
    path = tmp_path / "cli.db"
    assert run(path, "init").returncode == 0
    return path


def test_a_whole_handover_from_the_command_line(cli_db: Path) -> None:
    assert run(cli_db, "handover", "assign", "current", "Wang").returncode == 0
    assert run(cli_db, "handover", "assign", "next", "Li").returncode == 0
    shifts = json.loads(run(cli_db, "handover", "shifts", "--json").stdout)
    assert [s["manager"] for s in shifts[:2]] == ["Wang", "Li"]

    composed = run(cli_db, "handover", "compose", "--summary", "Hotline slow at 14:00", "--json")
    assert composed.returncode == 0, composed.stderr
    draft = json.loads(composed.stdout)
    assert draft["status"] == "draft" and draft["outgoing"] == "Wang"
    assert set(draft["live_state"]) >= {"staffing", "faults", "alerts", "visitors"}

    added = run(
        cli_db,
        "handover",
        "item",
        "add",
        "Call the billing team back",
        "--owner",
        "Li",
        "--deadline",
        "2030-01-01T10:00",
    )
    assert added.returncode == 0, added.stderr
    assert run(cli_db, "handover", "submit").returncode == 0

    same = run(cli_db, "handover", "acknowledge", "--reviewed", "all")
    assert same.returncode == 2
    assert "someone other than Wang" in same.stderr
    assert len(same.stderr.strip().splitlines()) == 1
    partial = run(cli_db, "handover", "acknowledge", "--reviewed", "staffing", operator="Li")
    assert partial.returncode == 2 and "not reviewed" in partial.stderr
    ack = run(cli_db, "handover", "acknowledge", "--reviewed", "all", operator="Li")
    assert ack.returncode == 0, ack.stderr
    assert "locked, hash" in ack.stdout

    refused = run(cli_db, "handover", "edit", "--shift", "last", "--summary", "rewritten")
    assert refused.returncode == 2
    assert "is locked; add an amendment instead" in refused.stderr
    amended = run(cli_db, "handover", "amend", "Billing called back at 16:20")
    assert amended.returncode == 0, amended.stderr

    markdown = run(cli_db, "handover", "show", "--last", "--markdown").stdout
    assert "## Open items" in markdown
    assert "Call the billing team back (owner: Li; due 2030-01-01 10:00)" in markdown
    assert markdown.index("Billing called back at 16:20") > markdown.index("## Notes")
    shown = json.loads(
        run(cli_db, "handover", "show", "--shift", draft["shift_id"], "--json").stdout
    )
    assert shown["status"] == "acknowledged" and shown["incoming"] == "Li"
    assert shown["amendments"][0]["author"] == "Wang"

    found = json.loads(run(cli_db, "handover", "list", "--search", "hotline", "--json").stdout)
    assert [h["shift_id"] for h in found] == [draft["shift_id"]]
    assert json.loads(run(cli_db, "handover", "list", "--search", "fire", "--json").stdout) == []

    verified = run(cli_db, "handover", "verify")
    assert (verified.returncode, verified.stdout.strip()) == (0, "ok")

    database = Database(cli_db)
    with database.engine.begin() as conn:
        conn.execute(text("UPDATE handover SET summary = 'nothing to report'"))
    database.dispose()
    tampered = run(cli_db, "handover", "verify")
    assert tampered.returncode == 1
    assert f"handover {draft['shift_id']}" in tampered.stdout
    assert "content does not match its hash" in tampered.stdout
    check = run(cli_db, "check")
    assert check.returncode != 0
    assert "handover chain" in check.stdout and draft["shift_id"] in check.stdout


def test_show_needs_a_format_and_an_existing_handover(cli_db: Path) -> None:
    no_format = run(cli_db, "handover", "show", "--last")
    assert no_format.returncode == 2
    nothing = run(cli_db, "handover", "show", "--last", "--json")
    assert nothing.returncode == 2
    assert "no handover has been written yet" in nothing.stderr
    bad_shift = run(cli_db, "handover", "show", "--shift", "2026-11-23/09:00-17:00", "--json")
    assert bad_shift.returncode == 2 and "not in the pattern" in bad_shift.stderr


def test_item_deadlines_as_a_duty_manager_types_them(cli_db: Path) -> None:
    assert run(cli_db, "handover", "compose", "--summary", "Quiet night").returncode == 0
    for deadline in ("tomorrow 09:00", "+2h", "end of shift"):
        added = run(cli_db, "handover", "item", "add", "Ring IT", "--deadline", deadline)
        assert added.returncode == 0, (deadline, added.stderr)
    items = json.loads(run(cli_db, "handover", "show", "--json").stdout)["items"]
    assert len(items) == 3 and all(i["deadline"] for i in items)

    bad = run(cli_db, "handover", "item", "add", "Ring IT", "--deadline", "tomorrow")
    assert bad.returncode == 2
    assert "give a time too, e.g. tomorrow 09:00; use HH:MM" in bad.stderr
    assert len(json.loads(run(cli_db, "handover", "show", "--json").stdout)["items"]) == 3

    helped = run(cli_db, "handover", "item", "add", "--help")
    assert "tomorrow HH:MM" in helped.stdout and "+2h" in helped.stdout


def test_a_wildcard_prefix_names_no_handover_and_changes_nothing(cli_db: Path) -> None:
    assert run(cli_db, "handover", "compose", "--summary", "Quiet night").returncode == 0
    assert run(cli_db, "handover", "item", "add", "Ring IT").returncode == 0
    for ref in ("%%%%", "____"):
        shown = run(cli_db, "handover", "show", "--shift", ref, "--json")
        assert shown.returncode == 2
        assert f"no such handover '{ref}'" in shown.stderr
        assert len(shown.stderr.strip().splitlines()) == 1
        edited = run(cli_db, "handover", "edit", "--shift", ref, "--summary", "rewritten")
        assert edited.returncode == 2 and "no such handover" in edited.stderr
        closed = run(cli_db, "handover", "item", "close", ref)
        assert closed.returncode == 2 and f"no such handover item '{ref}'" in closed.stderr
    current = json.loads(run(cli_db, "handover", "show", "--json").stdout)
    assert current["summary"] == "Quiet night"
    assert [i["status"] for i in current["items"]] == ["open"]
