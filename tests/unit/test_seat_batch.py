"""The feeds' fast path gives exactly what one apply_event per event gives."""

from __future__ import annotations

import random
import re
from datetime import timedelta

import pytest
from sqlmodel import select

from floorman.clock import FakeClock
from floorman.config import Config
from floorman.data import journal, schema
from floorman.data.db import Database
from floorman.data.models import JournalEntry, SeatEvent
from floorman.domain.context import Actor, Floor
from floorman.domain.errors import FloorError
from floorman.domain.seat_batch import BatchEvent, apply_batch
from floorman.domain.seats import apply_event, import_agents, import_seats, list_seats
from tests.conftest import START

SEATS = [f"S-{n:02d}" for n in range(8)]
STATES = ["ready", "busy", "busy", "ready", "away", "back", "empty", "fault", "fixed", "dance"]


def make_floor(folder, name: str) -> Floor:
    db = Database(folder / f"{name}.db")
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
        "staff_no,name\n" + "".join(f"{100 + n},Agent {n}\n" for n in range(10)), encoding="utf-8"
    )
    import_seats(floor, seats)
    import_agents(floor, agents)
    floor.actor = Actor("pbx", "feed", source="pbx")  # events come from the phone system
    return floor


def random_events(seed: int, count: int = 300) -> list[BatchEvent]:
    rng = random.Random(seed)
    events = []
    at = START + timedelta(minutes=1)
    for _ in range(count):
        at += timedelta(seconds=rng.randint(0, 20))
        agent = str(100 + rng.randrange(10)) if rng.random() < 0.3 else None
        reason = rng.choice([None, None, "toilet"])
        when = at - timedelta(minutes=30) if rng.random() < 0.03 else at  # some stale
        external = f"id-{rng.randrange(count // 2)}" if rng.random() < 0.5 else None
        events.append(
            BatchEvent(rng.choice(SEATS), rng.choice(STATES), agent, reason, when, external)
        )
    return events


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _no_ids(entry: tuple[object, ...]) -> tuple[object, ...]:
    """Random row ids differ between two databases; everything else must not."""
    return tuple(_UUID.sub("<id>", v) if isinstance(v, str) else v for v in entry)


def outcome(floor: Floor) -> tuple[object, ...]:
    with floor.db.read() as session:
        seats = [(v.seat, v.state, v.agent, v.reason, v.since) for v in list_seats(session)]
        history = [
            (e.state, e.event, e.agent_id is not None, e.reason, e.at, e.external_id, e.source)
            for e in session.exec(select(SeatEvent).order_by(SeatEvent.at, SeatEvent.recorded_at))
        ]
        rows = session.exec(select(JournalEntry).order_by(JournalEntry.seq)).all()
        assert journal.verify(rows) == []
        entries = [_no_ids((r.action, r.subject, r.before, r.after)) for r in rows]
    return seats, sorted(history, key=repr), entries


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_batch_equals_one_by_one(tmp_path, seed: int) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one, many = make_floor(tmp_path / "a", "one"), make_floor(tmp_path / "b", "many")
    events = random_events(seed)
    end = events[-1].at + timedelta(seconds=1)
    one.clock.set(end)  # type: ignore[attr-defined]
    many.clock.set(end)  # type: ignore[attr-defined]
    expected: list[object] = []
    with one.db.write() as session:
        for event in events:
            try:
                with session.begin_nested():
                    result = apply_event(
                        session,
                        one,
                        event.seat,
                        event.state,
                        agent_no=event.agent,
                        reason=event.reason,
                        at=event.at,
                        source="pbx",
                        external_id=event.external_id,
                    )
                expected.append(result.changed)
            except FloorError as exc:
                expected.append(str(exc))
    with many.db.write() as session:
        got = apply_batch(session, many, events, source="pbx")
    assert [str(g) if isinstance(g, FloorError) else g for g in got] == expected
    assert outcome(one) == outcome(many)
    assert any(g is True for g in got) and any(isinstance(g, FloorError) for g in got)
