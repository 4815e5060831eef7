"""Fuzzed command line over EVERY subcommand: whatever is typed, floorman answers properly.

The subcommands are enumerated from `cli.COMMANDS` and their argparse parsers (a new
command is fuzzed without touching this file). Each example runs one command in-process
on a fresh copy of a small floor (seats, agents, an away slip, a visitor, an emergency,
a handover), with arguments drawn from hostile values (calendar edges, 10^20, nan, inf,
escape sequences, bidi overrides, overlong text) and plausible ones (so that real work is
reached too). It asserts: exit 0, 1 or 2 (3 only for `status`); no traceback; a refusal
is exactly one line on stderr without control characters; and on exit 2 nothing was
written (every table's rows and the journal are unchanged). Repeatable: hypothesis runs
derandomized, with a fixed database of examples switched off.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import shutil
import sqlite3
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from floorman.cli import COMMANDS, build_parser, run

# Long-running or full-screen commands: a terminal UI, the service loop.
NOT_FUZZED = {"ui", "demo", "wallboard", "serve"}
# Options that keep a command running (following a log forever).
ENDLESS_OPTIONS = {"--follow"}


@dataclass(frozen=True)
class Leaf:
    """One runnable subcommand: its words, its positionals, its options."""

    words: tuple[str, ...]
    positionals: tuple[tuple[str, str | int | None, tuple[str, ...]], ...]
    options: tuple[tuple[str, bool, tuple[str, ...]], ...]  # flag, takes a value, choices


def _subparsers(parser: argparse.ArgumentParser) -> argparse._SubParsersAction | None:  # type: ignore[type-arg]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    return None


def _leaves(parser: argparse.ArgumentParser, words: tuple[str, ...]) -> Iterator[Leaf]:
    sub = _subparsers(parser)
    if sub is not None:
        for name, child in sub.choices.items():
            yield from _leaves(child, (*words, name))
        return
    positionals, options = [], []
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        choices = tuple(str(c) for c in action.choices) if action.choices else ()
        if action.option_strings:
            flag = max(action.option_strings, key=len)
            if flag not in ENDLESS_OPTIONS:
                options.append((flag, action.nargs != 0, choices))
        else:
            positionals.append((action.dest, action.nargs, choices))
    yield Leaf(words, tuple(positionals), tuple(options))


def every_leaf() -> list[Leaf]:
    leaves: list[Leaf] = []
    for command in COMMANDS:
        if command.name in NOT_FUZZED:
            continue
        top = build_parser(command.name)
        sub = _subparsers(top)
        assert sub is not None
        leaves.extend(_leaves(sub.choices[command.name], (command.name,)))
    return leaves


LEAVES = every_leaf()

HOSTILE = [
    "100000000000000000000", "-100000000000000000000", "1e300", "nan", "inf", "-inf", "-1",
    "0", "0001-01-01", "9999-12-31", "9999-12", "0000-00", "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00", "1970-01-01T00:00:00Z", "+99999999h", "+1d", "2026-02-30",
    "\x1b[31mred", "\x1b]0;title\x07", "\u202eevil", "\x9b2J", "A-0\x012", "\r", "\n", "",
    " ", "-", "--", "x" * 5000, "y" * 300, "王芳", "%s%n", "'; DROP TABLE seat;--",
]  # fmt: skip
PLAUSIBLE = [
    "A-01", "A-02", "B-01", "1001", "1002", "ready", "busy", "away", "back", "empty",
    "fault", "fixed", "toilet", "fire", "current", "previous", "last", "pending", "all",
    "1", "2", "5", "30", "2026-11-23", "2026-11", "2026-11-23T08:00:00", "+2h", "director",
    "supervisor", "floor.db", "x.csv", "report.md", "feed.jsonl", "internal", "external",
    "EMERGENCY", "VISITOR", "SLIP",
]  # fmt: skip


def _safe_text(value: str) -> bool:
    # Real argv cannot hold NUL; an absolute or parent path could write outside the sandbox.
    return "\x00" not in value and not value.startswith(("/", "~")) and ".." not in value


VALUES = st.one_of(
    st.sampled_from(HOSTILE),
    st.sampled_from(PLAUSIBLE),
    st.text(max_size=12).filter(_safe_text),
)


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    leaf = draw(st.sampled_from(LEAVES))
    argv = list(leaf.words)
    for _dest, nargs, choices in leaf.positionals:
        many = {"+": (1, 3), "*": (0, 2), "?": (0, 1)}.get(str(nargs), (1, 1))
        for _ in range(draw(st.integers(*many))):
            pick = st.sampled_from(choices) if choices else VALUES
            argv.append(draw(st.one_of(pick, VALUES) if choices else pick))
    for flag, takes_value, choices in draw(
        st.lists(st.sampled_from(leaf.options), max_size=4, unique=True)
        if leaf.options
        else st.just([])
    ):
        if not takes_value:
            argv.append(flag)
            continue
        value = draw(st.one_of(st.sampled_from(choices), VALUES) if choices else VALUES)
        argv.append(f"{flag}={value}")  # so that a value starting with "-" stays a value
    return argv


# --------------------------------------------------------------------------- the floor


@contextlib.contextmanager
def _sandbox(folder: Path) -> Iterator[None]:
    """Run in `folder` with its config, an operator, stdin from /dev/null; restore after."""
    saved_cwd, saved_env, saved_stdin = os.getcwd(), dict(os.environ), sys.stdin
    os.chdir(folder)
    os.environ["FLOORMAN_CONFIG"] = str(folder / "no-config.toml")
    os.environ["FLOORMAN_DB"] = str(folder / "floor.db")
    os.environ["FLOORMAN_OPERATOR"] = "fuzzer"
    os.environ["FLOORMAN_NEW_PIN"] = "482913"
    os.environ.pop("FLOORMAN_PIN", None)
    with open(os.devnull, encoding="utf-8") as nothing:
        sys.stdin = nothing
        try:
            yield
        finally:
            sys.stdin = saved_stdin
            os.chdir(saved_cwd)
            os.environ.clear()
            os.environ.update(saved_env)


def _run(argv: list[str]) -> int:
    try:
        return run(argv)
    except SystemExit as exc:  # argparse's --help: what the process would exit with
        return int(exc.code or 0)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small floor with one of everything, made through the command line."""
    folder = tmp_path_factory.mktemp("fuzz-every-template")
    (folder / "seats.csv").write_text(
        "seat,zone,type,row,col\nA-01,A,general,0,0\nA-02,A,general,0,1\nB-01,B,vip,0,0\n"
    )
    (folder / "agents.csv").write_text("staff_no,name,team\n1001,Li Na,T1\n1002,王芳,T1\n")
    (folder / "feed.jsonl").write_text(
        '{"id":"f1","seat":"A-02","state":"ready","agent":"1002"}\n'
        '{"id":"f2","seat":"A-02","state":"busy","at":"0001-01-01T00:00:00+14:00"}\n'
    )
    with _sandbox(folder):
        steps = [
            ["init"],
            ["seats", "import", "seats.csv"],
            ["agents", "import", "agents.csv"],
            ["event", "A-01", "ready", "--agent", "1001"],
            ["away", "request", "1001", "--reason", "toilet"],
            ["emergency", "start", "fire", "--drill"],
            ["visitors", "register", "--name", "Zhao", "--org", "IT", "--category",
             "internal", "--purpose", "repair", "--host", "duty"],
            ["handover", "compose"],
        ]  # fmt: skip
        for step in steps:
            assert _run(step) == 0, step
    return folder


def _ids(folder: Path) -> dict[str, str]:
    """Real ids of the template's records, so the fuzz can name them."""
    with contextlib.closing(sqlite3.connect(folder / "floor.db")) as con:
        return {
            "EMERGENCY": con.execute("SELECT id FROM emergency").fetchone()[0][:8],
            "VISITOR": con.execute("SELECT id FROM visitor").fetchone()[0][:8],
            "SLIP": con.execute("SELECT id FROM away_slip").fetchone()[0][:8],
        }


def _contents(db: Path) -> str:
    """Every table's rows, hashed: equal before and after means nothing was written."""
    digest = hashlib.sha256()
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as con:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"
            ).fetchall()
        ]
        for table in tables:
            rows = sorted(repr(row) for row in con.execute(f'SELECT * FROM "{table}"'))
            digest.update(repr((table, rows)).encode())
    return digest.hexdigest()


def _fresh_copy(template: Path, folder: Path) -> None:
    for item in folder.iterdir():
        if item.is_dir():
            shutil.rmtree(item)
        else:
            item.unlink()
    for item in template.iterdir():
        if item.is_file():
            shutil.copy2(item, folder / item.name)


@settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(argv=command_lines())
def test_every_command_exits_cleanly_and_writes_nothing_when_refused(
    template: Path,
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
) -> None:
    folder = tmp_path_factory.getbasetemp() / "fuzz-every-run"
    folder.mkdir(exist_ok=True)
    _fresh_copy(template, folder)
    ids = _ids(folder)
    argv = [ids.get(part, part) for part in argv]
    before = _contents(folder / "floor.db")
    with _sandbox(folder):
        status = _run(argv)
    out, err = capsys.readouterr()
    allowed = (0, 1, 2, 3) if argv[0] == "status" else (0, 1, 2)
    assert status in allowed, (argv, status, err)
    assert "Traceback" not in err and "Traceback" not in out, (argv, err)
    if status == 2:
        assert err.count("\n") == 1 and err.endswith("\n"), (argv, err)
        assert err.startswith(("floorman", "usage")), (argv, err)
        assert not any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in err[:-1]), (argv, err)
        assert "\u202e" not in err, (argv, err)
        assert _contents(folder / "floor.db") == before, (argv, "a refusal wrote something")
    if status == 1:
        assert err.count("\n") <= 1, (argv, err)
    for stream in (out, err):  # the one output sanitiser: nothing hostile reaches a terminal
        assert "\x1b" not in stream and "\x9b" not in stream and "\u202e" not in stream, argv


def test_every_subcommand_is_fuzzed() -> None:
    """The enumeration reaches the subcommands of every command table entry."""
    words = {leaf.words for leaf in LEAVES}
    assert ("event",) in words and ("journal",) in words and ("check",) in words
    assert ("emergency", "step") in words and ("visitors", "rollcall", "safe") in words
    assert ("attendance", "leave", "request") in words and ("feed", "jsonl") in words
    fuzzed = {leaf.words[0] for leaf in LEAVES}
    assert fuzzed == {c.name for c in COMMANDS} - NOT_FUZZED
    assert len(LEAVES) > 80


# Plausible values for positionals by their name, so that a sweep reaches the options.
POSITIONAL_VALUES = {
    "seat": "A-01", "state": "ready", "agent": "1001", "staff_no": "1001", "id": "EMERGENCY",
    "slip": "SLIP", "visitor": "VISITOR", "kind": "fire", "number": "1", "action": "done",
    "name": "fuzzer2", "file": "feed.jsonl", "path": "feed.jsonl", "date": "2026-11-23",
    "month": "2026-11", "first_day": "2026-11-23", "days": "1", "text": "note",
    "shift": "current", "manager": "fuzzer", "item": "1", "person": "1", "numbers": "1",
    "entry": "1", "leave_id": "1",
}  # fmt: skip
# Each option and positional of every subcommand gets each of these in turn.
SWEEP = ["100000000000000000000", "nan", "9999-12-31", "0001-01-01T00:00:00+14:00",
         "\x1b[31mred\u202e", "y" * 300]  # fmt: skip
# Options every command shares: swept once (on `seats list`), not per subcommand.
GLOBAL_OPTIONS = {"--db", "--config", "--lang", "--operator", "--force-old-sqlite"}


def _one(
    folder: Path, template: Path, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> str | None:
    """Run `argv` on a fresh copy; what is wrong with the answer, or None."""
    _fresh_copy(template, folder)
    ids = _ids(folder)
    argv = [ids.get(part, part) for part in argv]
    before = _contents(folder / "floor.db")
    with _sandbox(folder):
        status = _run(argv)
    out, err = capsys.readouterr()
    if status not in ((0, 1, 2, 3) if argv[0] == "status" else (0, 1, 2)):
        return f"exit {status}: {err[-300:]}"
    if "Traceback" in err or "Traceback" in out:
        return f"traceback: {err[-300:]}"
    if status == 2 and (err.count("\n") != 1 or _contents(folder / "floor.db") != before):
        return f"exit 2 with {err.count(chr(10))} lines or a write: {err[:300]}"
    if any(mark in stream for stream in (out, err) for mark in ("\x1b", "\x9b", "\u202e")):
        return "a control sequence reached the output"
    return None


def test_a_hostile_value_in_every_option_and_positional(
    template: Path, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    """Systematic, beside the random walk: each option and each positional of every
    subcommand gets each hostile value of SWEEP, the rest plausible ones."""
    folder = tmp_path_factory.getbasetemp() / "fuzz-sweep-run"
    folder.mkdir(exist_ok=True)
    problems = []
    for leaf in LEAVES:
        base = [
            POSITIONAL_VALUES.get(dest, choices[0] if choices else "1")
            for dest, nargs, choices in leaf.positionals
            if nargs not in ("?", "*")
        ]
        runs = [
            [*leaf.words, *base[:i], value, *base[i + 1 :]]
            for i in range(len(base))
            for value in SWEEP
        ]
        for flag, takes_value, _choices in leaf.options:
            if takes_value and (flag not in GLOBAL_OPTIONS or leaf.words == ("seats", "list")):
                runs.extend([*leaf.words, *base, f"{flag}={value}"] for value in SWEEP)
        for argv in runs:
            problem = _one(folder, template, argv, capsys)
            if problem is not None:
                problems.append((argv, problem))
    assert problems == []


def test_the_fuzz_reaches_real_work(
    template: Path, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    """The vocabulary makes valid calls too: the fuzz is not only testing refusals."""
    folder = tmp_path_factory.getbasetemp() / "fuzz-real-run"
    folder.mkdir(exist_ok=True)
    for argv in (
        ["emergency", "step", "EMERGENCY", "1", "done"],
        ["away", "approve", "SLIP"],
        ["visitors", "approve", "VISITOR"],
        ["journal", "--limit", "5"],
        ["event", "A-02", "ready", "--agent", "1002"],
        ["feed", "jsonl", "feed.jsonl"],
        ["check"],
    ):
        _fresh_copy(template, folder)
        ids = _ids(folder)
        with _sandbox(folder):
            status = _run([ids.get(part, part) for part in argv])
        _out, err = capsys.readouterr()
        assert status == 0, (argv, err)
