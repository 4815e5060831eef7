"""The footer of every panel, showing only the keys that fit whole.

Textual's Footer lays its keys in one row and lets the last ones run under the palette
key on the right, so a narrow terminal showed `^k Ack al▏` and, in Chinese, a character
split in two. This footer leaves out the keys that would not fit whole (F1 and the
palette list every key), and lays itself out again when its width changes.
"""

from __future__ import annotations

from collections.abc import Iterator

from rich.cells import cell_len
from textual import events
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


def key_cells(key: FooterKey) -> int:
    """Cells a footer key takes: ` key ` then `description ` (Textual's default padding)."""
    width = cell_len(key.key_display) + 2
    return width + cell_len(key.description) + 1 if key.description else width


class FittingFooter(Footer):
    """A Footer that shows the keys, in order, while they fit whole beside the palette key."""

    def __init__(self) -> None:
        super().__init__()
        self._laid_width = 0

    def compose(self) -> Iterator[Widget]:  # type: ignore[override]
        shown = list(super().compose())
        # Before its first layout the footer is as wide as the terminal (it spans the
        # screen): laid out for that width at once, not composed twice on every panel.
        width = self.size.width or self.app.size.width
        self._laid_width = width
        if width <= 0:  # no size known at all: everything, then again once it is
            yield from shown
            return
        palette = [w for w in shown if isinstance(w, FooterKey) and w.has_class("-command-palette")]
        room = width - sum(key_cells(key) + 2 for key in palette)  # its border and padding
        for widget in shown:
            if isinstance(widget, FooterKey) and widget not in palette:
                room -= key_cells(widget)
                if room < 0:  # this key and the ones after it would be cut
                    room = -1 << 30
                    continue
            yield widget

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._laid_width:
            self._laid_width = event.size.width
            self.call_after_refresh(self.recompose)
