"""Property test of the seat state machine behind `floorman event`.

Any sequence of events (valid, refused, late, hostile text, unknown seats and agents)
leaves every seat in a valid state: staffed states have an agent, an empty seat has
none, an agent sits at one seat at most, reasons only where they belong, no state
starts in the future; a refused event changes nothing; every seat event has its journal
row and the journal's hash chain verifies.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, text
from sqlmodel import col, select

from floorman.clock import FakeClock
from floorman.config import Config
from floorman.data import journal, schema
from floorman.data.db import Database
from floorman.data.tables.floor import SEAT_STATES, JournalEntry, Seat, SeatEvent
from floorman.domain.core.context import Actor, Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.core.states import MANNED_STATES
from floorman.domain.seats.events import EVENTS, record_event
from floorman.domain.seats.importing import import_agents, import_seats

START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
SEAT_CODES = ["A-01", "A-02", "B-01", "zz-9"]
AGENTS = [None, "1001", "1002", "1003", "9999"]
REASONS = [None, "toilet", "water", "\x1b[2Jwipe", "", "x" * 250, "王芳 coaching"]

STEP = st.tuples(
    st.sampled_from(SEAT_CODES),
    st.sampled_from([*EVENTS, "Ready", "bogus", ""]),
    st.sampled_from(AGENTS),
    st.sampled_from(REASONS),
    st.integers(min_value=0, max_value=900),  # seconds the clock moves first
    st.one_of(st.none(), st.integers(min_value=-7200, max_value=120)),  # --at offset
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("seat-template")
    path = folder / "template.db"
    database = Database(path)
    schema.migrate(database)
    floor = Floor(database, FakeClock(START), Config(timezone="UTC"), Actor("duty1", "t:1"))
    (folder / "seats.csv").write_text(
        "seat,zone,type,row,col\nA-01,A,general,0,0\nA-02,A,vip,0,1\nB-01,B,user,0,0\n"
    )
    (folder / "agents.csv").write_text(
        "staff_no,name,team\n1001,Li Na,T1\n1002,王芳,T1\n1003,Zhang Wei,T2\n"
    )
    import_seats(floor, folder / "seats.csv")
    import_agents(floor, folder / "agents.csv")
    database.dispose()  # folds the -wal in: the file alone is the template
    yield path


def _seats(floor: Floor) -> list[tuple[str, str, str | None, str | None, datetime]]:
    with floor.db.read() as session:
        return [
            (s.code, s.state, s.agent_id, s.reason, s.since)
            for s in session.exec(select(Seat).order_by(col(Seat.code))).all()
        ]


def _counts(floor: Floor) -> tuple[int, int]:
    with floor.db.read() as session:
        events = session.exec(select(func.count()).select_from(SeatEvent)).one()
        rows = session.exec(select(func.count()).select_from(JournalEntry)).one()
    return int(events), int(rows)


def _check_invariants(floor: Floor) -> None:
    now = floor.clock.now()
    with floor.db.read() as session:
        seats = session.exec(select(Seat)).all()
        seated = [s.agent_id for s in seats if s.agent_id is not None]
        assert len(seated) == len(set(seated)), "an agent sits at two seats"
        for seat in seats:
            assert seat.state in SEAT_STATES
            if seat.state in MANNED_STATES:
                assert seat.agent_id is not None, seat
            if seat.state == "empty":
                assert seat.agent_id is None and seat.reason is None, seat
            if seat.state not in ("away", "fault"):
                assert seat.reason is None, seat
            if seat.reason is not None:
                assert "\x1b" not in seat.reason and len(seat.reason) <= 200
            assert seat.since <= now + timedelta(minutes=1)
            last = session.exec(
                select(SeatEvent)
                .where(SeatEvent.seat_id == seat.id)
                # rowid breaks ties: events recorded in the same instant (the fake clock
                # stands still) are otherwise returned in index order, by state.
                .order_by(
                    col(SeatEvent.recorded_at).desc(),
                    col(SeatEvent.at).desc(),
                    text("seat_event.rowid DESC"),
                )
            ).first()
            if last is not None:
                assert last.state == seat.state, (seat, last)
        events = session.exec(select(func.count()).select_from(SeatEvent)).one()
        seat_rows = session.exec(
            select(func.count())
            .select_from(JournalEntry)
            .where(
                col(JournalEntry.action).startswith("seat."),
                col(JournalEntry.action) != "seat.import",
            )
        ).one()
        assert events == seat_rows, "a seat event without its journal row"
        chain = session.exec(select(JournalEntry).order_by(col(JournalEntry.seq))).all()
        assert journal.verify(chain, journal.session_key(session)) == []


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, min_size=1, max_size=25))
def test_any_sequence_of_events_leaves_valid_seats(
    template: Path,
    tmp_path_factory: pytest.TempPathFactory,
    steps: list[tuple[str, str, str | None, str | None, int, int | None]],
) -> None:
    path = tmp_path_factory.mktemp("seat-run") / "floor.db"
    shutil.copyfile(template, path)
    # The journal key (and anchored head) travel with the file: without them no copy's
    # journal can be verified.
    for sidecar in (".journal-key", ".journal-head"):
        source = template.with_name(template.name + sidecar)
        if source.exists():
            shutil.copyfile(source, path.with_name(path.name + sidecar))
    clock = FakeClock(START + timedelta(minutes=1))
    floor = Floor(Database(path), clock, Config(timezone="UTC"), Actor("duty1", "t:1"))
    try:
        for seat, event, agent, reason, advance, at_offset in steps:
            clock.advance(advance)
            at = clock.now() + timedelta(seconds=at_offset) if at_offset is not None else None
            before_seats, before_counts = _seats(floor), _counts(floor)
            try:
                result = record_event(floor, seat, event, agent_no=agent, reason=reason, at=at)
            except FloorError as refused:
                assert str(refused)  # says why
                assert _seats(floor) == before_seats, "a refused event changed a seat"
                assert _counts(floor) == before_counts, "a refused event wrote something"
            else:
                if not result.changed:
                    assert _counts(floor)[0] == before_counts[0]
                else:
                    assert _counts(floor)[0] > before_counts[0]
            _check_invariants(floor)
    finally:
        floor.db.dispose()
