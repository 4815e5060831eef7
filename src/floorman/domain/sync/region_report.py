"""HQ's region report: occupancy, away minutes and alerts per hour for every site, from
the journals the sites sent to the central server.

The figures are the floor report's own (`domain.reports`): each seat's state at the
range's start, then its events in time order, swept by `sweep_events`; alerts bucketed
by `alerts_per_hour`. Only the rows come from elsewhere: a site's seat events are its
journal's `seat.*` rows (the state is in each row's `after`, read by the server), its alerts the
`alert.fire` rows. A seat's state at the start is one index lookup per seat.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import fmean

from sqlalchemy import Engine, text

from floorman.domain.reports.figures import HourFigure, OccupancyPoint
from floorman.domain.reports.floor import alerts_per_hour, away_minutes_per_hour, check_range
from floorman.domain.reports.sweep import hour_starts, sweep_events

# Every seat a site imported, with its last state before :start (NULL: no event yet).
_STATES_AT_START = text("""
    SELECT s.site, s.subject, (
        SELECT j.after::jsonb ->> 'state' FROM journal j
        WHERE j.site = s.site AND j.subject = s.subject AND j.action LIKE 'seat.%'
          AND j.action <> 'seat.import' AND j.at < :start
        ORDER BY j.at DESC, j.seq DESC LIMIT 1
    ) AS state
    FROM (SELECT DISTINCT site, subject FROM journal
          WHERE action = 'seat.import' AND at < :end) s
""")

_EVENTS = text("""
    SELECT site, subject, after::jsonb ->> 'state', at FROM journal
    WHERE action LIKE 'seat.%' AND action <> 'seat.import' AND at >= :start AND at < :end
    ORDER BY site, at, seq
""")

_ALERTS = text("""
    SELECT site, at FROM journal
    WHERE action = 'alert.fire' AND at >= :start AND at < :end
""")


@dataclass(frozen=True)
class SiteReport:
    """One site's figures over the range, hour by hour."""

    site: str
    occupancy: list[OccupancyPoint]
    away_minutes: list[HourFigure]
    alerts: list[HourFigure]

    def hourly(self) -> list[dict[str, object]]:
        """Per hour: mean occupancy of its samples, away minutes, alerts fired."""
        rows: list[dict[str, object]] = []
        for away, fired in zip(self.away_minutes, self.alerts, strict=True):
            end = away.hour + timedelta(hours=1)
            samples = [p.occupancy for p in self.occupancy if away.hour <= p.at < end]
            rows.append(
                {
                    "hour": away.hour.isoformat(),
                    "occupancy": round(fmean(samples), 4) if samples else None,
                    "away_minutes": away.value,
                    "alerts": int(fired.value),
                }
            )
        return rows

    def as_json(self) -> dict[str, object]:
        return {"site": self.site, "hours": self.hourly()}


def region_report(
    engine: Engine,
    start: datetime,
    end: datetime,
    *,
    step: timedelta = timedelta(minutes=15),
    sites: list[str] | None = None,
) -> list[SiteReport]:
    """Every site's figures from `start` to `end` (aware; hours in start's zone)."""
    check_range(start, end)
    hours = hour_starts(start, end)
    window = {"start": start, "end": end}
    states: dict[str, dict[str, str]] = {}
    events: dict[str, list[tuple[str, str, datetime]]] = {}
    fired: dict[str, list[datetime]] = {}
    with engine.connect() as conn:
        # As on the floor, every seat the site has (imported before the end) counts from
        # the start, in its last state before it (empty if it had none).
        for site, seat, state in conn.execute(_STATES_AT_START, window):
            states.setdefault(site, {})[seat] = state or "empty"
        for site, seat, state, at in conn.execute(_EVENTS, window):
            if state is not None:  # a row that sets no state (a seat's move note)
                events.setdefault(site, []).append((seat, state, at))
        for site, at in conn.execute(_ALERTS, window):
            fired.setdefault(site, []).append(at)
    reports = []
    for site in sorted(set(states) | set(fired)):
        if sites is not None and site not in sites:
            continue
        occupancy, away_seconds = sweep_events(
            states.get(site, {}), events.get(site, []), start, end, step, hours
        )
        reports.append(
            SiteReport(
                site=site,
                occupancy=occupancy,
                away_minutes=away_minutes_per_hour(away_seconds, hours),
                alerts=alerts_per_hour(fired.get(site, []), start, hours),
            )
        )
    return reports
