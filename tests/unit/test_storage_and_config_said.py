"""The storage's and the config file's refusals, and the OS's and TOML's words inside
them, are said in the language of the run: Chinese under `--lang zh`, English otherwise.

`DatabaseError` and `ConfigError` carry a message id and values like `FloorError`
(`floorman.translated.TranslatedError`); an OS error is said by `os_error_text` (the
system's `[Errno 21] Is a directory` never sits in a Chinese sentence), a TOML parse
error by `toml_error_text` (the line and column, without tomllib's English words).
"""

from __future__ import annotations

import errno
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from floorman import i18n
from floorman.cli import run
from floorman.data import damage
from floorman.data.db import Database, DatabaseError, damaged_refusal
from floorman.translated import OS_ERRORS, Phrase, os_error_text, toml_error_text
from tests.app.snapshots.test_panel_text import ascii_punctuation
from tests.unit.test_chinese_outside_the_panels import english_left


@pytest.fixture(autouse=True)
def english_again() -> Iterator[None]:
    """A `--lang zh` run leaves the language Chinese until the next run: start and end
    each test in English."""
    i18n.set_language("en")
    yield
    i18n.set_language("en")


@pytest.fixture
def floor_files(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("FLOORMAN_DB", str(tmp_path / "floor.db"))
    monkeypatch.setenv("FLOORMAN_CONFIG", str(tmp_path / "floor.toml"))
    return tmp_path


def _said(capsys, *argv: str, status: int) -> str:
    assert run(list(argv)) == status
    said = capsys.readouterr().err.strip()
    assert said.count("\n") == 0, said
    return said


def _both(capsys, *argv: str, status: int) -> tuple[str, str]:
    """The one line `argv` is refused with, in English and then in Chinese."""
    return _said(capsys, *argv, status=status), _said(capsys, "--lang", "zh", *argv, status=status)


def _chinese_only(said: str, *typed: str) -> None:
    message = said.removeprefix("floorman: ")
    assert english_left(message, *typed) == [], said
    assert ascii_punctuation(message) == [], said


def test_no_database_is_said_in_chinese(capsys, floor_files: Path) -> None:
    english, chinese = _both(capsys, "seats", "list", status=1)
    assert english.endswith("floor.db: no floorman database here; run `floorman init` first")
    assert chinese.endswith("floor.db：这里没有 floorman 数据库；请先运行 `floorman init`")
    _chinese_only(chinese, str(floor_files / "floor.db"))


@pytest.mark.parametrize(
    ("config", "english", "chinese"),
    [
        ("colour = 1\n", "floor.toml: unknown key 'colour'", "floor.toml：未知的键“colour”"),
        (
            "[away]\nwarning_seconds = 'x'\n",
            "key 'away.warning_seconds': must be a whole number >= 0, got 'x'",
            "键“away.warning_seconds”：必须是不小于 0 的整数，实际为 'x'",
        ),
        (
            "[[feeds]]\nkind = 'x'\n",
            "feeds entry 1: key 'kind' must be 'asterisk' or 'jsonl', got 'x'",
            "第 1 个数据源：键“kind”必须是“asterisk”或“jsonl”，实际为 'x'",
        ),
        (
            "timezone = 'Mars/Olympus'\n",
            "key 'timezone': unknown IANA time zone 'Mars/Olympus'",
            "键“timezone”：未知的 IANA 时区“Mars/Olympus”",
        ),
    ],
    ids=["unknown-key", "number", "feed-kind", "timezone"],
)
def test_a_bad_config_is_refused_in_the_run_language(
    capsys, floor_files: Path, config: str, english: str, chinese: str
) -> None:
    (floor_files / "floor.toml").write_text(config, encoding="utf-8")
    said_en, said_zh = _both(capsys, "seats", "list", status=2)
    assert said_en.endswith(english) and said_zh.endswith(chinese), (said_en, said_zh)
    _chinese_only(said_zh, str(floor_files), "Mars/Olympus")


def test_a_config_that_is_not_toml_says_where_in_chinese(capsys, floor_files: Path) -> None:
    (floor_files / "floor.toml").write_text("language = 'zh'\ncolour = \n", encoding="utf-8")
    english, chinese = _both(capsys, "seats", "list", status=2)
    # English keeps tomllib's whole detail; Chinese says where, in Chinese.
    assert english.endswith("floor.toml: not valid TOML: Invalid value (at line 2, column 10)")
    assert chinese.endswith("floor.toml：不是有效的 TOML：第 2 行第 10 列有误")
    _chinese_only(chinese, str(floor_files))


def test_an_os_error_is_said_in_chinese_inside_a_chinese_sentence(
    capsys, floor_files: Path
) -> None:
    (floor_files / "floor.toml").mkdir()
    english, chinese = _both(capsys, "seats", "list", status=2)
    assert english.endswith("floor.toml: cannot be read: Is a directory")
    assert chinese.endswith("floor.toml：无法读取：这是一个文件夹")
    assert "Errno" not in english + chinese
    _chinese_only(chinese, str(floor_files))


def test_a_path_the_file_system_refuses_is_said_in_chinese(capsys, floor_files: Path) -> None:
    # The CLI's own `except OSError`: the database's folder name is too long.
    long_db = floor_files / ("x" * 300) / "floor.db"
    english = _said(capsys, "--db", str(long_db), "init", status=2)
    chinese = _said(capsys, "--lang", "zh", "--db", str(long_db), "init", status=2)
    assert english.endswith(": File name too long") and chinese.endswith("：文件名太长")
    _chinese_only(chinese, str(long_db.parent))


def test_a_backup_refusal_and_its_os_error_are_said_in_chinese(capsys, floor_files) -> None:
    assert run(["init"]) == 0
    taken = floor_files / "taken.db"
    taken.touch()
    english, chinese = _both(capsys, "backup", "--to", str(taken), status=2)
    assert english.endswith("taken.db: already exists; not overwriting it")
    assert chinese.endswith("taken.db：已存在；不会覆盖")
    _chinese_only(chinese, str(taken))
    nowhere = Path("/proc/no-such-folder/backup.db")
    english, chinese = _both(capsys, "backup", "--to", str(nowhere), status=2)
    assert english.endswith("cannot write a backup there: No such file or directory")
    assert chinese.endswith("/proc/no-such-folder：无法在此写入备份：没有这个文件或文件夹")
    _chinese_only(chinese, str(nowhere.parent))


def test_restoring_onto_an_empty_file_is_known_by_the_message_id(capsys, floor_files) -> None:
    # `restore` lets a file with no floorman tables be replaced without a login: it used
    # to know one by its English words, which a Chinese run no longer prints.
    assert run(["init"]) == 0
    assert run(["backup", "--to", str(floor_files / "good.db")]) == 0
    empty = floor_files / "empty.db"
    empty.touch()
    capsys.readouterr()
    assert run(["--lang", "zh", "--db", str(empty), "restore", str(floor_files / "good.db")]) == 0
    assert "无法核对" not in capsys.readouterr().err


def test_a_damaged_file_and_a_disk_refusal_are_said_in_chinese(tmp_path: Path) -> None:
    db = Database(tmp_path / "floor.db")
    damage.mark_damaged(db.path, ["*** in database main ***"])
    refusal = damaged_refusal(db.path)
    assert refusal is not None
    with pytest.raises(DatabaseError) as refused, db.write():
        pass
    db.dispose()
    assert refused.value.message_id == refusal.message_id
    assert str(refused.value).endswith("then `floorman restore` the newest good backup")
    busy = DatabaseError(
        "{path}: {reason}",
        path=db.path,
        reason=Phrase("disk is full; nothing was written, free some space"),
    )
    i18n.set_language("zh")
    try:
        assert "数据库文件已损坏（*** in database main ***）；未写入任何内容" in str(refused.value)
        assert str(busy).endswith("floor.db：磁盘已满；未写入任何内容，请腾出空间")
        assert busy.english.endswith("floor.db: disk is full; nothing was written, free some space")
    finally:
        i18n.set_language("en")


def test_every_os_error_a_floor_meets_has_its_chinese() -> None:
    i18n.set_language("zh")
    try:
        for number, english in OS_ERRORS.items():
            said = os_error_text(OSError(number, english))
            assert said != english and english_left(said) == [], (number, said)
        # Others keep the system's words (rare: better English than a wrong translation).
        assert os_error_text(OSError(errno.EXDEV, "Invalid cross-device link")).startswith("Inv")
    finally:
        i18n.set_language("en")
    assert os_error_text(OSError(errno.EISDIR, "Is a directory", "d.toml")) == "Is a directory"


@pytest.mark.parametrize(
    ("text", "chinese"),
    [("a = 1\nb = [1,\n", "文件末尾有误"), ('a = "\\q"\n', "第 1 行第 8 列有误")],
    ids=["end", "line-column"],
)
def test_a_toml_error_says_where_in_chinese(text: str, chinese: str) -> None:
    with pytest.raises(tomllib.TOMLDecodeError) as bad:
        tomllib.loads(text)
    assert toml_error_text(bad.value, "zh").startswith(chinese)
    assert toml_error_text(bad.value, "en") == str(bad.value)
