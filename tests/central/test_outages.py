"""Through outages: the server stopped and restarted, the sync process killed with -9.

Nothing lost, nothing twice, order kept: the central journal of each site equals the
site's own journal row for row (seq and hash), with no alarm raised.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy import text

from floorman.data import journal
from floorman.data.central.connection import CentralError
from floorman.domain.sync.push import SyncPass
from tests.central.conftest import ExternalCluster
from tests.central.floors import (
    assert_hq_matches,
    busy_step,
    central_journal,
    leave_for_lunch,
    seat_everyone,
    site_journal,
)


def test_server_down_and_back_while_sites_keep_writing(pg_cluster, central, site_floor):
    if isinstance(pg_cluster, ExternalCluster):
        pytest.skip("FLOORMAN_TEST_PG names a server this test may not stop")
    floors = {code: site_floor(code) for code in ("hz", "nb", "wz")}
    links = {code: SyncPass(f, central.engine(central.add_site(code)), batch_rows=5)
             for code, f in floors.items()}  # fmt: skip
    hq = central.engine(central.hq())
    for floor in floors.values():
        seat_everyone(floor)
    failures = {code: 0 for code in floors}
    writing = threading.Event()
    writing.set()

    def sync_loop(code: str) -> None:
        while writing.is_set():
            try:
                links[code].run_once()
            except CentralError:
                failures[code] += 1
            time.sleep(0.1)

    def write_loop(code: str, steps: range) -> None:
        for step in steps:
            busy_step(floors[code], step)
            time.sleep(0.005)

    syncers = [threading.Thread(target=sync_loop, args=(c,)) for c in floors]
    for thread in syncers:
        thread.start()
    for code in floors:
        write_loop(code, range(0, 8))
    pg_cluster.stop()
    try:
        writers = [threading.Thread(target=write_loop, args=(c, range(8, 24))) for c in floors]
        for thread in writers:
            thread.start()
        for thread in writers:
            thread.join()
        time.sleep(0.4)  # every sync loop has met the closed door by now
    finally:
        pg_cluster.start()
    for code in floors:
        write_loop(code, range(24, 32))
        leave_for_lunch(floors[code])
    writing.clear()
    for thread in syncers:
        thread.join()
    for link in links.values():
        assert link.run_once().pending_rows == 0

    assert all(count > 0 for count in failures.values()), failures
    assert_hq_matches(central, hq, floors)


def test_sync_killed_mid_batch_resends_without_doubles(central, site_floor):
    floor = site_floor("hz")
    url = central.add_site("hz")
    with floor.db.write() as session:  # an outage's backlog: 6,000 journal rows
        rows = [
            journal.prepare(session, at=floor.clock.now(), actor="feed", terminal="pbx",
                            action="seat.event", subject=f"A-{n % 6:02d}", after={"n": n})
            for n in range(6_000)
        ]  # fmt: skip
        journal.insert_prepared(session, rows)
    floor.db.dispose()
    syncing = subprocess.Popen(
        [sys.executable, "-m", "floorman", "--db", str(floor.db.path), "sync",
         "--central", url, "--batch", "200", "--interval", "0.1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=os.environ.copy(),
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while len(central_journal(central, "hz")) < 600 and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        os.kill(syncing.pid, signal.SIGKILL)
        syncing.wait()
    partial = len(central_journal(central, "hz"))
    assert 0 < partial < 6_000, "killed before or after the backlog: nothing proved"

    SyncPass(floor, central.engine(url)).run_once()
    assert central_journal(central, "hz") == site_journal(floor)
    with central.admin.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM chain_alarm")).scalar() == 0
