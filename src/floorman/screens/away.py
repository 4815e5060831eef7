"""Away (key 2): everyone away from their seat against the five-minute rule, worst first.

One table: agents away (live mm:ss from the stored `left_at`, time left or time over,
band by colour and by symbol), then approved slips not yet started and requests waiting.
`n` sends an agent away now (agent, reason), `a` approves a request, `r` rejects it with
a reason, `b` marks the agent back, `e` grants the one extension, `x` excuses an
unapproved absence after the fact, `v` records it as a violation, `g` opens the shift's
away log by agent. Rows update cell by
cell every second and when the database changes; the order follows the worst first.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from floorman.clock import mmss
from floorman.domain.away import actions as away_actions
from floorman.domain.away import views as away_views
from floorman.domain.away.rules import BAND_SYMBOLS, reason_label
from floorman.domain.away.views import SlipView
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.core.states import AwayBand, SlipApproval, SlipStatus
from floorman.i18n import t
from floorman.messages import DatabaseChanged, Tick
from floorman.screens.base import CursorOnRow, FloormanScreen
from floorman.screens.forms import Field, FormModal, confirm_then
from floorman.screens.workers import reload_worker
from floorman.widgets.fitted_columns import Column, FittedColumns
from floorman.widgets.fitting_footer import FittingFooter

CSS = "../styles/away.tcss"
BAND_STYLES: dict[str, str] = {
    AwayBand.OK: "green",
    AwayBand.WARNING: "bold yellow",
    AwayBand.BREACH: "bold red",
    AwayBand.SEVERE: "bold white on red",
}
# At 80 columns the slip id, the limit, the status and the staff number go first (the band
# and the time left say what the limit and the status would; the name says who).
COLUMNS: tuple[Column, ...] = (
    Column("id", "Slip", drop=1),
    Column("band", "Band"),
    Column("seat", "Seat"),
    Column("agent", "Agent", drop=4),
    Column("name", "Name"),
    Column("reason", "Reason"),
    Column("away", "Away"),
    Column("left", "Left / over"),
    Column("limit", "Limit", drop=2),
    Column("status", "Status", drop=3),
    Column("permission", "Permission", short="Perm."),
)
# Permission as a letter and a word, so it reads without colour.
PERMISSION_LABELS: dict[str, str] = {
    SlipApproval.PENDING: "? pending",
    SlipApproval.APPROVED: "A approved",
    SlipApproval.UNAPPROVED: "U unapproved",
    SlipApproval.APPROVED_AFTER: "E excused",
    SlipApproval.VIOLATION: "V violation",
    SlipApproval.REJECTED: "R rejected",
}


def band_cell(view: SlipView) -> Text:
    """The band as symbol, word and colour: colour is never the only signal."""
    if view.status != SlipStatus.OUT:
        return Text(f"… {t('waiting')}", style="dim")
    return Text(f"{BAND_SYMBOLS[view.band]} {t(view.band)}", style=BAND_STYLES[view.band])


def left_cell(view: SlipView) -> str:
    if view.status != SlipStatus.OUT:
        return ""
    if view.over_seconds:
        return t("over {time}", time=mmss(view.over_seconds))
    return t("left {time}", time=mmss(view.left_seconds))


def row_cells(view: SlipView, reason: str) -> tuple[str | Text, ...]:
    letter, word = PERMISSION_LABELS.get(view.approval, "? " + view.approval).split(" ", 1)
    limit = mmss(view.limit_seconds) + ("+" if view.extension_seconds else "")
    return (
        view.id[:8],
        band_cell(view),
        view.seat,
        view.agent,
        view.agent_name,
        reason + (f" · {view.note}" if view.note else ""),
        mmss(view.elapsed_seconds) if view.status == SlipStatus.OUT else "",
        left_cell(view),
        limit,
        t(view.status),
        f"{letter} {t(word)}",
    )


def slip_subject(view: SlipView) -> str:
    """Whom an action on this slip acts on, for its confirmation: `朱丽 (1049), A-28,
    away 07:35` (a request not yet out: `waiting`)."""
    if view.status == SlipStatus.OUT:
        return t(
            "{name} ({agent}), {seat}, away {time}",
            name=view.agent_name,
            agent=view.agent,
            seat=view.seat,
            time=mmss(view.elapsed_seconds),
        )
    return t(
        "{name} ({agent}), {seat}, waiting", name=view.agent_name, agent=view.agent, seat=view.seat
    )


class AwayScreen(FloormanScreen):
    """Everyone away and every request waiting, worst first, with the slip keys."""

    CSS_PATH = CSS
    BINDINGS = [
        Binding("n", "send_away", t("Send away"), id="away.send"),
        Binding("a", "approve", t("Approve"), id="away.approve"),
        Binding("r", "reject", t("Reject"), id="away.reject"),
        Binding("b", "back", t("Back at the seat"), id="away.back"),
        Binding("e", "extend", t("Extend"), id="away.extend"),
        Binding("x", "excuse", t("Excuse"), id="away.excuse"),
        Binding("v", "violation", t("Violation"), id="away.violation"),
        Binding("g", "log", t("Shift log"), id="away.log"),
    ]
    HELP = t(
        "Away: everyone away from their seat, worst first, then approved slips not yet "
        "started and requests waiting. n sends an agent away now (agent, reason); a approves "
        "the selected request; r rejects it with a reason; b marks the agent back; e grants "
        "the one extension (minutes and reason); x excuses an unapproved absence after the "
        "fact (with a reason); v records it as a violation. Bands: · ok, ! warning (near the "
        "limit), ‼ breach (over the limit), ✖ severe (over twice the limit). Permission: "
        "A approved, U unapproved, E excused, V violation, ? waiting. g opens the away log of "
        "the shift by agent ([ and ] step through the shifts)."
    )

    def compose(self) -> ComposeResult:
        yield Static("", id="away-summary")
        yield DataTable(id="away-table", cursor_type="row", zebra_stripes=True)
        yield FittingFooter()

    # A slip to put the cursor on once the board has it (the floor's needs-you list).
    slip_to_select: str | None = None

    def on_mount(self) -> None:
        self.views: dict[str, SlipView] = {}
        self.rows: dict[str, tuple[str | Text, ...]] = {}
        table = self.query_one(DataTable)
        self.fitted = FittedColumns(table, COLUMNS)
        table.focus()
        self.reload()

    # ------------------------------------------------------------------ loading
    @reload_worker("away-reload")
    def reload(self) -> None:
        views = away_views.away_board(self.floor)
        self.app.call_from_thread(self.show_slips, views)

    def show_slips(self, views: list[SlipView]) -> None:
        self.views = {v.id: v for v in views}
        self.refresh_rows()

    def refresh_rows(self) -> None:
        """Retime every slip from its stored start and update only the cells that changed."""
        table = self.query_one(DataTable)
        now: datetime = self.floor.clock.now()
        self.views = {vid: away_views.retime(self.floor, v, now) for vid, v in self.views.items()}
        config = self.floor.config
        wanted = {
            vid: row_cells(v, reason_label(config, v.reason)) for vid, v in self.views.items()
        }
        cursor = CursorOnRow(table)
        order = [v.id for v in sorted(self.views.values(), key=away_views.board_order)]
        kept = [str(row.key.value) for row in table.ordered_rows if row.key.value in wanted]
        added = [vid for vid in order if vid not in self.rows]
        # Another order (worst first) or other columns (a wider cell at 80 columns): the
        # rows are drawn again in the board's order.
        if self.fitted.fit(wanted.values()) or kept + added != order:
            table.clear()
            self.rows = {}
        for vid in [vid for vid in self.rows if vid not in wanted]:
            table.remove_row(vid)
            del self.rows[vid]
        for vid in order:
            cells = self.fitted.cells(wanted[vid])
            old = self.rows.get(vid)
            if old is None:
                table.add_row(*cells, key=vid)
            else:
                for column, before, after in zip(self.fitted.keys(), old, cells, strict=True):
                    if before != after:
                        table.update_cell(vid, column, after)
            self.rows[vid] = cells
        cursor.put_back()
        wanted_row = self.slip_to_select
        if wanted_row is not None and wanted_row in table.rows:
            table.move_cursor(row=table.get_row_index(wanted_row), animate=False)
            self.slip_to_select = None
        self.update_summary()

    def select_slip(self, slip_id: str) -> None:
        """Put the cursor on this slip (now, or when the board has loaded it)."""
        self.slip_to_select = slip_id
        if getattr(self, "rows", None):  # mounted and loaded; else the first load does it
            self.refresh_rows()

    def update_summary(self) -> None:
        out = [v for v in self.views.values() if v.status == SlipStatus.OUT]
        waiting = sum(1 for v in self.views.values() if v.status == SlipStatus.REQUESTED)
        over = sum(1 for v in out if v.band in ("breach", "severe"))
        near = sum(1 for v in out if v.band == AwayBand.WARNING)
        summary = t(
            "Away · {out} away · {near} near the limit · {over} over the limit · "
            "{waiting} waiting for approval",
            out=len(out),
            near=near,
            over=over,
            waiting=waiting,
        )
        unapproved = sum(1 for v in out if v.approval == SlipApproval.UNAPPROVED)
        if unapproved:
            summary += " · " + t("{count} without approval", count=unapproved)
        self.query_one("#away-summary", Static).update(summary)

    @on(DatabaseChanged)
    def database_changed(self) -> None:
        self.reload()

    @on(Tick)
    def tick(self) -> None:
        if self.views:
            self.refresh_rows()

    def on_resize(self, _event: events.Resize) -> None:
        # The columns that fit change with the width.
        self.call_after_refresh(self.tick)

    # ------------------------------------------------------------------ actions
    def selected(self) -> str | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            self.notify(t("No slip selected"), severity="warning", timeout=3)
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return str(row_key.value)

    def run_domain(self, func: Callable[[], Any], done_message: str) -> None:
        def done(_result: Any) -> None:
            self.notify(done_message, timeout=3)
            self.reload()

        self.fm.run_in_thread(func, done)

    def _after_modal(self, message: str) -> Callable[[SlipView | None], None]:
        def closed(view: SlipView | None) -> None:
            if view is not None:
                self.notify(message, timeout=3)
                self.reload()

        return closed

    def action_log(self) -> None:
        from floorman.screens.away_log import AwayLogScreen

        self.app.push_screen(AwayLogScreen())

    def action_send_away(self) -> None:
        self.app.push_screen(SendAwayModal(self.floor), self._after_modal(t("Away: timer started")))

    def action_approve(self) -> None:
        ref = self.selected()
        if ref:
            self.run_domain(lambda: away_actions.approve(self.floor, ref), t("Approved"))

    def action_back(self) -> None:
        ref = self.selected()
        if ref:
            self.run_domain(lambda: away_actions.back(self.floor, ref), t("Back at the seat"))

    def subject(self, ref: str) -> str:
        view = self.views.get(ref)
        return slip_subject(view) if view is not None else ref[:8]

    def action_violation(self) -> None:
        ref = self.selected()
        if ref:
            confirm_then(
                self,
                t("Record a violation for {who}?", who=self.subject(ref)),
                lambda: self.run_domain(
                    lambda: away_actions.record_violation(self.floor, ref),
                    t("Recorded as a violation"),
                ),
            )

    def action_reject(self) -> None:
        ref = self.selected()
        if ref:
            modal = ReasonModal(
                t("Reject {who}?", who=self.subject(ref)),
                lambda reason: away_actions.reject(self.floor, ref, reason),
            )
            self.app.push_screen(modal, self._after_modal(t("Rejected")))

    def action_excuse(self) -> None:
        ref = self.selected()
        if ref:
            modal = ReasonModal(
                t("Excuse {who}?", who=self.subject(ref)),
                lambda reason: away_actions.excuse(self.floor, ref, reason),
            )
            self.app.push_screen(modal, self._after_modal(t("Excused")))

    def action_extend(self) -> None:
        ref = self.selected()
        if ref:
            self.app.push_screen(ExtendModal(self.floor, ref), self._after_modal(t("Extended")))


class SendAwayModal(FormModal):
    """Send an agent away now: the agent (staff number), the seat if not theirs, a reason."""

    def __init__(self, floor: Floor) -> None:
        config = floor.config
        reasons = tuple((reason_label(config, r.key), r.key) for r in config.away.reasons)
        super().__init__(
            t("Send an agent away"),
            [
                Field("agent", "Agent (staff no.)"),
                Field("seat", "Seat (if not theirs)"),
                Field("reason", "Reason", choices=reasons),
                Field("note", "Note"),
            ],
            lambda values: away_actions.send_away(
                floor,
                values["agent"],
                values["reason"],
                seat_code=values["seat"] or None,
                note=values["note"] or None,
            ),
        )


class ReasonModal(FormModal):
    """Ask for the reason of a decision (rejecting, excusing) and apply it."""

    def __init__(self, title: str, apply: Callable[[str], SlipView]) -> None:
        super().__init__(title, [Field("reason", "Reason")], lambda values: apply(values["reason"]))


class ExtendModal(FormModal):
    """The one extension of a slip: how many minutes more, and why."""

    def __init__(self, floor: Floor, ref: str) -> None:
        super().__init__(
            t("Extend the slip (once)"),
            [
                Field("minutes", "Minutes more", "2", check=minutes_more),
                Field("reason", "Reason"),
            ],
            lambda values: away_actions.extend(
                floor, ref, int(values["minutes"].strip()) * 60, values["reason"]
            ),
            focus="reason",
        )


def minutes_more(text: str) -> None:
    """The extension's minutes: a whole number (the domain checks the limit)."""
    if not text.strip().isdigit():
        raise FloorError("Minutes must be a whole number")
