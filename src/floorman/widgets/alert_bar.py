"""The alert bar: the worst unacknowledged alert, how many more, and the key to acknowledge.

Severity shows as a symbol as well as a colour (◆ warning, ▲ breach, ■ severe or
critical), so the bar reads on a monochrome terminal.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.widget import Widget

from floorman.clock import mmss
from floorman.domain.alerts.templates import SEVERITY_SYMBOLS
from floorman.domain.alerts.views import AlertView
from floorman.i18n import t

SYMBOLS = SEVERITY_SYMBOLS


class AlertBar(Widget):
    """One line just above the footer; hidden while there is nothing to acknowledge."""

    DEFAULT_CSS = """
    AlertBar { height: 1; display: none; padding: 0 1; }
    AlertBar.-active { display: block; }
    """

    def __init__(self) -> None:
        super().__init__(id="alert-bar")
        self.alerts: list[AlertView] = []
        self.now: datetime | None = None
        self.zone: ZoneInfo | None = None
        self._shown: tuple[object, ...] | None = None

    def show_alerts(self, alerts: list[AlertView], now: datetime, zone: ZoneInfo) -> None:
        """Show these alerts; repaint only when the bar's text or colours change (it is
        called every second, and with nothing to acknowledge it stays hidden)."""
        self.alerts, self.now, self.zone = alerts, now, zone
        self.set_class(bool(alerts), "-active")
        text = self.render()
        shown = (text.plain, tuple((span.start, span.end, str(span.style)) for span in text.spans))
        if shown != self._shown:
            self._shown = shown
            self.refresh()

    def render(self) -> Text:
        if not self.alerts:
            return Text("")
        top = self.alerts[0]
        since = (
            mmss(int((self.now - top.fired_at).total_seconds()))
            if self.now and top.fired_at
            else ""
        )
        text = Text()
        style = {"warning": "bold black on yellow", "breach": "bold white on dark_red"}.get(
            top.severity, "bold white on red" if top.severity in ("severe", "critical") else ""
        )
        text.append(f" {SYMBOLS.get(top.severity, '!')} {t(top.severity).upper()} ", style=style)
        said = t("{subject}: {alert}", subject=top.shown_subject, alert=top.text)
        text.append(f" {said}  ")
        text.append(t("fired {ago} ago", ago=since), style="dim")
        if len(self.alerts) > 1:
            text.append("  " + t("+{n} more", n=len(self.alerts) - 1), style="bold")
        text.append("   " + t("ctrl+k acknowledges"), style="dim")
        return text
