"""What every floorman screen shares: typed access to the app, its floor and its clock,
and the one worker policy (`screens.workers.WorkerPolicy`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from textual.actions import SkipAction
from textual.binding import Binding
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import DataTable, Input, Select, TextArea

from floorman.i18n import t
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


# Keys every table answers to alike, once for all of them (issue 15). The app holds them
# ahead of the widgets (priority); each passes the key on (SkipAction) unless a table has
# the focus, so a text field still gets its `j` and its Home.
TABLE_BINDINGS = [
    Binding("home", "table_key('top')", t("First row"), show=False, priority=True, id="table.top"),
    Binding("end", "table_key('bottom')", t("Last row"), show=False, priority=True, id="table.end"),
    Binding("j", "table_key('down')", t("Down"), show=False, priority=True, id="table.down"),
    Binding("k", "table_key('up')", t("Up"), show=False, priority=True, id="table.up"),
]
TEXT_FIELDS = (Input, TextArea)


def table_key(focused: Widget | None, where: str) -> None:
    """Move the focused table's cursor: `top`, `bottom`, `down` or `up`.

    Raises SkipAction when no table has the focus, so the key goes where it would have.
    """
    if not isinstance(focused, DataTable) or not focused.show_cursor or not focused.row_count:
        raise SkipAction()
    if where in ("top", "bottom") and focused.cursor_type not in ("row", "cell"):
        raise SkipAction()
    row = {
        "top": 0,
        "bottom": focused.row_count - 1,
        "down": min(focused.row_count - 1, focused.cursor_row + 1),
        "up": max(0, focused.cursor_row - 1),
    }[where]
    focused.move_cursor(row=row, animate=False)


def leave_field(screen: Screen[Any]) -> None:
    """Esc in a panel's text field: the focus goes to the panel's table (else to the
    first thing that is not a field), so the letter and number keys are the panel's again.

    Raises SkipAction outside a text field, and in a modal (where Esc cancels the form).
    """
    if not isinstance(screen, FloormanScreen) or not isinstance(screen.focused, TEXT_FIELDS):
        raise SkipAction()
    others = [w for w in screen.focus_chain if not isinstance(w, (*TEXT_FIELDS, Select))]
    tables = [w for w in others if isinstance(w, DataTable)]
    target = (tables or others or [None])[0]
    if target is None:
        screen.set_focus(None)
    else:
        target.focus()


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
