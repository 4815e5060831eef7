"""What every screen's header adds to the seat counts: emergencies, staffing, visitors,
aways over their limit, alerts.

Each item is (text, style name). Every part is read in one snapshot; a panel whose
module is not installed simply adds nothing. Symbols carry the meaning as well as the
style, so the header reads on a monochrome terminal.
"""

from __future__ import annotations

from floorman.clock import mmss
from floorman.domain import alerts
from floorman.domain.alerts.templates import LOUD_SEVERITIES, SEVERITY_SYMBOLS
from floorman.domain.away.views import seat_aways
from floorman.domain.core.context import Floor
from floorman.i18n import language, t

# Starts the header item of each running emergency (the app looks for it before quitting).
EMERGENCY_MARK = "!! "


def header_items(floor: Floor) -> list[tuple[str, str]]:
    now = floor.clock.now()
    items: list[tuple[str, str]] = []
    with floor.db.read() as session:
        from floorman.domain.emergency.views import running

        for view in running(session):
            drill = t("DRILL") + " " if view.drill else ""
            items.append(
                (
                    f"{EMERGENCY_MARK}{drill}{view.title(language())} {mmss(view.elapsed(now))}",
                    "bold white on red",
                )
            )

        from floorman.domain.staffing.plan import required_now

        required = required_now(session, now, floor.config.zone())
        if required is not None:
            gap = required.gap
            if gap.enough:
                items.append(
                    (
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
                    (
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
            items.append((t("visitors on floor {n}", n=len(on_floor)), "cyan"))

        # Each away against its own limit (away.rules), as the seat map and the board.
        over = sum(1 for away in seat_aways(session, floor).values() if away.over_limit_at(now))
        if over:
            items.append(("‼ " + t("aways over limit {n}", n=over), "bold white on dark_red"))

        active = alerts.active(session)
        if active:
            items.append(alert_counts_item(active))
    return items


def alert_counts_item(active: list[alerts.AlertView]) -> tuple[str, str]:
    """Active alerts per severity, worst first, led by the worst one's symbol and colour."""
    counts = alerts.counts_by_severity(active)
    worst = counts[0][0]
    text = ", ".join(f"{t(severity)} {n}" for severity, n in counts)
    style = "bold white on dark_red" if worst in LOUD_SEVERITIES else "bold black on yellow"
    return f"{SEVERITY_SYMBOLS.get(worst, '!')} " + t("alerts: {counts}", counts=text), style
