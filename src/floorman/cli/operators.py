"""Commands for operators and the audit trail: operators, check, journal.

PINs never travel on the command line: they are read by cli/pins.py (FLOORMAN_PIN,
FLOORMAN_NEW_PIN or a prompt).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from floorman.cli.common import open_floor, print_json
from floorman.cli.pins import new_pin
from floorman.domain.core import bounds
from floorman.domain.core.states import Role
from floorman.i18n import language, t

ROLE_CHOICES = tuple(role.value for role in Role)


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    ops = subparsers.add_parser("operators", parents=[common])
    cmds = ops.add_subparsers(dest="operators_command", metavar="ACTION", required=True)

    add = cmds.add_parser(
        "add",
        parents=[common],
        help="add an operator (PIN from FLOORMAN_NEW_PIN or a prompt)",
    )
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", required=True, choices=ROLE_CHOICES)
    add.set_defaults(handler=cmd_add)

    listing = cmds.add_parser("list", parents=[common], help="every operator and role")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_list)

    disable = cmds.add_parser("disable", parents=[common], help="stop an operator logging in")
    disable.add_argument("name", metavar="NAME")
    disable.set_defaults(handler=cmd_disable)

    reset = cmds.add_parser("reset-pin", parents=[common], help="set a new PIN and lift a lockout")
    reset.add_argument("name", metavar="NAME")
    reset.set_defaults(handler=cmd_reset_pin)

    check = subparsers.add_parser("check", parents=[common])
    check.add_argument("--json", action="store_true")
    check.set_defaults(handler=cmd_check)

    jour = subparsers.add_parser("journal", parents=[common])
    jour.add_argument("--since", metavar="ISO8601")
    jour.add_argument("--limit", type=bounds.count(1), metavar="N", help="only the last N rows")
    jour.add_argument("--json", action="store_true")
    jour.set_defaults(handler=cmd_journal)


# --------------------------------------------------------------------------- commands


def cmd_add(args: argparse.Namespace) -> int:
    from floorman.domain.operators.management import add_operator
    from floorman.domain.operators.records import clean_name

    floor = open_floor(args, authenticate=True)
    view = add_operator(floor, args.name, args.role, new_pin(clean_name(args.name)))
    print(t("operator {name} added as {role}", name=view.name, role=t(view.role)))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from floorman.domain.operators.permissions import require
    from floorman.domain.operators.records import list_operators

    floor = open_floor(args, authenticate=True)
    with floor.db.read() as session:
        require(floor, "operators.list", session=session)
        views = list_operators(session)
    if args.json:
        print_json([v.as_json() for v in views])
        return 0
    now = floor.clock.now()
    for v in views:
        state = "active" if v.active else "disabled"
        if v.locked_until and v.locked_until > now:
            state = "locked"
        sys.stdout.write(f"{v.name:<20} {v.role:<14} {t(state)}\n")  # the role as typed
    return 0


def cmd_disable(args: argparse.Namespace) -> int:
    from floorman.domain.operators.management import disable_operator

    view = disable_operator(open_floor(args, authenticate=True), args.name)
    print(t("operator {name} disabled", name=view.name))
    return 0


def cmd_reset_pin(args: argparse.Namespace) -> int:
    from floorman.domain.operators.management import reset_pin
    from floorman.domain.operators.records import clean_name

    floor = open_floor(args, authenticate=True)
    view = reset_pin(floor, args.name, new_pin(clean_name(args.name)))
    print(t("new PIN set for {name}", name=view.name))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from floorman.domain.audit import run_checks

    report = run_checks(open_floor(args, checked=False))
    if args.json:
        print_json(report.as_json())
    else:
        # Said in the run's language; SQLite's own words inside them stay as SQLite gave them.
        for problem in report.problems:
            print(t("problem: {problem}", problem=problem.said_in(language())))
        for note in report.notes:
            print(note)
        count = len(report.problems)
        print(t("ok") if report.sound else t("{count} problem(s) found", count=count))
    return 0 if report.sound else 1


def cmd_journal(args: argparse.Namespace) -> int:
    from floorman.domain.audit import read_journal
    from floorman.domain.core.text import parse_instant, strip_control

    floor = open_floor(args, authenticate=True)
    since = parse_instant(args.since, floor.config.zone()) if args.since else None
    views = read_journal(floor, since=since, limit=args.limit)
    if args.json:
        print_json([v.as_json() for v in views])
        return 0
    zone = floor.config.zone()
    for v in views:
        change = v.after if v.after is not None else v.before
        detail = "" if change is None else " " + str(change)
        line = (
            f"{v.seq:>6} {v.at.astimezone(zone):%Y-%m-%d %H:%M:%S} {v.actor}@{v.terminal} "
            f"{v.action} {v.subject}{detail}"
        )
        sys.stdout.write(strip_control(line) + "\n")
    return 0
