"""Commands for visitors: register, approve, check in and out, lists, export, purge, roll call.

Phone numbers and ID numbers are printed masked, always. An ID number given as `-` is
read from standard input, so it stays out of the shell history and the process list.
Every command logs in (`--operator` and FLOORMAN_PIN) once the floor has operators, so
the role checks of `domain.visitors` and `domain.roll_call` see the real role; an open
floor acts as before.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from floorman.cli.common import force_option, open_floor, print_json
from floorman.domain.core import bounds
from floorman.i18n import cells, t


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    visitors = subparsers.add_parser("visitors", parents=[common])
    cmds = visitors.add_subparsers(dest="visitors_command", metavar="ACTION", required=True)

    reg = cmds.add_parser("register", parents=[common], help="register a visitor (pending)")
    reg.add_argument("--name", required=True)
    reg.add_argument("--org", required=True, help="organisation or department")
    reg.add_argument("--category", required=True, choices=["internal", "external"],
                     help="internal: another department; external: outside the company")
    reg.add_argument("--purpose", required=True)
    reg.add_argument("--host", required=True, help="who the visitor comes to see")
    reg.add_argument("--escort", help="staff escorting the visitor (required if external)")
    reg.add_argument("--phone")
    reg.add_argument("--id-number", help="ID document number; '-' reads it from stdin")
    reg.add_argument("--badge")
    reg.add_argument("--minutes", type=bounds.count(1, bounds.MINUTES_MAX),
                     help="expected duration (default from config)")
    reg.add_argument("--json", action="store_true")
    reg.set_defaults(handler=cmd_register)

    for name, help_text, handler in (
        ("approve", "approve a pending visitor", cmd_approve),
        ("checkin", "an approved visitor enters the floor", cmd_checkin),
        ("checkout", "a visitor leaves the floor", cmd_checkout),
        ("show", "one visitor, masked", cmd_show),
    ):
        sub = cmds.add_parser(name, parents=[common], help=help_text)
        sub.add_argument("visitor", metavar="VISITOR", help="id, start of the id, or badge")
        if name in ("checkin", "checkout"):
            sub.add_argument("--at", metavar="ISO8601", help="when, if not now")
        sub.add_argument("--json", action="store_true")
        sub.set_defaults(handler=handler)

    rej = cmds.add_parser("reject", parents=[common], help="reject a pending visitor")
    rej.add_argument("visitor", metavar="VISITOR")
    rej.add_argument("--reason", required=True)
    rej.add_argument("--json", action="store_true")
    rej.set_defaults(handler=cmd_reject)

    lst = cmds.add_parser("list", parents=[common], help="visitors, phone and ID masked")
    lst.add_argument("--on-floor", action="store_true", help="only those on the floor now")
    lst.add_argument("--state", choices=["pending", "approved", "rejected", "on_floor", "left"])
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=cmd_list)

    exp = cmds.add_parser("export", parents=[common], help="write every visitor to CSV")
    exp.add_argument("--csv", required=True, metavar="FILE", type=Path)
    force_option(exp)
    exp.set_defaults(handler=cmd_export)

    purge = cmds.add_parser(
        "purge", parents=[common], help="clear personal data past the retention period"
    )
    purge.add_argument("--json", action="store_true")
    purge.set_defaults(handler=cmd_purge)

    for kind in ("watch", "block"):
        parser = cmds.add_parser(kind, parents=[common], help=f"the {kind} list")
        actions = parser.add_subparsers(dest=f"{kind}_command", metavar="ACTION", required=True)
        add = actions.add_parser("add", parents=[common], help=f"add to the {kind} list")
        add.add_argument("--name")
        add.add_argument("--org")
        add.add_argument("--phone")
        add.add_argument("--reason")
        add.set_defaults(handler=cmd_list_add, kind=kind)
        show = actions.add_parser("list", parents=[common], help=f"the {kind} list")
        show.add_argument("--json", action="store_true")
        show.set_defaults(handler=cmd_list_show, kind=kind)
        remove = actions.add_parser("remove", parents=[common], help=f"take off the {kind} list")
        remove.add_argument("entry", metavar="ENTRY", help="entry id or its start")
        remove.set_defaults(handler=cmd_list_remove, kind=kind)

    roll = cmds.add_parser(
        "rollcall", parents=[common], help="the one roll call of everyone on the floor"
    )
    roll_cmds = roll.add_subparsers(dest="rollcall_command", metavar="ACTION", required=True)
    start = roll_cmds.add_parser(
        "start", parents=[common], help="take the roll call (or join the one open)"
    )
    start.add_argument("--reason")
    start.add_argument("--json", action="store_true")
    start.set_defaults(handler=cmd_rollcall_start)
    safe = roll_cmds.add_parser(
        "safe", parents=[common], help="mark people safe by number (or name)"
    )
    safe.add_argument("numbers", metavar="N", nargs="+")
    safe.add_argument("--id", dest="roll_call", help="roll call id (default: the latest)")
    safe.add_argument("--json", action="store_true")
    safe.set_defaults(handler=cmd_rollcall_safe)
    unsafe = roll_cmds.add_parser(
        "unsafe", parents=[common], help="take back a safe mark, saying why"
    )
    unsafe.add_argument("number", metavar="N")
    unsafe.add_argument("--reason", required=True, help="why (marked by mistake, went back in)")
    unsafe.add_argument("--id", dest="roll_call", help="roll call id (default: the latest)")
    unsafe.add_argument("--json", action="store_true")
    unsafe.set_defaults(handler=cmd_rollcall_unsafe)
    show_roll = roll_cmds.add_parser("show", parents=[common], help="print a roll call")
    show_roll.add_argument("--id", dest="roll_call", help="roll call id (default: the latest)")
    show_roll.add_argument("--json", action="store_true")
    show_roll.set_defaults(handler=cmd_rollcall_show)
    close = roll_cmds.add_parser("close", parents=[common], help="close a roll call")
    close.add_argument("--id", dest="roll_call", help="roll call id (default: the latest)")
    close.set_defaults(handler=cmd_rollcall_close)


def _at(args: argparse.Namespace, floor: Any) -> Any:
    from floorman.domain.core.text import parse_instant

    return parse_instant(args.at, floor.config.zone()) if getattr(args, "at", None) else None


def _print_visitor(view: Any, as_json: bool) -> None:
    if as_json:
        print_json(view.as_json())
    else:
        print(f"{view.short_id} {t(str(view.state))} {view.name} ({view.organisation})")


def _line(view: Any, now: Any, zone: Any) -> str:
    def hhmm(when: Any) -> str:
        return when.astimezone(zone).strftime("%m-%d %H:%M") if when else "-"

    flag = "!" if view.overstayed(now) else ("W" if view.watch_match else " ")
    words = t(
        "{name} ({organisation}) host {host} escort {escort} phone {phone} id {id_number} "
        "in {checked_in} out {checked_out}",
        name=view.name,
        organisation=view.organisation,
        host=view.host,
        escort=view.escort or "-",
        phone=view.phone or "-",
        id_number=view.id_number or "-",
        checked_in=hhmm(view.checked_in_at),
        checked_out=hhmm(view.checked_out_at),
    )
    state, category = t(str(view.state)), t(str(view.category))
    return (
        f"{view.short_id} {flag} {state}{' ' * max(1, 10 - cells(state))}"
        f"{category}{' ' * max(1, 9 - cells(category))}{view.badge or '-':<6} {words}\n"
    )


def cmd_register(args: argparse.Namespace) -> int:
    from floorman.domain.visitors.registration import Registration, register

    id_number = args.id_number
    if id_number == "-":
        id_number = sys.stdin.readline().strip()
    floor = open_floor(args, authenticate=True)
    view = register(floor, Registration(
        name=args.name, organisation=args.org, category=args.category, purpose=args.purpose,
        host=args.host, escort=args.escort, phone=args.phone, id_number=id_number,
        badge=args.badge, expected_minutes=args.minutes,
    ))
    if args.json:
        print_json(view.as_json())
    else:
        watch = t("  WATCH LIST MATCH: the duty manager is alerted") if view.watch_match else ""
        print(t("{id} registered, pending approval", id=view.id) + watch)
    return 0


def cmd_approve(args: argparse.Namespace) -> int:
    from floorman.domain.visitors.decisions import approve

    _print_visitor(approve(open_floor(args, authenticate=True), args.visitor), args.json)
    return 0


def cmd_reject(args: argparse.Namespace) -> int:
    from floorman.domain.visitors.decisions import reject

    floor = open_floor(args, authenticate=True)
    _print_visitor(reject(floor, args.visitor, args.reason), args.json)
    return 0


def cmd_checkin(args: argparse.Namespace) -> int:
    from floorman.domain.visitors.presence import check_in

    floor = open_floor(args, authenticate=True)
    _print_visitor(check_in(floor, args.visitor, _at(args, floor)), args.json)
    return 0


def cmd_checkout(args: argparse.Namespace) -> int:
    from floorman.domain.visitors.presence import check_out

    floor = open_floor(args, authenticate=True)
    _print_visitor(check_out(floor, args.visitor, _at(args, floor)), args.json)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from floorman.domain.operators.permissions import require_personal
    from floorman.domain.visitors.views import get_visitor

    floor = open_floor(args, authenticate=True)
    with floor.db.read() as session:
        require_personal(floor, session=session)
        view = get_visitor(session, args.visitor)
    if args.json:
        print_json(view.as_json())
    else:
        sys.stdout.write(_line(view, floor.clock.now(), floor.config.zone()))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from floorman.domain.operators.permissions import require_personal
    from floorman.domain.visitors.presence import list_visitors

    floor = open_floor(args, authenticate=True)
    with floor.db.read() as session:
        require_personal(floor, session=session)
        views = list_visitors(session, on_floor=args.on_floor, state=args.state)
    if args.json:
        print_json([v.as_json() for v in views])
        return 0
    now, zone = floor.clock.now(), floor.config.zone()
    for view in views:
        sys.stdout.write(_line(view, now, zone))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from floorman.domain.operators.permissions import require, require_personal
    from floorman.domain.visitors.export import export_csv

    floor = open_floor(args, authenticate=True)
    with floor.db.read() as session:
        require_personal(floor, session=session)
        require(floor, "visitor.export", session=session)
        count = export_csv(session, args.csv, force=args.force)
    print(t("exported {count} visitors to {path}", count=count, path=args.csv))
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    from floorman.domain.operators.permissions import require
    from floorman.domain.visitors.retention import purge_expired

    floor = open_floor(args, authenticate=True)
    require(floor, "visitor.purge")  # also when nothing is due: the answer is not a viewer's
    result = purge_expired(floor)
    if args.json:
        print_json({"purged": result.count, "visitor_ids": list(result.visitor_ids)})
    else:
        print(t("purged the personal data of {count} visitors", count=result.count))
    return 0


def cmd_list_add(args: argparse.Namespace) -> int:
    from floorman.domain.visitors.lists import add_list_entry

    entry = add_list_entry(
        open_floor(args, authenticate=True), args.kind, name=args.name,
        organisation=args.org, phone=args.phone, reason=args.reason,
    )
    print(t("{id} added to the {kind} list", id=entry.id, kind=t(args.kind)))
    return 0


def cmd_list_show(args: argparse.Namespace) -> int:
    from floorman.domain.operators.permissions import require_personal
    from floorman.domain.visitors.lists import list_entries

    floor = open_floor(args, authenticate=True)
    with floor.db.read() as session:
        require_personal(floor, session=session)
        entries = list_entries(session, args.kind)
    if args.json:
        print_json([e.as_json() for e in entries])
        return 0
    for e in entries:
        print(
            t(
                "{id} name {name} org {organisation} phone {phone}  {reason}",
                id=e.id[:8],
                name=e.name or "-",
                organisation=e.organisation or "-",
                phone=e.phone or "-",
                reason=e.reason,
            )
        )
    return 0


def cmd_list_remove(args: argparse.Namespace) -> int:
    from floorman.domain.visitors.lists import remove_list_entry

    entry = remove_list_entry(open_floor(args, authenticate=True), args.entry, args.kind)
    print(t("{id} removed from the {kind} list", id=entry.id, kind=t(entry.kind)))
    return 0


def _print_roll_call(view: Any, floor: Any, as_json: bool) -> None:
    from floorman.domain.roll_call.views import roll_call_text

    if as_json:
        print_json(view.as_json())
    else:
        sys.stdout.write(roll_call_text(view, floor.config.zone()))


def cmd_rollcall_start(args: argparse.Namespace) -> int:
    from floorman.domain.roll_call.book import start_roll_call

    floor = open_floor(args, authenticate=True)
    _print_roll_call(start_roll_call(floor, args.reason), floor, args.json)
    return 0


def cmd_rollcall_safe(args: argparse.Namespace) -> int:
    from floorman.domain.roll_call.book import mark_safe

    floor = open_floor(args, authenticate=True)
    _print_roll_call(mark_safe(floor, args.numbers, args.roll_call), floor, args.json)
    return 0


def cmd_rollcall_unsafe(args: argparse.Namespace) -> int:
    from floorman.domain.roll_call.book import unmark_safe

    floor = open_floor(args, authenticate=True)
    view = unmark_safe(floor, args.number, args.reason, args.roll_call)
    _print_roll_call(view, floor, args.json)
    return 0


def cmd_rollcall_show(args: argparse.Namespace) -> int:
    from floorman.domain.operators.permissions import require_personal
    from floorman.domain.roll_call.book import roll_call

    floor = open_floor(args, authenticate=True)
    with floor.db.read() as session:
        require_personal(floor, session=session)
        view = roll_call(session, args.roll_call)
    _print_roll_call(view, floor, args.json)
    return 0


def cmd_rollcall_close(args: argparse.Namespace) -> int:
    from floorman.domain.roll_call.book import close_roll_call

    floor = open_floor(args, authenticate=True)
    _print_roll_call(close_roll_call(floor, args.roll_call), floor, False)
    return 0
