"""SQLite's own errors said in the run's language: no driver English in a Chinese sentence.

Real errors from a real SQLite file (a table gone, a rule of the schema broken); the
driver's text is kept only for an error floorman does not know.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from floorman.data.driver_errors import driver_error_said
from floorman.translated import said
from tests.helpers import floorman


def _error_of(db: Path, statement: str) -> sqlite3.Error:
    with sqlite3.connect(db) as conn, pytest.raises(sqlite3.Error) as raised:
        conn.execute(statement)
    return raised.value


def test_a_database_missing_a_table_is_said_in_both_languages(small_floor) -> None:
    db = small_floor.db.path
    small_floor.db.dispose()
    with sqlite3.connect(db) as conn:
        conn.executescript(
            "DROP TABLE visitor_secret; DROP TABLE visitor_list_entry; DROP TABLE visitor;"
        )
    zh = floorman("--lang", "zh", "visitors", "list", db=db)
    en = floorman("visitors", "list", db=db)
    assert zh.returncode == en.returncode == 1
    assert zh.stderr == (
        f"floorman: {db}：数据库文件缺少 floorman 需要的部分（visitor）；未写入任何内容："
        "请运行 `floorman check`，然后用 `floorman restore` 恢复最新的完好备份\n"
    )
    assert "no such table" not in zh.stderr
    assert en.stderr.startswith(f"floorman: {db}: the database file lacks a part floorman needs")


def test_the_driver_errors_a_floor_meets_have_their_chinese(tmp_path: Path) -> None:
    db = tmp_path / "rules.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE seat (code TEXT UNIQUE, zone TEXT NOT NULL)")
        conn.execute("INSERT INTO seat VALUES ('A-01', 'A')")
        conn.execute(
            "CREATE TRIGGER frozen BEFORE DELETE ON seat "
            "BEGIN SELECT raise(ABORT, 'seats are frozen'); END"
        )
    unique = _error_of(db, "INSERT INTO seat VALUES ('A-01', 'A')")
    assert said(driver_error_said(unique), "zh") == (
        "数据库自身的规则拒绝了这次修改（UNIQUE：seat.code）；未写入任何内容"
    )
    assert said(driver_error_said(unique), "en") == (
        "the database's own rules refused the change (UNIQUE: seat.code); nothing was written"
    )
    not_null = _error_of(db, "INSERT INTO seat VALUES ('A-02', NULL)")
    assert said(driver_error_said(not_null), "zh").startswith(
        "数据库自身的规则拒绝了这次修改（NOT NULL"
    )
    # The disk's and the lock's refusals come from the one list every writer uses.
    locked = sqlite3.OperationalError("database is locked")
    assert said(driver_error_said(locked), "zh").startswith("数据库忙")
    # An error not known here keeps the driver's words, inside a sentence in the language.
    unknown = _error_of(db, "DELETE FROM seat")
    assert said(driver_error_said(unknown), "zh") == "数据库错误：seats are frozen"
