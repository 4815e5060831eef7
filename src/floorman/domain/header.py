"""What every screen's header adds to the seat counts: emergencies, staffing, visitors,
aways over their limit, alerts.

Each item is a `HeaderItem` (text, style name, and a shorter text of the same meaning
for a narrow terminal), most pressing first: running emergencies, the alert counts, aways
over their limit, staffing, visitors. A header with too little room keeps the first ones
(`widgets.header_fit`). Every part is read in one snapshot. Symbols carry the meaning as
well as the style, so the header reads on a monochrome terminal.
"""

from __future__ import annotations

from typing import NamedTuple

from floorman.clock import mmss
from floorman.domain import alerts
from floorman.domain.alerts.templates import LOUD_SEVERITIES, SEVERITY_SYMBOLS
from floorman.domain.away.views import seat_aways
from floorman.domain.core.context import Floor
from floorman.i18n import language, t

# Starts the header item of each running emergency (the app looks for it before quitting).
EMERGENCY_MARK = "!! "


class HeaderItem(NamedTuple):
    """One item of the header: its text, its style, and a shorter text (or "") that says
    the same on a narrow terminal."""

    text: str
    style: str
    short: str = ""


def header_items(floor: Floor) -> list[HeaderItem]:
    """The header's items, most pressing first (a narrow header keeps the first ones)."""
    now = floor.clock.now()
    items: list[HeaderItem] = []
    with floor.db.read() as session:
        from floorman.domain.emergency.views import running

        for view in running(session):
            drill = t("DRILL") + " " if view.drill else ""
            items.append(
                HeaderItem(
                    f"{EMERGENCY_MARK}{drill}{view.title(language())} {mmss(view.elapsed(now))}",
                    "bold white on red",
                )
            )

        active = alerts.active(session)
        if active:
            items.append(alert_counts_item(active))

        # Each away against its own limit (away.rules), as the seat map and the board.
        over = sum(1 for away in seat_aways(session, floor).values() if away.over_limit_at(now))
        if over:
            items.append(
                HeaderItem("‼ " + t("aways over limit {n}", n=over), "bold white on dark_red")
            )

        from floorman.domain.staffing.plan import required_now

        required = required_now(session, now, floor.config.zone())
        if required is not None:
            gap = required.gap
            if gap.enough:
                items.append(
                    HeaderItem(
                        t(
                            "staffed {staffed}/required {required}",
                            staffed=gap.staffed,
                            required=gap.required,
                        ),
                        "green",
                    )
                )
            else:
                items.append(
                    HeaderItem(
                        "! "
                        + t(
                            "staffed {staffed}/required {required}: short by {short}",
                            staffed=gap.staffed,
                            required=gap.required,
                            short=gap.short_by,
                        ),
                        "bold black on yellow",
                    )
                )

        from floorman.domain.visitors.presence import visitors_on_floor

        on_floor = visitors_on_floor(session)
        if on_floor:
            items.append(HeaderItem(t("visitors on floor {n}", n=len(on_floor)), "cyan"))
    return items


def alert_counts_item(active: list[alerts.AlertView]) -> HeaderItem:
    """Active alerts per severity, worst first, led by the worst one's symbol and colour;
    the short form drops the word "alerts" and the commas, never a count."""
    counts = alerts.counts_by_severity(active)
    worst = counts[0][0]
    text = t(", ").join(f"{t(severity)} {n}" for severity, n in counts)
    style = "bold white on dark_red" if worst in LOUD_SEVERITIES else "bold black on yellow"
    symbol = f"{SEVERITY_SYMBOLS.get(worst, '!')} "
    short = " ".join(f"{t(severity)} {n}" for severity, n in counts)
    return HeaderItem(symbol + t("alerts: {counts}", counts=text), style, symbol + short)
