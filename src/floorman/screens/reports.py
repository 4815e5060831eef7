"""Reports: charts of a date range (occupancy, away minutes, alerts per hour) and CSV export.

Charts are drawn with plotext through textual-plotext, one per tab so each stays
readable on an 80x24 terminal. The figures come from `domain.reports`, computed from
stored history in a thread worker.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import (
    DataTable,
    Input,
    Label,
    Static,
    TabbedContent,
    TabPane,
    Tabs,
)
from textual_plotext import PlotextPlot

from floorman.config import default_data_dir
from floorman.domain.attendance.days import ShiftAttendance, day_attendance
from floorman.domain.core.errors import FloorError
from floorman.domain.reports.empty import EmptyTabs, why_empty
from floorman.domain.reports.export import export_report
from floorman.domain.reports.figures import FloorReport
from floorman.domain.reports.floor import floor_report
from floorman.i18n import t
from floorman.screens.base import FloormanScreen
from floorman.screens.workers import reload_worker
from floorman.widgets.fitting_footer import FittingFooter

# (plotext colour, Rich colour) of the occupancy chart's lines, in order.
CHART_COLORS = (("blue+", "bright_blue"), ("green+", "bright_green"), ("red+", "bright_red"))


class ReportsScreen(FloormanScreen):
    """A date range, four charts in tabs, and `e` to export every report as CSV."""

    CSS_PATH = "../styles/reports.tcss"
    AUTO_FOCUS = "Tabs"
    BINDINGS = [
        Binding("f", "edit_range", t("Edit range"), id="reports.range"),
        Binding("g", "generate", t("Show range"), id="reports.generate"),
        Binding("e", "export", t("Export CSV"), id="reports.export"),
        Binding("t", "today", t("Today"), id="reports.today"),
    ]
    HELP = t(
        "Reports: f edits the range: type YYYY-MM-DD (local dates, both included) and press Enter. "
        "Tabs: occupancy through the range, away minutes per hour, alerts per hour, "
        "and the first day's attendance (late, early, absent first). "
        "e exports every tab (attendance included) as CSV into the exports folder, times "
        "local with their offset; t goes back to today. An empty tab says why."
    )

    def compose(self) -> ComposeResult:
        with Horizontal(id="reports-range"):
            yield Label(t("From"))
            yield Input(placeholder="YYYY-MM-DD", id="reports-from", max_length=10)
            yield Label(t("To"))
            yield Input(placeholder="YYYY-MM-DD", id="reports-to", max_length=10)
        yield Static("", id="reports-status")
        with TabbedContent(id="reports-tabs"):
            with TabPane(t("Occupancy"), id="tab-occupancy"):
                yield Static("", id="chart-occupancy-legend")
                yield Static("", id="why-occupancy", classes="why-empty")
                yield PlotextPlot(id="chart-occupancy")
            with TabPane(t("Away minutes"), id="tab-away"):
                yield Static("", id="why-away", classes="why-empty")
                yield PlotextPlot(id="chart-away")
            with TabPane(t("Alerts"), id="tab-alerts"):
                yield Static("", id="why-alerts", classes="why-empty")
                yield PlotextPlot(id="chart-alerts")
            with TabPane(t("Attendance"), id="tab-attendance"):
                yield Static("", id="why-attendance", classes="why-empty")
                yield DataTable(id="attendance-table", cursor_type="row", zebra_stripes=True)
        yield FittingFooter()

    def on_mount(self) -> None:
        self.report: FloorReport | None = None
        self.attendance: list[ShiftAttendance] = []
        self.query_one("#attendance-table", DataTable).add_columns(
            t("Staff no"),
            t("Name"),
            t("Shift"),
            t("Signed in"),
            t("Late"),
            t("Early"),
            t("Absent"),
            t("Leave"),
            t("Fine"),
        )
        self.action_today()
        # Letter keys are the screen's; the date fields take focus only when asked (tab).
        self.query_one(Tabs).focus()

    def _local_today(self) -> date:
        return self.floor.clock.now().astimezone(self.floor.config.zone()).date()

    def action_today(self) -> None:
        today = self._local_today().isoformat()
        self.query_one("#reports-from", Input).value = today
        self.query_one("#reports-to", Input).value = today
        self.action_generate()

    @on(Input.Submitted)
    def action_generate(self) -> None:
        try:
            start, end = self._range()
        except FloorError as exc:
            self.query_one("#reports-status", Static).update(str(exc))
            self.notify(str(exc), severity="error")
            return
        self.query_one("#reports-status", Static).update(t("Computing…"))
        self.query_one(Tabs).focus()
        self.load(start, end)

    def _range(self) -> tuple[datetime, datetime]:
        zone = self.floor.config.zone()
        days = []
        for widget_id in ("#reports-from", "#reports-to"):
            text = self.query_one(widget_id, Input).value.strip()
            try:
                days.append(date.fromisoformat(text))
            except ValueError as exc:
                raise FloorError("'{text}' is not a date like 2026-11-23", text=text) from exc
        if days[1] < days[0]:
            raise FloorError("the range ends before it starts")
        start = datetime.combine(days[0], time(0), tzinfo=zone)
        end = datetime.combine(days[1] + timedelta(days=1), time(0), tzinfo=zone)
        now = self.floor.clock.now()
        return start, min(end, max(now, start + timedelta(minutes=15)))

    @reload_worker("reports")
    def load(self, start: datetime, end: datetime) -> None:
        step = timedelta(minutes=15) if end - start <= timedelta(days=2) else timedelta(hours=1)
        with self.floor.db.read() as session:
            report = floor_report(session, start, end, step=step, zone=self.floor.config.zone())
            first_day = start.astimezone(self.floor.config.zone()).date()
            shifts = day_attendance(session, self.floor, first_day)
            empty = why_empty(session, report, shifts, first_day)
        self.app.call_from_thread(self.show, report)
        self.app.call_from_thread(self.show_attendance, shifts)
        self.app.call_from_thread(self.show_why_empty, empty, first_day)

    def show_why_empty(self, empty: EmptyTabs, day: date) -> None:
        """Each empty tab says why (no roster imported, nothing in the range)."""
        for tab, reason in (
            ("occupancy", empty.occupancy),
            ("away", empty.away),
            ("alerts", empty.alerts),
            ("attendance", empty.attendance),
        ):
            why = self.query_one(f"#why-{tab}", Static)
            why.update(t(reason, day=day.isoformat()) if reason else "")
            why.display = reason is not None

    def show_attendance(self, shifts: list[ShiftAttendance]) -> None:
        """The first day's roster: late, early and absent first, so "who was late" is at the top."""
        self.attendance = shifts
        zone = self.floor.config.zone()
        table = self.query_one("#attendance-table", DataTable)
        table.clear()
        ordered = sorted(
            shifts, key=lambda s: (-s.absent_days, -(s.late_minutes + s.early_minutes), s.staff_no)
        )
        for shift in ordered:
            signed = (
                shift.signed_in.astimezone(zone).strftime("%H:%M") if shift.signed_in else "--:--"
            )
            flag = "! " if shift.absent_days or shift.late_or_early else "  "
            table.add_row(
                flag + shift.staff_no,
                shift.name,
                f"{shift.starts_at.astimezone(zone):%H:%M}-{shift.ends_at.astimezone(zone):%H:%M}",
                signed,
                shift.late_minutes or "",
                shift.early_minutes or "",
                shift.absent_days or "",
                "L" if shift.on_leave else "",
                shift.fine or "",
            )

    def show(self, report: FloorReport) -> None:
        self.report = report
        zone = self.floor.config.zone()
        multi_day = report.end - report.start > timedelta(days=1)
        fmt = "%m-%d %H:%M" if multi_day else "%H:%M"

        def label(moment: datetime) -> str:
            return moment.astimezone(zone).strftime(fmt)

        occupancy = self.query_one("#chart-occupancy", PlotextPlot)
        plt = occupancy.plt
        plt.clear_data()
        plt.clear_figure()
        legend = Text()
        if report.occupancy:
            # The legend is drawn beside the plot, not by plotext: plotext counts a Chinese
            # character as one cell, so its legend box broke the plot's right border.
            xs = [float(i) for i in range(len(report.occupancy))]
            series = [
                (t("staffed"), [float(p.staffed) for p in report.occupancy]),
                (t("open seats"), [float(p.open_seats) for p in report.occupancy]),
            ]
            if any(r is not None for r in report.required):
                # Required seats from the staffing plan; gaps where the forecast has none.
                required = [float(r) if r is not None else float("nan") for r in report.required]
                series.append((t("required seats"), required))
            for (name, ys), (plot_color, legend_color) in zip(series, CHART_COLORS, strict=False):
                plt.plot(xs, ys, color=plot_color, marker="braille")
                legend.append("  ⣿⣿ ", style=legend_color).append(name)
            ticks = xs[:: max(1, len(xs) // 6)]
            plt.xticks(ticks, [label(report.occupancy[int(i)].at) for i in ticks])
        self.query_one("#chart-occupancy-legend", Static).update(legend)
        plt.title(t("Seats staffed, open and required"))
        occupancy.refresh()
        for widget_id, figures, title in (
            ("#chart-away", report.away_minutes, t("Away minutes per hour")),
            ("#chart-alerts", report.alerts, t("Alerts fired per hour")),
        ):
            chart = self.query_one(widget_id, PlotextPlot)
            plt = chart.plt
            plt.clear_data()
            plt.clear_figure()
            if figures:
                xs = [float(i) for i in range(len(figures))]
                plt.bar(xs, [f.value for f in figures])
                ticks = xs[:: max(1, len(xs) // 8)]
                plt.xticks(ticks, [label(figures[int(i)].hour) for i in ticks])
            plt.title(title)
            chart.refresh()
        total_away = sum(f.value for f in report.away_minutes)
        total_alerts = int(sum(f.value for f in report.alerts))
        peak = max((p.occupancy for p in report.occupancy), default=0.0)
        self.query_one("#reports-status", Static).update(
            t(
                "{start} – {end}: away {away:.0f} min, {alerts} alerts, peak occupancy {peak:.0%}",
                start=label(report.start),
                end=label(report.end),
                away=total_away,
                alerts=total_alerts,
                peak=peak,
            )
        )

    def action_edit_range(self) -> None:
        self.query_one("#reports-from", Input).focus()

    def action_export(self) -> None:
        report = self.report
        if report is None:
            self.notify(t("Nothing to export yet"), severity="warning")
            return
        folder = default_data_dir() / "exports"
        zone, attendance = self.floor.config.zone(), list(self.attendance)

        def write() -> list[str]:
            return [str(p) for p in export_report(report, folder, zone, attendance)]

        self.fm.run_in_thread(
            write,
            lambda files: self.notify(
                t("Exported {n} CSV files to {folder}", n=len(files), folder=folder)
            ),
        )
