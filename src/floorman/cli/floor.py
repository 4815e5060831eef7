"""Commands for the floor itself: init, event, seats, agents."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from floorman.cli.common import open_floor, print_json
from floorman.i18n import cells, fit, t


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    init = subparsers.add_parser("init", parents=[common])
    init.add_argument("--demo", action="store_true", help="fill it with the demo floor")
    init.set_defaults(handler=cmd_init)

    event = subparsers.add_parser("event", parents=[common])
    event.add_argument("seat", metavar="SEAT")
    event.add_argument("state", metavar="STATE", help="ready busy away back empty fault fixed")
    event.add_argument("--agent", metavar="STAFF_NO")
    event.add_argument("--reason", metavar="TEXT")
    event.add_argument("--at", metavar="ISO8601")
    event.add_argument("--source", metavar="NAME")
    event.add_argument("--id", dest="external_id", metavar="ID", help="idempotency key")
    event.set_defaults(handler=cmd_event)

    seats = subparsers.add_parser("seats", parents=[common])
    seat_cmds = seats.add_subparsers(dest="seats_command", metavar="ACTION", required=True)
    seats_list = seat_cmds.add_parser("list", parents=[common], help="every seat and its state")
    seats_list.add_argument("--json", action="store_true")
    seats_list.set_defaults(handler=cmd_seats_list)
    seats_import = seat_cmds.add_parser("import", parents=[common], help="import seats from CSV")
    seats_import.add_argument("file", metavar="FILE.csv", type=Path)
    seats_import.set_defaults(handler=cmd_seats_import)

    agents = subparsers.add_parser("agents", parents=[common])
    agent_cmds = agents.add_subparsers(dest="agents_command", metavar="ACTION", required=True)
    agents_import = agent_cmds.add_parser("import", parents=[common], help="import agents from CSV")
    agents_import.add_argument("file", metavar="FILE.csv", type=Path)
    agents_import.set_defaults(handler=cmd_agents_import)


def cmd_init(args: argparse.Namespace) -> int:
    floor = open_floor(args, migrate=True, authenticate=args.demo)
    if args.demo:
        from floorman.domain.demo import build_demo_floor

        seats = build_demo_floor(floor)
        print(t("demo floor with {count} seats in {path}", count=seats, path=floor.db.path))
    else:
        print(t("database ready: {path}", path=floor.db.path))
    return 0


def cmd_event(args: argparse.Namespace) -> int:
    from floorman.config import Config
    from floorman.domain.away import follow  # noqa: F401  (the away rules follow the seat)
    from floorman.domain.core.text import parse_instant
    from floorman.domain.seats.events import record_event

    floor = _event_floor(args)
    config: Config = floor.config
    at = parse_instant(args.at, config.zone()) if args.at else None
    record_event(
        floor,
        args.seat,
        args.state,
        agent_no=args.agent,
        reason=args.reason,
        at=at,
        source=args.source,
        external_id=args.external_id,
    )
    return 0


def _event_floor(args: argparse.Namespace) -> Any:
    """Who records this agent state: the `--source` named (a phone system, a script), or
    on a floor with operators a logged-in operator (PIN from FLOORMAN_PIN or a prompt);
    never a person named by `--operator` alone."""
    from floorman.domain.core.errors import FloorError

    if args.source is not None:
        return open_floor(args, source=args.source)
    try:
        return open_floor(args, authenticate=True)
    except FloorError as exc:
        if "FLOORMAN_PIN" not in str(exc):
            raise
        raise FloorError(
            "{problem}, or record it as a phone system with --source NAME", problem=exc
        ) from exc


def cmd_seats_list(args: argparse.Namespace) -> int:
    from floorman.clock import mmss
    from floorman.domain.seats.labels import seat_type_label
    from floorman.domain.seats.views import STATE_LETTERS, list_seats

    floor = open_floor(args)
    with floor.db.read() as session:
        views = list_seats(session)
    if args.json:
        print_json([v.as_json() for v in views])
        return 0
    now = floor.clock.now()
    # The type and state in the run's language, each column as wide as its longest word.
    types = {v.seat: seat_type_label(v.type) for v in views}
    type_width = max((cells(label) for label in types.values()), default=0)
    state_width = max((cells(t(v.state)) for v in views), default=0)
    for v in views:
        sys.stdout.write(
            f"{v.seat:<8} {v.zone:<6} {fit(types[v.seat], type_width)} "
            f"{STATE_LETTERS[v.state]} {fit(t(v.state), state_width)} "
            f"{v.agent or '-':<10} {mmss(v.seconds_in_state(now)):>8} {_reason(floor, v)}\n"
        )
    return 0


def _reason(floor: Any, seat: Any) -> str:
    """Why the seat is in its state: an away reason in the floor's words for it, a fault
    as it was written down."""
    from floorman.domain.away.rules import reason_label
    from floorman.domain.core.states import SeatState

    if not seat.reason:
        return ""
    return reason_label(floor.config, seat.reason) if seat.state == SeatState.AWAY else seat.reason


def cmd_seats_import(args: argparse.Namespace) -> int:
    from floorman.domain.seats.importing import import_seats

    count = import_seats(open_floor(args, authenticate=True), args.file)
    print(t("imported 1 seat") if count == 1 else t("imported {count} seats", count=count))
    return 0


def cmd_agents_import(args: argparse.Namespace) -> int:
    from floorman.domain.seats.importing import import_agents

    count = import_agents(open_floor(args, authenticate=True), args.file)
    print(t("imported 1 agent") if count == 1 else t("imported {count} agents", count=count))
    return 0
