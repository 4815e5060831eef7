"""HQ's unified wording (统一口径) for an emergency kind becomes each floor's wording."""

from __future__ import annotations

from datetime import timedelta

from floorman.domain.emergency import lifecycle
from floorman.domain.emergency.views import running
from floorman.domain.sync import notices
from floorman.domain.sync.push import SyncPass

WORDING = "热线故障：请统一答复“系统升级中，请稍后再拨”。"


def test_the_wording_reaches_a_running_emergency_and_one_started_after(central, site_floor):
    early, late = site_floor("hz"), site_floor("nb")
    links = [SyncPass(f, central.engine(central.add_site(code)))
             for code, f in (("hz", early), ("nb", late))]  # fmt: skip
    lifecycle.start(early, "hotline_failure")
    lifecycle.start(early, "fire", drill=True)  # another kind keeps its own wording
    poster = central.engine(central.hq(can_post=True))
    notices.post(poster, WORDING, emergency_kind="hotline_failure")

    for link in links:
        assert link.run_once().notices_received == 1
    with early.db.read() as session:
        by_kind = {e.kind: e for e in running(session)}
    assert by_kind["hotline_failure"].wording == WORDING
    assert by_kind["fire"].wording in (None, "")

    late.clock.advance(hours=1)
    started = lifecycle.start(late, "hotline_failure")
    assert started.wording == WORDING


def test_an_old_wording_does_not_hold_for_a_new_emergency(central, site_floor):
    floor = site_floor("hz")
    link = SyncPass(floor, central.engine(central.add_site("hz")))
    poster = central.engine(central.hq(can_post=True))
    notices.post(poster, WORDING, emergency_kind="hotline_failure")
    link.run_once()
    floor.clock.advance((lifecycle.HQ_WORDING_HOLDS + timedelta(minutes=1)).total_seconds())
    assert lifecycle.start(floor, "hotline_failure").wording in (None, "")
