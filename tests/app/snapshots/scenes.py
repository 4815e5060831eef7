"""The fixed floor and the panels the snapshot tests photograph, run in a fresh interpreter.

`python -m tests.app.snapshots.scenes LANG WxH [WxH ...]` builds the demo floor (seed 7,
its fixed names) on a temporary SQLite file at a fixed clock, then for every scene and
size opens the panel on a fresh copy of that file in a headless terminal, and prints the
SVG screenshots as JSON.

One fresh interpreter per language because the key bindings are translated when a screen
module is imported (they are class attributes): the language is set first, from the
config's `language`, exactly as `floorman ui` does, and only then is the app imported.

What would make two runs differ is pinned: the clock is a FakeClock, row ids come from a
counter, the alert scheduler does not run (the alerts due at the fixed time are fired
before the app starts, so the alert bar is the same every time), notifications and
tooltips are off (Textual's run_test), animations are off and no cursor blinks.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
import tempfile
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

# The one fixed moment of every snapshot: a Monday morning shift.
START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
# How long after START the photograph is taken: aways have run, one past its limit.
ELAPSED = timedelta(minutes=3, seconds=20)
SIZES = ((80, 24), (160, 50))
LANGUAGES = ("en", "zh")


@dataclass(frozen=True)
class Scene:
    """One panel as the duty manager sees it: extra data to add, then keys to reach it."""

    name: str
    prepare: Callable[[Any], None]
    drive: Callable[[Any, Any], Awaitable[None]]


def _counting_ids(first: int) -> None:
    """Row ids from a counter instead of uuid4, so an id prefix on screen is the same."""
    from floorman.data import types

    counter = iter(range(first, first + 0x1000000))

    class CountingUuid:
        """Stands in for the uuid module inside floorman.data.types only."""

        @staticmethod
        def uuid4() -> uuid.UUID:
            # The count leads, so the 8-character prefix the panels show tells rows apart.
            number = next(counter)
            return uuid.UUID(int=(number << 96) | number)

    types.uuid = CountingUuid  # type: ignore[assignment]


def _floor(tmp: Path, language: str) -> Any:
    from floorman.clock import FakeClock
    from floorman.config import Config
    from floorman.data import schema
    from floorman.data.db import Database
    from floorman.domain.core.context import Actor, Floor

    database = Database(tmp / "floor.db")
    schema.migrate(database)
    config = Config(timezone="UTC", language=language)
    return Floor(db=database, clock=FakeClock(START), config=config, actor=Actor("duty1", "tty1"))


def _staff_at(floor: Any, state: str, count: int) -> list[tuple[str, str]]:
    """(staff_no, seat) of the first `count` agents in `state`, in seat order."""
    from sqlmodel import col, select

    from floorman.data.tables.floor import Agent, Seat

    with floor.db.read() as session:
        rows = session.exec(
            select(Agent.staff_no, Seat.code)
            .join(Seat, col(Seat.agent_id) == col(Agent.id))
            .where(col(Seat.state) == state)
            .order_by(col(Seat.code))
        ).all()
    return [(staff_no, code) for staff_no, code in rows[:count]]


def build_floor(floor: Any) -> None:
    """The demo floor, two approved aways and one waiting request, two visitors."""
    from floorman.domain.away import actions as away_actions
    from floorman.domain.demo import build_demo_floor
    from floorman.domain.visitors import decisions, presence, registration
    from floorman.domain.visitors.registration import Registration

    build_demo_floor(floor, seed=7)
    ready = _staff_at(floor, "ready", 4)
    away_actions.send_away(floor, ready[0][0], "water", seat_code=ready[0][1])
    away_actions.send_away(floor, ready[1][0], "toilet", seat_code=ready[1][1])
    away_actions.request(floor, ready[2][0], "coaching")
    guest = Registration(
        name="Zhang Wei",
        organisation="Billing dept",
        category="internal",
        purpose="Check the billing screens",
        host="Li Na",
        badge="V-01",
        expected_minutes=30,
    )
    first = registration.register(floor, guest)
    decisions.approve(floor, first.id)
    presence.check_in(floor, first.id)
    registration.register(
        floor,
        Registration(
            name="王芳",
            organisation="Acme Telecom",
            category="external",
            purpose="Line maintenance",
            host="Li Na",
            escort="陈静",
            badge="V-02",
        ),
    )
    floor.clock.advance(ELAPSED.total_seconds())


def _nothing(floor: Any) -> None:
    return None


def _running_fire(floor: Any) -> None:
    from floorman.domain.emergency import lifecycle as emergency_lifecycle

    emergency_lifecycle.start(floor, "fire")


def _operators(floor: Any) -> None:
    """A closed floor: one director; nobody logged in yet."""
    from floorman.domain.operators.management import add_operator

    add_operator(floor, "boss", "director", "2468")


def _logged_in_then_idle(floor: Any) -> None:
    from floorman.domain.operators.login import authenticate

    _operators(floor)
    floor.actor = authenticate(floor, "boss", "2468")


async def _stay(app: Any, pilot: Any) -> None:
    return None


def _keys(*keys: str) -> Callable[[Any, Any], Awaitable[None]]:
    async def press(app: Any, pilot: Any) -> None:
        for key in keys:
            await pilot.press(key)
            await settle(app, pilot)

    return press


async def _idle_past_the_lock(app: Any, pilot: Any) -> None:
    await settle(app, pilot)
    app.floor.clock.advance(minutes=app.floor.config.operators.idle_lock_minutes + 1)
    app.tick()


def _handover_composed(floor: Any) -> None:
    from floorman.domain.handover import lifecycle

    lifecycle.compose(floor)


def _handover_submitted(floor: Any) -> None:
    from floorman.domain.handover import lifecycle

    summary = "交接顺利" if floor.config.language == "zh" else "A quiet shift"
    lifecycle.compose(floor, summary=summary)
    lifecycle.submit(floor)


async def _open_seat(app: Any, pilot: Any) -> None:
    """Enter on the selected seat, then wait for the detail's history (loaded in a
    worker the screen starts once it is pushed: a photograph taken before it came in
    showed an empty table)."""
    from textual.widgets import DataTable

    from floorman.screens.seat_detail import SeatDetailScreen

    await pilot.press("enter")
    for _ in range(200):
        await settle(app, pilot)
        screen = app.screen
        if isinstance(screen, SeatDetailScreen) and screen.query_one(DataTable).row_count:
            return
    raise AssertionError("the seat detail never showed its history")


async def _login(app: Any, pilot: Any) -> None:
    app.tick()  # the idle lock sees a closed floor and nobody logged in


SCENES: dict[str, Scene] = {
    scene.name: scene
    for scene in (
        Scene("floor", _nothing, _stay),
        Scene("away", _nothing, _keys("2")),
        Scene("away_log", _nothing, _keys("2", "g")),
        Scene("visitors", _nothing, _keys("3")),
        Scene("handover", _nothing, _keys("4")),
        Scene("handover_draft", _nothing, _keys("4", "c")),
        Scene("handover_submit", _handover_composed, _keys("4", "s")),
        Scene("handover_acknowledge", _handover_submitted, _keys("4", "space", "space")),
        Scene("seat_detail", _nothing, _open_seat),
        Scene("emergency_running", _running_fire, _keys("5")),
        Scene("roll_call", _running_fire, _keys("5", "r")),
        Scene("staffing", _nothing, _keys("6")),
        Scene("reports", _nothing, _keys("7")),
        Scene("alerts", _nothing, _keys("8")),
        Scene("help", _nothing, _keys("f1")),
        Scene("palette", _nothing, _keys("ctrl+p")),
        Scene("login", _operators, _login),
        Scene("lock", _logged_in_then_idle, _idle_past_the_lock),
        Scene("lock_handover", _logged_in_then_idle, _keys("f2")),
    )
}


async def settle(app: Any, pilot: Any) -> None:
    """Every worker done, every message handled on every screen of the stack, every table
    measured and the top screen laid out and painted after it.

    Textual's pilot waits for the top screen's messages only, and a DataTable measures its
    new rows when it is next idle, then asks its screen for a layout that is done on the
    screen's next frame: a picture taken in between showed the old column widths under load
    (`07:5` for `07:58:01` in the seat detail, `A-06 朱秀` behind the lock, CI)."""
    from textual.worker import WorkerCancelled

    for _ in range(3):
        while True:
            try:
                await app.workers.wait_for_complete()
                break
            except WorkerCancelled:
                continue
        await pilot.pause()
        await _every_screen_handled(app)
    for _ in range(200):
        if not _unsettled(app):
            return
        await pilot.pause()
        await _every_screen_handled(app)
    raise AssertionError(f"the screen never settled: {_unsettled(app)}")


async def _every_screen_handled(app: Any) -> None:
    """Wait until the app and every widget of every screen in the stack handled what was
    queued to them before this call."""
    pending = []
    for node in [app, *(w for s in app.screen_stack for w in s.walk_children(with_self=True))]:
        done = asyncio.Event()
        if node.call_later(done.set):
            pending.append(done.wait())
    await asyncio.wait_for(asyncio.gather(*pending), timeout=30)


def _unsettled(app: Any) -> list[str]:
    """What is still to be measured, laid out or painted: tables with rows not measured
    (DataTable does it when idle), widgets with a refresh not yet sent to their screen, and
    the top screen's own layout or paint (a screen behind another is not laid out until it
    is on top again: not waited for, it would never come)."""
    from textual.widgets import DataTable

    waiting = [
        f"table {table.id or type(table).__name__}"
        for screen in app.screen_stack
        for table in screen.query(DataTable)
        if table._updated_cells or table._require_update_dimensions or table._new_rows
    ]
    waiting += [
        f"widget {widget.id or type(widget).__name__}"
        for widget in app.screen.walk_children()
        if widget._layout_required or widget._repaint_required
    ]
    top = app.screen
    if top._layout_required or top._repaint_required or top._dirty_widgets:
        waiting.append(f"screen {type(top).__name__}")
    return waiting


def _still_cursors(app: Any) -> None:
    """No blinking cursor: it would be on or off depending on when the picture is taken."""
    from textual.widgets import Input, TextArea

    for screen in app.screen_stack:
        for widget in screen.query(Input):
            widget.cursor_blink = False
        for widget in screen.query(TextArea):
            widget.cursor_blink = False


def screen_text(app: Any) -> str:
    """The screen as plain text, cell for cell: what the Latin-words test reads."""
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    return console.export_text(styles=False)


def cut_columns(app: Any) -> list[str]:
    """Every table column on screen narrower than its widest cell: `table: column w<need`."""
    from textual.widgets import DataTable

    cuts = []
    for screen in app.screen_stack:
        for table in screen.query(DataTable):
            for column in table.columns.values():
                if not column.auto_width and column.width < column.content_width:
                    cuts.append(
                        f"{table.id or type(table).__name__}: {column.label.plain} "
                        f"{column.width}<{column.content_width}"
                    )

    from rich.cells import cell_len

    from floorman.clock import mmss
    from floorman.widgets.seat_map import SeatMap

    for screen in app.screen_stack:
        for seat_map in screen.query(SeatMap):
            longest = max(
                (
                    f"{p.view.seat} X {mmss(p.view.seconds_in_state(seat_map.now))}"
                    for p in seat_map._placed
                ),
                key=cell_len,
                default="",
            )
            names = [p.view.agent_name or p.view.reason or "" for p in seat_map._placed]
            for text in [longest, *names]:
                if cell_len(text) > seat_map._cell:
                    cuts.append(f"seat map: {text!r} {seat_map._cell}<{cell_len(text)}")
    cuts += _cut_footer_keys(app)
    return cuts


def overflowing_tables(app: Any) -> list[str]:
    """Tables whose columns are wider than their pane: the last ones run past its edge."""
    from textual.widgets import DataTable

    wide = []
    for table in app.screen.query(DataTable):
        room = table.scrollable_content_region.width
        needed = sum(c.get_render_width(table) for c in table.columns.values())
        if table.display and room and needed > room:
            wide.append(f"{table.id or type(table).__name__}: columns {needed}>{room}")
    return wide


def _cut_footer_keys(app: Any) -> list[str]:
    """Footer keys that run past the footer's edge or under the palette key."""
    from textual.widgets import Footer
    from textual.widgets._footer import FooterKey

    cuts = []
    for footer in app.screen.query(Footer):
        keys = list(footer.query(FooterKey))
        palette = [k for k in keys if k.has_class("-command-palette")]
        edge = min([k.region.x for k in palette], default=footer.region.right)
        for key in keys:
            if key in palette or not key.display or key.region.width == 0:
                continue
            if key.region.right > edge:
                cuts.append(f"footer: {key.key_display} {key.description}")
    return cuts


async def photograph(
    floor: Any, language: str, scene: Scene, size: tuple[int, int]
) -> dict[str, Any]:
    """`scene` at `size` on `floor` (a fresh copy of the fixed floor): its SVG, its plain
    text and the table columns that cut a value."""
    from floorman.app import FloormanApp, stylesheet_path
    from floorman.domain import alerts

    class SnapshotApp(FloormanApp):
        """The app without its alert scheduler: its jobs run on wall time."""

        CSS_PATH = str(stylesheet_path())  # relative paths are taken from this file

        def on_started(self) -> None:
            return None

    scene.prepare(floor)
    alerts.fire_due(floor)
    app = SnapshotApp(floor, poll=False)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await scene.drive(app, pilot)
        await settle(app, pilot)
        app.tick()
        await settle(app, pilot)
        _still_cursors(app)
        await pilot.wait_for_scheduled_animations()
        await settle(app, pilot)
        return {
            "svg": app.export_screenshot(title=f"floorman {scene.name} {language}"),
            "text": screen_text(app),
            "cut": cut_columns(app),
            "overflow": overflowing_tables(app),
        }


def main(argv: list[str]) -> int:
    """Print {"scene WxH": {"svg", "text", "cut", "overflow"}} for every scene and size of one
    language, as JSON."""
    language, *sizes = argv
    os.environ["TEXTUAL_ANIMATIONS"] = "none"
    from floorman.clock import FakeClock
    from floorman.i18n import resolve_language, set_language

    # The order `floorman ui` follows: the configured language first, then the app.
    set_language(resolve_language(None, language))
    shots = {}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        os.environ["FLOORMAN_CONFIG"] = str(root / "no-config.toml")
        os.environ["FLOORMAN_DB"] = str(root / "default.db")
        _counting_ids(1)
        template = root / "template"
        template.mkdir()
        floor = _floor(template, language)
        build_floor(floor)
        floor.db.dispose()
        for scene in SCENES.values():
            for text in sizes:
                width, height = (int(n) for n in text.split("x"))
                copy = root / f"{scene.name}-{text}"
                shutil.copytree(template, copy)
                _counting_ids(0x10000000)  # rows made from here on: the same ids every time
                floor = _floor(copy, language)
                floor.clock = FakeClock(START + ELAPSED)
                shots[f"{scene.name} {text}"] = asyncio.run(
                    photograph(floor, language, scene, (width, height))
                )
                floor.db.dispose()
    json.dump(shots, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
