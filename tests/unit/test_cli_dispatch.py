"""The command line builds only what it runs: one table of commands, one module imported.

The import checks run in a fresh interpreter (a subprocess), since this test process has
imported everything already.
"""

from __future__ import annotations

import argparse
import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import floorman.cli as cli
from floorman.cli import COMMANDS, Parser, build_parser

CLI_FOLDER = Path(cli.__file__).parent
# The modules every command may import: the dispatcher and what opening a floor needs.
# parser_text: argparse's sentences in the run's language (argparse and i18n only, both light).
SHARED = {"floorman.cli", "floorman.cli.common", "floorman.cli.parser_text"}

PROBE = """
import json, sys
from floorman.__main__ import main
try:
    status = main(json.loads(sys.argv[1]))
except SystemExit as exc:
    status = exc.code
print(json.dumps({"status": status, "modules": sorted(sys.modules)}))
"""


def run_fresh(argv: list[str]) -> tuple[int, set[str], str]:
    """Run `main(argv)` in a new interpreter: its exit status, modules loaded, stdout."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(argv)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    *printed, last = result.stdout.rstrip("\n").split("\n")
    report = json.loads(last)
    return int(report["status"] or 0), set(report["modules"]), "\n".join(printed)


def cli_modules(modules: set[str]) -> set[str]:
    return {m for m in modules if m == "floorman.cli" or m.startswith("floorman.cli.")}


def heavy(modules: set[str]) -> set[str]:
    """Modules `floorman event` must never load: Textual and the app's UI layers."""
    banned = ("textual", "floorman.screens", "floorman.widgets", "floorman.app")
    return {m for m in modules if any(m == b or m.startswith(b + ".") for b in banned)}


@pytest.fixture(scope="module")
def floor_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("dispatch")
    db = folder / "floor.db"
    seats = folder / "seats.csv"
    seats.write_text("seat,zone,type,row,col\nA-01,A,general,0,0\n", encoding="utf-8")
    agents = folder / "agents.csv"
    agents.write_text("staff_no,name,team\n1001,Li Na,T1\n", encoding="utf-8")
    for argv in (
        ["init"],
        ["seats", "import", str(seats)],
        ["agents", "import", str(agents)],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "floorman", "--db", str(db), *argv],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
    return db


def test_event_imports_only_its_own_command_module(floor_db: Path) -> None:
    status, modules, _ = run_fresh(
        ["--db", str(floor_db), "event", "A-01", "ready", "--agent", "1001"]
    )
    assert status == 0
    assert heavy(modules) == set()
    # cli.pins: on a floor with operators an event without --source logs in (issue 14).
    assert cli_modules(modules) == SHARED | {"floorman.cli.floor", "floorman.cli.pins"}


def test_a_refused_event_is_still_light(floor_db: Path) -> None:
    status, modules, _ = run_fresh(["--db", str(floor_db), "event", "Z-99", "ready"])
    assert status == 2
    assert heavy(modules) == set()
    # cli.pins: on a floor with operators an event without --source logs in (issue 14).
    assert cli_modules(modules) == SHARED | {"floorman.cli.floor", "floorman.cli.pins"}


def test_help_lists_every_command_without_importing_them() -> None:
    status, modules, printed = run_fresh(["--help"])
    assert status == 0
    assert cli_modules(modules) == {"floorman.cli", "floorman.cli.parser_text"}
    assert heavy(modules) == set()
    flat = " ".join(printed.split())
    for command in COMMANDS:
        assert f"{command.name} {' '.join(command.help.split())}" in flat


def test_command_help_imports_that_command_only() -> None:
    status, modules, printed = run_fresh(["away", "--help"])
    assert status == 0
    assert "usage: floorman away" in printed
    assert cli_modules(modules) - SHARED == {"floorman.cli.away"}


def test_an_unknown_command_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.run(["--db", "/nonexistent/x.db", "evnt"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "invalid choice: 'evnt'" in err


def _registered_by(register: cli.Register) -> set[str]:
    common = Parser(add_help=False)
    subparsers = argparse.ArgumentParser().add_subparsers(parser_class=Parser)
    register(subparsers, common)
    return set(subparsers.choices)


def test_each_module_registers_exactly_the_commands_listed_for_it() -> None:
    by_module: dict[object, set[str]] = {}
    for command in COMMANDS:
        by_module.setdefault(command.module, set()).add(command.name)
    for module, names in by_module.items():
        assert _registered_by(module()) == names


def test_every_command_module_is_in_the_table() -> None:
    listed = {command.module().__module__ for command in COMMANDS}
    with_register = set()
    for path in CLI_FOLDER.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(isinstance(n, ast.FunctionDef) and n.name == "register" for n in tree.body):
            with_register.add(f"floorman.cli.{path.stem}")
    assert with_register == listed


def test_the_table_is_the_only_help_line_of_a_command() -> None:
    # The modules pass no help= of their own for top-level commands, so the table's line
    # is the one `floorman --help` shows and no copy in a module can drift from it.
    for command in COMMANDS:
        built = " ".join(build_parser(command.name).format_help().split())
        assert " ".join(command.help.split()) not in built
