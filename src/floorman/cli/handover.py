"""Commands for shifts and the handover log: assign, compose, items, submit, acknowledge,
amend, list, show, verify, remind.

A handover is named with `--shift REF`: "current" (the default), "previous", "last",
"pending" (submitted, awaiting acknowledgement), a shift id such as
"2026-11-23/08:00-16:00", or a handover id (its first 8 characters are enough).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from floorman.cli.common import open_floor, print_json
from floorman.domain.core import bounds
from floorman.domain.core.errors import FloorError
from floorman.domain.handover.deadlines import DEADLINE_FORMS
from floorman.i18n import fit, t


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    handover = subparsers.add_parser("handover", parents=[common])
    cmds = handover.add_subparsers(dest="handover_command", metavar="ACTION", required=True)

    def shift_option(parser: argparse.ArgumentParser, default: str = "current") -> None:
        parser.add_argument(
            "--shift",
            metavar="REF",
            default=default,
            help=f"current, previous, last, pending, a shift id or a handover id ({default})",
        )

    shifts = cmds.add_parser("shifts", parents=[common], help="the shifts ahead and managers")
    shifts.add_argument(
        "--days",
        type=bounds.count(1, bounds.MAX_DURATION.days),
        default=1,
        help="how many days ahead (1)",
    )
    shifts.add_argument("--json", action="store_true")
    shifts.set_defaults(handler=cmd_shifts)

    assign = cmds.add_parser("assign", parents=[common], help="set a shift's duty manager")
    assign.add_argument("shift", metavar="SHIFT", help="current, next or YYYY-MM-DD/HH:MM-HH:MM")
    assign.add_argument("manager", metavar="NAME")
    assign.set_defaults(handler=cmd_assign)

    compose = cmds.add_parser(
        "compose", parents=[common], help="start or refresh a handover, prefilled from the floor"
    )
    shift_option(compose)
    _text_options(compose)
    compose.add_argument("--json", action="store_true")
    compose.set_defaults(handler=cmd_compose)

    edit = cmds.add_parser("edit", parents=[common], help="change the written parts")
    shift_option(edit)
    _text_options(edit)
    edit.set_defaults(handler=cmd_edit)

    item = cmds.add_parser("item", parents=[common], help="open items of a handover")
    item_cmds = item.add_subparsers(dest="item_command", metavar="ACTION", required=True)
    item_add = item_cmds.add_parser("add", parents=[common], help="add an open item")
    item_add.add_argument("text", metavar="TEXT")
    item_add.add_argument("--owner", metavar="NAME")
    item_add.add_argument(
        "--deadline",
        metavar="WHEN",
        help=f"by when, in the floor's time zone: {DEADLINE_FORMS}",
    )
    shift_option(item_add)
    item_add.set_defaults(handler=cmd_item_add)
    item_close = item_cmds.add_parser("close", parents=[common], help="close an open item")
    item_close.add_argument("item", metavar="N|ID", help="its number in the list, or its id")
    item_close.add_argument("--note", metavar="TEXT")
    shift_option(item_close)
    item_close.set_defaults(handler=cmd_item_close)

    submit = cmds.add_parser("submit", parents=[common], help="hand over (outgoing manager)")
    shift_option(submit)
    submit.set_defaults(handler=cmd_submit)

    ack = cmds.add_parser(
        "acknowledge", parents=[common], help="take over and lock it (incoming manager)"
    )
    shift_option(ack, "pending")
    ack.add_argument(
        "--reviewed",
        metavar="SECTIONS",
        required=True,
        help="'all', or the sections reviewed, comma separated",
    )
    ack.set_defaults(handler=cmd_acknowledge)

    amend = cmds.add_parser("amend", parents=[common], help="add an amendment to a locked one")
    amend.add_argument("text", metavar="TEXT")
    shift_option(amend, "last")
    amend.set_defaults(handler=cmd_amend)

    listing = cmds.add_parser("list", parents=[common], help="past handovers, newest first")
    listing.add_argument("--search", metavar="TEXT")
    listing.add_argument("--limit", type=bounds.count(1), default=50)
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_list)

    show = cmds.add_parser("show", parents=[common], help="print one handover")
    which = show.add_mutually_exclusive_group()
    which.add_argument("--last", action="store_true", help="the most recent (default)")
    which.add_argument("--shift", metavar="ID", help="a shift id, handover id or other REF")
    form = show.add_mutually_exclusive_group(required=True)
    form.add_argument("--markdown", action="store_true")
    form.add_argument("--json", action="store_true")
    show.set_defaults(handler=cmd_show)

    verify = cmds.add_parser(
        "verify", parents=[common], help="check every locked handover against its hash"
    )
    verify.set_defaults(handler=cmd_verify)

    remind = cmds.add_parser(
        "remind", parents=[common], help="schedule this shift's handover reminders"
    )
    remind.set_defaults(handler=cmd_remind)


def _text_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--summary", metavar="TEXT")
    parser.add_argument("--instructions", metavar="TEXT", help="instructions from above")
    parser.add_argument("--notes", metavar="TEXT")


def _language(args: argparse.Namespace, floor: Any) -> None:
    from floorman.i18n import resolve_language, set_language

    set_language(resolve_language(getattr(args, "lang", None), floor.config.language))


def cmd_shifts(args: argparse.Namespace) -> int:
    from floorman.domain.shifts import roster

    floor = open_floor(args)
    views = roster(floor, days=max(1, args.days))
    if args.json:
        print_json([v.as_json() for v in views])
        return 0
    for v in views:
        sys.stdout.write(f"{v.shift.id:<24} {v.manager or '-'}\n")
    return 0


def cmd_assign(args: argparse.Namespace) -> int:
    from floorman.domain.shifts import assign_manager

    view = assign_manager(open_floor(args, authenticate=True), args.shift, args.manager)
    print(f"{view.shift.id}: {view.manager}")
    return 0


def cmd_compose(args: argparse.Namespace) -> int:
    from floorman.domain.handover import lifecycle

    view = lifecycle.compose(
        open_floor(args, authenticate=True),
        args.shift,
        summary=args.summary,
        instructions=args.instructions,
        notes=args.notes,
    )
    if args.json:
        print_json(view.as_json())
    else:
        print(
            t(
                "handover {id} for shift {shift}: {status}, {count} open item(s)",
                id=view.id[:8],
                shift=view.shift_id,
                status=t(view.status),
                count=len(view.open_items),
            )
        )
    return 0


def cmd_edit(args: argparse.Namespace) -> int:
    from floorman.domain.handover import lifecycle

    view = lifecycle.edit(
        open_floor(args, authenticate=True),
        args.shift,
        summary=args.summary,
        instructions=args.instructions,
        notes=args.notes,
    )
    print(t("handover {id} for shift {shift} changed", id=view.id[:8], shift=view.shift_id))
    return 0


def cmd_item_add(args: argparse.Namespace) -> int:
    from floorman.domain.handover import open_items
    from floorman.domain.handover.deadlines import floor_deadline

    floor = open_floor(args, authenticate=True)
    try:
        deadline = floor_deadline(floor, args.deadline)
    except FloorError as exc:
        raise FloorError("{problem}; use {forms}", problem=exc, forms=DEADLINE_FORMS) from exc
    item = open_items.add_item(floor, args.shift, args.text, owner=args.owner, deadline=deadline)
    print(t("item {id} added", id=item.id[:8]))
    return 0


def cmd_item_close(args: argparse.Namespace) -> int:
    from floorman.domain.handover import open_items

    item = open_items.close_item(
        open_floor(args, authenticate=True), args.shift, args.item, args.note
    )
    print(t("item {id} closed", id=item.id[:8]))
    return 0


def cmd_submit(args: argparse.Namespace) -> int:
    from floorman.domain.handover import lifecycle

    view = lifecycle.submit(open_floor(args, authenticate=True), args.shift)
    print(
        t(
            "handover of shift {shift} submitted by {name}",
            shift=view.shift_id,
            name=view.submitted_by,
        )
    )
    return 0


def cmd_acknowledge(args: argparse.Namespace) -> int:
    from floorman.domain.handover import lifecycle

    view = lifecycle.acknowledge(open_floor(args, authenticate=True), args.shift, args.reviewed)
    print(
        t(
            "handover of shift {shift} acknowledged by {name}; locked, hash {hash}",
            shift=view.shift_id,
            name=view.acknowledged_by,
            hash=view.content_hash,
        )
    )
    return 0


def cmd_amend(args: argparse.Namespace) -> int:
    from floorman.domain.handover import lifecycle

    amendment = lifecycle.amend(open_floor(args, authenticate=True), args.shift, args.text)
    print(t("amendment {number} added", number=amendment.seq))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from floorman.domain.handover import history

    floor = open_floor(args)
    with floor.db.read() as session:
        rows = history.list_handovers(session, search=args.search, limit=max(1, args.limit))
    if args.json:
        print_json([r.as_json() for r in rows])
        return 0
    for r in rows:
        counts = t(
            "items {items}  amendments {amendments}", items=r.open_items, amendments=r.amendments
        )
        sys.stdout.write(
            f"{r.id[:8]} {r.shift_id:<24} {fit(t(r.status), 12)} {r.outgoing} -> "
            f"{r.incoming or '-'}  {counts}  {r.summary}\n"
        )
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from floorman.domain.handover import find, markdown
    from floorman.domain.operators.permissions import require_personal

    floor = open_floor(args, authenticate=True)
    require_personal(floor)  # the snapshot names the visitors on the floor
    view = find.get(floor, args.shift or "last")
    if args.json:
        print_json(view.as_json())
    else:
        _language(args, floor)
        sys.stdout.write(markdown.to_markdown(view, floor.config.zone(), t))
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from floorman.domain.handover import chain

    floor = open_floor(args)
    with floor.db.read() as session:
        problems = chain.verify_chain(session)
    for problem in problems:
        print(t("problem: {problem}", problem=problem))
    print(t("ok") if not problems else t("{count} problem(s) found", count=len(problems)))
    return 1 if problems else 0


def cmd_remind(args: argparse.Namespace) -> int:
    from floorman.domain.handover import reminders
    from floorman.domain.operators.permissions import require

    floor = open_floor(args, authenticate=True)
    require(floor, "handover.write")  # the service schedules them by itself, as the system
    reminders.ensure_reminders(floor)
    print(t("handover reminders scheduled"))
    return 0
