"""`[sync]`: the service sends this floor to the central server, in a thread of its own.

The loop is the one `floorman sync` runs (`domain.sync.push.keep_syncing`): the journal is
the outbox, so the floor never waits on the wide-area network, and after an outage the
pending rows go up in order, each once. This module only runs it beside the alerts and
feeds and keeps what `floorman status` shows of it.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime

from floorman.config import SyncConfig
from floorman.data.central.connection import CentralError, central_engine
from floorman.domain.core.context import Actor, Floor
from floorman.domain.sync.push import SyncPass, SyncResult, keep_syncing
from floorman.translated import TranslatedError

log = logging.getLogger("floorman.service.sync")


@dataclass
class SyncHealth:
    """What `floorman status` shows of the link to the central server."""

    central: str
    state: str = "starting"
    last_ok_at: datetime | None = None
    last_error: str = ""
    pending_rows: int | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "central": self.central,
            "state": self.state,
            "last_ok_at": self.last_ok_at.isoformat() if self.last_ok_at else None,
            "last_error": self.last_error,
            "pending_rows": self.pending_rows,
        }


class SyncRunner:
    """Runs the sync loop in a thread until `stop` is set."""

    def __init__(self, floor: Floor, sync: SyncConfig, stop: threading.Event) -> None:
        # Refused at start (a password in the URL, a bad option): the service says why.
        engine = central_engine(sync.central)
        self.floor = Floor(
            db=floor.db,
            clock=floor.clock,
            config=floor.config,
            actor=Actor("sync", floor.actor.terminal, source="sync"),
        )
        self.sync = sync
        self.stop = stop
        self.link = SyncPass(
            self.floor,
            engine,
            batch_rows=sync.batch_rows,
            snapshot_every_s=sync.snapshot_every_seconds,
        )
        self.health = SyncHealth(central=engine.url.render_as_string(hide_password=True))
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        self.thread = threading.Thread(target=self.supervise, name="sync", daemon=True)
        self.thread.start()

    def supervise(self) -> None:
        """The loop, until stopped; an unexpected failure is logged and the loop restarts."""
        while not self.stop.is_set():
            try:
                keep_syncing(
                    self.link,
                    interval=self.sync.interval_seconds,
                    wait=self.stop.wait,
                    on_problem=self._problem,
                    on_pass=self._sent,
                    on_back=lambda: log.warning("central server reached again"),
                )
            except Exception as exc:  # e.g. the site database busy for long: go on
                self._problem(exc, True)
                self.stop.wait(self.sync.interval_seconds)
        self.health.state = "stopped"

    def _sent(self, result: SyncResult) -> None:
        self.health.state, self.health.last_error = "sending", ""
        self.health.last_ok_at = self.floor.clock.now()
        self.health.pending_rows = result.pending_rows

    def _problem(self, exc: Exception, new: bool) -> None:
        self.health.state = "retrying"
        # The health file is read by other runs in their own languages: English, as logged.
        said = exc.english if isinstance(exc, TranslatedError) else str(exc)
        self.health.last_error = " ".join(said.split())[:300] or type(exc).__name__
        if new:
            kind = "central server" if isinstance(exc, CentralError) else "sync"
            log.warning("%s: %s; rows stay pending", kind, self.health.last_error)
