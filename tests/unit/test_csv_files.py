"""Every CSV file floorman is given (seats, agents, roster, forecast, the phone system's
member map) is read by one rule (`domain.core.csv_rows`): a damaged file is one line
naming the file and the line, exit 2, and nothing written."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import pytest

from floorman.cli import run
from tests.unit.test_fuzz_cli import _sandbox

HEADERS = {
    "seats": "seat,zone,type,row,col",
    "agents": "staff_no,name,team",
    "roster": "staff_no,day,start,end",
    "forecast": "interval,calls,aht",
    "map": "interface,seat,staff_no",
}


def command(kind: str, path: Path) -> list[str]:
    return {
        "seats": ["seats", "import", str(path)],
        "agents": ["agents", "import", str(path)],
        "roster": ["attendance", "roster", str(path)],
        "forecast": ["staffing", "plan", "--forecast", str(path)],
        "map": ["feed", "asterisk", "queue_log", "--map", str(path)],
    }[kind]


def journal_rows(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM journal").fetchone()[0])


DAMAGES = {
    # A field over the csv module's limit: the module raises its own error type.
    "oversized field": lambda header: f'{header}\n"{"x" * (csv.field_size_limit() + 10)}",1,2\n',
    "not UTF-8": lambda header: f"{header}\nA-01,\udcff\n",
    "missing column": lambda header: "nothing,here\n1,2\n",
}


@pytest.mark.parametrize("damage", sorted(DAMAGES))
@pytest.mark.parametrize("kind", sorted(HEADERS))
def test_a_damaged_csv_is_one_line_and_nothing_written(tmp_path, capsys, kind, damage) -> None:
    db = tmp_path / "floor.db"
    (tmp_path / "queue_log").write_text("")
    with _sandbox(tmp_path):
        assert run(["--db", str(db), "init"]) == 0
        before = journal_rows(db)
        path = tmp_path / f"{kind}.csv"
        path.write_bytes(DAMAGES[damage](HEADERS[kind]).encode("utf-8", "surrogateescape"))
        capsys.readouterr()
        status = run(["--db", str(db), *command(kind, path)])
    _out, err = capsys.readouterr()
    assert status == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert f"{kind}.csv" in err
    if damage != "missing column":
        assert "line 2" in err, err
    assert journal_rows(db) == before
