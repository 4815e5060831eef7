"""HQ's region screen: every floor in one table, as last synced; Enter opens one floor.

Reads with HQ's read-only role in a thread worker every few seconds, so a slow or lost
central server never freezes the screen: the last picture stays, marked with the error.
A stale site says so in words (and with `!`), not only in colour.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from floorman.clock import mmss
from floorman.domain.core.states import AlertSeverity
from floorman.domain.sync.region import DEFAULT_STALE_AFTER, SitePicture, region
from floorman.i18n import t
from floorman.screens.region_site import RegionSiteScreen
from floorman.screens.textual_strings import FloorLanguageApp
from floorman.widgets.fitting_footer import FittingFooter

REFRESH_S = 5.0
_SEVERITY_LETTERS = {"critical": "C", "severe": "S", "breach": "B", "warning": "W", "info": "I"}


def age_text(seconds: int | None) -> str:
    return t("never") if seconds is None else mmss(seconds)


def alerts_text(counts: dict[str, int]) -> str:
    shown = [
        f"{_SEVERITY_LETTERS[str(s)]}{counts[str(s)]}"
        for s in reversed(AlertSeverity)
        if counts.get(str(s))
    ]
    return " ".join(shown) or "-"


def emergencies_text(site: SitePicture, now: datetime) -> str:
    parts = []
    for running in site.emergencies:
        started = datetime.fromisoformat(running["started_at"])
        drill = t("DRILL") + " " if running["drill"] else ""
        parts.append(f"!! {drill}{running['kind']} {mmss(int((now - started).total_seconds()))}")
    return "; ".join(parts) or "-"


class RegionScreen(Screen[None]):
    """One row per site: sync age, seats, aways, requests, alerts, emergencies, handover."""

    BINDINGS = [
        Binding("r", "refresh_now", t("Refresh"), id="region.refresh"),
        Binding("enter", "open_site", t("Open site"), show=True, id="region.open"),
        Binding("q", "app.quit", t("Quit"), id="region.quit"),
    ]

    def __init__(self, engine: Engine, stale_after: timedelta) -> None:
        super().__init__()
        self.engine = engine
        self.stale_after = stale_after
        self.sites: list[SitePicture] = []
        self.server_now: datetime | None = None
        self.refreshed = 0  # pictures shown so far (tests and the bench wait on it)
        self._loading = False

    def compose(self) -> ComposeResult:
        yield Static(t("Region: every floor as last synced"), id="region-title")
        yield DataTable(id="region-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="region-status")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.query_one("#region-table", DataTable).add_columns(
            t("Site"), t("Last sync"), t("Staffed"), t("Open"), t("Required"), t("Occupancy"),
            t("Away"), t("Over limit"), t("Requests"), t("Alerts"), t("Emergencies"),
            t("Handover"), t("Journal"),
        )  # fmt: skip
        self.load()
        self.set_interval(REFRESH_S, self.load)

    def action_refresh_now(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="region")
    def load(self) -> None:
        try:
            now, sites = region(self.engine, stale_after=self.stale_after)
        except Exception as exc:
            self.engine.dispose()
            message = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            self.app.call_from_thread(self._show_error, message)
            return
        self.app.call_from_thread(self._show, now, sites)

    def _show_error(self, message: str) -> None:
        self._loading = False
        self.query_one("#region-status", Static).update(
            t("central server unavailable: {error}; showing the last picture", error=message)
        )

    def _show(self, now: datetime, sites: list[SitePicture]) -> None:
        self._loading = False
        self.refreshed += 1
        self.server_now, self.sites = now, sites
        table = self.query_one("#region-table", DataTable)
        cursor = table.cursor_row
        table.clear()
        for site in sites:
            age = age_text(site.age_seconds(now))
            table.add_row(
                site.site,
                f"! {t('STALE')} {age}" if site.stale else age,
                str(site.staffed),
                str(site.open_seats),
                "-" if site.required is None else str(site.required),
                f"{site.occupancy:.0%}",
                str(site.away),
                str(site.aways_over_limit),
                str(site.pending_requests),
                alerts_text(site.alerts),
                emergencies_text(site, now),
                site.handover_status or "-",
                f"! {t('HALTED')}" if site.chain_halted else str(site.journal_seq),
                key=site.site,
            )
        if sites:
            table.move_cursor(row=min(cursor, len(sites) - 1))
        stale = sum(1 for s in sites if s.stale)
        self.query_one("#region-status", Static).update(
            t("{n} sites, {stale} stale", n=len(sites), stale=stale)
        )

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a row (the table takes the key first) opens that site."""
        event.stop()
        self.action_open_site()

    def action_open_site(self) -> None:
        table = self.query_one("#region-table", DataTable)
        if self.sites:
            self._open(self.sites[min(table.cursor_row, len(self.sites) - 1)].site)

    @work(thread=True, group="region-site")
    def _open(self, code: str) -> None:
        """Read that one site's seats, slips and alerts, then show them."""
        try:
            now, found = region(self.engine, stale_after=self.stale_after, detail=True, only=code)
        except Exception as exc:  # any failure of the link is shown, never fatal
            message = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            self.app.call_from_thread(self._show_error, message)
            return
        if found:
            self.app.call_from_thread(self.app.push_screen, RegionSiteScreen(found[0], now))


class RegionApp(FloorLanguageApp):
    """`floorman region`: HQ's picture of every floor, read-only."""

    TITLE = "floorman region"

    def __init__(self, engine: Engine, stale_after: timedelta = DEFAULT_STALE_AFTER) -> None:
        super().__init__()
        self.engine = engine
        self.stale_after = stale_after

    def on_mount(self) -> None:
        self.push_screen(RegionScreen(self.engine, self.stale_after))
