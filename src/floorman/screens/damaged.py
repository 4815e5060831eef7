"""Shown instead of the floor when the start-up check finds the database damaged.

It says what is wrong, names the newest backup that passes its own check, and restores
it on `r` then `y` (the damaged file is kept aside, never overwritten). `q` leaves
floorman without touching anything. This is a small app of its own: nothing else of
floorman may touch a damaged file.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from floorman.data.backup import BackupRefused, newest_good_backup, restore
from floorman.data.db import DatabaseError
from floorman.i18n import t
from floorman.widgets.fitting_footer import FittingFooter


class DamagedDatabaseApp(App[str]):
    """Returns "restored" when a backup was put in place, else "quit"."""

    CSS = """
    #damaged { padding: 1 2; }
    #damaged-title { color: $error; text-style: bold; }
    """
    BINDINGS = [
        Binding("r", "restore", t("Restore the newest good backup"), id="damaged.restore"),
        Binding("y", "confirm", t("Yes, restore"), show=False, id="damaged.confirm"),
        Binding("q,escape", "quit_unchanged", t("Quit"), id="damaged.quit"),
    ]

    def __init__(self, db_path: Path, problems: list[str], backup_dir: Path) -> None:
        super().__init__()
        self.db_path, self.problems, self.backup_dir = db_path, problems, backup_dir
        self.backup: Path | None = None
        self.armed = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="damaged"):
            yield Static(t("The floor's database is damaged"), id="damaged-title")
            yield Static(str(self.db_path))
            yield Static("\n".join(f"  • {p}" for p in self.problems[:10]), id="damaged-problems")
            yield Static(t("Looking for a good backup…"), id="damaged-backup")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.find_backup()

    @work(thread=True, exit_on_error=False, group="damaged-backup")
    def find_backup(self) -> None:
        found = newest_good_backup(self.backup_dir)
        self.call_from_thread(self._show_backup, found)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The backup folder cannot be read (a disk problem): say so; q still quits."""
        if event.state == WorkerState.ERROR and event.worker.group == "damaged-backup":
            self.query_one("#damaged-backup", Static).update(
                t(
                    "Cannot look for backups in {folder}: {problem}",
                    folder=self.backup_dir,
                    problem=event.worker.error,
                )
            )

    def _show_backup(self, found: Path | None) -> None:
        self.backup = found
        text = (
            t(
                "Newest good backup: {path}\n"
                "Press r to restore it; the damaged file is kept aside.",
                path=found,
            )
            if found
            else t(
                "No good backup in {folder}. Press q; ask for help before doing anything "
                "else with the file.",
                folder=self.backup_dir,
            )
        )
        self.query_one("#damaged-backup", Static).update(text)

    def action_restore(self) -> None:
        if self.backup is None:
            self.notify(t("There is no good backup to restore"), severity="error")
            return
        self.armed = True
        self.query_one("#damaged-backup", Static).update(
            t(
                "Restore {path} over the damaged database? y to confirm, q to quit.",
                path=self.backup,
            )
        )

    def action_confirm(self) -> None:
        if not self.armed or self.backup is None:
            return
        try:
            restore(self.db_path, self.backup, datetime.now(UTC))
        except (BackupRefused, DatabaseError) as exc:
            self.notify(str(exc), severity="error", timeout=10)
            return
        self.exit("restored")

    def action_quit_unchanged(self) -> None:
        self.exit("quit")
