"""Helpers for the multi-site tests: a busy floor, and comparing HQ's picture with it."""

from __future__ import annotations

from sqlalchemy import select, text

from floorman.data.tables.floor import JournalEntry
from floorman.domain import alerts
from floorman.domain.away.actions import send_away
from floorman.domain.away.views import list_slips
from floorman.domain.core.context import Floor
from floorman.domain.seats.events import record_event
from floorman.domain.seats.views import list_seats
from floorman.domain.sync.region import region
from floorman.domain.sync.snapshot import alert_json

SEATS = ("A-01", "A-02", "A-03", "B-01")
AGENTS = ("1001", "1002", "1003", "1004")


def seat_everyone(floor: Floor) -> None:
    for seat, agent in zip(SEATS, AGENTS, strict=True):
        record_event(floor, seat, "ready", agent_no=agent)


def busy_step(floor: Floor, step: int) -> None:
    """One journaled change: agents go busy and ready in turn, the clock moves 2 s."""
    floor.clock.advance(2)  # type: ignore[attr-defined]
    index = step % len(SEATS)
    record_event(floor, SEATS[index], "busy" if step // len(SEATS) % 2 == 0 else "ready",
                 agent_no=AGENTS[index])  # fmt: skip


def leave_for_lunch(floor: Floor) -> None:
    """An agent away past the limit: an open slip over limit and fired alerts."""
    send_away(floor, "1004", "toilet")
    floor.clock.advance(20 * 60)  # type: ignore[attr-defined]
    alerts.fire_due(floor)


def site_journal(floor: Floor) -> list[tuple[int, str]]:
    with floor.db.read() as session:
        rows = session.execute(
            select(JournalEntry.seq, JournalEntry.hash).order_by(JournalEntry.seq)  # type: ignore[arg-type]
        ).all()
    return [(int(seq), digest) for seq, digest in rows]


def central_journal(central, site: str) -> list[tuple[int, str]]:
    with central.admin.connect() as conn:
        rows = conn.execute(
            text("SELECT seq, hash FROM journal WHERE site = :s ORDER BY seq"), {"s": site}
        ).all()
    return [(int(seq), digest) for seq, digest in rows]


def assert_hq_matches(central, hq_engine, floors: dict[str, Floor]) -> None:
    """HQ's picture of each site is exactly the site's own seats, open slips and alerts."""
    _now, sites = region(hq_engine, detail=True)
    by_code = {s.site: s for s in sites}
    for code, floor in floors.items():
        picture = by_code[code]
        with floor.db.read() as session:
            assert picture.seats == [v.as_json() for v in list_seats(session)], code
            assert picture.active_alerts == [alert_json(a) for a in alerts.active(session)]
        assert picture.open_slips == [v.as_json() for v in list_slips(floor, open_only=True)]
        assert central_journal(central, code) == site_journal(floor), code
        assert picture.chain_halted is None and picture.alarms == 0
