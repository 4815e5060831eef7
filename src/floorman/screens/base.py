"""What every floorman screen shares: typed access to the app, its floor and its clock,
and the one worker policy (`screens.workers.WorkerPolicy`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable

from floorman.messages import Tick
from floorman.screens.workers import WorkerPolicy

if TYPE_CHECKING:
    from floorman.app import FloormanApp
    from floorman.domain.core.context import Floor


class FloormanScreen(WorkerPolicy, Screen[Any]):
    """A full screen of floorman; `self.floor` is the database, clock, config and actor.

    Every full screen gets the storage banner and the alert bar (bottom) and, unless it
    draws its own header, the status line (top) with the clock, who is on duty and running
    emergencies. Its workers report through the one policy (`WorkerPolicy`).
    """

    OWN_HEADER = False

    def on_mount(self) -> None:
        # Textual calls on_mount of every class in the MRO, so subclasses keep their own.
        from textual.widgets import Footer

        from floorman.widgets.alert_bar import AlertBar
        from floorman.widgets.status_line import StatusLine
        from floorman.widgets.storage_banner import StorageBanner

        if not self.query(AlertBar):
            # In the flow just above the footer, so neither hides the other.
            footers = self.query(Footer)
            if footers:
                self.mount(StorageBanner(), AlertBar(), before=footers.first())
            else:
                self.mount(StorageBanner(), AlertBar())
        if not self.OWN_HEADER and not self.query(StatusLine):
            self.mount(StatusLine())
        self.fm.refresh_chrome(self)

    def on_tick(self, _message: Tick) -> None:
        self.retry_failed_reloads()

    @property
    def fm(self) -> FloormanApp:
        return cast("FloormanApp", self.app)

    @property
    def floor(self) -> Floor:
        return self.fm.floor


class FloormanModal(WorkerPolicy, ModalScreen[Any]):
    """A modal of floorman with the same typed access; results come back via dismiss()."""

    def on_tick(self, _message: Tick) -> None:
        self.retry_failed_reloads()

    @property
    def fm(self) -> FloormanApp:
        return cast("FloormanApp", self.app)

    @property
    def floor(self) -> Floor:
        return self.fm.floor


class CursorOnRow:
    """Keeps a table's cursor on the same record while rows are removed and re-sorted.

    A DataTable's cursor is a row position. Panels that re-sort every second (the away
    board, worst first) or drop rows (a visitor checked out) would otherwise slide
    another record under the cursor, and the next key would approve or extend the
    wrong agent's slip. Take it before changing the rows, `put_back()` after.
    """

    def __init__(self, table: DataTable[Any]) -> None:
        self.table = table
        self.key: Any = None
        if table.row_count:
            self.key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key

    def put_back(self) -> None:
        if self.key is None or self.key not in self.table.rows:
            return  # the record is gone: the cursor stays where it is, on a neighbour
        row = self.table.get_row_index(self.key)
        if row != self.table.cursor_row:
            self.table.move_cursor(row=row, animate=False)
