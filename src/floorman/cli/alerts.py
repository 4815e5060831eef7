"""Commands for alerts: `floorman alerts list` and `floorman alerts ack`.

`alerts list` prints the alerts in the alerts panel's order (active worst and oldest
first, then acknowledged, then resolved); `--active` only the active ones, exactly what
the panel lists as active; `--since ISO` those fired since then (and any still open).
`alerts ack ID...` acknowledges the alerts named by id or id prefix, all or none;
`alerts ack --all [--kind K]` every active one (of a kind or area such as "away").
Both go through `domain.alerts.lifecycle`, as the panel does.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from floorman.cli.common import open_floor, print_json


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    alerts = subparsers.add_parser("alerts", parents=[common])
    cmds = alerts.add_subparsers(dest="alerts_command", metavar="ACTION", required=True)

    listing = cmds.add_parser("list", parents=[common], help="alerts, worst open ones first")
    listing.add_argument("--active", action="store_true", help="only active (unacknowledged)")
    listing.add_argument("--since", metavar="ISO8601", help="fired since then, or still open")
    listing.add_argument("--kind", metavar="KIND", help='a kind or an area, e.g. "away"')
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_list)

    ack = cmds.add_parser("ack", parents=[common], help="acknowledge alerts")
    ack.add_argument("ids", nargs="*", metavar="ID", help="alert ids or id prefixes")
    ack.add_argument("--all", action="store_true", help="every active alert")
    ack.add_argument("--kind", metavar="KIND", help="with --all: only this kind or area")
    ack.add_argument("--note", metavar="TEXT", help="why, or what was done")
    ack.add_argument("--json", action="store_true")
    ack.set_defaults(handler=cmd_ack)


def _line(view: Any, zone: Any) -> str:
    """One alert: id, severity, state, when it fired, its seat or subject, its text, in
    the run's language (the words the alerts panel uses)."""
    from floorman.domain.alerts.views import STATE_LABELS
    from floorman.domain.core.states import AlertState
    from floorman.i18n import fit, t

    fired = view.fired_at.astimezone(zone).strftime("%m-%d %H:%M") if view.fired_at else "-"
    state = t(STATE_LABELS[AlertState(view.state or AlertState.ACTIVE)])
    return (
        f"{view.id[:8]} {fit(t(view.severity), 8)} {fit(state, 12)} {fired} "
        f"{(view.seat or view.shown_subject)[:12]:<12} {view.text}\n"
    )


def cmd_list(args: argparse.Namespace) -> int:
    from floorman.domain.alerts.lifecycle import alerts_list
    from floorman.domain.core.text import parse_instant

    floor = open_floor(args)
    since = parse_instant(args.since, floor.config.zone()) if args.since else None
    with floor.db.read() as session:
        views = alerts_list(session, floor, active_only=args.active, since=since, kind=args.kind)
    if args.json:
        print_json([view.as_json() for view in views])
        return 0
    zone = floor.config.zone()
    for view in views:
        sys.stdout.write(_line(view, zone))
    return 0


def cmd_ack(args: argparse.Namespace) -> int:
    from floorman.domain.alerts.lifecycle import acknowledge_all, acknowledge_many
    from floorman.domain.core.errors import FloorError

    if args.all == bool(args.ids):
        raise FloorError("name alert ids, or give --all (not both)")
    if args.kind and not args.all:
        raise FloorError("--kind goes with --all")
    floor = open_floor(args, authenticate=True)
    if args.all:
        views = acknowledge_all(floor, kind=args.kind, note=args.note)
    else:
        views = acknowledge_many(floor, args.ids, args.note)
    if args.json:
        print_json([view.as_json() for view in views])
        return 0
    zone = floor.config.zone()
    for view in views:
        sys.stdout.write(_line(view, zone))
    return 0
