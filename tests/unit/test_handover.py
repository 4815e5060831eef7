"""The handover log: prefill, carry-over, submit and acknowledge, locking, amendments, chain."""

from __future__ import annotations

import dataclasses
import json
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlmodel import select

from floorman.clock import FakeClock
from floorman.data.tables.floor import JournalEntry
from floorman.domain import alerts
from floorman.domain.away import actions as away_actions
from floorman.domain.away import views as away_views
from floorman.domain.core.context import Actor, Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.emergency import lifecycle as emergency_lifecycle
from floorman.domain.handover import (
    chain,
    find,
    history,
    lifecycle,
    markdown,
    open_items,
    reminders,
    views,
)
from floorman.domain.seats.events import record_event
from floorman.domain.shifts import assign_manager
from floorman.domain.visitors import decisions, presence, registration

UTC_ZONE = ZoneInfo("UTC")


def as_person(floor: Floor, name: str) -> Floor:
    return dataclasses.replace(floor, actor=Actor(name, f"test:{name}"))


def hand_over(floor: Floor, incoming: Floor, summary: str = "Quiet shift") -> views.HandoverView:
    """Compose, submit and acknowledge the current shift's handover."""
    lifecycle.compose(floor, summary=summary)
    lifecycle.submit(floor)
    return lifecycle.acknowledge(incoming, "pending", "all")


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

    view = lifecycle.compose(wang)
    state = view.live_state
    total = state["staffing"]["rows"][-1]
    # A-02 is away: at the seat is A-01 only, the away one counted apart.
    assert (total["zone"], total["staffed"], total["away"], total["open"], total["fault"]) == (
        "*",
        1,
        1,
        5,
        1,
    )
    zone_a = state["staffing"]["rows"][0]
    assert (zone_a["zone"], zone_a["staffed"], zone_a["open"]) == ("A", 1, 3)
    (agent_away,) = state["away_now"]["rows"]
    assert (agent_away["seat"], agent_away["agent"], agent_away["reason"], agent_away["away"]) == (
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
    assert set(state) == set(views.LIVE_SECTIONS)
    page = markdown.to_markdown(view, UTC_ZONE)
    assert "B-01 since 2026-11-23 08:00: screen dead" in page
    assert "Total: 1 staffed, 1 away / 5 open seats (20%), 1 out of order" in page


def test_every_live_section_is_read_from_its_panel(wang: Floor) -> None:
    view = lifecycle.compose(wang)
    assert {s: view.live_state[s]["available"] for s in views.LIVE_SECTIONS} == dict.fromkeys(
        views.LIVE_SECTIONS, True
    )
    assert "not installed" not in json.dumps(view.live_state)


def test_a_panel_that_fails_stops_the_compose_and_writes_nothing(
    wang: Floor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A broken panel is a bug that fails loudly, never a section hash-chained as missing."""

    def broken(*args: object, **kwargs: object) -> list[object]:
        raise ImportError("floorman.domain.away is broken")

    monkeypatch.setattr(away_views, "list_slips", broken)
    with pytest.raises(ImportError, match="is broken"):
        lifecycle.compose(wang, summary="Quiet")
    with pytest.raises(FloorError, match="no handover for shift"):
        find.get(wang)


def test_a_section_stored_as_not_available_still_renders(wang: Floor) -> None:
    """Handovers locked before every panel was imported plainly may hold such sections."""
    view = lifecycle.compose(wang)
    stored = {"available": False, "rows": [], "note": "away slips are not installed"}
    old = dataclasses.replace(view, live_state={**view.live_state, "away_issues": stored})
    assert markdown.section_lines(old, "away_issues", UTC_ZONE) == [
        "not available (away slips are not installed)"
    ]
    unrecorded = dataclasses.replace(view, live_state={})
    assert markdown.section_lines(unrecorded, "faults", UTC_ZONE) == [
        "not available (not recorded)"
    ]


def test_unapproved_and_overrun_aways_of_this_shift(
    wang: Floor, small_floor: Floor, clock: FakeClock
) -> None:
    record_event(small_floor, "A-01", "ready", agent_no="1001")
    record_event(small_floor, "A-01", "away", reason="toilet")  # no slip: unapproved
    clock.advance(minutes=2)
    record_event(small_floor, "A-01", "back")
    record_event(small_floor, "B-01", "ready", agent_no="1003")
    slip = away_actions.request(small_floor, "1003", "water")
    away_actions.approve(small_floor, slip.id)
    away_actions.start(small_floor, slip.id)
    clock.advance(minutes=4)  # water allows 3:00
    away_actions.back(small_floor, slip.id)
    record_event(small_floor, "B-02", "ready", agent_no="1004")
    ok = away_actions.request(small_floor, "1004", "toilet")
    away_actions.approve(small_floor, ok.id)
    away_actions.start(small_floor, ok.id)
    clock.advance(minutes=1)
    away_actions.back(small_floor, ok.id)  # approved and on time: not an issue

    rows = lifecycle.compose(wang).live_state["away_issues"]["rows"]
    assert [(r["seat"], r["approval"], r["over"]) for r in rows] == [
        ("A-01", "unapproved", "00:00"),
        ("B-01", "approved", "01:00"),
    ]


def test_running_emergencies_are_listed(wang: Floor, small_floor: Floor) -> None:
    emergency_lifecycle.start(small_floor, "lighting_power", drill=True)
    (row,) = lifecycle.compose(wang).live_state["emergencies"]["rows"]
    assert row["drill"] is True
    assert row["open_steps"] >= 1
    view = find.get(wang)
    assert "DRILL" in markdown.section_lines(view, "emergencies", UTC_ZONE)[0]


def test_visitors_on_the_floor_are_listed(wang: Floor, small_floor: Floor) -> None:
    registered = registration.register(
        small_floor,
        registration.Registration(
            name="Zhang Wei",
            organisation="Billing dept",
            category="internal",
            purpose="Check the billing screens",
            host="Li Na",
            badge="V-01",
            expected_minutes=30,
        ),
    )
    decisions.approve(small_floor, registered.id)
    presence.check_in(small_floor, registered.id)
    (row,) = lifecycle.compose(wang).live_state["visitors"]["rows"]
    assert (row["id"], row["host"], row["badge"]) == (registered.id[:8], "Li Na", "V-01")
    assert "name" not in row  # a locked handover keeps no visitor's name (issue 14)


def test_outgoing_is_the_assigned_duty_manager(small_floor: Floor, wang: Floor) -> None:
    assign_manager(small_floor, "current", "Sun")
    assign_manager(small_floor, "next", "Li")
    view = lifecycle.compose(wang)
    assert view.outgoing == "Sun"
    assert view.expected_incoming == "Li"


def test_text_is_cleaned_and_a_future_shift_refused(wang: Floor) -> None:
    view = lifecycle.compose(wang, summary="all fine\x1b]0;owned\x07\nline two")
    assert view.summary == "all fine\nline two"
    with pytest.raises(FloorError, match="has not started"):
        lifecycle.compose(wang, "next")


# -------------------------------------------------------------------- carry-over


def test_open_items_carry_over_until_closed(
    wang: Floor, li: Floor, zhao: Floor, clock: FakeClock
) -> None:
    lifecycle.compose(wang, summary="day shift")
    open_items.add_item(wang, None, "Printer on row 3 jams", owner="IT")
    open_items.add_item(wang, None, "Call back VIP 138", owner="Wang")
    open_items.close_item(wang, None, "2", note="done at 15:00")
    lifecycle.submit(wang)
    lifecycle.acknowledge(li, "pending", "all")

    clock.advance(hours=8)  # the evening shift: Li hands over to Zhao
    evening = lifecycle.compose(li, summary="evening")
    assert [(i.text, i.carried, i.status) for i in evening.items] == [
        ("Printer on row 3 jams", True, "open"),
    ]
    assert evening.items[0].owner == "IT"
    open_items.add_item(li, None, "Visitor badge V-07 not returned")
    lifecycle.submit(li)
    lifecycle.acknowledge(zhao, "pending", "all")

    clock.advance(hours=8)  # the night shift: the printer item is still open
    night = lifecycle.compose(zhao, summary="night")
    assert [i.text for i in night.open_items] == [
        "Printer on row 3 jams",
        "Visitor badge V-07 not returned",
    ]
    origin = night.items[0].origin_id
    open_items.close_item(zhao, None, "1", note="fixed by IT")
    lifecycle.compose(zhao)  # refreshing must not bring the closed item back
    lifecycle.submit(zhao)
    lifecycle.acknowledge(wang, "pending", "all")

    clock.advance(hours=8)
    morning = lifecycle.compose(wang, summary="morning")
    assert [i.text for i in morning.items] == ["Visitor badge V-07 not returned"]
    assert origin not in {i.origin_id for i in morning.items}


def test_items_added_to_the_previous_handover_later_still_carry(
    wang: Floor, li: Floor, zhao: Floor, clock: FakeClock
) -> None:
    lifecycle.compose(wang, summary="day")
    clock.advance(hours=8)
    lifecycle.compose(li, summary="evening")  # composed before the day one was finished
    open_items.add_item(wang, "2026-11-23/08:00-16:00", "Escalated complaint #42", owner="QA")
    view = lifecycle.submit(li)
    assert [i.text for i in view.items] == ["Escalated complaint #42"]


# ----------------------------------------------------------- submit, acknowledge


def test_acknowledgement_needs_another_person_and_every_section(wang: Floor, li: Floor) -> None:
    lifecycle.compose(wang)
    with pytest.raises(FloorError, match="write a summary"):
        lifecycle.submit(wang)
    lifecycle.edit(wang, summary="Two faults open")
    with pytest.raises(FloorError, match="no submitted handover"):
        lifecycle.acknowledge(li, None, "all")
    lifecycle.submit(wang)
    with pytest.raises(FloorError, match="already submitted"):
        lifecycle.submit(wang)
    with pytest.raises(FloorError, match="floor state was frozen"):
        lifecycle.compose(wang)
    with pytest.raises(FloorError, match="someone other than Wang"):
        lifecycle.acknowledge(wang, None, "all")
    with pytest.raises(FloorError, match=r"not reviewed: .*Terminal faults open"):
        lifecycle.acknowledge(li, None, "staffing,away_now,summary")
    with pytest.raises(FloorError, match="unknown section"):
        lifecycle.acknowledge(li, None, "staffing,coffee")
    view = lifecycle.acknowledge(li, None, list(views.SECTIONS))
    assert view.status == "acknowledged" and view.locked
    assert (view.outgoing, view.incoming, view.submitted_by) == ("Wang", "Li", "Wang")
    assert view.reviewed == list(views.SECTIONS)
    assert view.prev_hash == chain.GENESIS
    assert view.content_hash is not None and len(view.content_hash) == 64
    with wang.db.read() as session:
        actions = [j.action for j in session.exec(select(JournalEntry)).all()]
    assert {"handover.compose", "handover.submit", "handover.acknowledge"} <= set(actions)


def test_only_the_next_shifts_duty_manager_acknowledges(
    small_floor: Floor, wang: Floor, li: Floor, zhao: Floor
) -> None:
    assign_manager(small_floor, "next", "Li")
    composed = lifecycle.compose(wang, summary="Quiet")
    assert composed.expected_incoming == "Li"
    lifecycle.submit(wang)
    with pytest.raises(FloorError, match="goes to Li, the next shift's duty manager"):
        lifecycle.acknowledge(zhao, None, "all")
    assert find.get(zhao, "pending").status == "submitted"  # the refusal changed nothing
    # A stand-in is put on the roster first; then the acknowledgement is theirs.
    assign_manager(small_floor, "next", "Zhao")
    view = lifecycle.acknowledge(zhao, None, "all")
    assert (view.status, view.incoming) == ("acknowledged", "Zhao")


# ------------------------------------------------------------ locking, amendments


def test_a_locked_handover_refuses_edits_and_takes_amendments(
    wang: Floor, li: Floor, clock: FakeClock
) -> None:
    lifecycle.compose(wang, summary="Quiet")
    open_items.add_item(wang, None, "Check seat B-03 headset")
    lifecycle.submit(wang)
    locked = lifecycle.acknowledge(li, "pending", "all")
    for attempt in (
        lambda: lifecycle.edit(wang, summary="rewritten"),
        lambda: open_items.add_item(wang, None, "late item"),
        lambda: open_items.close_item(wang, None, "1"),
        lambda: lifecycle.compose(wang, summary="again"),
        lambda: lifecycle.submit(wang),
    ):
        with pytest.raises(FloorError, match=r"acknowledged by Li .* is locked; add an amendment"):
            attempt()

    clock.advance(minutes=20)
    lifecycle.amend(wang, locked.id[:8], "Forgot: the fire door on the east side sticks")
    clock.advance(minutes=5)
    lifecycle.amend(li, None, "Headset replaced")
    view = find.get(wang, locked.shift_id)
    assert view.summary == "Quiet"
    assert view.content_hash == locked.content_hash
    assert [(a.seq, a.author, a.text) for a in view.amendments] == [
        (1, "Wang", "Forgot: the fire door on the east side sticks"),
        (2, "Li", "Headset replaced"),
    ]
    assert view.amendments[0].at == locked.acknowledged_at.replace(minute=20)  # type: ignore[union-attr]
    page = markdown.to_markdown(view, UTC_ZONE)
    assert page.index("## Amendments") > page.index("## Notes")
    assert "- 2026-11-23 08:20 Wang: Forgot: the fire door" in page
    with wang.db.read() as session:
        assert chain.verify_chain(session) == []


def test_an_unlocked_handover_cannot_be_amended(wang: Floor) -> None:
    lifecycle.compose(wang, summary="x")
    with pytest.raises(FloorError, match="not locked yet; edit it directly"):
        lifecycle.amend(wang, "current", "note")


# -------------------------------------------------------------------------- chain


def _two_locked(wang: Floor, li: Floor, zhao: Floor, clock: FakeClock) -> list[str]:
    first = hand_over(wang, li, "day")
    lifecycle.amend(wang, first.shift_id, "one more thing")
    clock.advance(hours=8)
    second = hand_over(li, zhao, "evening")
    assert second.prev_hash == first.content_hash
    return [first.shift_id, second.shift_id]


def test_the_chain_verifies_when_untouched(
    wang: Floor, li: Floor, zhao: Floor, clock: FakeClock
) -> None:
    _two_locked(wang, li, zhao, clock)
    with wang.db.read() as session:
        assert chain.verify_chain(session) == []


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
    lifecycle.compose(wang, summary="day")
    open_items.add_item(wang, None, "leak")
    day, evening = _two_locked(wang, li, zhao, clock)
    with wang.db.engine.begin() as conn:
        conn.execute(text(sql), {"day": day})
    with wang.db.read() as session:
        problems = chain.verify_chain(session)
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
        from floorman.data.tables.handover import Handover

        row = session.exec(select(Handover).where(Handover.shift_id == day)).one()
        row.content_hash = chain.content_hash(row, views.items_of(session, row.id))
        session.add(row)
    with wang.db.read() as session:
        problems = chain.verify_chain(session)
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
        problems = chain.verify_chain(session)
    assert any(evening in p and "missing from the chain" in p for p in problems)


# ---------------------------------------------------------------------- reminders


def _fired(floor: Floor) -> list[tuple[str, str]]:
    return [(a.kind, a.subject) for a in alerts.fire_due(floor)]


DAY = "2026-11-23/08:00-16:00"


def test_reminder_before_shift_end_when_nothing_is_submitted(
    small_floor: Floor, clock: FakeClock
) -> None:
    reminders.ensure_reminders(small_floor)
    reminders.ensure_reminders(small_floor)  # idempotent
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
    reminders.ensure_reminders(wang)
    clock.advance(hours=7)  # 15:00
    lifecycle.compose(wang, summary="done")
    lifecycle.submit(wang)
    clock.advance(hours=1)  # 16:00
    assert _fired(wang) == []
    clock.advance(minutes=30)  # 16:30: submitted but nobody acknowledged
    assert _fired(wang) == [("handover.escalate", DAY)]


def test_no_alert_fires_for_a_handover_done_on_time(
    wang: Floor, li: Floor, clock: FakeClock
) -> None:
    lifecycle.compose(wang, summary="done")  # composing schedules the reminders too
    clock.advance(hours=7, minutes=50)
    lifecycle.submit(wang)
    clock.advance(minutes=15)  # 16:05
    lifecycle.acknowledge(li, None, "all")
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
    reminders.ensure_reminders(floor)
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
    lifecycle.compose(wang, summary="Hotline down 10 minutes")
    open_items.add_item(wang, None, "Send the outage report", owner="Wang")
    lifecycle.submit(wang)
    lifecycle.acknowledge(li, None, "all")
    lifecycle.amend(li, DAY, "Report sent at 17:00 by 100% sure")
    clock.advance(hours=8)
    lifecycle.compose(li, summary="Quiet evening")
    with wang.db.read() as session:
        everything = history.list_handovers(session)
        assert [h.shift_id for h in everything] == ["2026-11-23/16:00-24:00", DAY]
        assert everything[0].open_items == 1  # carried over
        assert everything[1].amendments == 1
        assert [h.shift_id for h in history.list_handovers(session, search="hotline")] == [DAY]
        assert [h.shift_id for h in history.list_handovers(session, search="outage")] == [
            "2026-11-23/16:00-24:00",
            DAY,
        ]
        assert [h.shift_id for h in history.list_handovers(session, search="100%")] == [DAY]
        assert history.list_handovers(session, search="fire") == []
    assert find.get(wang, "last").shift_id == "2026-11-23/16:00-24:00"
    data = find.get(wang, DAY).as_json()
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
    reminders.ensure_reminders_quietly(gap)  # 08:00: no shift on, nothing to schedule
    with small_floor.db.read() as session:
        assert alerts.pending(session) == []
    reminders.ensure_reminders_quietly(small_floor)
    with small_floor.db.read() as session:
        keys = sorted(a.dedupe_key or "" for a in alerts.pending(session))
    assert keys == [f"handover.escalate:{DAY}", f"handover.remind:{DAY}"]
