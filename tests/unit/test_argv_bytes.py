"""Arguments that are not valid UTF-8 are refused with one line and exit 2, for every command."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

COMMANDS = [
    [b"event", b"A-0\xff1", b"ready"],
    [b"away", b"log", b"--date", b"2026-12-\xff1"],
    [b"--operator", b"\xc3\x28", b"journal"],
    [b"visitors", b"register", b"--name", b"\xed\xa0\x80"],
    [b"handover", b"show", b"--shift", b"\x80"],
]


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda a: a[0].decode())
def test_invalid_utf8_argument_is_refused(tmp_path, argv):
    db = tmp_path / "floor.db"
    env = {**os.environ, "FLOORMAN_DB": str(db)}
    done = subprocess.run(
        [sys.executable.encode(), b"-m", b"floorman", *argv],
        capture_output=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 2
    lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
    assert len(lines) == 1 and "not valid UTF-8" in lines[0]
    assert not db.exists()


def test_the_refusal_is_chinese_under_lang_zh(tmp_path):
    """Refused before argparse runs, yet in the language asked for, in a real process
    (the bytes of argv decoded as Python decodes them)."""
    db = tmp_path / "floor.db"
    env = {**os.environ, "FLOORMAN_DB": str(db)}
    done = subprocess.run(
        [sys.executable.encode(), b"-m", b"floorman", b"--lang", b"zh", b"event", b"A-0\xff1",
         b"ready"],
        capture_output=True,
        env=env,
        timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.decode("utf-8") == "floorman：第 4 个参数不是有效的 UTF-8；未做任何操作\n"
    assert not db.exists()
