"""The away log (示忙单) by shift and by agent: `list_slips(shift=..., agent=...)` and
`floorman away list/log --shift ID --agent STAFF_NO` (JSON and CSV)."""

from __future__ import annotations

import csv
import json
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from floorman.clock import FakeClock
from floorman.config import Config, ShiftsConfig
from floorman.data.db import Database
from floorman.domain.away import actions as away_actions
from floorman.domain.away import log as away_log_book
from floorman.domain.away import views as away_views
from floorman.domain.core.context import Actor, Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.seats.events import record_event
from floorman.domain.seats.importing import import_agents, import_seats
from floorman.domain.shifts import Shift, resolve_shift, shift_by_id
from tests.helpers import floorman as run_floorman

MORNING = "2026-11-23/08:00-16:00"
EVENING = "2026-11-23/16:00-24:00"


def build_day(floor: Floor, clock: FakeClock) -> dict[str, str]:
    """Slips around the 16:00 change of shift (local time of `floor`'s zone):

    - morning: 1001 out 08:10-08:14;
    - crossing: 1002 asks at 15:58, approved, leaves 16:01 (an evening slip: by leaving);
    - evening: 1001 out 16:20-16:25;
    - asked: 1003 asks at 16:30 and never leaves (an evening slip: by asking).
    """
    morning = shift_by_id(floor.config, MORNING)
    clock.set(morning.start)
    for seat, agent in (("A-01", "1001"), ("A-02", "1002"), ("B-01", "1003")):
        record_event(floor, seat, "ready", agent_no=agent)
    ids: dict[str, str] = {}
    clock.set(morning.start + timedelta(minutes=10))
    ids["morning"] = away_actions.send_away(floor, "1001", "toilet").id
    clock.advance(4 * 60)
    away_actions.back(floor, "1001")
    clock.set(morning.end - timedelta(minutes=2))
    ids["crossing"] = away_actions.request(floor, "1002", "toilet").id
    away_actions.approve(floor, ids["crossing"])
    clock.set(morning.end + timedelta(minutes=1))
    away_actions.start(floor, ids["crossing"])
    clock.advance(3 * 60)
    away_actions.back(floor, ids["crossing"])
    clock.set(morning.end + timedelta(minutes=20))
    ids["evening"] = away_actions.send_away(floor, "1001", "toilet").id
    clock.advance(5 * 60)
    away_actions.back(floor, "1001")
    clock.set(morning.end + timedelta(minutes=30))
    ids["asked"] = away_actions.request(floor, "1003", "toilet").id
    return ids


@pytest.fixture
def day(small_floor: Floor, clock: FakeClock) -> dict[str, str]:
    return build_day(small_floor, clock)


def shift(floor: Floor, ref: str) -> Shift:
    return resolve_shift(floor, ref)


def test_shift_filter_by_leaving_else_asking(small_floor: Floor, day: dict[str, str]) -> None:
    morning = away_views.list_slips(small_floor, shift=shift(small_floor, MORNING))
    assert [v.id for v in morning] == [day["morning"]]
    evening = away_views.list_slips(small_floor, shift=shift(small_floor, EVENING))
    # The crossing slip was asked for in the morning shift but left in the evening one.
    assert {v.id for v in evening} == {day["crossing"], day["evening"], day["asked"]}
    assert (
        away_views.list_slips(small_floor, shift=shift(small_floor, "2026-11-24/00:00-08:00")) == []
    )


def test_current_and_previous_shift(
    small_floor: Floor, clock: FakeClock, day: dict[str, str]
) -> None:
    assert clock.now() == shift(small_floor, EVENING).start + timedelta(minutes=30)
    current = away_views.list_slips(small_floor, shift=shift(small_floor, "current"))
    assert {v.id for v in current} == {day["crossing"], day["evening"], day["asked"]}
    previous = away_views.list_slips(small_floor, shift=shift(small_floor, "previous"))
    assert [v.id for v in previous] == [day["morning"]]


def test_agent_filter_alone_and_with_shift_and_open(
    small_floor: Floor, day: dict[str, str]
) -> None:
    mine = away_views.list_slips(small_floor, agent="1001")
    assert [v.id for v in mine] == [day["morning"], day["evening"]]
    assert all(v.agent == "1001" for v in mine)
    evening_mine = away_views.list_slips(
        small_floor, shift=shift(small_floor, EVENING), agent="1001"
    )
    assert [v.id for v in evening_mine] == [day["evening"]]
    assert away_views.list_slips(small_floor, agent="1004") == []
    open_1003 = away_views.list_slips(small_floor, open_only=True, agent="1003")
    assert [v.id for v in open_1003] == [day["asked"]]
    with pytest.raises(FloorError, match="unknown agent '9999'"):
        away_views.list_slips(small_floor, agent="9999")


def test_day_and_shift_together_is_their_overlap(small_floor: Floor, day: dict[str, str]) -> None:
    both = away_views.list_slips(
        small_floor, day=away_views.parse_day("2026-11-23"), shift=shift(small_floor, MORNING)
    )
    assert [v.id for v in both] == [day["morning"]]
    none = away_views.list_slips(
        small_floor, day=away_views.parse_day("2026-11-24"), shift=shift(small_floor, MORNING)
    )
    assert none == []


def test_shift_log_counts_only_that_shift(small_floor: Floor, day: dict[str, str]) -> None:
    lines = away_log_book.away_log(
        away_views.list_slips(small_floor, shift=shift(small_floor, EVENING))
    )
    by_agent = {line.agent: line for line in lines}
    assert set(by_agent) == {"1001", "1002"}  # 1003 never left: not in the log
    assert (by_agent["1001"].count, by_agent["1001"].total_seconds) == (1, 300)
    assert (by_agent["1002"].count, by_agent["1002"].total_seconds) == (1, 180)


def test_overnight_shift_spans_midnight(small_floor: Floor, clock: FakeClock) -> None:
    config = Config(timezone="UTC", shifts=_overnight())
    floor = Floor(db=small_floor.db, clock=clock, config=config, actor=small_floor.actor)
    night = shift_by_id(config, "2026-11-23/22:00-06:00")
    clock.set(night.start)
    record_event(floor, "A-01", "ready", agent_no="1001")
    clock.set(night.start + timedelta(hours=3))  # 01:00 the next day
    slip = away_actions.send_away(floor, "1001", "toilet")
    away_actions.back(floor, "1001")
    assert [v.id for v in away_views.list_slips(floor, shift=night)] == [slip.id]
    assert away_views.list_slips(floor, day=away_views.parse_day("2026-11-23")) == []


def _overnight() -> ShiftsConfig:
    return ShiftsConfig(pattern=("06:00-14:00", "14:00-22:00", "22:00-06:00"))


# ------------------------------------------------------------------ the command line


def floorman(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_floorman(*args, db=db, operator="mgr")


def ok(db: Path, *args: str) -> str:
    result = floorman(db, *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def cli_day(db: Database, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """The same day, written on the machine's zone (the subprocess reads no config file)."""
    clock = FakeClock(datetime(2026, 11, 23, 0, 0).astimezone())
    floor = Floor(db=db, clock=clock, config=Config(), actor=Actor("setup"))
    (tmp_path / "s.csv").write_text(
        "seat,zone,type,row,col\nA-01,A,general,0,0\nA-02,A,general,0,1\nB-01,B,user,0,0\n",
        encoding="utf-8",
    )
    (tmp_path / "a.csv").write_text(
        "staff_no,name,team\n1001,Li Na,T1\n1002,王芳,T1\n1003,Zhang Wei,T2\n", encoding="utf-8"
    )
    import_seats(floor, tmp_path / "s.csv")
    import_agents(floor, tmp_path / "a.csv")
    return db.path, build_day(floor, clock)


def test_cli_list_by_shift_and_agent(cli_day: tuple[Path, dict[str, str]]) -> None:
    path, ids = cli_day
    rows = json.loads(ok(path, "away", "list", "--shift", EVENING, "--json"))
    assert {r["id"] for r in rows} == {ids["crossing"], ids["evening"], ids["asked"]}
    rows = json.loads(ok(path, "away", "list", "--shift", EVENING, "--agent", "1001", "--json"))
    assert [r["id"] for r in rows] == [ids["evening"]]
    text = ok(path, "away", "list", "--agent", "1002")
    assert text.count("\n") == 1 and ids["crossing"][:8] in text


def test_cli_log_by_shift_json_and_csv(
    cli_day: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    path, ids = cli_day
    out = tmp_path / "evening.csv"
    log = json.loads(ok(path, "away", "log", "--shift", EVENING, "--csv", str(out), "--json"))
    assert log["date"] is None and log["shift"]["id"] == EVENING and log["agent"] is None
    assert {a["agent"]: a["count"] for a in log["agents"]} == {"1001": 1, "1002": 1}
    with out.open(encoding="utf-8-sig", newline="") as handle:
        written = list(csv.DictReader(handle))
    assert {r["id"] for r in written} == {ids["crossing"], ids["evening"], ids["asked"]}

    mine = json.loads(ok(path, "away", "log", "--shift", MORNING, "--agent", "1001", "--json"))
    assert mine["agent"] == "1001"
    assert [(a["agent"], a["count"], a["total_minutes"]) for a in mine["agents"]] == [
        ("1001", 1, 4.0)
    ]
    text = ok(path, "away", "log", "--shift", MORNING, "--agent", "1002")
    assert text.splitlines()[0] == f"away log shift {MORNING} agent 1002"
    assert len(text.splitlines()) == 2  # header lines only: 1002 did not leave that morning


def test_cli_log_date_still_defaults_and_combines(cli_day: tuple[Path, dict[str, str]]) -> None:
    path, _ids = cli_day
    log = json.loads(ok(path, "away", "log", "--date", "2026-11-23", "--json"))
    assert log["date"] == "2026-11-23" and log["shift"] is None
    assert {a["agent"]: a["count"] for a in log["agents"]} == {"1001": 2, "1002": 1}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--shift", "tomorrow"), "is not YYYY-MM-DD/HH:MM-HH:MM"),
        (("--shift", "2026-11-23/09:00-17:00"), "is not in the pattern"),
        (("--agent", "9999"), "unknown agent '9999'"),
    ],
)
def test_cli_bad_filters_exit_2(
    cli_day: tuple[Path, dict[str, str]], args: tuple[str, ...], message: str
) -> None:
    path, _ids = cli_day
    for command in ("list", "log"):
        result = floorman(path, "away", command, *args, "--json")
        assert result.returncode == 2
        assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
        assert result.stdout == ""
