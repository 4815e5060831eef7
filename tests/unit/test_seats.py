"""Agent-state events: the rules every source (CLI, feed, screen) goes through."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from floorman.data import journal
from floorman.data.tables.floor import JournalEntry, SeatEvent
from floorman.domain.core.errors import FloorError
from floorman.domain.seats.events import record_event
from floorman.domain.seats.history import seat_history
from floorman.domain.seats.views import count_by_zone, list_seats


def seat(floor, code):
    with floor.db.read() as session:
        return next(v for v in list_seats(session) if v.seat == code)


def test_ready_busy_away_back_cycle(small_floor, clock) -> None:
    record_event(small_floor, "A-01", "ready", agent_no="1001")
    clock.advance(30)
    record_event(small_floor, "a-01", "busy")  # seat codes are case-insensitive
    clock.advance(60)
    record_event(small_floor, "A-01", "away", reason="toilet")
    view = seat(small_floor, "A-01")
    assert (view.state, view.agent, view.reason, view.since) == (
        "away",
        "1001",
        "toilet",
        clock.now(),
    )
    clock.advance(200)
    assert view.seconds_in_state(clock.now()) == 200
    record_event(small_floor, "A-01", "back")
    view = seat(small_floor, "A-01")
    assert (view.state, view.reason) == ("ready", None)


def test_each_change_writes_history_and_journal_in_one_go(small_floor, clock) -> None:
    with small_floor.db.read() as session:
        before = journal.count(session)
    record_event(small_floor, "A-01", "ready", agent_no="1001", source="pbx")
    with small_floor.db.read() as session:
        assert journal.count(session) == before + 1
        entry = session.exec(select(JournalEntry).order_by(JournalEntry.seq.desc())).first()  # type: ignore[attr-defined]
        assert (entry.action, entry.subject, entry.actor) == ("seat.ready", "A-01", "duty1")
        assert '"source": "pbx"' in entry.after
        events = session.exec(select(SeatEvent)).all()
        assert [(e.event, e.source) for e in events] == [("ready", "pbx")]
        assert (
            journal.verify(
                session.exec(select(JournalEntry).order_by(JournalEntry.seq)).all(),
                journal.session_key(session),
            )
            == []
        )  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("seat_code", "state", "kwargs", "message"),
    [
        ("Z-99", "ready", {"agent_no": "1001"}, "unknown seat 'Z-99'"),
        ("A-01", "ready", {"agent_no": "9999"}, "unknown agent '9999'"),
        ("A-01", "sleeping", {}, "unknown state 'sleeping'"),
        ("A-01", "ready", {}, "has no agent"),
        ("A-01", "back", {}, "is not away"),
        ("A-01", "fixed", {}, "is not out of order"),
        ("A-01", "empty", {"agent_no": "1001"}, "takes no --agent"),
        ("A-01", "ready", {"agent_no": "1001", "reason": "x" * 201}, "too long"),
    ],
)
def test_bad_events_are_refused_and_write_nothing(
    small_floor, seat_code, state, kwargs, message
) -> None:
    with small_floor.db.read() as session:
        journal_before = journal.count(session)
    with pytest.raises(FloorError, match=message):
        record_event(small_floor, seat_code, state, **kwargs)
    with small_floor.db.read() as session:
        assert journal.count(session) == journal_before
        assert session.exec(select(SeatEvent)).all() == []
    assert seat(small_floor, "A-01").state == "empty"


def test_future_and_stale_times_are_refused(small_floor, clock) -> None:
    with pytest.raises(FloorError, match="more than one minute in the future"):
        record_event(
            small_floor, "A-01", "ready", agent_no="1001", at=clock.now() + timedelta(seconds=61)
        )
    record_event(
        small_floor, "A-01", "ready", agent_no="1001", at=clock.now() + timedelta(seconds=59)
    )
    with pytest.raises(FloorError, match="older than seat A-01's current state"):
        record_event(small_floor, "A-01", "busy", at=clock.now() - timedelta(minutes=5))


def test_fault_blocks_work_until_fixed(small_floor) -> None:
    record_event(small_floor, "B-01", "ready", agent_no="1003")
    record_event(small_floor, "B-01", "fault", reason="headset dead")
    assert seat(small_floor, "B-01").reason == "headset dead"
    with pytest.raises(FloorError, match="out of order"):
        record_event(small_floor, "B-01", "busy")
    record_event(small_floor, "B-01", "fixed")
    assert seat(small_floor, "B-01").state == "ready"


def test_agent_moving_seats_empties_the_old_one(small_floor) -> None:
    record_event(small_floor, "A-01", "ready", agent_no="1001")
    result = record_event(small_floor, "B-02", "ready", agent_no="1001")
    assert result.moved_from == "A-01"
    assert seat(small_floor, "A-01").state == "empty"
    assert seat(small_floor, "B-02").agent == "1001"


def test_repeat_state_is_a_no_op(small_floor, clock) -> None:
    record_event(small_floor, "A-01", "ready", agent_no="1001")
    clock.advance(10)
    assert record_event(small_floor, "A-01", "ready").changed is False
    assert seat(small_floor, "A-01").since == clock.now() - timedelta(seconds=10)


def test_external_id_makes_events_idempotent(small_floor) -> None:
    record_event(small_floor, "A-01", "ready", agent_no="1001", external_id="ev-1")
    again = record_event(small_floor, "A-01", "ready", agent_no="1001", external_id="ev-1")
    assert again.changed is False
    with small_floor.db.read() as session:
        assert len(session.exec(select(SeatEvent)).all()) == 1


def test_an_id_reused_for_another_event_is_refused_not_dropped(small_floor) -> None:
    # A phone system that restarts its counter sends "pbx-1" again for a new event:
    # skipping it as a replay would lose that event without a trace.
    record_event(small_floor, "A-01", "ready", agent_no="1001", external_id="pbx-1")
    with pytest.raises(FloorError, match="id 'pbx-1' was already used for A-01 ready"):
        record_event(small_floor, "A-02", "ready", agent_no="1002", external_id="pbx-1")
    with pytest.raises(FloorError, match="already used for A-01 ready"):
        record_event(small_floor, "A-01", "busy", external_id="pbx-1")
    assert seat(small_floor, "A-02").state == "empty"
    assert seat(small_floor, "A-01").state == "ready"


def test_hostile_reason_is_cleaned(small_floor) -> None:
    record_event(small_floor, "A-01", "ready", agent_no="1001")
    record_event(small_floor, "A-01", "away", reason="wat\x1b]0;pwned\x07er\x1b[2J\x07")
    assert seat(small_floor, "A-01").reason == "water"


def test_counts_and_occupancy(small_floor) -> None:
    record_event(small_floor, "A-01", "ready", agent_no="1001")
    record_event(small_floor, "A-02", "busy", agent_no="1002")
    record_event(small_floor, "B-01", "away", agent_no="1003")
    record_event(small_floor, "B-02", "fault")
    with small_floor.db.read() as session:
        zones, total = count_by_zone(list_seats(session))
    by_zone = {z.zone: z for z in zones}
    assert (by_zone["A"].staffed, by_zone["A"].open_seats) == (2, 3)
    # Staffed is at the seat (ready or busy); the away agent is counted apart.
    assert (by_zone["B"].staffed, by_zone["B"].away, by_zone["B"].open_seats) == (0, 1, 2)
    assert (total.staffed, total.manned, total.open_seats) == (2, 3, 5)
    assert total.occupancy == pytest.approx(0.4)


def test_history_of_today(small_floor, clock) -> None:
    record_event(small_floor, "A-01", "ready", agent_no="1001")
    clock.advance(60)
    record_event(small_floor, "A-01", "busy")
    with small_floor.db.read() as session:
        rows = seat_history(session, "A-01", clock.now() - timedelta(hours=1))
    assert [r.state for r in rows] == ["ready", "busy"]


def test_import_reports_bad_row_and_imports_nothing(floor, tmp_path) -> None:
    from floorman.domain.seats.importing import import_seats

    bad = tmp_path / "bad.csv"
    bad.write_text(
        "seat,zone,type,row,col\nA-01,A,general,0,0\nA-02,A,spaceship,0,1\n", encoding="utf-8"
    )
    with pytest.raises(FloorError, match=r"line 3: unknown seat type 'spaceship'"):
        import_seats(floor, bad)
    with floor.db.read() as session:
        assert list_seats(session) == []


def test_demo_floor_is_big_and_alive(floor) -> None:
    from floorman.domain.demo import DemoSimulator, build_demo_floor

    assert build_demo_floor(floor) >= 120
    with floor.db.read() as session:
        views = list_seats(session)
    assert len({v.zone for v in views}) >= 4
    assert len({v.type for v in views}) >= 4
    away = [v for v in views if v.state == "away"]
    assert any(v.seconds_in_state(floor.clock.now()) > 300 for v in away)
    simulator = DemoSimulator(floor)
    floor.clock.advance(2)  # type: ignore[attr-defined]
    assert simulator.step() > 0


def test_control_characters_in_a_seat_or_agent_id_are_refused_not_stripped(small_floor) -> None:
    # Stripped, "A-0<SOH>2" would be seat A-02: a phone system's garbled line would move
    # the wrong seat. Refused, it changes nothing and says why.
    before = list_seats_now(small_floor)
    for seat, agent in (("A-0\x012", "1001"), ("A-02", "10\x0701"), ("\x1b[2JA-02", "1001")):
        with pytest.raises(FloorError, match="contains control characters"):
            record_event(small_floor, seat, "ready", agent_no=agent)
    with pytest.raises(FloorError, match="source contains control characters"):
        record_event(small_floor, "A-02", "ready", agent_no="1001", source="x\ny\x1b[2J")
    assert list_seats_now(small_floor) == before


def list_seats_now(floor):
    with floor.db.read() as session:
        return [(v.seat, v.state, v.agent) for v in list_seats(session)]
