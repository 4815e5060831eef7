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

from floorman.domain.alerts.templates import alert_kind_label, localized
from floorman.domain.handover.views import (
    LIVE_SECTIONS,
    SECTION_TITLES,
    SECTIONS,
    HandoverView,
    ItemView,
)
from floorman.i18n import language

_NOT_RECORDED: dict[str, Any] = {"available": False, "rows": [], "note": "not recorded"}


def _local(value: str | datetime | None, zone: ZoneInfo) -> str:
    if value is None:
        return "-"
    when = datetime.fromisoformat(value) if isinstance(value, str) else value
    return when.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _item_line(number: int, item: ItemView, zone: ZoneInfo, t: Callable[[str], str]) -> str:
    mark = "[x]" if item.closed else "[ ]"
    extra = [
        t("owner: {owner}").format(owner=item.owner) if item.owner else "",
        t("due {when}").format(when=_local(item.deadline, zone)) if item.deadline else "",
        t("carried over") if item.carried else "",
    ]
    tail = t("; ").join(e for e in extra if e)
    details = t(" ({details})").format(details=tail) if tail else ""
    line = f"{number}. {mark} {item.text}{details}"
    if item.closed:
        line += t(" - closed by {name}").format(name=item.closed_by) + (
            t(": {note}").format(note=item.close_note) if item.close_note else ""
        )
    return line


def section_lines(
    view: HandoverView, section: str, zone: ZoneInfo, t: Callable[[str], str] = str
) -> list[str]:
    """The lines of one section as plain text (used by Markdown and the screen)."""
    if section in LIVE_SECTIONS:
        data = view.live_state.get(section) or _NOT_RECORDED
        if not data.get("available"):
            return [t("not available") + t(" ({details})").format(details=t(data.get("note", "")))]
        rows = data.get("rows", [])
        lines = [_live_row(section, r, zone, t) for r in rows] or [t("none")]
        if section == "staffing" and "required" in data:
            lines.append(required_line(data["required"], t))
        return lines
    if section == "items":
        if not view.items:
            return [t("none")]
        return [_item_line(n, item, zone, t) for n, item in enumerate(view.items, start=1)]
    value = getattr(view, section)
    return value.splitlines() if value.strip() else [t("none")]


def required_line(required: dict[str, Any] | None, t: Callable[[str], str]) -> str:
    """Staffed against the seats the staffing plan requires, or that no plan is set."""
    if required is None:
        return t("no staffing plan set")
    if "error" in required:
        return t("staffing plan unreadable") + t(" ({details})").format(details=required["error"])
    if required.get("uncovered"):
        return t("the staffing plan has no interval for this time")
    figures = {"required": required["required"], "staffed": required["staffed"]}
    if required["enough"]:
        line = t("Required seats {required}, staffed {staffed}: enough").format(**figures)
    else:
        line = t("Required seats {required}, staffed {staffed}: SHORT BY {short}").format(
            short=required["short_by"], **figures
        )
    return line + t(" ({details})").format(details=t(required["interval"]))


def _live_row(section: str, row: dict[str, Any], zone: ZoneInfo, t: Callable[[str], str]) -> str:
    """One row of a live section, in the language of `t` (ids, names and times as stored)."""
    if section == "staffing":
        total = row["zone"] == "*"
        zone_name = t("Total") if total else t("Zone {zone}").format(zone=row["zone"])
        # Staffed is at the seat; older snapshots have no away count.
        return t(
            "{zone}: {staffed} staffed, {away} away / {open} open seats ({occupancy}%), "
            "{fault} out of order"
        ).format(
            zone=zone_name,
            staffed=row["staffed"],
            away=row.get("away", 0),
            open=row["open"],
            occupancy=round(row["occupancy"] * 100),
            fault=row["fault"],
        )
    if section == "away_now":
        return t("{seat} {agent} {name} away {away} since {since} {reason}").format(
            seat=row["seat"],
            agent=row["agent"] or "-",
            name=row.get("name") or "",
            away=row["away"],
            since=_local(row["since"], zone),
            reason=t(row.get("reason") or ""),
        ).rstrip()
    if section == "visitors":
        escort = t(", escort {escort}").format(escort=row["escort"]) if row.get("escort") else ""
        late = t(" OVERSTAYED") if row.get("overstayed") else ""
        # The snapshot names a visitor by id only: the purge cannot reach a locked one.
        template = "visitor {id} ({organisation}), host {host}{escort}, in since {since}{late}"
        return t(template).format(
            id=row["id"],
            organisation=row["organisation"],
            host=row["host"],
            escort=escort,
            since=_local(row["since"], zone),
            late=late,
        )
    if section == "faults":
        return t("{seat} since {since}: {reason}").format(
            seat=row["seat"], since=_local(row["since"], zone), reason=row.get("reason") or "-"
        )
    if section == "away_issues":
        over = ""
        if row["over"] != "00:00":
            over = t(", {over} over the limit").format(over=row["over"])
        issue = "{seat} {agent} {name}: {reason} at {left}, away {away}{over} ({approval})"
        return t(issue).format(
            seat=row["seat"],
            agent=row["agent"],
            name=row.get("name") or "",
            reason=t(row["reason"]),
            left=_local(row["left_at"], zone),
            away=row["away"],
            over=over,
            approval=t(row["approval"]),
        )
    if section == "emergencies":
        drill = t("DRILL ") if row.get("drill") else ""
        chinese = t is not str and language() == "zh"
        title = (row.get("title_zh") or row["title"]) if chinese else row["title"]
        line = t("{drill}{title} since {since} ({elapsed}), {open} step(s) open").format(
            drill=drill,
            title=title,
            since=_local(row["started_at"], zone),
            elapsed=row["elapsed"],
            open=row["open_steps"],
        )
        if row.get("wording"):
            line += t("; wording: {wording}").format(wording=row["wording"])
        return line
    if section == "alerts":
        message = localized(row["kind"], row["message"])
        return t("[{severity}] {kind} {subject}: {message}").format(
            severity=t(row["severity"]),
            kind=t(alert_kind_label(row["kind"])),
            subject=row["subject"],
            message=message,
        )
    return ", ".join(f"{k}: {v}" for k, v in row.items())


def to_markdown(view: HandoverView, zone: ZoneInfo, t: Callable[[str], str] = str) -> str:
    """The handover as Markdown: header, every section, then amendments below."""
    lines = [
        f"# {t('Handover')} {view.shift_id}",
        "",
        f"- {t('Status')}{t(': ')}{t(view.status)}",
        f"- {t('Outgoing')}{t(': ')}{view.outgoing}",
        f"- {t('Incoming')}{t(': ')}{view.incoming or view.expected_incoming or '-'}",
        f"- {t('Floor state taken at')}{t(': ')}{_local(view.live_state_at, zone)}",
        f"- {t('Submitted')}{t(': ')}{_local(view.submitted_at, zone)} "
        f"{view.submitted_by or ''}".rstrip(),
        f"- {t('Acknowledged')}{t(': ')}{_local(view.acknowledged_at, zone)} "
        f"{view.acknowledged_by or ''}".rstrip(),
    ]
    if view.content_hash:
        lines.append(
            f"- {t('Hash')}{t(': ')}`{view.content_hash}` ({t('previous')} "
            f"`{(view.prev_hash or '')[:16]}`)"
        )
    if view.reviewed:
        reviewed = t(", ").join(t(SECTION_TITLES.get(s, s)) for s in view.reviewed)
        lines.append(f"- {t('Reviewed')}{t(': ')}{reviewed}")
    for section in SECTIONS:
        lines += ["", f"## {t(SECTION_TITLES[section])}", ""]
        body = section_lines(view, section, zone, t)
        if section in LIVE_SECTIONS and body and not body[0].startswith(("none", t("none"))):
            body = [f"- {b}" for b in body]
        lines += body
    if view.amendments:
        lines += ["", f"## {t('Amendments')}", ""]
        for a in view.amendments:
            lines.append(f"- {_local(a.at, zone)} {a.author}{t(': ')}{a.text}")
    return "\n".join(lines) + "\n"
