"""`floorman event` handed to the running service: the same exit status and messages as
in-process, nothing written on bad input, the caller's terminal in the journal; and the
in-process path whenever no service answers."""

from __future__ import annotations

import ast
import asyncio
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import col, select

from floorman.__main__ import main
from floorman.cli import build_parser, run
from floorman.cli.serve import warm_command_line
from floorman.data import journal
from floorman.data.tables.floor import JournalEntry
from floorman.domain.core.context import Actor, Floor
from floorman.domain.seats.views import list_seats
from floorman.service.event_desk import CommandLine
from floorman.service.handoff import hand_over, socket_path
from floorman.service.runner import FloorService


def service_floor(floor: Floor) -> Floor:
    return Floor(db=floor.db, clock=floor.clock, config=floor.config, actor=Actor("s", "h:serve"))


async def handed(argv: list[str]) -> tuple[int | None, str, str]:
    """Run the caller's side in a thread while this loop serves (as two processes would)."""
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()

    def call() -> int | None:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            return hand_over(argv)

    status = await asyncio.get_running_loop().run_in_executor(None, call)
    return status, out.getvalue(), err.getvalue()


COMMAND_LINE = CommandLine(run=run, build_parser=build_parser)


def journal_rows(floor: Floor) -> int:
    with floor.db.read() as session:
        return journal.count(session)


@pytest.mark.parametrize("warm", [False, True], ids=["plain", "warm"])
async def test_an_event_is_recorded_by_the_service_as_it_would_be_in_process(
    small_floor, capsys, warm
) -> None:
    # `warm`: as `floorman serve` runs it (parsers built once, the service's own engine).
    db = str(small_floor.db.path)
    command_line = warm_command_line(run, build_parser, small_floor.db) if warm else COMMAND_LINE
    service = FloorService(service_floor(small_floor), command_line=command_line)
    await service.start(paused=True)
    try:
        assert socket_path(small_floor.db.path).exists()
        status, out, err = await handed(["--db", db, "event", "A-01", "ready", "--agent", "1001"])
        assert (status, out, err) == (0, "", "")
        assert service.event_desk.handled == 1
        with small_floor.db.read() as session:
            seat = next(v for v in list_seats(session) if v.seat == "A-01")
        assert (seat.state, seat.agent) == ("ready", "1001")
        with small_floor.db.read() as session:
            last = session.exec(select(JournalEntry).order_by(col(JournalEntry.seq).desc())).first()
        assert last is not None and last.action == "seat.ready"
        assert last.actor == "tester"  # the caller's FLOORMAN_OPERATOR
        assert last.terminal == f"{socket.gethostname()}:pid{os.getpid()}"  # the caller's

        before = journal_rows(small_floor)
        bad = [
            ["--db", db, "event", "NOPE", "ready"],
            ["--db", db, "event", "A-01", "busy", "--at", "garbage"],
            ["--db", db, "event", "A-01", "sideways"],
        ]
        for argv in bad:
            status, out, err = await handed(argv)
            assert run(argv) == status == 2  # the in-process run says the same
            assert capsys.readouterr().err == err and err.count("\n") == 1
        assert journal_rows(small_floor) == before  # nothing written on bad input
    finally:
        await service.stop()
    assert not socket_path(small_floor.db.path).exists()


async def test_the_caller_runs_it_itself_when_no_service_answers(small_floor, tmp_path) -> None:
    db = str(small_floor.db.path)
    assert hand_over(["--db", db, "event", "A-01", "ready"]) is None  # no socket
    stale = socket_path(small_floor.db.path)
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(stale))
    listener.close()  # a socket file with nobody behind it (a killed service)
    assert hand_over(["--db", db, "event", "A-01", "ready"]) is None
    stale.unlink()
    service = FloorService(service_floor(small_floor), command_line=COMMAND_LINE)
    await service.start(paused=True)
    try:
        # Not an event (the word is only a value): the service declines, the caller runs it.
        status, _out, _err = await handed(["--db", db, "seats", "list", "--json"])
        assert status is None
        status, _out, _err = await handed(["--db", db, "event", "--help"])
        assert status is None
        # Another database than the service's: run by the caller.
        other = tmp_path / "other.db"
        status, _out, _err = await handed(["--db", str(other), "event", "A-01", "ready"])
        assert status is None
    finally:
        await service.stop()
    assert main(["--db", db, "event", "A-01", "ready", "--agent", "1001"]) == 0  # in-process


CLIENT = """
import sys
from floorman.__main__ import main
status = main(sys.argv[1:])
installed = [  # imported from an installed package (site-packages), floorman aside
    name for name, module in list(sys.modules.items())
    if "-packages" in (getattr(module, "__file__", None) or "") and name.split(".")[0] != "floorman"
]
print(status, " ".join(sorted(sys.modules)), "|", " ".join(sorted(installed)), file=sys.stderr)
"""


async def test_the_caller_imports_only_the_standard_library_and_paths(small_floor) -> None:
    """A phone system pays a Python start-up and a round trip: not the storage layer,
    nor pathlib, nor platformdirs (its database and config are given)."""
    db = str(small_floor.db.path)
    command_line = warm_command_line(run, build_parser, small_floor.db)
    service = FloorService(service_floor(small_floor), command_line=command_line)
    await service.start(paused=True)
    try:
        client = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            CLIENT,
            "--db",
            db,
            "event",
            "A-02",
            "busy",
            "--agent",
            "1002",
            env={**os.environ, "FLOORMAN_CONFIG": str(small_floor.db.path.parent / "x.toml")},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        _out, err = await asyncio.wait_for(client.communicate(), 60)
    finally:
        await service.stop()
    status, modules = err.decode().splitlines()[-1].split(" ", 1)
    modules, installed = modules.split("|")
    assert status == "0" and service.event_desk is not None
    assert service.event_desk.handled == 1
    ours = {m for m in modules.split() if m.split(".")[0] == "floorman"}
    assert ours == {"floorman", "floorman.__main__", "floorman.paths", "floorman.service",
                    "floorman.service.handoff"}  # fmt: skip
    # Only what the interpreter's own start-up (site) loads from site-packages, if anything.
    assert not {m for m in installed.split() if m != "_distutils_hack"}
    # Nor what the standard library's wrappers pull in: `_socket`, not `socket` (enum,
    # selectors); no json and no re (the wire is framed by hand); no getpass.
    heavy = {"pathlib", "platformdirs", "typing", "sqlalchemy", "socket", "json", "re", "enum",
             "getpass", "selectors"}  # fmt: skip
    assert not heavy & set(modules.split())


def test_the_installed_command_is_bin_floorman_and_imports_only_the_entry_point() -> None:
    """`floorman` on the PATH is bin/floorman, which imports floorman's entry point and
    nothing else (pip before 25.0 writes a console script importing `re` before
    floorman's code runs, a fifth of a handed-over call)."""

    def imports(text: str) -> list[tuple[str | None, list[str]]]:
        tree = ast.parse(text)
        found = [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]
        return [(getattr(n, "module", None), [a.name for a in n.names]) for n in found]

    source = (Path(__file__).resolve().parents[2] / "bin" / "floorman").read_text()
    installed = Path(sys.executable).with_name("floorman").read_text()
    assert installed.startswith("#!") and '"""The `floorman` command' in installed
    assert imports(source) == imports(installed) == [("floorman.__main__", ["console"])]


async def test_the_command_exits_with_the_services_status_and_all_it_printed(
    small_floor, tmp_path
) -> None:
    """The command ends at once after a hand-off (no interpreter teardown): the exit
    status, the message and output piped to a file are all there, as in-process."""
    db = str(small_floor.db.path)
    command = str(Path(sys.executable).with_name("floorman"))
    env = {**os.environ, "FLOORMAN_CONFIG": str(tmp_path / "x.toml")}
    service = FloorService(service_floor(small_floor), command_line=COMMAND_LINE)
    await service.start(paused=True)
    try:
        bad = ["--db", db, "event", "NOPE", "ready"]
        good = ["--db", db, "event", "A-02", "busy", "--agent", "1002"]
        answers = []
        for argv in (bad, good):
            client = await asyncio.create_subprocess_exec(
                command, *argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
            out, err = await asyncio.wait_for(client.communicate(), 60)
            answers.append((client.returncode, out.decode(), err.decode()))
        assert service.event_desk is not None and service.event_desk.handled == 2
    finally:
        await service.stop()
    (bad_status, bad_out, bad_err), (good_status, good_out, good_err) = answers
    assert (bad_status, bad_out, bad_err.count("\n")) == (2, "", 1) and "NOPE" in bad_err
    assert (good_status, good_out, good_err) == (0, "", "")
    with small_floor.db.read() as session:
        seat = next(v for v in list_seats(session) if v.seat == "A-02")
    assert (seat.state, seat.agent) == ("busy", "1002")
