"""Running emergency checklists: stamps, closing rules, wording, timers, restart, report."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlmodel import col, select

from floorman.data.db import Database
from floorman.data.tables.floor import Alert, JournalEntry
from floorman.domain import alerts
from floorman.domain.core.context import Actor, Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.core.states import PersonKind
from floorman.domain.emergency import headcount, lifecycle, report
from floorman.domain.emergency import views as emergency_views
from floorman.domain.emergency.checklists import load_checklists
from floorman.domain.roll_call import people as roll_call_people
from floorman.domain.seats.events import record_event


@pytest.fixture
def checklists(tmp_path: Path):
    return load_checklists(tmp_path / "no-user-checklists")


def start(floor: Floor, kind: str, checklists, *, drill: bool = False):
    return lifecycle.start(floor, kind, drill=drill, checklists=checklists)


def view(floor: Floor, ref: str) -> emergency_views.EmergencyView:
    with floor.db.read() as session:
        return emergency_views.get_emergency(session, ref)


def pending_alerts(floor: Floor) -> list[Alert]:
    with floor.db.read() as session:
        return alerts.pending(session)


# --------------------------------------------------------------------------- start & steps


def test_start_copies_the_checklist_and_runs_an_elapsed_clock(floor, clock, checklists) -> None:
    started = start(floor, "earthquake", checklists)
    assert started.running and started.status == "running"
    assert started.started_at == clock.now() and started.started_by == "duty1"
    assert [s.number for s in started.steps] == [1, 2]
    assert all(s.state == "open" for s in started.steps)
    assert started.steps[0].text("zh").startswith("遇到地震灾情时")
    clock.advance(125)
    assert view(floor, started.id).elapsed(clock.now()) == 125
    clock.advance(-500)  # a clock corrected backwards never shows a negative time
    assert view(floor, started.id).elapsed(clock.now()) == 0


def test_unknown_kind_is_refused(floor, checklists) -> None:
    with pytest.raises(FloorError, match=r"unknown emergency kind 'flood'.*fire"):
        start(floor, "flood", checklists)


def test_each_step_action_is_stamped_with_who_and_when(floor, clock, checklists) -> None:
    e = start(floor, "theft", checklists)
    clock.advance(60)
    lifecycle.step_action(floor, e.id, 1, "done")
    clock.advance(30)
    other = Floor(db=floor.db, clock=clock, config=floor.config, actor=Actor("duty2", "t:2"))
    lifecycle.step_action(other, e.short_id, 2, "skip", "nobody panicked")
    lifecycle.step_action(other, e.id, 3, "assign", "Zhang Wei")
    lifecycle.step_action(floor, e.id, 3, "note", "scene taped off at the door")
    lifecycle.step_action(floor, e.id, 4, "defer")
    steps = view(floor, e.id).steps
    assert (steps[0].state, steps[0].state_by, steps[0].state_at) == (
        "done",
        "duty1",
        e.started_at + timedelta(seconds=60),
    )
    assert (steps[1].state, steps[1].state_by, steps[1].skip_reason) == (
        "skipped",
        "duty2",
        "nobody panicked",
    )
    assert (steps[2].state, steps[2].assignee) == ("open", "Zhang Wei")
    assert steps[3].state == "deferred"
    with floor.db.read() as session:
        lines = emergency_views.timeline(session, e.id)
    assert [(x.action, x.step_number, x.actor) for x in lines] == [
        ("start", None, "duty1"),
        ("step.done", 1, "duty1"),
        ("step.skip", 2, "duty2"),
        ("step.assign", 3, "duty2"),
        ("step.note", 3, "duty1"),
        ("step.defer", 4, "duty1"),
    ]
    assert lines[4].text == "scene taped off at the door"
    assert lines[2].terminal == "t:2"


def test_skip_needs_a_reason_and_note_and_assign_need_text(floor, checklists) -> None:
    e = start(floor, "theft", checklists)
    for action, message in (("skip", "reason"), ("note", "note"), ("assign", "person")):
        with pytest.raises(FloorError, match=message):
            lifecycle.step_action(floor, e.id, 1, action, "   ")
    with pytest.raises(FloorError, match="unknown step action"):
        lifecycle.step_action(floor, e.id, 1, "maybe")
    with pytest.raises(FloorError, match="no step 9; this checklist has steps 1 to 7"):
        lifecycle.step_action(floor, e.id, 9, "done")
    assert all(s.state == "open" for s in view(floor, e.id).steps)


def test_a_done_step_cannot_be_done_or_skipped_again(floor, checklists) -> None:
    e = start(floor, "theft", checklists)
    lifecycle.step_action(floor, e.id, 1, "done")
    with pytest.raises(FloorError, match="already done by duty1 at 08:00:00"):
        lifecycle.step_action(floor, e.id, 1, "skip", "changed my mind")
    lifecycle.step_action(floor, e.id, 2, "defer")
    with pytest.raises(FloorError, match="already deferred"):
        lifecycle.step_action(floor, e.id, 2, "defer")
    lifecycle.step_action(floor, e.id, 2, "done")  # a deferred item can still be done
    assert view(floor, e.id).steps[1].state == "done"


def test_user_text_is_cleaned_of_escape_sequences(floor, checklists) -> None:
    e = start(floor, "theft", checklists)
    lifecycle.step_action(floor, e.id, 1, "note", "safe \x1b[2Jlocked\x07")
    with floor.db.read() as session:
        assert emergency_views.timeline(session, e.id)[-1].text == "safe locked"


# --------------------------------------------------------------------------- closing


def test_close_is_refused_while_steps_are_untouched(floor, checklists) -> None:
    e = start(floor, "earthquake", checklists)
    lifecycle.step_action(floor, e.id, 1, "done")
    with pytest.raises(FloorError, match="not yet done, skipped or deferred: 2"):
        lifecycle.close(floor, e.id)
    assert view(floor, e.id).running


def test_close_complete(floor, clock, checklists) -> None:
    e = start(floor, "earthquake", checklists)
    lifecycle.step_action(floor, e.id, 1, "done")
    lifecycle.step_action(floor, e.id, 2, "skip", "no losses")
    clock.advance(600)
    closed = lifecycle.close(floor, e.id)
    assert (closed.status, closed.closed_by, closed.closed_at) == (
        "complete",
        "duty1",
        clock.now(),
    )
    clock.advance(3600)
    assert closed.elapsed(clock.now()) == 600  # the clock stops at the close
    with pytest.raises(FloorError, match="closed"):
        lifecycle.step_action(floor, e.id, 1, "note", "late")


def test_close_with_deferred_items_keeps_them_visible(floor, checklists) -> None:
    e = start(floor, "earthquake", checklists)
    lifecycle.step_action(floor, e.id, 1, "done")
    lifecycle.step_action(floor, e.id, 2, "defer", "losses counted tomorrow")
    closed = lifecycle.close(floor, e.id)
    assert closed.status == "complete_with_deferred"
    assert [s.number for s in closed.deferred_steps()] == [2]
    with floor.db.read() as session:
        assert emergency_views.running(session) == []
        listed = emergency_views.list_emergencies(session)
    assert [v.deferred_steps()[0].number for v in listed] == [2]


def test_close_early_records_open_steps_as_not_done_with_the_reason(
    floor, clock, checklists
) -> None:
    e = start(floor, "fire", checklists, drill=True)
    lifecycle.step_action(floor, e.id, 1, "done")
    lifecycle.step_action(floor, e.id, 2, "defer", "drill: extinguishers checked Monday")
    clock.advance(300)
    with pytest.raises(FloorError, match="reason for closing early must not be empty"):
        lifecycle.close_early(floor, e.id, "  ")
    assert view(floor, e.id).running  # a refused early close changes nothing
    closed = lifecycle.close_early(floor, e.id, "end of the drill")
    assert (closed.status, closed.closed_by, closed.closed_at) == (
        "closed_early",
        "duty1",
        clock.now(),
    )
    assert closed.close_reason == "end of the drill"
    states = [s.state for s in closed.steps]
    assert states[:2] == ["done", "deferred"] and set(states[2:]) == {"not_done"}
    assert all(s.state_by == "duty1" and s.state_at == clock.now() for s in closed.steps[2:])
    assert closed.steps[1].defer_note == "drill: extinguishers checked Monday"
    with floor.db.read() as session:
        assert emergency_views.running(session) == []
        entry = session.exec(
            select(JournalEntry)
            .where(JournalEntry.subject == f"emergency:{e.id}")
            .order_by(col(JournalEntry.seq).desc())
        ).first()
    assert entry is not None and entry.action == "emergency.close_early"
    after = json.loads(entry.after or "{}")
    assert after["text"] == "end of the drill" and after["not_done"] == list(range(3, 11))
    with pytest.raises(FloorError, match="closed early"):
        lifecycle.close_early(floor, e.id, "again")
    with pytest.raises(FloorError, match="closed early"):
        lifecycle.step_action(floor, e.id, 3, "done")


def test_close_early_cancels_reminders_and_timers(floor, clock, checklists) -> None:
    e = start(floor, "hotline_failure", checklists)
    assert pending_alerts(floor)
    lifecycle.close_early(floor, e.id, "false alarm: the switch came back")
    assert pending_alerts(floor) == []
    clock.advance(7 * 3600)
    assert alerts.fire_due(floor) == []


def test_close_early_needs_the_close_permission(floor, checklists) -> None:
    from floorman.domain.core.errors import PermissionDenied

    e = start(floor, "theft", checklists)
    feed = Floor(
        db=floor.db, clock=floor.clock, config=floor.config, actor=Actor("pbx", source="pbx")
    )
    with pytest.raises(PermissionDenied):
        lifecycle.close_early(feed, e.id, "false alarm")
    assert view(floor, e.id).running


def test_the_normal_close_still_refuses_open_steps(floor, checklists) -> None:
    e = start(floor, "theft", checklists)
    with pytest.raises(FloorError, match="not yet done, skipped or deferred"):
        lifecycle.close(floor, e.id)


def test_reports_show_an_early_close(floor, clock, checklists) -> None:
    e = start(floor, "earthquake", checklists)
    lifecycle.step_action(floor, e.id, 1, "done")
    lifecycle.close_early(floor, e.id, "false alarm | sensor test")
    with floor.db.read() as session:
        data = report.report_data(session, e.id)
        text = report.report_markdown(session, e.id, ZoneInfo("UTC"))
    assert data["status"] == "closed_early"
    assert data["close_reason"] == "false alarm | sensor test"
    assert data["not_done_steps"] == [2]
    assert "- Status: closed early" in text
    assert "- Closed early: false alarm \\| sensor test" in text
    assert "Not done (closed early): 2" in text
    assert "| 2 | " in text and "| not done |" in text


def test_a_defer_note_and_step_notes_reach_the_view(floor, checklists) -> None:
    e = start(floor, "earthquake", checklists)
    lifecycle.step_action(floor, e.id, 2, "note", "count at 10:00")
    lifecycle.step_action(floor, e.id, 2, "note", "two missing")
    lifecycle.step_action(floor, e.id, 2, "defer", "losses counted tomorrow")
    step = view(floor, e.id).steps[1]
    assert step.notes == ("count at 10:00", "two missing")
    assert step.defer_note == "losses counted tomorrow"
    assert view(floor, e.id).steps[0].notes == ()


# --------------------------------------------------------------------------- wording


def test_wording_is_editable_and_keeps_its_history(floor, clock, checklists) -> None:
    e = start(floor, "hotline_failure", checklists)
    lifecycle.set_wording(floor, e.id, "The hotline is down; we are restoring it.")
    clock.advance(120)
    updated = lifecycle.set_wording(floor, e.id, "Service restored at 10:05.\nThank you.")
    assert updated.wording == "Service restored at 10:05.\nThank you."
    assert (updated.wording_at, updated.wording_by) == (clock.now(), "duty1")
    with pytest.raises(FloorError, match="unchanged"):
        lifecycle.set_wording(floor, e.id, "Service restored at 10:05.\nThank you.")
    with floor.db.read() as session:
        history = [x.text for x in emergency_views.timeline(session, e.id) if x.action == "wording"]
    assert history == [
        "The hotline is down; we are restoring it.",
        "Service restored at 10:05.\nThank you.",
    ]


# --------------------------------------------------------------------------- several at once


def test_several_at_once_are_ordered_by_priority(floor, clock, checklists) -> None:
    password = start(floor, "password", checklists)
    clock.advance(60)
    hotline = start(floor, "hotline_failure", checklists)
    clock.advance(60)
    fire = start(floor, "fire", checklists, drill=True)
    clock.advance(5)
    with floor.db.read() as session:
        order = [v.kind for v in emergency_views.running(session)]
        header = emergency_views.header_text(session, clock.now())
        header_zh = emergency_views.header_text(session, clock.now(), "zh")
        ids = {v.id for v in emergency_views.running(session)}
    assert order == ["fire", "hotline_failure", "password"]
    assert header == (
        "! DRILL Fire 00:05 | ! Hotline system failure 01:05 | "
        "! Login password stolen or forgotten 02:05"
    )
    assert header_zh.startswith("! DRILL 火灾 00:05 | ! 热线系统故障")
    assert ids == {password.id, hotline.id, fire.id}


def test_header_is_empty_when_nothing_runs(floor, clock) -> None:
    with floor.db.read() as session:
        assert emergency_views.header_text(session, clock.now()) == ""


def test_ambiguous_or_short_ids_are_refused(floor, checklists) -> None:
    e = start(floor, "theft", checklists)
    with floor.db.read() as session:
        with pytest.raises(FloorError, match="at least 4"):
            emergency_views.get_emergency(session, e.id[:3])
        with pytest.raises(FloorError, match="no such emergency"):
            emergency_views.get_emergency(session, "ffffffff-nope")
        assert emergency_views.get_emergency(session, e.id[:6].upper()).id == e.id


# --------------------------------------------------------------------------- reminders & timers


def test_step_reminder_fires_if_the_step_is_not_done_in_time(floor, clock, checklists) -> None:
    e = start(floor, "fire", checklists)
    due = {a.dedupe_key: a.due_at for a in pending_alerts(floor)}
    assert due == {
        f"emergency:{e.id}:step:2": e.started_at + timedelta(minutes=2),
        f"emergency:{e.id}:step:8": e.started_at + timedelta(minutes=10),
    }
    clock.advance(119)
    assert alerts.fire_due(floor) == []
    clock.advance(1)
    fired = alerts.fire_due(floor)
    assert [(a.kind, a.severity) for a in fired] == [("emergency.reminder", "warning")]
    assert "step 2 not done after 2 min" in fired[0].message
    assert "119" in fired[0].message


def test_step_reminder_is_cancelled_when_the_step_is_done(floor, clock, checklists) -> None:
    e = start(floor, "fire", checklists)
    clock.advance(60)
    lifecycle.step_action(floor, e.id, 2, "done")
    lifecycle.step_action(floor, e.id, 8, "skip", "management on site")
    assert pending_alerts(floor) == []
    clock.advance(3600)
    assert alerts.fire_due(floor) == []


def test_a_deferred_step_keeps_its_reminder(floor, clock, checklists) -> None:
    e = start(floor, "fire", checklists)
    lifecycle.step_action(floor, e.id, 8, "defer")
    clock.advance(600)
    fired = alerts.fire_due(floor)
    assert {a.message.split(":")[1].strip() for a in fired} >= {"step 8 not done after 10 min"}


def test_hotline_failure_raises_the_written_plan_alert_at_six_hours(
    floor, clock, checklists
) -> None:
    e = start(floor, "hotline_failure", checklists)
    for number in range(1, 12):
        if number != 11:
            lifecycle.step_action(floor, e.id, number, "done")
    clock.advance(6 * 3600 - 1)
    assert alerts.fire_due(floor) == []
    clock.advance(1)
    fired = alerts.fire_due(floor)
    assert [(a.kind, a.severity, a.subject) for a in fired] == [
        ("emergency.timer", "severe", f"emergency:{e.id}")
    ]
    assert "written plan is required" in fired[0].message


def test_closing_before_six_hours_cancels_the_written_plan_alert(floor, clock, checklists) -> None:
    e = start(floor, "hotline_failure", checklists)
    for number in range(1, 12):
        lifecycle.step_action(floor, e.id, number, "done")
    clock.advance(3 * 3600)
    lifecycle.close(floor, e.id)
    clock.advance(4 * 3600)
    assert alerts.fire_due(floor) == []


def test_drill_alerts_say_drill_and_chinese_floors_get_chinese(floor, clock, checklists) -> None:
    from dataclasses import replace

    zh_floor = replace(floor, config=replace(floor.config, language="zh"))
    start(zh_floor, "hotline_failure", checklists, drill=True)
    clock.advance(6 * 3600)
    messages = {a.kind: a.message for a in alerts.fire_due(floor)}
    assert messages["emergency.timer"].startswith("[DRILL] 热线系统故障: ")
    assert "书面计划" in messages["emergency.timer"]


# --------------------------------------------------------------------------- restart


def test_a_restart_finds_every_checklist_exactly_as_it_was(
    floor, clock, checklists, db_path: Path
) -> None:
    e = start(floor, "fire", checklists)
    clock.advance(30)
    lifecycle.step_action(floor, e.id, 1, "done")
    lifecycle.step_action(floor, e.id, 3, "skip", "fire too big")
    lifecycle.step_action(floor, e.id, 4, "assign", "Li Na")
    lifecycle.set_wording(floor, e.id, "Floor evacuated; calls diverted.")
    with floor.db.read() as session:
        before = (
            emergency_views.get_emergency(session, e.id),
            emergency_views.timeline(session, e.id),
        )
    floor.db.dispose()  # as if floorman was killed

    reopened = Database(db_path)
    try:
        again = Floor(db=reopened, clock=clock, config=floor.config, actor=floor.actor)
        clock.advance(90)
        with again.db.read() as session:
            after = (
                emergency_views.get_emergency(session, e.id),
                emergency_views.timeline(session, e.id),
            )
            assert [v.id for v in emergency_views.running(session)] == [e.id]
        assert after == before
        assert after[0].elapsed(clock.now()) == 120
        lifecycle.step_action(again, e.id, 2, "done")  # and carries on from there
        pending = {a.dedupe_key for a in pending_alerts(again)}
        assert pending == {f"emergency:{e.id}:step:8"}
    finally:
        reopened.dispose()


# --------------------------------------------------------------------------- timeline


def test_the_timeline_is_append_only(floor, checklists) -> None:
    e = start(floor, "theft", checklists)
    with floor.db.engine.connect() as conn:
        with pytest.raises(Exception, match="append-only"):
            conn.execute(text("UPDATE emergency_event SET actor = 'mallory'"))
        with pytest.raises(Exception, match="append-only"):
            conn.execute(text("DELETE FROM emergency_event"))
    with floor.db.read() as session:
        assert len(emergency_views.timeline(session, e.id)) == 1


def test_every_action_is_also_in_the_journal(floor, checklists) -> None:
    e = start(floor, "earthquake", checklists)
    lifecycle.step_action(floor, e.id, 1, "done")
    lifecycle.set_wording(floor, e.id, "All safe.")
    lifecycle.step_action(floor, e.id, 2, "defer")
    lifecycle.close(floor, e.id)
    with floor.db.read() as session:
        rows = session.exec(
            select(JournalEntry)
            .where(JournalEntry.subject == f"emergency:{e.id}")
            .order_by(col(JournalEntry.seq))
        ).all()
    assert [r.action for r in rows] == [
        "emergency.start",
        "emergency.step_done",
        "emergency.wording",
        "emergency.step_defer",
        "emergency.close",
    ]
    assert json.loads(rows[-1].after or "{}")["status"] == "complete_with_deferred"


# --------------------------------------------------------------------------- roll call


def staff_on_floor(floor: Floor) -> None:
    record_event(floor, "A-01", "ready", agent_no="1001")
    record_event(floor, "A-02", "busy", agent_no="1002")
    record_event(floor, "B-01", "ready", agent_no="1003")
    record_event(floor, "B-01", "away", reason="toilet")
    record_event(floor, "B-02", "ready", agent_no="1004")
    record_event(floor, "B-02", "empty")  # left the floor at end of shift


def test_roll_call_lists_staff_at_seats_ready_busy_or_away(small_floor) -> None:
    staff_on_floor(small_floor)
    with small_floor.db.read() as session:
        people = roll_call_people.people_on_floor(session)
    staff = [p for p in people if p.kind == PersonKind.STAFF]
    assert [(p.name, p.seat, p.zone, p.seat_state) for p in staff] == [
        ("Li Na", "A-01", "A", "ready"),
        ("王芳", "A-02", "A", "busy"),
        ("Zhang Wei", "B-01", "B", "away"),
    ]


def test_fire_opens_a_roll_call_and_people_are_marked_safe(small_floor, clock, checklists) -> None:
    staff_on_floor(small_floor)
    e = start(small_floor, "fire", checklists)
    assert e.has_roll_call
    clock.advance(240)
    line = headcount.mark_safe(small_floor, e.id, "zhang wei")
    assert (line.name, line.safe_at, line.safe_by) == ("Zhang Wei", clock.now(), "duty1")
    headcount.mark_safe(small_floor, e.id, "1")
    with pytest.raises(FloorError, match="already marked safe by duty1"):
        headcount.mark_safe(small_floor, e.id, "Li Na")
    with pytest.raises(FloorError, match="not on this roll call"):
        headcount.mark_safe(small_floor, e.id, "Nobody")
    added = headcount.add_to_roll_call(small_floor, e.id, "Courier", "lobby")
    assert added.position == 4
    with small_floor.db.read() as session:
        lines = headcount.roll_call_lines(session, e.id)
    assert [(x.kind, x.name, x.safe_by) for x in lines] == [
        ("staff", "Li Na", "duty1"),
        ("staff", "王芳", None),
        ("staff", "Zhang Wei", "duty1"),
        ("other", "Courier", None),
    ]
    assert lines[0].location == "seat A-01 (ready)" and lines[3].location == "lobby"


def test_a_checklist_without_roll_call_refuses_mark_safe(small_floor, checklists) -> None:
    staff_on_floor(small_floor)
    e = start(small_floor, "theft", checklists)
    with small_floor.db.read() as session:
        assert headcount.roll_call_lines(session, e.id) == []
    with pytest.raises(FloorError, match="no roll call"):
        headcount.mark_safe(small_floor, e.id, "Li Na")


# --------------------------------------------------------------------------- report


def run_a_small_incident(floor: Floor, clock, checklists) -> emergency_views.EmergencyView:
    staff_on_floor(floor)
    e = start(floor, "earthquake", checklists, drill=True)
    clock.advance(30)
    lifecycle.set_wording(floor, e.id, "Drill | evacuation under way")
    clock.advance(30)
    lifecycle.step_action(floor, e.id, 1, "note", "stairwell B used")
    lifecycle.step_action(floor, e.id, 1, "done")
    headcount.mark_safe(floor, e.id, "Li Na")
    clock.advance(60)
    lifecycle.step_action(floor, e.id, 2, "assign", "Wang")
    lifecycle.step_action(floor, e.id, 2, "defer")
    return lifecycle.close(floor, e.id)


def test_json_report_has_steps_times_actors_notes_wording(small_floor, clock, checklists) -> None:
    e = run_a_small_incident(small_floor, clock, checklists)
    with small_floor.db.read() as session:
        data = report.report_data(session, e.id)
    json.dumps(data)  # plain data only
    assert data["status"] == "complete_with_deferred" and data["drill"] is True
    assert data["duration_seconds"] == 120
    assert data["wording"]["text"] == "Drill | evacuation under way"  # type: ignore[index]
    steps = data["steps"]
    assert steps[0]["state"] == "done" and steps[0]["by"] == "duty1"  # type: ignore[index]
    assert steps[0]["at"] == (e.started_at + timedelta(seconds=60)).isoformat()  # type: ignore[index]
    assert steps[0]["notes"][0]["text"] == "stairwell B used"  # type: ignore[index]
    assert (steps[1]["state"], steps[1]["assignee"]) == ("deferred", "Wang")  # type: ignore[index]
    roll = data["roll_call"]
    assert [(r["name"], r["safe_by"]) for r in roll] == [  # type: ignore[attr-defined]
        ("Li Na", "duty1"),
        ("王芳", None),
        ("Zhang Wei", None),
    ]
    assert data["roll_call_count"] == {
        "people": 3, "safe": 1, "not_yet_safe": 2, "staff": 3, "visitors": 0
    }
    counts = data["step_counts"]
    assert counts["done"] + counts["deferred"] == counts["total"]  # type: ignore[index]
    assert counts["deferred"] == 1 and counts["not_done"] == 0  # type: ignore[index]
    assert [t["action"] for t in data["timeline"]][-1] == "close"  # type: ignore[attr-defined]


def test_markdown_report_reads_as_an_incident_report(small_floor, clock, checklists) -> None:
    e = run_a_small_incident(small_floor, clock, checklists)
    with small_floor.db.read() as session:
        md = report.report_markdown(session, e.id, ZoneInfo("Asia/Shanghai"))
        md_zh = report.report_markdown(session, e.id, ZoneInfo("Asia/Shanghai"), "zh")
    assert md.startswith("# Incident report: Earthquake (DRILL)\n")
    assert "- Status: complete with deferred items" in md
    assert "- Started: 2026-11-23 16:00:00 by duty1" in md  # 08:00 UTC in Shanghai
    assert "> Drill | evacuation under way" in md
    assert "| 2 | Help the company's departments" in md
    assert "| deferred | 2026-11-23 16:02:00 | duty1 | Wang | - |" in md
    assert "Deferred items: 2" in md
    assert "| 3 | staff | Zhang Wei | seat B-01 (away) | NOT ACCOUNTED FOR | - |" in md
    assert "- step 1, 2026-11-23 16:01:00 duty1: stairwell B used" in md
    assert "Drill \\| evacuation" not in md.split("## Steps")[0]  # quote keeps the text
    assert md_zh.startswith("# 应急事件报告：地震（演练）\n")
    assert "- 状态：已完成（有推迟事项）" in md_zh
    assert "| 已推迟 | 2026-11-23 16:02:00 | duty1 | Wang | - |" in md_zh
    assert "推迟事项：第 2 步" in md_zh
    assert "积极配合公司相关部门统计灾后" in md_zh
