"""Commands for emergency checklists: list kinds, start, stamp steps, wording, close, report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from floorman.cli.common import force_option, open_floor, print_json
from floorman.domain.core import bounds
from floorman.i18n import cells, fit, t


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    emergency = subparsers.add_parser("emergency", parents=[common])
    cmds = emergency.add_subparsers(dest="emergency_command", metavar="ACTION", required=True)

    kinds = cmds.add_parser("list-kinds", parents=[common], help="the checklists available")
    kinds.add_argument("--json", action="store_true")
    kinds.set_defaults(handler=cmd_list_kinds)

    start = cmds.add_parser("start", parents=[common], help="start a checklist")
    start.add_argument("kind", metavar="KIND")
    start.add_argument("--drill", action="store_true", help="a drill, not a real emergency")
    start.add_argument("--json", action="store_true")
    start.set_defaults(handler=cmd_start)

    listing = cmds.add_parser("list", parents=[common], help="emergencies, running first")
    listing.add_argument("--running", action="store_true", help="only those still running")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_list)

    show = cmds.add_parser("show", parents=[common], help="one emergency, step by step")
    show.add_argument("id", metavar="ID")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=cmd_show)

    step = cmds.add_parser("step", parents=[common], help="done, skip, note, assign or defer")
    step.add_argument("id", metavar="ID")
    step.add_argument("number", metavar="N", type=bounds.count(1))
    step.add_argument(
        "action",
        metavar="ACTION",
        choices=["done", "skip", "note", "assign", "defer"],
        help="done | skip REASON | note TEXT | assign PERSON | defer [NOTE]",
    )
    step.add_argument("text", metavar="TEXT", nargs="?", default=None)
    step.set_defaults(handler=cmd_step)

    wording = cmds.add_parser("wording", parents=[common], help="set the unified wording")
    wording.add_argument("id", metavar="ID")
    wording.add_argument("text", metavar="TEXT")
    wording.set_defaults(handler=cmd_wording)

    safe = cmds.add_parser("safe", parents=[common], help="mark a person on the roll call safe")
    safe.add_argument("id", metavar="ID")
    safe.add_argument("person", metavar="NAME_OR_LINE")
    safe.set_defaults(handler=cmd_safe)

    close = cmds.add_parser(
        "close",
        parents=[common],
        help="close a checklist (every step stamped, or --early with a reason)",
    )
    close.add_argument("id", metavar="ID")
    close.add_argument(
        "--early",
        action="store_true",
        help="close with steps still open (false alarm, end of a drill); they are recorded "
        "as not done",
    )
    close.add_argument("--reason", metavar="TEXT", help="why it closes early (with --early)")
    close.set_defaults(handler=cmd_close)

    report = cmds.add_parser("report", parents=[common], help="export the incident report")
    report.add_argument("id", metavar="ID")
    fmt = report.add_mutually_exclusive_group(required=True)
    fmt.add_argument("--markdown", action="store_true")
    fmt.add_argument("--json", action="store_true")
    report.add_argument("-o", "--output", metavar="FILE", type=Path)
    force_option(report)
    report.set_defaults(handler=cmd_report)


def _checklists(args: argparse.Namespace) -> Any:
    """Shipped plus the center's own checklists; bad files are reported, not fatal."""
    from floorman.domain.emergency.checklists import load_checklists, user_checklists_dir
    from floorman.i18n import t

    config = Path(args.config) if getattr(args, "config", None) else None
    loaded = load_checklists(user_checklists_dir(config))
    for problem in loaded.problems:
        print(t("floorman: checklist left out: {problem}", problem=problem), file=sys.stderr)
    return loaded


def _lang(args: argparse.Namespace, floor: Any) -> str:
    from floorman.i18n import resolve_language

    return resolve_language(getattr(args, "lang", None), floor.config.language)


def cmd_list_kinds(args: argparse.Namespace) -> int:
    loaded = _checklists(args)
    rows = loaded.ordered()
    if args.json:
        print_json(
            [
                {
                    "kind": c.kind,
                    "title": {"en": c.title_en, "zh": c.title_zh},
                    "priority": c.priority,
                    "steps": len(c.steps),
                    "roll_call": c.roll_call,
                    "source": c.source,
                }
                for c in rows
            ]
        )
        return 0
    # The kind is what is typed (`emergency start fire`); the title in the run's language,
    # English also saying the Chinese title the floor's screens show.
    chinese = getattr(args, "lang", None) == "zh"
    for c in rows:
        steps = t("{count} steps", count=f"{len(c.steps):>2}")
        title = c.title_zh if chinese else f"{c.title_en} / {c.title_zh}"
        print(f"{c.kind:<18} P{c.priority} {steps}  {title}")
    return 0


def _print_view(view: Any, now: Any, lang: str) -> None:
    from floorman.clock import mmss
    from floorman.domain.emergency.views import STATUS_WORDS

    drill = t(" DRILL") if view.drill else ""
    print(
        f"{view.short_id} {view.title(lang)}{drill} P{view.priority} "
        f"{t(STATUS_WORDS[view.status])} {mmss(view.elapsed(now))}"
    )
    if view.wording:
        print(t("  wording: {wording}", wording=view.wording))
    if view.close_reason:
        print(t("  closed early: {reason}", reason=view.close_reason))
    print(t("  steps: {counts}", counts=view.step_counts.text()))
    for s in view.steps:
        who = t(" ({name})", name=s.state_by) if s.state_by else ""
        assigned = f" -> {s.assignee}" if s.assignee else ""
        print(f"  [{s.letter}] {s.number:>2}. {s.text(lang)}{who}{assigned}")


def cmd_start(args: argparse.Namespace) -> int:
    from floorman.domain.emergency.lifecycle import start

    floor = open_floor(args, authenticate=True)
    view = start(floor, args.kind, drill=args.drill, checklists=_checklists(args))
    if args.json:
        print_json(view.as_json())
    else:
        _print_view(view, floor.clock.now(), _lang(args, floor))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from floorman.clock import mmss
    from floorman.domain.emergency.views import STATUS_WORDS, list_emergencies

    floor = open_floor(args)
    with floor.db.read() as session:
        views = list_emergencies(session, running_only=args.running)
    now = floor.clock.now()
    if args.json:
        out = []
        for v in views:
            data = v.as_json()
            data["elapsed_seconds"] = v.elapsed(now)
            out.append(data)
        print_json(out)
        return 0
    lang = _lang(args, floor)
    for v in views:
        drill = t("DRILL ") if v.drill else ""
        steps = t("steps: {counts}", counts=v.step_counts.text())
        print(
            f"{v.short_id} P{v.priority} {drill}{v.title(lang)}  "
            f"{t(STATUS_WORDS[v.status])}  {mmss(v.elapsed(now))}  {steps}"
        )
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from floorman.domain.emergency.headcount import roll_call_lines
    from floorman.domain.emergency.views import get_emergency
    from floorman.domain.operators.permissions import allowed
    from floorman.domain.roll_call.views import count_entries

    floor = open_floor(args, authenticate=True)
    with floor.db.read() as session:
        view = get_emergency(session, args.id)
        lines = roll_call_lines(session, view.id)
        # The checklist is for everyone on the floor; the names on its roll call only for
        # a role allowed to see personal data (the counts are shown to everyone).
        personal = allowed(floor, "personal.read", session=session)
    count = count_entries(lines)
    if args.json:
        data = view.as_json()
        data["elapsed_seconds"] = view.elapsed(floor.clock.now())
        data["roll_call"] = [x.as_json() for x in lines] if personal else None
        data["roll_call_count"] = count.as_json()
        print_json(data)
        return 0
    _print_view(view, floor.clock.now(), _lang(args, floor))
    if view.has_roll_call:
        counted = t(
            "  roll call: {people} people, {safe} safe, {missing} not yet safe",
            people=count.people,
            safe=count.safe,
            missing=count.not_yet_safe,
        )
        print(counted + ("" if personal else t(" (names hidden)")))
    if not personal:
        return 0
    kind_width = max((cells(t(str(x.kind))) for x in lines), default=0)
    for x in lines:
        mark = t("safe ({name})", name=x.safe_by) if x.safe_at else t("NOT ACCOUNTED FOR")
        kind = fit(t(str(x.kind)), kind_width)
        print(
            t("  roll {number}.", number=f"{x.position:>3}")
            + f" {kind} {x.name} [{x.location}] {mark}"
        )
    return 0


def cmd_step(args: argparse.Namespace) -> int:
    from floorman.domain.emergency.lifecycle import step_action

    floor = open_floor(args, authenticate=True)
    view = step_action(floor, args.id, args.number, args.action, args.text)
    step = view.steps[args.number - 1]
    print(
        t("{id} step {number}: {state}", id=view.short_id, number=step.number, state=t(step.state))
        + (f" -> {step.assignee}" if step.assignee else "")
    )
    return 0


def cmd_wording(args: argparse.Namespace) -> int:
    from floorman.domain.emergency.lifecycle import set_wording

    view = set_wording(open_floor(args, authenticate=True), args.id, args.text)
    print(t("{id} wording set by {name}", id=view.short_id, name=view.wording_by))
    return 0


def cmd_safe(args: argparse.Namespace) -> int:
    from floorman.domain.emergency.headcount import mark_safe

    line = mark_safe(open_floor(args, authenticate=True), args.id, args.person)
    print(
        t(
            "{number}. {name} marked safe by {marker}",
            number=line.position,
            name=line.name,
            marker=line.safe_by,
        )
    )
    return 0


def cmd_close(args: argparse.Namespace) -> int:
    from floorman.domain.core.errors import FloorError
    from floorman.domain.core.states import StepState
    from floorman.domain.emergency.lifecycle import close, close_early
    from floorman.domain.emergency.views import STATUS_WORDS

    if args.reason is not None and not args.early:
        raise FloorError("--reason goes with --early; a normal close needs no reason")
    floor = open_floor(args, authenticate=True)
    early = args.early
    view = close_early(floor, args.id, args.reason or "") if early else close(floor, args.id)
    print(t("{id} closed: {status}", id=view.short_id, status=t(STATUS_WORDS[view.status])))
    not_done = [str(s.number) for s in view.steps if s.state == StepState.NOT_DONE]
    if not_done:
        steps = t(", ").join(not_done)
        print(t("not done: steps {steps} ({reason})", steps=steps, reason=view.close_reason))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from floorman.cli.common import json_text
    from floorman.domain.core.files import write_text
    from floorman.domain.emergency.report import report_data, report_markdown
    from floorman.domain.operators.permissions import require_personal

    floor = open_floor(args, authenticate=True)
    with floor.db.read() as session:
        require_personal(floor, session=session)  # the report names everyone on the roll call
        if args.markdown:
            text = report_markdown(session, args.id, floor.config.zone(), _lang(args, floor))
        else:
            text = json_text(report_data(session, args.id), indent=2) + "\n"
    if args.output:
        write_text(args.output, text, force=args.force)
        print(t("report written to {path}", path=args.output))
    else:
        sys.stdout.write(text)
    return 0
