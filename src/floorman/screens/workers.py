"""The one worker policy of floorman's screens: every worker's failure goes to one handler.

Every thread worker of a screen, a modal or the app is started by `reload_worker`,
`save_worker` or `run_floor_worker` here, so it runs with `exit_on_error=False` and its
failure arrives as a `Worker.StateChanged` message at the node that started it, where
`WorkerPolicy.on_worker_state_changed` decides what the duty manager sees:

- a `FloorError` (a rule refused what was asked) is shown where the user acted: a form
  keeps what was typed and shows the message inside it, a panel shows a notification;
- a storage error (disk full, read-only, locked, I/O: `floorman.data.db.DatabaseError`,
  SQLAlchemy's and SQLite's database errors, an OSError writing a file) shows the storage
  banner on every screen, the floor keeps running, and a failed reload runs again on the
  next tick; the banner goes once that reload, or for a write problem any save, succeeds;
- anything else is a bug and fails loudly, as Textual does with an unhandled error.
"""

from __future__ import annotations

import inspect
import sqlite3
import threading
from collections.abc import Callable
from enum import StrEnum
from functools import partial, wraps
from typing import TYPE_CHECKING, Any, ParamSpec, cast

import sqlalchemy.exc
from textual import work
from textual.dom import DOMNode
from textual.worker import Worker, WorkerState

from floorman.data.db import DatabaseError, refused_write_reason
from floorman.data.driver_errors import driver_error_said
from floorman.domain.core.errors import FloorError
from floorman.i18n import t
from floorman.translated import said

if TYPE_CHECKING:
    from floorman.app import FloormanApp

P = ParamSpec("P")


class WorkKind(StrEnum):
    """What a worker does: reading what a screen shows, or saving what the user did."""

    RELOAD = "reload"
    SAVE = "save"


# The storage errors a worker can meet; each leaves the app running with the banner.
STORAGE_ERRORS: tuple[type[BaseException], ...] = (
    DatabaseError,
    sqlalchemy.exc.DatabaseError,  # OperationalError (locked, disk I/O, full) among them
    sqlite3.DatabaseError,
    OSError,  # a file the floor writes (an export, a backup): disk full, read-only, I/O
)


def is_storage_error(error: BaseException) -> bool:
    """True for a problem of the disk or the database file, not of what the user asked."""
    return isinstance(error, STORAGE_ERRORS)


def storage_text(error: BaseException) -> str:
    """One line saying what the storage refused (the data layer's words when it has them)."""
    if isinstance(error, DatabaseError):
        return str(error)
    reason = refused_write_reason(error)
    if reason is not None:
        return t(reason)
    if isinstance(error, OSError):
        return str(error)
    return str(said(driver_error_said(error)))  # the driver's English only when unknown


def worker_name(kind: WorkKind, group: str) -> str:
    return f"{kind}:{group}"


def kind_of(worker: Worker[Any]) -> WorkKind | None:
    """The kind a worker was started with here; None for workers started elsewhere."""
    prefix = worker.name.split(":", 1)[0]
    return WorkKind(prefix) if prefix in tuple(WorkKind) else None


def reload_worker(group: str) -> Callable[[Callable[P, None]], Callable[P, Worker[None]]]:
    """A thread worker that reads what a screen shows (exclusive in its group).

    The last call is remembered, so after a storage error the same reload, with the same
    arguments, runs again on the next tick.
    """

    def decorate(method: Callable[P, None]) -> Callable[P, Worker[None]]:
        threaded = work(
            _then_recovered(method, WorkKind.RELOAD, group),
            thread=True,
            exclusive=True,
            group=group,
            exit_on_error=False,
            name=worker_name(WorkKind.RELOAD, group),
        )

        @wraps(method)
        def start(*args: P.args, **kwargs: P.kwargs) -> Worker[None]:
            node = args[0]
            reloads = cast("dict[str, Callable[[], Any]]", _state(node, "floor_reloads"))
            reloads[group] = partial(start, *args, **kwargs)
            return cast("Worker[None]", threaded(*args, **kwargs))

        return start

    return decorate


def save_worker(group: str) -> Callable[[Callable[P, None]], Callable[P, Worker[None]]]:
    """A thread worker that writes what the user did (exclusive in its group)."""

    def decorate(method: Callable[P, None]) -> Callable[P, Worker[None]]:
        return cast(
            "Callable[P, Worker[None]]",
            work(
                _then_recovered(method, WorkKind.SAVE, group),
                thread=True,
                exclusive=True,
                group=group,
                exit_on_error=False,
                name=worker_name(WorkKind.SAVE, group),
            ),
        )

    return decorate


def run_floor_worker(
    node: DOMNode, job: Callable[[], Any], *, kind: WorkKind, group: str, exclusive: bool = False
) -> Worker[Any]:
    """Run `job` under the policy (for work that is not a decorated method): a plain
    function in a thread, an async function (the alert scheduler's) on the loop."""
    if inspect.iscoroutinefunction(job):

        async def run_async() -> Any:
            result = await job()
            recovered(cast("FloormanApp", node.app), kind, group)
            return result

        return node.run_worker(
            run_async,
            group=group,
            exclusive=exclusive,
            exit_on_error=False,
            name=worker_name(kind, group),
        )
    return node.run_worker(
        _then_recovered(lambda: job(), kind, group, node),
        thread=True,
        group=group,
        exclusive=exclusive,
        exit_on_error=False,
        name=worker_name(kind, group),
    )


def problem_key(kind: WorkKind, group: str) -> str:
    """Which banner entry a worker's storage problem is: a reload's own (it clears when
    that reload succeeds again), or the one of all saves (any save that succeeds shows the
    disk takes writes again)."""
    return f"{kind}:{group}" if kind == WorkKind.RELOAD else str(WorkKind.SAVE)


def recovered(app: FloormanApp, kind: WorkKind, group: str) -> None:
    """The work succeeded: its storage problem, if one stands, leaves the banner.

    Said by the worker itself (from its thread), not by its success message: a form's
    save closes the form, and a closed form gets no more messages.
    """
    key = problem_key(kind, group)
    if key not in app.storage_problems:
        return
    if threading.current_thread() is threading.main_thread():
        app.storage_recovered(key)
    else:
        app.call_from_thread(app.storage_recovered, key)


def _then_recovered(
    method: Callable[P, None], kind: WorkKind, group: str, node: DOMNode | None = None
) -> Callable[P, None]:
    """The worker's body, then `recovered` once it returned without an error."""

    @wraps(method)
    def body(*args: P.args, **kwargs: P.kwargs) -> None:
        # The app is found now: a form that saved is closed (no longer in the app) after.
        app = cast("FloormanApp", (node if node is not None else cast(DOMNode, args[0])).app)
        method(*args, **kwargs)
        recovered(app, kind, group)

    return body


def _state(node: object, name: str) -> Any:
    """A per-node attribute of the policy, made on first use (screens have many inits)."""
    found = node.__dict__.get(name)
    if found is None:
        found = set() if name == "floor_retries" else {}
        node.__dict__[name] = found
    return found


class WorkerPolicy:
    """Mixed into floorman's screens, modals and the app: the one worker-failure handler."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        kind = kind_of(worker)
        if kind is None:
            return
        app = cast("FloormanApp", cast(DOMNode, self).app)
        if event.state != WorkerState.ERROR or worker.error is None:
            return
        error = worker.error
        if isinstance(error, FloorError):
            self.show_refusal(error)
        elif is_storage_error(error):
            text = storage_text(error)
            app.report_storage_problem(problem_key(kind, worker.group), text)
            self.show_storage_refusal(text)
            if kind == WorkKind.RELOAD:
                _state(self, "floor_retries").add(worker.group)
        else:
            raise error  # a bug: Textual reports it and closes, as for any unhandled error

    def show_refusal(self, error: FloorError) -> None:
        """A rule refused what the user asked; panels say so in a notification."""
        cast(DOMNode, self).app.notify(str(error), severity="error", timeout=6)

    def show_storage_refusal(self, text: str) -> None:
        """Where the user acted, besides the banner (a form says it inside itself)."""

    def retry_failed_reloads(self) -> None:
        """Run again, once, every reload that met a storage error (called on the tick)."""
        retries: set[str] = _state(self, "floor_retries")
        reloads: dict[str, Callable[[], Any]] = _state(self, "floor_reloads")
        for group in list(retries):
            retries.discard(group)
            again = reloads.get(group)
            if again is not None:
                again()


def not_saved(text: str) -> str:
    """What a form says inside itself when the storage refused its save."""
    return t("Not saved: {problem}", problem=text) + " " + t("(what you typed is kept)")
