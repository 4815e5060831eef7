"""Laying the header's pieces into the lines a terminal has, most pressing first.

At 80 columns the floor's header ran its alert counts past the line's end (and in a
status line of one row, off the screen). Here the pieces are laid whole, in order, on at
most `lines` lines of `width` cells: a piece that does not fit where the line is takes
its short form (`HeaderItem.short`), else starts the next line; when no line is left it
is left out, and so are the pieces after it that do not fit either. The callers put the
pieces that must stay visible (emergencies, the alert counts) first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text

from floorman.domain.header import HeaderItem

GAP = "  "  # between two pieces on a line


@dataclass(frozen=True)
class Piece:
    """One piece of a header: its text, a shorter one (or None), and whether it must
    begin a line of its own when one is to spare (the occupancy per zone)."""

    text: Text
    short: Text | None = None
    new_line: bool = False


def item_pieces(items: Sequence[HeaderItem]) -> list[Piece]:
    """The header items (`domain.header`) as pieces, each in its own style."""
    return [
        Piece(Text(item.text, style=item.style), Text(item.short, style=item.style) or None)
        for item in items
    ]


def lay_out(pieces: Sequence[Piece], width: int, lines: int) -> Text:
    """The pieces laid on at most `lines` lines of `width` cells, joined by newlines."""
    laid: list[Text] = [Text()]
    for piece in pieces:
        line = laid[-1]
        if piece.new_line and line.plain and len(laid) < lines:
            line = Text()  # a line of its own when there is one to spare
            laid.append(line)
        placed = _place(line, piece, width)
        if placed:
            continue
        if len(laid) == lines:
            continue  # no line left for it: left out
        line = Text()
        laid.append(line)
        if not _place(line, piece, width):
            # Wider than a whole line: its short form, cut at the line's end.
            form = (piece.short or piece.text).copy()
            form.truncate(width, overflow="ellipsis")
            line.append_text(form)
    return Text("\n").join(line for line in laid if line.plain)


def _place(line: Text, piece: Piece, width: int) -> bool:
    """Append the piece (or its short form) to `line` if it fits whole; True if it did."""
    gap = GAP if line.plain else ""
    for form in (piece.text, piece.short):
        if form is not None and cell_len(line.plain) + len(gap) + cell_len(form.plain) <= width:
            line.append(gap)
            line.append_text(form)
            return True
    return False
