"""Text broken into lines by Chinese and English rules, for the help's paragraphs.

Textual breaks a line at spaces only and folds a run of Chinese wherever the width ends,
so a line of the help could start with `，` and `Enter` left half a line empty before
Chinese text. `i18n.wrap` breaks between wide characters and at spaces and keeps closing
marks off a line's start; this widget lays its text out with it for its own width.
"""

from __future__ import annotations

from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget

from floorman.i18n import wrap


class WrappedText(Widget):
    """A paragraph (or several, split by newlines) wrapped by `i18n.wrap`, as plain text:
    no markup is read in it, so a `[` a person wrote shows as written."""

    DEFAULT_CSS = "WrappedText { height: auto; }"

    def __init__(self, text: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = text

    def render(self) -> Text:
        return Text("\n".join(wrap(self.text, self.size.width)), no_wrap=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(wrap(self.text, width))
