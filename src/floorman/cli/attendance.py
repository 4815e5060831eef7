"""Attendance commands: roster import, sign-in/out by hand, day and month reports, leave."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from floorman.cli.common import force_option, open_floor, print_json
from floorman.domain.core import bounds
from floorman.i18n import t


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("attendance", parents=[common])
    actions = parser.add_subparsers(dest="attendance_command", metavar="ACTION", required=True)

    roster = actions.add_parser("roster", parents=[common], help="import the shift roster CSV")
    roster.add_argument("file", type=Path, metavar="FILE.csv", help="staff_no,day,start,end")
    roster.set_defaults(handler=cmd_roster)

    for kind in ("sign-in", "sign-out"):
        mark = actions.add_parser(kind, parents=[common], help=f"record a {kind} by hand")
        mark.add_argument("staff_no")
        mark.add_argument("--at", metavar="ISO8601", help="default: now")
        mark.add_argument("--note")
        mark.set_defaults(handler=cmd_mark, kind=kind.replace("-", "_"))

    day = actions.add_parser("day", parents=[common], help="who was late, early or absent")
    day.add_argument("date", metavar="YYYY-MM-DD", type=bounds.calendar_day)
    day.add_argument("--json", action="store_true")
    day.set_defaults(handler=cmd_day)

    month = actions.add_parser("month", parents=[common], help="the month's summary")
    month.add_argument("month", metavar="YYYY-MM", type=bounds.calendar_month)
    month.add_argument("--json", action="store_true")
    month.add_argument("--csv", type=Path, metavar="FILE")
    force_option(month)
    month.set_defaults(handler=cmd_month)

    leave = actions.add_parser("leave", parents=[common], help="request or decide leave")
    leave_actions = leave.add_subparsers(dest="leave_command", metavar="ACTION", required=True)
    request = leave_actions.add_parser("request", parents=[common])
    request.add_argument("staff_no")
    request.add_argument("first_day", metavar="YYYY-MM-DD", type=bounds.calendar_day)
    request.add_argument("days", type=bounds.number(0, bounds.MAX_DURATION.days))
    request.add_argument("--reason", required=True)
    request.set_defaults(handler=cmd_leave_request)
    for verb in ("approve", "reject"):
        decide = leave_actions.add_parser(verb, parents=[common])
        decide.add_argument("leave_id")
        decide.add_argument("--note", required=verb == "reject")
        decide.set_defaults(handler=cmd_leave_decide, approve=verb == "approve")


def cmd_roster(args: argparse.Namespace) -> int:
    from floorman.domain.attendance.roster import import_roster

    count = import_roster(open_floor(args, authenticate=True), args.file)
    print(t("imported 1 shift") if count == 1 else t("imported {count} shifts", count=count))
    return 0


def cmd_mark(args: argparse.Namespace) -> int:
    from floorman.domain.attendance.roster import mark
    from floorman.domain.core.text import parse_instant

    floor = open_floor(args, authenticate=True)
    zone = floor.config.zone()
    at = parse_instant(args.at, zone) if args.at else floor.clock.now()
    result = mark(floor, args.staff_no, args.kind, at, args.note)
    what = t("sign-in") if result.kind == "sign_in" else t("sign-out")
    shift = (
        f"{result.shift_starts_at.astimezone(zone):%Y-%m-%d %H:%M}-"
        f"{result.shift_ends_at.astimezone(zone):%H:%M}"
    )
    who = f"{result.staff_no} {result.name}"
    if result.already_at is not None:
        # Not an error: a second sign-in from a script or a double press changes nothing.
        already = f"{result.already_at.astimezone(zone):%H:%M}"
        print(
            t(
                "{who}: {what} already recorded at {at} for the shift {shift}; nothing new "
                "recorded",
                who=who,
                what=what,
                at=already,
                shift=shift,
            )
        )
    else:
        when = f"{at.astimezone(zone):%H:%M}"
        print(
            t(
                "{who}: {what} recorded at {at} for the shift {shift}",
                who=who,
                what=what,
                at=when,
                shift=shift,
            )
        )
    return 0


def cmd_day(args: argparse.Namespace) -> int:
    from floorman.domain.attendance.days import day_attendance

    floor = open_floor(args)
    day = args.date
    with floor.db.read() as session:
        rows = day_attendance(session, floor, day)
    if args.json:
        print_json(
            [
                {
                    "staff_no": r.staff_no,
                    "name": r.name,
                    "day": r.day,
                    "starts_at": r.starts_at.isoformat(),
                    "ends_at": r.ends_at.isoformat(),
                    "signed_in": r.signed_in.isoformat() if r.signed_in else None,
                    "signed_out": r.signed_out.isoformat() if r.signed_out else None,
                    "late_minutes": r.late_minutes,
                    "early_minutes": r.early_minutes,
                    "absent_days": r.absent_days,
                    "on_leave": r.on_leave,
                    "fine": r.fine,
                }
                for r in rows
            ]
        )
        return 0
    zone = floor.config.zone()
    for r in rows:
        signed = r.signed_in.astimezone(zone).strftime("%H:%M") if r.signed_in else "--:--"
        figures = t(
            "in {signed} late {late} early {early} absent {absent} ",
            signed=signed,
            late=f"{r.late_minutes:>3}",
            early=f"{r.early_minutes:>3}",
            absent=f"{r.absent_days:.1f}",
        )
        leave = t("leave ") if r.on_leave else ""
        sys.stdout.write(
            f"{r.staff_no:<8} {r.name:<10} {r.starts_at.astimezone(zone):%H:%M} {figures}"
            + leave
            + t("fine {fine}", fine=r.fine)
            + "\n"
        )
    return 0


def cmd_month(args: argparse.Namespace) -> int:
    from floorman.domain.attendance.month import export_month, month_summary

    year, month = args.month
    floor = open_floor(args)
    with floor.db.read() as session:
        if args.csv:
            count = export_month(session, floor, year, month, args.csv, force=args.force)
            print(
                t("wrote 1 agent to {path}", path=args.csv)
                if count == 1
                else t("wrote {count} agents to {path}", count=count, path=args.csv)
            )
            return 0
        rows = month_summary(session, floor, year, month)
    if args.json:
        print_json([{**vars(s), "total_fine": s.total_fine} for s in rows])
        return 0
    for s in rows:
        figures = t(
            "shifts {shifts} late/early {late_or_early} run {run} absent {absent} fine {fine}",
            shifts=f"{s.shifts:>3}",
            late_or_early=f"{s.late_or_early:>2}",
            run=s.longest_run,
            absent=f"{s.absent_days:.1f}",
            fine=s.total_fine,
        )
        dismissal = t("  DISMISSAL") if s.dismissal else ""
        sys.stdout.write(f"{s.staff_no:<8} {s.name:<10} {figures}{dismissal}\n")
    return 0


def cmd_leave_request(args: argparse.Namespace) -> int:
    from floorman.domain.attendance.leave import request_leave

    floor = open_floor(args, authenticate=True)
    leave = request_leave(floor, args.staff_no, args.first_day.isoformat(), args.days, args.reason)
    print(leave.id)
    return 0


def cmd_leave_decide(args: argparse.Namespace) -> int:
    from floorman.domain.attendance.leave import decide_leave

    leave = decide_leave(
        open_floor(args, authenticate=True), args.leave_id, args.approve, args.note
    )
    print(f"{leave.id} {t(str(leave.status))}")
    return 0
