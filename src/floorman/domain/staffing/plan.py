"""The staffing plan the floor is held to, and "required against staffed" right now.

The duty manager sets either a busy-hour volume (the manual's table) or a forecast file
(interval, calls, AHT; Erlang C against a service target). It is stored in the database
so every terminal's header shows the same "staffed X / required Y" and the same warning.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import Session

from floorman.data import journal
from floorman.data.tables.staffing import StaffingPlan
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.operators.permissions import require
from floorman.domain.staffing.forecast import read_forecast
from floorman.domain.staffing.gap import StaffingGap, compare, current_interval, staffed_seats
from floorman.domain.staffing.required import (
    ForecastInterval,
    RequiredSeats,
    ServiceTarget,
    required_for_interval,
    required_from_forecast,
    required_from_volume,
)


def set_plan(
    floor: Floor,
    *,
    busy_hour_calls: float | None = None,
    forecast: Path | None = None,
    target: ServiceTarget | None = None,
) -> StaffingPlan:
    """Store a busy-hour volume or a forecast (exactly one) as the floor's plan."""
    if (busy_hour_calls is None) == (forecast is None):
        raise FloorError("give either a busy-hour volume or a forecast file")
    target = target or ServiceTarget()
    rows_json = None
    if forecast is not None:
        intervals = read_forecast(forecast)
        required_from_forecast(intervals, target)  # refuses nonsense before storing
        rows_json = json.dumps(
            [
                [
                    i.label,
                    i.start.strftime("%H:%M") if i.start else None,
                    i.seconds,
                    i.calls,
                    i.aht_seconds,
                ]
                for i in intervals
            ]
        )
    else:
        required_from_volume(float(busy_hour_calls or 0))
    now = floor.clock.now()
    with floor.db.write() as session:
        require(floor, "staffing.plan", session=session)
        plan = session.get(StaffingPlan, "current")
        before = _summary(plan)
        plan = plan or StaffingPlan(updated_at=now, updated_by=floor.actor.name)
        plan.busy_hour_calls = busy_hour_calls
        plan.forecast_json = rows_json
        plan.target_sl = target.target_sl
        plan.answer_within_seconds = target.answer_within_seconds
        plan.updated_at, plan.updated_by = now, floor.actor.name
        session.add(plan)
        journal.append(
            session,
            at=now,
            actor=floor.actor.name,
            terminal=floor.actor.terminal,
            action="staffing.plan",
            subject="current",
            before=before,
            after=_summary(plan),
        )
        return plan


def _summary(plan: StaffingPlan | None) -> dict[str, object] | None:
    if plan is None:
        return None
    rows = json.loads(plan.forecast_json) if plan.forecast_json else []
    return {
        "busy_hour_calls": plan.busy_hour_calls,
        "forecast_intervals": len(rows),
        "target_sl": plan.target_sl,
        "answer_within_seconds": plan.answer_within_seconds,
    }


def clear_plan(floor: Floor) -> None:
    """Remove the stored plan (needs the same role as setting it)."""
    with floor.db.write() as session:
        require(floor, "staffing.plan", session=session)
        plan = session.get(StaffingPlan, "current")
        if plan is not None:
            journal.append(
                session,
                at=floor.clock.now(),
                actor=floor.actor.name,
                terminal=floor.actor.terminal,
                action="staffing.plan_clear",
                subject="current",
                before=_summary(plan),
            )
            session.delete(plan)


def _plan_rows(plan: StaffingPlan) -> list[RequiredSeats] | RequiredSeats:
    """The plan's required seats: one row per forecast interval, or the busy-hour figure."""
    if plan.forecast_json:
        intervals = [
            ForecastInterval(
                label, time.fromisoformat(start) if start else None, seconds, calls, aht
            )
            for label, start, seconds, calls, aht in json.loads(plan.forecast_json)
        ]
        target = ServiceTarget(plan.target_sl or 0.8, plan.answer_within_seconds or 20.0)
        return [required_for_interval(i, target) for i in intervals]
    return required_from_volume(plan.busy_hour_calls or 0.0)


def required_series(session: Session, moments: list[datetime], zone: ZoneInfo) -> list[int | None]:
    """Seats the stored plan requires at each moment (None outside the forecast or no plan)."""
    plan = session.get(StaffingPlan, "current")
    if plan is None:
        return [None] * len(moments)
    rows = _plan_rows(plan)
    if isinstance(rows, RequiredSeats):
        return [rows.required] * len(moments)
    out: list[int | None] = []
    for moment in moments:
        found = current_interval(rows, moment, zone)
        out.append(found.required if found else None)
    return out


@dataclass(frozen=True)
class RequiredNow:
    """What the header shows: seats required now (and for which interval) against staffed."""

    required: RequiredSeats
    gap: StaffingGap


def required_now(session: Session, now: datetime, zone: ZoneInfo) -> RequiredNow | None:
    """Seats required at this moment by the stored plan, against seats staffed; None if no plan."""
    plan = session.get(StaffingPlan, "current")
    if plan is None:
        return None
    rows = _plan_rows(plan)
    if isinstance(rows, RequiredSeats):
        required: RequiredSeats | None = rows
    else:
        required = current_interval(rows, now, zone)
    if required is None:
        return None
    return RequiredNow(required, compare(required.required, staffed_seats(session)))
