"""The handover's staffing section: staffed against the seats the staffing plan requires."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from floorman import i18n
from floorman.clock import FakeClock
from floorman.domain.core.context import Actor, Floor
from floorman.domain.handover import chain, find, lifecycle, markdown, views
from floorman.domain.seats.events import record_event
from floorman.domain.seats.importing import import_agents
from floorman.domain.staffing.plan import clear_plan, set_plan

UTC_ZONE = ZoneInfo("UTC")


def staffing_lines(view: views.HandoverView) -> list[str]:
    return markdown.section_lines(view, "staffing", UTC_ZONE)


@pytest.fixture
def two_staffed(small_floor: Floor) -> Floor:
    record_event(small_floor, "A-01", "ready", agent_no="1001")
    record_event(small_floor, "B-01", "busy", agent_no="1003")
    return small_floor


def test_no_plan_is_said_so(two_staffed: Floor) -> None:
    view = lifecycle.compose(two_staffed)
    staffing = view.live_state["staffing"]
    assert "required" in staffing and staffing["required"] is None
    assert staffing_lines(view)[-1] == "no staffing plan set"
    assert "- no staffing plan set" in markdown.to_markdown(view, UTC_ZONE)


def test_plan_gives_required_seats_and_shortfall(two_staffed: Floor) -> None:
    set_plan(two_staffed, busy_hour_calls=50)
    view = lifecycle.compose(two_staffed)
    assert view.live_state["staffing"]["required"] == {
        "interval": "busy hour",
        "required": 5,
        "staffed": 2,
        "short_by": 3,
        "enough": False,
    }
    lines = staffing_lines(view)
    assert lines[0].startswith("Zone A: 1 staffed")  # the zone rows stay first
    assert lines[-1] == "Required seats 5, staffed 2: SHORT BY 3 (busy hour)"
    page = markdown.to_markdown(view, UTC_ZONE)
    assert "- Required seats 5, staffed 2: SHORT BY 3 (busy hour)" in page
    # The JSON of the view carries the same figures.
    assert view.as_json()["live_state"]["staffing"]["required"]["short_by"] == 3  # type: ignore[index]


def test_enough_staffed_and_refresh_follows_the_floor(
    two_staffed: Floor, tmp_path: Path, clock: FakeClock
) -> None:
    set_plan(two_staffed, busy_hour_calls=50)
    assert lifecycle.compose(two_staffed).live_state["staffing"]["required"]["short_by"] == 3
    extra = tmp_path / "more.csv"
    extra.write_text("staff_no,name,team\n1005,Sun Li,T3\n1006,Zhou Min,T3\n", encoding="utf-8")
    import_agents(two_staffed, extra)
    for seat, agent in (("A-02", "1002"), ("A-03", "1005"), ("B-02", "1006")):
        record_event(two_staffed, seat, "ready", agent_no=agent)
    clock.advance(minutes=5)
    view = lifecycle.compose(two_staffed)  # composing again refreshes the snapshot
    required = view.live_state["staffing"]["required"]
    assert (required["staffed"], required["short_by"], required["enough"]) == (5, 0, True)
    assert staffing_lines(view)[-1] == "Required seats 5, staffed 5: enough (busy hour)"


def test_plan_cleared_after_compose_keeps_the_snapshot(two_staffed: Floor) -> None:
    set_plan(two_staffed, busy_hour_calls=50)
    lifecycle.compose(two_staffed)
    clear_plan(two_staffed)
    view = find.get(two_staffed)
    assert view.live_state["staffing"]["required"]["required"] == 5  # what the floor was
    assert lifecycle.compose(two_staffed).live_state["staffing"]["required"] is None


def test_locked_handover_keeps_required_seats_in_its_hash(two_staffed: Floor) -> None:
    set_plan(two_staffed, busy_hour_calls=50)
    wang = dataclasses.replace(two_staffed, actor=Actor("Wang", "test:wang"))
    li = dataclasses.replace(two_staffed, actor=Actor("Li", "test:li"))
    lifecycle.compose(wang, summary="Short all afternoon")
    lifecycle.submit(wang)
    view = lifecycle.acknowledge(li, "pending", "all")
    assert view.locked and view.live_state["staffing"]["required"]["required"] == 5
    with two_staffed.db.read() as session:
        assert chain.verify_chain(session) == []


def test_older_handover_without_the_figure_shows_no_plan_line(two_staffed: Floor) -> None:
    view = lifecycle.compose(two_staffed)
    staffing = {k: v for k, v in view.live_state["staffing"].items() if k != "required"}
    older = dataclasses.replace(view, live_state={**view.live_state, "staffing": staffing})
    lines = staffing_lines(older)
    assert not any("plan" in line or "Required" in line for line in lines)


def test_chinese_lines(two_staffed: Floor) -> None:
    set_plan(two_staffed, busy_hour_calls=50)
    view = lifecycle.compose(two_staffed)
    before = i18n.language()
    i18n.set_language("zh")
    try:
        line = markdown.section_lines(view, "staffing", UTC_ZONE, i18n.t)[-1]
        none_line = markdown.required_line(None, i18n.t)
    finally:
        i18n.set_language(before)
    assert line == "需要座席 5，在岗 2：缺 3 人（忙时）"
    assert none_line == "未设置排班计划"


def test_cli_handover_show_json_and_markdown(two_staffed: Floor) -> None:
    set_plan(two_staffed, busy_hour_calls=50)
    lifecycle.compose(two_staffed)
    shift_id = find.get(two_staffed).shift_id

    def run(*args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "floorman", "--db", str(two_staffed.db.path), *args],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    shown = json.loads(run("handover", "show", "--shift", shift_id, "--json"))
    assert shown["live_state"]["staffing"]["required"]["short_by"] == 3
    assert "Required seats 5, staffed 2: SHORT BY 3" in run(
        "handover", "show", "--shift", shift_id, "--markdown"
    )


def test_forecast_plan_uses_the_interval_of_now(
    two_staffed: Floor, tmp_path: Path, clock: FakeClock
) -> None:
    forecast = tmp_path / "forecast.csv"
    forecast.write_text("interval,calls,aht\n09:00,100,180\n", encoding="utf-8")
    set_plan(two_staffed, forecast=forecast)
    early = lifecycle.compose(two_staffed)  # 08:00: the forecast has no row for now
    assert early.live_state["staffing"]["required"] == {"uncovered": True}
    assert staffing_lines(early)[-1] == "the staffing plan has no interval for this time"
    clock.advance(minutes=70)  # 09:10, inside the 09:00 interval
    view = lifecycle.compose(two_staffed)
    required = view.live_state["staffing"]["required"]
    assert required["interval"] == "09:00" and required["staffed"] == 2
    assert required["required"] > 2 and required["short_by"] == required["required"] - 2
    assert staffing_lines(view)[-1].endswith(f"SHORT BY {required['short_by']} (09:00)")
