"""The handover log: prefill, carry-over, submit and acknowledge, locking, amendments, chain."""

from __future__ import annotations

import dataclasses
import json
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlmodel import select

from floorman.clock import FakeClock
from floorman.data.models import JournalEntry
from floorman.domain import alerts, handover
from floorman.domain.core.context import Actor, Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.seats.events import record_event
from floorman.domain.shifts import assign_manager

UTC_ZONE = ZoneInfo("UTC")


def as_person(floor: Floor, name: str) -> Floor:
    return dataclasses.replace(floor, actor=Actor(name, f"test:{name}"))


def hand_over(floor: Floor, incoming: Floor, summary: str = "Quiet shift") -> handover.HandoverView:
    """Compose, submit and acknowledge the current shift's handover."""
    handover.compose(floor, summary=summary)
    handover.submit(floor)
    return handover.acknowledge(incoming, "pending", "all")


@pytest.fixture
def wang(small_floor: Floor) -> Floor:
    return as_person(small_floor, "Wang")


@pytest.fixture
def li(small_floor: Floor) -> Floor:
    return as_person(small_floor, "Li")


@pytest.fixture
def zhao(small_floor: Floor) -> Floor:
    return as_person(small_floor, "Zhao")


# ------------------------------------------------------------------------ prefill


def test_composer_is_prefilled_from_the_live_floor(
    wang: Floor, small_floor: Floor, clock: FakeClock
) -> None:
    record_event(small_floor, "A-01", "ready", agent_no="1001")
    record_event(small_floor, "A-02", "ready", agent_no="1002")
    record_event(small_floor, "A-02", "away", reason="toilet")
    record_event(small_floor, "B-01", "fault", reason="screen dead")
    with small_floor.db.write() as session:
        alerts.schedule(
            session,
            small_floor,
            kind="away.breach",
            subject="A-02",
            due_at=clock.now(),
            severity="breach",
            message="away over 5 minutes",
        )
    clock.advance(minutes=7)
    alerts.fire_due(small_floor)

    view = handover.compose(wang)
    state = view.live_state
    total = state["staffing"]["rows"][-1]
    assert (total["zone"], total["staffed"], total["open"], total["fault"]) == ("*", 2, 5, 1)
    zone_a = state["staffing"]["rows"][0]
    assert (zone_a["zone"], zone_a["staffed"], zone_a["open"]) == ("A", 2, 3)
    (away,) = state["away_now"]["rows"]
    assert (away["seat"], away["agent"], away["reason"], away["away"]) == (
        "A-02",
        "1002",
        "toilet",
        "07:00",
    )
    (fault,) = state["faults"]["rows"]
    assert (fault["seat"], fault["reason"]) == ("B-01", "screen dead")
    mine = [a for a in state["alerts"]["rows"] if a["message"] == "away over 5 minutes"]
    assert [(a["kind"], a["subject"], a["severity"]) for a in mine] == [
        ("away.breach", "A-02", "breach")
    ]
    assert state["visitors"] == {"available": True, "rows": []}
    assert view.outgoing == "Wang"
    assert view.status == "draft"
    assert set(state) == set(handover.LIVE_SECTIONS)
    markdown = handover.to_markdown(view, UTC_ZONE)
    assert "B-01 since 2026-11-23 08:00: screen dead" in markdown
    assert "Total: 2 staffed / 5 open seats (40%), 1 out of order" in markdown


def test_sections_from_panels_not_installed_say_not_available(
    wang: Floor, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = handover._optional_module
    monkeypatch.setattr(
        handover,
        "_optional_module",
        lambda name: None if name.endswith((".away.views", ".emergency")) else real(name),
    )
    view = handover.compose(wang)
    for section in ("away_issues", "emergencies"):
        assert view.live_state[section]["available"] is False
        assert "not installed" in view.live_state[section]["note"]
        assert "not available" in handover.section_lines(view, section, UTC_ZONE)[0]
    assert view.live_state["faults"]["available"] is True


def test_unapproved_and_overrun_aways_of_this_shift(
    wang: Floor, small_floor: Floor, clock: FakeClock
) -> None:
    away = pytest.importorskip("floorman.domain.away.actions")
    record_event(small_floor, "A-01", "ready", agent_no="1001")
    record_event(small_floor, "A-01", "away", reason="toilet")  # no slip: unapproved
    clock.advance(minutes=2)
    record_event(small_floor, "A-01", "back")
    record_event(small_floor, "B-01", "ready", agent_no="1003")
    slip = away.request(small_floor, "1003", "water")
    away.approve(small_floor, slip.id)
    away.start(small_floor, slip.id)
    clock.advance(minutes=4)  # water allows 3:00
    away.back(small_floor, slip.id)
    record_event(small_floor, "B-02", "ready", agent_no="1004")
    ok = away.request(small_floor, "1004", "toilet")
    away.approve(small_floor, ok.id)
    away.start(small_floor, ok.id)
    clock.advance(minutes=1)
    away.back(small_floor, ok.id)  # approved and on time: not an issue

    rows = handover.compose(wang).live_state["away_issues"]["rows"]
    assert [(r["seat"], r["approval"], r["over"]) for r in rows] == [
        ("A-01", "unapproved", "00:00"),
        ("B-01", "approved", "01:00"),
    ]


def test_running_emergencies_are_listed(wang: Floor, small_floor: Floor) -> None:
    emergency = pytest.importorskip("floorman.domain.emergency")
    emergency.start(small_floor, "lighting_power", drill=True)
    (row,) = handover.compose(wang).live_state["emergencies"]["rows"]
    assert row["drill"] is True
    assert row["open_steps"] >= 1
    view = handover.get(wang)
    assert "DRILL" in handover.section_lines(view, "emergencies", UTC_ZONE)[0]


def test_visitors_on_the_floor_are_listed(wang: Floor, small_floor: Floor) -> None:
    visitors = pytest.importorskip("floorman.domain.visitors")
    registered = visitors.register(
        small_floor,
        visitors.Registration(
            name="Zhang Wei",
            organisation="Billing dept",
            category="internal",
            purpose="Check the billing screens",
            host="Li Na",
            badge="V-01",
            expected_minutes=30,
        ),
    )
    visitors.approve(small_floor, registered.id)
    visitors.check_in(small_floor, registered.id)
    (row,) = handover.compose(wang).live_state["visitors"]["rows"]
    assert (row["name"], row["host"], row["badge"]) == ("Zhang Wei", "Li Na", "V-01")


def test_outgoing_is_the_assigned_duty_manager(small_floor: Floor, wang: Floor) -> None:
    assign_manager(small_floor, "current", "Sun")
    assign_manager(small_floor, "next", "Li")
    view = handover.compose(wang)
    assert view.outgoing == "Sun"
    assert view.expected_incoming == "Li"


def test_text_is_cleaned_and_a_future_shift_refused(wang: Floor) -> None:
    view = handover.compose(wang, summary="all fine\x1b]0;owned\x07\nline two")
    assert view.summary == "all fine\nline two"
    with pytest.raises(FloorError, match="has not started"):
        handover.compose(wang, "next")


# -------------------------------------------------------------------- carry-over


def test_open_items_carry_over_until_closed(
    wang: Floor, li: Floor, zhao: Floor, clock: FakeClock
) -> None:
    handover.compose(wang, summary="day shift")
    handover.add_item(wang, None, "Printer on row 3 jams", owner="IT")
    handover.add_item(wang, None, "Call back VIP 138", owner="Wang")
    handover.close_item(wang, None, "2", note="done at 15:00")
    handover.submit(wang)
    handover.acknowledge(li, "pending", "all")

    clock.advance(hours=8)  # the evening shift: Li hands over to Zhao
    evening = handover.compose(li, summary="evening")
    assert [(i.text, i.carried, i.status) for i in evening.items] == [
        ("Printer on row 3 jams", True, "open"),
    ]
    assert evening.items[0].owner == "IT"
    handover.add_item(li, None, "Visitor badge V-07 not returned")
    handover.submit(li)
    handover.acknowledge(zhao, "pending", "all")

    clock.advance(hours=8)  # the night shift: the printer item is still open
    night = handover.compose(zhao, summary="night")
    assert [i.text for i in night.open_items] == [
        "Printer on row 3 jams",
        "Visitor badge V-07 not returned",
    ]
    origin = night.items[0].origin_id
    handover.close_item(zhao, None, "1", note="fixed by IT")
    handover.compose(zhao)  # refreshing must not bring the closed item back
    handover.submit(zhao)
    handover.acknowledge(wang, "pending", "all")

    clock.advance(hours=8)
    morning = handover.compose(wang, summary="morning")
    assert [i.text for i in morning.items] == ["Visitor badge V-07 not returned"]
    assert origin not in {i.origin_id for i in morning.items}


def test_items_added_to_the_previous_handover_later_still_carry(
    wang: Floor, li: Floor, zhao: Floor, clock: FakeClock
) -> None:
    handover.compose(wang, summary="day")
    clock.advance(hours=8)
    handover.compose(li, summary="evening")  # composed before the day one was finished
    handover.add_item(wang, "2026-11-23/08:00-16:00", "Escalated complaint #42", owner="QA")
    view = handover.submit(li)
    assert [i.text for i in view.items] == ["Escalated complaint #42"]


# ----------------------------------------------------------- submit, acknowledge


def test_acknowledgement_needs_another_person_and_every_section(wang: Floor, li: Floor) -> None:
    handover.compose(wang)
    with pytest.raises(FloorError, match="write a summary"):
        handover.submit(wang)
    handover.edit(wang, summary="Two faults open")
    with pytest.raises(FloorError, match="no submitted handover"):
        handover.acknowledge(li, None, "all")
    handover.submit(wang)
    with pytest.raises(FloorError, match="already submitted"):
        handover.submit(wang)
    with pytest.raises(FloorError, match="floor state was frozen"):
        handover.compose(wang)
    with pytest.raises(FloorError, match="someone other than Wang"):
        handover.acknowledge(wang, None, "all")
    with pytest.raises(FloorError, match=r"not reviewed: .*faults"):
        handover.acknowledge(li, None, "staffing,away_now,summary")
    with pytest.raises(FloorError, match="unknown section"):
        handover.acknowledge(li, None, "staffing,coffee")
    view = handover.acknowledge(li, None, list(handover.SECTIONS))
    assert view.status == "acknowledged" and view.locked
    assert (view.outgoing, view.incoming, view.submitted_by) == ("Wang", "Li", "Wang")
    assert view.reviewed == list(handover.SECTIONS)
    assert view.prev_hash == handover.GENESIS
    assert view.content_hash is not None and len(view.content_hash) == 64
    with wang.db.read() as session:
        actions = [j.action for j in session.exec(select(JournalEntry)).all()]
    assert {"handover.compose", "handover.submit", "handover.acknowledge"} <= set(actions)


def test_only_the_next_shifts_duty_manager_acknowledges(
    small_floor: Floor, wang: Floor, li: Floor, zhao: Floor
) -> None:
    assign_manager(small_floor, "next", "Li")
    composed = handover.compose(wang, summary="Quiet")
    assert composed.expected_incoming == "Li"
    handover.submit(wang)
    with pytest.raises(FloorError, match="goes to Li, the next shift's duty manager"):
        handover.acknowledge(zhao, None, "all")
    assert handover.get(zhao, "pending").status == "submitted"  # the refusal changed nothing
    # A stand-in is put on the roster first; then the acknowledgement is theirs.
    assign_manager(small_floor, "next", "Zhao")
    view = handover.acknowledge(zhao, None, "all")
    assert (view.status, view.incoming) == ("acknowledged", "Zhao")


# ------------------------------------------------------------ locking, amendments


def test_a_locked_handover_refuses_edits_and_takes_amendments(
    wang: Floor, li: Floor, clock: FakeClock
) -> None:
    handover.compose(wang, summary="Quiet")
    handover.add_item(wang, None, "Check seat B-03 headset")
    handover.submit(wang)
    locked = handover.acknowledge(li, "pending", "all")
    for attempt in (
        lambda: handover.edit(wang, summary="rewritten"),
        lambda: handover.add_item(wang, None, "late item"),
        lambda: handover.close_item(wang, None, "1"),
        lambda: handover.compose(wang, summary="again"),
        lambda: handover.submit(wang),
    ):
        with pytest.raises(FloorError, match=r"acknowledged by Li .* is locked; add an amendment"):
            attempt()

    clock.advance(minutes=20)
    handover.amend(wang, locked.id[:8], "Forgot: the fire door on the east side sticks")
    clock.advance(minutes=5)
    handover.amend(li, None, "Headset replaced")
    view = handover.get(wang, locked.shift_id)
    assert view.summary == "Quiet"
    assert view.content_hash == locked.content_hash
    assert [(a.seq, a.author, a.text) for a in view.amendments] == [
        (1, "Wang", "Forgot: the fire door on the east side sticks"),
        (2, "Li", "Headset replaced"),
    ]
    assert view.amendments[0].at == locked.acknowledged_at.replace(minute=20)  # type: ignore[union-attr]
    markdown = handover.to_markdown(view, UTC_ZONE)
    assert markdown.index("## Amendments") > markdown.index("## Notes")
    assert "- 2026-11-23 08:20 Wang: Forgot: the fire door" in markdown
    with wang.db.read() as session:
        assert handover.verify_chain(session) == []


def test_an_unlocked_handover_cannot_be_amended(wang: Floor) -> None:
    handover.compose(wang, summary="x")
    with pytest.raises(FloorError, match="not locked yet; edit it directly"):
        handover.amend(wang, "current", "note")


# -------------------------------------------------------------------------- chain


def _two_locked(wang: Floor, li: Floor, zhao: Floor, clock: FakeClock) -> list[str]:
    first = hand_over(wang, li, "day")
    handover.amend(wang, first.shift_id, "one more thing")
    clock.advance(hours=8)
    second = hand_over(li, zhao, "evening")
    assert second.prev_hash == first.content_hash
    return [first.shift_id, second.shift_id]


def test_the_chain_verifies_when_untouched(
    wang: Floor, li: Floor, zhao: Floor, clock: FakeClock
) -> None:
    _two_locked(wang, li, zhao, clock)
    with wang.db.read() as session:
        assert handover.verify_chain(session) == []


DAY_ITEMS = "handover_id = (SELECT id FROM handover WHERE shift_id = :day)"


@pytest.mark.parametrize(
    ("sql", "problem"),
    [
        (
            "UPDATE handover SET summary = 'nothing happened' WHERE shift_id = :day",
            "content does not match its hash",
        ),
        (
            "UPDATE handover_item SET status = 'closed' WHERE text = 'leak' AND " + DAY_ITEMS,
            "content does not match its hash",
        ),
        (
            "UPDATE handover SET live_state = '{}' WHERE shift_id = :day",
            "content does not match its hash",
        ),
        ("UPDATE handover_amendment SET text = 'nothing' ", "amendment 1 does not match its hash"),
        (
            "DELETE FROM handover_item WHERE text = 'leak' AND " + DAY_ITEMS,
            "content does not match its hash",
        ),
    ],
)
def test_a_tampered_row_is_named(
    wang: Floor, li: Floor, zhao: Floor, clock: FakeClock, sql: str, problem: str
) -> None:
    handover.compose(wang, summary="day")
    handover.add_item(wang, None, "leak")
    day, evening = _two_locked(wang, li, zhao, clock)
    with wang.db.engine.begin() as conn:
        conn.execute(text(sql), {"day": day})
    with wang.db.read() as session:
        problems = handover.verify_chain(session)
    assert len(problems) == 1
    assert problems[0].startswith(f"handover {day} (")
    assert problems[0].endswith(problem)
    assert all(evening not in p for p in problems)


def test_a_rewritten_hash_breaks_the_link_to_the_next(
    wang: Floor, li: Floor, zhao: Floor, clock: FakeClock
) -> None:
    day, evening = _two_locked(wang, li, zhao, clock)
    # Someone edits the day handover and recomputes its hash: the next one's link breaks.
    with wang.db.engine.begin() as conn:
        conn.execute(
            text("UPDATE handover SET summary = 'edited' WHERE shift_id = :day"), {"day": day}
        )
    with wang.db.write() as session:
        from floorman.data.tables_handover import Handover

        row = session.exec(select(Handover).where(Handover.shift_id == day)).one()
        row.content_hash = handover.content_hash(row, handover._items(session, row.id))
        session.add(row)
    with wang.db.read() as session:
        problems = handover.verify_chain(session)
    assert any(evening in p and "link to the previous handover" in p for p in problems)
    assert any(day in p and "amendment 1" in p for p in problems)


def test_a_removed_handover_leaves_a_gap(
    wang: Floor, li: Floor, zhao: Floor, clock: FakeClock
) -> None:
    day, evening = _two_locked(wang, li, zhao, clock)
    with wang.db.engine.begin() as conn:
        conn.execute(text("DELETE FROM handover_amendment"))
        conn.execute(text("DELETE FROM handover_item"))
        conn.execute(text("DELETE FROM handover WHERE shift_id = :day"), {"day": day})
    with wang.db.read() as session:
        problems = handover.verify_chain(session)
    assert any(evening in p and "missing from the chain" in p for p in problems)


# ---------------------------------------------------------------------- reminders


def _fired(floor: Floor) -> list[tuple[str, str]]:
    return [(a.kind, a.subject) for a in alerts.fire_due(floor)]


DAY = "2026-11-23/08:00-16:00"


def test_reminder_before_shift_end_when_nothing_is_submitted(
    small_floor: Floor, clock: FakeClock
) -> None:
    handover.ensure_reminders(small_floor)
    handover.ensure_reminders(small_floor)  # idempotent
    clock.advance(hours=7, minutes=29)  # 15:29
    assert _fired(small_floor) == []
    clock.advance(minutes=1)  # 15:30, 30 minutes before the end
    assert _fired(small_floor) == [("handover.remind", DAY)]
    clock.advance(minutes=59)  # 16:29
    assert _fired(small_floor) == []
    clock.advance(minutes=1)  # 16:30, 30 minutes into the next shift
    assert _fired(small_floor) == [("handover.escalate", DAY)]


def test_submitting_cancels_the_reminder_and_acknowledging_the_escalation(
    wang: Floor, li: Floor, clock: FakeClock
) -> None:
    handover.ensure_reminders(wang)
    clock.advance(hours=7)  # 15:00
    handover.compose(wang, summary="done")
    handover.submit(wang)
    clock.advance(hours=1)  # 16:00
    assert _fired(wang) == []
    clock.advance(minutes=30)  # 16:30: submitted but nobody acknowledged
    assert _fired(wang) == [("handover.escalate", DAY)]


def test_no_alert_fires_for_a_handover_done_on_time(
    wang: Floor, li: Floor, clock: FakeClock
) -> None:
    handover.compose(wang, summary="done")  # composing schedules the reminders too
    clock.advance(hours=7, minutes=50)
    handover.submit(wang)
    clock.advance(minutes=15)  # 16:05
    handover.acknowledge(li, None, "all")
    clock.advance(hours=2)
    assert [a for a in _fired(wang) if a[1] == DAY] == []


def test_reminder_minutes_come_from_the_config(small_floor: Floor, clock: FakeClock) -> None:
    from floorman.config import ShiftsConfig

    floor = dataclasses.replace(
        small_floor,
        config=dataclasses.replace(
            small_floor.config,
            shifts=ShiftsConfig(remind_before_minutes=10, escalate_after_minutes=5),
        ),
    )
    handover.ensure_reminders(floor)
    clock.advance(hours=7, minutes=49)
    assert _fired(floor) == []
    clock.advance(minutes=1)
    assert _fired(floor) == [("handover.remind", DAY)]
    clock.advance(minutes=15)
    assert _fired(floor) == [("handover.escalate", DAY)]


# ------------------------------------------------------------------------ history


def test_history_lists_newest_first_and_searches_all_text(
    wang: Floor, li: Floor, zhao: Floor, clock: FakeClock
) -> None:
    handover.compose(wang, summary="Hotline down 10 minutes")
    handover.add_item(wang, None, "Send the outage report", owner="Wang")
    handover.submit(wang)
    handover.acknowledge(li, None, "all")
    handover.amend(li, DAY, "Report sent at 17:00 by 100% sure")
    clock.advance(hours=8)
    handover.compose(li, summary="Quiet evening")
    with wang.db.read() as session:
        everything = handover.list_handovers(session)
        assert [h.shift_id for h in everything] == ["2026-11-23/16:00-24:00", DAY]
        assert everything[0].open_items == 1  # carried over
        assert everything[1].amendments == 1
        assert [h.shift_id for h in handover.list_handovers(session, search="hotline")] == [DAY]
        assert [h.shift_id for h in handover.list_handovers(session, search="outage")] == [
            "2026-11-23/16:00-24:00",
            DAY,
        ]
        assert [h.shift_id for h in handover.list_handovers(session, search="100%")] == [DAY]
        assert handover.list_handovers(session, search="fire") == []
    assert handover.get(wang, "last").shift_id == "2026-11-23/16:00-24:00"
    data = handover.get(wang, DAY).as_json()
    assert json.loads(json.dumps(data))["summary"] == "Hotline down 10 minutes"


def test_quiet_reminders_schedule_the_shift_on_now_and_tolerate_gaps(
    small_floor: Floor, clock: FakeClock
) -> None:
    from floorman.config import ShiftsConfig

    gap = dataclasses.replace(
        small_floor,
        config=dataclasses.replace(
            small_floor.config, shifts=ShiftsConfig(pattern=("09:00-17:00",))
        ),
    )
    handover.ensure_reminders_quietly(gap)  # 08:00: no shift on, nothing to schedule
    with small_floor.db.read() as session:
        assert alerts.pending(session) == []
    handover.ensure_reminders_quietly(small_floor)
    with small_floor.db.read() as session:
        keys = sorted(a.dedupe_key or "" for a in alerts.pending(session))
    assert keys == [f"handover.escalate:{DAY}", f"handover.remind:{DAY}"]
