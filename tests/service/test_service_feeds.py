"""The service's feeds: JSON Lines on a local socket and a named pipe, an Asterisk log,
a failing feed restarted with back-off, and the `[[feeds]]` config refused precisely."""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from floorman.config import ConfigError, FeedConfig, parse_config
from floorman.domain.core.context import Floor
from floorman.domain.seats.views import list_seats
from floorman.service.feeds import backoff_seconds
from floorman.service.health import status
from floorman.service.runner import FloorService

DATA = Path(__file__).parent.parent / "data" / "asterisk"


@pytest.fixture
def short_dir() -> Iterator[Path]:
    """A folder with a short path: a unix socket's path must fit in 108 bytes."""
    folder = Path(tempfile.mkdtemp(prefix="fm-", dir="/tmp"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def with_feeds(floor: Floor, *feeds: FeedConfig) -> Floor:
    return replace(floor, config=replace(floor.config, feeds=feeds))


def wait_for(condition, seconds: float = 10.0) -> None:
    """Wait for a feed thread's work (not a timer): poll until true or give up."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)


def state_of(floor: Floor, seat: str) -> str:
    with floor.db.read() as session:
        return next(v.state for v in list_seats(session) if v.seat == seat)


async def test_jsonl_on_a_socket_applies_events_and_answers_bad_lines(small_floor, short_dir):
    path = short_dir / "states.sock"
    floor = with_feeds(small_floor, FeedConfig(kind="jsonl", source="pbx", socket=str(path)))
    service = FloorService(floor)
    await service.start(paused=True)
    try:
        wait_for(path.exists)
        client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        client.connect(str(path))
        client.sendall(
            b'{"id": "p1", "seat": "A-01", "state": "ready", "agent": "1001"}\n'
            b'{"seat": "NOPE", "state": "ready"}\n'
            b'{"id": "p2", "seat": "A-01", "state": "busy"}\n'
        )
        client.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := client.recv(4096):
            answer += chunk
        client.close()
        assert answer.decode().startswith("line 2: ")
        wait_for(lambda: state_of(small_floor, "A-01") == "busy")
        health = service.feeds[0].health
        assert (health.applied, health.bad, health.state) == (2, 1, "running")
    finally:
        await service.stop()
    assert not path.exists()  # the socket is removed on a clean stop
    assert service.feeds[0].health.state == "stopped"


async def test_jsonl_on_a_named_pipe_survives_writers_coming_and_going(small_floor, short_dir):
    pipe = short_dir / "states.fifo"
    floor = with_feeds(small_floor, FeedConfig(kind="jsonl", source="pbx", pipe=str(pipe)))
    service = FloorService(floor)
    await service.start(paused=True)
    try:
        wait_for(pipe.exists)
        for n, state in enumerate(("ready", "busy")):
            fd = os.open(pipe, os.O_WRONLY)  # one writer per event, as a script would
            line = f'{{"id": "f{n}", "seat": "B-01", "state": "{state}", "agent": "1003"}}\n'
            os.write(fd, line.encode())
            os.close(fd)
            wait_for(lambda state=state: state_of(small_floor, "B-01") == state)
    finally:
        await service.stop()


async def test_an_asterisk_feed_follows_its_log(small_floor, clock, short_dir):
    clock.advance(7200)  # the sample log starts a minute after the fixture's clock
    log = short_dir / "queue_log"
    shutil.copy(DATA / "queue_log", log)
    feed = FeedConfig(
        kind="asterisk",
        source="asterisk",
        path=str(log),
        map=str(DATA / "members.csv"),
        interval_seconds=0.05,
    )
    service = FloorService(with_feeds(small_floor, feed))
    await service.start(paused=True)
    try:
        wait_for(lambda: status(service.floor)["feeds"][0]["lag_bytes"] == 0)
        assert state_of(small_floor, "A-02") == "ready"
        assert state_of(small_floor, "A-01") == "empty"
    finally:
        await service.stop()


async def test_a_failing_feed_is_restarted_with_back_off(small_floor, short_dir):
    feed = FeedConfig(
        kind="asterisk",
        source="asterisk",
        path=str(short_dir / "queue_log"),
        map=str(short_dir / "missing.csv"),
    )
    service = FloorService(with_feeds(small_floor, feed))
    await service.start(paused=True)
    try:
        health = service.feeds[0].health
        # The first back-off lasts a second: long enough to be seen between two looks.
        wait_for(lambda: health.state == "restarting in 1 s")
        assert health.restarts >= 1
        assert "missing.csv" in health.last_error
        report = status(service.floor)
        assert report["feeds"][0]["restarts"] >= 1
    finally:
        await service.stop()
    assert [backoff_seconds(n) for n in (1, 2, 3, 7, 8, 50)] == [1, 2, 4, 60, 60, 60]


@pytest.mark.parametrize(
    ("feeds", "message"),
    [
        ({"kind": "kafka"}, "feeds entry 1: key 'kind' must be 'asterisk' or 'jsonl', got 'kafka'"),
        ({"kind": "asterisk"}, "feeds entry 1: an asterisk feed needs 'path'"),
        ({"kind": "asterisk", "path": "q", "socket": "s"}, "an asterisk feed needs 'path'"),
        ({"kind": "jsonl", "path": "x"}, "a jsonl feed needs one of 'pipe' or 'socket'"),
        ({"kind": "jsonl", "pipe": "p", "socket": "s"}, "needs one of 'pipe' or 'socket'"),
        ({"kind": "jsonl", "pipe": "p", "map": "m"}, "key 'map' is for asterisk feeds only"),
        ({"kind": "jsonl", "pipe": ""}, "key 'pipe' must be a non-empty string"),
        ({"kind": "jsonl", "pipe": "p", "colour": 1}, "feeds entry 1: unknown key 'colour'"),
        (
            {"kind": "jsonl", "pipe": "p", "interval_seconds": 0},
            "'interval_seconds' must be between 0.05 and 3600",
        ),
    ],
)
def test_bad_feed_entries_are_refused_naming_the_key(feeds, message) -> None:
    with pytest.raises(ConfigError, match="^/etc/fm.toml: .*" + message.replace("(", r"\(")):
        parse_config({"feeds": [feeds]}, "/etc/fm.toml")


def test_feed_entries_parse_with_paths_beside_the_config() -> None:
    config = parse_config(
        {
            "feeds": [
                {"kind": "asterisk", "path": "/var/log/asterisk/queue_log", "map": "members.csv"},
                {"kind": "jsonl", "socket": "/run/floorman/pbx.sock", "source": "pbx"},
            ]
        },
        "/etc/floorman/config.toml",
    )
    assert [(f.kind, f.source, f.target) for f in config.feeds] == [
        ("asterisk", "asterisk", "/var/log/asterisk/queue_log"),
        ("jsonl", "pbx", "/run/floorman/pbx.sock"),
    ]
    assert config.feeds[0].map == "/etc/floorman/members.csv"
    with pytest.raises(ConfigError, match="source 'pbx' is used by an earlier feed"):
        parse_config(
            {"feeds": [{"kind": "jsonl", "pipe": "/a", "source": "pbx"}] * 2}, "/etc/x.toml"
        )
    with pytest.raises(ConfigError, match=r"\[\[feeds\]\] must be a list of tables"):
        parse_config({"feeds": {"kind": "jsonl"}}, "/etc/x.toml")
