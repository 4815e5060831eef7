"""The hand-off's wire (framed by hand, no json) and who acts in a handed-over event:
arguments arrive as typed, a request or an answer cut off is never taken for whole, the
caller's environment and uid name the operator (the service's own never count), and the
desk's thread keeps answering after a caller that hung up mid-request."""

from __future__ import annotations

import asyncio
import os
import pwd
import socket

import pytest

from floorman.cli import build_parser, run
from floorman.domain.core.context import acting_from, default_operator
from floorman.service.event_desk import CommandLine
from floorman.service.handoff import (
    decode_answer,
    decode_request,
    encode_answer,
    encode_request,
    hand_over,
    socket_path,
)
from floorman.service.runner import FloorService

AWKWARD = ["event", "A-01", "away", "--reason", "line one\nline two = 2", "", "--id", "座位"]


def test_a_request_arrives_as_typed_and_a_cut_off_one_is_refused() -> None:
    environ = {"USER": "amy", "ODD": "a=b", "BYTES": "caf\udce9"}  # a non-UTF-8 byte kept
    wire = encode_request(AWKWARD, ["--db", "/f/floor.db"], environ, "key-1")
    assert decode_request(wire) == {
        "argv": AWKWARD,
        "globals": ["--db", "/f/floor.db"],
        "environ": environ,
        "feed_key": "key-1",
    }
    for cut in range(len(wire)):  # a caller killed mid-send: never run half a command
        assert decode_request(wire[:cut]) is None
    assert decode_request(b'{"argv": ["event"]}\n') is None  # the old wire: declined


def test_an_answer_arrives_whole_or_is_known_to_be_cut_off() -> None:
    wire = encode_answer(2, "out 输出\n", "floorman: 错误\n")
    assert decode_answer(wire) == (2, "out 输出\n", "floorman: 错误\n")
    assert decode_answer(b"fallback") is None
    for cut in range(len(wire)):
        with pytest.raises(ValueError):
            decode_answer(wire[:cut])


def test_the_operator_is_the_callers_in_a_hand_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLOORMAN_OPERATOR", "the-service")
    assert default_operator() == "the-service"
    with acting_from("h:pid1", environ={"FLOORMAN_OPERATOR": " amy "}, uid=os.getuid()):
        assert default_operator() == "amy"
    with acting_from("h:pid1", environ={"USER": "bo", "LOGNAME": "lo"}, uid=os.getuid()):
        assert default_operator() == "lo"  # getpass.getuser()'s order
    with acting_from("h:pid1", environ={}, uid=0):
        assert default_operator() == pwd.getpwuid(0).pw_name  # the caller's uid


async def test_the_desk_answers_after_a_caller_hung_up_mid_request(small_floor) -> None:
    service = FloorService(small_floor, command_line=CommandLine(run, build_parser))
    await service.start(paused=True)
    try:
        path = str(socket_path(small_floor.db.path))
        wire = encode_request(["event", "A-01", "ready"], ["--db", "x"], {}, None)
        with socket.socket(socket.AF_UNIX) as half:
            half.connect(path)
            half.sendall(wire[:10])  # then gone
        db = str(small_floor.db.path)
        status = await asyncio.get_running_loop().run_in_executor(
            None, hand_over, ["--db", db, "event", "A-01", "ready", "--agent", "1001"]
        )
        assert status == 0
        assert service.event_desk is not None and service.event_desk.handled == 2
    finally:
        await service.stop()
    assert not socket_path(small_floor.db.path).exists()
