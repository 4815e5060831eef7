"""`floorman wallboard`: the wallboard screen as an app of its own, for a TV.

Read-only and without login (agents away by seat and name; visitors never by name, phone
or ID, see domain/wallboard.py): a thread polls `PRAGMA data_version` ten times a second
and, as soon as anyone commits, reads the board itself (no hop through the event loop to
start a reader: under load each hop costs a turn) and hands it to the screen; a
one-second tick moves the clocks. Boards are numbered when their reading starts and one
older than the board on screen is dropped, so a slow reading never paints over a newer
one. Only ctrl+q (Textual's quit) ends it.
"""

from __future__ import annotations

import contextlib
import itertools
import threading

from textual import work
from textual.app import App
from textual.css.query import NoMatches
from textual.worker import get_current_worker

from floorman.domain.core.context import Floor
from floorman.domain.wallboard import Wallboard, read_wallboard
from floorman.runtime.db_watch import DataVersionWatch
from floorman.screens.wallboard import WallboardScreen

# The board is read again at least this often: emergency clocks and a staffing plan's
# intervals move with time, not only with writes.
RELOAD_SECONDS = 15.0


class WallboardApp(App[None]):
    """The floor's wallboard."""

    TITLE = "floorman wallboard"

    def __init__(self, floor: Floor, *, poll_seconds: float = 0.1, poll: bool = True) -> None:
        super().__init__()
        self.floor = floor
        self.poll_seconds = poll_seconds
        self.poll_enabled = poll
        self.version_watch = DataVersionWatch(floor.db)
        self.board_screen = WallboardScreen()
        self.loads = 0  # readings shown, for tests and the bench
        self._stop = threading.Event()
        self._readings = itertools.count(1)  # next() is atomic under the GIL
        self._on_screen = 0  # the number of the reading shown

    def on_mount(self) -> None:
        self.push_screen(self.board_screen)
        self.version_watch.changed()  # where we start from: changes after this reload
        self.reload()
        self.set_interval(1.0, self.tick)
        self.set_interval(RELOAD_SECONDS, self.reload)
        if self.poll_enabled:
            self.watch_database()

    def on_unmount(self) -> None:
        self._stop.set()

    def tick(self) -> None:
        with contextlib.suppress(NoMatches):  # quitting: the screen's widgets are gone
            self.board_screen.retime(self.floor.clock.now())

    def check_database(self) -> bool:
        """One look at data_version from the event loop (tests call this: no watcher)."""
        changed = self.version_watch.changed() is not None
        if changed:
            self.reload()
        return changed

    @work(thread=True, exclusive=True, group="wallboard-watch")
    def watch_database(self) -> None:
        worker = get_current_worker()
        while not worker.is_cancelled and not self._stop.is_set():
            try:
                if self.version_watch.changed() is not None:
                    self._read_and_show()
            except Exception as exc:  # a locked or vanished file must not stop the board
                self.call_from_thread(self.notify, str(exc), severity="error", timeout=5)
            self._stop.wait(self.poll_seconds)
        self.version_watch.close()

    @work(thread=True, exclusive=True, group="wallboard-read", exit_on_error=False)
    def reload(self) -> None:
        try:
            self._read_and_show()
        except Exception as exc:  # an unreadable database: say so, keep the last board
            self.call_from_thread(self.notify, str(exc), severity="error", timeout=5)

    def _read_and_show(self) -> None:
        """Read the board (in the calling thread) and hand it to the event loop."""
        number = next(self._readings)
        board = read_wallboard(self.floor)
        if not self._stop.is_set():
            self.call_from_thread(self._show, board, number)

    def _show(self, board: Wallboard, number: int = 0) -> None:
        if number and number < self._on_screen:
            return  # read before the board on screen: older news
        self._on_screen = max(self._on_screen, number)
        with contextlib.suppress(NoMatches):  # quitting: the screen's widgets are gone
            self.board_screen.show(board)
            self.loads += 1
