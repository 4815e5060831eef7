"""The shipped checklists follow the manual; a center's own files add, override or fail alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from floorman.domain.emergency.checklists import (
    ChecklistError,
    load_checklists,
    parse_checklist_text,
    shipped_files,
    user_checklists_dir,
)

MANUAL_KINDS = {
    "fire": 10,
    "earthquake": 2,
    "lighting_power": 2,
    "terminal_fault": 7,
    "hotline_failure": 11,
    "software_failure": 5,
    "password": 5,
    "theft": 7,
}


def test_every_procedure_of_the_manual_ships_with_its_steps(tmp_path: Path) -> None:
    loaded = load_checklists(tmp_path / "none")
    assert loaded.problems == ()
    assert {k: len(c.steps) for k, c in loaded.checklists.items()} == MANUAL_KINDS
    for checklist in loaded.checklists.values():
        assert checklist.title_en and checklist.title_zh
        assert [s.number for s in checklist.steps] == list(range(1, len(checklist.steps) + 1))
        for step in checklist.steps:
            assert step.en and step.zh
            assert step.en != step.zh


def test_steps_are_in_the_manuals_order_and_words(tmp_path: Path) -> None:
    loaded = load_checklists(tmp_path / "none")
    fire = loaded.checklists["fire"]
    assert fire.steps[0].zh == "所有人员应保持镇静。"
    assert "119" in fire.steps[1].zh and "119" in fire.steps[1].en
    assert fire.steps[4].zh == "尽快切断所有电源。"
    assert "床单" in fire.steps[5].zh
    theft = loaded.checklists["theft"]
    assert "110" in theft.steps[3].en
    assert theft.steps[1].zh == "保持镇静。"
    hotline = loaded.checklists["hotline_failure"]
    assert "6小时" in hotline.steps[-1].zh and "written plan" in hotline.steps[-1].en
    assert "统一口径" in hotline.steps[4].zh


def test_fire_and_earthquake_take_a_roll_call_and_come_first(tmp_path: Path) -> None:
    loaded = load_checklists(tmp_path / "none")
    assert {c.kind for c in loaded.checklists.values() if c.roll_call} == {"fire", "earthquake"}
    assert [c.kind for c in loaded.ordered()][:2] == ["earthquake", "fire"]


def test_hotline_failure_carries_the_six_hour_written_plan_timer(tmp_path: Path) -> None:
    hotline = load_checklists(tmp_path / "none").checklists["hotline_failure"]
    assert len(hotline.timers) == 1
    timer = hotline.timers[0]
    assert timer.after_minutes == 360
    assert timer.severity == "severe"
    assert "written plan" in timer.en and "书面计划" in timer.zh


def test_report_to_management_steps_have_reminders(tmp_path: Path) -> None:
    loaded = load_checklists(tmp_path / "none")
    assert loaded.checklists["fire"].steps[7].reminder_minutes == 10
    assert loaded.checklists["hotline_failure"].steps[1].reminder_minutes == 15
    assert loaded.checklists["earthquake"].steps[0].reminder_minutes is None


def test_checklists_are_package_resources_that_ship_in_the_wheel() -> None:
    names = {entry.name for entry in shipped_files()}
    assert len(names) == len(MANUAL_KINDS)
    source = Path(__file__).parents[2] / "src" / "floorman" / "data" / "checklists"
    assert names == {p.name for p in source.glob("*.toml")}


def test_user_dir_is_beside_the_config_file(tmp_path: Path) -> None:
    assert user_checklists_dir(tmp_path / "cfg" / "config.toml") == tmp_path / "cfg" / "checklists"


def test_a_center_can_override_and_add_checklists(tmp_path: Path) -> None:
    folder = tmp_path / "checklists"
    folder.mkdir()
    (folder / "fire.toml").write_text(
        'priority = 1\nroll_call = true\ntitle = { en = "Fire (site B)", zh = "火灾(B区)" }\n'
        '[[steps]]\nen = "Press the alarm."\nzh = "按下警报。"\nreminder_minutes = 1\n',
        encoding="utf-8",
    )
    (folder / "flood.toml").write_text(
        'kind = "flood"\npriority = 2\ntitle = { en = "Flood", zh = "水灾" }\n'
        '[[steps]]\nen = "Move equipment up."\nzh = "转移设备。"\n',
        encoding="utf-8",
    )
    loaded = load_checklists(folder)
    assert loaded.problems == ()
    assert loaded.checklists["fire"].title_en == "Fire (site B)"
    assert loaded.checklists["fire"].steps[0].reminder_minutes == 1
    assert loaded.checklists["fire"].source == str(folder / "fire.toml")
    assert loaded.checklists["flood"].priority == 2
    assert len(loaded.checklists) == len(MANUAL_KINDS) + 1


def test_a_bad_toml_file_is_reported_with_file_and_line_and_the_rest_load(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "checklists"
    folder.mkdir()
    bad = folder / "fire.toml"
    bad.write_text('priority = 1\ntitle = { en = "Fire", zh = "火灾" }\n[[steps]\nen = "x"\n')
    loaded = load_checklists(folder)
    assert len(loaded.problems) == 1
    problem = loaded.problems[0]
    assert str(bad) in problem
    assert "line 3" in problem
    # the shipped fire checklist is still there, untouched by the bad override
    assert loaded.checklists["fire"].source == "(shipped) fire.toml"
    assert len(loaded.checklists) == len(MANUAL_KINDS)


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ('title = { en = "A", zh = "甲" }\n', "'steps'"),
        ('title = { en = "A", zh = "甲" }\n[[steps]]\nen = "x"\n', "'steps[1].zh'"),
        (
            'title = { en = "A", zh = "甲" }\n[[steps]]\nen = "x"\nzh = "y"\n'
            "reminder_minutes = 0\n",
            "'steps[1].reminder_minutes'",
        ),
        ('title = { en = "A" }\n[[steps]]\nen = "x"\nzh = "y"\n', "'title.zh'"),
        ('priority = "high"\ntitle = { en = "A", zh = "甲" }\n', "'priority'"),
        ('colour = "red"\n', "'colour'"),
        ('kind = "Bad Kind"\n', "'kind'"),
        (
            'title = { en = "A", zh = "甲" }\n[[steps]]\nen = "x"\nzh = "y"\n'
            '[[timers]]\nafter_minutes = 5\nseverity = "loud"\nen = "a"\nzh = "b"\n',
            "'timers[1].severity'",
        ),
    ],
)
def test_schema_errors_name_the_file_and_key(body: str, key: str) -> None:
    with pytest.raises(ChecklistError) as caught:
        parse_checklist_text(body, "/cfg/checklists/x.toml", "x")
    assert str(caught.value).startswith("/cfg/checklists/x.toml: ")
    assert key in str(caught.value)


def test_a_schema_error_in_an_override_leaves_the_shipped_one(tmp_path: Path) -> None:
    folder = tmp_path / "checklists"
    folder.mkdir()
    (folder / "theft.toml").write_text('title = { en = "Theft", zh = "盗窃" }\n')
    loaded = load_checklists(folder)
    assert len(loaded.problems) == 1 and "theft.toml" in loaded.problems[0]
    assert "'steps'" in loaded.problems[0]
    assert len(loaded.checklists["theft"].steps) == 7
