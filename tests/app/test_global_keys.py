"""Global keys work from every panel: right after opening it, and from inside a text field.

Issue 15: on Staffing the cursor started in "Calls", so `!` typed `Calls 7!` and `1`
never got back to the floor; on Reports Esc did not leave the date field.
"""

from __future__ import annotations

import itertools

import pytest
from textual.widgets import DataTable, Input

from floorman.app import PANELS
from floorman.screens.emergency_start import StartEmergencyModal
from floorman.screens.help import HelpScreen
from floorman.screens.staffing import StaffingScreen
from floorman.widgets.wrapped_text import WrappedText
from tests.helpers import settle

OTHER_PANELS = [key for key in PANELS if key != "1"]


async def open_panel(app, pilot, key: str) -> None:
    await pilot.press(key)
    await settle(app, pilot)
    assert isinstance(app.screen, PANELS[key][1])


async def focus_a_field(app, pilot) -> Input:
    """Put the cursor in one of the panel's fields as a user would (the panel's own key),
    else in a field of a form the panel opens."""
    screen = app.screen
    if isinstance(screen, StaffingScreen):
        await pilot.press("e")
    elif screen.query("#reports-from"):
        await pilot.press("f")
    else:
        return None
    await pilot.pause()
    assert isinstance(app.focused, Input)
    return app.focused


async def test_bang_opens_the_checklists_right_after_opening_each_panel(make_app) -> None:
    """One terminal walks every panel (a fresh app per panel cost a start-up each)."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        for key in PANELS:
            await open_panel(app, pilot, key)
            assert not isinstance(app.focused, Input), key  # no panel opens in a text field
            await pilot.press("exclamation_mark")
            await pilot.pause()
            assert isinstance(app.screen, StartEmergencyModal), key
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, PANELS[key][1]), key


async def test_each_digit_opens_its_panel_right_after_opening_another(make_app) -> None:
    """From every panel the floor's digit goes back, and every digit opens its panel from
    the one before: each panel is left by a digit at least once, each opened by one."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        for key in OTHER_PANELS:
            await open_panel(app, pilot, key)
            await open_panel(app, pilot, "1")
        walk = [*PANELS, "1"]
        for before, after in itertools.pairwise(walk):
            await pilot.press(after)
            await settle(app, pilot)
            assert isinstance(app.screen, PANELS[after][1]), (before, after)


@pytest.mark.parametrize("key", ["6", "7"])
async def test_from_inside_a_field_function_and_alt_keys_still_act(make_app, key) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await open_panel(app, pilot, key)
        field = await focus_a_field(app, pilot)
        await pilot.press("exclamation_mark")  # a field types it
        assert field.value.endswith("!")
        assert not isinstance(app.screen, StartEmergencyModal)
        await pilot.press("f2")  # a field never swallows it
        await pilot.pause()
        assert isinstance(app.screen, StartEmergencyModal)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("alt+1")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "FloorScreen"


@pytest.mark.parametrize("key", ["6", "7"])
async def test_escape_leaves_the_field_then_keys_are_the_panels(make_app, key) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await open_panel(app, pilot, key)
        await focus_a_field(app, pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.focused, Input)
        assert isinstance(app.screen, PANELS[key][1])  # Esc left the field, not the panel
        await pilot.press("1")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "FloorScreen"


async def test_alt_digits_f1_and_f2_work_from_every_panel(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        walk = [*PANELS, "1"]
        for key, target in itertools.pairwise(walk):
            assert isinstance(app.screen, PANELS[key][1]), key
            await pilot.press("f1")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen), key
            await pilot.press("f1")  # F1 closes it again
            await pilot.pause()
            assert not isinstance(app.screen, HelpScreen), key
            await pilot.press("f2")
            await pilot.pause()
            assert isinstance(app.screen, StartEmergencyModal), key
            await pilot.press("escape")
            await pilot.pause()
            await pilot.press(f"alt+{target}")
            await settle(app, pilot)
            assert isinstance(app.screen, PANELS[target][1]), key


async def test_a_form_field_does_not_swallow_f2(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await open_panel(app, pilot, "2")
        await pilot.press("n")  # send away: the form opens with the agent field focused
        await pilot.pause()
        assert isinstance(app.focused, Input)
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, StartEmergencyModal)


async def test_help_lists_each_global_action_with_both_keys(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(app, pilot)
        await pilot.press("f1")
        await pilot.pause()
        text = app.screen.query_one("#help-body WrappedText", WrappedText).text
        assert "!, f2" in text and "ctrl+k, f3" in text and "1, alt+1" in text
        assert "ctrl+p, f4" in text


async def test_home_end_j_k_move_a_table(small_floor, make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await open_panel(app, pilot, "6")
        table = app.screen.query_one("#seat-table", DataTable)
        table.focus()
        await pilot.pause()
        await pilot.press("end")
        assert table.cursor_row == table.row_count - 1
        await pilot.press("home")
        assert table.cursor_row == 0
        await pilot.press("j", "j")
        assert table.cursor_row == 2
        await pilot.press("k")
        assert table.cursor_row == 1


async def test_no_global_key_takes_the_lock_away(make_app) -> None:
    from floorman.screens.login import LoginScreen

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.push_screen(LoginScreen(locked=True, name="duty1"))
        await pilot.pause()
        for key in ("f1", "f2", "f3", "f4", "alt+2", "alt+5", "escape"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, LoginScreen), key
