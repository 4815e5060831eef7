"""The manual's rules (座席配备原则): busy-hour calls -> seats from a table (configurable,
`SeatTable`), front-line agents = seats x b, back office 1 per 15, QA 1 per 25 agents,
duty managers 3-6, spares 5% of the center's headcount.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

from floorman.domain.core.errors import FloorError
from floorman.domain.core.text import clean
from floorman.domain.staffing.numbers import ceil_up, check_finite

# ------------------------------------------------------------------ the manual's rules

DEFAULT_SEAT_ROWS: tuple[tuple[int, int], ...] = (
    (50, 5),
    (100, 7),
    (200, 10),
    (300, 14),
    (400, 17),
)


@dataclass(frozen=True)
class SeatTable:
    """Busy-hour calls -> seats to open (座席配备原则), rounded up to the next row.

    Beyond the last row, `step_seats` more seats for every further `step_calls` calls
    (or part of them). The default is the manual's table: 50->5, 100->7, 200->10,
    300->14, 400->17, then +3 per 100.
    """

    rows: tuple[tuple[int, int], ...] = DEFAULT_SEAT_ROWS
    step_calls: int = 100
    step_seats: int = 3

    def __post_init__(self) -> None:
        if not self.rows:
            raise FloorError("the seat table needs at least one row")
        last_calls, last_seats = 0, 0
        for calls, seats in self.rows:
            if calls <= last_calls:
                raise FloorError("seat table rows must have increasing call volumes above 0")
            if seats < last_seats or seats < 1:
                raise FloorError("seat table seats must be at least 1 and never go down")
            last_calls, last_seats = calls, seats
        if self.step_calls < 1 or self.step_seats < 0:
            raise FloorError("the step beyond the table must be +S seats per C calls, C >= 1")

    def seats_for(self, busy_hour_calls: float) -> int:
        """Seats to open for a busy-hour volume: the first row at or above it, else the step."""
        calls = check_finite(busy_hour_calls, "busy-hour calls")
        if calls < 0:
            raise FloorError("busy-hour calls must not be negative")
        if calls == 0:
            return 0
        for row_calls, seats in self.rows:
            if calls <= row_calls:
                return seats
        top_calls, top_seats = self.rows[-1]
        return top_seats + self.step_seats * ceil_up((calls - top_calls) / self.step_calls)

    def describe(self) -> str:
        """The table as text, in the form `parse` reads back."""
        rows = ",".join(f"{c}:{s}" for c, s in self.rows)
        return f"{rows},+{self.step_seats}/{self.step_calls}"

    @classmethod
    def parse(cls, text: str) -> SeatTable:
        """Read "50:5,100:7,...[,+3/100]" (calls:seats pairs, then +seats/calls beyond)."""
        cleaned = clean(text, "seat table", required=True, max_len=500) or ""
        rows: list[tuple[int, int]] = []
        step_calls, step_seats = 100, 3
        for part in (p.strip() for p in cleaned.split(",")):
            try:
                if part.startswith("+"):
                    seats_text, calls_text = part[1:].split("/")
                    step_seats, step_calls = int(seats_text), int(calls_text)
                else:
                    calls_text, seats_text = part.split(":")
                    rows.append((int(calls_text), int(seats_text)))
            except ValueError as exc:
                raise FloorError(
                    "seat table entry '{part}' is not calls:seats (e.g. 100:7) or +seats/calls "
                    "(e.g. +3/100)",
                    part=part,
                ) from exc
        return cls(tuple(rows), step_calls, step_seats)


# b by average daily human-handled requests: above 5000 -> 2.6, 1000-5000 -> 3, below -> 4.
B_HIGH, B_MIDDLE, B_LOW = Decimal("2.6"), Decimal("3"), Decimal("4")


def b_value(daily_requests: float) -> Decimal:
    """The manual's b: agents per busy-hour seat, by average daily human-handled requests."""
    requests = check_finite(daily_requests, "daily requests")
    if requests < 0:
        raise FloorError("daily requests must not be negative")
    if requests > 5000:
        return B_HIGH
    if requests >= 1000:
        return B_MIDDLE
    return B_LOW


@dataclass(frozen=True)
class ManualPosts:
    """The manual's ratios and fixed posts (各岗位配置标准), all adjustable."""

    front_per_back_office: int = 15
    agents_per_qa: int = 25
    spare_share: Decimal = Decimal("0.05")
    duty_managers_min: int = 3
    duty_managers_max: int = 6
    trainers: int = 2
    info_editors: int = 2
    data_analysts: int = 1
    management: int = 4  # center director, operations, quality and general supervisors


@dataclass(frozen=True)
class ManualPlan:
    """The manual's staffing for one busy-hour volume and daily volume."""

    busy_hour_calls: float
    daily_requests: float
    seats: int
    b_value: Decimal
    front_line: int
    back_office: int
    qa: int
    duty_managers: int
    trainers: int
    info_editors: int
    data_analysts: int
    management: int
    spares: int
    table: SeatTable = field(default_factory=SeatTable)

    @property
    def agents(self) -> int:
        """Customer service representatives: front line plus back office."""
        return self.front_line + self.back_office

    @property
    def headcount(self) -> int:
        """Everyone in the center, spares included."""
        return (
            self.agents
            + self.qa
            + self.duty_managers
            + self.trainers
            + self.info_editors
            + self.data_analysts
            + self.management
            + self.spares
        )

    def as_json(self) -> dict[str, object]:
        return {
            "busy_hour_calls": self.busy_hour_calls,
            "daily_requests": self.daily_requests,
            "table": self.table.describe(),
            "seats": self.seats,
            "b_value": float(self.b_value),
            "front_line": self.front_line,
            "back_office": self.back_office,
            "agents": self.agents,
            "qa": self.qa,
            "duty_managers": self.duty_managers,
            "trainers": self.trainers,
            "info_editors": self.info_editors,
            "data_analysts": self.data_analysts,
            "management": self.management,
            "spares": self.spares,
            "headcount": self.headcount,
        }


def spares_for(others: int, share: Decimal) -> int:
    """Spares as a share of the whole headcount, spares included: smallest s >= share·(others+s)."""
    if others <= 0:
        return 0
    # s >= share * (others + s)  <=>  s >= share * others / (1 - share)
    return math.ceil(share * others / (1 - share))


def manual_plan(
    busy_hour_calls: float,
    daily_requests: float,
    *,
    table: SeatTable | None = None,
    posts: ManualPosts | None = None,
    shifts: int = 3,
) -> ManualPlan:
    """Staff the center by the manual: seats from the table, then every post from its ratio.

    Duty managers: the manual says 3-6 "depending on the shifts"; floorman takes one per
    shift a day, kept within that range.
    """
    table = table or SeatTable()
    posts = posts or ManualPosts()
    seats = table.seats_for(busy_hour_calls)
    b = b_value(daily_requests)
    front_line = math.ceil(Decimal(seats) * b)
    back_office = math.ceil(Decimal(front_line) / posts.front_per_back_office)
    qa = math.ceil(Decimal(front_line + back_office) / posts.agents_per_qa)
    duty_managers = min(posts.duty_managers_max, max(posts.duty_managers_min, shifts))
    others = (
        front_line
        + back_office
        + qa
        + duty_managers
        + posts.trainers
        + posts.info_editors
        + posts.data_analysts
        + posts.management
    )
    return ManualPlan(
        busy_hour_calls=float(busy_hour_calls),
        daily_requests=float(daily_requests),
        seats=seats,
        b_value=b,
        front_line=front_line,
        back_office=back_office,
        qa=qa,
        duty_managers=duty_managers,
        trainers=posts.trainers,
        info_editors=posts.info_editors,
        data_analysts=posts.data_analysts,
        management=posts.management,
        spares=spares_for(others, posts.spare_share),
        table=table,
    )
