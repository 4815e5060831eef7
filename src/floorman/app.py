"""The floorman Textual app: screens by number key, a database watcher, a one-second tick.

The database is the source of truth. A thread worker polls `PRAGMA data_version` a few
times a second on its own connection (`runtime.db_watch`); when another connection (the
CLI, a feed, another terminal, or this app's own writes) commits, every open screen gets
`DatabaseChanged` and reloads what it shows in its own worker. The event loop never waits
on SQLite. Every worker, the app's and the screens', reports through the one policy of
`screens.workers`: a storage problem shows the banner and the floor keeps running.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from textual import events, work
from textual.binding import Binding, BindingType
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import ModalScreen, Screen
from textual.worker import get_current_worker

from floorman.clock import keyboard_clock
from floorman.domain.alerts.bell import Bell
from floorman.domain.alerts.lifecycle import acknowledge, active
from floorman.domain.alerts.views import AlertView
from floorman.domain.core.context import Floor
from floorman.domain.emergency.views import EmergencyView
from floorman.domain.header import EMERGENCY_MARK, HeaderItem, header_items
from floorman.i18n import t
from floorman.messages import DatabaseChanged, Tick
from floorman.runtime.db_watch import DataVersionWatch
from floorman.runtime.housekeeping import run_housekeeping
from floorman.runtime.scheduler import HEARTBEAT_SECONDS, AlertScheduler
from floorman.screens.alerts import AlertsScreen
from floorman.screens.away import AwayScreen
from floorman.screens.base import FloormanModal, FloormanScreen
from floorman.screens.emergency import EmergencyScreen
from floorman.screens.emergency_start import StartEmergencyModal
from floorman.screens.floor import FloorScreen
from floorman.screens.global_keys import GlobalKeys, global_bindings
from floorman.screens.handover import HandoverScreen
from floorman.screens.help import HelpScreen
from floorman.screens.login import IdleLock
from floorman.screens.reports import ReportsScreen
from floorman.screens.staffing import StaffingScreen
from floorman.screens.textual_strings import FloorLanguageApp, palette_binding
from floorman.screens.visitors import VisitorsScreen
from floorman.screens.workers import (
    WorkerPolicy,
    WorkKind,
    is_storage_error,
    problem_key,
    reload_worker,
    run_floor_worker,
    storage_text,
    worker_name,
)
from floorman.widgets.alert_bar import AlertBar
from floorman.widgets.status_line import StatusLine
from floorman.widgets.storage_banner import StorageBanner

# Seconds after mount by which start-up (first frame, first reload) is over.
STARTUP_SECONDS = 3.0
QUIT_CONFIRM_WITHIN = timedelta(seconds=3)  # the second `q` that really quits
WATCH_NAME = worker_name(WorkKind.RELOAD, "db-watch")  # under the one worker policy
# The app's own actions, refused while the login box is up (it covers the keys).
LOCKED_ACTIONS = frozenset(
    {"panel", "emergency", "acknowledge", "help", "back", "lock", "command_palette"}
)

# key -> (binding id, screen class, English title); plain imports, so every edge is seen.
PANELS: dict[str, tuple[str, type[FloormanScreen], str]] = {
    "1": ("floor", FloorScreen, "Floor"),
    "2": ("away", AwayScreen, "Away"),
    "3": ("visitors", VisitorsScreen, "Visitors"),
    "4": ("handover", HandoverScreen, "Handover"),
    "5": ("emergency", EmergencyScreen, "Emergencies"),
    "6": ("staffing", StaffingScreen, "Staffing"),
    "7": ("reports", ReportsScreen, "Reports"),
    "8": ("alerts", AlertsScreen, "Alerts"),
}


class FloorCommands(Provider):
    """Command palette: every panel and floor action as "area: verb", then Textual's own.

    The only provider: the palette merges providers' hits in the order they arrive, so two
    providers would list the commands in a different order from one opening to the next.
    """

    def _commands(self) -> list[tuple[str, Callable[[], Any], str]]:
        app = self.app
        assert isinstance(app, FloormanApp)
        commands: list[tuple[str, Callable[[], Any], str]] = []
        for key, (_binding_id, _cls, title) in PANELS.items():
            commands.append(
                (
                    t("panel: open {title}", title=t(title)),
                    partial(app.action_panel, key),
                    t("key {key}", key=key),
                )
            )
        commands.append((t("help: show keys"), app.action_help, "F1"))
        commands.append((t("emergency: start a checklist"), app.action_emergency, "!"))
        commands.append((t("operator: lock and hand over"), app.action_lock, "F12"))
        screen = self.screen
        for binding in getattr(screen, "BINDINGS", []):
            if isinstance(binding, Binding) and binding.description:
                action = getattr(screen, f"action_{binding.action.split('(')[0]}", None)
                if action is not None:
                    area = (binding.id or "screen").split(".")[0]
                    text = t("{area}: {verb}", area=t(area), verb=binding.description)
                    commands.append((text, action, binding.key))
        system = [c for c in app.get_system_commands(screen) if c.discover]
        for command in sorted(system, key=lambda command: command.title):
            commands.append((command.title, command.callback, command.help))
        return commands

    async def discover(self) -> Hits:
        for text, callback, help_text in self._commands():
            yield DiscoveryHit(text, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, callback, help_text in self._commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), callback, help=help_text)


class FloormanApp(GlobalKeys, WorkerPolicy, FloorLanguageApp):
    """The duty manager's console."""

    CSS_PATH = "styles/app.tcss"
    TITLE = "floorman"
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {FloorCommands}
    # Every global action has a key a text field never swallows (screens.global_keys).
    BINDINGS: ClassVar[list[BindingType]] = [
        *global_bindings({key: (module, title) for key, (module, _c, title) in PANELS.items()}),
        palette_binding(),
    ]

    def __init__(
        self,
        floor: Floor,
        *,
        simulate: bool = False,
        poll_seconds: float = 0.25,
        poll: bool = True,
        alert_heartbeat_seconds: int = HEARTBEAT_SECONDS,
    ) -> None:
        super().__init__()
        self.floor = floor
        # The demo's fast clock checks alerts more often than once a (real) minute.
        self.alert_heartbeat_seconds = alert_heartbeat_seconds
        settings = floor.config.alerts
        self.alert_bell = Bell(settings.bell, settings.bell_min_seconds)
        self.simulate = simulate
        self.poll_seconds = poll_seconds
        self.poll_enabled = poll
        self._stop = threading.Event()
        self.data_version = DataVersionWatch(floor.db)
        self._extras: list[HeaderItem] = []
        self._quit_asked_at: datetime | None = None
        self.active_alerts: list[AlertView] = []
        # What the storage refuses now, by the work that met it (workers.problem_key).
        self.storage_problems: dict[str, str] = {}
        # Login on a floor that has operators, and the idle lock (issue 4).
        self.idle_lock = IdleLock(self)

    # ------------------------------------------------------------------ lifecycle
    def on_mount(self) -> None:
        self.push_screen(FloorScreen())
        self.set_interval(1.0, self.tick)
        # Forecast intervals and emergency clocks move with time, not only with writes.
        self.set_interval(15.0, self.refresh_extras)
        self.refresh_extras()
        # floorman's own duties: scheduled backups and the visitors' retention purge.
        self.set_interval(300.0, self.housekeeping)
        self.housekeeping()
        if self.poll_enabled:
            self.watch_database()
        if self.simulate:
            from floorman.domain.demo import DemoSimulator

            self.simulator = DemoSimulator(self.floor)
            self.set_interval(1.5, self.simulate_step)
        self.set_timer(STARTUP_SECONDS, self.freeze_startup_heap)
        self.on_started()

    def freeze_startup_heap(self) -> None:
        """Keep the objects alive after start-up out of later garbage collections.

        A full collection walks every tracked object: with Textual, SQLAlchemy and a
        floor loaded that is ~100 ms, and the reloads' short-lived ORM objects set one
        off every few seconds (more than the one-second tick cost on a 500-seat floor).
        What is alive now (modules, widgets, the engine) lives as long as the app, so
        `gc.freeze()` moves it out of the collector's way; `on_unmount` gives it back.
        """
        gc.collect()
        gc.freeze()

    def on_started(self) -> None:
        """Start the alert scheduler: jobs rebuilt from the database, overdue ones fired."""
        self.alert_scheduler = AlertScheduler(
            self.floor, self.on_alerts_fired, heartbeat_seconds=self.alert_heartbeat_seconds
        )
        run_floor_worker(
            self, self.alert_scheduler.start, kind=WorkKind.SAVE, group="alerts", exclusive=True
        )

    def on_alerts_fired(self, fired: list[AlertView]) -> None:
        """This terminal fired or escalated these alerts: ring the bell (once, rate-limited,
        unless silenced) and bring the header and alert bar up to date at once. No toast:
        it covered the alert bar and the footer's keys for eight seconds at 80x24, on every
        new alert, and only on the terminal that happened to fire it."""
        if self.alert_bell.ring(fired, self.floor.clock.now()):
            self.bell()
        self.refresh_extras()

    def on_unmount(self) -> None:
        self._stop.set()
        gc.unfreeze()
        scheduler = getattr(self, "alert_scheduler", None)
        if scheduler is not None:
            scheduler.shutdown()

    def floorman_screens(self) -> list[Screen[Any]]:
        """The screens in the stack that are floorman's own (full screens and modals).

        Textual's bare default screen sits at the bottom of every stack. It must not get
        messages: a message wakes it, and as the background screen under the floor it then
        marks the whole floor screen dirty, which makes every tick repaint the full terminal
        (and it re-arms itself, so every later message did the same).
        """
        return [s for s in self.screen_stack if isinstance(s, (FloormanScreen, FloormanModal))]

    def visible_screens(self) -> list[Screen[Any]]:
        """floorman's screens the terminal shows: the top one, and what a modal leaves in
        view beneath it down to the first full screen. A panel covering the floor hides it.
        """
        shown: list[Screen[Any]] = []
        for screen in reversed(self.floorman_screens()):
            shown.append(screen)
            if not isinstance(screen, ModalScreen):
                break
        return shown

    def tick(self) -> None:
        # Only what is on the terminal ticks; a covered floor catches up when shown again
        # (FloorScreen.on_screen_resume). Timers are computed from stored times, so
        # nothing is lost by skipping ticks. A tick that comes while the app is closing
        # (its screens already gone) has nothing to show.
        if not self.screen_stack:
            return
        for screen in self.visible_screens():
            screen.post_message(Tick())
        self.refresh_shown_chrome()  # the floor's header and alerts behind a lock too
        self.retry_failed_reloads()
        self.idle_lock.check_idle(self.floor.clock.now())

    async def on_event(self, event: events.Event) -> None:
        self.idle_lock.saw(event, self.floor.clock.now())
        await super().on_event(event)

    def refresh_chrome(self, screen: Screen[Any]) -> None:
        """Bring the screen's status line, storage banner and alert bar up to date (no
        database access)."""
        now = self.floor.clock.now()
        zone = self.floor.config.zone()
        for line in screen.query(StatusLine):
            line.update_status(now, zone, self.operator_label(), self._extras)
        for bar in screen.query(AlertBar):
            bar.show_alerts(self.active_alerts, now, zone)
        problems = tuple(dict.fromkeys(self.storage_problems.values()))
        for banner in screen.query(StorageBanner):
            banner.show_problems(problems)

    # ------------------------------------------------------------------ storage
    def report_storage_problem(self, key: str, text: str) -> None:
        """A worker met a storage error: the banner says so; a new problem also rings a
        notification once (a reload retried every tick does not repeat it)."""
        if self.storage_problems.get(key) != text:
            self.notify(
                t("Not saved: {problem}", problem=text) if key == WorkKind.SAVE else text,
                title=t("Storage problem"),
                severity="error",
                timeout=20,
            )
        self.storage_problems[key] = text
        self.refresh_shown_chrome()

    def storage_recovered(self, key: str) -> None:
        """The work that met a storage problem succeeded again: it leaves the banner."""
        if self.storage_problems.pop(key, None) is not None:
            self.refresh_shown_chrome()

    def refresh_shown_chrome(self) -> None:
        """Refresh the chrome of what the terminal shows (a panel under a form included)."""
        for screen in self.visible_screens():
            self.refresh_chrome(screen)

    def show_storage_problem(self, exc: Exception) -> None:
        """A refused write (disk full, read-only, locked): say so and keep the floor up."""
        self.report_storage_problem(problem_key(WorkKind.SAVE, "app"), storage_text(exc))

    # ------------------------------------------------------------------ database
    def check_database(self) -> bool:
        """Compare `PRAGMA data_version`; broadcast DatabaseChanged when it moved.

        Called by the watcher thread, and directly by tests (no sleeping for timers).
        """
        version = self.data_version.changed()
        if version is not None:
            self.broadcast(DatabaseChanged(version))
        return version is not None

    def broadcast(self, message_factory: DatabaseChanged) -> None:
        for screen in self.floorman_screens():
            screen.post_message(DatabaseChanged(message_factory.version))
        self.refresh_extras()
        scheduler = getattr(self, "alert_scheduler", None)
        if scheduler is not None and scheduler.scheduler.running:
            run_floor_worker(
                self, scheduler.sync, kind=WorkKind.RELOAD, group="alert-sync", exclusive=True
            )

    @work(thread=True, exclusive=True, group="db-watch", exit_on_error=False, name=WATCH_NAME)
    def watch_database(self) -> None:
        """Poll until the app stops; a locked or vanished file must not stop the watcher
        (it shows the banner); any other error is a bug for the worker policy."""
        worker = get_current_worker()
        while not worker.is_cancelled and not self._stop.is_set():
            try:
                self.check_database()
            except Exception as exc:
                if not is_storage_error(exc):
                    raise
                self.call_from_thread(self.report_storage_problem, WATCH_NAME, storage_text(exc))
            self._stop.wait(self.poll_seconds)
        self.data_version.close()

    def simulate_step(self) -> None:
        """One step of the demo's simulated agents, written like a feed would."""
        run_floor_worker(
            self, self.simulator.step, kind=WorkKind.SAVE, group="simulate", exclusive=True
        )

    def housekeeping(self) -> None:
        """Backups that are due, personal data past its retention, the attendance reminder."""
        floor = self.floor
        run_floor_worker(
            self,
            lambda: run_housekeeping(floor),
            kind=WorkKind.SAVE,
            group="housekeeping",
            exclusive=True,
        )

    def run_in_thread(self, func: Callable[[], Any], done: Callable[[Any], None]) -> None:
        """Run blocking domain work off the event loop, then `done(result)` on the loop.

        A refusal or a storage error goes to the one worker policy (a notification, the
        storage banner); `done` runs only when the work succeeded.
        """

        def job() -> None:
            result = func()
            self.call_from_thread(done, result)

        run_floor_worker(self, job, kind=WorkKind.SAVE, group="domain-call")

    # ------------------------------------------------------------------ header data
    def operator_label(self) -> str:
        actor = self.floor.actor
        role = f" ({t(actor.role)})" if actor.role else ""
        return f"{actor.name}{role}"

    def header_extras(self) -> list[HeaderItem]:
        """Extra header items (emergencies, staffing, visitors, alerts), as last computed."""
        return self._extras

    @reload_worker("header-extras")
    def refresh_extras(self) -> None:
        """Gather the header's extra items in a thread; the tick only reads the cache."""
        items = header_items(self.floor)
        with self.floor.db.read() as session:
            alerts = active(session)
        self.call_from_thread(self._set_extras, items, alerts)

    def _set_extras(self, items: list[HeaderItem], active: list[AlertView]) -> None:
        self._extras = items
        self.active_alerts = active
        self.refresh_shown_chrome()

    def action_acknowledge(self) -> None:
        """Acknowledge the worst alert on the bar, recording who and when."""
        if not self.active_alerts:
            self.notify(t("No alert to acknowledge"), timeout=3)
            return
        alert_id = self.active_alerts[0].id
        self.run_in_thread(
            lambda: acknowledge(self.floor, alert_id),
            lambda view: self.notify(t("Acknowledged: {subject}", subject=view.subject), timeout=3),
        )

    # ------------------------------------------------------------------ actions
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The lock covers the keys: none of the app's own reaches the floor behind it.
        return not (action in LOCKED_ACTIONS and self.idle_lock.is_locked())

    def action_lock(self) -> None:
        """Lock at once and let the next operator log in (the journal records the
        hand-over when they do)."""
        if not self.idle_lock.lock_now(self.floor.clock.now()):
            self.notify(t("This floor has no operators: there is nothing to lock."), timeout=4)

    def action_panel(self, key: str) -> None:
        _binding_id, screen_class, _title = PANELS[key]
        # Keep one screen per panel: switching back finds it as it was.
        for screen in self.screen_stack:
            if isinstance(screen, screen_class):
                while self.screen is not screen:
                    self.pop_screen()
                return
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if key != "1":
            self.push_screen(screen_class())

    def action_emergency(self) -> None:
        self.push_screen(StartEmergencyModal(), self.show_started)

    def show_started(self, view: EmergencyView | None) -> None:
        """A checklist was just started: the emergencies panel opens on it."""
        if view is None:
            return
        self.action_panel("5")
        for screen in self.screen_stack:
            if isinstance(screen, EmergencyScreen):
                screen.select_emergency(view.id)

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.screen))

    async def action_back(self) -> None:
        if len(self.screen_stack) > 2:
            self.pop_screen()
            return
        # Quitting stops this terminal's alerts and timers: one stray `q` at 3 a.m. must
        # not do it, so the floor asks for a second `q` within a few seconds.
        now = keyboard_clock(self.floor.clock).now()
        asked = self._quit_asked_at
        if asked is not None and timedelta(0) <= now - asked <= QUIT_CONFIRM_WITHIN:
            self.exit()
            return
        self._quit_asked_at = now
        emergency_running = any(item.text.startswith(EMERGENCY_MARK) for item in self._extras)
        message = t("Press q again to quit floorman: this terminal stops showing alerts.")
        if emergency_running:
            message = t("An emergency checklist is running.") + " " + message
        # The toast rack holds two lines over the footer: the question must be the one
        # shown, whatever toasts came before it.
        self.clear_notifications()
        self.notify(message, severity="warning", timeout=QUIT_CONFIRM_WITHIN.total_seconds())


def stylesheet_path() -> Path:
    return Path(__file__).parent / FloormanApp.CSS_PATH  # type: ignore[operator]
