"""A handover as people read it: each section as lines of text, and the whole as Markdown.

The screen shows `section_lines`; `handover show --markdown` prints `to_markdown`. Both take
the translator `t`, so the same text reads in English and Chinese. A live section stored
as not available (handovers locked before every panel was imported plainly) still renders
with its note.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from floorman.domain.handover.views import (
    LIVE_SECTIONS,
    SECTION_TITLES,
    SECTIONS,
    HandoverView,
    ItemView,
)

_NOT_RECORDED: dict[str, Any] = {"available": False, "rows": [], "note": "not recorded"}


def _local(value: str | datetime | None, zone: ZoneInfo) -> str:
    if value is None:
        return "-"
    when = datetime.fromisoformat(value) if isinstance(value, str) else value
    return when.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _item_line(number: int, item: ItemView, zone: ZoneInfo) -> str:
    mark = "[x]" if item.closed else "[ ]"
    extra = [
        f"owner: {item.owner}" if item.owner else "",
        f"due {_local(item.deadline, zone)}" if item.deadline else "",
        "carried over" if item.carried else "",
    ]
    tail = "; ".join(e for e in extra if e)
    line = f"{number}. {mark} {item.text}" + (f" ({tail})" if tail else "")
    if item.closed:
        line += f" - closed by {item.closed_by}" + (
            f": {item.close_note}" if item.close_note else ""
        )
    return line


def section_lines(
    view: HandoverView, section: str, zone: ZoneInfo, t: Callable[[str], str] = str
) -> list[str]:
    """The lines of one section as plain text (used by Markdown and the screen)."""
    if section in LIVE_SECTIONS:
        data = view.live_state.get(section) or _NOT_RECORDED
        if not data.get("available"):
            return [t("not available") + f" ({data.get('note', '')})"]
        rows = data.get("rows", [])
        lines = [_live_row(section, r, zone) for r in rows] or [t("none")]
        if section == "staffing" and "required" in data:
            lines.append(required_line(data["required"], t))
        return lines
    if section == "items":
        if not view.items:
            return [t("none")]
        return [_item_line(n, item, zone) for n, item in enumerate(view.items, start=1)]
    value = getattr(view, section)
    return value.splitlines() if value.strip() else [t("none")]


def required_line(required: dict[str, Any] | None, t: Callable[[str], str]) -> str:
    """Staffed against the seats the staffing plan requires, or that no plan is set."""
    if required is None:
        return t("no staffing plan set")
    if "error" in required:
        return t("staffing plan unreadable") + f" ({required['error']})"
    if required.get("uncovered"):
        return t("the staffing plan has no interval for this time")
    figures = {"required": required["required"], "staffed": required["staffed"]}
    if required["enough"]:
        line = t("Required seats {required}, staffed {staffed}: enough").format(**figures)
    else:
        line = t("Required seats {required}, staffed {staffed}: SHORT BY {short}").format(
            short=required["short_by"], **figures
        )
    return line + f" ({t(required['interval'])})"


def _live_row(section: str, row: dict[str, Any], zone: ZoneInfo) -> str:
    if section == "staffing":
        zone_name = "Total" if row["zone"] == "*" else f"Zone {row['zone']}"
        return (
            # Staffed is at the seat; older snapshots have no away count.
            f"{zone_name}: {row['staffed']} staffed, {row.get('away', 0)} away / "
            f"{row['open']} open seats "
            f"({round(row['occupancy'] * 100)}%), {row['fault']} out of order"
        )
    if section == "away_now":
        return (
            f"{row['seat']} {row['agent'] or '-'} {row.get('name') or ''} away "
            f"{row['away']} since {_local(row['since'], zone)} {row.get('reason') or ''}"
        ).rstrip()
    if section == "visitors":
        escort = f", escort {row['escort']}" if row.get("escort") else ""
        late = " OVERSTAYED" if row.get("overstayed") else ""
        return (
            f"visitor {row['id']} ({row['organisation']}), host {row['host']}{escort}, in since "
            f"{_local(row['since'], zone)}{late}"
        )
    if section == "faults":
        return f"{row['seat']} since {_local(row['since'], zone)}: {row.get('reason') or '-'}"
    if section == "away_issues":
        over = f", {row['over']} over the limit" if row["over"] != "00:00" else ""
        return (
            f"{row['seat']} {row['agent']} {row.get('name') or ''}: {row['reason']} "
            f"at {_local(row['left_at'], zone)}, away {row['away']}{over} ({row['approval']})"
        )
    if section == "emergencies":
        drill = "DRILL " if row.get("drill") else ""
        return (
            f"{drill}{row['title']} since {_local(row['started_at'], zone)} "
            f"({row['elapsed']}), {row['open_steps']} step(s) open"
            + (f"; wording: {row['wording']}" if row.get("wording") else "")
        )
    if section == "alerts":
        return f"[{row['severity']}] {row['kind']} {row['subject']}: {row['message']}"
    return ", ".join(f"{k}: {v}" for k, v in row.items())


def to_markdown(view: HandoverView, zone: ZoneInfo, t: Callable[[str], str] = str) -> str:
    """The handover as Markdown: header, every section, then amendments below."""
    lines = [
        f"# {t('Handover')} {view.shift_id}",
        "",
        f"- {t('Status')}: {t(view.status)}",
        f"- {t('Outgoing')}: {view.outgoing}",
        f"- {t('Incoming')}: {view.incoming or view.expected_incoming or '-'}",
        f"- {t('Floor state taken at')}: {_local(view.live_state_at, zone)}",
        f"- {t('Submitted')}: {_local(view.submitted_at, zone)} {view.submitted_by or ''}".rstrip(),
        f"- {t('Acknowledged')}: {_local(view.acknowledged_at, zone)} "
        f"{view.acknowledged_by or ''}".rstrip(),
    ]
    if view.content_hash:
        lines.append(
            f"- {t('Hash')}: `{view.content_hash}` ({t('previous')} "
            f"`{(view.prev_hash or '')[:16]}`)"
        )
    if view.reviewed:
        lines.append(f"- {t('Reviewed')}: {', '.join(view.reviewed)}")
    for section in SECTIONS:
        lines += ["", f"## {t(SECTION_TITLES[section])}", ""]
        body = section_lines(view, section, zone, t)
        if section in LIVE_SECTIONS and body and not body[0].startswith(("none", t("none"))):
            body = [f"- {b}" for b in body]
        lines += body
    if view.amendments:
        lines += ["", f"## {t('Amendments')}", ""]
        for a in view.amendments:
            lines.append(f"- {_local(a.at, zone)} {a.author}: {a.text}")
    return "\n".join(lines) + "\n"
