"""Hostile text in operator names, and a PIN that stays out of tracebacks and messages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from rich.console import Console
from rich.traceback import Traceback

from floorman.domain.audit import journal_entries
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.operators.login import authenticate
from floorman.domain.operators.management import add_operator

HOSTILE = {
    "csi": ("\x1b[2J\x1b[31mwang", "wang"),
    "osc title": ("\x1b]0;pwned\x07li", "li"),
    "osc with st": ("\x1b]8;;http://x\x1b\\zhao", "zhao"),
    "8-bit csi": ("\x9b1;1Hchen", "chen"),
    "c1 controls": ("\x85liu\x9c\x8d", "liu"),
    "8-bit dcs": ("\x90q#0;2\x9cxu", "xu"),
    "nul": ("zh\x00ou", "zhou"),
    "bidi override": ("\u202esun", "sun"),
    "bell and backspace": ("\x07\x08ma", "ma"),
    "chinese kept": ("\x1b[1m王芳\x1b[0m", "王芳"),
}


pytestmark = pytest.mark.usefixtures("cheap_hasher")


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_operator_names_are_refused_like_any_id(floor: Floor, case: str) -> None:
    """Operator names follow the id rule (issue 14): control characters and escape
    sequences are refused, as `event` refuses them in a seat id; nothing is written."""
    raw, _readable = HOSTILE[case]
    with pytest.raises(FloorError, match="control characters"):
        add_operator(floor, raw, "director", "2468")
    with floor.db.read() as session:
        assert journal_entries(session) == []


def test_names_that_are_only_escapes_or_too_long_are_refused(floor: Floor) -> None:
    with pytest.raises(FloorError, match="control characters"):
        add_operator(floor, "\x1b[0m\x00\x9b2J", "director", "2468")
    with pytest.raises(FloorError, match="too long"):
        add_operator(floor, "x" * 41, "director", "2468")


@contextmanager
def failing_writes(floor: Floor) -> Iterator[None]:
    original = floor.db.write

    @contextmanager
    def write():  # type: ignore[no-untyped-def]
        raise RuntimeError("database is locked")
        yield

    floor.db.write = write  # type: ignore[method-assign]
    try:
        yield
    finally:
        floor.db.write = original  # type: ignore[method-assign]


def render_with_locals(exc: BaseException, first_frame: str) -> str:
    """The kind of traceback Textual prints on a crash: every frame's local variables.

    It starts at the domain function: this test's own frame holds the PIN on purpose.
    """
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_name != first_frame:
        tb = tb.tb_next
    assert tb is not None
    console = Console(width=200, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(Traceback.from_exception(type(exc), exc, tb, show_locals=True))
    console.file.close()
    return console.export_text()


def test_a_crash_during_login_shows_no_pin_even_with_locals(floor: Floor) -> None:
    add_operator(floor, "boss", "director", "864213")
    with failing_writes(floor), pytest.raises(RuntimeError) as caught:
        authenticate(floor, "boss", "864213")
    text = render_with_locals(caught.value, "authenticate")
    assert "authenticate" in text and "Pin(****)" in text
    assert "864213" not in text


def test_a_crash_while_adding_shows_no_pin(floor: Floor) -> None:
    with failing_writes(floor), pytest.raises(RuntimeError) as caught:
        add_operator(floor, "boss", "director", "97531")
    text = render_with_locals(caught.value, "add_operator")
    assert "add_operator" in text
    assert "97531" not in text
