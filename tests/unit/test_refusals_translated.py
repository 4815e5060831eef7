"""Refusals carry a message id and values; a Chinese floor reads every one in Chinese.

The domain raises `FloorError("seat {code} is out of order", code=...)`: the English
template is the id. `str(error)` is the message in the language set when it is shown, so
the CLI says it in English (unless `--lang zh`) and a screen on a Chinese floor in Chinese.
A refusal raised with an f-string has no id to look up: it would stay English on a Chinese
floor, so the domain raises none.
"""

from __future__ import annotations

import ast
import re
import tomllib
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest

import floorman
from floorman import i18n
from floorman.domain.core.errors import FloorError, PermissionDenied, Word, Words
from floorman.domain.core.states import SlipStatus

DOMAIN = Path(floorman.__file__).parent / "domain"
# The command line's own refusals too (`--reason goes with --early`): `--lang zh` says them.
CLI = Path(floorman.__file__).parent / "cli"
RAISERS = {"FloorError", "PermissionDenied", "ChecklistError"}
# HQ's refusals (data/central, domain/sync, cli/sync) and the messages put into them.
RAISERS |= {"CentralError", "CentralUrlError", "ChainRefused", "Said", "_refuse", "_unusable"}
CENTRAL = Path(floorman.__file__).parent / "data" / "central"


@pytest.fixture
def chinese() -> Iterator[None]:
    i18n.set_language("zh")
    yield
    i18n.set_language("en")


def _catalogue() -> dict[str, str]:
    merged: dict[str, str] = {}
    for entry in (resources.files("floorman") / "locales" / "zh_CN").iterdir():
        if entry.name.endswith(".toml"):
            merged.update(tomllib.loads(entry.read_text(encoding="utf-8")))
    return merged


def _refusals() -> Iterator[tuple[str, int, ast.expr]]:
    """(file, line, message argument) of every FloorError/PermissionDenied/ChecklistError
    the domain and the command line build."""
    for path in sorted([*DOMAIN.rglob("*.py"), *CLI.rglob("*.py"), *CENTRAL.rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in RAISERS
                and node.args
            ):
                yield str(path.relative_to(DOMAIN.parent)), node.lineno, node.args[0]


def test_a_refusal_reads_in_the_language_it_is_shown_in(chinese: None) -> None:
    error = FloorError("seat {code} is out of order", code="A-03")
    assert str(error) == "座席 A-03 故障中"
    assert error.english == "seat A-03 is out of order"
    i18n.set_language("en")
    assert str(error) == "seat A-03 is out of order"


def test_vocabulary_values_are_translated_names_are_not(chinese: None) -> None:
    empty = FloorError("{field} must not be empty", field=Word("name"))
    assert str(empty) == "姓名不能为空"
    state = FloorError(
        "only an approved slip can start; this one is {status}", status=SlipStatus.OUT
    )
    assert str(state) == "只有已批准的示忙单才能开始；这张是“离席”"
    # A name that happens to be an English word stays as typed.
    assert "Ready" in str(FloorError("no operator called '{name}'", name="Ready"))


def test_a_list_of_words_reads_as_the_language_lists_them(chinese: None) -> None:
    missing = Words(("Terminal faults open", "Notes"))
    error = FloorError("review every section first; not reviewed: {items}", items=missing)
    assert str(error) == "请先查看每个栏目；未查看：未修复的终端故障、备注"
    assert error.english.endswith("not reviewed: Terminal faults open, Notes")


def test_a_refusal_inside_a_refusal_is_translated_too(chinese: None) -> None:
    inner = FloorError("unknown seat '{code}'", code="Z-99")
    outer = FloorError("{path}: line {line}: {exc}", path="seats.csv", line=4, exc=inner)
    assert str(outer) == "seats.csv：第 4 行：没有座席“Z-99”"
    assert isinstance(PermissionDenied("login refused"), FloorError)


def test_the_domain_and_the_cli_raise_no_finished_sentences() -> None:
    """An f-string refusal has no id: it would stay English on a Chinese floor."""
    formatted = [
        f"{file}:{line}"
        for file, line, message in _refusals()
        if isinstance(message, ast.JoinedStr)
    ]
    assert formatted == []


def test_every_refusal_of_the_domain_has_its_chinese() -> None:
    catalogue = _catalogue()
    missing, mismatched = [], []
    for file, line, message in _refusals():
        if not (isinstance(message, ast.Constant) and isinstance(message.value, str)):
            continue  # a refusal passed on (a variable), checked where it is written
        chinese = catalogue.get(message.value)
        if chinese is None:
            missing.append(f"{file}:{line} {message.value!r}")
        elif sorted(re.findall(r"\{[^{}]*\}", chinese)) != sorted(
            re.findall(r"\{[^{}]*\}", message.value)
        ):
            mismatched.append(f"{file}:{line} {message.value!r}")
    assert missing == []
    assert mismatched == []


# The rules that put a field's or a record's name into their refusal as a `Word`.
FIELD_RULES = {"clean", "identifier", "required_text", "whole_number", "real_number", "instant",
               "day", "parse_day", "duration", "month", "length"}  # fmt: skip
RECORD_RULES = {"by_id_prefix", "pick_by_prefix", "no_such", "ambiguous", "too_short"}


def _named_in_refusals() -> Iterator[tuple[str, int, str]]:
    """(file, line, name) of every field or record name given to a rule that says it."""
    for path in sorted(DOMAIN.parent.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            rule = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            names = []
            if rule in FIELD_RULES:
                names += [*node.args[1:2], *(k.value for k in node.keywords if k.arg == "field")]
            if rule in RECORD_RULES:
                names += [k.value for k in node.keywords if k.arg == "what"]
            for name in names:
                if isinstance(name, ast.Constant) and isinstance(name.value, str):
                    yield str(path.relative_to(DOMAIN.parent)), node.lineno, name.value


def test_every_field_and_record_named_in_a_refusal_has_its_chinese() -> None:
    """`没有alert“nope”`: a record's name given in English stayed English in the sentence."""
    catalogue = _catalogue()
    missing = [
        f"{file}:{line} {name!r}"
        for file, line, name in _named_in_refusals()
        if not name.startswith("-") and name not in catalogue  # an option is a key
    ]
    assert missing == []


def test_the_cli_refuses_in_english_unless_asked_for_chinese(small_floor) -> None:
    from tests.helpers import floorman as run_floorman

    db = small_floor.db.path
    english = run_floorman("event", "Z-99", "ready", "--agent", "1001", db=db)
    chinese = run_floorman("--lang", "zh", "event", "Z-99", "ready", "--agent", "1001", db=db)
    assert english.returncode == chinese.returncode == 2
    assert "unknown seat 'Z-99'" in english.stderr
    assert "没有座席“Z-99”" in chinese.stderr
