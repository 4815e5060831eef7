"""`i18n.wrap`: the help's paragraphs broken as Chinese and English text break.

A line never starts with a closing mark (，。：；）) nor ends with an opening one (（“),
never runs past its width, breaks English at spaces and Chinese between characters, and
loses no character but the spaces it broke at.
"""

from __future__ import annotations

import pytest

from floorman.i18n import NO_LINE_END, NO_LINE_START, cells, wrap
from floorman.screens.floor import FloorScreen

HELP_ZH = (
    "座席总览：按区域列出全部座席。方向键或 hjkl 移动，Enter 打开座席详情，z 按区域筛选，"
    "s 按状态筛选，Esc 清除筛选。字母：R 就绪，B 通话，A 示忙未超时，! 接近时限，‼ 已超时。"
    "“待处理”列表（在座席图旁边或下方，最严重的在前）：n 或 Tab 进入；Enter 打开该行所属面板。"
)


@pytest.mark.parametrize("width", range(8, 81))
def test_no_line_starts_with_a_closing_mark_or_runs_past_its_width(width: int) -> None:
    lines = wrap(HELP_ZH, width)
    assert all(cells(line) <= width for line in lines)
    assert not [line for line in lines[1:] if line[0] in NO_LINE_START]
    assert not [line for line in lines[:-1] if line[-1] in NO_LINE_END]
    # Nothing lost: only the spaces a line broke at.
    assert "".join(lines).replace(" ", "") == HELP_ZH.replace(" ", "")


def test_english_breaks_at_spaces_and_a_long_word_is_cut() -> None:
    assert wrap("hello world, this is a test", 11) == ["hello", "world, this", "is a test"]
    assert wrap("a/long/path/name ok", 8) == ["a/long/p", "ath/name", "ok"]


def test_the_character_before_a_mark_goes_down_with_it() -> None:
    assert wrap("一二三四五，六", 10) == ["一二三四", "五，六"]
    assert wrap("一二三四（五六", 10) == ["一二三四", "（五六"]


def test_an_indent_and_blank_lines_are_kept() -> None:
    assert wrap("  n    key line\n\n  x", 9) == ["  n", "key line", "", "  x"]


def test_the_help_of_every_panel_keeps_its_words_in_english_too() -> None:
    words = FloorScreen.HELP.split()
    assert " ".join(wrap(FloorScreen.HELP, 40)).split() == words
