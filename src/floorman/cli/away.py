"""Commands for away slips (示忙单): list, log and export, and the whole lifecycle.

`away list` and `away log` filter by local day (--date), shift (--shift, an id such as
"2026-11-23/08:00-16:00" or "current") and agent (--agent STAFF_NO); given together, all apply.

`floorman away request 1001 --reason toilet` then `away approve 1001`, `away start 1001`,
`away back 1001`: a slip is named by its id, an 8+ character id prefix, or the staff
number of an agent with an open slip, so scripts need not keep ids.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from floorman.cli.common import force_option, open_floor, print_json
from floorman.domain.core import bounds
from floorman.i18n import cells, fit, t


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    away = subparsers.add_parser("away", parents=[common])
    cmds = away.add_subparsers(dest="away_command", metavar="ACTION", required=True)

    listing = cmds.add_parser("list", parents=[common], help="away slips of a day, or open ones")
    listing.add_argument("--open", action="store_true", help="only slips not yet closed")
    listing.add_argument(
        "--date", metavar="YYYY-MM-DD", type=bounds.calendar_day, help="local day (default: all)"
    )
    _with_filters(listing)
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_list)

    log = cmds.add_parser("log", parents=[common], help="the away log by agent, of a day or shift")
    log.add_argument(
        "--date",
        metavar="YYYY-MM-DD",
        type=bounds.calendar_day,
        help="local day (default: today, unless --shift)",
    )
    _with_filters(log)
    log.add_argument("--csv", metavar="FILE", type=Path, help="also write the slips logged")
    force_option(log)
    log.add_argument("--json", action="store_true")
    log.set_defaults(handler=cmd_log)

    request = cmds.add_parser("request", parents=[common], help="an agent asks to leave")
    request.add_argument("agent", metavar="STAFF_NO")
    request.add_argument("--reason", required=True, metavar="KEY", help="a configured reason")
    request.add_argument("--seat", metavar="SEAT", help="default: the agent's seat")
    request.add_argument("--note", metavar="TEXT")
    _with_json(request, cmd_request)

    for name, helptext in (
        ("approve", "allow a requested absence"),
        ("cancel", "withdraw a request not yet out"),
    ):
        sub = cmds.add_parser(name, parents=[common], help=helptext)
        sub.add_argument("slip", metavar="SLIP")
        _with_json(sub, cmd_simple)

    for name, helptext in (
        ("start", "the agent leaves the seat now (or --at)"),
        ("back", "the agent is back at the seat now (or --at)"),
    ):
        sub = cmds.add_parser(name, parents=[common], help=helptext)
        sub.add_argument("slip", metavar="SLIP")
        sub.add_argument("--at", metavar="ISO8601")
        _with_json(sub, cmd_timed)

    for name, helptext in (
        ("reject", "refuse a requested absence, with a reason"),
        ("excuse", "approve an unapproved absence after the fact, with a reason"),
    ):
        sub = cmds.add_parser(name, parents=[common], help=helptext)
        sub.add_argument("slip", metavar="SLIP")
        sub.add_argument("--reason", required=True, metavar="TEXT")
        _with_json(sub, cmd_reasoned)

    violation = cmds.add_parser(
        "violation", parents=[common], help="record an unapproved absence as a violation"
    )
    violation.add_argument("slip", metavar="SLIP")
    violation.add_argument("--note", metavar="TEXT")
    _with_json(violation, cmd_violation)

    extend = cmds.add_parser("extend", parents=[common], help="the one extension of a slip")
    extend.add_argument("slip", metavar="SLIP")
    extend.add_argument(
        "--minutes", required=True, type=bounds.count(0, bounds.MINUTES_MAX), metavar="N"
    )
    extend.add_argument("--reason", required=True, metavar="TEXT")
    _with_json(extend, cmd_extend)


def _with_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--shift",
        metavar="ID",
        help='a shift: "YYYY-MM-DD/HH:MM-HH:MM", "current", "previous" or "next"',
    )
    parser.add_argument("--agent", metavar="STAFF_NO", help="only this agent's slips")


def _with_json(parser: argparse.ArgumentParser, handler: Any) -> None:
    parser.add_argument("--json", action="store_true", help="print the slip as JSON")
    parser.set_defaults(handler=handler)


def _print_slip(args: argparse.Namespace, view: Any) -> int:
    if args.json:
        print_json(view.as_json())
    else:
        print(f"{view.id} {view.agent} {view.seat} {t(view.status)} {t(view.approval)}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from floorman.clock import mmss
    from floorman.domain.away.rules import reason_label
    from floorman.domain.away.views import list_slips
    from floorman.domain.shifts import resolve_shift

    floor = open_floor(args)
    day = args.date
    shift = resolve_shift(floor, args.shift) if args.shift else None
    views = list_slips(floor, open_only=args.open, day=day, shift=shift, agent=args.agent)
    if args.json:
        print_json([v.as_json() for v in views])
        return 0
    for v in views:
        reason = fit(reason_label(floor.config, v.reason), 10)
        sys.stdout.write(
            f"{v.id[:8]} {v.seat:<8} {v.agent:<10} {reason} {fit(t(v.status), 9)} "
            f"{fit(t(v.approval), 14)} {mmss(v.elapsed_seconds):>6} / {mmss(v.limit_seconds)} "
            f"{v.symbol} {t(v.band)}\n"
        )
    return 0


def cmd_log(args: argparse.Namespace) -> int:
    from floorman.domain.away.log import away_log, export_csv
    from floorman.domain.away.views import list_slips
    from floorman.domain.shifts import resolve_shift

    floor = open_floor(args)
    shift = resolve_shift(floor, args.shift) if args.shift else None
    day = args.date
    if day is None and shift is None:
        day = floor.clock.now().astimezone(floor.config.zone()).date()
    views = list_slips(floor, day=day, shift=shift, agent=args.agent)
    lines = away_log(views)
    if args.csv:
        export_csv(views, args.csv, force=args.force)
    if args.json:
        print_json(
            {
                "date": day.isoformat() if day else None,
                "shift": shift.as_json() if shift else None,
                "agent": args.agent,
                "agents": [line.as_json() for line in lines],
            }
        )
        return 0
    scope = [day.isoformat()] if day else []
    scope += [t("shift {id}", id=shift.id)] if shift else []
    scope += [t("agent {staff_no}", staff_no=args.agent)] if args.agent else []
    sys.stdout.write(t("away log {scope}", scope=" ".join(scope)) + "\n")
    heads = ("agent", "name", "count", "minutes", "overruns", "unapproved")
    widths = (10, 20, 5, 7, 8, 10)
    said = [
        fit(t(head), width) if i < 2 else _right(t(head), width)
        for i, (head, width) in enumerate(zip(heads, widths, strict=True))
    ]
    sys.stdout.write(f"{said[0]} {said[1]} {'  '.join(said[2:])}\n")
    for line in lines:
        sys.stdout.write(
            f"{line.agent:<10} {fit(line.agent_name, 20)} {line.count:>5}  "
            f"{line.total_minutes:>7}  {line.overruns:>8}  {line.unapproved:>10}\n"
        )
    return 0


def cmd_request(args: argparse.Namespace) -> int:
    from floorman.domain.away.actions import request

    floor = open_floor(args, authenticate=True)
    view = request(floor, args.agent, args.reason, seat_code=args.seat, note=args.note)
    return _print_slip(args, view)


def cmd_simple(args: argparse.Namespace) -> int:
    from floorman.domain.away import actions

    action = {"approve": actions.approve, "cancel": actions.cancel}[args.away_command]
    return _print_slip(args, action(open_floor(args, authenticate=True), args.slip))


def cmd_timed(args: argparse.Namespace) -> int:
    from floorman.domain.away import actions
    from floorman.domain.core.text import parse_instant

    floor = open_floor(args, authenticate=True)
    at = parse_instant(args.at, floor.config.zone()) if args.at else None
    action = {"start": actions.start, "back": actions.back}[args.away_command]
    return _print_slip(args, action(floor, args.slip, at=at))


def cmd_reasoned(args: argparse.Namespace) -> int:
    from floorman.domain.away import actions

    action = {"reject": actions.reject, "excuse": actions.excuse}[args.away_command]
    return _print_slip(args, action(open_floor(args, authenticate=True), args.slip, args.reason))


def cmd_violation(args: argparse.Namespace) -> int:
    from floorman.domain.away.actions import record_violation

    floor = open_floor(args, authenticate=True)
    return _print_slip(args, record_violation(floor, args.slip, args.note))


def cmd_extend(args: argparse.Namespace) -> int:
    from floorman.domain.away.actions import extend

    view = extend(open_floor(args, authenticate=True), args.slip, args.minutes * 60, args.reason)
    return _print_slip(args, view)


def _right(text: str, width: int) -> str:
    """`text` right-aligned in `width` terminal cells (a Chinese heading over numbers)."""
    return " " * max(0, width - cells(text)) + text
