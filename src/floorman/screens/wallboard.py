"""The wallboard: a read-only screen for the floor's TV, legible from across the room.

Occupancy per zone and on the floor against the seats required, in large digits; the
agents away (those over their limit marked); requests waiting; alerts by severity;
running emergencies with their unified wording; visitors on the floor. No key does
anything: the board reloads when the database changes and re-times itself each second.
Colour is never the only signal: bands and severities carry their symbols.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Digits, Static

from floorman.clock import elapsed_seconds, mmss
from floorman.domain.alerts.templates import SEVERITY_SYMBOLS
from floorman.domain.away.rules import BAND_SYMBOLS
from floorman.domain.header import EMERGENCY_MARK
from floorman.domain.wallboard import Wallboard, ZoneLine
from floorman.i18n import language, t

CSS = Path(__file__).parent.parent / "styles" / "wallboard.tcss"
BAND_MARKS = BAND_SYMBOLS
SEVERITY_MARKS = SEVERITY_SYMBOLS
SEVERITY_STYLES = {"warning": "yellow", "breach": "bold red", "severe": "bold white on red"}


class ZoneCard(Vertical):
    """One zone: its name, seats staffed in large digits, and 'of N open'."""

    def __init__(self, zone: str, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="zone-card")
        self.zone = zone

    def compose(self) -> ComposeResult:
        yield Static(self.zone, classes="zone-name")
        yield Digits("0", classes="zone-digits")
        yield Static("", classes="zone-detail")

    def show(self, line: ZoneLine, detail: str, short: bool = False) -> None:
        self.query_one(Digits).update(str(line.staffed))
        self.query_one(".zone-detail", Static).update(detail)
        self.set_class(short, "short")


class WallboardScreen(Screen[None]):
    """The board; `show(board)` draws a reading, `retime(now)` moves the away clocks."""

    CSS_PATH = CSS

    def __init__(self) -> None:
        super().__init__()
        self.board: Wallboard | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="wb-title")
        yield Static("", id="wb-emergency")
        yield Horizontal(id="wb-zones")
        with Horizontal(id="wb-middle"):
            yield Static("", id="wb-away")
            with Vertical(id="wb-side"):
                yield Static("", id="wb-alerts")
                yield Static("", id="wb-requests")
                yield Static("", id="wb-visitors")

    # ------------------------------------------------------------ drawing

    def show(self, board: Wallboard) -> None:
        self.board = board
        self._zones(board)
        self._emergencies(board)
        self._alerts(board)
        self._requests(board)
        self._visitors(board)
        self.retime(board.at)

    def retime(self, now: datetime) -> None:
        """The clock and the away timers, from stored times (no database read)."""
        clock = now.astimezone(self.app_zone()).strftime("%H:%M:%S")
        self.query_one("#wb-title", Static).update(
            Text.assemble(("floorman ", "bold"), t("wallboard"), "  ", (clock, "bold"))
        )
        if self.board is not None:
            self._away(self.board, now)

    def app_zone(self):  # type: ignore[no-untyped-def]
        return self.app.floor.config.zone()  # type: ignore[attr-defined]

    def _zones(self, board: Wallboard) -> None:
        row = self.query_one("#wb-zones", Horizontal)
        wanted = [f"zone-{n}" for n in range(len(board.zones))] + ["zone-total"]
        present = [child.id for child in row.children]
        if present != wanted:
            row.remove_children()
            row.mount_all(
                [ZoneCard(z.zone, id=f"zone-{n}") for n, z in enumerate(board.zones)]
                + [ZoneCard(t("Whole floor"), id="zone-total")]
            )
            self.call_after_refresh(self._fill_zones, board)
            return
        self._fill_zones(board)

    def _fill_zones(self, board: Wallboard) -> None:
        for n, zone in enumerate(board.zones):
            card = self.query_one(f"#zone-{n}", ZoneCard)
            card.show(zone, t("of {open} open · {away} away", open=zone.open_seats, away=zone.away))
        total = board.total
        if board.required is None:
            detail = t("of {open} open · no staffing plan", open=total.open_seats)
        elif board.short_by:
            detail = "! " + t(
                "required {required}: short by {short}",
                required=board.required,
                short=board.short_by,
            )
        else:
            detail = t("required {required}: enough", required=board.required)
        self.query_one("#zone-total", ZoneCard).show(total, detail, short=board.short_by > 0)

    def _emergencies(self, board: Wallboard) -> None:
        panel = self.query_one("#wb-emergency", Static)
        panel.display = bool(board.emergencies)
        text = Text()
        for e in board.emergencies:
            drill = t("DRILL") + " " if e.drill else ""
            running_for = mmss(elapsed_seconds(e.started_at, board.at))
            title = f"{EMERGENCY_MARK}{drill}{e.title(language())}"
            text.append(f"{title}  {running_for}  ", style="bold")
            text.append(t("{open} of {total} steps open", open=e.steps_open, total=e.steps_total))
            text.append("\n")
            text.append(t("Wording: {wording}", wording=e.wording or t("(none set yet)")))
            text.append("\n")
        panel.update(text)

    def _away(self, board: Wallboard, now: datetime) -> None:
        table = Table(
            expand=True,
            box=None,
            title=t(
                "Away now ({n}, {over} over the limit)",
                n=len(board.away),
                over=len(board.over_limit),
            ),
            title_justify="left",
        )
        for column in (t("Seat"), t("Agent"), t("Reason"), t("Away for"), ""):
            table.add_column(column)
        for line in board.away:
            elapsed = elapsed_seconds(line.left_at, now)
            over = elapsed > line.limit_seconds
            style = "bold red" if over else ""
            mark = BAND_MARKS.get(line.band, "·")
            if over and line.band not in ("breach", "severe"):
                mark = BAND_MARKS["breach"]
            table.add_row(
                line.seat,
                line.agent,
                line.reason,
                mmss(elapsed),
                mark + ("" if line.approved else " " + t("unapproved")),
                style=style,
            )
        if not board.away:
            table.add_row("-", t("nobody away"), "", "", "")
        self.query_one("#wb-away", Static).update(table)

    def _alerts(self, board: Wallboard) -> None:
        text = Text(t("Alerts") + "  ", style="bold")
        if not board.alerts:
            text.append(t("none"))
        for severity in ("critical", "severe", "breach", "warning", "info"):
            if board.alerts[severity]:
                text.append(
                    f"{SEVERITY_MARKS[severity]} {t(severity)} {board.alerts[severity]}  ",
                    style=SEVERITY_STYLES.get(severity, ""),
                )
        for severity, subject, message in board.worst_alerts:
            text.append(
                f"\n{SEVERITY_MARKS.get(severity, '·')} {subject}: {message}",
                style=SEVERITY_STYLES.get(severity, ""),
            )
        self.query_one("#wb-alerts", Static).update(text)

    def _requests(self, board: Wallboard) -> None:
        self.query_one("#wb-requests", Static).update(
            Text.assemble(
                (t("Waiting") + "  ", "bold"),
                t("away requests {n}", n=board.away_requests),
                "  ",
                t("visitor registrations {n}", n=board.visitor_requests),
            )
        )

    def _visitors(self, board: Wallboard) -> None:
        table = Table(
            expand=True,
            box=None,
            title=t("Visitors on the floor ({n})", n=len(board.visitors)),
            title_justify="left",
        )
        for column in (t("Badge"), t("Organisation"), t("Host"), t("Until")):
            table.add_column(column)
        zone = self.app_zone()
        for v in board.visitors:
            until = (
                v.expected_end_at.astimezone(zone).strftime("%H:%M") if v.expected_end_at else ""
            )
            escort = "" if v.escorted else " (" + t("no escort") + ")"
            table.add_row(v.badge, v.organisation, v.host + escort, until)
        self.query_one("#wb-visitors", Static).update(table)
