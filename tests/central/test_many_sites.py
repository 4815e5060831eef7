"""Three floors syncing to one central server at once; HQ's wording reaches all three."""

from __future__ import annotations

import threading

from sqlalchemy import text

from floorman.domain import alerts
from floorman.domain.core.states import AlertKind
from floorman.domain.sync import notices
from floorman.domain.sync.push import SyncPass
from floorman.domain.sync.region import region
from floorman.i18n import set_language
from tests.central.floors import assert_hq_matches, busy_step, leave_for_lunch, seat_everyone

CODES = ("hangzhou", "ningbo", "wenzhou")


def test_three_sites_at_once_then_a_unified_wording_on_every_floor(central, site_floor):
    floors = {code: site_floor(code) for code in CODES}
    links = {code: SyncPass(f, central.engine(central.add_site(code)), batch_rows=7)
             for code, f in floors.items()}  # fmt: skip
    hq = central.engine(central.hq())
    poster = central.engine(central.hq(can_post=True))
    for floor in floors.values():
        seat_everyone(floor)

    def work(code: str) -> None:
        for step in range(20):
            busy_step(floors[code], step)
            if step % 5 == 0:
                links[code].run_once()
        leave_for_lunch(floors[code])
        links[code].run_once()

    threads = [threading.Thread(target=work, args=(c,)) for c in CODES]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert_hq_matches(central, hq, floors)
    _now, sites = region(hq)
    assert [s.site for s in sites] == list(CODES)
    # One alert for the one away over its limit, escalated in place (issue 15).
    loud = ("severe", "critical")
    assert all(s.aways_over_limit == 1 and s.away == 1 for s in sites)
    assert all(sum(s.alerts[k] for k in loud) == 1 == sum(s.alerts.values()) for s in sites), [
        s.alerts for s in sites
    ]

    wording = "热线故障：请统一答复“系统升级中，请稍后再拨”。"
    notices.post(poster, wording, emergency_kind="hotline_failure")
    for code, link in links.items():
        assert link.run_once().notices_received == 1
        with floors[code].db.read() as session:
            shown = [a for a in alerts.active(session) if a.kind == AlertKind.HQ_NOTICE]
        assert [(a.message, a.severity) for a in shown] == [(wording, "severe")]
        set_language("zh")
        try:  # the alert bar's subject: HQ's unified wording, in the floor's language
            assert [a.shown_subject for a in shown] == ["上级统一口径"]
        finally:
            set_language("en")
    assert links["ningbo"].run_once().notices_received == 0  # not twice

    shown_in_ningbo = next(a for a in _active(floors["ningbo"]) if a.kind == AlertKind.HQ_NOTICE)
    alerts.acknowledge(floors["ningbo"], shown_in_ningbo.id)
    assert links["ningbo"].run_once().acks_sent == 1
    (posted,) = notices.list_notices(poster)
    assert list(posted.acknowledged) == ["ningbo"] and "duty1" in posted.acknowledged["ningbo"]
    assert links["ningbo"].run_once().acks_sent == 0
    with central.admin.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM chain_alarm")).scalar() == 0


def _active(floor):
    with floor.db.read() as session:
        return alerts.active(session)
