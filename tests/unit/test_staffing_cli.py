"""`floorman staffing ...`: the command-line contract, run as a subprocess."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.helpers import floorman as run_floorman


def floorman(*args: str, db: Path | None = None) -> subprocess.CompletedProcess[str]:
    return run_floorman(*args, db=db, timeout=60)


ERLANG = (
    "staffing",
    "erlang",
    "--calls",
    "100",
    "--interval",
    "1800",
    "--aht",
    "180",
    "--target-sl",
    "0.8",
    "--answer-within",
    "20",
)


def test_erlang_json_contract() -> None:
    done = floorman(*ERLANG, "--shrinkage", "0.3", "--max-occupancy", "0.85", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    for key in (
        "traffic_erlangs",
        "agents",
        "wait_probability",
        "service_level",
        "asa_seconds",
        "occupancy",
        "scheduled",
    ):
        assert key in result
    assert result["traffic_erlangs"] == 10.0
    assert result["agents"] == 14
    assert result["scheduled"] == 20
    assert result["wait_probability"] == pytest.approx(0.174132, abs=1e-6)
    assert result["service_level"] == pytest.approx(0.88835, abs=1e-5)
    assert result["asa_seconds"] == pytest.approx(7.836, abs=1e-3)
    assert result["occupancy"] == pytest.approx(0.714286, abs=1e-6)


def test_erlang_text_and_what_if_agents() -> None:
    done = floorman(*ERLANG, "--agents", "12")
    assert done.returncode == 0, done.stderr
    assert "agents           12" in done.stdout
    assert "NOT MET" in done.stdout  # 12 agents answer only about 75% in 20 s


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("--calls", "0"), "no calls"),
        (("--aht", "0"), "handle time"),
        (("--target-sl", "1.5"), "target service level"),
        (("--interval", "-1"), "interval"),
        (("--shrinkage", "1"), "shrinkage"),
        (("--calls", "lots"), "must be a number"),
    ],
)
def test_erlang_nonsense_exits_2_with_one_line(change: tuple[str, str], message: str) -> None:
    args = [*ERLANG, "--shrinkage", "0"]
    args[args.index(change[0]) + 1] = change[1]
    done = floorman(*args, "--json")
    assert done.returncode == 2
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert done.stdout == ""


def test_erlang_requires_its_options() -> None:
    done = floorman("staffing", "erlang", "--calls", "100", "--json")
    assert done.returncode == 2
    assert "required" in done.stderr


def test_manual_json() -> None:
    done = floorman(
        "staffing", "manual", "--busy-hour-calls", "300", "--daily-requests", "3000", "--json"
    )
    assert done.returncode == 0, done.stderr
    plan = json.loads(done.stdout)
    assert (plan["seats"], plan["b_value"], plan["front_line"], plan["back_office"]) == (
        14,
        3.0,
        42,
        3,
    )
    assert (plan["qa"], plan["duty_managers"], plan["spares"], plan["headcount"]) == (2, 3, 4, 63)


def test_manual_with_own_table_and_bad_table() -> None:
    done = floorman(
        "staffing",
        "manual",
        "--busy-hour-calls",
        "120",
        "--daily-requests",
        "800",
        "--table",
        "60:6,120:9,+4/50",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    plan = json.loads(done.stdout)
    assert (plan["seats"], plan["front_line"], plan["table"]) == (9, 36, "60:6,120:9,+4/50")
    bad = floorman(
        "staffing",
        "manual",
        "--busy-hour-calls",
        "120",
        "--daily-requests",
        "800",
        "--table",
        "120:9,60:6",
    )
    assert bad.returncode == 2
    assert "increasing" in bad.stderr


@pytest.fixture(scope="module")
def staffed_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("staffing")
    db = folder / "floor.db"
    assert floorman("init", db=db).returncode == 0
    (folder / "seats.csv").write_text(
        "seat,zone,type,row,col\nA-01,A,general,0,0\nA-02,A,general,0,1\nA-03,A,general,0,2\n",
        encoding="utf-8",
    )
    (folder / "agents.csv").write_text(
        "staff_no,name,team\n1001,Li Na,T1\n1002,Wang Fang,T1\n", encoding="utf-8"
    )
    assert floorman("seats", "import", str(folder / "seats.csv"), db=db).returncode == 0
    assert floorman("agents", "import", str(folder / "agents.csv"), db=db).returncode == 0
    assert floorman("event", "A-01", "ready", "--agent", "1001", db=db).returncode == 0
    assert floorman("event", "A-02", "busy", "--agent", "1002", db=db).returncode == 0
    return db


def test_required_from_a_forecast_against_the_floor(staffed_db: Path, tmp_path: Path) -> None:
    # One interval covering the whole day, so "now" always falls in it.
    forecast = tmp_path / "day.csv"
    forecast.write_text("interval,calls,aht\n00:00,2400,180\n", encoding="utf-8")
    done = floorman(
        "staffing",
        "required",
        "--forecast",
        str(forecast),
        "--interval-minutes",
        "1440",
        "--json",
        db=staffed_db,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    # 2400 calls a day of 3 minutes: 5 Erlangs; 8 agents answer 80% within 20 s.
    assert report["intervals"][0]["required"] == 8
    assert report["current"] == "00:00"
    assert report["now"] == {"required": 8, "staffed": 2, "short_by": 6, "enough": False}
    text = floorman(
        "staffing",
        "required",
        "--forecast",
        str(forecast),
        "--interval-minutes",
        "1440",
        db=staffed_db,
    )
    assert "SHORT BY 6" in text.stdout


def test_required_from_a_typed_volume(staffed_db: Path) -> None:
    done = floorman("staffing", "required", "--busy-hour-calls", "40", "--json", db=staffed_db)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["now"] == {"required": 5, "staffed": 2, "short_by": 3, "enough": False}
    assert report["intervals"][0]["table_seats"] == 5


def test_required_bad_forecast_exits_2(staffed_db: Path, tmp_path: Path) -> None:
    forecast = tmp_path / "bad.csv"
    forecast.write_text("interval,calls,aht\n08:00,ten,180\n", encoding="utf-8")
    done = floorman("staffing", "required", "--forecast", str(forecast), db=staffed_db)
    assert done.returncode == 2
    assert "line 2: calls must be a number" in done.stderr
    target = floorman(
        "staffing", "required", "--forecast", str(forecast), "--target-sl", "2", db=staffed_db
    )
    assert target.returncode == 2
    assert "target service level" in target.stderr


def test_required_needs_one_source(staffed_db: Path) -> None:
    done = floorman("staffing", "required", db=staffed_db)
    assert done.returncode == 2


def test_erlang_defaults_are_the_staffing_screens() -> None:
    """Same call numbers, same answer as the screen (key 6): 14 agents, 20 on the roster."""
    from floorman.domain.staffing.defaults import DEFAULT_MAX_OCCUPANCY, DEFAULT_SHRINKAGE

    done = floorman(*ERLANG, "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert (result["max_occupancy"], result["shrinkage"]) == (
        DEFAULT_MAX_OCCUPANCY,
        DEFAULT_SHRINKAGE,
    )
    assert (result["agents"], result["scheduled"]) == (14, 20)
    helped = floorman("staffing", "erlang", "--help")
    text = " ".join(helped.stdout.split())  # argparse wraps to the terminal's width
    assert "(default 0.85," in text and "(default 0.3," in text
