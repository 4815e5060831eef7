"""Erlang C: the smallest number of agents that meets a service level and a maximum
occupancy for calls per interval and a handle time, then the number to schedule after
shrinkage.

The probability of waiting comes from the Erlang B recursion converted to Erlang C, never
from factorials, so it answers for thousands of agents without overflow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from floorman.domain.core.errors import FloorError
from floorman.domain.staffing.numbers import FLOAT_NOISE, ceil_up, check_finite

# Beyond this the input is almost surely in the wrong unit (e.g. milliseconds).
MAX_TRAFFIC_ERLANGS = 100_000.0
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
            self.service_level >= self.inputs.target_sl - FLOAT_NOISE
            and self.occupancy <= self.inputs.max_occupancy + FLOAT_NOISE
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
    calls = check_finite(calls, "calls")
    interval_seconds = check_finite(interval_seconds, "interval")
    aht_seconds = check_finite(aht_seconds, "average handle time")
    target_sl = check_finite(target_sl, "target service level")
    answer_within_seconds = check_finite(answer_within_seconds, "answer-within time")
    max_occupancy = check_finite(max_occupancy, "maximum occupancy")
    shrinkage = check_finite(shrinkage, "shrinkage")
    if calls <= 0:
        raise FloorError("no calls: the number of calls must be more than 0")
    if interval_seconds <= 0:
        raise FloorError("the interval must be longer than 0 seconds")
    if aht_seconds <= 0:
        raise FloorError("the average handle time must be more than 0 seconds")
    if not 0 < target_sl < 1:
        raise FloorError(
            "the target service level is a fraction above 0 and below 1 (0.8 for 80%), got "
            "{target_sl:g}",
            target_sl=target_sl,
        )
    if answer_within_seconds < 0:
        raise FloorError("the answer-within time must not be negative")
    if not 0 < max_occupancy <= 1:
        raise FloorError(
            "the maximum occupancy is a fraction above 0 and at most 1 (0.85 for 85%), got "
            "{max_occupancy:g}",
            max_occupancy=max_occupancy,
        )
    if not 0 <= shrinkage < 1:
        raise FloorError(
            "shrinkage is a fraction from 0 up to (not including) 1 (0.3 for 30%), got "
            "{shrinkage:g}",
            shrinkage=shrinkage,
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
            "{traffic_erlangs:.0f} Erlangs is more than {MAX_TRAFFIC_ERLANGS:.0f}: check the "
            "units (interval and handle time are in seconds)",
            traffic_erlangs=inputs.traffic_erlangs,
            MAX_TRAFFIC_ERLANGS=MAX_TRAFFIC_ERLANGS,
        )
    return inputs


def scheduled_agents(agents: int, shrinkage: float) -> int:
    """Agents to put on the roster so that `agents` are on the phones after shrinkage."""
    return ceil_up(agents / (1.0 - shrinkage))


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
    start = max(math.floor(traffic) + 1, ceil_up(traffic / inputs.max_occupancy), 1)
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
        raise FloorError(
            "agents must be a whole number of at least 1, got {agents!r}",
            agents=agents,
        )
    if agents > 10 * MAX_TRAFFIC_ERLANGS:
        raise FloorError("{agents} agents is more than any floor: check the number", agents=agents)
    return _result(inputs, agents, erlang_b(agents, inputs.traffic_erlangs))
