"""`floorman feed ...` as scripts and phone systems call it: a subprocess on a real file."""

from __future__ import annotations

import json
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from floorman.clock import SystemClock
from floorman.config import Config
from floorman.data import schema
from floorman.data.db import Database
from floorman.domain.core.context import Actor, Floor
from floorman.domain.seats.importing import import_agents, import_seats
from tests.helpers import floorman as run_floorman

DATA = Path(__file__).parent.parent / "data" / "asterisk"


def floorman(*args: str, db: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    # A feed from `-` reads the process's own standard input (its file descriptor).
    return run_floorman(*args, db=db, stdin=stdin, process="-" in args)


@pytest.fixture
def cli_db(tmp_path: Path) -> Path:
    """A floor on the real clock: seats A-01, A-02, B-01, B-02 and agents 1001-1004."""
    path = tmp_path / "floor.db"
    db = Database(path)
    schema.migrate(db)
    floor = Floor(db=db, clock=SystemClock(), config=Config(timezone="UTC"), actor=Actor("t"))
    (tmp_path / "seats.csv").write_text(
        "seat,zone,type,row,col\nA-01,A,general,0,0\nA-02,A,general,0,1\n"
        "B-01,B,user,0,0\nB-02,B,user,0,1\n",
        encoding="utf-8",
    )
    (tmp_path / "agents.csv").write_text(
        "staff_no,name\n1001,Li Na\n1002,Wang Fang\n1003,Zhang Wei\n1004,Chen Jing\n",
        encoding="utf-8",
    )
    import_seats(floor, tmp_path / "seats.csv")
    import_agents(floor, tmp_path / "agents.csv")
    db.dispose()
    return path


def seats(db: Path) -> dict[str, dict]:
    result = floorman("seats", "list", "--json", db=db)
    assert result.returncode == 0, result.stderr
    return {s["seat"]: s for s in json.loads(result.stdout)}


def test_feed_jsonl_from_stdin_reports_bad_lines_and_exits_0(cli_db: Path) -> None:
    lines = (
        "\n".join(
            [
                '{"id": "1", "seat": "A-01", "state": "ready", "agent": "1001"}',
                '{"id": "2", "seat": "A-01", "state": "away", "reason": "water"}',
                "garbage",
                '{"id": "3", "seat": "Q-9", "state": "ready", "agent": "1002"}',
                '{"id": "4", "seat": "A-02", "state": "ready", "agent": "1002"}',
            ]
        )
        + "\n"
    )
    result = floorman("feed", "jsonl", "-", "--json", db=cli_db, stdin=lines)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "line 3: not valid JSON: Expecting value (column 1)",
        "line 4: unknown seat 'Q-9'",
    ]
    assert json.loads(result.stdout) == {
        "read": 5,
        "applied": 3,
        "unchanged": 0,
        "ignored": 0,
        "bad": 2,
        "stale": 0,
        "restarts": 0,
    }
    floor = seats(cli_db)
    assert (floor["A-01"]["state"], floor["A-01"]["reason"]) == ("away", "water")
    assert floor["A-02"]["state"] == "ready"
    # The same stream again adds nothing.
    again = floorman("feed", "jsonl", "-", "--json", db=cli_db, stdin=lines)
    assert json.loads(again.stdout)["applied"] == 0


def test_feed_jsonl_unreadable_file_exits_2(cli_db: Path, tmp_path: Path) -> None:
    result = floorman("feed", "jsonl", str(tmp_path / "missing.jsonl"), db=cli_db)
    assert result.returncode == 2
    assert "cannot be read" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_feed_asterisk_resumes_from_the_stored_offset(cli_db: Path, tmp_path: Path) -> None:
    now = int(time.time()) + 1  # after the seats were imported, within the future tolerance
    log = tmp_path / "queue_log"
    log.write_text(
        f"{now}|NONE|support|PJSIP/1001|ADDMEMBER|\n"
        f"{now}|NONE|support|Local/1003@agents|ADDMEMBER|\n"
        f"{now + 1}|NONE|NONE|PJSIP/1001|PAUSEALL|Lunch\n",
        encoding="utf-8",
    )
    mapping = ["--map", str(DATA / "members.csv")]
    first = floorman("feed", "asterisk", str(log), *mapping, db=cli_db)
    assert first.returncode == 0, first.stderr
    assert "3 lines read, 3 events applied" in first.stdout
    floor = seats(cli_db)
    assert (floor["A-01"]["state"], floor["A-01"]["reason"]) == ("away", "Lunch")
    assert (floor["B-01"]["state"], floor["B-01"]["agent"]) == ("ready", "1003")
    with log.open("a", encoding="utf-8") as handle:
        handle.write(f"{now + 2}|NONE|NONE|PJSIP/1001|UNPAUSEALL|\n")
    second = floorman("feed", "asterisk", str(log), *mapping, "--json", db=cli_db)
    assert json.loads(second.stdout)["read"] == 1
    assert seats(cli_db)["A-01"]["state"] == "ready"
    status = floorman("feed", "status", "--json", db=cli_db)
    [position] = json.loads(status.stdout)
    assert (position["path"], position["line"], position["offset"]) == (
        str(log),
        4,
        log.stat().st_size,
    )


def test_feed_asterisk_bad_map_or_missing_log_exits_2(cli_db: Path, tmp_path: Path) -> None:
    result = floorman("feed", "asterisk", str(tmp_path / "queue_log"), db=cli_db)
    assert (result.returncode, result.stderr.strip()) == (
        2,
        f"floorman: {tmp_path / 'queue_log'}: no such file",
    )
    bad_map = tmp_path / "map.csv"
    bad_map.write_text("seat\nA-01\n", encoding="utf-8")
    result = floorman("feed", "asterisk", str(DATA / "queue_log"), "--map", str(bad_map), db=cli_db)
    assert result.returncode == 2
    assert "missing column(s): interface" in result.stderr


def test_feed_status_tells_about_json_lines_feeds(cli_db: Path) -> None:
    empty = floorman("feed", "status", db=cli_db)
    assert empty.returncode == 0, empty.stderr
    assert "no Asterisk feed offsets recorded" in empty.stdout
    assert "no events from feeds recorded yet" in empty.stdout

    # After the seats' import: a seat's first event from before it existed is refused.
    first, last = datetime.now(UTC), datetime.now(UTC) + timedelta(seconds=30)
    lines = (
        "\n".join(
            [
                '{"id": "1", "seat": "A-01", "state": "ready", "agent": "1001",'
                f' "at": "{first.isoformat()}"}}',
                '{"id": "2", "seat": "A-02", "state": "ready", "agent": "1002",'
                f' "at": "{last.isoformat()}"}}',
            ]
        )
        + "\n"
    )
    fed = floorman("feed", "jsonl", "-", "--source", "crm", db=cli_db, stdin=lines)
    assert fed.returncode == 0, fed.stderr
    # A seat changed by hand (no event id) is not a feed.
    by_hand = floorman("event", "B-01", "ready", "--agent", "1003", db=cli_db)
    assert by_hand.returncode == 0, by_hand.stderr
    status = floorman("feed", "status", db=cli_db)
    assert status.returncode == 0, status.stderr
    assert "no Asterisk feed offsets recorded" in status.stdout
    [crm] = [line for line in status.stdout.splitlines() if line.split()[:1] == ["crm"]]
    assert "2 events" in crm and f"{last:%Y}" in crm
    assert "keep no offset" in status.stdout
    assert [line for line in status.stdout.splitlines() if line.split()[:1] == ["cli"]] == []


def test_asterisk_summary_says_older_lines_were_skipped(cli_db: Path, tmp_path: Path) -> None:
    now = int(time.time()) + 1
    log = tmp_path / "queue_log"
    log.write_text(
        f"{now}|NONE|support|PJSIP/1001|ADDMEMBER|\n"
        f"{now - 30}|c1|support|PJSIP/1001|CONNECT|3|c1|2\n",  # older than the seat's state
        encoding="utf-8",
    )
    result = floorman("feed", "asterisk", str(log), "--map", str(DATA / "members.csv"), db=cli_db)
    assert result.returncode == 0, result.stderr
    assert "1 older than the seat's current state (skipped)" in result.stdout
    assert "already applied" not in result.stdout
    assert seats(cli_db)["A-01"]["state"] == "ready"


def test_a_feeds_bad_lines_and_summary_in_the_run_language(cli_db: Path, tmp_path: Path) -> None:
    feed = tmp_path / "events.jsonl"
    feed.write_bytes(
        b'{"id": "1", "seat": "A-01", "state": "ready", "agent": "1001"}\n'
        b"garbage\n"
        b'{"id": "3", "seat": "Q-9", "state": "ready"}\n'
        b"\xff\xfe not text\n"
        b'{"id": "5", "seat": "\x1b[2J\\n", "state": "ready"}\n'
        b'{"id": "6", "seat": "A-02" "state": "ready"}\n'
    )
    zh = run_floorman("--lang", "zh", "feed", "jsonl", str(feed), db=cli_db)
    assert zh.returncode == 0, zh.stderr
    said = zh.stderr.splitlines()
    assert said[:4] == [
        "第 2 行：不是有效的 JSON：此处应有一个值（第 1 列）",
        "第 3 行：没有座席“Q-9”",
        "第 4 行：不是 UTF-8 文本",
        said[3],
    ]
    assert said[3].startswith("第 5 行：") and "\x1b" not in said[3]
    assert said[4] == "第 6 行：不是有效的 JSON：此处应有逗号“,”（第 28 列）"
    assert len(said) == 5
    assert zh.stdout.strip() == (
        "jsonl：读取 6 行，应用 1 个事件，0 个无变化或已记录，忽略 0 个，跳过 5 个坏行"
    )
    en = run_floorman("feed", "jsonl", str(feed), db=cli_db)
    assert en.stderr.splitlines()[0] == "line 2: not valid JSON: Expecting value (column 1)"
    assert en.stdout.startswith("jsonl: 6 lines read, 0 events applied, 1 unchanged")
    as_json = run_floorman("--lang", "zh", "feed", "jsonl", str(feed), "--json", db=cli_db)
    assert set(json.loads(as_json.stdout)) >= {"read", "applied", "bad"}  # JSON: English keys


def test_asterisk_refusals_and_feed_status_in_chinese(cli_db: Path, tmp_path: Path) -> None:
    now = int(time.time()) + 1
    log = tmp_path / "queue_log"
    log.write_text(f"{now}|NONE|support|PJSIP/9999|ADDMEMBER|\nnot|a|line\n", encoding="utf-8")
    fed = run_floorman(
        "--lang", "zh", "feed", "asterisk", str(log), "--map", str(DATA / "members.csv"),
        db=cli_db,
    )  # fmt: skip
    assert fed.returncode == 0, fed.stderr
    assert fed.stderr.splitlines() == [
        "第 1 行：成员“PJSIP/9999”不在 --map 文件中",
        fed.stderr.splitlines()[1],
    ]
    assert fed.stderr.splitlines()[1].startswith("第 2 行：") and "line" not in fed.stderr
    bad_map = tmp_path / "map.csv"
    bad_map.write_text("interface,seat\nPJSIP/1,A-01\nPJSIP/1,A-02\n", encoding="utf-8")
    refused = run_floorman(
        "--lang", "zh", "feed", "asterisk", str(log), "--map", str(bad_map), db=cli_db
    )
    assert refused.returncode == 2
    assert f"{bad_map}：第 3 行：接口“PJSIP/1”出现了两次" in refused.stderr
    status = run_floorman("--lang", "zh", "feed", "status", db=cli_db)
    assert "Asterisk 数据源（跟随的日志）：" in status.stdout
    assert "JSON Lines 数据源不记录读取位置" in status.stdout
