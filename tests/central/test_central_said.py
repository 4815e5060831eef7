"""HQ's refusals said in the run's language: Chinese under `--lang zh`, English otherwise.

The central server's own words (psycopg's detail, a role name) stay as given inside the
sentence; the sentence is the run's. The site's record of a failure stays English.
"""

from __future__ import annotations

from sqlalchemy import text

from floorman.data.tables.sync import SyncCursor
from floorman.domain.seats.events import record_event
from floorman.domain.sync.push import halt_reason
from floorman.i18n import set_language
from floorman.translated import said
from tests.central.pg_server import _free_port
from tests.helpers import floorman


def test_a_refused_url_in_both_languages(tmp_path):
    db = tmp_path / "floor.db"
    cases = (
        ("mysql://hq/central", "not a PostgreSQL URL (postgresql://...): mysql",
         "不是 PostgreSQL 地址（应为 postgresql://...）：mysql"),
        ("postgresql://site:secret@hq/central", "refusing a password in the central URL",
         "拒绝中心地址中的密码"),
    )  # fmt: skip
    for url, english, chinese in cases:
        for command in (["sync", "--once"], ["region", "--json"], ["central", "init"]):
            en = floorman(*command, "--central", url, db=db)
            zh = floorman("--lang", "zh", *command, "--central", url, db=db)
            assert en.returncode == zh.returncode == 2, (command, en.stderr, zh.stderr)
            assert english in en.stderr and en.stderr.count("\n") == 1
            assert chinese in zh.stderr and zh.stderr.count("\n") == 1, zh.stderr
            assert "secret" not in en.stderr + zh.stderr
    assert not db.exists()  # refused before the floor was opened


def test_central_down_in_chinese_and_the_record_stays_english(site_floor):
    floor = site_floor("hz")
    record_event(floor, "A-01", "ready", agent_no="1001")
    floor.db.dispose()
    nowhere = f"postgresql://site@127.0.0.1:{_free_port()}/central"
    down = floorman("--lang", "zh", "sync", "--central", nowhere, "--once", db=floor.db.path)
    assert down.returncode == 1 and down.stderr.count("\n") == 1
    assert "中心服务器不可用：" in down.stderr, down.stderr
    with floor.db.read() as session:
        cursor = session.get(SyncCursor, "central")
    assert cursor is not None and cursor.last_error.startswith("central server unavailable: ")


def test_server_refusals_in_chinese_keep_the_servers_words(central, site_floor):
    floor = site_floor("hz")
    floor.db.dispose()
    with central.admin.begin() as conn:
        conn.execute(text(f"CREATE ROLE {central.name}_nobody LOGIN"))
    nobody = central._login(f"{central.name}_nobody")
    hq = central.hq()  # may log in and ask, but is no site's role
    not_a_site = floorman("--lang", "zh", "sync", "--central", hq, "--once", db=floor.db.path)
    assert not_a_site.returncode == 1, not_a_site.stderr
    assert f"角色 {central.name}_hq 不是中心服务器上的站点角色" in not_a_site.stderr
    english = floorman("sync", "--central", hq, "--once", db=floor.db.path)
    assert "is not a site's role on the central server" in english.stderr
    day = "2026-03-02"
    denied = floorman("--lang", "zh", "region", "--central", nobody, "--report", "--from", day,
                      db=floor.db.path)  # fmt: skip
    assert denied.returncode == 1 and denied.stderr.count("\n") == 1
    assert "中心服务器：permission denied" in denied.stderr  # the server's own words kept
    unreadable = floorman("--lang", "zh", "sync", "--central", nobody, "--once", db=floor.db.path)
    assert "中心服务器不可用：permission denied" in unreadable.stderr


def test_a_halted_chain_is_said_in_the_language_shown():
    reason = halt_reason("expected row 12, got row 15: rows are missing")
    assert said(reason, "en") == "expected row 12, got row 15: rows are missing"
    assert said(reason, "zh") == "应为第 12 行，收到第 15 行：缺少日志行"
    fork = halt_reason(
        "row 7 differs from the one already received: the site's database was restored or rewritten"
    )
    assert said(fork, "zh") == "第 7 行与已收到的不同：站点数据库被恢复或改写过"
    assert halt_reason("something new from a newer server") == "something new from a newer server"
    set_language("en")


def test_serve_refuses_a_password_in_its_config_in_chinese(tmp_path):
    config = tmp_path / "floor.toml"
    config.write_text('[sync]\ncentral = "postgresql://site:secret@127.0.0.1/central"\n')
    db = tmp_path / "floor.db"
    assert floorman("init", db=db).returncode == 0
    # A real process: serve sets up the process's logging.
    refused = floorman("--lang", "zh", "serve", db=db, config=config, process=True)
    assert refused.returncode == 2, refused.stderr
    assert refused.stderr.strip() == (
        f"floorman: {config}：键“sync.central”：拒绝中心地址中的密码（其他用户能看到命令行）："
        "请把密码放入 libpq 的密码文件或服务文件（PGPASSFILE、PGSERVICEFILE）"
    )
