"""Commands that take agent states in from other systems: `feed jsonl`, `feed asterisk`.

Bad lines are reported on stderr as "line N: message", skipped and counted; the summary
goes to stdout. Exit 0 when the input was processed (even with bad lines), 2 when it
could not be read at all.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from floorman.cli.common import open_floor, print_json
from floorman.domain.core import bounds

if TYPE_CHECKING:
    from floorman.domain.feeds.report import BadLine, FeedReport


_BATCH = bounds.count(1, 100_000)


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    feed = subparsers.add_parser("feed", parents=[common])
    feed_cmds = feed.add_subparsers(dest="feed_command", metavar="FEED", required=True)

    jsonl = feed_cmds.add_parser(
        "jsonl",
        parents=[common],
        help='JSON Lines events: {"id","seat","state","agent","reason","at"} per line',
    )
    jsonl.add_argument("file", metavar="FILE|-", help="a file, or - for standard input")
    jsonl.add_argument("--source", default="jsonl", metavar="NAME", help="recorded as the source")
    jsonl.add_argument("--batch", type=_BATCH, default=500, metavar="N", help="events per commit")
    jsonl.add_argument("--json", action="store_true", help="print the summary as JSON")
    jsonl.set_defaults(handler=cmd_feed_jsonl)

    asterisk = feed_cmds.add_parser(
        "asterisk", parents=[common], help="Asterisk queue_log (e.g. /var/log/asterisk/queue_log)"
    )
    asterisk.add_argument("path", metavar="PATH", type=Path)
    asterisk.add_argument("--follow", action="store_true", help="keep reading as the log grows")
    asterisk.add_argument(
        "--map",
        type=Path,
        metavar="FILE.csv",
        help="CSV interface,seat,staff_no mapping member interfaces to seats and staff",
    )
    asterisk.add_argument(
        "--interval",
        type=bounds.number(0.01, 86400),
        default=1.0,
        metavar="SECONDS",
        help="poll interval with --follow",
    )
    asterisk.add_argument(
        "--from-start",
        action="store_true",
        help="read the file from its start, ignoring the stored offset (replays add nothing twice)",
    )
    asterisk.add_argument("--source", default="asterisk", metavar="NAME")
    asterisk.add_argument("--batch", type=_BATCH, default=500, metavar="N", help="lines per commit")
    asterisk.add_argument("--json", action="store_true", help="print the summary as JSON")
    asterisk.set_defaults(handler=cmd_feed_asterisk)

    status = feed_cmds.add_parser(
        "status",
        parents=[common],
        help="followed logs and how far they have been applied; events recorded per feed source",
    )
    status.add_argument("--json", action="store_true")
    status.set_defaults(handler=cmd_feed_status)


def _report_bad(bad: BadLine) -> None:
    sys.stderr.write(f"{bad}\n")
    sys.stderr.flush()


def _print_summary(report: FeedReport, name: str, as_json: bool) -> None:
    if as_json:
        print_json(report.as_json())
    else:
        print(report.summary(name))


def cmd_feed_jsonl(args: argparse.Namespace) -> int:
    from floorman.domain.core.errors import FloorError
    from floorman.domain.feeds.jsonl import JsonlFeed, read_lines
    from floorman.i18n import t
    from floorman.translated import os_error_text

    if args.batch < 1:
        raise FloorError("--batch must be at least 1")
    if args.file == "-":
        fd, close = sys.stdin.fileno(), False
    else:
        try:
            fd, close = os.open(args.file, os.O_RDONLY), True
        except OSError as exc:
            raise FloorError(
                "{name}: cannot be read: {problem}", name=args.file, problem=exc
            ) from exc
    floor = open_floor(args, source=args.source)
    feed = JsonlFeed(floor, source=args.source, batch_size=args.batch, on_bad=_report_bad)
    line = 0
    try:
        for raw in read_lines(fd):
            if raw is None:  # the pipe went quiet: commit what came so far
                feed.flush()
                continue
            line += 1
            feed.add(line, raw)
        feed.flush()
    except OSError as exc:
        if line == 0:
            raise FloorError(
                "{name}: cannot be read: {problem}", name=args.file, problem=exc
            ) from exc
        feed.flush()
        stopped = t(
            "{name}: reading stopped after line {line}: {problem}",
            name=args.file,
            line=line,
            problem=os_error_text(exc),
        )
        print(f"floorman: {stopped}", file=sys.stderr)
    finally:
        if close:
            os.close(fd)
    _print_summary(feed.report, "jsonl", args.json)
    return 0


def cmd_feed_asterisk(args: argparse.Namespace) -> int:
    from floorman.domain.core.errors import FloorError
    from floorman.domain.feeds.follow import FeedFollower
    from floorman.domain.feeds.members import load_interface_map
    from floorman.i18n import t

    if args.batch < 1:
        raise FloorError("--batch must be at least 1")
    if args.interval <= 0:
        raise FloorError("--interval must be more than 0 seconds")
    mapping = load_interface_map(args.map) if args.map else None
    if not args.follow and not args.path.is_file():
        raise FloorError("{path}: no such file", path=args.path)
    floor = open_floor(args, source=args.source)
    follower = FeedFollower(
        floor,
        args.path,
        mapping=mapping,
        source=args.source,
        batch_size=args.batch,
        on_bad=_report_bad,
        from_start=args.from_start,
    )
    if not args.follow:
        follower.poll_once()
        _print_summary(follower.report, "asterisk", args.json)
        return 0

    def on_poll(report: FeedReport) -> None:
        if report.read or report.restarts:
            _print_summary(report, "asterisk", args.json)
            sys.stdout.flush()

    # Ctrl-C ends following; every applied batch was committed with its offset.
    with contextlib.suppress(KeyboardInterrupt):
        follower.follow(interval=args.interval, on_poll=on_poll)
    _print_summary(follower.report, t("asterisk (total)"), args.json)
    return 0


def cmd_feed_status(args: argparse.Namespace) -> int:
    from floorman.domain.feeds.status import feed_positions, feed_sources
    from floorman.i18n import t

    floor = open_floor(args)
    with floor.db.read() as session:
        positions = feed_positions(session)
        sources = [] if args.json else feed_sources(session)
    if args.json:
        # Unchanged for scripts: the stored Asterisk offsets.
        print_json([p.as_json() for p in positions])
        return 0
    print(t("Asterisk feeds (followed logs):"))
    if not positions:
        print("  " + t("no Asterisk feed offsets recorded"))
    for p in positions:
        where = t(
            "line {line}, byte {offset}, inode {inode}",
            line=p.line,
            offset=p.offset,
            inode=p.inode,
        )
        print(f"  {p.source:<10} {p.path}  {where}, {p.updated_at.isoformat()}")
    print(t("Events recorded by feeds, per source:"))
    if not sources:
        print("  " + t("no events from feeds recorded yet"))
    zone = floor.config.zone()
    for s in sources:
        last = s.last_at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S %Z")
        said = (
            "{events} event, the last at {last}"
            if s.events == 1
            else "{events} events, the last at {last}"
        )
        print(f"  {s.source:<10} " + t(said, events=s.events, last=last))
    print(t("JSON Lines feeds keep no offset: event ids make a replay add nothing twice."))
    return 0
