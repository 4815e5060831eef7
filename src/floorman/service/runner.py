"""`FloorService`: the alert scheduler, the feeds and the duties of one floor database.

One asyncio loop holds the alert scheduler (`floorman.runtime.scheduler.AlertScheduler`, the same
one a terminal runs, so a claim made here or in any terminal fires an alert once), a
watch of `PRAGMA data_version` that brings its jobs up to date when anyone writes, the
duties every few minutes and the health file every few seconds. Feeds run in threads.
Every step is a method tests call directly under a fake clock; `run()` only repeats them.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import threading
from datetime import datetime
from typing import TYPE_CHECKING, Any

from floorman.data.db import DatabaseError
from floorman.domain.alerts import AlertView
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError
from floorman.runtime.db_watch import DataVersionWatch
from floorman.runtime.housekeeping import run_housekeeping
from floorman.service.duties import CheckResult, daily_check
from floorman.service.event_desk import CommandLine, EventDesk
from floorman.service.feeds import FeedRunner
from floorman.service.health import write_health
from floorman.service.lock import ServiceLock
from floorman.service.sync import SyncRunner

if TYPE_CHECKING:
    from floorman.service.web import FloorWeb

log = logging.getLogger("floorman.service")

WATCH_SECONDS = 0.25
HOUSEKEEPING_SECONDS = 300.0
HEALTH_SECONDS = 5.0


class FloorService:
    """The floor host's service for one database; `run()` until SIGTERM."""

    def __init__(
        self,
        floor: Floor,
        *,
        feeds: bool = True,
        web: FloorWeb | None = None,
        command_line: CommandLine | None = None,
    ) -> None:
        from floorman.runtime.scheduler import AlertScheduler

        self.floor = floor
        self.lock = ServiceLock(floor.db.path)
        self.stop_requested = asyncio.Event()
        self._feed_stop = threading.Event()
        self.feeds = [FeedRunner(floor, f, self._feed_stop) for f in floor.config.feeds]
        # `[sync]`: this floor's journal and live state to the central server (issue 18).
        self.sync = (
            SyncRunner(floor, floor.config.sync, self._feed_stop)
            if floor.config.sync.central
            else None
        )
        self.run_feeds = feeds
        self.scheduler = AlertScheduler(floor, self.on_fired)
        self.started_at: datetime | None = None
        self.last_fired: AlertView | None = None
        self.last_backup: str | None = None
        self.last_check: CheckResult | None = None
        self.last_problem: str = ""
        self.web = web
        # Without the command line (tests of the scheduler alone) no events are taken.
        self.event_desk = EventDesk(floor.db.path, command_line) if command_line else None
        self.web_url: str | None = None
        self.version_watch = DataVersionWatch(floor.db)

    # ------------------------------------------------------------ lifecycle

    async def start(self, *, paused: bool = False) -> list[AlertView]:
        """Take the lock (or refuse), start the scheduler (overdue alerts fire now),
        the feeds, and the first duties. `paused` keeps APScheduler's timers still."""
        self.lock.acquire()
        self.started_at = self.floor.clock.now()
        self.write_health()  # `status` tells this start from a stopped service at once
        fired = await self.scheduler.start(paused=paused)
        if self.event_desk is not None:
            await self.event_desk.start()  # `floorman event` hands its events over from now on
        if self.run_feeds:
            for runner in self.feeds:
                runner.start()
        if self.sync is not None:
            self.sync.start()
        if self.web is not None:
            await self.web.start()
            self.web_url = self.web.url
        await self.duties()  # backups and the integrity check take a while: last
        self.check_version()
        self.write_health()
        log.info("floorman service started on %s", self.floor.db.path)
        return fired

    async def stop(self) -> None:
        """Stop feeds (each commits what it read), the scheduler, and free the lock."""
        if self.web is not None:
            await self.web.stop()
        if self.event_desk is not None:
            await self.event_desk.stop()
        self._feed_stop.set()
        threads = [runner.thread for runner in self.feeds]
        threads.append(self.sync.thread if self.sync is not None else None)
        for thread in threads:
            if thread is not None:
                await asyncio.get_running_loop().run_in_executor(None, thread.join, 10)
        # Jobs claiming now finish first: shutting APScheduler down cancels them.
        await self.scheduler.finish_running(timeout=10)
        self.scheduler.shutdown()
        self.write_health(stopped=True)
        self.version_watch.close()
        self.lock.release()
        log.info("floorman service stopped")

    async def run(self) -> None:
        """Start, repeat the steps until SIGTERM or SIGINT, stop."""
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, self.stop_requested.set)
        await self.start()
        tasks = [
            asyncio.create_task(self._every(WATCH_SECONDS, self.watch)),
            asyncio.create_task(self._every(HOUSEKEEPING_SECONDS, self.duties)),
            asyncio.create_task(self._every(HEALTH_SECONDS, self._health_step)),
        ]
        try:
            await self.stop_requested.wait()
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await self.stop()

    async def _every(self, seconds: float, step: Any) -> None:
        while True:
            await asyncio.sleep(seconds)
            try:
                await step()
            except Exception as exc:  # a failed step is logged; the service goes on
                self.last_problem = str(exc)
                log.exception("service step failed")

    async def _health_step(self) -> None:
        self.write_health()

    # ------------------------------------------------------------ steps

    def on_fired(self, fired: list[AlertView]) -> None:
        """The service claimed these alerts: terminals show them from the database."""
        self.last_fired = fired[-1]
        for alert in fired:
            log.warning("alert %s %s: %s", alert.severity, alert.subject, alert.message)

    def check_version(self) -> bool:
        """Did anyone commit since the last look (`PRAGMA data_version`)?"""
        return self.version_watch.changed() is not None

    async def watch(self) -> bool:
        """When the database changed, bring the scheduler's jobs up to date."""
        loop = asyncio.get_running_loop()
        changed = await loop.run_in_executor(None, self.check_version)
        if changed:
            await self.scheduler.sync()
        return changed

    async def duties(self) -> None:
        """Housekeeping, and the integrity check when none ran yet this local day."""
        loop = asyncio.get_running_loop()
        try:
            written = await loop.run_in_executor(None, run_housekeeping, self.floor)
            if written:
                self.last_backup = str(written[-1])
            if self._check_due():
                self.last_check = await loop.run_in_executor(None, daily_check, self.floor)
                if not self.last_check.sound:
                    log.error("daily check: %s", "; ".join(self.last_check.problems))
        except (DatabaseError, FloorError) as exc:  # a full disk: say so, keep alerts going
            self.last_problem = str(exc)
            log.error("housekeeping: %s", exc)
        await self.scheduler.sync()  # duties may have scheduled alerts

    def _check_due(self) -> bool:
        if self.last_check is None:
            return True
        zone = self.floor.config.zone()
        return self.last_check.at.astimezone(zone).date() != (
            self.floor.clock.now().astimezone(zone).date()
        )

    # ------------------------------------------------------------ health

    def health(self, *, stopped: bool = False) -> dict[str, Any]:
        now = self.floor.clock.now().isoformat()
        fired = self.last_fired
        return {
            "pid": os.getpid(),
            "database": str(self.floor.db.path),
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "updated_at": now,
            "stopped_at": now if stopped else None,
            "scheduler": {
                "state": "stopped" if stopped else "running",
                "jobs": len(self.scheduler.job_ids) if not stopped else 0,
                "last_fired_here": (
                    {"kind": fired.kind, "subject": fired.subject, "severity": fired.severity}
                    if fired
                    else None
                ),
            },
            "feeds": [runner.health.as_json() for runner in self.feeds],
            "sync": self.sync.health.as_json() if self.sync is not None else None,
            "last_backup_here": self.last_backup,
            "last_check": self.last_check.as_json() if self.last_check else None,
            "last_problem": self.last_problem,
            "web": {"url": self.web_url} if self.web_url else None,
        }

    def write_health(self, *, stopped: bool = False) -> None:
        try:
            write_health(self.floor.db.path, self.health(stopped=stopped))
        except OSError as exc:
            log.error("cannot write the health file: %s", exc)
