"""`serve --web`: addresses read precisely; an open floor (no operators) is refused off
loopback unless the user insists; the command line says so in one line, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from floorman.cli import run
from floorman.domain.core.errors import FloorError
from floorman.domain.operators.management import add_operator
from floorman.service.web import FloorWeb, is_loopback, parse_address


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("127.0.0.1:8080", ("127.0.0.1", 8080)),
        ("[::1]:80", ("::1", 80)),
        ("0.0.0.0:8443", ("0.0.0.0", 8443)),
        ("localhost:1", ("localhost", 1)),
    ],
)
def test_addresses(value, expected) -> None:
    assert parse_address(value) == expected


@pytest.mark.parametrize("value", ["8080", ":8080", "host:", "host:0", "host:65536", "h:x1"])
def test_bad_addresses_are_refused(value) -> None:
    with pytest.raises(FloorError, match="give HOST:PORT"):
        parse_address(value)


def test_loopback() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("127.9.9.9") and is_loopback("::1")
    assert is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.7")


def test_an_open_floor_is_served_on_loopback_only(floor, tmp_path: Path) -> None:
    path = floor.db.path
    FloorWeb(path, "127.0.0.1:8080").refuse_open_floor()  # loopback: fine
    with pytest.raises(FloorError, match="has no operators"):
        FloorWeb(path, "0.0.0.0:8080").refuse_open_floor()
    FloorWeb(path, "0.0.0.0:8080", allow_open_floor=True).refuse_open_floor()
    add_operator(floor, "boss", "director", "482913")
    FloorWeb(path, "0.0.0.0:8080").refuse_open_floor()  # logins from now on


def test_the_command_line_refuses_in_one_line(db_path, db, capsys) -> None:
    assert run(["--db", str(db_path), "serve", "--web", "0.0.0.0:8080"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--allow-open-floor" in err
    assert run(["--db", str(db_path), "serve", "--web", "nonsense"]) == 2
    assert "give HOST:PORT" in capsys.readouterr().err
