"""Pilot walk of the emergencies screen: start with `!`, stamp steps, wording, roll call, close."""

from __future__ import annotations

from pathlib import Path

from floorman.domain.emergency import headcount, lifecycle
from floorman.domain.emergency import views as emergency_views
from floorman.domain.seats.events import record_event
from floorman.screens.emergency import EmergencyScreen, EmergencyTextModal
from floorman.screens.emergency_start import StartEmergencyModal
from floorman.screens.roll_call import RollCallModal
from tests.helpers import settle, type_text


def running(floor) -> list[emergency_views.EmergencyView]:
    with floor.db.read() as session:
        return emergency_views.running(session)


def steps_text(app) -> str:
    table = app.screen.query_one("#emergency-steps")
    return "\n".join(
        " | ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)
    )


async def test_start_a_drill_with_two_keys_and_work_it_through(
    small_floor, make_app, clock
) -> None:
    record_event(small_floor, "A-01", "ready", agent_no="1001")
    record_event(small_floor, "B-01", "busy", agent_no="1003")
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("exclamation_mark")
        await settle(app, pilot)
        assert isinstance(app.screen, StartEmergencyModal)
        await pilot.press("d")  # drill
        await pilot.press("2")  # earthquake, fire, ...: fire is second
        await settle(app, pilot)
        assert isinstance(app.screen, EmergencyScreen)
        (fire,) = running(small_floor)
        assert (fire.kind, fire.drill) == ("fire", True)
        assert app.screen.query_one("#emergency-steps").row_count == 10
        assert "Roll call · 2 people · 0 safe · 2 not yet safe" in str(
            app.screen.query_one("#emergency-roll").render()
        )

        clock.advance(65)
        app.tick()
        await pilot.pause()
        assert "DRILL · Fire · running · 01:05" in str(
            app.screen.query_one("#emergency-title").render()
        )

        await pilot.press("d")  # step 1 done
        await settle(app, pilot)
        step1 = running(small_floor)[0].steps[0]
        assert (step1.state, step1.state_by, step1.state_at) == ("done", "duty1", clock.now())
        assert "x done" in steps_text(app).splitlines()[0]

        await pilot.press("s")  # the cursor moved on to step 2: skip it, a reason is asked
        await settle(app, pilot)
        assert isinstance(app.screen, EmergencyTextModal)
        await pilot.press("enter")  # empty reason refused, the prompt stays
        await settle(app, pilot)
        assert isinstance(app.screen, EmergencyTextModal)
        assert "must not be empty" in str(app.screen.query_one("#form-error").render())
        await type_text(pilot, "drill no call")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, EmergencyScreen)
        step2 = running(small_floor)[0].steps[1]
        assert (step2.state, step2.skip_reason) == ("skipped", "drill no call")

        await pilot.press("a")  # the cursor is on step 3, the next open one
        await settle(app, pilot)
        await type_text(pilot, "Li Na")
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        await type_text(pilot, "extinguisher checked")
        await pilot.press("enter")
        await pilot.press("e")  # defer step 3: a note is asked
        await settle(app, pilot)
        await type_text(pilot, "hoses at noon")
        await pilot.press("enter")
        await settle(app, pilot)
        step3 = running(small_floor)[0].steps[2]
        assert (step3.state, step3.assignee) == ("deferred", "Li Na")
        assert "> deferred" in steps_text(app).splitlines()[2]

        await pilot.press("w")
        await settle(app, pilot)
        await type_text(pilot, "Fire drill in progress")
        await pilot.press("enter")
        await settle(app, pilot)
        assert running(small_floor)[0].wording == "Fire drill in progress"
        assert "Fire drill in progress" in str(app.screen.query_one("#emergency-wording").render())

        await pilot.press("r")
        await settle(app, pilot)
        assert isinstance(app.screen, RollCallModal)
        await pilot.press("enter")  # Li Na, first on the list, is safe
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        with small_floor.db.read() as session:
            lines = headcount.roll_call_lines(session, fire.id)
        assert [(x.name, x.safe_by) for x in lines] == [("Li Na", "duty1"), ("Zhang Wei", None)]

        await pilot.press("c")  # refused: steps 4 to 10 untouched
        await settle(app, pilot)
        assert running(small_floor)[0].status == "running"
        app.check_database()  # the watcher's baseline
        for number in range(4, 11):
            lifecycle.step_action(small_floor, fire.id, number, "done")
        app.check_database()
        await settle(app, pilot)
        await pilot.press("c")
        await settle(app, pilot)
        assert running(small_floor) == []
        with small_floor.db.read() as session:
            assert (
                emergency_views.get_emergency(session, fire.id).status == "complete_with_deferred"
            )
        assert "complete with deferred items" in str(
            app.screen.query_one("#emergency-title").render()
        )


def table_lines(app) -> list[str]:
    """The step table as it is drawn on screen (header first), cut where the screen cuts."""
    table = app.screen.query_one("#emergency-steps")
    return [table.render_line(y).text for y in range(table.size.height)]


def detail_text(app) -> str:
    return str(app.screen.query_one("#emergency-step-detail").render())


FIRE_STEP_6 = (
    "If the fire cannot be controlled, lead everyone out through the safety exits; if the "
    "fire is severe or the exits are blocked, tie sheets or blankets together down to the "
    "ground outside a window and lower people to safety."
)


async def test_a_long_step_reads_in_full_and_who_when_assigned_stay_in_sight(
    small_floor, make_app
) -> None:
    fire = lifecycle.start(small_floor, "fire")
    lifecycle.step_action(small_floor, fire.id, 1, "done")
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("5")
        await settle(app, pilot)
        header = table_lines(app)[0]
        assert all(word in header for word in ("State", "Step", "By", "At", "Assigned"))
        assert "x done" in table_lines(app)[1] and "duty1" in table_lines(app)[1]
        await pilot.press("down", "down", "down", "down", "down")  # step 6
        for _ in range(50):  # the detail follows the cursor on the next message round
            await pilot.pause()
            if FIRE_STEP_6 in detail_text(app):
                break
        assert FIRE_STEP_6 in detail_text(app)
        assert "Step 6 ·   open" in detail_text(app)
        await pilot.press("a")
        await settle(app, pilot)
        await type_text(pilot, "Zhang")
        await pilot.press("enter")
        await settle(app, pilot)
        row6 = table_lines(app)[6]
        assert row6.lstrip().startswith("6") and "Zhang" in row6
        assert "assigned to Zhang" in detail_text(app)
        # The step is cut in the table only, marked so, and the columns fit: no sideways
        # scrolling needed to see who, when and to whom.
        assert "…" in row6
        table = app.screen.query_one("#emergency-steps")
        assert table.virtual_size.width <= table.size.width

        await pilot.resize_terminal(120, 40)
        await settle(app, pilot)
        assert "Zhang" in table_lines(app)[6] and "Assigned" in table_lines(app)[0]
        assert FIRE_STEP_6 in detail_text(app)


async def test_a_chinese_step_reads_in_full(small_floor, make_app) -> None:
    from floorman.i18n import set_language

    lifecycle.start(small_floor, "earthquake")
    set_language("zh")
    try:
        app = make_app()
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(app, pilot)
            await pilot.press("5")
            await settle(app, pilot)
            text = (
                "遇到地震灾情时，所有人员保持冷静、沉着，疏散所有工作人员至安全地带，"
                "例：卫生间、或面墙屈膝，待震情减轻时，迅速将人员疏散到楼外。"
            )
            assert text in detail_text(app)
            header = table_lines(app)[0]
            assert all(word in header for word in ("执行人", "时间", "指派给"))
            await pilot.press("d")
            await settle(app, pilot)
            assert "x 已完成" in table_lines(app)[1] and "duty1" in table_lines(app)[1]
    finally:
        set_language("en")


async def test_done_skip_and_defer_move_on_to_the_next_open_step(small_floor, make_app) -> None:
    fire = lifecycle.start(small_floor, "fire")
    lifecycle.step_action(small_floor, fire.id, 5, "done")  # done elsewhere: jumped over
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("5")
        await settle(app, pilot)
        await pilot.press("d")
        await settle(app, pilot)
        await pilot.press("d")  # the second d is step 2, not "already done"
        await settle(app, pilot)
        states = [s.state for s in running(small_floor)[0].steps]
        assert states[:3] == ["done", "done", "open"]

        await pilot.press("s")
        await settle(app, pilot)
        await type_text(pilot, "no smoke")
        await pilot.press("enter")
        await settle(app, pilot)
        assert running(small_floor)[0].steps[2].state == "skipped"

        await pilot.press("e")  # deferring asks what and why
        await settle(app, pilot)
        assert isinstance(app.screen, EmergencyTextModal)
        await pilot.press("enter")  # no note: refused, nothing deferred
        await settle(app, pilot)
        assert isinstance(app.screen, EmergencyTextModal)
        assert "what is deferred and why" in str(app.screen.query_one("#form-error").render())
        assert running(small_floor)[0].steps[3].state == "open"
        await type_text(pilot, "call 119 after the drill")
        await pilot.press("enter")
        await settle(app, pilot)
        step4 = running(small_floor)[0].steps[3]
        assert (step4.state, step4.defer_note) == ("deferred", "call 119 after the drill")
        assert "> deferred " in table_lines(app)[4]  # the label in full, never "> defe"

        await pilot.press("d")  # step 5 was done already: the cursor went on to step 6
        await settle(app, pilot)
        states = [s.state for s in running(small_floor)[0].steps]
        assert states[:6] == ["done", "done", "skipped", "deferred", "done", "done"]

        await pilot.press("up", "up", "up")  # from step 7 back to step 4
        await pilot.pause()
        assert "Deferred: call 119 after the drill" in detail_text(app)


async def test_close_early_asks_for_a_reason(small_floor, make_app) -> None:
    fire = lifecycle.start(small_floor, "fire", drill=True)
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("5")
        await settle(app, pilot)
        await pilot.press("d")
        await settle(app, pilot)
        await pilot.press("c")  # the normal close still refuses open steps
        await settle(app, pilot)
        assert running(small_floor)[0].status == "running"

        await pilot.press("x", "y")  # yes to the question naming it, then the reason
        await settle(app, pilot)
        assert isinstance(app.screen, EmergencyTextModal)
        assert "9 open steps recorded as not done" in str(app.screen.query_one(".title").render())
        await pilot.press("enter")  # no reason: refused
        await settle(app, pilot)
        assert isinstance(app.screen, EmergencyTextModal)
        assert running(small_floor) != []
        await type_text(pilot, "end of the drill")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, EmergencyScreen)
        assert running(small_floor) == []
        with small_floor.db.read() as session:
            closed = emergency_views.get_emergency(session, fire.id)
        assert (closed.status, closed.close_reason) == ("closed_early", "end of the drill")
        title = str(app.screen.query_one("#emergency-title").render())
        assert "closed early" in title and "end of the drill" in title
        assert "! not done" in table_lines(app)[2]
        listed = app.screen.query_one("#emergency-list")
        assert str(listed.get_row_at(0)[4]) == "1/10 !9"  # one step done; nine left not done


async def test_several_running_are_listed_by_priority_and_follow_other_terminals(
    small_floor, make_app
) -> None:
    lifecycle.start(small_floor, "password")
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("5")
        await settle(app, pilot)
        assert isinstance(app.screen, EmergencyScreen)
        table = app.screen.query_one("#emergency-list")
        assert table.row_count == 1
        app.check_database()  # the watcher's baseline
        lifecycle.start(small_floor, "hotline_failure")  # from the CLI or another terminal
        app.check_database()
        await settle(app, pilot)
        titles = [str(table.get_row_at(i)[2]) for i in range(table.row_count)]
        assert titles == ["! Hotline system failure", "! Login password stolen or forgotten"]
        assert "2 running" in str(app.screen.query_one("#emergency-summary").render())


def test_every_screen_string_has_a_chinese_translation() -> None:
    import ast
    import tomllib
    from importlib import resources

    import floorman.screens.emergency as screen
    import floorman.screens.emergency_cells as cells
    import floorman.screens.emergency_report as report
    import floorman.screens.emergency_start as start
    import floorman.screens.roll_call as roll_call

    catalog: dict[str, str] = {}
    for area in ("emergency", "visitors"):
        catalog |= tomllib.loads(
            (resources.files("floorman") / "locales" / "zh_CN" / f"{area}.toml").read_text("utf-8")
        )
    trees = [
        ast.parse(Path(module.__file__ or "").read_text(encoding="utf-8"))
        for module in (screen, cells, roll_call, start, report)
    ]
    strings = {
        node.args[0].value
        for tree in trees
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "t"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }
    strings |= {label for _key, label in cells.LIST_COLUMNS + cells.STEP_COLUMNS}
    strings |= {word for _letter, word in cells.STATE_LABELS.values()}
    strings |= set(emergency_views.STATUS_WORDS.values())
    strings |= set(emergency_views.ACTION_WORDS.values())
    strings |= {label for _key, label in report.COLUMNS}
    strings |= {label for _key, label in roll_call.COLUMNS}
    assert sorted(s for s in strings if s not in catalog) == []


async def test_the_start_modal_speaks_chinese(small_floor, make_app) -> None:
    from floorman.i18n import set_language

    set_language("zh")
    try:
        app = make_app()
        async with app.run_test(size=(160, 45)) as pilot:
            await settle(app, pilot)
            await pilot.press("exclamation_mark")
            await settle(app, pilot)
            options = app.screen.query_one("#emergency-start-list")
            labels = [str(options.get_option_at_index(i).prompt) for i in range(8)]
            assert labels[0].endswith("地震") and labels[1].endswith("火灾")
            await pilot.press("2")
            await settle(app, pilot)
            assert "火灾" in str(app.screen.query_one("#emergency-title").render())
            assert "所有人员应保持镇静。" in steps_text(app)
    finally:
        set_language("en")


async def test_the_days_closed_emergencies_stay_listed_with_their_reports_counts(
    small_floor, make_app, clock
) -> None:
    """A fire closed early 15 minutes ago and a drill closed yesterday stay on the panel,
    under the running one, with the counts their reports give; `v` opens the timeline."""
    from floorman.domain.emergency.report import report_data
    from floorman.screens.emergency_report import EmergencyReportModal

    old = lifecycle.start(small_floor, "software_failure")
    lifecycle.close_early(small_floor, old.id, "test")
    clock.advance(days=8)  # closed 8 days before: out of sight
    drill = lifecycle.start(small_floor, "theft", drill=True)
    for number in range(1, 8):
        lifecycle.step_action(small_floor, drill.id, number, "done")
    lifecycle.close(small_floor, drill.id)
    clock.advance(hours=20)
    fire = lifecycle.start(small_floor, "fire")
    for number in (1, 2, 3, 4):
        lifecycle.step_action(small_floor, fire.id, number, "done")
    lifecycle.step_action(small_floor, fire.id, 5, "skip", "power already off")
    lifecycle.step_action(small_floor, fire.id, 6, "defer", "wait for the fire service")
    lifecycle.close_early(small_floor, fire.id, "false alarm")
    clock.advance(minutes=15)
    hotline = lifecycle.start(small_floor, "hotline_failure")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("5")
        await settle(app, pilot)
        listing = app.screen.query_one("#emergency-list")
        ids = [str(listing.get_row_at(i)[0]) for i in range(listing.row_count)]
        assert ids[0] == hotline.short_id  # running first
        assert ids[1:] == [fire.short_id, drill.short_id]  # latest closed next; not `old`
        with small_floor.db.read() as session:
            fire_counts = report_data(session, fire.id)["step_counts"]
            drill_counts = report_data(session, drill.id)["step_counts"]
        assert fire_counts == {
            "done": 4, "skipped": 1, "deferred": 1, "not_done": 4, "open": 0, "total": 10
        }
        assert str(listing.get_row_at(1)[4]) == "6/10 !4"
        assert str(listing.get_row_at(2)[4]) == f"{drill_counts['done']}/{drill_counts['total']}"
        assert "DRILL" in str(listing.get_row_at(2)[2])
        assert "1 running · " in str(app.screen.query_one("#emergency-summary").render())

        await pilot.press("tab")  # the list of emergencies
        await pilot.press("down")
        await settle(app, pilot)
        title = str(app.screen.query_one("#emergency-title").render())
        assert "closed early" in title
        # The one sentence of the counts: the report's, `emergency show`'s and the panel's.
        assert "4 done, 1 skipped, 1 deferred, 4 not done of 10" in title
        await pilot.press("v")
        await settle(app, pilot)
        assert isinstance(app.screen, EmergencyReportModal)
        summary = str(app.screen.query_one("#emergency-report-summary").render())
        assert "4 done, 1 skipped, 1 deferred, 4 not done of 10" in summary
        assert "Roll call · 0 people" in summary and "false alarm" in summary
        timeline = app.screen.query_one("#emergency-report-timeline")
        whats = [str(timeline.get_row_at(i)[2]) for i in range(timeline.row_count)]
        assert whats[0] == "started" and whats[-1] == "closed early"
        assert "step skipped" in whats
