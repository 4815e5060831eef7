"""Fuzzed command line: whatever a script or a person types, floorman answers properly.

Random argv for `floorman event`, `seats`, `agents`, `backup` and `restore`, run
in-process through `floorman.cli.run`: every input exits 0 or 2, a refusal says why on
one line of stderr (no control characters, so hostile input cannot reach the
terminal), and nothing ever escapes as a traceback.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from floorman.cli import run
from floorman.data.backup import file_problems

COMMANDS = [
    ["event"],
    ["seats"],
    ["seats", "list"],
    ["seats", "import"],
    ["agents", "import"],
    ["backup"],
    ["restore"],
]
WORDS = [
    "A-01", "a-01", "B-01", "ZZ-99", "ready", "busy", "away", "back", "empty", "fault",
    "fixed", "READY", "--agent", "1001", "1002", "9999", "--reason", "--at", "--source",
    "--id", "--json", "--to", "list", "import", "-h", "--", "-", "", " ", "toilet",
    "2026-11-23T08:00:00", "2026-11-23T08:00:00+08:00", "2026-13-45", "1999-01-01T00:00Z",
    "2099-01-01T00:00:00Z", "now", "--lang", "en", "zh", "xx", "--operator", "--config",
    "--force-old-sqlite", "floor.db", "backups", "x.db", "\x1b[31mred", "\x1b]0;title\x07",
    "王芳", "\u202eevil", "\r", "\n",
]  # fmt: skip


def _safe_text(value: str) -> bool:
    # Real argv cannot hold NUL; an absolute or parent path could write outside the sandbox.
    return "\x00" not in value and not value.startswith(("/", "~")) and ".." not in value


TOKENS = st.one_of(
    st.sampled_from(WORDS),
    st.text(max_size=24).filter(_safe_text),
    st.text(min_size=190, max_size=260).filter(_safe_text),
)
ARGV = st.tuples(st.sampled_from(COMMANDS), st.lists(TOKENS, max_size=7))


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("fuzz")
    db = folder / "floor.db"
    (folder / "seats.csv").write_text(
        "seat,zone,type,row,col\nA-01,A,general,0,0\nB-01,B,vip,0,0\n"
    )
    (folder / "agents.csv").write_text("staff_no,name,team\n1001,Li Na,T1\n1002,王芳,T1\n")
    with _sandbox(folder):
        assert run(["--db", str(db), "init"]) == 0
        assert run(["--db", str(db), "seats", "import", "seats.csv"]) == 0
        assert run(["--db", str(db), "agents", "import", "agents.csv"]) == 0
    yield folder


@contextlib.contextmanager
def _sandbox(folder: Path) -> Iterator[None]:
    """Run in `folder`, with config and operator from the sandbox, restoring after."""
    saved_cwd, saved_env = os.getcwd(), dict(os.environ)
    os.chdir(folder)
    os.environ["FLOORMAN_CONFIG"] = str(folder / "no-config.toml")
    os.environ["FLOORMAN_DB"] = str(folder / "default.db")
    os.environ["FLOORMAN_OPERATOR"] = "fuzzer"
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)


def _run(argv: list[str]) -> int:
    try:
        return run(argv)
    except SystemExit as exc:  # argparse's --help: what the process would exit with
        return int(exc.code or 0)


def _check(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    status = _run(argv)
    out, err = capsys.readouterr()
    assert status in (0, 2), (argv, status, err)
    assert "Traceback" not in err and "Traceback" not in out
    if status == 2:
        assert err.startswith(("floorman", "usage")), (argv, err)
        assert err.endswith("\n") and err.count("\n") == 1, (argv, err)
        assert not any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in err[:-1]), (argv, err)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(argv=ARGV)
def test_random_argv_exits_0_or_2_with_one_clean_line(
    fuzz_dir: Path, capsys: pytest.CaptureFixture[str], argv: tuple[list[str], list[str]]
) -> None:
    command, rest = argv
    with _sandbox(fuzz_dir):
        _check(["--db", str(fuzz_dir / "floor.db"), *command, *rest], capsys)
    assert file_problems(fuzz_dir / "floor.db", quick=True) == []


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    seat=TOKENS,
    state=st.one_of(st.sampled_from(WORDS[4:12]), TOKENS),
    options=st.lists(
        st.tuples(st.sampled_from(["--agent", "--reason", "--at", "--source", "--id"]), TOKENS),
        max_size=4,
    ),
)
def test_random_events_exit_0_or_2(
    fuzz_dir: Path,
    capsys: pytest.CaptureFixture[str],
    seat: str,
    state: str,
    options: list[tuple[str, str]],
) -> None:
    flat = [part for pair in options for part in (pair[0], f"{pair[1]}")]
    # `--opt=value` so that a value starting with "-" is still taken as the value.
    joined = [f"{flag}={value}" for flag, value in options]
    with _sandbox(fuzz_dir):
        _check(["--db", str(fuzz_dir / "floor.db"), "event", "--", seat, state], capsys)
        _check(["--db", str(fuzz_dir / "floor.db"), "event", seat, state, *flat], capsys)
        _check(["--db", str(fuzz_dir / "floor.db"), "event", *joined, "--", seat, state], capsys)


def test_the_fuzz_reaches_real_work(fuzz_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The vocabulary can make valid calls, so the fuzz is not only testing refusals."""
    db = str(fuzz_dir / "floor.db")
    with _sandbox(fuzz_dir):
        assert _run(["--db", db, "event", "A-01", "ready", "--agent", "1001"]) == 0
        assert _run(["--db", db, "backup", "--to", "x-valid.db"]) == 0
        assert _run(["--db", db, "backup", "--to", "x-valid.db"]) == 2
    capsys.readouterr()
