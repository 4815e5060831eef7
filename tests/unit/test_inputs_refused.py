"""Each bad input named in issue 14 gets one clear line and exit 2 (1 for a damaged
file), writes nothing, and whatever is printed or exported is free of escape sequences.

Run in-process on a fresh copy of the small floor of the fuzz test (tests named after
the issue's "Tracebacks instead of exit 2", "Small" and "Impersonation" lists).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
import stat
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.unit.test_fuzz_every_command import (
    _contents,
    _fresh_copy,
    _ids,
    _run,
    _sandbox,
    template,  # noqa: F401  (the module-scoped floor every case copies)
)

HOSTILE_NAME = "Zh\x9b2Jao\u202eevil\x1b]0;pwned\x07"


@pytest.fixture
def folder(template: Path, tmp_path: Path) -> Path:  # noqa: F811
    _fresh_copy(template, tmp_path)
    return tmp_path


def cli(folder: Path, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    ids = _ids(folder)
    with _sandbox(folder):
        status = _run([ids.get(part, part) for part in argv])
    out, err = capsys.readouterr()
    return status, out, err


def refused(folder: Path, capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """`argv` exits 2 with one line on stderr and leaves every table as it was."""
    before = _contents(folder / "floor.db")
    status, _out, err = cli(folder, capsys, *argv)
    assert status == 2, (argv, status, err)
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert _contents(folder / "floor.db") == before, "a refusal wrote something"
    return err


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["attendance", "month", "9999-12"], "outside 2000-01 .. 2099-12"),
        (["attendance", "day", "9999-12-31"], "outside 2000-01-01"),
        (["attendance", "leave", "request", "1001", "9999-12-31", "1", "--reason", "x"],
         "outside 2000-01-01"),
        (["away", "log", "--date", "9999-12-31"], "outside 2000-01-01"),
        (["away", "list", "--date", "0001-01-01"], "outside 2000-01-01"),
        (["away", "list", "--shift", "9999-12-31/08:00-16:00"], "outside 2000-01-01"),
        (["handover", "assign", "0001-01-01/08:00-16:00", "x"], "outside 2000-01-01"),
        (["journal", "--since", "9999-12-31T23:59:59-14:00"], "outside 2000-01-01"),
        (["event", "A-01", "ready", "--at", "0001-01-01T00:00:00+14:00"], "outside 2000-01-01"),
        (["journal", "--limit", "100000000000000000000"], "between 1 and"),
        (["emergency", "step", "EMERGENCY", "100000000000000000000", "done"], "between 1 and"),
        (["handover", "item", "add", "fix it", "--deadline", "+99999999h"], "more than a year"),
        (["handover", "shifts", "--days", "100000000000000000000"], "between 1 and 366"),
        (["handover", "list", "--limit", "100000000000000000000"], "between 1 and"),
        (["away", "extend", "1001", "--minutes", "100000000000000000000", "--reason", "x"],
         "between 0 and"),
        (["staffing", "erlang", "--calls", "100", "--interval", "nan", "--aht", "180",
          "--target-sl", "0.8", "--answer-within", "20"], "argument --interval"),
        (["staffing", "erlang", "--calls", "inf", "--interval", "1800", "--aht", "180",
          "--target-sl", "0.8", "--answer-within", "20"], "argument --calls"),
        (["staffing", "manual", "--busy-hour-calls", "1e300", "--daily-requests", "1"],
         "argument --busy-hour-calls"),
        (["feed", "jsonl", "feed.jsonl", "--batch", "100000000000000000000"], "between 1 and"),
        (["feed", "asterisk", "feed.jsonl", "--interval", "nan"], "argument --interval"),
        (["visitors", "register", "--name", "a", "--org", "b", "--category", "internal",
          "--purpose", "c", "--host", "d", "--minutes", "100000000000000000000"],
         "argument --minutes"),
    ],
)  # fmt: skip
def test_calendar_edges_and_huge_numbers_are_refused(
    folder: Path, capsys: pytest.CaptureFixture[str], argv: list[str], says: str
) -> None:
    assert says in refused(folder, capsys, *argv)


def test_a_seats_csv_row_of_ten_to_the_thirty_is_refused(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "big.csv").write_text(f"seat,zone,type,row,col\nZ-01,Z,general,0,{10**30}\n")
    assert "line 2: col must be between 0 and" in refused(
        folder, capsys, "seats", "import", "big.csv"
    )


def test_seats_import_refuses_control_characters_in_ids_as_event_does(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "ctl.csv").write_text("seat,zone,type,row,col\nZ-0\x012,Z,general,0,1\n")
    err = refused(folder, capsys, "seats", "import", "ctl.csv")
    assert "line 2: seat contains control characters" in err
    assert "seat contains control characters" in refused(
        folder, capsys, "event", "A-0\x011", "ready"
    )


@pytest.mark.parametrize("flag", ["--id", "--operator", "--reason", "--source"])
def test_a_hundred_thousand_characters_are_refused(
    folder: Path, capsys: pytest.CaptureFixture[str], flag: str
) -> None:
    err = refused(folder, capsys, "event", "A-01", "ready", f"{flag}={'x' * 100_000}")
    assert "too long (100" in err and len(err) < 300


def test_long_ids_and_names_are_refused_by_the_id_rule(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "id is too long" in refused(folder, capsys, "event", "A-01", "ready", "--id", "i" * 201)
    err = refused(folder, capsys, "--operator", "o" * 41, "event", "A-01", "ready")
    assert "--operator is too long" in err


def test_an_operator_name_with_escape_sequences_is_refused(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = refused(folder, capsys, "--operator", "\x1b[31mdir\u202e", "event", "A-02", "ready",
                  "--agent", "1002")  # fmt: skip
    assert "--operator contains control characters" in err
    assert "\x1b" not in err and "\u202e" not in err
    assert "operator name contains control characters" in refused(
        folder, capsys, "operators", "add", "boss\x9b", "--role", "director"
    )


@pytest.mark.parametrize("at", ["1970-01-01T00:00:00Z", "2020-01-01T00:00:00Z"])
def test_a_first_event_from_before_the_seat_existed_is_refused(
    folder: Path, capsys: pytest.CaptureFixture[str], at: str
) -> None:
    """B-01 has no event yet; 1970 is off the calendar, 2020 is before its import."""
    err = refused(folder, capsys, "event", "B-01", "ready", "--agent", "1002", "--at", at)
    assert "outside 2000-01-01" in err or "older than seat B-01's current state" in err


def test_one_bad_jsonl_line_is_one_line_counted_never_a_stop(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        json.dumps({"id": f"e{n}", "seat": "A-02", "state": "busy" if n % 2 else "ready",
                    "agent": "1002"})
        for n in range(999)
    ]  # fmt: skip
    lines[500] = '{"id":"bad","seat":"A-02","state":"ready","at":"0001-01-01T00:00:00+14:00"}'
    lines[600] = '{"id":"deep","seat":' + "[" * 5000 + "]" * 5000 + "}"
    lines[700] = '{"id":"esc","seat":"\\u001b[2JA-02","state":"ready"}'
    (folder / "many.jsonl").write_text("\n".join(lines) + "\n")
    status, out, err = cli(folder, capsys, "feed", "jsonl", "many.jsonl")
    assert status == 0, err
    bad = err.splitlines()
    assert [line.split(":")[0] for line in bad] == ["line 501", "line 601", "line 701"]
    assert "outside 2000-01-01" in bad[0] and "\x1b" not in err
    assert "999 lines read" in out and "3 bad lines skipped" in out
    applied, unchanged = (int(n) for n in re.findall(r"(\d+) (?:events applied|unchanged)", out))
    assert applied + unchanged == 996  # every good line after the bad ones too
    status, out, err = cli(folder, capsys, "feed", "jsonl", "many.jsonl")  # the replay
    assert status == 0 and "3 bad lines skipped" in out and err.count("\n") == 3


def test_the_asterisk_feed_does_not_echo_escape_sequences(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "queue_log").write_text(
        "\x1b]0;owned\x07\x1b[2J|x\n"
        "1764600000|call|q1|SIP/1001|\x1b[31mBOGUS\x9b2J\n"
        "notanumber\x1b[5m|x|q|SIP/1001|AGENTLOGIN\n"
    )
    status, _out, err = cli(folder, capsys, "feed", "asterisk", "queue_log")
    assert status == 0
    assert err.startswith("line ")
    assert not any(ch in err for ch in "\x1b\x9b\x07")


# ------------------------------------------------------------------ damaged files


def _damage(db: Path, how: str) -> None:
    data = bytearray(db.read_bytes())
    if how == "header":
        data[:100] = bytes(100)
    elif how == "every 7th page":
        for page in range(7, len(data) // 4096, 7):
            data[page * 4096 : (page + 1) * 4096] = b"\xa5" * 4096
    else:
        data = data[: len(data) // 3]
    db.write_bytes(bytes(data))


@pytest.mark.parametrize("how", ["header", "every 7th page", "truncated"])
@pytest.mark.parametrize(
    "argv",
    [["check"], ["seats", "list"], ["event", "A-01", "busy"], ["away", "list"],
     ["feed", "status"], ["journal", "--limit", "3"], ["backup"]],
)  # fmt: skip
def test_every_command_on_a_damaged_file_is_one_line_and_exit_1(
    folder: Path, capsys: pytest.CaptureFixture[str], how: str, argv: list[str]
) -> None:
    with contextlib.closing(sqlite3.connect(folder / "floor.db")) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    _damage(folder / "floor.db", how)
    with _sandbox(folder):
        status = _run(argv)
    out, err = capsys.readouterr()
    if status == 0:  # a read that missed the damaged pages is fine; a traceback is not
        assert "Traceback" not in out + err
        return
    assert status == 1, (argv, status, err)
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert "damaged" in err or "malformed" in err or "not a database" in err


# ---------------------------------------------------------- the one output sanitiser


def _plant_hostile_values(folder: Path) -> None:
    """Values stored before the rules (or by a hand edit) still never reach a terminal."""
    with contextlib.closing(sqlite3.connect(folder / "floor.db")) as con:
        con.execute("UPDATE visitor SET name = ?, organisation = ?", (HOSTILE_NAME, HOSTILE_NAME))
        con.execute("UPDATE emergency SET wording = ?", (HOSTILE_NAME,))
        con.execute("UPDATE agent SET name = ?", (HOSTILE_NAME,))
        con.execute("UPDATE handover SET summary = ?, notes = ?", (HOSTILE_NAME, HOSTILE_NAME))
        con.commit()


def _clean(text: str) -> bool:
    return not any(ch in text for ch in "\x1b\x9b\u202e\x07") and "\\u001b" not in text


@pytest.mark.parametrize(
    "argv",
    [["emergency", "show", "EMERGENCY"], ["emergency", "show", "EMERGENCY", "--json"],
     ["emergency", "report", "EMERGENCY", "--markdown"],
     ["emergency", "report", "EMERGENCY", "--json"], ["handover", "show", "--json"],
     ["handover", "show", "--markdown"], ["visitors", "list"], ["visitors", "list", "--json"],
     ["away", "log", "--json", "--date", "2026-11-23"], ["journal"], ["journal", "--json"],
     ["seats", "list"], ["emergency", "list"]],
)  # fmt: skip
def test_everything_printed_passes_through_the_output_sanitiser(
    folder: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    _plant_hostile_values(folder)
    status, out, err = cli(folder, capsys, *argv)
    assert status == 0, err
    assert _clean(out) and _clean(err), out[:500]


# ------------------------------------------------------------------ files written safely

EXPORTS = [
    ["away", "log", "--date", "2026-11-23", "--csv", "out.csv"],
    ["attendance", "month", "2026-11", "--csv", "out.csv"],
    ["visitors", "export", "--csv", "out.csv"],
    ["emergency", "report", "EMERGENCY", "--markdown", "-o", "out.csv"],
    ["emergency", "report", "EMERGENCY", "--json", "-o", "out.csv"],
]


@pytest.mark.parametrize("argv", EXPORTS, ids=lambda a: " ".join(a[:2]))
def test_exports_are_owner_only_never_overwrite_never_follow_links(
    folder: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    _plant_hostile_values(folder)
    target = folder / "out.csv"
    status, _out, err = cli(folder, capsys, *argv)
    assert status == 0, err
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert _clean(target.read_text(encoding="utf-8-sig"))
    first = target.read_bytes()
    assert "already exists" in refused(folder, capsys, *argv)
    assert target.read_bytes() == first
    status, _out, err = cli(folder, capsys, *argv, "--force")
    assert status == 0, err
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    target.unlink()
    victim = folder / "victim.txt"
    victim.write_text("precious\n")
    os.symlink(victim, target)
    for extra in ([], ["--force"]):
        assert "symbolic link" in refused(folder, capsys, *argv, *extra)
    assert victim.read_text() == "precious\n"


def test_report_exports_take_a_new_name_instead_of_overwriting(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from floorman.domain.reports.export import export_report
    from floorman.domain.reports.figures import FloorReport

    day = datetime(2026, 11, 23, tzinfo=UTC)
    report = FloorReport(start=day, end=day, occupancy=[], away_minutes=[], alerts=[])
    first = export_report(report, tmp_path, ZoneInfo("UTC"))
    second = export_report(report, tmp_path, ZoneInfo("UTC"))
    assert {p.name for p in first}.isdisjoint(p.name for p in second)
    assert all(p.name.endswith("-2.csv") for p in second)
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in [*first, *second])
