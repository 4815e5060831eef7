"""`floorman check` under `--lang zh`: what it found, said in Chinese (issue 16, point 4).

The floor of the reconciliation tests is lived in, then damaged the ways issue 14 named
at once (tables changed, rows deleted and inserted behind the journal, a journal row
edited with its trigger dropped, the head anchor deleted). Each problem line must read in
Chinese but for what is the floor's own data (ids, seqs, stored values, times, names);
the same check in English and in JSON reads as before, in English.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import floorman as floorman_package
from floorman.data.journal_key import head_path
from floorman.domain.core.context import Floor
from tests.helpers import floorman
from tests.unit.test_alerts_cli import dump_all
from tests.unit.test_chinese_outside_the_panels import english_left
from tests.unit.test_journal_reconcile import lived_floor as lived_floor  # the fixture
from tests.unit.test_journal_reconcile import tamper
from tests.unit.test_refusals_translated import _catalogue

DAMAGE = (
    "UPDATE seat SET state = 'fault' WHERE code = 'A-02'",
    "DELETE FROM seat WHERE code = 'B-03'",
    "UPDATE away_slip SET approval = 'violation'",
    "UPDATE visitor SET status = 'rejected'",
    "DELETE FROM seat_event WHERE state = 'busy'",
    "UPDATE emergency_step SET state = 'done' WHERE number = 2",
    "UPDATE handover SET summary = 'Nothing happened'",
    "DELETE FROM handover_amendment",
    "INSERT INTO seat_event (id, seat_id, state, event, at, recorded_at, source, actor)"
    " SELECT 'forged', id, 'busy', 'busy', since, since, 'cli', 'x' FROM seat"
    " WHERE code = 'A-03'",
    "DROP TRIGGER journal_no_update",
    "UPDATE journal SET actor = 'mallory' WHERE seq = 3",
)
# The floor's own data in a line: journal actions (seat.event), stored values ('fault'),
# ISO times, the test floor's operators and file names.
DATA = re.compile(
    r"\b[a-z_]+\.[a-z_.]+\b|journal_no_\w+|'[^']*'|\d{4}-\d\d-\d\dT[\d:.+]+|mallory|\S+/\S+"
)


def _problem_lines(stdout: str, marker: str) -> list[str]:
    return [line for line in stdout.splitlines() if line.startswith(marker)]


def test_every_problem_check_finds_reads_in_chinese(lived_floor: Floor) -> None:
    lived_floor.db.dispose()
    tamper(lived_floor.db.path, *DAMAGE)
    head_path(lived_floor.db.path).unlink()

    chinese = floorman("--lang", "zh", "check", db=lived_floor.db.path)
    english = floorman("check", db=lived_floor.db.path)
    as_json = floorman("check", "--json", db=lived_floor.db.path)

    assert chinese.returncode == english.returncode == as_json.returncode == 1
    lines = _problem_lines(chinese.stdout, "问题：")
    english_lines = _problem_lines(english.stdout, "problem: ")
    # One line for each thing done behind the journal, in both languages.
    assert len(lines) == len(english_lines) >= len(DAMAGE)
    left = [word for line in lines for word in english_left(DATA.sub(" ", line))]
    assert left == [], left
    said = "\n".join(lines)
    found = ("座席 A-02：状态为 'fault'", "日志触发器 journal_no_update 缺失", "日志末端锚点缺失")
    for words in found:
        assert words in said, said
    assert "第 2 步：状态为 'done'，但日志第" in said and "设为 'open'" in said
    assert "不在日志中" in said and "补记" in said
    # English and JSON are the audit record's language, whatever was asked before.
    assert "seat A-02: state is 'fault' but journal row" in english.stdout
    problems = json.loads(as_json.stdout)["problems"]
    assert [f"problem: {p}" for p in problems] == english_lines


def test_every_finding_has_its_chinese() -> None:
    """Each `Finding("...")` and `AnchorDamaged("...")` floorman writes has its Chinese, with
    the same values: a line `check` prints is never left in English on a Chinese floor."""
    catalogue = _catalogue()
    source = Path(floorman_package.__file__).parent
    missing = []
    for path in sorted(source.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            message = node.args[0]
            if name in {"Finding", "AnchorDamaged"} and isinstance(message, ast.Constant):
                chinese = catalogue.get(message.value, "")
                if sorted(re.findall(r"\{\w+\}", chinese)) != sorted(
                    re.findall(r"\{\w+\}", message.value)
                ):
                    missing.append(f"{path.name}:{node.lineno} {message.value!r}")
    assert missing == []


def test_a_backup_that_is_not_a_database_is_refused_in_chinese(
    small_floor: Floor, tmp_path
) -> None:
    """`restore` checks the file first (backup.file_problems): its finding is Chinese too."""
    bad = tmp_path / "backup.db"
    bad.write_bytes(b"not sqlite at all" * 100)
    small_floor.db.dispose()
    before = dump_all(small_floor.db.path)
    chinese = floorman("--lang", "zh", "restore", str(bad), db=small_floor.db.path)
    english = floorman("restore", str(bad), db=small_floor.db.path)
    assert chinese.returncode == english.returncode == 2
    assert "不是数据库文件（已损坏，或是别的文件）" in chinese.stderr
    assert english_left(DATA.sub(" ", chinese.stderr)) == []
    assert "not a database file (damaged, or another kind of file)" in english.stderr
    assert dump_all(small_floor.db.path) == before  # nothing restored
