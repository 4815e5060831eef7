"""HQ's region report: occupancy, away minutes and alerts per hour for every site, from
the journals the sites sent to the central server.

The figures are the floor report's own (`domain.reports`): each seat's state at the
range's start, then its events in time order, swept by `sweep_events`; alerts bucketed
by `alerts_per_hour`; the integer-microsecond sweep when the range keeps one UTC offset,
as on the floor. Only the rows come from elsewhere: a site's seat events are its
journal's `seat.*` rows (their state and own time, taken from each row's `after` as it
lands: migration c003), its alerts the `alert.fire` rows. A seat's state at the start is
one index lookup per seat.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import fmean
from typing import Any

from sqlalchemy import Engine, text

from floorman.domain.reports.figures import HourFigure, OccupancyPoint
from floorman.domain.reports.floor import alerts_per_hour, away_minutes_per_hour, check_range
from floorman.domain.reports.sweep import (
    EMPTY,
    KINDS,
    hour_starts,
    one_offset,
    sample_moments,
    sweep_events,
    sweep_microsecond_events,
)

# Every seat a site imported, with its last state before :start (NULL: no event yet). The
# sites asked for are chosen in each query ({only_sites}), not after: one seat lookup per
# seat of every site on the server would cost more than the whole report.
_STATES_AT_START = """
    SELECT s.site, s.subject, (
        SELECT j.seat_state FROM journal j
        WHERE j.site = s.site AND j.subject = s.subject AND j.seat_state IS NOT NULL
          AND j.event_at < :start
        ORDER BY j.event_at DESC, j.seq DESC LIMIT 1
    ) AS state
    FROM (SELECT DISTINCT site, subject FROM journal
          WHERE action = 'seat.import' AND at < :end {only_sites}) s
"""

# A site's seat events in the range at their own times (`event_at`, as the floor's seat
# history keeps them), in its journal's order; the time as integer microseconds since 1970
# (exact: extract() is numeric) for the floor's integer sweep, or as the instant when the
# range crosses a change of UTC offset. Only the events that move a seat to another kind of
# state (`sweep.KINDS`) leave the server: the sweep passes over the others (busy <-> ready
# is most of a day), and sending them cost more than the whole floor report. Run on the
# DB-API cursor (psycopg's placeholders): SQLAlchemy's Row objects cost as much again.
_EVENTS = """
    SELECT site, subject, seat_state, moment FROM (
        SELECT site, subject, seat_state, event_at, seq, {time} AS moment, {kind} AS kind,
               lag({kind}) OVER (PARTITION BY site, subject ORDER BY event_at, seq) AS before
        FROM journal
        WHERE seat_state IS NOT NULL AND event_at >= %(start)s AND event_at < %(end)s
          {only_sites}
    ) e
    WHERE before IS DISTINCT FROM kind
    ORDER BY site, event_at, seq
"""
_KIND = "CASE seat_state {whens} ELSE {empty} END".format(
    whens=" ".join(f"WHEN '{state}' THEN {kind}" for state, kind in KINDS.items()),
    empty=EMPTY,
)
_IN_MICROSECONDS = "(extract(epoch FROM event_at) * 1000000)::bigint"

_ALERTS = """
    SELECT site, at FROM journal
    WHERE action = 'alert.fire' AND at >= :start AND at < :end {only_sites}
"""


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
    moments = sample_moments(start, end, step)
    fast = one_offset(start, end, hours, moments)
    events: dict[str, list[Any]] = {}
    fired: dict[str, list[datetime]] = {}
    with engine.connect() as conn:
        # As on the floor, every seat the site has (imported before the end) counts from
        # the start, in its last state before it (empty if it had none).
        chosen = "" if sites is None else "AND site = ANY(:sites)"
        window_and_sites = {**window, "sites": sites}
        states_query = text(_STATES_AT_START.format(only_sites=chosen))
        for site, seat, state in conn.execute(states_query, window_and_sites):
            states.setdefault(site, {})[seat] = state or "empty"
        query = _EVENTS.format(
            time=_IN_MICROSECONDS if fast else "event_at",
            kind=_KIND,
            only_sites="" if sites is None else "AND site = ANY(%(sites)s)",
        )
        cursor: Any = conn.connection.cursor()
        try:
            cursor.execute(query, window_and_sites)
            for site, seat, state, at in cursor:
                events.setdefault(site, []).append((seat, state, at))
        finally:
            cursor.close()
        alerts_query = text(_ALERTS.format(only_sites=chosen))
        for site, at in conn.execute(alerts_query, window_and_sites):
            fired.setdefault(site, []).append(at)
    reports = []
    for site in sorted(set(states) | set(fired)):
        if fast:
            occupancy, away_seconds = sweep_microsecond_events(
                states.get(site, {}), events.get(site, []), start, end, hours, moments
            )
        else:
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
