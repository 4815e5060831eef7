"""How many people the floor needs: Erlang C, the manual's seat table, required against staffed.

Three ways to answer "do I have enough people on the floor":

* **Erlang C** (`erlang_staffing`, `erlang_for_agents`): calls per interval, average
  handle time and a service-level target give the smallest number of agents that meets
  both the target and a maximum occupancy, then the number to schedule after shrinkage.
  The probability of waiting comes from the Erlang B recursion converted to Erlang C,
  never from factorials, so it answers for thousands of agents without overflow.
* **The manual's rules** (座席配备原则, `manual_plan`): busy-hour calls -> seats from a
  table (configurable, `SeatTable`), front-line agents = seats x b, back office 1 per 15,
  QA 1 per 25 agents, duty managers 3-6, spares 5% of the center's headcount.
* **Required against staffed** (`required_from_volume`, `read_forecast`,
  `required_from_forecast`, `compare_with_floor`): seats required per interval from a
  typed busy-hour volume or a forecast CSV (interval,calls,aht), against the seats
  staffed right now.

Nothing here writes to the database: these are calculations and one read of the seats.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import Session

from floorman.domain.core.errors import FloorError
from floorman.domain.core.text import clean
from floorman.domain.staffing_defaults import DEFAULT_ANSWER_WITHIN_SECONDS, DEFAULT_TARGET_SL

# Beyond this the input is almost surely in the wrong unit (e.g. milliseconds).
MAX_TRAFFIC_ERLANGS = 100_000.0
# Tolerance for float noise before rounding up (14 / 0.7 is 20.000000000000004).
_EPS = 1e-9


def _ceil(value: float) -> int:
    """Round up, ignoring float noise below one part in a billion."""
    return math.ceil(value - _EPS)


def _finite(value: float, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise FloorError(f"{name} must be a number, got {value!r}")
    return float(value)


# ---------------------------------------------------------------------------- Erlang C


def erlang_b(agents: int, traffic: float) -> float:
    """Erlang B blocking probability for `agents` servers offered `traffic` Erlangs.

    Uses the recursion B(0) = 1, B(n) = A·B(n-1) / (n + A·B(n-1)), which stays between
    0 and 1 at every step and so never overflows, whatever the number of agents.
    """
    if agents < 0:
        raise ValueError("agents must not be negative")
    blocking = 1.0
    for n in range(1, agents + 1):
        blocking = traffic * blocking / (n + traffic * blocking)
    return blocking


def erlang_c_from_b(agents: int, traffic: float, blocking: float) -> float:
    """Erlang C probability of waiting from Erlang B: C = N·B / (N - A·(1 - B)).

    With no more agents than Erlangs of traffic the queue grows without end: every call waits.
    """
    if agents <= traffic:
        return 1.0
    return agents * blocking / (agents - traffic * (1.0 - blocking))


def erlang_c(agents: int, traffic: float) -> float:
    """Erlang C: the probability that a call has to wait, for `agents` and `traffic` Erlangs."""
    return erlang_c_from_b(agents, traffic, erlang_b(agents, traffic))


def service_level(
    agents: int,
    traffic: float,
    aht_seconds: float,
    answer_within_seconds: float,
    wait_probability: float | None = None,
) -> float:
    """Share of calls answered within the given time: 1 - C·exp(-(N - A)·t / AHT)."""
    if agents <= traffic:
        return 0.0
    wait = erlang_c(agents, traffic) if wait_probability is None else wait_probability
    decay = math.exp(-(agents - traffic) * answer_within_seconds / aht_seconds)
    return max(0.0, 1.0 - wait * decay)


def average_speed_of_answer(
    agents: int, traffic: float, aht_seconds: float, wait_probability: float | None = None
) -> float:
    """Average seconds a call waits before an agent answers: C·AHT / (N - A)."""
    if agents <= traffic:
        return math.inf
    wait = erlang_c(agents, traffic) if wait_probability is None else wait_probability
    return wait * aht_seconds / (agents - traffic)


@dataclass(frozen=True)
class ErlangInput:
    """What the duty manager types into the Erlang C calculator, checked."""

    calls: float
    interval_seconds: float
    aht_seconds: float
    target_sl: float
    answer_within_seconds: float
    max_occupancy: float = 1.0
    shrinkage: float = 0.0

    @property
    def traffic_erlangs(self) -> float:
        """Offered load: calls x handle time / interval length."""
        return self.calls * self.aht_seconds / self.interval_seconds


@dataclass(frozen=True)
class ErlangResult:
    """The figures for one number of agents: service level, waiting, occupancy, schedule."""

    inputs: ErlangInput
    traffic_erlangs: float
    agents: int
    wait_probability: float
    service_level: float
    asa_seconds: float
    occupancy: float
    scheduled: int

    @property
    def meets_target(self) -> bool:
        """True when both the service-level target and the occupancy ceiling are met."""
        return (
            self.service_level >= self.inputs.target_sl - _EPS
            and self.occupancy <= self.inputs.max_occupancy + _EPS
        )

    def as_json(self) -> dict[str, object]:
        return {
            "calls": self.inputs.calls,
            "interval_seconds": self.inputs.interval_seconds,
            "aht_seconds": self.inputs.aht_seconds,
            "target_sl": self.inputs.target_sl,
            "answer_within_seconds": self.inputs.answer_within_seconds,
            "max_occupancy": self.inputs.max_occupancy,
            "shrinkage": self.inputs.shrinkage,
            "traffic_erlangs": round(self.traffic_erlangs, 6),
            "agents": self.agents,
            "wait_probability": round(self.wait_probability, 6),
            "service_level": round(self.service_level, 6),
            # JSON has no infinity: an endless queue has no average answer time.
            "asa_seconds": round(self.asa_seconds, 3) if math.isfinite(self.asa_seconds) else None,
            "occupancy": round(self.occupancy, 6),
            "scheduled": self.scheduled,
            "meets_target": self.meets_target,
        }


def check_erlang_input(
    calls: float,
    interval_seconds: float,
    aht_seconds: float,
    target_sl: float,
    answer_within_seconds: float,
    max_occupancy: float = 1.0,
    shrinkage: float = 0.0,
) -> ErlangInput:
    """Refuse inputs that make no sense, with a message a duty manager can act on."""
    calls = _finite(calls, "calls")
    interval_seconds = _finite(interval_seconds, "interval")
    aht_seconds = _finite(aht_seconds, "average handle time")
    target_sl = _finite(target_sl, "target service level")
    answer_within_seconds = _finite(answer_within_seconds, "answer-within time")
    max_occupancy = _finite(max_occupancy, "maximum occupancy")
    shrinkage = _finite(shrinkage, "shrinkage")
    if calls <= 0:
        raise FloorError("no calls: the number of calls must be more than 0")
    if interval_seconds <= 0:
        raise FloorError("the interval must be longer than 0 seconds")
    if aht_seconds <= 0:
        raise FloorError("the average handle time must be more than 0 seconds")
    if not 0 < target_sl < 1:
        raise FloorError(
            f"the target service level is a fraction above 0 and below 1 "
            f"(0.8 for 80%), got {target_sl:g}"
        )
    if answer_within_seconds < 0:
        raise FloorError("the answer-within time must not be negative")
    if not 0 < max_occupancy <= 1:
        raise FloorError(
            f"the maximum occupancy is a fraction above 0 and at most 1 (0.85 for 85%), "
            f"got {max_occupancy:g}"
        )
    if not 0 <= shrinkage < 1:
        raise FloorError(
            f"shrinkage is a fraction from 0 up to (not including) 1 (0.3 for 30%), "
            f"got {shrinkage:g}"
        )
    inputs = ErlangInput(
        calls,
        interval_seconds,
        aht_seconds,
        target_sl,
        answer_within_seconds,
        max_occupancy,
        shrinkage,
    )
    if inputs.traffic_erlangs > MAX_TRAFFIC_ERLANGS:
        raise FloorError(
            f"{inputs.traffic_erlangs:.0f} Erlangs is more than {MAX_TRAFFIC_ERLANGS:.0f}: "
            f"check the units (interval and handle time are in seconds)"
        )
    return inputs


def scheduled_agents(agents: int, shrinkage: float) -> int:
    """Agents to put on the roster so that `agents` are on the phones after shrinkage."""
    return _ceil(agents / (1.0 - shrinkage))


def _result(inputs: ErlangInput, agents: int, blocking: float) -> ErlangResult:
    traffic = inputs.traffic_erlangs
    wait = erlang_c_from_b(agents, traffic, blocking)
    return ErlangResult(
        inputs=inputs,
        traffic_erlangs=traffic,
        agents=agents,
        wait_probability=wait,
        service_level=service_level(
            agents, traffic, inputs.aht_seconds, inputs.answer_within_seconds, wait
        ),
        asa_seconds=average_speed_of_answer(agents, traffic, inputs.aht_seconds, wait),
        occupancy=min(1.0, traffic / agents) if agents else 1.0,
        scheduled=scheduled_agents(agents, inputs.shrinkage),
    )


def erlang_staffing(inputs: ErlangInput) -> ErlangResult:
    """The smallest number of agents meeting both the service level and the occupancy ceiling.

    The Erlang B value is carried forward one agent at a time, so the search costs one
    step per agent however large the floor.
    """
    traffic = inputs.traffic_erlangs
    start = max(math.floor(traffic) + 1, _ceil(traffic / inputs.max_occupancy), 1)
    blocking = erlang_b(start, traffic)
    agents = start
    while True:
        result = _result(inputs, agents, blocking)
        if result.meets_target:
            return result
        agents += 1
        blocking = traffic * blocking / (agents + traffic * blocking)


def erlang_for_agents(inputs: ErlangInput, agents: int) -> ErlangResult:
    """The figures for a given number of agents (what happens with the people I have?)."""
    if isinstance(agents, bool) or not isinstance(agents, int) or agents < 1:
        raise FloorError(f"agents must be a whole number of at least 1, got {agents!r}")
    if agents > 10 * MAX_TRAFFIC_ERLANGS:
        raise FloorError(f"{agents} agents is more than any floor: check the number")
    return _result(inputs, agents, erlang_b(agents, inputs.traffic_erlangs))


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
        calls = _finite(busy_hour_calls, "busy-hour calls")
        if calls < 0:
            raise FloorError("busy-hour calls must not be negative")
        if calls == 0:
            return 0
        for row_calls, seats in self.rows:
            if calls <= row_calls:
                return seats
        top_calls, top_seats = self.rows[-1]
        return top_seats + self.step_seats * _ceil((calls - top_calls) / self.step_calls)

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
                    f"seat table entry '{part}' is not calls:seats (e.g. 100:7) "
                    f"or +seats/calls (e.g. +3/100)"
                ) from exc
        return cls(tuple(rows), step_calls, step_seats)


# b by average daily human-handled requests: above 5000 -> 2.6, 1000-5000 -> 3, below -> 4.
B_HIGH, B_MIDDLE, B_LOW = Decimal("2.6"), Decimal("3"), Decimal("4")


def b_value(daily_requests: float) -> Decimal:
    """The manual's b: agents per busy-hour seat, by average daily human-handled requests."""
    requests = _finite(daily_requests, "daily requests")
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


# ------------------------------------------------------------- required against staffed


@dataclass(frozen=True)
class ForecastInterval:
    """One row of a traffic forecast: an interval of the day, its calls and handle time."""

    label: str
    start: time | None
    seconds: int
    calls: float
    aht_seconds: float

    @property
    def hourly_calls(self) -> float:
        """The interval's calls as a busy-hour rate, for the manual's table."""
        return self.calls * 3600 / self.seconds

    def contains(self, moment: time) -> bool:
        """Whether a local time of day falls in this interval (wrapping past midnight)."""
        if self.start is None:
            return False
        begin = self.start.hour * 3600 + self.start.minute * 60 + self.start.second
        at = moment.hour * 3600 + moment.minute * 60 + moment.second
        return (at - begin) % 86400 < self.seconds


@dataclass(frozen=True)
class RequiredSeats:
    """Seats required in one interval, by Erlang C (when a target is given) and by the table."""

    interval: ForecastInterval
    erlang_seats: int | None
    table_seats: int
    service_level: float | None
    occupancy: float | None

    @property
    def required(self) -> int:
        """The figure the floor is held to: Erlang C when computed, else the table."""
        return self.erlang_seats if self.erlang_seats is not None else self.table_seats

    def as_json(self) -> dict[str, object]:
        return {
            "interval": self.interval.label,
            "minutes": self.interval.seconds / 60,
            "calls": self.interval.calls,
            "aht_seconds": self.interval.aht_seconds,
            "required": self.required,
            "erlang_seats": self.erlang_seats,
            "table_seats": self.table_seats,
            "service_level": None if self.service_level is None else round(self.service_level, 6),
            "occupancy": None if self.occupancy is None else round(self.occupancy, 6),
        }


@dataclass(frozen=True)
class ServiceTarget:
    """The service level the floor is staffed to: share answered within a time."""

    target_sl: float = DEFAULT_TARGET_SL
    answer_within_seconds: float = DEFAULT_ANSWER_WITHIN_SECONDS
    max_occupancy: float = 1.0


def required_for_interval(
    interval: ForecastInterval, target: ServiceTarget | None, table: SeatTable | None = None
) -> RequiredSeats:
    """Seats one interval needs: by Erlang C (given a target), and by the manual's table."""
    table = table or SeatTable()
    table_seats = table.seats_for(interval.hourly_calls)
    if target is None:
        return RequiredSeats(interval, None, table_seats, None, None)
    if interval.calls == 0:
        return RequiredSeats(interval, 0, table_seats, 1.0, 0.0)
    inputs = check_erlang_input(
        interval.calls,
        interval.seconds,
        interval.aht_seconds,
        target.target_sl,
        target.answer_within_seconds,
        target.max_occupancy,
    )
    result = erlang_staffing(inputs)
    return RequiredSeats(
        interval, result.agents, table_seats, result.service_level, result.occupancy
    )


def required_from_volume(busy_hour_calls: float, table: SeatTable | None = None) -> RequiredSeats:
    """Seats required for a typed busy-hour volume, by the manual's table."""
    calls = _finite(busy_hour_calls, "busy-hour calls")
    if calls < 0:
        raise FloorError("busy-hour calls must not be negative")
    interval = ForecastInterval("busy hour", None, 3600, calls, 0.0)
    return required_for_interval(interval, None, table)


def required_from_forecast(
    intervals: Sequence[ForecastInterval],
    target: ServiceTarget | None = None,
    table: SeatTable | None = None,
) -> list[RequiredSeats]:
    """Seats required in each interval of a forecast."""
    return [required_for_interval(i, target, table) for i in intervals]


def _parse_clock(text: str) -> time:
    hours, _, minutes = text.strip().partition(":")
    value = int(hours), int(minutes or 0)
    if value == (24, 0):
        return time(0, 0)
    return time(*value)


def parse_interval(label: str, default_minutes: int) -> tuple[time | None, int]:
    """Read an interval label: "08:00-08:30" (its own length), "08:00", or free text.

    A label that is not a time of day keeps the default length and never matches "now".
    """
    start_text, dash, end_text = label.partition("-")
    try:
        start = _parse_clock(start_text)
    except ValueError:
        return None, default_minutes * 60
    if not dash:
        return start, default_minutes * 60
    try:
        end = _parse_clock(end_text)
    except ValueError as exc:
        raise FloorError(f"interval '{label}': the end is not a time like 08:30") from exc
    seconds = (end.hour * 60 + end.minute - start.hour * 60 - start.minute) % 1440 * 60
    if seconds == 0:
        raise FloorError(f"interval '{label}' has no length")
    return start, seconds


def read_forecast(path: Path, *, interval_minutes: int = 30) -> list[ForecastInterval]:
    """Read a forecast CSV with columns interval,calls,aht (AHT in seconds); all or nothing."""
    if interval_minutes < 1 or interval_minutes > 1440:
        raise FloorError("the interval length must be 1 to 1440 minutes")
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
            missing = [c for c in ("interval", "calls", "aht") if c not in header]
            if missing:
                raise FloorError(f"{path}: line 1: missing column(s): {', '.join(missing)}")
            reader.fieldnames = header
            rows = [(reader.line_num, row) for row in reader]
    except OSError as exc:
        raise FloorError(f"{path}: cannot be read: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise FloorError(f"{path}: not UTF-8 text") from exc
    intervals: list[ForecastInterval] = []
    for line, row in rows:
        try:
            label = clean(row.get("interval") or "", "interval", required=True, max_len=40) or ""
            start, seconds = parse_interval(label, interval_minutes)
            calls = _number(row.get("calls"), "calls")
            aht = _number(row.get("aht"), "aht")
            if calls < 0:
                raise FloorError("calls must not be negative")
            if aht <= 0 and calls > 0:
                raise FloorError("aht (seconds) must be more than 0 when there are calls")
        except FloorError as exc:
            raise FloorError(f"{path}: line {line}: {exc}") from exc
        intervals.append(ForecastInterval(label, start, seconds, calls, aht))
    if not intervals:
        raise FloorError(f"{path}: no intervals in the file")
    return intervals


def _number(value: str | None, name: str) -> float:
    try:
        number = float((value or "").strip())
    except ValueError as exc:
        raise FloorError(f"{name} must be a number, got '{value or ''}'") from exc
    if not math.isfinite(number):
        raise FloorError(f"{name} must be a finite number")
    return number


@dataclass(frozen=True)
class StaffingGap:
    """Required against staffed seats: how many short (0 when enough)."""

    required: int
    staffed: int

    @property
    def short_by(self) -> int:
        return max(0, self.required - self.staffed)

    @property
    def enough(self) -> bool:
        return self.staffed >= self.required

    def as_json(self) -> dict[str, object]:
        return {
            "required": self.required,
            "staffed": self.staffed,
            "short_by": self.short_by,
            "enough": self.enough,
        }


def compare(required: int, staffed: int) -> StaffingGap:
    """Compare a required number of seats with the seats staffed."""
    return StaffingGap(required=required, staffed=staffed)


def staffed_seats(session: Session) -> int:
    """Seats staffed right now on the whole floor (ready, busy or away)."""
    from floorman.domain.seats.views import count_by_zone, list_seats

    _zones, total = count_by_zone(list_seats(session))
    return total.staffed


def current_interval(
    rows: Sequence[RequiredSeats], now: datetime, zone: ZoneInfo
) -> RequiredSeats | None:
    """The forecast row whose interval holds the local time of `now`, if any."""
    local = now.astimezone(zone).time()
    return next((r for r in rows if r.interval.contains(local)), None)


def compare_with_floor(session: Session, required: int) -> StaffingGap:
    """Required seats against the seats staffed on the floor right now."""
    return compare(required, staffed_seats(session))
