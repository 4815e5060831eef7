"""The command palette's `No matches found` in the floor's language.

Textual writes that line itself, half a second after a search finds nothing; on a Chinese
floor it read English under a Chinese prompt (issue 16). The line is waited for, not slept
for: at most five seconds of Textual's own countdown.
"""

from __future__ import annotations

import pytest
from textual.command import CommandList, CommandPalette

from floorman.i18n import set_language
from tests.app.snapshots.test_panel_text import latin_words
from tests.helpers import settle, type_text


async def no_matches_line(app, pilot) -> str:
    await settle(app, pilot)
    await pilot.press("ctrl+p")
    await settle(app, pilot)
    await type_text(pilot, "@@@@")  # in no command's words
    for _ in range(50):
        # The list shows older hits until the last search ends: wait for Textual's own
        # no-matches option, found by its id.
        options = app.screen.query_one(CommandList)
        if options.option_count:
            first = options.get_option_at_index(0)
            if first.id == CommandPalette._NO_MATCHES:
                return str(getattr(first.prompt, "renderable", first.prompt))
        await pilot.pause(0.1)
    raise AssertionError("the palette never said it found nothing")


@pytest.mark.parametrize(
    ("language", "said"), [("en", "No matches found"), ("zh", "没有匹配的命令")]
)
async def test_the_palette_says_it_found_nothing_in_the_floors_language(
    small_floor, make_app, language: str, said: str
) -> None:
    set_language(language)
    try:
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            line = await no_matches_line(app, pilot)
        assert line == said
        if language == "zh":
            assert latin_words(line) == []
    finally:
        set_language("en")
