"""Pilot: during a fire the visitors panel's `c` and the emergency screen's `r` show the
one roll call: the same people, kinds and marks, whichever screen made the mark."""

from __future__ import annotations

from textual.widgets._data_table import default_cell_formatter

from floorman.domain.emergency import lifecycle
from floorman.domain.seats.events import record_event
from floorman.domain.visitors import decisions, presence, registration
from floorman.domain.visitors.registration import Registration
from floorman.screens.emergency import EmergencyScreen
from floorman.screens.roll_call import RollCallModal
from floorman.screens.visitors import VisitorsScreen
from tests.helpers import settle


def rows(table, columns: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The table as drawn, only the given columns (by key)."""
    keys = [c.value for c in table.columns]
    out = []
    for index in range(table.row_count):
        cells = table.get_row_at(index)
        drawn = {k: default_cell_formatter(v) for k, v in zip(keys, cells, strict=True)}
        out.append(tuple(str(getattr(drawn[c], "plain", drawn[c])) for c in columns))
    return out


async def test_visitors_panel_and_the_fire_show_the_same_roll_call(
    small_floor, make_app, clock
) -> None:
    record_event(small_floor, "A-01", "ready", agent_no="1001")
    visitor = registration.register(
        small_floor,
        Registration(
            name="Chen Jie",
            organisation="IT",
            category="internal",
            purpose="repair",
            host="Li Na",
            badge="V-07",
        ),
    )
    decisions.approve(small_floor, visitor.id)
    presence.check_in(small_floor, visitor.id)
    fire = lifecycle.start(small_floor, "fire", drill=True)
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("3")
        await settle(app, pilot)
        await pilot.press("c")  # joins the fire's roll call, starts nothing new
        await settle(app, pilot)
        assert isinstance(app.screen, RollCallModal)
        assert app.screen.roll_call_id == fire.roll_call_id
        await pilot.press("enter")  # the visitor, first on the list, is safe
        await settle(app, pilot)
        visitors_side = rows(app.screen.query_one("#roll-call-table"), ("no", "safe", "name"))
        assert visitors_side == [("1", "[x]", "Chen Jie"), ("2", "[ ]", "Li Na")]
        title = str(app.screen.query_one("#roll-call-title").render())
        assert "2 people · 1 safe · 1 not yet safe" in title
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, VisitorsScreen)

        await pilot.press("5")
        await settle(app, pilot)
        assert isinstance(app.screen, EmergencyScreen)
        assert "Roll call · 2 people · 1 safe · 1 not yet safe" in str(
            app.screen.query_one("#emergency-roll").render()
        )
        await pilot.press("r")
        await settle(app, pilot)
        assert isinstance(app.screen, RollCallModal)
        table = app.screen.query_one("#roll-call-table")
        assert rows(table, ("no", "safe", "name")) == visitors_side
        assert rows(table, ("kind", "by")) == [("visitor", "duty1 08:00"), ("staff", "")]
        await pilot.press("down", "enter")  # Li Na marked here...
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)

        await pilot.press("3")
        await settle(app, pilot)
        await pilot.press("c")  # ...shows on the visitors panel's roll call
        await settle(app, pilot)
        assert rows(app.screen.query_one("#roll-call-table"), ("safe",)) == [("[x]",), ("[x]",)]
