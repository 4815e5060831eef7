"""Refusals met by running each command with bad input under `--lang zh`: no English words
in the Chinese sentence but ids, names, units and keys (one case per kind found)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers import floorman


@pytest.fixture
def cli_floor(tmp_path: Path) -> Path:
    """A floor made as a duty manager makes one: init, seats, agents."""
    db = tmp_path / "floor.db"
    (tmp_path / "seats.csv").write_text(
        "seat,zone,type,row,col\nA-01,A,general,0,0\nA-02,A,general,0,1\n", encoding="utf-8"
    )
    (tmp_path / "agents.csv").write_text("staff_no,name\n1001,Li Na\n", encoding="utf-8")
    for step in (["init"], ["seats", "import", str(tmp_path / "seats.csv")],
                 ["agents", "import", str(tmp_path / "agents.csv")]):  # fmt: skip
        assert floorman(*step, db=db).returncode == 0
    return db


def _latin_words(text: str) -> list[str]:
    """Runs of two or more Latin letters (ids such as A-01 and `floorman` excepted)."""
    return [w for w in re.findall(r"[A-Za-z_]{2,}", text) if w != "floorman"]


def test_a_record_a_field_and_a_stored_state_are_said_in_chinese(cli_floor: Path) -> None:
    unknown_alert = floorman("--lang", "zh", "alerts", "ack", "nope", db=cli_floor)
    assert unknown_alert.returncode == 2
    assert _latin_words(unknown_alert.stderr) == ["nope"]  # what was typed, quoted
    assert "没有告警“nope”" in unknown_alert.stderr

    month = floorman("--lang", "zh", "attendance", "month", "2026-13", db=cli_floor)
    assert month.returncode == 2
    assert "月份 2026-13：月份须为 01-12" in month.stderr and "month 2026" not in month.stderr

    assert floorman("event", "A-01", "ready", "--agent", "1001", db=cli_floor).returncode == 0
    first = floorman("--lang", "zh", "away", "request", "1001", "--reason", "toilet",
                     db=cli_floor)  # fmt: skip
    assert first.returncode == 0, first.stderr
    again = floorman("--lang", "zh", "away", "request", "1001", "--reason", "toilet",
                     db=cli_floor)  # fmt: skip
    assert again.returncode == 2
    assert "座席员 1001 已有一张未结束的示忙单（已申请）" in again.stderr
    english = floorman("away", "request", "1001", "--reason", "toilet", db=cli_floor)
    assert "agent 1001 already has an open slip (requested)" in english.stderr


def test_staffing_figures_in_chinese_and_english_unchanged() -> None:
    erlang = ["staffing", "erlang", "--calls", "100", "--aht", "180", "--interval", "1800",
              "--target-sl", "0.8", "--answer-within", "20", "--agents", "3"]  # fmt: skip
    zh = floorman("--lang", "zh", *erlang)
    assert zh.returncode == 0, zh.stderr
    assert _latin_words(zh.stdout) == []
    assert "服务水平         20 秒内接通 0.0%（目标 80%，未达到）" in zh.stdout
    en = floorman(*erlang)
    assert "service level    0.0% within 20 s (target 80%, NOT MET)\n" in en.stdout
    manual = ["staffing", "manual", "--busy-hour-calls", "300", "--daily-requests", "3000"]
    zh_manual = floorman("--lang", "zh", *manual)
    assert "总人数           63" in zh_manual.stdout
    assert _latin_words(zh_manual.stdout) == []
    assert "headcount        63" in floorman(*manual).stdout


def test_a_wrong_pin_and_a_lower_role_are_refused_in_chinese(cli_floor: Path) -> None:
    def as_operator(name: str, pin: str, *args: str, new_pin: str | None = None):
        env = {"FLOORMAN_PIN": pin, "FLOORMAN_NEW_PIN": new_pin}
        return floorman("--lang", "zh", "--operator", name, *args, db=cli_floor, env=env)

    add = floorman("operators", "add", "boss", "--role", "director", db=cli_floor,
                   env={"FLOORMAN_NEW_PIN": "482913"})  # fmt: skip
    assert add.returncode == 0, add.stderr
    viewer = as_operator("boss", "482913", "operators", "add", "vic", "--role", "viewer",
                         new_pin="739146")  # fmt: skip
    assert viewer.returncode == 0, viewer.stderr
    wrong = as_operator("vic", "000000", "event", "A-01", "ready", "--agent", "1001")
    assert wrong.returncode == 2
    assert wrong.stderr == "floorman: “vic”的 PIN 不正确（还可尝试 4 次）\n"
    lower = as_operator("vic", "739146", "event", "A-01", "ready", "--agent", "1001")
    assert lower.returncode == 2
    assert "操作员 vic（只读）无权执行" in lower.stderr
    assert "需要 值班经理或区域经理或运营主管或中心主任 权限" in lower.stderr


def test_attendance_lines_and_operator_states_in_chinese(cli_floor: Path, tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("staff_no,day,start,end\n1001,2026-12-01,08:00,16:00\n", encoding="utf-8")
    assert floorman("attendance", "roster", str(roster), db=cli_floor).returncode == 0
    day = floorman("--lang", "zh", "attendance", "day", "2026-12-01", db=cli_floor)
    assert day.stdout == "1001     Li Na      08:00 签到 --:-- 迟到   0 早退   0 缺勤 1.0 罚款 50\n"
    english = floorman("attendance", "day", "2026-12-01", db=cli_floor)
    assert english.stdout.endswith("08:00 in --:-- late   0 early   0 absent 1.0 fine 50\n")
    month = floorman("--lang", "zh", "attendance", "month", "2026-12", db=cli_floor)
    assert _latin_words(month.stdout) == ["Li", "Na"]  # the agent's name
    add = floorman("operators", "add", "boss", "--role", "director", db=cli_floor,
                   env={"FLOORMAN_NEW_PIN": "482913"})  # fmt: skip
    assert add.returncode == 0, add.stderr
    listed = floorman("--lang", "zh", "--operator", "boss", "operators", "list", db=cli_floor,
                      env={"FLOORMAN_PIN": "482913"})  # fmt: skip
    assert listed.stdout.split() == ["boss", "director", "启用"]  # the role as one types it
