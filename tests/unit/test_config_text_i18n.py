"""Config parsing, hostile-text cleaning and the translation function."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from floorman import i18n
from floorman.config import ConfigError, load_config
from floorman.domain.core.errors import FloorError
from floorman.domain.core.text import clean, parse_instant, strip_control


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path / "absent.toml")
    assert config.away.default_limit_seconds == 300
    assert config.away.warning_seconds == 240


def test_a_config_path_the_file_system_refuses_is_a_config_error(tmp_path: Path) -> None:
    # Found by the CLI fuzz test: a name too long for the file system raised OSError.
    with pytest.raises(ConfigError, match="cannot be read"):
        load_config(tmp_path / ("0" * 300 + ".toml"))


def test_good_file(tmp_path: Path) -> None:
    config = load_config(
        write(
            tmp_path,
            (
                'timezone = "Asia/Shanghai"\nlanguage = "zh"\n[away]\nwarning_seconds = 200\n'
                '[[away.reasons]]\nkey = "toilet"\nen = "Toilet"\nzh = "如厕"\n'
                "limit_seconds = 300\n"
            ),
        )
    )
    assert config.zone() == ZoneInfo("Asia/Shanghai")
    assert config.away.warning_seconds == 200
    assert [r.key for r in config.away.reasons] == ["toilet"]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("timezone = 5\n", "timezone"),
        ("[away]\nwarning_seconds = 'soon'\n", "away.warning_seconds"),
        ("[away]\nbogus = 1\n", "away.bogus"),
        ("colour = 'red'\n", "colour"),
        ("[away]\nwarning_seconds = 400\n", "away.warning_seconds"),
        ("language = 'fr'\n", "language"),
    ],
)
def test_bad_file_names_file_and_key(tmp_path: Path, text: str, key: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(path) in str(info.value) and key in str(info.value)


def test_invalid_toml_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "timezone = \n")
    with pytest.raises(ConfigError, match="line 1"):
        load_config(path)


@pytest.mark.parametrize(
    ("hostile", "expected"),
    [
        ("Li\x1b[31mNa\x1b[0m", "LiNa"),
        ("\x1b]0;owned\x07Wang", "Wang"),
        ("\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\", "link"),
        ("Zhang\x00\x08\x7f Wei", "Zhang Wei"),
        ("\x9b31mRed", "Red"),
        ("\x1bPdcs\x1b\\ok", "ok"),
        ("王\u202e芳", "王芳"),
    ],
)
def test_escape_sequences_and_controls_are_stripped(hostile: str, expected: str) -> None:
    assert strip_control(hostile) == expected


def test_clean_refuses_empty_and_overlong() -> None:
    with pytest.raises(FloorError, match="name must not be empty"):
        clean("\x1b[2J  ", "name", required=True)
    with pytest.raises(FloorError, match="too long"):
        clean("x" * 61, "name", max_len=60)
    assert clean("line one\nline two", "note", multiline=True) == "line one\nline two"
    assert clean("line one\nline two", "name") == "line oneline two"


def test_parse_instant() -> None:
    shanghai = ZoneInfo("Asia/Shanghai")
    assert parse_instant("2026-11-23T08:00:00", shanghai).utcoffset().total_seconds() == 8 * 3600
    assert parse_instant("2026-11-23T08:00:00Z", shanghai).utcoffset().total_seconds() == 0
    with pytest.raises(FloorError, match="malformed time"):
        parse_instant("23/11/2026", shanghai)


def test_translation_and_cell_width() -> None:
    i18n.set_language("zh")
    try:
        assert i18n.t("Zone filter") != "Zone filter"
        assert i18n.t("an untranslated sentence") == "an untranslated sentence"
    finally:
        i18n.set_language("en")
    assert i18n.t("Zone filter") == "Zone filter"
    assert i18n.cells("王芳") == 4
    assert i18n.fit("王芳abc", 5) == "王芳a"
    assert i18n.cells(i18n.fit("王", 3)) == 3


def test_language_resolution(monkeypatch) -> None:
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    assert i18n.resolve_language(None, "") == "zh"
    assert i18n.resolve_language("en", "zh") == "en"
    assert i18n.resolve_language(None, "en") == "en"
