"""HQ's picture: every site's floor as last synced, read in one query with a read-only role.

Ages are counted from the central server's clock (`synced_at` is stamped by the server),
so a site with a wrong clock cannot look fresh. A site that never synced is listed too,
stale, with nothing counted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, select

from floorman.data.central import tables as central
from floorman.domain.core.states import AlertSeverity

DEFAULT_STALE_AFTER = timedelta(seconds=60)


@dataclass(frozen=True)
class SitePicture:
    """One site as HQ sees it."""

    site: str
    name: str
    last_sync: datetime | None
    stale: bool
    staffed: int
    away: int
    open_seats: int
    total_seats: int
    required: int | None
    aways_over_limit: int
    pending_requests: int
    visitors_on_floor: int
    handover_status: str | None
    journal_seq: int
    chain_halted: str | None
    alarms: int
    alerts: dict[str, int]
    emergencies: list[dict[str, Any]]
    seats: list[dict[str, Any]] = field(default_factory=list, repr=False)
    open_slips: list[dict[str, Any]] = field(default_factory=list, repr=False)
    active_alerts: list[dict[str, Any]] = field(default_factory=list, repr=False)

    @property
    def occupancy(self) -> float:
        return self.staffed / self.open_seats if self.open_seats else 0.0

    def age_seconds(self, now: datetime) -> int | None:
        if self.last_sync is None:
            return None
        return max(0, int((now - self.last_sync).total_seconds()))

    def as_json(self) -> dict[str, object]:
        return {
            "site": self.site,
            "name": self.name,
            "last_sync": self.last_sync.isoformat() if self.last_sync else None,
            "stale": self.stale,
            "staffed": self.staffed,
            "away": self.away,
            "open_seats": self.open_seats,
            "total_seats": self.total_seats,
            "required": self.required,
            "occupancy": round(self.occupancy, 3),
            "aways_over_limit": self.aways_over_limit,
            "pending_requests": self.pending_requests,
            "visitors_on_floor": self.visitors_on_floor,
            "handover_status": self.handover_status,
            "journal_seq": self.journal_seq,
            "chain_halted": self.chain_halted,
            "alarms": self.alarms,
            "alerts": self.alerts,
            "emergencies": self.emergencies,
        }


def _severity_counts(active: list[dict[str, Any]]) -> dict[str, int]:
    counted = Counter(a.get("severity") for a in active)
    return {str(s): counted.get(str(s), 0) for s in AlertSeverity}


def region(
    engine: Engine,
    *,
    stale_after: timedelta = DEFAULT_STALE_AFTER,
    detail: bool = False,
    only: str | None = None,
) -> tuple[datetime, list[SitePicture]]:
    """The server's time and every site (or `only` one), in site-code order, in one round
    trip; with `detail`, each site's seats, open slips and alerts too."""
    s, st, ch = central.site, central.site_state, central.site_chain
    alarms = (
        select(func.count())
        .select_from(central.chain_alarm)
        .where(central.chain_alarm.c.site == s.c.code)
        .scalar_subquery()
    )
    # The seat and slip lists are the bulk (hundreds per site): only with the detail.
    state = [c for c in st.c if detail or c.name not in ("seats", "open_slips")]
    columns: list[Any] = [
        s.c.code, s.c.name, *state, ch.c.halted_reason,
        alarms.label("alarm_count"), func.now().label("server_now"),
    ]  # fmt: skip
    query = (
        select(*columns)
        .select_from(s.outerjoin(st, st.c.site == s.c.code).outerjoin(ch, ch.c.site == s.c.code))
        .order_by(s.c.code)
    )
    if only is not None:
        query = query.where(s.c.code == only)
    with engine.connect() as conn:
        rows = list(conn.execute(query).mappings())
        now = rows[0]["server_now"] if rows else conn.execute(select(func.now())).scalar_one()
    return now, [_picture(r, now, stale_after, detail) for r in rows]


def _picture(row: Any, now: datetime, stale_after: timedelta, detail: bool) -> SitePicture:
    synced = row["synced_at"]
    active = row["alerts"] or []
    return SitePicture(
        site=row["code"],
        name=row["name"],
        last_sync=synced,
        stale=synced is None or now - synced > stale_after,
        staffed=row["staffed"] or 0,
        away=row["away"] or 0,
        open_seats=row["open_seats"] or 0,
        total_seats=row["total_seats"] or 0,
        required=row["required"],
        aways_over_limit=row["aways_over_limit"] or 0,
        pending_requests=row["pending_requests"] or 0,
        visitors_on_floor=row["visitors_on_floor"] or 0,
        handover_status=row["handover_status"],
        journal_seq=row["journal_seq"] or 0,
        chain_halted=row["halted_reason"],
        alarms=int(row["alarm_count"] or 0),
        alerts=_severity_counts(active),
        emergencies=[
            {"kind": e["kind"], "drill": e["drill"], "started_at": e["started_at"]}
            for e in row["emergencies"] or []
        ],
        seats=list(row.get("seats") or []),
        open_slips=list(row.get("open_slips") or []),
        active_alerts=list(active) if detail else [],
    )


def alarms(engine: Engine) -> list[dict[str, Any]]:
    """Every chain alarm, newest first: gaps, breaks, tampered rows, forked sites."""
    table = central.chain_alarm
    with engine.connect() as conn:
        found = conn.execute(select(table).order_by(table.c.raised_at.desc(), table.c.id.desc()))
        return [{**row, "raised_at": row["raised_at"].isoformat()} for row in found.mappings()]
