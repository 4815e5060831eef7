"""The header at 80x24 keeps the alert counts (issue 15): pieces laid whole, most
pressing first, in English and Chinese, on the floor's header and on every panel's
status line."""

from __future__ import annotations

import asyncio

import pytest
from rich.cells import cell_len
from rich.text import Text

from floorman.domain.emergency import lifecycle
from floorman.domain.seats.events import record_event
from floorman.i18n import set_language
from floorman.runtime.scheduler import AlertScheduler
from floorman.screens.floor import FloorScreen
from floorman.widgets.floor_header import FloorHeader
from floorman.widgets.header_fit import Piece, lay_out
from floorman.widgets.status_line import StatusLine
from tests.helpers import settle, tomorrow_mid_shift


def test_pieces_wrap_whole_take_their_short_form_and_the_last_ones_go() -> None:
    pieces = [
        Piece(Text("floorman 03:00:00  duty")),
        Piece(Text("▲ alerts: breach 3, warning 2"), Text("▲ breach 3 warning 2")),
        Piece(Text("R ready 49")),
        Piece(Text("B busy 51")),
        Piece(Text("A 34/38 89%"), new_line=True),
    ]
    assert lay_out(pieces, 60, 3).plain.splitlines() == [
        "floorman 03:00:00  duty  ▲ alerts: breach 3, warning 2",
        "R ready 49  B busy 51",
        "A 34/38 89%",
    ]
    # Narrower: the counts take their short form on the first line; one line: the rest go.
    assert lay_out(pieces, 46, 1).plain == "floorman 03:00:00  duty  ▲ breach 3 warning 2"
    # No line to spare for the zones: they go on the last line when they fit there.
    assert lay_out(pieces, 60, 2).plain.splitlines()[1] == "R ready 49  B busy 51  A 34/38 89%"
    # Chinese is counted in cells (two a character), never cut in the middle.
    wide = [Piece(Text("floorman 03:00:00")), Piece(Text("▲ 告警：超时 3、预警 2"))]
    assert lay_out(wide, 30, 2).plain.splitlines() == [
        "floorman 03:00:00",
        "▲ 告警：超时 3、预警 2",
    ]


@pytest.fixture
def loud_floor(small_floor, clock):
    """An emergency running, aways over their limits, alerts of three severities."""
    clock.set(tomorrow_mid_shift(small_floor.config.zone()))
    for seat, agent in (("A-01", "1001"), ("A-02", "1002"), ("B-01", "1003")):
        record_event(small_floor, seat, "ready", agent_no=agent)
        record_event(small_floor, seat, "away")
        clock.advance(200)
    clock.advance(560)  # A-01 escalated, A-02 severe, B-01 over its limit
    asyncio.run(AlertScheduler(small_floor, lambda f: None).run_due())
    lifecycle.start(small_floor, "fire", drill=True)
    return small_floor


def lines_of(text: str, width: int) -> list[str]:
    lines = text.splitlines()
    assert all(cell_len(line) <= width - 2 for line in lines), lines
    return lines


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_at_80x24_the_header_and_status_line_keep_every_alert_count(
    loud_floor, make_app, lang
) -> None:
    set_language(lang)
    try:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            app.refresh_extras()
            await settle(app, pilot)
            assert isinstance(app.screen, FloorScreen)
            (item,) = [i for i in app.header_extras() if i.text.startswith(("■", "▲"))]
            for _ in range(50):  # the header takes the counts at its next refresh
                header = lines_of(app.screen.query_one(FloorHeader).render().plain, 80)
                if item.text in "\n".join(header) or item.short in "\n".join(header):
                    break
                await pilot.pause(0.1)
            assert len(header) <= 3
            assert item.text in "\n".join(header) or item.short in "\n".join(header)
            assert item.text.startswith("■")  # the worst severity's symbol leads
            await pilot.press("2")  # a panel with the one-line status line
            await settle(app, pilot)
            status = lines_of(app.screen.query_one(StatusLine).render().plain, 80)
            assert len(status) == 1
            assert any(form in status[0] for form in (item.text, item.short))
            assert "!! " in status[0]  # the running emergency stays before it
    finally:
        set_language("en")
