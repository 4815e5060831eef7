"""The floor's staffing plan: the traffic the duty manager staffs to, shared by all terminals."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from floorman.data.types import UTCDateTime


class StaffingPlan(SQLModel, table=True):
    """One row (id "current"): a busy-hour volume or a forecast, and the service target."""

    __tablename__ = "staffing_plan"
    id: str = Field(default="current", primary_key=True)
    busy_hour_calls: float | None = None
    # The forecast as JSON rows [label, start "HH:MM" or null, seconds, calls, aht].
    forecast_json: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    target_sl: float | None = None
    answer_within_seconds: float | None = None
    updated_at: datetime = Field(sa_type=UTCDateTime)
    updated_by: str
