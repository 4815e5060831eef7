"""`floorman emergency ...`: the same checklists from a script, exit 2 on bad input."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.helpers import floorman as run_floorman


def run(db: Path, *args: str, env_config: Path | None = None) -> subprocess.CompletedProcess[str]:
    return run_floorman(*args, db=db, config=env_config)


@pytest.fixture
def cli_db(tmp_path: Path) -> Path:
    path = tmp_path / "cli.db"
    assert run(path, "init").returncode == 0
    return path


def test_a_whole_checklist_from_the_command_line(cli_db: Path, tmp_path: Path) -> None:
    kinds = run(cli_db, "emergency", "list-kinds", "--json")
    assert kinds.returncode == 0, kinds.stderr
    assert {k["kind"] for k in json.loads(kinds.stdout)} >= {"fire", "hotline_failure", "theft"}

    started = run(cli_db, "emergency", "start", "earthquake", "--drill", "--json")
    assert started.returncode == 0, started.stderr
    ident = json.loads(started.stdout)["id"]
    short = ident[:8]

    listed = json.loads(run(cli_db, "emergency", "list", "--running", "--json").stdout)
    assert [(e["id"], e["drill"], e["status"]) for e in listed] == [(ident, True, "running")]
    assert listed[0]["elapsed_seconds"] >= 0

    refused = run(cli_db, "emergency", "close", short)
    assert refused.returncode == 2
    assert refused.stderr.strip() == ("floorman: steps not yet done, skipped or deferred: 1, 2")

    assert run(cli_db, "emergency", "step", short, "1", "done").returncode == 0
    no_reason = run(cli_db, "emergency", "step", short, "2", "skip")
    assert no_reason.returncode == 2 and "reason for skipping is required" in no_reason.stderr
    assert run(cli_db, "emergency", "step", short, "2", "note", "count at 10:00").returncode == 0
    assert run(cli_db, "emergency", "step", short, "2", "assign", "Wang").returncode == 0
    assert run(cli_db, "emergency", "step", short, "2", "defer").returncode == 0
    assert run(cli_db, "emergency", "wording", short, "Drill only").returncode == 0
    closed = run(cli_db, "emergency", "close", short)
    assert closed.returncode == 0
    assert "complete with deferred items" in closed.stdout

    assert json.loads(run(cli_db, "emergency", "list", "--running", "--json").stdout) == []

    report = json.loads(run(cli_db, "emergency", "report", short, "--json").stdout)
    assert report["wording"]["text"] == "Drill only"
    assert report["steps"][1]["notes"][0]["text"] == "count at 10:00"
    assert report["steps"][1]["assignee"] == "Wang"
    assert report["steps"][0]["by"] == "tester"  # FLOORMAN_OPERATOR from conftest

    out = tmp_path / "report.md"
    written = run(cli_db, "emergency", "report", short, "--markdown", "-o", str(out))
    assert written.returncode == 0
    assert out.read_text(encoding="utf-8").startswith("# Incident report: Earthquake (DRILL)")


def test_bad_input_is_one_line_and_exit_2(cli_db: Path) -> None:
    unknown = run(cli_db, "emergency", "start", "flood")
    assert unknown.returncode == 2
    assert unknown.stderr.startswith("floorman: unknown emergency kind 'flood'")
    assert len(unknown.stderr.strip().splitlines()) == 1
    bad_action = run(cli_db, "emergency", "step", "abcd", "1", "maybe")
    assert bad_action.returncode == 2
    no_format = run(cli_db, "emergency", "report", "abcd")
    assert no_format.returncode == 2
    missing = run(cli_db, "emergency", "close", "abcdef")
    assert missing.returncode == 2 and "no such emergency 'abcdef'" in missing.stderr


def test_a_bad_override_file_is_reported_and_the_rest_still_run(
    cli_db: Path, tmp_path: Path
) -> None:
    config_dir = tmp_path / "center"
    (config_dir / "checklists").mkdir(parents=True)
    config = config_dir / "config.toml"
    bad = config_dir / "checklists" / "fire.toml"
    bad.write_text('title = "Fire"\n[[steps]\n', encoding="utf-8")
    kinds = run(cli_db, "emergency", "list-kinds", env_config=config)
    assert kinds.returncode == 0
    assert f"checklist left out: {bad}: not valid TOML" in kinds.stderr
    assert "line 2" in kinds.stderr
    assert "fire " in kinds.stdout  # the shipped fire checklist still loads
    started = run(cli_db, "emergency", "start", "fire", "--json", env_config=config)
    assert started.returncode == 0
    assert json.loads(started.stdout)["title_en"] == "Fire"


def test_close_early_with_a_reason_from_the_command_line(cli_db: Path) -> None:
    started = run(cli_db, "emergency", "start", "fire", "--drill", "--json")
    short = json.loads(started.stdout)["id"][:8]
    assert run(cli_db, "emergency", "step", short, "1", "done").returncode == 0

    refused = run(cli_db, "emergency", "close", short)  # the normal rule is unchanged
    assert refused.returncode == 2 and "not yet done" in refused.stderr
    no_reason = run(cli_db, "emergency", "close", short, "--early")
    assert no_reason.returncode == 2
    assert no_reason.stderr.strip() == "floorman: reason for closing early must not be empty"
    stray = run(cli_db, "emergency", "close", short, "--reason", "drill over")
    assert stray.returncode == 2 and "--reason goes with --early" in stray.stderr
    assert json.loads(run(cli_db, "emergency", "list", "--running", "--json").stdout) != []

    closed = run(cli_db, "emergency", "close", short, "--early", "--reason", "end of the drill")
    assert closed.returncode == 0, closed.stderr
    assert f"{short} closed: closed early" in closed.stdout
    assert "not done: steps 2, 3, 4, 5, 6, 7, 8, 9, 10 (end of the drill)" in closed.stdout
    assert json.loads(run(cli_db, "emergency", "list", "--running", "--json").stdout) == []

    report = json.loads(run(cli_db, "emergency", "report", short, "--json").stdout)
    assert (report["status"], report["close_reason"]) == ("closed_early", "end of the drill")
    assert [s["state"] for s in report["steps"][:3]] == ["done", "not_done", "not_done"]
    assert report["timeline"][-1]["action"] == "close_early"
    shown = run(cli_db, "emergency", "show", short)
    assert "closed early: end of the drill" in shown.stdout
    assert "[!]  2." in shown.stdout


def test_list_gives_the_counts_the_screen_gave_at_close(cli_db: Path) -> None:
    """A fire closed early with 4 of 10 steps done lists as 4 done, 6 not done (not
    "10/10"), and a drill says DRILL in list and show."""
    started = json.loads(run(cli_db, "emergency", "start", "fire", "--drill", "--json").stdout)
    short = started["id"][:8]
    for number in ("1", "2", "3", "4"):
        assert run(cli_db, "emergency", "step", short, number, "done").returncode == 0
    closed = run(cli_db, "emergency", "close", short, "--early", "--reason", "false alarm")
    assert closed.returncode == 0, closed.stderr
    listed = run(cli_db, "emergency", "list").stdout
    assert "DRILL" in listed
    assert "steps: 4 done, 0 skipped, 0 deferred, 6 not done of 10" in listed
    as_json = json.loads(run(cli_db, "emergency", "list", "--json").stdout)
    assert as_json[0]["step_counts"] == {
        "done": 4, "skipped": 0, "deferred": 0, "not_done": 6, "open": 0, "total": 10
    }
    report = json.loads(run(cli_db, "emergency", "report", short, "--json").stdout)
    assert report["step_counts"] == as_json[0]["step_counts"] and report["drill"] is True
    assert "DRILL" in run(cli_db, "emergency", "show", short).stdout


def test_a_safe_mark_is_taken_back_with_a_reason(tmp_path: Path) -> None:
    demo = tmp_path / "demo.db"
    assert run(demo, "init", "--demo").returncode == 0
    started = json.loads(run(demo, "visitors", "rollcall", "start", "--json").stdout)
    assert started["people"] > 0
    assert run(demo, "visitors", "rollcall", "safe", "1").returncode == 0
    no_reason = run(demo, "visitors", "rollcall", "unsafe", "1")
    assert no_reason.returncode == 2 and "--reason" in no_reason.stderr
    taken = run(demo, "visitors", "rollcall", "unsafe", "1", "--reason", "went back in", "--json")
    assert taken.returncode == 0, taken.stderr
    assert json.loads(taken.stdout)["count"]["safe"] == 0
    again = run(demo, "visitors", "rollcall", "unsafe", "1", "--reason", "twice")
    assert again.returncode == 2 and "not marked safe" in again.stderr
