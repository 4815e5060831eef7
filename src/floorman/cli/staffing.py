"""Commands for staffing: the Erlang C calculator, the manual's rules, required against staffed."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from floorman.cli.common import open_floor, print_json
from floorman.domain.core import bounds
from floorman.domain.staffing.defaults import DEFAULT_MAX_OCCUPANCY, DEFAULT_SHRINKAGE
from floorman.i18n import cells, fit, t


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    staffing = subparsers.add_parser("staffing", parents=[common])
    actions = staffing.add_subparsers(dest="staffing_command", metavar="ACTION", required=True)

    erlang = actions.add_parser(
        "erlang", parents=[common], help="Erlang C: agents for a service-level target"
    )
    erlang.add_argument(
        "--calls",
        type=bounds.finite_number,
        required=True,
        metavar="N",
        help="calls offered in the interval",
    )
    erlang.add_argument(
        "--interval",
        type=bounds.finite_number,
        required=True,
        metavar="SECONDS",
        help="length of the interval in seconds (1800 for half an hour)",
    )
    erlang.add_argument(
        "--aht",
        type=bounds.finite_number,
        required=True,
        metavar="SECONDS",
        help="average handle time in seconds (talk + hold + wrap-up)",
    )
    erlang.add_argument(
        "--target-sl",
        type=bounds.finite_number,
        required=True,
        metavar="FRACTION",
        help="share of calls to answer in time, e.g. 0.8",
    )
    erlang.add_argument(
        "--answer-within",
        type=bounds.finite_number,
        required=True,
        metavar="SECONDS",
        help="the answer time of the target, e.g. 20",
    )
    erlang.add_argument(
        "--max-occupancy",
        type=bounds.finite_number,
        default=DEFAULT_MAX_OCCUPANCY,
        metavar="FRACTION",
        help=f"highest share of time agents may be busy (default {DEFAULT_MAX_OCCUPANCY:g}, "
        "as on the staffing screen; 1 for no ceiling)",
    )
    erlang.add_argument(
        "--shrinkage",
        type=bounds.finite_number,
        default=DEFAULT_SHRINKAGE,
        metavar="FRACTION",
        help=f"share of paid time not on the phones (default {DEFAULT_SHRINKAGE:g}, "
        "as on the staffing screen; 0 for none)",
    )
    erlang.add_argument(
        "--agents",
        type=bounds.count(),
        metavar="N",
        help="evaluate this number of agents instead of searching",
    )
    erlang.add_argument("--json", action="store_true")
    erlang.set_defaults(handler=cmd_erlang)

    manual = actions.add_parser(
        "manual", parents=[common], help="the manual's seat table and staffing ratios"
    )
    manual.add_argument("--busy-hour-calls", type=bounds.finite_number, required=True, metavar="N")
    manual.add_argument(
        "--daily-requests",
        type=bounds.finite_number,
        required=True,
        metavar="N",
        help="average human-handled requests a day (sets b)",
    )
    manual.add_argument(
        "--shifts",
        type=bounds.count(1, 24),
        default=3,
        metavar="N",
        help="shifts a day (duty managers, 3-6)",
    )
    manual.add_argument("--table", metavar="CALLS:SEATS,...", help=_TABLE_HELP)
    manual.add_argument("--json", action="store_true")
    manual.set_defaults(handler=cmd_manual)

    required = actions.add_parser(
        "required", parents=[common], help="seats required against seats staffed now"
    )
    source = required.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--forecast", type=Path, metavar="FILE.csv", help="CSV with columns interval,calls,aht"
    )
    source.add_argument("--busy-hour-calls", type=bounds.finite_number, metavar="N")
    required.add_argument(
        "--interval-minutes",
        type=bounds.count(1, 24 * 60),
        default=30,
        metavar="N",
        help="interval length when the file gives only start times",
    )
    required.add_argument("--target-sl", type=bounds.finite_number, default=0.8, metavar="FRACTION")
    required.add_argument(
        "--answer-within", type=bounds.finite_number, default=20.0, metavar="SECONDS"
    )
    required.add_argument(
        "--max-occupancy", type=bounds.finite_number, default=1.0, metavar="FRACTION"
    )
    required.add_argument("--table", metavar="CALLS:SEATS,...", help=_TABLE_HELP)
    required.add_argument("--json", action="store_true")
    required.set_defaults(handler=cmd_required)

    plan = actions.add_parser(
        "plan", parents=[common], help="set the plan the floor header compares staffed seats to"
    )
    plan_source = plan.add_mutually_exclusive_group(required=True)
    plan_source.add_argument("--forecast", type=Path, metavar="FILE.csv")
    plan_source.add_argument("--busy-hour-calls", type=bounds.finite_number, metavar="N")
    plan_source.add_argument("--clear", action="store_true", help="remove the plan")
    plan_source.add_argument("--show", action="store_true", help="required against staffed now")
    plan.add_argument("--target-sl", type=bounds.finite_number, default=0.8, metavar="FRACTION")
    plan.add_argument("--answer-within", type=bounds.finite_number, default=20.0, metavar="SECONDS")
    plan.add_argument("--json", action="store_true")
    plan.set_defaults(handler=cmd_plan)


_TABLE_HELP = (
    "busy-hour seat table, e.g. 50:5,100:7,200:10,300:14,400:17,+3/100 (the manual's, default)"
)


def cmd_erlang(args: argparse.Namespace) -> int:
    from floorman.domain.staffing.erlang import (
        check_erlang_input,
        erlang_for_agents,
        erlang_staffing,
    )

    inputs = check_erlang_input(
        args.calls,
        args.interval,
        args.aht,
        args.target_sl,
        args.answer_within,
        args.max_occupancy,
        args.shrinkage,
    )
    if args.agents is None:
        result = erlang_staffing(inputs)
    else:
        result = erlang_for_agents(inputs, args.agents)
    if args.json:
        print_json(result.as_json())
        return 0
    target = t("target {target}", target=f"{inputs.target_sl:.0%}")
    if not result.meets_target:
        target = t("{target}, NOT MET", target=target)
    _write_figures(
        [
            ("traffic", t("{erlangs} Erlangs", erlangs=f"{result.traffic_erlangs:.2f}")),
            ("agents", str(result.agents)),
            ("scheduled", t("{scheduled} (shrinkage {shrinkage})", scheduled=result.scheduled,
                            shrinkage=f"{inputs.shrinkage:.0%}")),
            ("service level", t("{sl} within {within} s ({target})",
                                sl=f"{result.service_level:.1%}",
                                within=f"{inputs.answer_within_seconds:g}", target=target)),
            ("wait probability", f"{result.wait_probability:.1%}"),
            ("average answer", _seconds(result.asa_seconds)),
            ("occupancy", f"{result.occupancy:.1%}"),
        ]
    )  # fmt: skip
    return 0


def _write_figures(figures: list[tuple[str, str]]) -> None:
    """One figure a line, its label (said in the run's language) padded to one column."""
    labels = [t(label) for label, _value in figures]
    width = max(17, *(cells(label) + 1 for label in labels))
    for label, (_english, value) in zip(labels, figures, strict=True):
        sys.stdout.write(f"{fit(label, width)}{value}\n")


def _seconds(value: float) -> str:
    if value == float("inf"):
        return t("never (the queue grows without end)")
    return t("{seconds} s", seconds=f"{value:.1f}")


def cmd_manual(args: argparse.Namespace) -> int:
    from floorman.domain.staffing.manual import SeatTable, manual_plan

    table = SeatTable.parse(args.table) if args.table else SeatTable()
    plan = manual_plan(args.busy_hour_calls, args.daily_requests, table=table, shifts=args.shifts)
    if args.json:
        print_json(plan.as_json())
        return 0
    _write_figures(
        [
            ("seats open", t("{seats}  (table {table})", seats=plan.seats, table=table.describe())),
            ("b value", str(plan.b_value)),
            ("front line", str(plan.front_line)),
            ("back office", str(plan.back_office)),
            ("QA", str(plan.qa)),
            ("duty managers", str(plan.duty_managers)),
            ("trainers", str(plan.trainers)),
            ("info editors", str(plan.info_editors)),
            ("data analysts", str(plan.data_analysts)),
            ("management", str(plan.management)),
            ("spares", str(plan.spares)),
            ("headcount", str(plan.headcount)),
        ]
    )
    return 0


def cmd_required(args: argparse.Namespace) -> int:
    from floorman.cli.common import open_floor
    from floorman.domain.staffing.erlang import check_erlang_input
    from floorman.domain.staffing.forecast import read_forecast
    from floorman.domain.staffing.gap import compare_with_floor, current_interval
    from floorman.domain.staffing.manual import SeatTable
    from floorman.domain.staffing.required import (
        ServiceTarget,
        required_from_forecast,
        required_from_volume,
    )

    table = SeatTable.parse(args.table) if args.table else SeatTable()
    if args.forecast is not None:
        # Check the target once, up front, so a bad one is reported before the file.
        check_erlang_input(1, 3600, 1, args.target_sl, args.answer_within, args.max_occupancy)
        target = ServiceTarget(args.target_sl, args.answer_within, args.max_occupancy)
        intervals = read_forecast(args.forecast, interval_minutes=args.interval_minutes)
        rows = required_from_forecast(intervals, target, table)
    else:
        rows = [required_from_volume(args.busy_hour_calls, table)]
    floor = open_floor(args)
    now = floor.clock.now()
    current = current_interval(rows, now, floor.config.zone()) if args.forecast else rows[0]
    with floor.db.read() as session:
        gap = compare_with_floor(session, current.required if current else 0)
    if args.json:
        now_json: dict[str, object] = gap.as_json()
        if current is None:
            now_json.update(required=None, short_by=None, enough=None)
        print_json(
            {
                "intervals": [r.as_json() for r in rows],
                "current": current.interval.label if current else None,
                "now": now_json,
            }
        )
        return 0
    for row in rows:
        mark = ">" if row is current else " "
        counts = t(
            "calls {calls}  required {required}  table {table}",
            calls=f"{row.interval.calls:>8g}",
            required=f"{row.required:>5}",
            table=f"{row.table_seats:>5}",
        )
        sys.stdout.write(f"{mark} {fit(t(row.interval.label), 14)} {counts}\n")
    if current is None:
        said = t(
            "staffed now {staffed}; no forecast interval holds the time now", staffed=gap.staffed
        )
    elif gap.enough:
        said = t(
            "staffed now {staffed} of {required} required: enough",
            staffed=gap.staffed,
            required=gap.required,
        )
    else:
        said = t(
            "staffed now {staffed} of {required} required: SHORT BY {short}",
            staffed=gap.staffed,
            required=gap.required,
            short=gap.short_by,
        )
    sys.stdout.write(said + "\n")
    return 0


def cmd_plan(args: argparse.Namespace) -> int:
    from floorman.domain.staffing.plan import clear_plan, required_now, set_plan
    from floorman.domain.staffing.required import ServiceTarget

    floor = open_floor(args, authenticate=not args.show or args.clear)
    if args.clear:
        clear_plan(floor)
        print(t("staffing plan cleared"))
        return 0
    if not args.show:
        target = ServiceTarget(args.target_sl, args.answer_within)
        set_plan(floor, busy_hour_calls=args.busy_hour_calls, forecast=args.forecast, target=target)
    with floor.db.read() as session:
        now_required = required_now(session, floor.clock.now(), floor.config.zone())
    if now_required is None:
        result: dict[str, object] = {"plan": False}
    else:
        result = {
            "plan": True,
            "interval": now_required.required.interval.label,
            **now_required.gap.as_json(),
        }
    if args.json:
        print_json(result)
    elif now_required is None:
        print(t("no plan for this moment"))
    else:
        gap = now_required.gap
        state = t("enough") if gap.enough else t("SHORT BY {short}", short=gap.short_by)
        print(
            t(
                "{interval}: staffed {staffed} / required {required} ({state})",
                interval=t(now_required.required.interval.label),
                staffed=gap.staffed,
                required=gap.required,
                state=state,
            )
        )
    return 0
