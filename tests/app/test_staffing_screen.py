"""Pilot tests of the staffing screen: Erlang C, the manual's plan, staffed against required."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Static

from floorman.domain.seats.events import record_event
from floorman.screens.staffing import StaffingScreen
from floorman.widgets.wrapped_text import WrappedText
from tests.helpers import settle


def cells(table: DataTable) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def set_value(pilot, screen, selector: str, value: str) -> None:
    field = screen.query_one(selector, Input)
    field.value = value
    await pilot.pause()


async def open_staffing(app, pilot) -> StaffingScreen:
    await settle(app, pilot)
    await pilot.press("6")
    await settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, StaffingScreen)
    return screen


async def test_key_6_opens_the_erlang_form_with_the_published_answer(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_staffing(app, pilot)
        # Defaults are the published 100 calls / 30 min / 180 s / 80-20 example, 85% / 30%.
        summary = text_of(screen, "#erlang-summary")
        assert "14 agents (20 on the roster)" in summary
        assert "88.8%" in summary and "10.00 Erlangs" in summary
        rows = cells(screen.query_one("#erlang-table", DataTable))
        assert [r[0] for r in rows] == ["  12", "  13", "> 14", "+ 15", "+ 16", "+ 17"]
        answer = rows[2]
        assert answer[1:5] == ["88.8%", "7.8 s", "71.4%", "17.4%"]
        assert answer[5] == "20"


async def test_at_80_columns_the_erlang_table_fits_its_half(make_app) -> None:
    """Half of 80 columns: short labels, the wait and the roster go; nothing scrolls."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_staffing(app, pilot)
        table = screen.query_one("#erlang-table", DataTable)
        assert [str(c.label) for c in table.columns.values()] == ["Agents", "SL", "ASA", "Occ."]
        assert cells(table)[2] == ["> 14", "88.8%", "7.8 s", "71.4%"]
        needed = sum(c.get_render_width(table) for c in table.columns.values())
        assert needed <= table.scrollable_content_region.width


async def test_typing_recomputes_and_nonsense_shows_a_message(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_staffing(app, pilot)
        await set_value(pilot, screen, "#erlang-calls", "1000")
        await set_value(pilot, screen, "#erlang-interval", "3600")
        await set_value(pilot, screen, "#erlang-aht", "120")
        # call-center-tools README: 1000 calls an hour of 120 s at 85% max occupancy -> 40, 58.
        assert "40 agents (58 on the roster)" in text_of(screen, "#erlang-summary")
        await set_value(pilot, screen, "#erlang-aht", "0")
        summary = text_of(screen, "#erlang-summary")
        assert summary.startswith("! ") and "handle time" in summary
        assert screen.query_one("#erlang-table", DataTable).row_count == 0
        await set_value(pilot, screen, "#erlang-target-sl", "lots")
        assert "not a number" in text_of(screen, "#erlang-summary")


async def test_typing_into_a_field_by_keys(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_staffing(app, pilot)
        calls = screen.query_one("#erlang-calls", Input)
        calls.focus()
        calls.value = ""
        await pilot.press("2", "0", "0")
        await pilot.pause()
        assert calls.value == "200"
        # 200 calls in 30 min of 180 s: 20 Erlangs; the 85% occupancy ceiling asks for 24.
        assert text_of(screen, "#erlang-summary").startswith("24 agents (35 on the roster)")
        # Esc leaves the field, so number keys switch panels again.
        await pilot.press("escape", "1")
        await settle(app, pilot)
        assert not isinstance(app.screen, StaffingScreen)


async def test_manual_plan_and_seat_table(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_staffing(app, pilot)
        plan = dict(cells(screen.query_one("#manual-plan", DataTable)))
        assert plan["Seats to open"] == "14"
        assert plan["b value"] == "3"
        assert plan["Front-line agents"] == "42"
        assert plan["Back-office agents"] == "3"
        assert plan["QA"] == "2"
        assert plan["Spares"] == "4"
        assert plan["Headcount"] == "63"
        seats = cells(screen.query_one("#seat-table", DataTable))
        assert seats[:5] == [["50", "5"], ["100", "7"], ["200", "10"], ["300", "14"], ["400", "17"]]
        assert seats[5] == ["each +100", "+3"]
        await set_value(pilot, screen, "#manual-busy-hour-calls", "450")
        await set_value(pilot, screen, "#manual-daily-requests", "6000")
        plan = dict(cells(screen.query_one("#manual-plan", DataTable)))
        assert (plan["Seats to open"], plan["b value"], plan["Front-line agents"]) == (
            "20",
            "2.6",
            "52",
        )


async def test_staffed_against_required_follows_the_floor(small_floor, make_app) -> None:
    record_event(small_floor, "A-01", "ready", agent_no="1001")
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_staffing(app, pilot)
        await set_value(pilot, screen, "#manual-busy-hour-calls", "20")
        line = text_of(screen, "#staffed-line")
        assert "Staffed now 1 of 5 required: SHORT BY 4" in line
        assert line.startswith("! ")  # not colour alone
        app.check_database()  # baseline
        for seat, agent in (("A-02", "1002"), ("B-01", "1003"), ("B-02", "1004")):
            record_event(small_floor, seat, "ready", agent_no=agent)
        assert app.check_database()
        await settle(app, pilot)
        assert "Staffed now 4 of 5 required: SHORT BY 1" in text_of(screen, "#staffed-line")
        await set_value(pilot, screen, "#manual-busy-hour-calls", "0")
        assert "Staffed now 4 of 0 required: enough" in text_of(screen, "#staffed-line")


async def test_help_describes_the_screen(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_staffing(app, pilot)
        await pilot.press("escape", "f1")
        await pilot.pause()
        assert "Erlang C" in app.screen.query_one("#help-body WrappedText", WrappedText).text


def test_every_screen_string_has_a_chinese_translation() -> None:
    import ast
    import inspect
    import tomllib
    from importlib import resources

    import floorman.screens.staffing as module

    catalog = tomllib.loads(
        (resources.files("floorman") / "locales" / "zh_CN" / "staffing.toml").read_text("utf-8")
    )
    wanted = {label for _key, label, _default in module.ERLANG_FIELDS + module.MANUAL_FIELDS}
    for node in ast.walk(ast.parse(inspect.getsource(module))):
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", None) == "t"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            wanted.add(node.args[0].value)
    assert sorted(w for w in wanted if w not in catalog) == []


async def test_the_screen_in_chinese(make_app) -> None:
    from floorman.i18n import set_language

    set_language("zh")
    try:
        app = make_app()
        async with app.run_test(size=(100, 40)) as pilot:
            screen = await open_staffing(app, pilot)
            assert "需 14 名座席（排班 20 人）" in text_of(screen, "#erlang-summary")
            plan = dict(cells(screen.query_one("#manual-plan", DataTable)))
            assert plan["开通座席数"] == "14"
            assert plan["备员"] == "4"
    finally:
        set_language("en")


async def test_erlang_form_starts_from_the_domain_defaults(make_app) -> None:
    """The CLI's `staffing erlang` uses the same defaults: one set, kept in the domain."""
    from floorman.domain.staffing import defaults as staffing

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_staffing(app, pilot)
        typed = {
            key: float(screen.query_one(f"#erlang-{key}", Input).value)
            for key in ("target-sl", "answer-within", "max-occupancy", "shrinkage")
        }
    assert typed == {
        "target-sl": staffing.DEFAULT_TARGET_SL,
        "answer-within": staffing.DEFAULT_ANSWER_WITHIN_SECONDS,
        "max-occupancy": staffing.DEFAULT_MAX_OCCUPANCY,
        "shrinkage": staffing.DEFAULT_SHRINKAGE,
    }
