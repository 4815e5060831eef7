"""The incident report: JSON-ready data and Markdown, from the emergency, its timeline and
its roll call (the one roll call, so the counts are those every screen shows)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from floorman.clock import elapsed_seconds, mmss
from floorman.domain.core.states import EmergencyStatus, StepState
from floorman.domain.emergency.headcount import roll_call_lines
from floorman.domain.emergency.views import STATUS_WORDS, get_emergency, timeline
from floorman.domain.roll_call.views import count_entries


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
    """The incident report as Markdown, times in the floor's local zone."""
    view = get_emergency(session, ref)
    events = timeline(session, view.id)
    lines_roll = roll_call_lines(session, view.id)

    def local(when: datetime | None) -> str:
        return when.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S") if when else "-"

    out = [
        f"# Incident report: {view.title(lang)}{' (DRILL)' if view.drill else ''}",
        "",
        f"- Id: {view.id}",
        f"- Kind: {view.kind} (priority {view.priority})",
        f"- Status: {STATUS_WORDS[view.status]}",
        f"- Started: {local(view.started_at)} by {view.started_by}",
        f"- Closed: {local(view.closed_at)} by {view.closed_by or '-'}",
    ]
    if view.closed_at:
        out.append(f"- Duration: {mmss(view.elapsed(view.closed_at))}")
    if view.status == EmergencyStatus.CLOSED_EARLY:
        out.append(f"- Closed early: {_md(view.close_reason)}")
    out.append(f"- Drill: {'yes, not a real emergency' if view.drill else 'no'}")
    out.append(f"- Steps: {view.step_counts.text()}")
    if view.has_roll_call:
        count = count_entries(lines_roll)
        out.append(
            f"- Roll call: {count.people} people, {count.safe} safe, "
            f"{count.not_yet_safe} not yet safe"
        )
    out += ["", "## Unified wording (统一口径)", ""]
    if view.wording:
        out += [f"> {line}" for line in view.wording.splitlines()]
        out += ["", f"Set {local(view.wording_at)} by {view.wording_by}."]
    else:
        out.append("(none set)")
    history = [e for e in events if e.action == "wording"]
    if len(history) > 1:
        out += ["", "Earlier versions:", ""]
        out += [f"- {local(e.at)} {e.actor}: {_md(e.text)}" for e in history[:-1]]
    out += [
        "",
        "## Steps",
        "",
        "| # | step | state | when | who | assigned | reason |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in view.steps:
        reason = s.skip_reason if s.state == StepState.SKIPPED else None
        if s.state == StepState.DEFERRED:
            reason = s.defer_note
        elif s.state == StepState.NOT_DONE:
            reason = "closed early"
        state = s.state.replace("_", " ")
        out.append(
            f"| {s.number} | {_md(s.text(lang))} | {state} | {local(s.state_at)} | "
            f"{_md(s.state_by) or '-'} | {_md(s.assignee) or '-'} | {_md(reason) or '-'} |"
        )
    step_notes = [e for e in events if e.action == "step.note"]
    if step_notes:
        out += ["", "### Notes", ""]
        out += [
            f"- step {e.step_number}, {local(e.at)} {e.actor}: {_md(e.text)}" for e in step_notes
        ]
    deferred = view.deferred_steps()
    if deferred:
        out += ["", "Deferred items: " + ", ".join(str(s.number) for s in deferred)]
    not_done = [s for s in view.steps if s.state == StepState.NOT_DONE]
    if not_done:
        out += ["", "Not done (closed early): " + ", ".join(str(s.number) for s in not_done)]
    if view.has_roll_call:
        out += [
            "",
            "## Roll call",
            "",
            "| # | who | name | where | safe at | marked by |",
            "|---|---|---|---|---|---|",
        ]
        for line in lines_roll:
            out.append(
                f"| {line.position} | {line.kind} | {_md(line.reported_as)} | "
                f"{_md(line.location)} | "
                f"{local(line.safe_at) if line.safe_at else 'NOT ACCOUNTED FOR'} | "
                f"{_md(line.safe_by) or '-'} |"
            )
    out += ["", "## Timeline", ""]
    for e in events:
        step = f" step {e.step_number}" if e.step_number is not None else ""
        text = f": {_md(e.text)}" if e.text else ""
        out.append(f"- {local(e.at)} {e.actor} ({e.terminal}) {e.action}{step}{text}")
    return "\n".join(out) + "\n"
