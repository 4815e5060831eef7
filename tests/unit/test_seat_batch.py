"""The feeds' batch path gives exactly what one apply_event per event gives.

Two floors start identical; one takes a stream of events one by one through
`seats.apply_event` (each in a savepoint, as the `event` command would), the other takes
the same stream through `seat_batch.apply_batch` in batches. Every row of every table the
events touch must then be the same, compared as SQLite stores it (so a time written in
another text form is caught), with random row ids replaced by what they name.
"""

from __future__ import annotations

import dataclasses
import random
import re
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, col, select

from floorman.clock import FakeClock
from floorman.config import Config
from floorman.data import journal, schema
from floorman.data.db import Database
from floorman.data.tables.away import AwaySlip
from floorman.data.tables.floor import JournalEntry
from floorman.domain.audit import run_checks
from floorman.domain.away import actions as away_actions
from floorman.domain.away.book import MemorySlip
from floorman.domain.core.context import Actor, Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.seats import batch as seat_batch
from floorman.domain.seats.batch import BatchEvent, apply_batch
from floorman.domain.seats.bulk import stored_time
from floorman.domain.seats.events import apply_event, record_event
from floorman.domain.seats.importing import import_agents, import_seats
from tests.conftest import START

SEATS = [f"S-{n:02d}" for n in range(8)]
AGENTS = [str(100 + n) for n in range(10)]
STATES = ["ready", "busy", "busy", "ready", "away", "away", "back", "back"]
RARE_STATES = ["empty", "fault", "fixed", "dance", " Busy ", "BACK"]
REASONS = [None, None, "toilet", "Water", "饮水", "lunch with a friend", "x" * 201, "\x1b[2Jhi"]
TABLES = {
    "seat": "SELECT code, state, agent_id, reason, since FROM seat",
    "seat_event": (
        "SELECT seat_id, agent_id, state, event, reason, at, recorded_at, source, actor, "
        "external_id FROM seat_event"
    ),
    "away_slip": (
        "SELECT seat_id, agent_id, reason, note, status, approval, limit_seconds, "
        "requested_at, requested_by, decided_at, decided_by, decision_note, left_at, "
        "returned_at, extension_seconds, extension_reason, extended_by, extended_at, id "
        "FROM away_slip"
    ),
    "alert": (
        "SELECT kind, subject, severity, message, due_at, created_at, dedupe_key, fired_at, "
        "acknowledged_at, cancelled_at FROM alert"
    ),
    "journal": (
        "SELECT seq, at, actor, terminal, action, subject, before, after FROM journal ORDER BY seq"
    ),
}
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def make_floor(folder: Path) -> Floor:
    """A floor of 8 seats and 10 agents; five seated, three with slips waiting."""
    folder.mkdir()
    db = Database(folder / "floor.db")
    schema.migrate(db)
    floor = Floor(
        db=db, clock=FakeClock(START), config=Config(timezone="UTC"), actor=Actor("setup", "test")
    )
    seats = folder / "seats.csv"
    seats.write_text(
        "seat,zone,type,row,col\n"
        + "".join(f"{code},A,general,0,{n}\n" for n, code in enumerate(SEATS)),
        encoding="utf-8",
    )
    agents = folder / "agents.csv"
    agents.write_text(
        "staff_no,name\n" + "".join(f"{a},Agent {a}\n" for a in AGENTS), encoding="utf-8"
    )
    import_seats(floor, seats)
    import_agents(floor, agents)
    for n in range(5):
        record_event(floor, SEATS[n], "ready", agent_no=AGENTS[n])
    floor.clock.set(START + timedelta(seconds=20))  # type: ignore[attr-defined]
    # 100 approved (goes out on its own slip), 101 only asked (the request is dropped
    # when they leave anyway), 102 approved and extended (its alerts carry "ext:").
    away_actions.request(floor, AGENTS[0], "water")
    away_actions.approve(floor, AGENTS[0])
    away_actions.request(floor, AGENTS[1], "toilet")
    away_actions.request(floor, AGENTS[2], "coaching")
    away_actions.approve(floor, AGENTS[2])
    away_actions.extend(floor, AGENTS[2], 120, "long call")
    floor.actor = Actor("pbx", "feed", source="pbx")  # events come from the phone system
    return floor


def random_events(seed: int, count: int = 400) -> list[BatchEvent]:
    """Mostly calls and aways, with every kind of trouble a feed sends now and then."""
    rng = random.Random(seed)
    events = []
    at = START + timedelta(minutes=1)
    for _ in range(count):
        at += timedelta(seconds=rng.randint(0, 20))
        when: datetime | None = at
        roll = rng.random()
        if roll < 0.04:
            when = at - timedelta(minutes=30)  # older than the seat's state
        elif roll < 0.06:
            when = at + timedelta(hours=1)  # in the future
        elif roll < 0.07:
            when = at.replace(tzinfo=None)  # no time zone
        elif roll < 0.09:
            when = None  # "now"
        state = rng.choice(RARE_STATES) if rng.random() < 0.1 else rng.choice(STATES)
        agent = None
        if rng.random() < 0.25:
            agent = rng.choice([*AGENTS, "999", " 103 "])  # some sit elsewhere: a move
        seat = rng.choice([*SEATS, "Z-99", "s-03"]) if rng.random() < 0.05 else rng.choice(SEATS)
        external = f"id-{rng.randrange(count // 2)}" if rng.random() < 0.5 else None
        events.append(BatchEvent(seat, state, agent, rng.choice(REASONS), when, external))
    return events


def contents(floor: Floor) -> dict[str, list[tuple[object, ...]]]:
    """Every table the events touch, as stored, with row ids replaced by what they name."""
    conn = floor.db.raw_connection()
    try:
        names = {i: f"seat {c}" for i, c in conn.execute("SELECT id, code FROM seat")}
        names.update({i: f"agent {s}" for i, s in conn.execute("SELECT id, staff_no FROM agent")})
        for slip_id, agent_id, requested_at in conn.execute(
            "SELECT id, agent_id, requested_at FROM away_slip"
        ):
            names[slip_id] = f"slip of {names[agent_id]} asked {requested_at}"

        def named(value: object) -> object:
            if isinstance(value, str):
                return _UUID.sub(lambda m: names.get(m.group(0), "<id>"), value)
            return value

        out = {}
        for table, query in TABLES.items():
            rows = [tuple(named(v) for v in row) for row in conn.execute(query)]
            out[table] = rows if table == "journal" else sorted(rows, key=repr)
        return out
    finally:
        conn.close()


def one_by_one(floor: Floor, events: list[BatchEvent]) -> list[object]:
    outcomes: list[object] = []
    with floor.db.write() as session:
        for event in events:
            try:
                with session.begin_nested():
                    result = apply_event(
                        session,
                        floor,
                        event.seat,
                        event.state,
                        agent_no=event.agent,
                        reason=event.reason,
                        at=event.at,
                        source="pbx",
                        external_id=event.external_id,
                    )
                outcomes.append(result.changed)
            except FloorError as exc:
                outcomes.append(str(exc))
    return outcomes


def in_batches(floor: Floor, events: list[BatchEvent], size: int) -> list[object]:
    outcomes: list[object] = []
    for first in range(0, len(events), size):
        with floor.db.write() as session:
            got = apply_batch(session, floor, events[first : first + size], source="pbx")
        outcomes.extend(str(g) if isinstance(g, FloorError) else g for g in got)
    return outcomes


def assert_sound(floor: Floor) -> None:
    with floor.db.read() as session:
        rows = session.exec(select(JournalEntry).order_by(col(JournalEntry.seq))).all()
        assert journal.verify(rows, journal.session_key(session)) == []
    assert run_checks(floor).problems == []


@pytest.mark.parametrize(("seed", "size"), [(1, 500), (2, 37), (3, 1), (4, 120), (5, 500)])
def test_batch_writes_what_one_by_one_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int, size: int
) -> None:
    one, many = make_floor(tmp_path / "one"), make_floor(tmp_path / "many")
    handed_over: list[str] = []  # events apply_event changed the floor for

    def counted(session: Session, floor: Floor, seat: str, state: str, **kw: Any) -> Any:
        result = apply_event(session, floor, seat, state, **kw)
        if result.changed:
            handed_over.append(state)
        return result

    monkeypatch.setattr(seat_batch, "apply_event", counted)
    events = random_events(seed)
    end = max(e.at for e in events if e.at is not None and e.at.tzinfo is not None)
    for floor in (one, many):
        floor.clock.set(end - timedelta(minutes=30))  # type: ignore[attr-defined]
    # "now" is mid-stream: later events are in the future and refused, as the CLI would.
    expected = one_by_one(one, events)
    got = in_batches(many, events, size)
    assert got == expected
    first, second = contents(one), contents(many)
    for table in TABLES:
        assert second[table] == first[table], table
    assert_sound(one)
    assert_sound(many)
    # The stream exercised what it is meant to: aways with their alerts, backs, refusals.
    kinds = {row[0] for row in second["alert"]}
    assert {"away.warning", "away.breach", "away.severe", "away.escalation"} <= kinds
    assert any(row[9] is not None for row in second["alert"])  # cancelled on return
    approvals = {row[5] for row in second["away_slip"]}
    assert {"unapproved", "approved"} <= approvals
    assert any(o is True for o in got) and any(isinstance(o, str) for o in got)
    # ...and most changes on the batch path itself, not handed to apply_event.
    assert len(handed_over) < got.count(True) / 3


def test_a_replayed_batch_adds_nothing(tmp_path: Path) -> None:
    floor = make_floor(tmp_path / "floor")
    events = [e for e in random_events(7) if e.external_id and e.at and e.at.tzinfo]
    floor.clock.set(max(e.at for e in events if e.at) + timedelta(seconds=1))  # type: ignore[attr-defined]
    first = in_batches(floor, events, 100)
    applied = [e for e, outcome in zip(events, first, strict=True) if outcome is True]
    before = contents(floor)
    # Replayed out of order and in other batches: every id is known, nothing is added.
    again = in_batches(floor, applied[::-1], 33)
    assert again == [False] * len(applied)
    assert contents(floor) == before


def test_a_refused_event_in_a_batch_writes_nothing_and_says_why(tmp_path: Path) -> None:
    floor = make_floor(tmp_path / "floor")
    at = START + timedelta(minutes=2)
    floor.clock.set(at)  # type: ignore[attr-defined]
    events = [
        BatchEvent(SEATS[0], "busy", at=at),
        BatchEvent(SEATS[1], "back", at=at),  # not away
        BatchEvent(SEATS[2], "away", reason="toilet", at=at),
        BatchEvent("Z-99", "ready", agent="105", at=at),
        BatchEvent(SEATS[6], "ready", agent="999", at=at),
        BatchEvent(SEATS[3], "away", reason="x" * 201, at=at),
        BatchEvent(SEATS[4], "busy", at=at - timedelta(minutes=5)),
    ]
    with floor.db.write() as session:
        got = apply_batch(session, floor, events, source="pbx")
    assert [str(g) if isinstance(g, FloorError) else g for g in got] == [
        True,
        f"seat {SEATS[1]} is not away (it is ready)",
        True,
        "unknown seat 'Z-99'",
        "unknown agent '999'",
        "reason is too long (201 characters, at most 200)",
        f"event at {(at - timedelta(minutes=5)).isoformat()} is older than seat {SEATS[4]}'s "
        f"current state (since {START.isoformat()})",
    ]
    rows = contents(floor)
    assert [r[3] for r in rows["seat_event"] if r[6] == stored_time(at)] == ["busy", "away"]
    assert_sound(floor)


def test_the_in_memory_slip_has_the_rows_defaults() -> None:
    """A slip the batch creates is inserted with every column: defaults must not drift."""
    model = {
        name: None if info.is_required() else info.default
        for name, info in AwaySlip.model_fields.items()
        if info.default_factory is None
    }
    mine = {
        f.name: None if f.default is dataclasses.MISSING else f.default
        for f in dataclasses.fields(MemorySlip)
        if f.default_factory is dataclasses.MISSING
    }
    assert mine == model
    assert sorted(f.name for f in dataclasses.fields(MemorySlip)) == sorted(AwaySlip.model_fields)


def test_batch_row_ids_are_uuids_in_time_order(tmp_path: Path) -> None:
    """History, alert and journal rows get UUIDv7 ids: unique, and later rows sort later
    (so a batch's rows sit together in the primary-key index)."""
    ids = [journal.ordered_id() for _ in range(5000)]
    assert len(set(ids)) == len(ids)
    for text in ids[:500]:
        parsed = uuid.UUID(text)
        assert (parsed.version, parsed.variant, str(parsed)) == (7, uuid.RFC_4122, text)
    floor = make_floor(tmp_path / "floor")
    at = START + timedelta(minutes=2)
    floor.clock.set(at)  # type: ignore[attr-defined]
    with floor.db.write() as session:
        apply_batch(session, floor, [BatchEvent(SEATS[0], "away", at=at)], source="pbx")
    conn = floor.db.raw_connection()
    try:
        for table in ("seat_event", "alert", "journal"):
            (newest,) = conn.execute(
                f"SELECT id FROM {table} ORDER BY rowid DESC LIMIT 1"
            ).fetchone()
            assert uuid.UUID(newest).version == 7, table
            assert newest > ids[0]
    finally:
        conn.close()


class TickingClock(FakeClock):
    """A clock that moves a millisecond every time it is read, like a real one."""

    def now(self) -> datetime:
        return self.advance(0.001)


def test_every_row_of_a_batch_carries_the_batchs_time(tmp_path: Path) -> None:
    floor = make_floor(tmp_path / "floor")
    at = START + timedelta(minutes=2)
    floor.clock = TickingClock(at)
    events = [
        BatchEvent(SEATS[1], "away", at=at),  # no slip approved: opens an unapproved one
        BatchEvent(SEATS[3], "busy", at=at),
        BatchEvent(SEATS[1], "back", at=at),
        BatchEvent(SEATS[0], "away", at=at),  # starts the approved slip
    ]
    with floor.db.write() as session:
        assert apply_batch(session, floor, events, source="pbx") == [True] * 4
    conn = floor.db.raw_connection()
    try:
        times = {
            (table, column): {
                r[0]
                for r in conn.execute(
                    f"SELECT {column} FROM {table} WHERE {column} > ?", (stored_time(at),)
                )
            }
            for table, column in (
                ("seat_event", "recorded_at"),
                ("journal", "at"),
                ("alert", "created_at"),
                ("alert", "cancelled_at"),
            )
        }
    finally:
        conn.close()
    assert all(times.values()), times
    assert len(set.union(*times.values())) == 1, times
