"""Alert texts: stored in English, shown in the screen's language."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from floorman.domain import alerts
from floorman.domain.alerts import ALERT_TEXTS, alert_text, localized
from floorman.domain.seats.events import record_event
from floorman.i18n import _catalog, set_language


@pytest.fixture
def chinese() -> Iterator[None]:
    set_language("zh")
    yield
    set_language("en")


def test_every_alert_text_has_its_chinese_with_the_same_values() -> None:
    catalog = _catalog("zh")
    assert sorted(k for k in ALERT_TEXTS.values() if k not in catalog) == []


def test_a_stored_text_is_shown_in_chinese_with_its_values(chinese: None) -> None:
    stored = alert_text("away.breach", agent="王明 (1073)", seat="A-28", limit="05:00")
    assert stored == "王明 (1073) away from A-28: over the 05:00 limit"  # the record: English
    # The agent's brackets are Chinese ones in a Chinese sentence.
    assert localized("away.breach", stored) == "王明（1073）离开座席 A-28：已超过 05:00 时限"


def test_text_that_does_not_fit_its_template_is_shown_as_stored(chinese: None) -> None:
    assert localized("away.breach", "typed by hand") == "typed by hand"
    assert localized("emergency.timer", "Fire: 10:00") == "Fire: 10:00"  # no template


def test_english_screens_show_the_stored_text() -> None:
    stored = alert_text("handover.remind", shift="2026-11-23/08:00-16:00")
    assert localized("handover.remind", stored) == stored


def test_an_away_breach_reads_in_chinese_on_a_chinese_screen(small_floor, clock, chinese) -> None:
    record_event(small_floor, "A-01", "ready", agent_no="1001")
    record_event(small_floor, "A-01", "away", reason="toilet")
    clock.advance(301)
    fired = alerts.fire_due(small_floor)
    breach = next(view for view in fired if view.kind == "away.breach")
    assert "away from A-01" in breach.message  # stored in English
    assert breach.text.endswith("离开座席 A-01：已超过 05:00 时限")
