"""One site as HQ last received it: its seats, open away slips and active alerts.

Nothing here is live: the heading says when the site last synced, so an old picture is
never taken for the floor as it is now.
"""

from __future__ import annotations

from datetime import datetime

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from floorman.clock import mmss
from floorman.domain.sync.region import SitePicture
from floorman.i18n import t
from floorman.widgets.fitting_footer import FittingFooter


class RegionSiteScreen(Screen[None]):
    """A site's seats, open away slips and alerts as last synced; Esc goes back."""

    BINDINGS = [Binding("escape", "app.pop_screen", t("Back"), id="region_site.back")]

    def __init__(self, site: SitePicture, now: datetime) -> None:
        super().__init__()
        self.site = site
        self.now = now

    def compose(self) -> ComposeResult:
        age = self.site.age_seconds(self.now)
        when = t("never synced") if age is None else t("synced {age} ago", age=mmss(age))
        stale = f" ! {t('STALE')}" if self.site.stale else ""
        yield Static(f"{self.site.site} {self.site.name}: {when}{stale}", id="site-title")
        yield DataTable(id="site-seats", cursor_type="row", zebra_stripes=True)
        yield DataTable(id="site-slips", cursor_type="row")
        yield DataTable(id="site-alerts", cursor_type="row")
        yield FittingFooter()

    def on_mount(self) -> None:
        seats = self.query_one("#site-seats", DataTable)
        seats.add_columns(t("Seat"), t("Zone"), t("State"), t("Agent"), t("Since"))
        for seat in self.site.seats:
            seats.add_row(
                seat["seat"], seat["zone"], t(seat["state"]),
                seat.get("agent_name") or seat.get("agent") or "-", seat["since"][11:19],
            )  # fmt: skip
        slips = self.query_one("#site-slips", DataTable)
        slips.add_columns(t("Seat"), t("Agent"), t("Reason"), t("Status"), t("Over limit"))
        for slip in self.site.open_slips:
            over = int(slip.get("over_seconds") or 0)
            slips.add_row(
                slip["seat"], slip["agent_name"], t(slip["reason"]), t(slip["status"]),
                mmss(over) if over else "-",
            )  # fmt: skip
        alerts = self.query_one("#site-alerts", DataTable)
        alerts.add_columns(t("Severity"), t("Subject"), t("Message"))
        for alert in self.site.active_alerts:
            alerts.add_row(t(alert["severity"]), alert["subject"], alert["message"])
