"""What the snapshot scenes show, read as text: wholly Chinese in Chinese, and nothing cut.

The same photographs as test_snapshots.py (one fresh interpreter per language, cached),
read as the screen's plain text and the sizes of its table columns:

- in Chinese, every run of Latin letters must be an id (it has a digit: `A-28`, `duty1`),
  a key or a state letter (one letter: `c`, `R`), or on the small list below of names, units
  and keys. `^p palette`, `terminal fau`, `Zone A: 36 staffed` fail it;
- in Chinese, no ASCII `,` `:` `;` touches a Chinese character (`情况下,利用`);
- in both languages, no table column is narrower than its widest cell (a fixed width that
  cuts `1:05:12` or `已提前关闭`), no seat's timer or name is wider than its cell, no
  footer key runs under the palette key (`^k Ack al▏`), and no table is wider than its
  pane at 80x24 or 160x50 (the emergency list's `Elaps`, the away board scrolling sideways).
"""

from __future__ import annotations

import re

import pytest

from tests.app.snapshots.scenes import LANGUAGES, SCENES, SIZES
from tests.app.snapshots.test_snapshots import photographs

# Latin words a Chinese floor shows on purpose, lower case.
KEYS = {
    "ctrl", "shift", "alt", "space", "enter", "escape", "esc", "tab", "up", "down", "left",
    "right", "home", "end", "pageup", "pagedown", "hjkl", "backspace", "delete",
}  # fmt: skip
UNITS_AND_TERMS = {"floorman", "pin", "csv", "svg", "json", "id", "vip", "qa", "erlang", "utc"}
# The scene floor's own names (tests/app/snapshots/scenes.build_floor and _operators).
NAMES = {"zhang", "wei", "li", "na", "billing", "dept", "acme", "telecom", "boss"}
ALLOWED = KEYS | UNITS_AND_TERMS | NAMES
# A word starts a token: the `ab` of the id prefix `000001ab` is no word.
WORD = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z][A-Za-z0-9_'’.-]*")


def latin_words(text: str) -> list[str]:
    """The Latin words of `text` that are not an id, a key, a letter, a name or a unit."""
    found = []
    for line in text.splitlines():
        # A command to type (`floorman visitors rollcall show`) is keys, not English.
        line = line.split("floorman ")[0]
        for match in WORD.finditer(line):
            word = match.group().rstrip(".-'’")
            if len(word) <= 1 or any(ch.isdigit() for ch in word):
                continue
            if word.lower() in ALLOWED:
                continue
            found.append(f"{word!r} in {line.strip()[:90]!r}")
    return found


# `,` `:` `;` touching a Chinese character: a Chinese sentence takes ，：；
CHINESE = r"[\u3000-\u9fff\uff00-\uffef]"
ASCII_PUNCTUATION = re.compile(f"{CHINESE}[,:;]|[,:;]{CHINESE}")


def ascii_punctuation(text: str) -> list[str]:
    """Lines of `text` where an ASCII comma, colon or semicolon sits in Chinese."""
    return [line.strip()[:90] for line in text.splitlines() if ASCII_PUNCTUATION.search(line)]


def _key(scene: str, size: tuple[int, int]) -> str:
    return f"{scene} {size[0]}x{size[1]}"


@pytest.mark.xdist_group("zh")
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("scene", list(SCENES))
def test_a_chinese_panel_has_no_english_words(scene: str, size: tuple[int, int]) -> None:
    text = photographs("zh")[_key(scene, size)]["text"]
    assert latin_words(text) == []
    assert ascii_punctuation(text) == []


@pytest.mark.parametrize(
    ("scene", "language", "size"),
    [
        pytest.param(
            scene,
            language,
            size,
            id=f"{scene}-{language}-{size[0]}x{size[1]}",
            marks=pytest.mark.xdist_group(language),
        )
        for scene in SCENES
        for language in LANGUAGES
        for size in SIZES
    ],
)
def test_no_table_column_cuts_a_value(scene: str, language: str, size: tuple[int, int]) -> None:
    assert photographs(language)[_key(scene, size)]["cut"] == []


@pytest.mark.parametrize(
    ("scene", "language", "size"),
    [
        pytest.param(
            scene,
            language,
            size,
            id=f"{scene}-{language}-{size[0]}x{size[1]}",
            marks=pytest.mark.xdist_group(language),
        )
        for scene in SCENES
        for language in LANGUAGES
        for size in SIZES
    ],
)
def test_every_table_fits_its_pane(scene: str, language: str, size: tuple[int, int]) -> None:
    """Every column of every table is in sight, at 80x24 too: a panel drops or shortens
    its low-value columns rather than scroll sideways (widgets/fitted_columns.py)."""
    assert photographs(language)[_key(scene, size)]["overflow"] == []


def test_the_latin_check_catches_english_and_passes_ids_and_keys() -> None:
    assert latin_words("A-28 王明 (1073) ^k 确认  R 就绪  duty1  ctrl+k  Esc") == []
    assert latin_words(" ^p palette ") != []
    assert latin_words("Zone A: 36 staffed / 38 open seats") != []
    assert latin_words("打印：floorman visitors rollcall show") == []
    assert ascii_punctuation("A-28: 王明 (1073)：超时，已确认") == []
    assert ascii_punctuation("在安全情况下,利用") != []
