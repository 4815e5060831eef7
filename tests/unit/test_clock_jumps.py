"""Clock jumps: the terminal's clock corrected back an hour or forward a day while running.

Timers never show negative time, due alerts fire (once, however many terminals), and an
alert that fired does not fire again when the clock goes back over its due time.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import col, select

from floorman.clock import FakeClock, elapsed_seconds, mmss
from floorman.data.db import Database
from floorman.data.tables.floor import Alert, JournalEntry
from floorman.domain import alerts
from floorman.domain.core.context import Actor, Floor
from floorman.domain.seats.events import record_event
from floorman.domain.seats.views import list_seats

BASE = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


@given(st.integers(min_value=-(10**9), max_value=10**9))
def test_elapsed_is_never_negative(offset: int) -> None:
    later = BASE + timedelta(seconds=offset)
    assert elapsed_seconds(BASE, later) == max(0, offset)
    assert not mmss(elapsed_seconds(BASE, later)).startswith("-")


def test_seat_timer_after_the_clock_goes_back_and_forward(
    small_floor: Floor, clock: FakeClock
) -> None:
    record_event(small_floor, "A-01", "away", agent_no="1001", reason="toilet")
    clock.advance(hours=-1)
    with small_floor.db.read() as session:
        view = next(v for v in list_seats(session) if v.seat == "A-01")
    assert view.seconds_in_state(clock.now()) == 0
    assert mmss(view.seconds_in_state(clock.now())) == "00:00"
    clock.advance(days=1, hours=1)
    assert view.seconds_in_state(clock.now()) == 86400


def _fired(floor: Floor) -> list[str]:
    return [a.subject for a in alerts.fire_due(floor)]


def _fire_rows(floor: Floor) -> int:
    with floor.db.read() as session:
        return len(
            session.exec(select(JournalEntry).where(JournalEntry.action == "alert.fire")).all()
        )


def _schedule(floor: Floor, subject: str, due_in: timedelta) -> None:
    with floor.db.write() as session:
        alerts.schedule(
            session,
            floor,
            kind="test",
            subject=subject,
            due_at=floor.clock.now() + due_in,
            dedupe_key=f"test:{subject}",
        )


def test_clock_back_an_hour_delays_nothing_already_fired_and_fires_nothing_early(
    small_floor: Floor, clock: FakeClock
) -> None:
    _schedule(small_floor, "soon", timedelta(minutes=5))
    clock.advance(hours=-1)
    assert _fired(small_floor) == []  # not due on the corrected clock
    clock.advance(hours=1, minutes=5)
    assert _fired(small_floor) == ["soon"]
    clock.advance(hours=-1)  # corrected back over the due time: no second firing
    assert _fired(small_floor) == []
    clock.advance(hours=2)
    assert _fired(small_floor) == []
    assert _fire_rows(small_floor) == 1


def test_clock_forward_a_day_fires_everything_due_once(
    small_floor: Floor, clock: FakeClock
) -> None:
    subjects = [f"s{n}" for n in range(10)]
    for n, subject in enumerate(subjects):
        _schedule(small_floor, subject, timedelta(minutes=5 * (n + 1)))
    _schedule(small_floor, "tomorrow-late", timedelta(days=1, hours=1))
    clock.advance(days=1)
    assert sorted(_fired(small_floor)) == sorted(subjects)
    assert _fired(small_floor) == []
    clock.advance(hours=1)
    assert _fired(small_floor) == ["tomorrow-late"]
    assert _fire_rows(small_floor) == 11
    with small_floor.db.read() as session:
        pending = session.exec(select(Alert).where(col(Alert.fired_at).is_(None))).all()
    assert pending == []


def test_three_terminals_after_a_jump_fire_each_alert_once(
    small_floor: Floor, clock: FakeClock
) -> None:
    for n in range(30):
        _schedule(small_floor, f"a{n}", timedelta(minutes=n + 1))
    clock.advance(days=1)
    terminals = [
        Floor(
            Database(small_floor.db.path),
            clock,
            small_floor.config,
            Actor(f"duty{n}", f"test:tty{n}"),
        )
        for n in range(3)
    ]
    results: list[list[str]] = [[] for _ in terminals]

    def heartbeat(index: int) -> None:
        for _ in range(3):
            results[index].extend(_fired(terminals[index]))

    threads = [threading.Thread(target=heartbeat, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    fired = [subject for result in results for subject in result]
    assert sorted(fired) == sorted(f"a{n}" for n in range(30))
    assert _fire_rows(small_floor) == 30
    for terminal in terminals:
        terminal.db.dispose()


def test_alert_scheduled_while_clock_was_wrong_still_fires(
    small_floor: Floor, clock: FakeClock
) -> None:
    clock.advance(hours=-1)  # wrong clock: the deadline is computed an hour early
    _schedule(small_floor, "early", timedelta(minutes=5))
    clock.advance(hours=1)  # corrected: the deadline has passed, it fires at once
    assert _fired(small_floor) == ["early"]
    assert _fired(small_floor) == []


def test_seat_events_after_the_clock_goes_back(small_floor: Floor, clock: FakeClock) -> None:
    """Once the clock is corrected back, an event stamped "now" is recorded at the seat's
    last change rather than refused (a phone system must not lose an hour of events);
    an event that says its own older time is still refused."""
    import pytest

    from floorman.domain.core.errors import FloorError

    record_event(small_floor, "A-01", "ready", agent_no="1001")
    ready_at = clock.now()
    clock.advance(hours=-1)
    result = record_event(small_floor, "A-01", "busy")
    assert (result.view.state, result.view.since) == ("busy", ready_at)
    assert result.view.seconds_in_state(clock.now()) == 0
    with pytest.raises(FloorError, match="older than seat A-01's current state"):
        record_event(small_floor, "A-01", "ready", at=clock.now())
    record_event(small_floor, "A-02", "ready", agent_no="1002")  # other seats unaffected
