"""Asterisk queue_log feed: the mapping, replays, rotation, truncation and restart resume.

The sample logs in tests/data/asterisk are written the way app_queue writes them
(`epoch|callid|queue|agent|event|data...`, a trailing `|` when an event has no data),
with member interfaces in the agent field (Asterisk's default, log_membername_as_agent=no).
"""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import func, select

from floorman.data import journal
from floorman.data.tables.feeds import FeedMembership, FeedOffset
from floorman.data.tables.floor import JournalEntry, SeatEvent
from floorman.domain.core.errors import FloorError
from floorman.domain.feeds.follow import FeedFollower
from floorman.domain.feeds.members import (
    InterfaceMap,
    MemberSeat,
    interface_extension,
    load_interface_map,
)
from floorman.domain.feeds.queue_log import parse_queue_log_line, queue_log_event_id
from floorman.domain.feeds.report import BadLine
from floorman.domain.seats.views import list_seats

DATA = Path(__file__).parent.parent / "data" / "asterisk"
SAMPLE = (DATA / "queue_log").read_bytes().splitlines(keepends=True)
START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # the conftest clock's start
T0 = int(START.timestamp()) + 60  # the sample log's first line


@pytest.fixture
def feed_floor(small_floor, clock):
    """The small floor, two hours after its seats were imported."""
    clock.advance(7200)
    return small_floor


@pytest.fixture
def mapping() -> InterfaceMap:
    return load_interface_map(DATA / "members.csv")


def follower(floor, path: Path, mapping, bad: list[BadLine] | None = None, **kw) -> FeedFollower:
    return FeedFollower(
        floor, path, mapping=mapping, on_bad=(bad.append if bad is not None else print), **kw
    )


def states(floor) -> dict[str, tuple[str, str | None, str | None]]:
    with floor.db.read() as session:
        return {v.seat: (v.state, v.agent, v.reason) for v in list_seats(session)}


def counts(floor) -> tuple[int, int]:
    with floor.db.read() as session:
        events = int(session.exec(select(func.count()).select_from(SeatEvent)).one())
        return events, journal.count(session)


FINAL = {
    "A-01": ("empty", None, None),  # left sales, then support: empty after the last queue
    "A-02": ("ready", "1002", None),  # paused for the toilet, back
    "B-01": ("ready", "1003", None),  # took a call, transferred it
}


def test_the_sample_log_drives_the_floor(feed_floor, mapping, tmp_path) -> None:
    log = tmp_path / "queue_log"
    log.write_bytes(b"".join(SAMPLE))
    bad: list[BadLine] = []
    report = follower(feed_floor, log, mapping, bad).poll_once()
    assert bad == []
    assert (report.read, report.applied, report.unchanged, report.ignored, report.bad) == (
        20,
        10,
        4,
        6,
        0,
    )
    seats = states(feed_floor)
    assert {code: seats[code] for code in FINAL} == FINAL
    with feed_floor.db.read() as session:
        events = session.exec(
            select(SeatEvent).order_by(SeatEvent.at, SeatEvent.recorded_at)  # type: ignore[arg-type]
        ).all()
        assert {e.source for e in events} == {"asterisk"}
        assert all(e.external_id and e.external_id.startswith("asterisk:") for e in events)
        away = [e for e in events if e.state == "away"]
        assert [(e.reason, e.at) for e in away] == [
            ("Toilet", datetime.fromtimestamp(T0 + 210, UTC))
        ]
        entries = session.exec(select(JournalEntry).order_by(JournalEntry.seq)).all()  # type: ignore[arg-type]
        assert journal.verify(entries, journal.session_key(session)) == []
        members = {(m.interface, m.queue) for m in session.exec(select(FeedMembership)).all()}
        assert members == {("PJSIP/1002", "support"), ("Local/1003@agents", "support")}


def test_pause_reason_becomes_the_away_reason_and_a_second_queue_keeps_the_seat(
    feed_floor, mapping, tmp_path
) -> None:
    log = tmp_path / "queue_log"
    log.write_bytes(b"".join(SAMPLE[:10]))  # up to the per-queue PAUSE
    follower(feed_floor, log, mapping).poll_once()
    seats = states(feed_floor)
    assert seats["A-02"] == ("away", "1002", "Toilet")
    assert seats["A-01"] == ("ready", "1001", None)  # busy, then the caller hung up
    with log.open("ab") as handle:
        handle.write(b"".join(SAMPLE[10:19]))  # ... up to leaving the sales queue only
    follower(feed_floor, log, mapping).poll_once()
    seats = states(feed_floor)
    assert seats["A-02"] == ("ready", "1002", None)
    assert seats["A-01"] == ("ready", "1001", None)  # still in support


def test_replaying_the_log_twice_adds_nothing(feed_floor, mapping, tmp_path) -> None:
    log = tmp_path / "queue_log"
    log.write_bytes(b"".join(SAMPLE))
    follower(feed_floor, log, mapping).poll_once()
    before = counts(feed_floor)
    for _ in range(2):
        bad: list[BadLine] = []
        report = follower(feed_floor, log, mapping, bad, from_start=True).poll_once()
        assert bad == []
        assert report.applied == 0
        assert report.read == 20
    # A rotated copy of the same log under another name is the same lines at the same
    # offsets: replaying it adds nothing either.
    copy = tmp_path / "queue_log.1"
    shutil.copy(log, copy)
    report = follower(feed_floor, copy, mapping).poll_once()
    assert report.applied == 0
    assert counts(feed_floor) == before
    assert {c: states(feed_floor)[c] for c in FINAL} == FINAL


def test_polling_again_reads_only_new_complete_lines(feed_floor, mapping, tmp_path) -> None:
    log = tmp_path / "queue_log"
    log.write_bytes(b"".join(SAMPLE[:5]) + SAMPLE[5][:12])  # the 6th line half written
    feed = follower(feed_floor, log, mapping)
    assert feed.poll_once().read == 5
    assert feed.poll_once().read == 0
    with log.open("ab") as handle:
        handle.write(SAMPLE[5][12:] + SAMPLE[6])
    report = feed.poll_once()
    assert (report.read, report.ignored, report.applied) == (2, 1, 1)
    assert states(feed_floor)["A-01"][0] == "busy"
    with feed_floor.db.read() as session:
        row = session.exec(select(FeedOffset)).one()
    assert (row.offset, row.line) == (len(b"".join(SAMPLE[:7])), 7)
    assert row.inode == os.stat(log).st_ino


def test_a_restart_resumes_where_it_stopped(feed_floor, mapping, tmp_path) -> None:
    log = tmp_path / "queue_log"
    log.write_bytes(b"".join(SAMPLE[:8]))
    first = follower(feed_floor, log, mapping)
    first.poll_once()
    middle = counts(feed_floor)
    with log.open("ab") as handle:
        handle.write(b"".join(SAMPLE[8:]))
    # A new process: nothing in memory, the offset comes from the database.
    bad: list[BadLine] = []
    report = follower(feed_floor, log, mapping, bad).poll_once()
    assert bad == []
    assert report.read == 12  # lines 9-20 only
    assert report.applied == 10 - 5
    assert counts(feed_floor)[0] == middle[0] + 5
    assert {c: states(feed_floor)[c] for c in FINAL} == FINAL


def test_a_failed_batch_keeps_the_offset_before_it(
    feed_floor, mapping, tmp_path, monkeypatch
) -> None:
    log = tmp_path / "queue_log"
    log.write_bytes(b"".join(SAMPLE))
    feed = follower(feed_floor, log, mapping, batch_size=4)
    calls = {"n": 0}
    real = FeedFollower._store

    def crash_on_third_batch(self, session, position):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("power cut")
        real(self, session, position)

    monkeypatch.setattr(FeedFollower, "_store", crash_on_third_batch)
    with pytest.raises(RuntimeError):
        feed.poll_once()
    with feed_floor.db.read() as session:
        assert session.exec(select(FeedOffset.line)).one() == 8  # two batches committed
    monkeypatch.setattr(FeedFollower, "_store", real)
    follower(feed_floor, log, mapping).poll_once()
    assert {c: states(feed_floor)[c] for c in FINAL} == FINAL
    # Every change exactly once: 10 events in the sample.
    assert counts(feed_floor)[0] == 10


def test_rotation_loses_nothing_and_reads_nothing_twice(feed_floor, mapping, tmp_path) -> None:
    log = tmp_path / "queue_log"
    log.write_bytes(b"".join(SAMPLE[:6]))
    feed = follower(feed_floor, log, mapping)
    feed.poll_once()
    # Asterisk writes more, then logrotate renames the file and Asterisk starts a new one
    # before the next poll: the old file's tail must still be read.
    with log.open("ab") as handle:
        handle.write(b"".join(SAMPLE[6:12]))
    log.rename(tmp_path / "queue_log.1")
    log.write_bytes(b"".join(SAMPLE[12:]))
    report = feed.poll_once()
    assert report.restarts == 1
    assert report.read == 14
    assert {c: states(feed_floor)[c] for c in FINAL} == FINAL
    assert counts(feed_floor)[0] == 10
    assert feed.poll_once().read == 0


def test_rotation_while_stopped_is_caught_up_on_restart(feed_floor, mapping, tmp_path) -> None:
    log = tmp_path / "queue_log"
    log.write_bytes(b"".join(SAMPLE[:6]))
    follower(feed_floor, log, mapping).poll_once()
    with log.open("ab") as handle:
        handle.write(b"".join(SAMPLE[6:12]))
    log.rename(tmp_path / "queue_log.1")
    log.write_bytes(b"".join(SAMPLE[12:]))
    report = follower(feed_floor, log, mapping).poll_once()
    assert report.read == 14
    assert {c: states(feed_floor)[c] for c in FINAL} == FINAL
    assert counts(feed_floor)[0] == 10


def test_truncation_restarts_from_the_top(feed_floor, mapping, tmp_path) -> None:
    log = tmp_path / "queue_log"
    log.write_bytes(b"".join(SAMPLE[:12]))
    feed = follower(feed_floor, log, mapping)
    feed.poll_once()
    # logrotate's copytruncate: same inode, emptied, then new lines.
    with log.open("r+b") as handle:
        handle.truncate(0)
    with log.open("ab") as handle:
        handle.write(b"".join(SAMPLE[12:]))
    report = feed.poll_once()
    assert (report.restarts, report.read) == (1, 8)
    assert {c: states(feed_floor)[c] for c in FINAL} == FINAL


def test_a_replaced_file_longer_than_the_offset_is_read_from_the_top(
    feed_floor, mapping, tmp_path
) -> None:
    log = tmp_path / "queue_log"
    log.write_bytes(b"".join(SAMPLE[:4]))
    feed = follower(feed_floor, log, mapping)
    feed.poll_once()
    # Truncated and refilled past the old offset between two polls (same inode).
    with log.open("r+b") as handle:
        handle.truncate(0)
        handle.write(b"".join(SAMPLE[4:]))
    report = feed.poll_once()
    assert (report.restarts, report.read) == (1, 16)
    assert {c: states(feed_floor)[c] for c in FINAL} == FINAL


def test_bad_lines_are_reported_and_skipped(feed_floor, mapping, tmp_path) -> None:
    bad: list[BadLine] = []
    report = follower(feed_floor, DATA / "queue_log.bad", mapping, bad).poll_once()
    assert [b.line for b in bad] == [2, 3, 4]
    assert "not a queue_log line" in bad[0].message
    assert "malformed time" in bad[1].message
    assert "'PJSIP/9999' is not in the --map file" in bad[2].message
    assert (report.read, report.applied, report.bad) == (5, 2, 3)
    assert states(feed_floor)["A-01"] == ("away", "1001", "Lunch")


def test_without_a_map_the_extension_is_the_staff_number(feed_floor, tmp_path) -> None:
    log = tmp_path / "queue_log"
    log.write_bytes(
        f"{T0}|NONE|support|PJSIP/1001|PAUSE|\n".encode()  # 1001 sits nowhere yet
        + f"{T0}|NONE|support|PJSIP/A-02|ADDMEMBER|\n".encode()
    )
    bad: list[BadLine] = []
    follower(feed_floor, log, None, bad).poll_once()
    assert [b.line for b in bad] == [1, 2]
    assert "give --map" in bad[0].message
    assert "no staff number" in bad[1].message


def test_parse_queue_log_line() -> None:
    record = parse_queue_log_line("1366720340|1366720340.303267|MYQUEUE|SIP/8007|RINGNOANSWER|1000")
    assert (record.queue, record.agent, record.event, record.data) == (
        "MYQUEUE",
        "SIP/8007",
        "RINGNOANSWER",
        ("1000",),
    )
    assert record.at == datetime(2013, 4, 23, 12, 32, 20, tzinfo=UTC)
    assert parse_queue_log_line("1764600000|NONE|q|PJSIP/1|ADDMEMBER|").data == ("",)
    with pytest.raises(FloorError):
        parse_queue_log_line("1|NONE|q")


def test_event_ids_depend_on_offset_and_bytes() -> None:
    assert queue_log_event_id(0, b"x") == queue_log_event_id(0, b"x")
    assert queue_log_event_id(0, b"x") != queue_log_event_id(1, b"x")
    assert queue_log_event_id(0, b"x") != queue_log_event_id(0, b"y")


def test_interface_names() -> None:
    assert interface_extension("PJSIP/1001") == "1001"
    assert interface_extension("Local/1003@agents/n") == "1003"
    assert interface_extension("Agent/1001") == "1001"
    mapping = InterfaceMap({"Local/1003@agents": MemberSeat("B-01", "1003")})
    assert mapping.lookup("local/1003@agents") == MemberSeat("B-01", "1003")
    assert mapping.lookup("Local/1003@agents/n") == MemberSeat("B-01", "1003")
    assert mapping.lookup("PJSIP/1003") is None


def test_map_file_errors_name_the_line(tmp_path) -> None:
    path = tmp_path / "map.csv"
    path.write_text("interface,seat\nPJSIP/1,A-01\nPJSIP/1,A-02\n", encoding="utf-8")
    with pytest.raises(FloorError, match=r"line 3: interface 'PJSIP/1' appears twice"):
        load_interface_map(path)
    path.write_text("iface,seat\n", encoding="utf-8")
    with pytest.raises(FloorError, match="missing column"):
        load_interface_map(path)
    with pytest.raises(FloorError, match="cannot be read"):
        load_interface_map(tmp_path / "nope.csv")


def test_follow_loop_polls_until_stopped(feed_floor, mapping, tmp_path) -> None:
    log = tmp_path / "queue_log"
    log.write_bytes(b"".join(SAMPLE[:5]))
    feed = follower(feed_floor, log, mapping)
    polls: list[int] = []

    def grow(_seconds: float) -> None:  # stands in for time.sleep: the log grows meanwhile
        if len(polls) == 1:
            with log.open("ab") as handle:
                handle.write(b"".join(SAMPLE[5:]))

    total = feed.follow(
        interval=0.5,
        should_stop=lambda: len(polls) >= 3,
        sleep=grow,
        on_poll=lambda r: polls.append(r.read),
    )
    assert polls == [5, 15, 0]
    assert total.read == 20
    assert {c: states(feed_floor)[c] for c in FINAL} == FINAL


def test_seat_event_times_are_the_log_times(feed_floor, mapping, tmp_path) -> None:
    log = tmp_path / "queue_log"
    log.write_bytes(b"".join(SAMPLE[:2]))
    follower(feed_floor, log, mapping).poll_once()
    with feed_floor.db.read() as session:
        event = session.exec(select(SeatEvent)).one()
    assert event.at == START + timedelta(seconds=65)


# ------------------------------------------------- the batch path equals line by line

QUEUE_EVENTS = [
    ("CONNECT", ("3", "c", "2")),
    ("CONNECT", ("3", "c", "2")),
    ("COMPLETEAGENT", ("3", "60", "1")),
    ("COMPLETECALLER", ("3", "60", "1")),
    ("TRANSFER", ("100", "default", "3", "60", "1")),
    ("PAUSE", ("toilet",)),
    ("PAUSE", ("",)),
    ("PAUSEALL", ("lunch",)),
    ("UNPAUSE", ("",)),
    ("UNPAUSEALL", ("",)),
    ("ADDMEMBER", ("",)),
    ("ADDMEMBER", ("PAUSED",)),
    ("REMOVEMEMBER", ("",)),
    ("RINGNOANSWER", ("1000",)),
]
MEMBERS = [f"PJSIP/{100 + n}" for n in range(10)] + ["PJSIP/999", "Agent/S-05", "Local/104@a/n"]


def random_queue_log(seed: int, count: int = 500) -> bytes:
    """Member events as Asterisk writes them, in a random but plausible order, with some
    lines from the past, some garbage and members no map knows."""
    import random

    rng = random.Random(seed)
    lines = []
    at = T0
    for i in range(count):
        at += rng.randint(0, 15)
        when = at - 1800 if rng.random() < 0.03 else at
        if rng.random() < 0.02:
            lines.append(rng.choice([b"garbage", b"12ab|x|y|z|CONNECT", b"\xff\xfe|1|2|3|4"]))
            continue
        if rng.random() < 0.05:
            lines.append(f"{when}|call{i}|sales|NONE|ENTERQUEUE||100|1".encode())
            continue
        event, data = rng.choice(QUEUE_EVENTS)
        member = rng.choice(MEMBERS)
        queue = rng.choice(["sales", "sales", "support", "NONE"])
        fields = [str(when), f"call{i}", queue, member, event, *data]
        lines.append("|".join(fields).encode())
    return b"\n".join(lines) + b"\n"


def line_by_line(floor, path: Path, mapping: InterfaceMap | None) -> tuple[list[str], list[str]]:
    """The feed as it was before batches: apply_queue_log_line per line, each in a savepoint."""
    from floorman.domain.feeds.queue_log_floor import apply_queue_log_line

    outcomes: list[str] = []
    offset = 0
    with floor.db.write() as session:
        for number, raw in enumerate(path.read_bytes().splitlines(keepends=True), 1):
            line_offset, offset = offset, offset + len(raw)
            body = raw.rstrip(b"\r\n")
            try:
                record = parse_queue_log_line(body.decode("utf-8"))
                with session.begin_nested():
                    outcomes.append(
                        apply_queue_log_line(
                            session,
                            floor,
                            record,
                            external_id=queue_log_event_id(line_offset, body),
                            source="asterisk",
                            mapping=mapping,
                        )
                    )
            except UnicodeDecodeError:
                outcomes.append(f"line {number}: not UTF-8 text")
            except FloorError as exc:
                outcomes.append(f"line {number}: {exc}")
    return outcomes, [o for o in outcomes if o.startswith("line ")]


def memberships(floor) -> list[tuple[str, str, str]]:
    with floor.db.read() as session:
        rows = session.exec(select(FeedMembership)).all()
        return sorted((m.interface, m.queue, m.since.isoformat()) for m in rows)


@pytest.mark.parametrize(
    ("seed", "size", "with_map"), [(1, 500, True), (2, 7, True), (3, 60, False)]
)
def test_batches_write_what_line_by_line_writes(tmp_path, seed: int, size: int, with_map) -> None:
    from tests.unit.test_seat_batch import contents, make_floor

    members = InterfaceMap(
        {
            **{f"PJSIP/{100 + n}": MemberSeat(f"S-0{n % 8}", str(100 + n)) for n in range(8)},
            "PJSIP/108": MemberSeat("S-06", None),  # no staff number: only where one sits
            "PJSIP/109": MemberSeat("S-03", "109"),  # logs in at 103's seat: a move
            "Local/104@a": MemberSeat("S-04", "104"),
        }
    )
    mapping = members if with_map else None
    log = tmp_path / "queue_log"
    log.write_bytes(random_queue_log(seed))
    one, many = make_floor(tmp_path / "one"), make_floor(tmp_path / "many")
    for floor in (one, many):
        floor.clock.set(START + timedelta(hours=3))
    outcomes, expected_bad = line_by_line(one, log, mapping)
    bad: list[BadLine] = []
    report = FeedFollower(
        many, log, mapping=mapping, batch_size=size, on_bad=bad.append, from_start=True
    ).poll_once()
    assert [str(b) for b in bad] == expected_bad
    assert (report.applied, report.unchanged, report.stale, report.ignored, report.bad) == (
        outcomes.count("applied"),
        outcomes.count("unchanged"),
        outcomes.count("stale"),
        outcomes.count("ignored"),
        len(expected_bad),
    )
    assert contents(many) == contents(one)
    assert memberships(many) == memberships(one)
    # Without a map most members have no seat; with one, most lines move the floor.
    assert report.applied > (50 if with_map else 20)
    assert report.bad > 0 and report.stale > 0 and report.unchanged > 0


def test_a_seats_first_event_in_a_batch_makes_older_lines_stale(tmp_path) -> None:
    """A fresh seat (no events yet) takes its first one mid-batch from a login: a later
    line older than it is then history ('stale'), as line by line."""
    from tests.unit.test_seat_batch import make_floor

    mapping = InterfaceMap(
        {"PJSIP/105": MemberSeat("S-05", "105"), "PJSIP/999": MemberSeat("S-05", None)}
    )
    log = tmp_path / "queue_log"
    before_import = int(START.timestamp()) - 100
    log.write_text(
        f"{before_import}|c1|sales|PJSIP/999|PAUSE|x\n"  # asks whether S-05 has events: no
        f"{T0}|NONE|sales|PJSIP/105|ADDMEMBER|\n"  # its first event
        f"{before_import + 50}|c2|sales|PJSIP/105|CONNECT|3|c2|2\n"  # older than that
    )
    one, many = make_floor(tmp_path / "one"), make_floor(tmp_path / "many")
    for floor in (one, many):
        floor.clock.set(START + timedelta(hours=1))
    outcomes, _ = line_by_line(one, log, mapping)
    report = FeedFollower(many, log, mapping=mapping, on_bad=print, from_start=True).poll_once()
    assert outcomes[1:] == ["applied", "stale"]
    assert (report.bad, report.applied, report.stale) == (1, 1, 1)
