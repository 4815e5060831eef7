"""What a Chinese floor reads outside the panels is Chinese too: the incident report's
Markdown, a checklist file's refusal, and the command line's own refusals (argparse's
sentences and the lines the CLI says itself) under `--lang zh`.

Each is read by the snapshot tests' Latin-words check; what a person typed (an option
name, a value echoed back, a metavariable, a file or TOML key) is taken out first, since
it is the user's own text, not floorman's English.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from floorman import i18n
from floorman.cli import run
from floorman.domain.emergency import report
from floorman.domain.emergency.checklists import ChecklistError, parse_checklist_text
from tests.app.snapshots.test_panel_text import ascii_punctuation, latin_words
from tests.unit.test_emergency import checklists as checklists  # the fixture
from tests.unit.test_emergency import run_a_small_incident, staff_on_floor, start

# What the user typed and floorman echoes back: `--limit`, 'abc', “abc”, ID, `fire.toml`.
ECHOED = re.compile(r"--?[a-z][a-z-]*|'[^']*'|“[^”]*”|\b[A-Z][A-Z_]+\b|[\w.-]+\.toml|\[\[\w+\]\]")


def english_left(text: str, *typed: str) -> list[str]:
    """Latin words in `text` once the echoed input and the values `typed` are taken out."""
    for value in typed:
        text = text.replace(value, " ")
    return latin_words(ECHOED.sub(" ", text))


@pytest.fixture
def chinese() -> Iterator[None]:
    i18n.set_language("zh")
    yield
    i18n.set_language("en")


def test_the_incident_report_reads_in_chinese(small_floor, clock, checklists, chinese) -> None:
    incident = run_a_small_incident(small_floor, clock, checklists)
    with small_floor.db.read() as session:
        markdown = report.report_markdown(session, incident.id, ZoneInfo("UTC"), "zh")
    # The wording, the note and the names were typed in English by the test's people; the
    # terminal is an id. A safe mark's line is rebuilt in Chinese from the roll call.
    typed = (
        "Drill \\| evacuation under way",
        "Drill | evacuation under way",
        "stairwell B used",
        "Zhang Wei",
        "Li Na",
        "Wang",
        "(test:tty1)",
    )
    assert english_left(markdown, *typed) == []
    assert ascii_punctuation(markdown) == []
    assert markdown.startswith("# 应急事件报告：地震（演练）\n")
    assert "- 点名：共 3 人，1 人安全，2 人未确认安全" in markdown
    assert "- 步骤：完成 1，跳过 0，推迟 1，未完成 0（共 2 步）" in markdown
    assert "已启动：地震（演练）" in markdown
    assert "标记安全：#1 Li Na（座席 A-01）" in markdown
    assert "seat A-01" not in markdown


def test_a_roll_call_line_in_the_timeline_reads_in_chinese(
    small_floor, clock, checklists, chinese
) -> None:
    """Taking a safe mark back keeps the reason as written and names the person in
    Chinese; the English report keeps the stored line."""
    from floorman.domain.emergency import headcount
    from floorman.domain.roll_call import book

    staff_on_floor(small_floor)
    incident = start(small_floor, "earthquake", checklists, drill=True)
    headcount.mark_safe(small_floor, incident.id, "Li Na")
    book.unmark_safe(small_floor, "1", "marked by mistake")
    with small_floor.db.read() as session:
        zh = report.report_markdown(session, incident.id, ZoneInfo("UTC"), "zh")
        en = report.report_markdown(session, incident.id, ZoneInfo("UTC"), "en")
    assert "#1 Li Na（座席 A-01）：marked by mistake" in zh
    assert "unsafe: #1 Li Na (seat A-01): marked by mistake" in en


@pytest.mark.parametrize(
    "text",
    [
        'kind = "Fire!"\ntitle = {en = "Fire", zh = "火灾"}\n[[steps]]\nen = "a"\nzh = "b"\n',
        'title = {en = "Fire", zh = "火灾"}\npriority = 0\n[[steps]]\nen = "a"\nzh = "b"\n',
        'title = {en = "Fire", zh = "火灾"}\n',
        'title = {en = "Fire", zh = "火灾"}\n[[steps]]\nen = "a"\nzh = ""\n',
        'title = {en = "Fire", zh = "火灾"}\ncolour = 1\n[[steps]]\nen = "a"\nzh = "b"\n',
        'title = "Fire"\n[[steps]]\nen = "a"\nzh = "b"\n',
    ],
    ids=["kind", "priority", "no-steps", "empty-step", "unknown-key", "title"],
)
def test_a_bad_checklist_is_refused_in_chinese(text: str, chinese: None) -> None:
    with pytest.raises(ChecklistError) as refused:
        parse_checklist_text(text, "fire.toml", "fire")
    said = str(refused.value)
    assert said.startswith("fire.toml：")
    # The key named is the file's own (`steps[1].zh`, `title`), kept as written.
    assert english_left(said, "steps[1].zh", "Fire!", "colour") == [], said
    i18n.set_language("en")
    assert str(refused.value).startswith("fire.toml: ")  # English when asked in English


def _refusal(capsys, *argv: str) -> str:
    assert run(list(argv)) == 2
    said = capsys.readouterr().err.strip()
    assert said.count("\n") == 0, said
    return said


@pytest.mark.parametrize(
    ("argv", "english"),
    [
        (("emergency", "step"), "the following arguments are required"),
        (("journal", "--limit", "abc"), "must be a whole number"),
        (("--bogus",), "unrecognized arguments"),
        (("emergency", "step", "abc", "1", "burn"), "invalid choice"),
        (("alerts", "ack"), "name alert ids, or give --all (not both)"),
        (("alerts", "ack", "--kind", "away"), "name alert ids"),
        (("demo", "--speed", "100"), "--speed must be from 1 to 60"),
        (("x" * 5000,), "is too long"),
    ],
    ids=["required", "type", "unrecognized", "choice", "cli-refusal", "cli-kind", "speed", "long"],
)
def test_the_command_line_refuses_in_chinese_when_asked(
    capsys, tmp_path: Path, monkeypatch, argv: tuple[str, ...], english: str
) -> None:
    monkeypatch.setenv("FLOORMAN_DB", str(tmp_path / "floor.db"))
    monkeypatch.setenv("FLOORMAN_CONFIG", str(tmp_path / "no-config.toml"))
    assert english in _refusal(capsys, *argv)
    chinese = _refusal(capsys, "--lang", "zh", *argv)
    assert english not in chinese
    # `floorman emergency step: ...` (argparse's) or `floorman：...` (the CLI's own)
    prog, message = re.split(r": |：", chinese, maxsplit=1)
    assert prog.startswith("floorman") and re.search(r"[\u4e00-\u9fff]", message), chinese
    assert english_left(message, "x" * 5000) == [], chinese
    assert ascii_punctuation(message) == []
    assert i18n.language() == "zh"  # said in Chinese because asked for, then English again
    _refusal(capsys, *argv)
    assert i18n.language() == "en"


def test_argparse_help_names_its_headings_in_chinese(capsys) -> None:
    with pytest.raises(SystemExit):
        run(["--lang", "zh", "emergency", "--help"])
    shown = capsys.readouterr().out
    assert shown.startswith("用法：floorman emergency")
    assert "显示此帮助并退出" in shown
    run(["emergency", "step"])  # the next run speaks English again
    assert "usage" not in capsys.readouterr().err


def test_an_emergencys_roll_call_is_named_by_its_checklist_in_chinese(
    small_floor, clock, checklists
) -> None:
    """The roll call a fire drill starts keeps `drill: Fire` as its record; printed on a
    Chinese floor it is named as the emergency is: 演练：火灾."""
    from tests.helpers import floorman

    start(small_floor, "fire", checklists, drill=True)
    small_floor.db.dispose()
    chinese = floorman("--lang", "zh", "visitors", "rollcall", "show", db=small_floor.db.path)
    english = floorman("visitors", "rollcall", "show", db=small_floor.db.path)
    as_json = floorman("visitors", "rollcall", "show", "--json", db=small_floor.db.path)
    assert chinese.returncode == english.returncode == as_json.returncode == 0
    first = chinese.stdout.splitlines()[0]
    assert "（演练：火灾）" in first and "Fire" not in chinese.stdout
    assert "(drill: Fire)" in english.stdout.splitlines()[0]
    assert json.loads(as_json.stdout)["reason"] == "drill: Fire"  # the record stays English
