"""JSON Lines feed: batches, per-event savepoints, bad lines reported, replays idempotent."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import func, select

from floorman.data import journal
from floorman.data.tables.floor import JournalEntry, SeatEvent
from floorman.domain.core.errors import FloorError
from floorman.domain.feeds.jsonl import JsonlFeed, parse_jsonl_line, read_lines
from floorman.domain.feeds.report import BadLine
from floorman.domain.seats.views import list_seats

START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # the conftest clock's start
UTC_ZONE = ZoneInfo("UTC")


@pytest.fixture
def feed_floor(small_floor, clock):
    """The small floor, two hours after its seats were imported."""
    clock.advance(7200)
    return small_floor


def at(minutes: float) -> str:
    return (START + timedelta(minutes=minutes)).isoformat()


def line(**fields: object) -> str:
    return json.dumps(fields)


def views(floor):
    with floor.db.read() as session:
        return {v.seat: v for v in list_seats(session)}


def seat_events(floor) -> int:
    with floor.db.read() as session:
        return int(session.exec(select(func.count()).select_from(SeatEvent)).one())


def run(floor, lines: list[str], batch: int = 500) -> tuple[JsonlFeed, list[BadLine]]:
    bad: list[BadLine] = []
    feed = JsonlFeed(floor, batch_size=batch, on_bad=bad.append)
    for number, text in enumerate(lines, 1):
        feed.add(number, text.encode())
    feed.flush()
    return feed, bad


SHIFT = [
    line(id="e1", seat="A-01", state="ready", agent="1001", at=at(1)),
    line(id="e2", seat="A-01", state="busy", at=at(2)),
    line(id="e3", seat="A-01", state="away", reason="toilet", at=at(3)),
    line(id="e4", seat="A-02", state="ready", agent="1002", at=at(3)),
    line(id="e5", seat="A-01", state="back", at=at(6)),
]


def test_a_shift_of_events_lands_on_the_floor(feed_floor) -> None:
    feed, bad = run(feed_floor, SHIFT)
    assert bad == []
    assert (feed.report.read, feed.report.applied, feed.report.bad) == (5, 5, 0)
    seats = views(feed_floor)
    assert (seats["A-01"].state, seats["A-01"].agent) == ("ready", "1001")
    assert seats["A-01"].since == START + timedelta(minutes=6)
    assert (seats["A-02"].state, seats["A-02"].agent) == ("ready", "1002")
    with feed_floor.db.read() as session:
        sources = set(session.exec(select(SeatEvent.source)).all())
        assert sources == {"jsonl"}
        entries = session.exec(select(JournalEntry).order_by(JournalEntry.seq)).all()
        seat_actions = [e.action for e in entries if e.action.startswith("seat.")]
        assert seat_actions[-5:] == [
            "seat.ready",
            "seat.busy",
            "seat.away",
            "seat.ready",
            "seat.back",
        ]
        assert journal.verify(entries, journal.session_key(session)) == []


def test_replaying_the_same_file_adds_nothing(feed_floor) -> None:
    run(feed_floor, SHIFT)
    events, journal_rows = seat_events(feed_floor), _journal(feed_floor)
    feed, bad = run(feed_floor, SHIFT)
    assert bad == []
    assert (feed.report.applied, feed.report.unchanged) == (0, 5)
    assert seat_events(feed_floor) == events
    assert _journal(feed_floor) == journal_rows


def test_an_id_reused_for_another_event_is_a_bad_line_not_a_silent_skip(feed_floor) -> None:
    run(feed_floor, SHIFT[:2])
    # The sender restarted its numbering: e1 and e2 now name other events.
    reused = [
        line(id="e1", seat="A-02", state="ready", agent="1002", at=at(4)),
        SHIFT[1],  # a true replay of e2: still nothing, no complaint
        line(id="e2", seat="A-01", state="away", at=at(5)),
    ]
    feed, bad = run(feed_floor, reused)
    assert [b.line for b in bad] == [1, 3]
    assert "id 'jsonl:e1' was already used for A-01 ready" in bad[0].message
    assert (feed.report.applied, feed.report.unchanged, feed.report.bad) == (0, 1, 2)
    assert views(feed_floor)["A-02"].state == "empty"


def _journal(floor) -> int:
    with floor.db.read() as session:
        return journal.count(session)


def test_a_bad_line_is_reported_skipped_and_does_not_poison_its_batch(feed_floor) -> None:
    lines = [
        SHIFT[0],
        "{not json",
        line(id="x1", seat="Z-99", state="ready", agent="1001"),  # unknown seat
        line(id="x2", seat="A-01", state="sleeping"),  # unknown state
        SHIFT[1],
        "",  # blank lines are not events
        "[1, 2]",
        line(id="x3", seat="A-02", state="back", at=at(2)),  # A-02 is not away
        line(seat="A-03", state="ready"),  # no agent at the seat
        line(id="x4", seat="A-01", state="ready", at=at(1.5)),  # older than busy at 2
        line(state="ready"),
        SHIFT[2],
    ]
    feed, bad = run(feed_floor, lines, batch=500)
    assert [b.line for b in bad] == [2, 3, 4, 7, 8, 9, 10, 11]
    messages = {b.line: b.message for b in bad}
    assert "not valid JSON" in messages[2]
    assert "unknown seat 'Z-99'" in messages[3]
    assert "unknown state 'sleeping'" in messages[4]
    assert "expected a JSON object" in messages[7]
    assert "not away" in messages[8]
    assert "no agent" in messages[9]
    assert "older than" in messages[10]
    assert "'seat' is missing" in messages[11]
    assert str(bad[0]).startswith("line 2: ")
    assert (feed.report.read, feed.report.applied, feed.report.bad) == (11, 3, 8)
    seats = views(feed_floor)
    assert (seats["A-01"].state, seats["A-01"].reason) == ("away", "toilet")
    # The refused events left no trace: not in the history, not in the journal.
    with feed_floor.db.read() as session:
        ids = set(session.exec(select(SeatEvent.external_id)).all())
    assert ids == {"jsonl:e1", "jsonl:e2", "jsonl:e3"}


def test_batches_commit_separately(feed_floor) -> None:
    lines = [
        line(id=f"b{i}", seat="A-01", state=("busy" if i % 2 else "ready"), agent="1001", at=at(i))
        for i in range(1, 8)
    ]
    feed = JsonlFeed(feed_floor, batch_size=3)
    for number, text in enumerate(lines, 1):
        feed.add(number, text)
    # Two full batches of three were committed; the seventh waits for flush().
    assert seat_events(feed_floor) == 6
    feed.flush()
    assert seat_events(feed_floor) == 7
    assert feed.report.applied == 7


def test_control_characters_in_a_reason_are_cleaned(feed_floor) -> None:
    run(
        feed_floor,
        [
            line(id="c1", seat="A-01", state="ready", agent="1001", at=at(1)),
            line(id="c2", seat="A-01", state="away", reason="coffee\x1b[2J\x07", at=at(2)),
        ],
    )
    assert views(feed_floor)["A-01"].reason == "coffee"


def test_parse_jsonl_line_accepts_epoch_and_numeric_ids() -> None:
    event = parse_jsonl_line(
        b'{"id": 7, "seat": "a-01", "state": "READY", "agent": 1001, "at": 1795420800}',
        1,
        UTC_ZONE,
    )
    assert event is not None
    assert (event.external_id, event.agent, event.at) == ("jsonl:7", "1001", START)
    assert parse_jsonl_line(b"   ", 2, UTC_ZONE) is None
    with pytest.raises(FloorError, match="not UTF-8"):
        parse_jsonl_line(b'{"seat": "\xff"}', 3, UTC_ZONE)
    with pytest.raises(FloorError, match="'seat' must be text"):
        parse_jsonl_line(b'{"seat": ["A"], "state": "ready"}', 4, UTC_ZONE)
    with pytest.raises(FloorError, match="malformed time"):
        parse_jsonl_line(b'{"seat": "A", "state": "ready", "at": "noon"}', 5, UTC_ZONE)


def test_read_lines_marks_a_quiet_pipe() -> None:
    read_fd, write_fd = os.pipe()
    os.write(write_fd, b'{"a": 1}\n{"b": 2}\n{"c"')
    lines = read_lines(read_fd)
    assert next(lines) == b'{"a": 1}'
    assert next(lines) == b'{"b": 2}'
    assert next(lines) is None  # nothing more ready: time to commit
    os.write(write_fd, b": 3}\n")
    os.close(write_fd)
    assert list(lines) == [b'{"c": 3}']
    os.close(read_fd)
