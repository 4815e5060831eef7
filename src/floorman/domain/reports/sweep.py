"""The one sweep of the seat history behind every report figure.

The state of every seat at the range's start (its last event before it), then each event
in the range, in time order. A month is ~165,000 events on a 1,000-seat floor, so the
sweep counts in integer microseconds computed by SQLite (`sweep_in_microseconds`); the
datetime sweep that defines the figures is kept for ranges across a change of UTC offset.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from floorman.data.tables.floor import Seat, SeatEvent
from floorman.data.types import UTCDateTime
from floorman.domain.core.states import MANNED_STATES, SeatState
from floorman.domain.reports.figures import OccupancyPoint

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
HOUR_US = 3_600_000_000

# What a seat's state means for the figures: staffed or not, open or not, away or not.
EMPTY, STAFFED_NOT_AWAY, AWAY, FAULT = 0, 1, 2, 3
STAFFED = (0, 1, 1, 0)
OPEN = (1, 1, 1, 0)


def _kind(state: str) -> int:
    if state == SeatState.AWAY:
        return AWAY
    if state in MANNED_STATES:
        return STAFFED_NOT_AWAY
    return FAULT if state == SeatState.FAULT else EMPTY


KINDS: dict[str, int] = {
    state: _kind(state) for state in (*MANNED_STATES, SeatState.FAULT, SeatState.EMPTY)
}

# Events in the range in time order (ties as the time index keeps them), each time as
# integer microseconds since 1970: whole seconds by unixepoch(), then the stored fraction
# (SQLAlchemy writes "YYYY-MM-DD HH:MM:SS.ffffff"; a time stored without one reads as .0).
_EVENTS_IN_MICROSECONDS = """
    SELECT seat_id, state, unixepoch(at) * 1000000 + CAST(substr(at, 21) AS INTEGER)
    FROM seat_event
    WHERE at >= :start AND at < :end
    ORDER BY at
"""


def hour_starts(start: datetime, end: datetime) -> list[datetime]:
    first = start.replace(minute=0, second=0, microsecond=0)
    hours, hour = [], first
    while hour < end:
        hours.append(hour)
        hour += timedelta(hours=1)
    return hours


def states_at(session: Session, when: datetime) -> dict[str, str]:
    """Each seat's state at `when`: its last event before then, else empty.

    One indexed lookup per seat (seat_event by seat and time), so the cost does not grow
    with the months of history before the range.
    """
    seat, event = Seat.__table__, SeatEvent.__table__  # type: ignore[attr-defined]
    last_state = (
        select(event.c.state)
        .where(event.c.seat_id == seat.c.id, event.c.at < bindparam("when", type_=UTCDateTime))
        .order_by(event.c.at.desc())
        .limit(1)
        .scalar_subquery()
    )
    rows = session.execute(select(seat.c.id, last_state), {"when": when}).all()
    return {seat_id: state or "empty" for seat_id, state in rows}


def sample_moments(start: datetime, end: datetime, step: timedelta) -> list[datetime]:
    moments, moment = [], start
    while moment < end:
        moments.append(moment)
        moment += step
    return moments


def one_offset(
    start: datetime, end: datetime, hours: list[datetime], moments: list[datetime]
) -> bool:
    """True when the range's zone keeps one UTC offset at every hour, sample and both ends.

    Then the wall-clock steps of `hours` and the samples (aware datetime + timedelta keeps
    the wall clock) are exact spans of real time, and the sweep may count in microseconds.
    """
    offset = start.utcoffset()
    last_hour_end = hours[-1] + timedelta(hours=1)
    return all(m.utcoffset() == offset for m in (end, last_hour_end, *hours, *moments))


def microseconds(moment: datetime) -> int:
    """Microseconds since 1970 UTC, exactly (`timestamp()` is a float)."""
    delta = moment - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def sweep_in_microseconds(
    session: Session,
    start: datetime,
    end: datetime,
    hours: list[datetime],
    moments: list[datetime],
) -> tuple[list[OccupancyPoint], list[float]]:
    """The floor's history swept with event times as integer microseconds, by SQLite.

    A month is ~165,000 events, and turning each stored time into an aware datetime cost
    more than the whole report may. The DB-API cursor of the session's own connection (same
    snapshot as the states): SQLAlchemy's Row objects for 165,000 events cost a fifth of
    the budget.
    """
    states = states_at(session, start)
    connection = session.connection()
    stored = UTCDateTime().bind_processor(connection.dialect)
    assert stored is not None
    events: Any = connection.connection.cursor()
    try:
        events.execute(_EVENTS_IN_MICROSECONDS, {"start": stored(start), "end": stored(end)})
        return sweep_microsecond_events(states, events, start, end, hours, moments)
    finally:
        events.close()


def sweep_microsecond_events(
    states: dict[str, str],
    events: Iterable[tuple[str, str, int]],
    start: datetime,
    end: datetime,
    hours: list[datetime],
    moments: list[datetime],
) -> tuple[list[OccupancyPoint], list[float]]:
    """`sweep_events` with each event's time as integer microseconds since 1970 UTC.

    Same figures, bit for bit, when the range keeps one UTC offset (`one_offset`); used by
    the floor's report and by HQ's region report, whose databases compute the integers.
    Only events that move a seat between kinds of state (empty, staffed, away, fault)
    change a figure; each such event lands in the first sample at or after it.
    """
    kind_at_start = {seat: _kind(state) for seat, state in states.items()}
    sample_us = [microseconds(m) for m in moments]
    staffed_moves = [0] * (len(moments) + 1)
    open_moves = [0] * (len(moments) + 1)
    first_hour_us = microseconds(hours[0])
    hour_count = len(hours)
    away_seconds = [0.0] * hour_count
    start_us, end_us = sample_us[0], microseconds(end)
    kinds = dict(kind_at_start)
    away_since = {seat: start_us for seat, kind in kinds.items() if kind == AWAY}

    def add_away(since: int, until: int) -> None:
        # The hours the span covers, in the order (and float steps) of the datetime sweep.
        index = (since - first_hour_us) // HOUR_US
        while index < hour_count:
            hour = first_hour_us + index * HOUR_US
            overlap = min(until, hour + HOUR_US) - max(since, hour)
            if overlap <= 0 and hour >= until:
                break
            if overlap > 0:
                away_seconds[index] += overlap / 1_000_000
            index += 1

    for seat_id, state, at in events:
        kind = KINDS.get(state, EMPTY)
        before = kinds.get(seat_id, EMPTY)
        if kind == before:
            continue
        kinds[seat_id] = kind
        first_sample = bisect_left(sample_us, at)
        staffed_moves[first_sample] += STAFFED[kind] - STAFFED[before]
        open_moves[first_sample] += OPEN[kind] - OPEN[before]
        if before == AWAY:
            add_away(away_since.pop(seat_id, start_us), at)
        elif kind == AWAY:
            away_since[seat_id] = at
    for since in away_since.values():
        add_away(since, end_us)

    staffed = sum(STAFFED[k] for k in kind_at_start.values())
    open_seats = sum(OPEN[k] for k in kind_at_start.values())
    samples = []
    for index, moment in enumerate(moments):
        staffed += staffed_moves[index]
        open_seats += open_moves[index]
        samples.append(OccupancyPoint(moment, staffed, open_seats))
    return samples, away_seconds


def sweep_in_datetimes(
    session: Session, start: datetime, end: datetime, step: timedelta, hours: list[datetime]
) -> tuple[list[OccupancyPoint], list[float]]:
    """The history swept with aware datetimes: the figures' definition.

    Used when the UTC offset changes inside the range (a daylight-saving change in the
    center's zone), where the hour buckets follow the wall clock; slower on long ranges.
    """
    states = states_at(session, start)
    events = session.execute(
        select(SeatEvent.seat_id, SeatEvent.state, SeatEvent.at)
        .where(SeatEvent.at >= start, SeatEvent.at < end)
        .order_by(col(SeatEvent.at))
    ).all()
    return sweep_events(states, events, start, end, step, hours)


def sweep_events(
    states: dict[str, str],
    events: Iterable[tuple[str, str, datetime]],
    start: datetime,
    end: datetime,
    step: timedelta,
    hours: list[datetime],
) -> tuple[list[OccupancyPoint], list[float]]:
    """The figures' definition: from each seat's state at `start`, each (seat, state, at)
    event in time order moves the counts. A floor's history or, for HQ, a site's journal
    on the central server (`domain.sync.region_report`)."""
    states = dict(states)
    away_seconds = [0.0] * len(hours)
    away_since = {seat: start for seat, state in states.items() if state == SeatState.AWAY}
    # Running counts, moved by each event, instead of recounting every seat per sample.
    staffed = sum(1 for s in states.values() if s in MANNED_STATES)
    open_seats = sum(1 for s in states.values() if s != SeatState.FAULT)
    samples: list[OccupancyPoint] = []
    next_sample = start

    def sample_until(moment: datetime) -> None:
        nonlocal next_sample
        while next_sample <= moment and next_sample < end:
            samples.append(OccupancyPoint(next_sample, staffed, open_seats))
            next_sample += step

    def add_away(since: datetime, until: datetime) -> None:
        # The wall-clock hour that holds `since`, found by comparing instants (`since` is
        # UTC, the hours local): counting real hours from the first one would land an
        # hour late after an autumn clock change and lose the away's first part.
        index = max(0, bisect_right(hours, since) - 1)
        while index < len(hours):
            hour = hours[index]
            overlap = (min(until, hour + timedelta(hours=1)) - max(since, hour)).total_seconds()
            if overlap <= 0 and hour >= until:
                break
            away_seconds[index] += max(0.0, overlap)
            index += 1

    for seat_id, state, at in events:
        sample_until(at - timedelta(microseconds=1))
        before = states.get(seat_id, "empty")
        if before == SeatState.AWAY and state != SeatState.AWAY:
            add_away(away_since.pop(seat_id, start), at)
        elif state == SeatState.AWAY and before != SeatState.AWAY:
            away_since[seat_id] = at
        staffed += (state in MANNED_STATES) - (before in MANNED_STATES)
        open_seats += (state != SeatState.FAULT) - (before != SeatState.FAULT)
        states[seat_id] = state
    sample_until(end)
    for since in away_since.values():
        add_away(since, end)
    return samples, away_seconds
