"""What the command line prints for a duty manager to read is Chinese under `--lang zh`
and stays English without it: refusals built from values (an emergency's open steps),
the printed roll call, and the text output of the floor's everyday commands.

Each Chinese text goes through the snapshot tests' Latin-words check, once the values
the floor itself holds (names, seat codes, ids, times) are taken out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from floorman import i18n
from floorman.cli import run
from tests.app.snapshots.test_panel_text import ascii_punctuation
from tests.unit.test_chinese_outside_the_panels import english_left

# Values the floor holds, not floorman's words: a seat code, a short id, a time, a date.
FLOOR_VALUES = re.compile(
    r"\b[A-Z]-\d{2}\b|\b[0-9a-f]{8}\b|\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?|\b\d{1,2}:\d{2}(:\d{2})?\b"
)
NAMES = ("Li Na", "Zhang Wei", "王芳", "陈静", "root")


@pytest.fixture(autouse=True)
def english_again() -> Iterator[None]:
    """A `--lang zh` run leaves the language Chinese until the next run."""
    i18n.set_language("en")
    yield
    i18n.set_language("en")


def _make_floor(folder: Path) -> Path:
    """Six seats in two zones and four agents, three at their seats, made through the CLI
    itself, in process; returns the database."""
    seats = folder / "seats.csv"
    seats.write_text(
        "seat,zone,type,row,col,zone_name\n"
        "A-01,A,general,0,0,Zone A\nA-02,A,general,0,1,Zone A\nA-03,A,vip,1,0,Zone A\n"
        "B-01,B,user,0,0,Zone B\nB-02,B,user,0,1,Zone B\nB-03,B,quality,1,0,Zone B\n",
        encoding="utf-8",
    )
    agents = folder / "agents.csv"
    agents.write_text(
        "staff_no,name,team\n1001,Li Na,T1\n1002,王芳,T1\n1003,Zhang Wei,T2\n1004,陈静,T2\n",
        encoding="utf-8",
    )
    for argv in (["init"], ["seats", "import", str(seats)], ["agents", "import", str(agents)]):
        assert run(argv) == 0
    for seat, agent in (("A-01", "1001"), ("A-02", "1002"), ("B-01", "1003")):
        assert run(["event", seat, "ready", "--agent", agent]) == 0
    return folder / "floor.db"


def _floor_env(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    monkeypatch.setenv("FLOORMAN_DB", str(folder / "floor.db"))
    monkeypatch.setenv("FLOORMAN_CONFIG", str(folder / "floor.toml"))
    monkeypatch.setenv("FLOORMAN_OPERATOR", "root")


@pytest.fixture
def cli_floor(tmp_path: Path, monkeypatch, capsys) -> Path:
    """A floor of its own for a test that changes it."""
    _floor_env(monkeypatch, tmp_path)
    _make_floor(tmp_path)
    capsys.readouterr()
    return tmp_path


@pytest.fixture(scope="module")
def everyday_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One floor the read-only tests share: an agent away, a fire running, a handover."""
    folder = tmp_path_factory.mktemp("everyday")
    with pytest.MonkeyPatch.context() as patch:
        _floor_env(patch, folder)
        _make_floor(folder)
        assert run(["event", "B-01", "away", "--agent", "1003", "--reason", "water"]) == 0
        assert run(["emergency", "start", "fire"]) == 0
        assert run(["handover", "compose"]) == 0
        assert run(["staffing", "plan", "--busy-hour-calls", "30"]) == 0
    yield folder


@pytest.fixture
def everyday_floor(everyday_folder: Path, monkeypatch, capsys) -> Path:
    _floor_env(monkeypatch, everyday_folder)
    capsys.readouterr()
    return everyday_folder


def _out(capsys, *argv: str, status: int = 0) -> str:
    assert run(list(argv)) == status, capsys.readouterr()
    captured = capsys.readouterr()
    return captured.out if status == 0 else captured.err


def _chinese_only(text: str, *typed: str) -> None:
    text = text.replace("floorman: ", "")
    for value in typed:
        text = text.replace(value, " ")
    text = FLOOR_VALUES.sub(" ", text)
    assert english_left(text, *NAMES) == [], text
    assert ascii_punctuation(text) == [], text


def test_open_steps_of_an_emergency_are_named_in_chinese(capsys, cli_floor: Path) -> None:
    started = _out(capsys, "emergency", "start", "earthquake", "--drill", "--json")
    short = re.search(r'"id": "([0-9a-f]{8})', started)
    assert short is not None
    english = _out(capsys, "emergency", "close", short.group(1), status=2)
    assert english.strip() == "floorman: steps not yet done, skipped or deferred: 1, 2"
    chinese = _out(capsys, "--lang", "zh", "emergency", "close", short.group(1), status=2)
    assert chinese.strip() == "floorman: 以下步骤尚未完成、跳过或推迟：1、2"


def test_the_printed_roll_call_speaks_the_run_language(capsys, cli_floor: Path) -> None:
    assert run(["visitors", "rollcall", "start", "--reason", "drill"]) == 0
    assert run(["visitors", "rollcall", "safe", "1"]) == 0
    english = _out(capsys, "visitors", "rollcall", "show")
    assert english.startswith("ROLL CALL ") and "3 people, 2 not yet safe" in english
    assert re.search(r"\[x\]   1  staff Li Na  seat A-01 \(\w+\)  safe ", english), english
    chinese = _out(capsys, "--lang", "zh", "visitors", "rollcall", "show")
    assert chinese.startswith("点名 ") and "共 3 人，2 人未确认安全" in chinese
    assert re.search(r"\[x\]   1  员工 Li Na  座席 A-01（\w+）  .* 已安全（root 确认）", chinese)
    _chinese_only(chinese, "drill")


# What a duty manager reads from the everyday commands' text output: (argv, English that
# must be there without --lang zh, Chinese that must be there with it).
EVERYDAY = [
    (("seats", "list"), "General service", "综合业务"),
    (("away", "list"), "unapproved", "未经批准"),
    (("away", "log"), "agent      name", "座席员"),
    (("emergency", "list"), "steps: 0 done", "步骤：完成 0"),
    (("handover", "list"), "items 0  amendments 0", "待办 0  补充 0"),
    (("status",), "not running", "未运行"),
    (("check",), "no operators: the floor is open", "没有操作员"),
    (("staffing", "plan", "--show"), "busy hour: staffed 2 / required", "忙时：在岗 2 / 需要"),
]


@pytest.mark.parametrize(
    ("argv", "english", "chinese"), EVERYDAY, ids=[" ".join(e[0]) for e in EVERYDAY]
)
def test_everyday_output_reads_in_the_run_language(
    capsys, everyday_floor: Path, argv: tuple[str, ...], english: str, chinese: str
) -> None:
    status = 3 if argv == ("status",) else 0  # `status`: 3, the service is not running
    assert run(list(argv)) == status
    said_en = capsys.readouterr().out
    assert run(["--lang", "zh", *argv]) == status
    said_zh = capsys.readouterr().out
    assert english in said_en and chinese not in said_en, said_en
    assert chinese in said_zh and english not in said_zh, said_zh
    # The database's path and the shift id are values; `floorman operators add ...` is
    # a command to type.
    _chinese_only(said_zh, str(everyday_floor / "floor.db"), "P1")


def test_import_init_backup_and_restore_say_what_they_did_in_chinese(
    capsys, cli_floor: Path, tmp_path: Path
) -> None:
    backup = tmp_path / "kept.db"
    said = _out(capsys, "--lang", "zh", "backup", "--to", str(backup))
    assert said.strip() == f"备份已写入：{backup}"
    said = _out(capsys, "--lang", "zh", "restore", str(backup))
    assert said.startswith(f"已用 {backup} 恢复 {cli_floor / 'floor.db'}\n原数据库保留为 ")
    assert _out(capsys, "--lang", "zh", "init").startswith("数据库已就绪：")
    assert _out(capsys, "init").startswith("database ready: ")


def test_visitors_and_attendance_say_what_they_did_in_the_run_language(
    capsys, cli_floor: Path, tmp_path: Path
) -> None:
    """A registration, the visitors list, a roster import and a sign-in by hand."""
    register = [
        "visitors", "register", "--name", "Zhang Wei", "--org", "Billing", "--category",
        "internal", "--purpose", "audit", "--host", "Li Na",
    ]  # fmt: skip
    english = _out(capsys, *register)
    assert english.strip().endswith(" registered, pending approval")
    chinese = _out(capsys, "--lang", "zh", *register)
    assert chinese.strip().endswith(" 已登记，待审批")
    listed_en = _out(capsys, "visitors", "list")
    assert "pending" in listed_en and " host Li Na escort - phone -" in listed_en
    listed_zh = _out(capsys, "--lang", "zh", "visitors", "list")
    assert "待审批" in listed_zh and " 接待人 Li Na 陪同 - 电话 -" in listed_zh
    _chinese_only(listed_zh, "Billing")

    roster = tmp_path / "roster.csv"
    roster.write_text("staff_no,day,start,end\n1001,2026-12-01,08:00,16:00\n", encoding="utf-8")
    assert _out(capsys, "attendance", "roster", str(roster)).strip() == "imported 1 shift"
    assert _out(capsys, "--lang", "zh", "attendance", "roster", str(roster)).strip() == (
        "已导入 1 个班次"
    )
    signed = _out(
        capsys, "--lang", "zh", "attendance", "sign-in", "1001", "--at", "2026-12-01T08:02"
    )
    expected = "1001 Li Na：已于 08:02 记录签到（班次 2026-12-01 08:00-16:00）"
    assert signed.strip().startswith(expected), signed
    _chinese_only(signed)
