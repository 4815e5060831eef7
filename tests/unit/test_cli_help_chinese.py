"""`floorman --lang zh ... --help` is Chinese, for the top level and every command and
subcommand (issue 16), and English help is what it was.

The command tree is walked from the parsers themselves, so a command added later is read
too. Each help is run in process (`floorman.cli.run`) and read by the snapshot tests'
Latin-words check once what a person types is taken out: option names, metavariables and
environment variables in capitals, paths and URLs, the names of commands and the values
of choices, and the few words below that are typed as they are or name a product.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import re
from collections.abc import Callable, Iterator

import pytest

from floorman import i18n
from floorman.cli import COMMANDS, Parser, build_parser, run
from tests.app.snapshots.test_panel_text import ascii_punctuation, latin_words

# Typed as they are (a seat state, a shift or handover reference) or a product's name;
# the help says each in Chinese beside it: `current（当前）`, `ready（就绪）`.
TYPED = {
    "ready", "busy", "away", "back", "empty", "fault", "fixed",  # floorman event STATE
    "current", "previous", "next", "last", "pending", "all",  # --shift, --sections
    "sqlite", "asterisk", "queue_log", "lines",  # SQLite, Asterisk's queue_log, JSON Lines
}  # fmt: skip
# Typed text the help shows: option names, CAPITAL metavariables and variables, URLs and
# paths, `[[feeds]]`, choice sets and JSON keys in braces, CSV columns (`staff_no,day`),
# a form quoted as it is typed (“end of shift”).
TYPED_TEXT = re.compile(
    r"\S+://\S*"
    r"|(?<![\w.])/[\w/.-]+"
    r"|(?<![A-Za-z0-9_])--?[a-z][\w-]*"
    r"|(?<![A-Za-z0-9_])[A-Z][A-Z0-9_]+(?![A-Za-z0-9_])"
    r"|\[\[\w+\]\]"
    r"|\{[^}]*\}"
    r"|[A-Za-z0-9_-]+(?:,[A-Za-z0-9_-]+)+"
    r"|“[^”]*”"
)
TERMINAL = 80


def command_paths() -> list[list[str]]:
    """Every command line that has a --help: [], ["away"], ["away", "list"], ..."""
    paths: list[list[str]] = [[]]

    def walk(parser: argparse.ArgumentParser, path: list[str]) -> None:
        paths.append(path)
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, [*path, name])

    for command in COMMANDS:
        top = build_parser(command.name)
        for action in top._actions:
            if isinstance(action, argparse._SubParsersAction):
                walk(action.choices[command.name], [command.name])
    return paths


@functools.cache
def typed_words() -> frozenset[str]:
    """The names of commands, the values of choices and the metavariables anywhere in
    the tree."""
    words = set(TYPED)

    def walk(parser: argparse.ArgumentParser) -> None:
        for action in parser._actions:
            words.update(str(choice) for choice in action.choices or ())
            # A metavariable: given, or a positional's own name (`days`, `leave_id`).
            if isinstance(action.metavar, str):
                words.add(action.metavar)
            elif not action.option_strings:
                words.add(action.dest)
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    walk(sub)

    for command in COMMANDS:
        walk(build_parser(command.name))
    return frozenset(words)


def english_left(text: str, typed: frozenset[str]) -> list[str]:
    """The Latin words of `text` once what a person types is taken out."""
    text = TYPED_TEXT.sub(" ", text)
    names = "|".join(sorted(map(re.escape, typed), key=len, reverse=True))
    text = re.sub(rf"(?<![\w-])(?:{names})(?![\w-])", " ", text, flags=re.IGNORECASE)
    return latin_words(text)


@pytest.fixture(autouse=True)
def terminal(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """An 80-column terminal, and the run's language put back to English after."""
    monkeypatch.setenv("COLUMNS", str(TERMINAL))
    yield
    i18n.set_language("en")


def printed_help(argv: list[str], build: Callable[..., Parser] = build_parser) -> str:
    """What `floorman ARGV --help` prints (argparse exits 0 after printing it)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as exited:
        run([*argv, "--help"], build=build)
    assert exited.value.code == 0
    return out.getvalue()


# `--help` in English at 80 columns, as printed before help was translated (issue 16).
ENGLISH_BEFORE = {
    "": """\
usage: floorman [-h] [--db DB] [--config CONFIG] [--lang {en,zh}]
                [--operator OPERATOR] [--force-old-sqlite]
                COMMAND ...

The duty manager's console for a call-center floor.

positional arguments:
  COMMAND
    alerts             list and acknowledge alerts
    attendance         roster, late/early, leave
    away               away slips and the away log
    backup             copy the database into a backup file now
    restore            replace the database with a backup (the current one is
                       kept aside)
    emergency          run the manual's emergency checklists
    feed               take agent states from a file, a pipe or a PBX log
    init               create or migrate the database
    event              record an agent state
    seats              list or import seats
    agents             import agents
    handover           shift handover log (交接班)
    operators          people who log in
    check              verify the database and the journal chain
    journal            the audit journal
    serve              run the floor host's service: alerts, feeds, backups,
                       checks
    status             is the floor service running: feeds, backups, alerts
    wallboard          the read-only wallboard for a TV
    staffing           how many agents and seats the floor needs
    sync               send this floor's journal and live state to HQ
    region             HQ: every floor at once
    central            set up the central server
    ui                 open the floor (the default)
    demo               open the UI on a throwaway demo floor with live agents
    visitors           visitors on the floor

options:
  -h, --help           show this help message and exit
  --db DB              database file (else FLOORMAN_DB)
  --config CONFIG      config file (else FLOORMAN_CONFIG)
  --lang {en,zh}       language
  --operator OPERATOR  who is acting (else FLOORMAN_OPERATOR)
  --force-old-sqlite   open the database even with an SQLite that has the WAL-
                       reset bug
""",
    "away list": """\
usage: floorman away list [-h] [--db DB] [--config CONFIG] [--lang {en,zh}]
                          [--operator OPERATOR] [--force-old-sqlite] [--open]
                          [--date YYYY-MM-DD] [--shift ID] [--agent STAFF_NO]
                          [--json]

options:
  -h, --help           show this help message and exit
  --db DB              database file (else FLOORMAN_DB)
  --config CONFIG      config file (else FLOORMAN_CONFIG)
  --lang {en,zh}       language
  --operator OPERATOR  who is acting (else FLOORMAN_OPERATOR)
  --force-old-sqlite   open the database even with an SQLite that has the WAL-
                       reset bug
  --open               only slips not yet closed
  --date YYYY-MM-DD    local day (default: all)
  --shift ID           a shift: "YYYY-MM-DD/HH:MM-HH:MM", "current",
                       "previous" or "next"
  --agent STAFF_NO     only this agent's slips
  --json
""",
    "handover item add": """\
usage: floorman handover item add [-h] [--db DB] [--config CONFIG]
                                  [--lang {en,zh}] [--operator OPERATOR]
                                  [--force-old-sqlite] [--owner NAME]
                                  [--deadline WHEN] [--shift REF]
                                  TEXT

positional arguments:
  TEXT

options:
  -h, --help           show this help message and exit
  --db DB              database file (else FLOORMAN_DB)
  --config CONFIG      config file (else FLOORMAN_CONFIG)
  --lang {en,zh}       language
  --operator OPERATOR  who is acting (else FLOORMAN_OPERATOR)
  --force-old-sqlite   open the database even with an SQLite that has the WAL-
                       reset bug
  --owner NAME
  --deadline WHEN      by when, in the floor's time zone: HH:MM (today, or
                       tomorrow if already past), tomorrow HH:MM, YYYY-MM-DD
                       HH:MM, +2h / +30m / +1h30m, end of shift, next shift
                       (its end), or ISO 8601
  --shift REF          current, previous, last, pending, a shift id or a
                       handover id (current)
""",
}


@pytest.mark.parametrize("path", command_paths(), ids=lambda path: " ".join(["floorman", *path]))
def test_every_help_is_said_in_chinese(path: list[str]) -> None:
    text = printed_help(["--lang", "zh", *path])
    assert text.startswith("用法：floorman")
    assert english_left(text, typed_words()) == []
    assert ascii_punctuation(text) == []
    # Chinese wraps by terminal cells (two a character), not by characters.
    too_wide = [
        line for line in text.splitlines() if _chinese(line) and i18n.cells(line) > TERMINAL
    ]
    assert too_wide == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_usage_line_fits_the_terminal(lang: str) -> None:
    # argparse never breaks a part of the usage (`{viewer,...,director}`, a group
    # `(--forecast FILE.csv | ... | --show)`): three commands' usage ran past 80 columns.
    too_wide = []
    for path in command_paths():
        text = printed_help(["--lang", lang, *path])
        usage = text.split("\n\n")[0]
        assert usage.startswith(("usage: floorman", "用法：floorman")), usage
        too_wide += [line for line in usage.splitlines() if i18n.cells(line) > TERMINAL]
    assert too_wide == []


def test_a_choice_set_too_wide_for_the_line_goes_on_at_its_indent() -> None:
    usage = printed_help(["operators", "add"]).split("\n\n")[0]
    assert usage.splitlines()[-3:] == [
        "                              {viewer,duty_manager,area_manager,supervisor,",
        "                              director}",
        "                              NAME",
    ]


def _chinese(line: str) -> bool:
    return i18n.cells(line) != len(line)


@pytest.mark.parametrize("command", list(ENGLISH_BEFORE), ids=lambda c: f"floorman {c}".strip())
def test_english_help_is_unchanged(command: str) -> None:
    assert printed_help(command.split()) == ENGLISH_BEFORE[command]


def test_parsers_built_once_say_each_run_in_its_language() -> None:
    # The floor service builds its parsers once (functools.cache, cli/serve.py) and answers
    # handed-over calls in each call's language, whichever language built them.
    chinese = printed_help(["--lang", "zh", "away", "list"])
    for first in ("zh", "en"):
        build = functools.cache(build_parser)
        if first == "zh":
            assert printed_help(["--lang", "zh", "away", "list"], build) == chinese
        assert printed_help(["away", "list"], build) == ENGLISH_BEFORE["away list"]
        assert printed_help(["--lang", "zh", "away", "list"], build) == chinese
