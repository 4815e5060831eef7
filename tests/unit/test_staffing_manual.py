"""The manual's staffing rules (座席配备原则, 各岗位人员配置原则), rule by rule.

Source: the operations manual in shared/seeds/000, section 3 "座席配备原则及各崗位配置標準和原則",
summarised in shared/domain.md "How many seats must be open".
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from floorman.domain.core.errors import FloorError
from floorman.domain.staffing.manual import ManualPosts, SeatTable, b_value, manual_plan, spares_for


@pytest.mark.parametrize(
    ("calls", "seats"),
    [(50, 5), (100, 7), (200, 10), (300, 14), (400, 17)],
)
def test_the_manuals_table_rows(calls: int, seats: int) -> None:
    assert SeatTable().seats_for(calls) == seats


@pytest.mark.parametrize(
    ("calls", "seats"),
    [(1, 5), (49, 5), (51, 7), (101, 10), (150, 10), (201, 14), (299.5, 14), (301, 17)],
)
def test_between_rows_round_up_to_the_next_row(calls: float, seats: int) -> None:
    assert SeatTable().seats_for(calls) == seats


@pytest.mark.parametrize(
    ("calls", "seats"),
    [(401, 20), (500, 20), (501, 23), (600, 23), (1000, 35), (1001, 38)],
)
def test_above_400_three_more_seats_per_further_hundred(calls: int, seats: int) -> None:
    assert SeatTable().seats_for(calls) == seats


def test_no_calls_no_seats_and_negative_refused() -> None:
    assert SeatTable().seats_for(0) == 0
    with pytest.raises(FloorError, match="negative"):
        SeatTable().seats_for(-1)


def test_a_table_of_our_own() -> None:
    table = SeatTable.parse("60:6, 120:9, +4/50")
    assert table.rows == ((60, 6), (120, 9))
    assert (table.step_seats, table.step_calls) == (4, 50)
    assert table.seats_for(60) == 6
    assert table.seats_for(61) == 9
    assert table.seats_for(170) == 13
    assert table.seats_for(171) == 17
    assert SeatTable.parse(table.describe()) == table


def test_the_default_table_reads_back_from_its_description() -> None:
    assert SeatTable().describe() == "50:5,100:7,200:10,300:14,400:17,+3/100"
    assert SeatTable.parse(SeatTable().describe()) == SeatTable()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("100:7,50:5", "increasing"),
        ("50:5,100:3", "never go down"),
        ("50:five", "not calls:seats"),
        ("50-5", "not calls:seats"),
        ("50:5,+3/0", "step"),
        ("", "must not be empty"),
    ],
)
def test_bad_tables_are_refused(text: str, message: str) -> None:
    with pytest.raises(FloorError, match=message):
        SeatTable.parse(text)


@pytest.mark.parametrize(
    ("daily", "b"),
    [(0, "4"), (999, "4"), (1000, "3"), (3000, "3"), (5000, "3"), (5001, "2.6"), (20000, "2.6")],
)
def test_b_value_by_daily_human_requests(daily: int, b: str) -> None:
    assert b_value(daily) == Decimal(b)


def test_front_line_is_seats_times_b_rounded_up_without_float_noise() -> None:
    # 10 seats x 2.6 is exactly 26 (in floats it is 26.000000000000004).
    assert manual_plan(200, 6000).front_line == 26
    # 7 seats x 2.6 = 18.2 -> 19 people.
    assert manual_plan(100, 6000).front_line == 19
    assert manual_plan(100, 3000).front_line == 21
    assert manual_plan(100, 500).front_line == 28


def test_back_office_one_per_fifteen_front_line() -> None:
    plan = manual_plan(300, 3000)  # 14 seats x 3 = 42 front line
    assert plan.front_line == 42
    assert plan.back_office == 3  # 42 / 15 = 2.8 -> 3
    assert manual_plan(50, 3000).back_office == 1  # 15 front line -> exactly 1


def test_qa_one_per_twenty_five_agents() -> None:
    plan = manual_plan(300, 3000)  # 42 + 3 = 45 agents
    assert plan.agents == 45
    assert plan.qa == 2
    small = manual_plan(50, 6000)  # 13 + 1 = 14 agents still need one QA
    assert (small.front_line, small.back_office, small.qa) == (13, 1, 1)
    assert manual_plan(300, 3000, posts=ManualPosts(agents_per_qa=45)).qa == 1


def test_duty_managers_three_to_six_by_shifts() -> None:
    assert manual_plan(100, 3000, shifts=2).duty_managers == 3
    assert manual_plan(100, 3000, shifts=3).duty_managers == 3
    assert manual_plan(100, 3000, shifts=5).duty_managers == 5
    assert manual_plan(100, 3000, shifts=8).duty_managers == 6


def test_spares_are_five_percent_of_the_whole_headcount() -> None:
    plan = manual_plan(300, 3000)
    # 45 agents + 2 QA + 3 duty managers + 2 trainers + 2 info editors + 1 analyst + 4 managers
    assert plan.headcount - plan.spares == 59
    assert plan.spares == 4
    assert plan.spares >= Decimal("0.05") * plan.headcount
    assert plan.spares - 1 < Decimal("0.05") * (plan.headcount - 1)  # and no more than needed
    assert spares_for(19, Decimal("0.05")) == 1
    assert spares_for(20, Decimal("0.05")) == 2
    assert spares_for(0, Decimal("0.05")) == 0


def test_a_full_plan_as_json() -> None:
    plan = manual_plan(450, 6000, shifts=4)
    data = plan.as_json()
    assert data["seats"] == 20
    assert data["b_value"] == 2.6
    assert data["front_line"] == 52
    assert data["back_office"] == 4
    assert data["qa"] == 3
    assert data["duty_managers"] == 4
    assert data["headcount"] == plan.headcount
    assert data["table"] == "50:5,100:7,200:10,300:14,400:17,+3/100"


def test_a_configured_table_changes_the_plan() -> None:
    plan = manual_plan(100, 3000, table=SeatTable.parse("100:10"))
    assert plan.seats == 10
    assert plan.front_line == 30


def test_negative_daily_requests_refused() -> None:
    with pytest.raises(FloorError, match="daily requests"):
        manual_plan(100, -1)
