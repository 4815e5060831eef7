"""`floorman sync`, `region` and `central` as scripts use them: exit 0/1/2, one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from floorman.cli import run
from floorman.data.tables.sync import SyncCursor
from floorman.domain.seats.events import record_event
from tests.central.pg_server import _free_port


def floorman(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    """The real process, as a script runs it."""
    return subprocess.run(
        [sys.executable, "-m", "floorman", "--db", str(db), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ.copy(),
    )


def in_process(capsys, *args: str, db: Path) -> subprocess.CompletedProcess[str]:
    """The same entry point without paying for a new interpreter."""
    status = run(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(args, status, out, err)


def test_sync_once_then_region_json_matches_the_floor(central, site_floor, capsys):
    floor = site_floor("hz")
    record_event(floor, "A-01", "ready", agent_no="1001")
    record_event(floor, "B-01", "away", agent_no="1003", reason="toilet")
    site_url, hq_url = central.add_site("hz"), central.hq()
    floor.db.dispose()

    sent = floorman("sync", "--central", site_url, "--once", db=floor.db.path)
    assert sent.returncode == 0, sent.stderr
    assert sent.stdout.startswith("site hz: sent ") and "0 pending" in sent.stdout

    shown = in_process(capsys, "region", "--central", hq_url, "--json", db=floor.db.path)
    assert shown.returncode == 0, shown.stderr
    (site,) = json.loads(shown.stdout)
    assert {k: site[k] for k in ("site", "stale", "staffed", "away", "open_seats")} == {
        "site": "hz", "stale": False, "staffed": 1, "away": 1, "open_seats": 6,
    }  # fmt: skip
    assert site["last_sync"].endswith("+00:00") and site["alerts"]["critical"] == 0
    assert set(site) >= {"required", "aways_over_limit", "pending_requests", "emergencies"}


def test_a_password_in_the_url_is_refused_and_nothing_is_written(central, site_floor, capsys):
    floor = site_floor("hz")
    floor.db.dispose()
    url = central.add_site("hz").replace("@", ":secret@", 1)
    for command in (["sync", "--once"], ["region", "--json"]):
        refused = in_process(capsys, command[0], "--central", url, *command[1:], db=floor.db.path)
        assert refused.returncode == 2
        assert "refusing a password" in refused.stderr and refused.stderr.count("\n") == 1
        assert "secret" not in refused.stderr
    with floor.db.read() as session:
        assert session.get(SyncCursor, "central") is None


def test_central_down_is_exit_1_and_rows_stay_pending(site_floor, capsys):
    floor = site_floor("hz")
    record_event(floor, "A-01", "ready", agent_no="1001")
    floor.db.dispose()
    nowhere = f"postgresql://site@127.0.0.1:{_free_port()}/central"
    down = in_process(capsys, "sync", "--central", nowhere, "--once", db=floor.db.path)
    assert down.returncode == 1
    assert "central server unavailable" in down.stderr and down.stderr.count("\n") == 1
    with floor.db.read() as session:
        cursor = session.get(SyncCursor, "central")
    assert cursor is not None and cursor.sent_seq == 0 and "unavailable" in cursor.last_error


def test_sslmode_goes_to_libpq(central, site_floor, capsys):
    floor = site_floor("hz")
    floor.db.dispose()
    url = central.add_site("hz") + "?sslmode=require"
    refused = in_process(capsys, "sync", "--central", url, "--once", db=floor.db.path)
    assert refused.returncode == 1 and "SSL" in refused.stderr


def test_central_setup_commands(central, site_floor, capsys):
    floor = site_floor("hz")
    floor.db.dispose()
    admin_url = central.cluster.admin_url(central.name)
    role = f"{central.name}_sh"
    added = in_process(capsys, "central", "add-site", "sh", "--role", role, "--central", admin_url,
                     db=floor.db.path)  # fmt: skip
    central.roles.append(role)
    assert added.returncode == 0, added.stderr
    again = in_process(capsys, "central", "add-site", "sh", "--role", role, "--central", admin_url,
                     db=floor.db.path)  # fmt: skip
    assert again.returncode == 2 and "already registered" in again.stderr
    bad = in_process(
        capsys, "central", "add-site", "Bad Code;", "--role", "x", "--central", admin_url,
        db=floor.db.path,
    )  # fmt: skip
    assert bad.returncode == 2
    with central.admin.connect() as conn:
        assert conn.execute(text("SELECT code FROM site")).scalars().all() == ["sh"]


def test_region_report_json_and_its_refusals(central, site_floor, capsys):
    floor = site_floor("hz")
    record_event(floor, "A-01", "ready", agent_no="1001")
    site_url, hq_url = central.add_site("hz"), central.hq()
    sent = in_process(capsys, "sync", "--central", site_url, "--once", db=floor.db.path)
    assert sent.returncode == 0
    day = floor.clock.now().date().isoformat()
    shown = in_process(
        capsys, "region", "--central", hq_url, "--report", "--from", day, "--json",
        db=floor.db.path,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    (site,) = json.loads(shown.stdout)
    assert site["site"] == "hz" and len(site["hours"]) == 24
    assert any(hour["occupancy"] for hour in site["hours"])
    text_table = in_process(capsys, "region", "--central", hq_url, "--report", "--from", day,
                            db=floor.db.path)  # fmt: skip
    assert text_table.returncode == 0 and text_table.stdout.count("\nhz ") == 24
    for bad in (["--report"], ["--report", "--from", "9999-12-31"], ["--from", day],
                ["--report", "--from", day, "--to", "2026-02-30"]):  # fmt: skip
        refused = in_process(capsys, "region", "--central", hq_url, *bad, db=floor.db.path)
        assert refused.returncode == 2 and refused.stderr.count("\n") == 1, (bad, refused.stderr)
    # A role that may log in but not read the journal: the server's refusal in one line.
    with central.admin.begin() as conn:
        conn.execute(text(f"CREATE ROLE {central.name}_nobody LOGIN"))
    nobody_url = central._login(f"{central.name}_nobody")
    denied = in_process(capsys, "region", "--central", nobody_url, "--report", "--from", day,
                        db=floor.db.path)  # fmt: skip
    assert denied.returncode == 1 and denied.stderr.count("\n") == 1, denied.stderr
    assert "central server: permission denied" in denied.stderr
