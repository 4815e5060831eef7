"""Indexes for a year of history (issue 10); no tables of its own.

`ix_seat_event_seat_at_state` covers the per-seat sweep of a report: the state of every
seat at the start of a range (its last event before it) and its events within the range
are read from the index alone, never from the table. With 2 million seat events a month
of seat-state minutes per zone went from 555 ms to 350 ms (bench/bench_scale.py).
"""

from __future__ import annotations

from sqlalchemy import Index

from floorman.data.tables.floor import SeatEvent

SEAT_EVENT_SWEEP_INDEX = Index(
    "ix_seat_event_seat_at_state",
    SeatEvent.__table__.c.seat_id,  # type: ignore[attr-defined]
    SeatEvent.__table__.c.at,  # type: ignore[attr-defined]
    SeatEvent.__table__.c.state,  # type: ignore[attr-defined]
)
