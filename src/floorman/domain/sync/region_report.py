"""HQ's region report: occupancy, away minutes and alerts per hour for every site, from
the journals the sites sent to the central server.

The figures are the floor report's own (`domain.reports`): each seat's state at the
range's start, then its events in time order, swept by `sweep_events`; alerts bucketed
by `alerts_per_hour`; the integer-microsecond sweep when the range keeps one UTC offset,
as on the floor. Only the rows come from elsewhere: a site's seat events are its
journal's `seat.*` rows (their state and own time, taken from each row's `after` as it
lands: migration c003), its alerts the `alert.fire` rows, all read by one statement in
one round trip; the server leaves behind the rows that move no figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import fmean
from typing import Any

from sqlalchemy import Engine

from floorman.data.central.reads import read_at_once
from floorman.domain.reports.figures import HourFigure, OccupancyPoint
from floorman.domain.reports.floor import alerts_per_hour, away_minutes_per_hour, check_range
from floorman.domain.reports.sweep import (
    KINDS,
    STAFFED_NOT_AWAY,
    hour_starts,
    one_offset,
    sample_moments,
    sweep_events,
    sweep_microsecond_events,
)

# The report is one statement: each seat's state at the start, the seat events that may
# move a figure, the alerts fired, each row tagged by its part: one snapshot of the journal
# (three statements saw three), one round trip with what scopes it (`read_at_once`).
#
# A site's seats are those it imported (`seat`), counted from the start when imported
# before the end, in their last state before it (NULL: no event yet); a seat never
# imported (a demo floor's) has no state at the start, so no figure of it is right. Its
# seat events are its journal's seat rows at their own times (`event_at`, as the floor's
# seat history keeps them), ordered by time then journal order; the time as integer
# microseconds since 1970 (exact: extract() is numeric) for the floor's integer sweep, or
# as the instant when the range crosses a change of UTC offset.
#
# Most of a day's rows move no figure: an agent at the seat goes ready, busy, ready
# (`_AT_SEAT`, one kind in `sweep.KINDS`), and sending them all cost more than the whole
# floor report. Which rows may: a row of another kind (`moved`: away, empty, fault), the
# next row of that seat after it (`after_moved`: back at the seat, logged in), and each
# seat's first row in the range (`first`). Every other row is at the seat after a row at
# the seat, of the kind the sweep already holds for that seat, so it passes over it: the
# rows sent are a superset of those that change a seat's kind, in the same order, and the
# figures are the same. Telling the rest apart on the server by comparing each row with
# the one before it (a window over the range) sorted every row of the range by seat: 1.7x
# the floor's own report of a busy day. A seat's row before or after a moment is looked up
# by its time, then by journal order among the rows of that instant: min() and max() take
# the history index (site, subject, event_at) in order, where an ORDER BY of the time and
# the journal order read the rest of the seat's day.
_REPORT = """
WITH seat AS (
    SELECT site, subject, min(at) < %(end)s AS counted FROM journal
    WHERE action = 'seat.import' {only_sites}
    GROUP BY site, subject
), moved AS (
    SELECT site, subject, seat_state, event_at, seq FROM journal
    WHERE seat_state IS NOT NULL AND seat_state NOT IN ({at_seat})
      AND event_at >= %(start)s AND event_at < %(end)s {only_sites}
)
SELECT 'seat' AS part, s.site, s.subject, (
        SELECT j.seat_state FROM journal j
        WHERE j.site = s.site AND j.subject = s.subject AND j.seat_state IS NOT NULL
          AND j.event_at = (SELECT max(k.event_at) FROM journal k
                            WHERE k.site = s.site AND k.subject = s.subject
                              AND k.seat_state IS NOT NULL AND k.event_at < %(start)s)
        ORDER BY j.seq DESC LIMIT 1
    ) AS state, NULL::{moment_type} AS moment, NULL::bigint AS seq, NULL::timestamptz AS fired
FROM seat s WHERE s.counted
UNION ALL
SELECT 'event', site, subject, seat_state, {moment}, seq, NULL FROM moved
UNION ALL
SELECT 'event', after_moved.*, NULL FROM moved m CROSS JOIN LATERAL (
    SELECT j.site, j.subject, j.seat_state, {moment}, j.seq FROM journal j
    WHERE j.site = m.site AND j.subject = m.subject AND j.seat_state IS NOT NULL
      AND (j.event_at, j.seq) > (m.event_at, m.seq)
      AND j.event_at = (SELECT min(k.event_at) FROM journal k
                        WHERE k.site = m.site AND k.subject = m.subject
                          AND k.seat_state IS NOT NULL AND k.event_at >= m.event_at
                          AND (k.event_at, k.seq) > (m.event_at, m.seq)
                          AND k.event_at < %(end)s)
    ORDER BY j.seq LIMIT 1
) after_moved WHERE after_moved.seat_state IN ({at_seat})
UNION ALL
SELECT 'event', first.*, NULL FROM seat s CROSS JOIN LATERAL (
    SELECT j.site, j.subject, j.seat_state, {moment}, j.seq FROM journal j
    WHERE j.site = s.site AND j.subject = s.subject AND j.seat_state IS NOT NULL
      AND j.event_at = (SELECT min(k.event_at) FROM journal k
                        WHERE k.site = s.site AND k.subject = s.subject
                          AND k.seat_state IS NOT NULL
                          AND k.event_at >= %(start)s AND k.event_at < %(end)s)
    ORDER BY j.seq LIMIT 1
) first WHERE first.seat_state IN ({at_seat})
UNION ALL
SELECT 'alert', site, NULL, NULL, NULL, NULL, at FROM journal
WHERE action = 'alert.fire' AND at >= %(start)s AND at < %(end)s {only_sites}
ORDER BY part, site, moment, seq
"""
_AT_SEAT = ", ".join(
    f"'{state}'" for state, kind in sorted(KINDS.items()) if kind == STAFFED_NOT_AWAY
)
_IN_MICROSECONDS = "(extract(epoch FROM event_at) * 1000000)::bigint"


def _report_query(*, fast: bool, all_sites: bool) -> str:
    # Every site as the list of them: a range of each site's rows in its indexes, where no
    # condition on the site read the whole journal (350 ms with 71 sites on the server).
    sites = "ARRAY(SELECT code FROM site)" if all_sites else "%(sites)s"
    return _REPORT.format(
        only_sites=f"AND site = ANY({sites})",
        at_seat=_AT_SEAT,
        moment_type="bigint" if fast else "timestamptz",
        moment=_IN_MICROSECONDS if fast else "event_at",
    )


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
    moments = sample_moments(start, end, step)
    fast = one_offset(start, end, hours, moments)
    query = _report_query(fast=fast, all_sites=sites is None)
    rows = read_at_once(engine, query, {"start": start, "end": end, "sites": sites})
    # As on the floor, every seat the site has (imported before the end) counts from the
    # start, in its last state before it (empty if it had none).
    states: dict[str, dict[str, str]] = {}
    events: dict[str, list[Any]] = {}
    fired: dict[str, list[datetime]] = {}
    for part, site, seat, state, moment, _seq, fired_at in rows:
        if part == "event":
            events.setdefault(site, []).append((seat, state, moment))
        elif part == "seat":
            states.setdefault(site, {})[seat] = state or "empty"
        else:
            fired.setdefault(site, []).append(fired_at)
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
