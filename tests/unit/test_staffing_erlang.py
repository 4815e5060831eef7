"""Erlang C against published worked examples, the textbook formula and nonsense input.

Published examples used (figures re-derived by hand from the formula, not just copied):

* R package ErlangC 0.1.0 (CRAN, Damonsoul), README / reference manual
  (https://stat.ethz.ch/CRAN/web/packages/ErlangC/readme/README.html): 100 calls in
  30 minutes, AHT 180 s, 14 agents, answer within 20 s -> traffic 10 Erlangs, wait
  probability 0.1741319, service level 0.88835, ASA 7.83593701177724 s, occupancy
  0.7142857; `calculate_agents` with an 80% target, 85% max occupancy, 30% shrinkage -> 14.
  This is the example widely published (callcentrehelper and others) as "100 calls /
  30 min, AHT 3 min, 80/20 -> 14 agents".
* Python package call-center-tools (https://pypi.org/project/call-center-tools/), README:
  1000 calls an hour, AHT 120 s, max occupancy 85%, 80% in 20 s, shrinkage 30% ->
  33.333 Erlangs, waiting probability 19.07%, service level 93.72%, ASA 3.43 s,
  occupancy 83.33%, 40 agents, 58 with shrinkage.
* Erlang C calculator by Vicente Ruiz (personal.telefonica.terra.es/web/vr/erlang/eng/
  mcerlc.htm), its worked example: 600 calls an hour of 120 s is 20 Erlangs; for a
  delay probability of 15% 26 agents are needed; with 30 agents delay falls to 2.5%;
  about 3 seconds average delay per call with 26.
* Footbridge "Call Calc" application note (al911.org/qos_calc.htm): 2 call takers, 60 s
  calls at 30 an hour -> fewer than 8% wait more than 10 s; with 80 s calls 14%.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from floorman.domain.core.errors import FloorError
from floorman.domain.staffing.erlang import (
    average_speed_of_answer,
    check_erlang_input,
    erlang_b,
    erlang_c,
    erlang_for_agents,
    erlang_staffing,
    scheduled_agents,
    service_level,
)


def textbook_erlang_c(agents: int, traffic: float) -> float:
    """The Erlang C formula written out term by term, in log space (no factorial overflow)."""
    logs = [k * math.log(traffic) - math.lgamma(k + 1) for k in range(agents)]
    top = agents * math.log(traffic) - math.lgamma(agents + 1)
    top += math.log(agents / (agents - traffic))
    biggest = max([*logs, top])
    total = sum(math.exp(x - biggest) for x in logs) + math.exp(top - biggest)
    return math.exp(top - biggest) / total


# --------------------------------------------------------------- published examples


def test_r_erlangc_readme_example_100_calls_half_hour_14_agents() -> None:
    inputs = check_erlang_input(100, 1800, 180, 0.8, 20)
    result = erlang_for_agents(inputs, 14)
    assert result.traffic_erlangs == pytest.approx(10.0)
    assert result.wait_probability == pytest.approx(0.1741319, abs=1e-7)
    assert result.service_level == pytest.approx(0.88835, abs=1e-5)
    assert result.asa_seconds == pytest.approx(7.83593701177724, rel=1e-9)
    assert result.occupancy == pytest.approx(0.7142857, abs=1e-7)


def test_r_erlangc_calculate_agents_gives_14_and_20_after_shrinkage() -> None:
    result = erlang_staffing(check_erlang_input(100, 1800, 180, 0.8, 20, 0.85, 0.3))
    assert result.agents == 14
    # 14 / (1 - 0.3) = 20 exactly: float noise must not round it up to 21.
    assert result.scheduled == 20
    # 13 agents fall short of 80% in 20 s: 14 is the smallest that meets it.
    assert not erlang_for_agents(result.inputs, 13).meets_target


def test_call_center_tools_readme_1000_calls_an_hour() -> None:
    result = erlang_staffing(check_erlang_input(1000, 3600, 120, 0.8, 20, 0.85, 0.3))
    assert result.traffic_erlangs == pytest.approx(33.333, abs=1e-3)
    assert result.agents == 40
    assert result.scheduled == 58
    assert round(result.wait_probability * 100, 2) == 19.07
    assert round(result.service_level * 100, 2) == 93.72
    assert round(result.asa_seconds, 2) == 3.43
    assert round(result.occupancy * 100, 2) == 83.33


def test_max_occupancy_drives_the_answer_in_the_call_center_tools_example() -> None:
    # Service level alone is met by fewer agents; the 85% occupancy ceiling asks for 40.
    without_ceiling = erlang_staffing(check_erlang_input(1000, 3600, 120, 0.8, 20))
    assert without_ceiling.agents < 40
    assert without_ceiling.occupancy > 0.85


def test_ruiz_calculator_example_20_erlangs() -> None:
    inputs = check_erlang_input(600, 3600, 120, 0.8, 20)
    assert inputs.traffic_erlangs == pytest.approx(20.0)
    # 26 is the fewest agents keeping the delay probability under 15%.
    assert erlang_c(25, 20.0) > 0.15 > erlang_c(26, 20.0)
    assert round(erlang_c(30, 20.0), 3) == pytest.approx(0.025, abs=1e-3)
    assert erlang_for_agents(inputs, 26).asa_seconds == pytest.approx(3.0, abs=0.2)


def test_footbridge_call_calc_two_call_takers() -> None:
    short_calls = erlang_for_agents(check_erlang_input(30, 3600, 60, 0.9, 10), 2)
    assert 1 - short_calls.service_level < 0.08
    assert 1 - short_calls.service_level == pytest.approx(0.0779, abs=1e-4)
    with_wrap_up = erlang_for_agents(check_erlang_input(30, 3600, 80, 0.9, 10), 2)
    assert round((1 - with_wrap_up.service_level) * 100) == 14


# ---------------------------------------------------------------- the formula itself


def test_erlang_b_known_values() -> None:
    # B(1, A) = A / (1 + A); B(2, 1) = 0.2 by the closed form (A^2/2) / (1 + A + A^2/2).
    assert erlang_b(1, 3.0) == pytest.approx(0.75)
    assert erlang_b(2, 1.0) == pytest.approx(0.2)
    assert erlang_b(0, 5.0) == 1.0


@settings(max_examples=60, deadline=None)
@given(
    traffic=st.floats(min_value=0.05, max_value=400.0),
    extra=st.integers(min_value=1, max_value=60),
)
def test_recursion_matches_the_textbook_formula(traffic: float, extra: int) -> None:
    agents = math.floor(traffic) + extra
    assert erlang_c(agents, traffic) == pytest.approx(textbook_erlang_c(agents, traffic), rel=1e-9)


def test_thousands_of_agents_without_overflow() -> None:
    # 20 000 calls an hour of 3 minutes: 1000 Erlangs. Factorials would overflow at 171.
    inputs = check_erlang_input(20_000, 3600, 180, 0.8, 20)
    result = erlang_staffing(inputs)
    assert 1000 < result.agents < 1100
    assert result.service_level >= 0.8
    assert not erlang_for_agents(inputs, result.agents - 1).meets_target
    assert result.wait_probability == pytest.approx(
        textbook_erlang_c(result.agents, 1000.0), rel=1e-9
    )
    assert math.isfinite(result.asa_seconds)


def test_ten_thousand_erlangs_answers() -> None:
    result = erlang_staffing(check_erlang_input(200_000, 3600, 180, 0.8, 20))
    assert result.agents > 10_000
    assert 0.8 <= result.service_level < 0.81


def test_too_few_agents_means_everyone_waits_forever() -> None:
    inputs = check_erlang_input(100, 1800, 180, 0.8, 20)
    result = erlang_for_agents(inputs, 10)  # exactly the traffic: an unstable queue
    assert result.wait_probability == 1.0
    assert result.service_level == 0.0
    assert result.asa_seconds == math.inf
    assert result.as_json()["asa_seconds"] is None
    assert not result.meets_target


def test_answer_within_zero_is_the_share_answered_at_once() -> None:
    inputs = check_erlang_input(100, 1800, 180, 0.5, 0)
    result = erlang_for_agents(inputs, 14)
    assert result.service_level == pytest.approx(1 - result.wait_probability)


def test_more_agents_never_make_service_worse() -> None:
    levels = [service_level(n, 10.0, 180, 20) for n in range(11, 25)]
    assert levels == sorted(levels)
    waits = [average_speed_of_answer(n, 10.0, 180) for n in range(11, 25)]
    assert waits == sorted(waits, reverse=True)


def test_scheduled_rounds_up_only_real_fractions() -> None:
    assert scheduled_agents(14, 0.3) == 20
    assert scheduled_agents(40, 0.3) == 58
    assert scheduled_agents(10, 0.0) == 10
    assert scheduled_agents(9, 0.1) == 10


# ------------------------------------------------------------------- nonsense input


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"calls": 0}, "no calls"),
        ({"calls": -5}, "no calls"),
        ({"interval_seconds": 0}, "interval"),
        ({"aht_seconds": 0}, "handle time"),
        ({"target_sl": 1.2}, "target service level"),
        ({"target_sl": 80}, "0.8 for 80%"),
        ({"target_sl": 1.0}, "below 1"),
        ({"target_sl": 0}, "target service level"),
        ({"answer_within_seconds": -1}, "answer-within"),
        ({"max_occupancy": 0}, "maximum occupancy"),
        ({"max_occupancy": 1.5}, "maximum occupancy"),
        ({"shrinkage": 1}, "shrinkage"),
        ({"shrinkage": -0.1}, "shrinkage"),
        ({"calls": float("nan")}, "must be a number"),
        ({"aht_seconds": float("inf")}, "must be a number"),
        ({"calls": 10**9, "aht_seconds": 3600}, "check the units"),
    ],
)
def test_nonsense_is_refused(kwargs: dict[str, float], message: str) -> None:
    values: dict[str, float] = {
        "calls": 100,
        "interval_seconds": 1800,
        "aht_seconds": 180,
        "target_sl": 0.8,
        "answer_within_seconds": 20,
    }
    values.update(kwargs)
    with pytest.raises(FloorError, match=message):
        check_erlang_input(**values)  # type: ignore[arg-type]


def test_agents_to_evaluate_must_be_positive() -> None:
    inputs = check_erlang_input(100, 1800, 180, 0.8, 20)
    with pytest.raises(FloorError, match="at least 1"):
        erlang_for_agents(inputs, 0)
