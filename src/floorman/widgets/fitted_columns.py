"""Table columns that fit their pane: at 80 columns a panel drops its low-value columns.

A panel lists its table's columns once, each with a rank: 0 is always shown (the seat, the
agent's name, the time away); the others are dropped at a narrow width, rank 1 first,
after the columns with a short label have taken it (`Service level` -> `SL`). Widths are
the cells' terminal widths (rich `cell_len`: a CJK character takes two), measured from the
rows the panel is about to show, so a long Chinese name or a `1:05:12` timer is never cut
and no table scrolls sideways. The table is rebuilt only when the shown columns change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.errors import MarkupError
from rich.text import Text
from textual import events
from textual.message import Message
from textual.widgets import DataTable

from floorman.i18n import t

# The vertical scrollbar takes two cells once the rows outgrow the pane: always kept free.
SCROLLBAR = 2


@dataclass(frozen=True)
class Column:
    """One column of a panel table: its key, its English label, when it may go."""

    key: str
    label: str
    # 0: always shown; 1, 2, ...: dropped at a narrow width, 1 first.
    drop: int = 0
    # A shorter English label taken before any column is dropped.
    short: str | None = None
    # A fixed width in cells for cells that change in place (at least the label's), else
    # the widest cell.
    width: int | None = None
    # Above 0: takes the room the other columns leave, at least this many cells (other
    # columns are dropped first); longer cells are cut with "…" (an alert's text: the
    # alert bar shows the worst whole).
    flex: int = 0


@dataclass(frozen=True)
class Shown:
    """A column as shown now: its translated label and its width in cells."""

    key: str
    label: str
    width: int


def as_text(cell: object) -> Text:
    """A table cell as the DataTable reads it (a str is markup)."""
    if isinstance(cell, Text):
        return cell
    if isinstance(cell, str):
        try:
            return Text.from_markup(cell)
        except MarkupError:
            return Text(cell)
    return Text(str(cell))


def cell_width(cell: object) -> int:
    """Terminal cells a table cell takes (a CJK character two)."""
    return max((cell_len(line) for line in as_text(cell).plain.splitlines()), default=0)


def fitting(
    columns: Sequence[Column], rows: Iterable[Sequence[object]], room: int, padding: int = 1
) -> tuple[Shown, ...]:
    """The columns that fit `room` cells with these rows, with their labels and widths."""
    rows = list(rows)
    content = [
        column.width
        if column.width is not None
        else max((cell_width(row[i]) for row in rows), default=0)
        for i, column in enumerate(columns)
    ]

    def width(i: int, short: bool) -> int:
        need = max(content[i], cell_len(label_of(columns[i], short)))
        return min(need, columns[i].flex) if columns[i].flex else need

    def needed(shown: list[int], short: bool) -> int:
        return sum(width(i, short) + 2 * padding for i in shown)

    shown = list(range(len(columns)))
    short = False
    full = sum(
        max(content[i], cell_len(label_of(c, False))) + 2 * padding for i, c in enumerate(columns)
    )
    if full > room:
        short = True
        for rank in sorted({c.drop for c in columns if c.drop}):
            if needed(shown, short) <= room:
                break
            shown = [i for i in shown if columns[i].drop != rank]
    rest = room - needed([i for i in shown if not columns[i].flex], short)
    flexible = [i for i in shown if columns[i].flex]
    out = []
    for i in shown:
        # Every width set here, from the rows measured above: a column left to the
        # DataTable's own auto width was drawn at its label's width when the picture was
        # taken before the table measured its new rows (`Zhan` for `Zhang Wei` under load).
        fixed = width(i, short)
        if columns[i].flex:
            need = max(content[i], cell_len(label_of(columns[i], short)))
            share = rest // len(flexible) - 2 * padding
            fixed = max(columns[i].flex, min(need, share))
        out.append(Shown(columns[i].key, label_of(columns[i], short), fixed))
    return tuple(out)


def label_of(column: Column, short: bool) -> str:
    return t(column.short if short and column.short else column.label)


class FittedColumns:
    """The columns one table shows now; `fit(rows)` refits them before rows are shown."""

    def __init__(
        self,
        table: DataTable[Any],
        columns: Sequence[Column],
        room: Callable[[], int] | None = None,
    ) -> None:
        self.table = table
        self.outer_room = room
        self.columns = tuple(columns)
        self.index = {column.key: i for i, column in enumerate(self.columns)}
        self.flex = {column.key for column in self.columns if column.flex}
        self.shown: tuple[Shown, ...] = ()

    def room(self) -> int:
        """Cells the columns may take: the table's width, before its first layout the
        screen's (a wider guess is refitted on the first resize); a table as wide as its
        content (`width: auto`) is given the room around it."""
        if self.outer_room is not None:
            return self.outer_room() - SCROLLBAR
        width = self.table.size.width or self.table.app.size.width
        return width - SCROLLBAR

    def fit(self, rows: Iterable[Sequence[object]]) -> bool:
        """Show the columns that fit these full rows; True when they changed, and then the
        table is empty: the caller adds every row again."""
        shown = fitting(self.columns, rows, self.room(), self.table.cell_padding)
        if shown == self.shown:
            return False
        self.table.clear(columns=True)
        for column in shown:
            self.table.add_column(
                column.label, key=column.key, width=max(column.width, cell_len(column.label))
            )
        self.shown = shown
        return True

    def keys(self) -> tuple[str, ...]:
        return tuple(column.key for column in self.shown)

    def cells(self, row: Sequence[Any]) -> tuple[Any, ...]:
        """The cells of a full row that are shown, in the shown columns' order; a flexible
        column's cut to its width with "…"."""
        out = []
        for column in self.shown:
            cell = row[self.index[column.key]]
            if column.key in self.flex and column.width and cell_width(cell) > column.width:
                cell = as_text(cell).copy()
                cell.truncate(column.width, overflow="ellipsis")
            out.append(cell)
        return tuple(out)


class ResizingTable(DataTable[Any]):
    """A DataTable that tells its screen when its own width changes (a pane beside it
    grew), not only when the terminal does: its columns are refitted then."""

    class Resized(Message):
        """The table's size changed; its screen refits the columns."""

        def __init__(self, table: ResizingTable) -> None:
            super().__init__()
            self.table = table

        @property
        def control(self) -> ResizingTable:
            return self.table

    def on_resize(self, _event: events.Resize) -> None:
        self.post_message(self.Resized(self))
