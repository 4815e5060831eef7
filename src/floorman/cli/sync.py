"""Commands for many floors: `sync` (site to central), `region` (HQ) and `central` (setup).

The central URL names host, port, database, user and TLS settings (`sslmode=...`); a
password in it is refused (exit 2): libpq reads it from PGPASSFILE or the service file.
An unreachable or refusing central server is one line and exit 1; nothing is lost.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import timedelta
from typing import Any, NoReturn

from floorman.cli.common import open_floor, print_json
from floorman.data.db import DatabaseError
from floorman.domain.core.errors import FloorError
from floorman.domain.core.text import one_line
from floorman.i18n import cells, fit, t


def _central_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--central",
        required=True,
        metavar="URL",
        help="postgresql://USER@HOST:PORT/DB?sslmode=... (password from PGPASSFILE/PGSERVICE)",
    )


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    sync = subparsers.add_parser("sync", parents=[common])
    _central_option(sync)
    sync.add_argument("--once", action="store_true", help="send what is pending and exit")
    sync.add_argument("--interval", type=float, default=1.0, metavar="S", help="seconds")
    sync.add_argument(
        "--snapshot-every",
        type=float,
        default=2.0,
        metavar="S",
        help="send the live state at most this often while it changes (default 2)",
    )
    sync.add_argument(
        "--batch", type=int, default=2000, metavar="ROWS", help="journal rows per transaction"
    )
    sync.set_defaults(handler=cmd_sync)

    region = subparsers.add_parser("region", parents=[common])
    _central_option(region)
    region.add_argument("--json", action="store_true", help="one object per site")
    region.add_argument(
        "--stale-after", type=float, default=60.0, metavar="S", help="seconds (default 60)"
    )
    region.add_argument(
        "--report", action="store_true", help="per site and hour: occupancy, away, alerts"
    )
    region.add_argument("--from", dest="day_from", metavar="YYYY-MM-DD", help="first day")
    region.add_argument("--to", dest="day_to", metavar="YYYY-MM-DD", help="last day (incl.)")
    region.add_argument("--site", action="append", metavar="CODE", help="only these (repeat)")
    region.set_defaults(handler=cmd_region)

    setup = subparsers.add_parser("central", parents=[common])
    actions = setup.add_subparsers(dest="central_command", metavar="ACTION", required=True)
    init = actions.add_parser("init", parents=[common], help="create or migrate its schema")
    _central_option(init)
    init.set_defaults(handler=cmd_central_init)
    site = actions.add_parser("add-site", parents=[common], help="register a site and its role")
    _central_option(site)
    site.add_argument("code", metavar="CODE")
    site.add_argument("--role", required=True, metavar="ROLE")
    site.add_argument("--name", default="", metavar="TEXT")
    site.set_defaults(handler=cmd_add_site)
    hq = actions.add_parser("add-hq", parents=[common], help="a login role for HQ")
    _central_option(hq)
    hq.add_argument("role", metavar="ROLE")
    hq.add_argument("--post", action="store_true", help="may post notices too")
    hq.set_defaults(handler=cmd_add_hq)
    alarms = actions.add_parser("alarms", parents=[common], help="journal chain alarms")
    _central_option(alarms)
    alarms.add_argument("--json", action="store_true")
    alarms.set_defaults(handler=cmd_alarms)
    notice = actions.add_parser("notice", parents=[common], help="post a notice to the floors")
    _central_option(notice)
    notice.add_argument("text", metavar="TEXT")
    notice.add_argument("--site", action="append", metavar="CODE", help="only these (repeat)")
    notice.add_argument("--kind", metavar="EMERGENCY", help="the unified wording for this kind")
    notice.set_defaults(handler=cmd_notice)
    notices = actions.add_parser("notices", parents=[common], help="notices and their acks")
    _central_option(notices)
    notices.add_argument("--json", action="store_true")
    notices.set_defaults(handler=cmd_notices)


class _Unusable(DatabaseError):
    """The central server cannot be used (away, refusing): `run` prints it, exit 1."""


# Raised for `cli.run`, which prints every command's failures the same way: one line,
# exit 2 for bad input (FloorError), 1 for a central server that cannot be used.
def _refuse(message: str, **values: object) -> NoReturn:
    raise FloorError(message, **values)


def _unusable(message: str, **values: object) -> NoReturn:
    raise _Unusable(message, **values)


def _engine(args: argparse.Namespace) -> Any:
    from floorman.data.central.connection import central_engine

    return central_engine(args.central)


def _guarded(action: Any) -> int:
    """Run `action`; a bad URL is exit 2, a central server that refuses or is away exit 1."""
    from sqlalchemy.exc import DBAPIError

    from floorman.data.central.connection import CentralError, CentralUrlError

    try:
        return int(action() or 0)
    except CentralUrlError as exc:  # its message id and values: said in the run's language
        _refuse(exc.message_id, **exc.values)
    except CentralError as exc:
        _unusable(exc.message_id, **exc.values)
    except DBAPIError as exc:
        detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        _unusable("central server: {detail}", detail=detail)


def cmd_sync(args: argparse.Namespace) -> int:
    from floorman.data.central.connection import central_url

    if not 0 < args.interval <= 3600:
        _refuse("--interval must be between 0 and 3600 seconds")
    if not 0 <= args.snapshot_every <= 3600:
        _refuse("--snapshot-every must be between 0 and 3600 seconds")
    if not 1 <= args.batch <= 100_000:
        _refuse("--batch must be between 1 and 100000 rows")

    def go() -> int:
        central_url(args.central)  # a refused URL before the floor is even opened
        return _sync(args)

    return _guarded(go)


def _sync(args: argparse.Namespace) -> int:
    from floorman.data.central.connection import CentralError
    from floorman.domain.sync.push import ChainRefused, SyncPass, keep_syncing, record_failure

    floor = open_floor(args, source="sync")
    link = SyncPass(
        floor,
        _engine(args),
        batch_rows=args.batch,
        snapshot_every_s=0.0 if args.once else args.snapshot_every,
    )
    if args.once:
        try:
            result = link.run_once()
        except CentralError as exc:
            record_failure(floor, exc.english)  # the cursor's record stays English
            raise
        print(
            t(
                "site {site}: sent {sent} journal rows (central holds {central}, {pending} "
                "pending), {notices} notices in, {acks} acknowledgements out",
                site=result.site,
                sent=result.sent_rows,
                central=result.central_seq,
                pending=result.pending_rows,
                notices=result.notices_received,
                acks=result.acks_sent,
            )
        )
        return 0

    def say(problem: CentralError, new: bool) -> None:
        if new:
            said = t("floorman: {problem}; rows stay pending", problem=problem)
            print(one_line(said), file=sys.stderr)

    def pause(seconds: float) -> bool:
        time.sleep(seconds)
        return False  # until ctrl+c or SIGTERM

    try:
        keep_syncing(
            link,
            interval=args.interval,
            wait=pause,
            on_problem=say,
            on_back=lambda: print(
                t("floorman: central server reached again; sending"), file=sys.stderr
            ),
            stop_on_refusal=True,
        )
    except ChainRefused as exc:
        _unusable(exc.message_id, **exc.values)
    return 0


def cmd_region(args: argparse.Namespace) -> int:
    from floorman.data.central.connection import central_url

    if not 0 < args.stale_after <= 86_400:
        _refuse("--stale-after must be between 0 and 86400 seconds")

    if args.report:
        return _region_report(args)
    if args.day_from or args.day_to or args.site:
        _refuse("--from, --to and --site go with --report")

    def show() -> int:
        central_url(args.central)
        stale_after = timedelta(seconds=args.stale_after)
        if args.json:
            from floorman.domain.sync.region import region

            _now, sites = region(_engine(args), stale_after=stale_after)
            print_json([s.as_json() for s in sites])
            return 0
        from floorman.screens.region import RegionApp

        RegionApp(_engine(args), stale_after=stale_after).run()
        return 0

    return _guarded(show)


def _region_report(args: argparse.Namespace) -> int:
    """`region --report`: the region report over whole local days, as text or JSON."""
    from datetime import datetime

    from floorman.cli.common import config_from
    from floorman.data.central.connection import central_url
    from floorman.domain.core.bounds import parse_day
    from floorman.domain.sync.region_report import region_report

    if not args.day_from:
        _refuse("--report needs --from YYYY-MM-DD")
    first = parse_day(args.day_from, "--from")
    last = parse_day(args.day_to, "--to") if args.day_to else first
    zone = config_from(args).zone()
    start = datetime.combine(first, datetime.min.time(), zone)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), zone)

    def report() -> int:
        central_url(args.central)
        reports = region_report(_engine(args), start, end, sites=args.site)
        if args.json:
            print_json([r.as_json() for r in reports])
            return 0
        print(
            fit(t("site"), 12) + " " + fit(t("hour"), 16) + " "
            + _right(t("occupancy"), 9) + " " + _right(t("away min"), 9) + " "
            + _right(t("alerts"), 7)
        )  # fmt: skip
        for site in reports:
            for hour in site.hourly():
                occupancy = hour["occupancy"]
                shown = f"{occupancy:.0%}" if isinstance(occupancy, float) else "-"
                print(
                    f"{site.site:<12} {str(hour['hour'])[:16]:<16} {shown:>9} "
                    f"{hour['away_minutes']:>9} {hour['alerts']:>7}"
                )
        return 0

    return _guarded(report)


def _right(text: str, width: int) -> str:
    """`text` right-aligned in `width` terminal cells (a Chinese heading over numbers)."""
    return " " * max(0, width - cells(text)) + text


def cmd_central_init(args: argparse.Namespace) -> int:
    from floorman.data.central.schema import migrate

    def init() -> int:
        migrate(_engine(args))
        print(t("central schema ready"))
        return 0

    return _guarded(init)


def cmd_add_site(args: argparse.Namespace) -> int:
    from floorman.domain.sync.admin import add_site

    def add() -> int:
        add_site(_engine(args), args.code, args.role, args.name)
        print(
            t(
                "site {code} registered for role {role}; set its password in psql",
                code=args.code,
                role=args.role,
            )
        )
        return 0

    return _guarded(add)


def cmd_add_hq(args: argparse.Namespace) -> int:
    from floorman.domain.sync.admin import add_hq_role

    def add() -> int:
        add_hq_role(_engine(args), args.role, can_post=args.post)
        said = (
            "HQ role {role} may read every site and post notices"
            if args.post
            else "HQ role {role} may read every site"
        )
        print(t(said, role=args.role))
        return 0

    return _guarded(add)


def cmd_alarms(args: argparse.Namespace) -> int:
    from floorman.domain.sync.push import halt_reason
    from floorman.domain.sync.region import alarms

    def show() -> int:
        found = alarms(_engine(args))
        if args.json:
            print_json(found)
        for alarm in [] if args.json else found:
            print(
                t(
                    "{raised_at} {site} row {seq} {kind}: {detail}",
                    raised_at=alarm["raised_at"],
                    site=alarm["site"],
                    seq=alarm["seq"],
                    kind=alarm["kind"],
                    detail=halt_reason(alarm["detail"]),
                )
            )
        return 0

    return _guarded(show)


def cmd_notice(args: argparse.Namespace) -> int:
    from floorman.domain.sync.notices import post

    def send() -> int:
        notice_id = post(_engine(args), args.text, sites=args.site, emergency_kind=args.kind)
        where = t(", ").join(args.site) if args.site else t("every site")
        print(t("notice {id} posted to {where}", id=notice_id[:8], where=where))
        return 0

    return _guarded(send)


def cmd_notices(args: argparse.Namespace) -> int:
    from floorman.domain.sync.notices import list_notices

    def show() -> int:
        found = list_notices(_engine(args))
        if args.json:
            print_json([n.as_json() for n in found])
            return 0
        for n in found:
            acked = t(", ").join(sorted(n.acknowledged)) or t("none")
            print(
                t(
                    "{id} {posted_at} {posted_by}: {body} (acknowledged: {acked})",
                    id=n.id[:8],
                    posted_at=n.posted_at.isoformat(),
                    posted_by=n.posted_by,
                    body=n.body,
                    acked=acked,
                )
            )
        return 0

    return _guarded(show)
