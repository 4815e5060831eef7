"""The floor report over a date range: occupancy through the day, away minutes and alerts
per hour, and the seats the staffing plan required at each sample.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from floorman.data.tables.floor import Alert
from floorman.domain.core.errors import FloorError
from floorman.domain.reports.figures import FloorReport, HourFigure
from floorman.domain.reports.sweep import (
    hour_starts,
    one_offset,
    sample_moments,
    sweep_in_datetimes,
    sweep_in_microseconds,
)
from floorman.domain.staffing.plan import required_series

MAX_RANGE = timedelta(days=93)


def check_range(start: datetime, end: datetime) -> None:
    if end <= start:
        raise FloorError("the end of the range must be after its start")
    if end - start > MAX_RANGE:
        raise FloorError("a report covers at most 93 days; choose a shorter range")


def alerts_per_hour(
    fired: Iterable[datetime], start: datetime, hours: list[datetime]
) -> list[HourFigure]:
    """Alerts fired in each of the range's hours (a floor's, or a site's for HQ)."""
    # Hours are the range's wall-clock hours: floor each firing in that zone, not in UTC,
    # or a zone half an hour off UTC (Asia/Kolkata) would count no alert in any hour.
    counts: Counter[datetime] = Counter(
        at.astimezone(start.tzinfo).replace(minute=0, second=0, microsecond=0) for at in fired
    )
    return [HourFigure(h, counts[h]) for h in hours]


def away_minutes_per_hour(away_seconds: list[float], hours: list[datetime]) -> list[HourFigure]:
    """The sweep's away seconds of each hour, as the minutes a report shows."""
    return [HourFigure(h, round(away_seconds[i] / 60, 1)) for i, h in enumerate(hours)]


def floor_report(
    session: Session,
    start: datetime,
    end: datetime,
    *,
    step: timedelta = timedelta(minutes=15),
    zone: ZoneInfo | None = None,
) -> FloorReport:
    """Occupancy sampled every `step`, away minutes and alerts per hour, from start to end."""
    check_range(start, end)
    hours = hour_starts(start, end)
    moments = sample_moments(start, end, step)
    if one_offset(start, end, hours, moments):
        samples, away_seconds = sweep_in_microseconds(session, start, end, hours, moments)
    else:
        samples, away_seconds = sweep_in_datetimes(session, start, end, step, hours)
    # An alert is a condition (issue 15): its first deadline to fire; the deadlines that
    # later raised it in place are not alerts of their own.
    fired = session.exec(
        select(Alert.fired_at).where(
            col(Alert.fired_at) >= start,
            col(Alert.fired_at) < end,
            col(Alert.state).is_not(None),
        )
    ).all()
    return FloorReport(
        start=start,
        end=end,
        occupancy=samples,
        away_minutes=away_minutes_per_hour(away_seconds, hours),
        alerts=alerts_per_hour([at for at in fired if at is not None], start, hours),
        required=required_series(session, [p.at for p in samples], zone or ZoneInfo("UTC")),
    )
