"""The figures of a report over a range: occupancy samples, per-hour figures, the report."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class OccupancyPoint:
    """Staffed and open seats at one moment."""

    at: datetime
    staffed: int
    open_seats: int

    @property
    def occupancy(self) -> float:
        return self.staffed / self.open_seats if self.open_seats else 0.0


@dataclass(frozen=True)
class HourFigure:
    """One figure for one hour (away minutes, alerts fired...)."""

    hour: datetime
    value: float


@dataclass(frozen=True)
class FloorReport:
    """What the reports screen and the CSV exports show for a range."""

    start: datetime
    end: datetime
    occupancy: list[OccupancyPoint]
    away_minutes: list[HourFigure]
    alerts: list[HourFigure]
    # Seats the staffing plan required at each occupancy sample (None: no plan then).
    required: list[int | None] = field(default_factory=list)
