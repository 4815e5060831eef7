"""The incident report: JSON-ready data and Markdown, from the emergency, its timeline and
its roll call (the one roll call, so the counts are those every screen shows)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from floorman.clock import elapsed_seconds, mmss
from floorman.domain.core.states import EmergencyStatus, PersonKind, StepState
from floorman.domain.emergency.headcount import roll_call_lines
from floorman.domain.emergency.views import (
    ACTION_WORDS,
    STATUS_WORDS,
    StepCounts,
    get_emergency,
    timeline,
)
from floorman.domain.roll_call.views import RollCallEntryView, count_entries, timeline_words
from floorman.i18n import translate

# The timeline's roll-call lines, which name a person by their number on the roll call.
ROLL_CALL_ACTIONS = frozenset({"safe", "unsafe", "roll_call.add"})
_POSITION = re.compile(r"#(\d+)\b")


def report_data(session: Session, ref: str) -> dict[str, object]:
    """The incident report as plain JSON-ready data: steps, times, actors, notes, wording."""
    view = get_emergency(session, ref)
    events = timeline(session, view.id)
    people = roll_call_lines(session, view.id)
    notes: dict[int, list[dict[str, object]]] = {}
    for event in events:
        if event.action == "step.note" and event.step_number is not None:
            notes.setdefault(event.step_number, []).append(
                {"at": event.at.isoformat(), "by": event.actor, "text": event.text}
            )
    closed_or_now = view.closed_at
    return {
        "id": view.id,
        "kind": view.kind,
        "title": {"en": view.title_en, "zh": view.title_zh},
        "drill": view.drill,
        "status": view.status,
        "priority": view.priority,
        "started_at": view.started_at.isoformat(),
        "started_by": view.started_by,
        "closed_at": closed_or_now.isoformat() if closed_or_now else None,
        "closed_by": view.closed_by,
        "close_reason": view.close_reason,
        "not_done_steps": [s.number for s in view.steps if s.state == StepState.NOT_DONE],
        "duration_seconds": (
            elapsed_seconds(view.started_at, view.closed_at) if view.closed_at else None
        ),
        "wording": {
            "text": view.wording,
            "set_at": view.wording_at.isoformat() if view.wording_at else None,
            "set_by": view.wording_by,
            "history": [
                {"at": e.at.isoformat(), "by": e.actor, "text": e.text}
                for e in events
                if e.action == "wording"
            ],
        },
        "steps": [
            {
                "number": s.number,
                "text": {"en": s.text_en, "zh": s.text_zh},
                "state": s.state,
                "at": s.state_at.isoformat() if s.state_at else None,
                "by": s.state_by,
                "skip_reason": s.skip_reason,
                "defer_note": s.defer_note,
                "assignee": s.assignee,
                "notes": notes.get(s.number, []),
            }
            for s in view.steps
        ],
        "roll_call": [
            {
                "position": line.position,
                "kind": line.kind,
                "name": line.reported_as,
                "visitor_id": line.visitor_id,
                "location": line.location,
                "safe_at": line.safe_at.isoformat() if line.safe_at else None,
                "safe_by": line.safe_by,
            }
            for line in people
        ],
        "roll_call_count": count_entries(people).as_json(),
        "step_counts": view.step_counts.as_json(),
        "timeline": [
            {
                "seq": e.seq,
                "at": e.at.isoformat(),
                "actor": e.actor,
                "terminal": e.terminal,
                "action": e.action,
                "step": e.step_number,
                "text": e.text,
            }
            for e in events
        ],
    }


def _md(text: str | None) -> str:
    """Text safe inside one Markdown table cell or list item."""
    return (text or "").replace("|", "\\|").replace("\n", " / ")


def report_markdown(session: Session, ref: str, zone: ZoneInfo, lang: str = "en") -> str:
    """The incident report as Markdown in `lang`, times in the floor's local zone."""
    view = get_emergency(session, ref)
    events = timeline(session, view.id)
    lines_roll = roll_call_lines(session, view.id)

    def tr(message: str, /, **values: object) -> str:
        return translate(lang, message, **values)

    def local(when: datetime | None) -> str:
        return when.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S") if when else "-"

    def listed(numbers: list[int]) -> str:
        return tr(", ").join(str(number) for number in numbers)

    # In Chinese the checklist's title says its kind (the kind is an English key).
    kind = view.kind if lang == "en" else view.title(lang)
    out = [
        tr("# Incident report: {title}", title=view.title(lang))
        + (tr(" (DRILL)") if view.drill else ""),
        "",
        tr("- Id: {id}", id=view.id),
        tr("- Kind: {kind} (priority {priority})", kind=kind, priority=view.priority),
        tr("- Status: {status}", status=tr(STATUS_WORDS[view.status])),
        tr("- Started: {when} by {person}", when=local(view.started_at), person=view.started_by),
        tr(
            "- Closed: {when} by {person}",
            when=local(view.closed_at),
            person=view.closed_by or "-",
        ),
    ]
    if view.closed_at:
        out.append(tr("- Duration: {duration}", duration=mmss(view.elapsed(view.closed_at))))
    if view.status == EmergencyStatus.CLOSED_EARLY:
        out.append(tr("- Closed early: {reason}", reason=_md(view.close_reason)))
    out.append(tr("- Drill: yes, not a real emergency") if view.drill else tr("- Drill: no"))
    out.append(tr("- Steps: {counts}", counts=_counts(view.step_counts, tr)))
    if view.has_roll_call:
        count = count_entries(lines_roll)
        out.append(
            tr(
                "- Roll call: {people} people, {safe} safe, {not_yet_safe} not yet safe",
                people=count.people,
                safe=count.safe,
                not_yet_safe=count.not_yet_safe,
            )
        )
    out += ["", tr("## Unified wording (统一口径)"), ""]
    if view.wording:
        out += [f"> {line}" for line in view.wording.splitlines()]
        when, person = local(view.wording_at), view.wording_by
        out += ["", tr("Set {when} by {person}.", when=when, person=person)]
    else:
        out.append(tr("(none set)"))
    history = [e for e in events if e.action == "wording"]
    if len(history) > 1:
        out += ["", tr("Earlier versions:"), ""]
        out += [f"- {local(e.at)} {e.actor}: {_md(e.text)}" for e in history[:-1]]
    out += [
        "",
        tr("## Steps"),
        "",
        tr("| # | step | state | when | who | assigned | reason |"),
        "|---|---|---|---|---|---|---|",
    ]
    for s in view.steps:
        reason = s.skip_reason if s.state == StepState.SKIPPED else None
        if s.state == StepState.DEFERRED:
            reason = s.defer_note
        elif s.state == StepState.NOT_DONE:
            reason = tr("closed early")
        state = tr(s.state.replace("_", " "))
        out.append(
            f"| {s.number} | {_md(s.text(lang))} | {state} | {local(s.state_at)} | "
            f"{_md(s.state_by) or '-'} | {_md(s.assignee) or '-'} | {_md(reason) or '-'} |"
        )
    step_notes = [e for e in events if e.action == "step.note"]
    if step_notes:
        out += ["", tr("### Notes"), ""]
        out += [
            tr(
                "- step {number}, {when} {person}: {text}",
                number=e.step_number,
                when=local(e.at),
                person=e.actor,
                text=_md(e.text),
            )
            for e in step_notes
        ]
    deferred = view.deferred_steps()
    if deferred:
        out += ["", tr("Deferred items: {steps}", steps=listed([s.number for s in deferred]))]
    not_done = [s.number for s in view.steps if s.state == StepState.NOT_DONE]
    if not_done:
        out += ["", tr("Not done (closed early): {steps}", steps=listed(not_done))]
    if view.has_roll_call:
        out += [
            "",
            tr("## Roll call"),
            "",
            tr("| # | who | name | where | safe at | marked by |"),
            "|---|---|---|---|---|---|",
        ]
        for line in lines_roll:
            name = line.reported_as
            if line.kind == PersonKind.VISITOR and line.visitor_id:
                name = tr("visitor {id}", id=line.visitor_id)
            safe = local(line.safe_at) if line.safe_at else tr("NOT ACCOUNTED FOR")
            out.append(
                f"| {line.position} | {tr(str(line.kind))} | {_md(name)} | "
                f"{_md(line.location)} | {safe} | {_md(line.safe_by) or '-'} |"
            )
    out += ["", tr("## Timeline"), ""]
    people = {line.position: line for line in lines_roll}
    for e in events:
        # English keeps the stored action (scripts read it); another language its words.
        action = e.action if lang == "en" else tr(ACTION_WORDS.get(e.action, e.action))
        step = tr(" step {number}", number=e.step_number) if e.step_number is not None else ""
        said = e.text or ""
        if e.action == "close":  # a close stores its status word, in English
            said = tr(said)
        elif e.action == "start" and lang != "en":  # stored as `drill: Fire (fire.toml)`
            said = view.title(lang) + (tr(" (DRILL)") if view.drill else "")
        elif e.action in ROLL_CALL_ACTIONS and lang != "en":
            said = _person_in(said, people, lang)
        text = tr(": {text}", text=_md(said)) if said else ""
        out.append(f"- {local(e.at)} {e.actor} ({e.terminal}) {action}{step}{text}")
    return "\n".join(out) + "\n"


def _person_in(said: str, people: dict[int, RollCallEntryView], lang: str) -> str:
    """A roll-call timeline line (`#3 Li Na (seat A-01)`, then `: why` for a mark taken
    back), stored in English, in `lang`: the person's words rebuilt from the roll call's
    entry of that number, the reason as written."""
    number = _POSITION.match(said)
    line = people.get(int(number.group(1))) if number else None
    if line is None:
        return said
    stored = timeline_words(line)
    if not said.startswith(stored):
        return said
    rest = said[len(stored) :]
    if rest.startswith(": "):
        rest = translate(lang, ": {text}", text=rest[2:])
    return timeline_words(line, lang) + rest


def _counts(counts: StepCounts, tr: Callable[..., str]) -> str:
    """'4 done, 1 skipped, 2 deferred, 3 not done of 10' in the report's language."""
    return counts.text(tr)
