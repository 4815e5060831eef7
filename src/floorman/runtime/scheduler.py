"""The alert scheduler: APScheduler wakes the app when a stored deadline comes due.

The database is the source of truth for every deadline (`domain.alerts`); this module
holds only an in-memory `AsyncIOScheduler` with one `date` job per pending alert, rebuilt
from the database at `start()` and brought up to date by `sync()` whenever the database
changed. A job does not trust itself: it asks `domain.alerts.claims.fire_due` (an atomic claim,
so with three terminals open each alert fires once) in a worker thread, and hands what
this terminal claimed to `on_fired`. A heartbeat every minute catches clock jumps and
anything missed; alerts that came due while floorman was closed fire at `start()`.
Before each claim the resolution sweep runs (`lifecycle.resolve_ended`): an alert whose
condition ended is resolved, and nothing fires for it.

No Textual here: the app passes a callback and calls `sync()` itself.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from datetime import datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from floorman.domain.alerts.claims import fire_due
from floorman.domain.alerts.lifecycle import resolve_ended
from floorman.domain.alerts.store import pending
from floorman.domain.alerts.views import AlertView
from floorman.domain.core.context import Floor

HEARTBEAT_ID = "floorman-heartbeat"
HEARTBEAT_SECONDS = 60
# APScheduler's timer may wake a few milliseconds before the due time by the wall clock;
# a job that early waits for its deadline (at most this long) rather than missing it.
EARLY_WAKE_TOLERANCE = 1.0

log = logging.getLogger(__name__)

FiredCallback = Callable[[list[AlertView]], None]


def _before_firing(floor: Floor) -> None:
    """Domain checks that must run just before alerts are claimed: alerts whose condition
    ended are resolved (and their due deadlines dropped), acknowledged breaches need no
    escalation. Every job and every heartbeat runs them, so this is the tick's sweep."""
    from floorman.domain.away.alert_plan import cancel_acknowledged_escalations

    resolve_ended(floor)
    cancel_acknowledged_escalations(floor)


class AlertScheduler:
    """One terminal's scheduler of alert jobs: one `date` job per pending alert."""

    def __init__(
        self,
        floor: Floor,
        on_fired: FiredCallback,
        *,
        heartbeat_seconds: int = HEARTBEAT_SECONDS,
        before_firing: Sequence[Callable[[Floor], object]] = (_before_firing,),
    ) -> None:
        self.floor = floor
        self.on_fired = on_fired
        self.heartbeat_seconds = heartbeat_seconds
        self.before_firing = tuple(before_firing)
        self.scheduler = AsyncIOScheduler(timezone="UTC")
        self._jobs: dict[str, datetime] = {}
        self._running: set[asyncio.Task[object]] = set()  # jobs claiming right now

    # ------------------------------------------------------------ lifecycle

    async def start(self, *, paused: bool = False) -> list[AlertView]:
        """Start on the running loop: a job per pending alert, the heartbeat, and fire
        at once whatever came due while floorman was closed (returned, and passed on).

        `paused` holds the jobs (tests drive them by calling `run_due` themselves).
        """
        self.scheduler.start(paused=paused)
        self.scheduler.add_job(
            self.run_due,
            trigger="interval",
            seconds=self.heartbeat_seconds,
            id=HEARTBEAT_ID,
            misfire_grace_time=None,
            coalesce=True,
            replace_existing=True,
            max_instances=1,
        )
        fired = await self.run_due()
        await self.sync()
        return fired

    async def sync(self) -> None:
        """Re-read the pending alerts: add jobs for new ones, drop jobs for gone ones."""
        loop = asyncio.get_running_loop()
        pending = await loop.run_in_executor(None, self._read_pending)
        for alert_id in set(self._jobs) - set(pending):
            self._remove_job(alert_id)
        live = self.job_ids  # a date job that ran is gone, though its alert may be pending
        for alert_id, due_at in pending.items():
            if alert_id not in live or self._jobs.get(alert_id) != due_at:
                self._add_job(alert_id, due_at)

    def shutdown(self) -> None:
        """Stop the scheduler; jobs are in memory only, the database keeps the deadlines."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        self._jobs.clear()

    async def finish_running(self, timeout: float) -> None:
        """Hold new jobs and wait (at most `timeout` s) for those claiming now, so a stop
        does not cancel them halfway (a claim is atomic either way: a cancelled job only
        logs an error). Call `shutdown()` after it."""
        if self.scheduler.running:
            self.scheduler.pause()
        running = [task for task in self._running if not task.done()]
        if running:
            await asyncio.wait(running, timeout=timeout)

    @property
    def job_ids(self) -> set[str]:
        """Ids of the alert jobs held now (the heartbeat excluded)."""
        return {job.id for job in self.scheduler.get_jobs() if job.id != HEARTBEAT_ID}

    # ------------------------------------------------------------ jobs

    async def run_due(self, due_at: datetime | None = None) -> list[AlertView]:
        """The job: claim due alerts in a worker thread, hand this terminal's to on_fired."""
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        if task is not None:
            self._running.add(task)
        try:
            fired = await loop.run_in_executor(None, self._fire_blocking, due_at)
        finally:
            self._running.discard(task)  # type: ignore[arg-type]
        if fired:
            try:
                self.on_fired(fired)
            except Exception:  # a broken callback must not stop the scheduler
                log.exception("alert callback failed")
        return fired

    def _fire_blocking(self, due_at: datetime | None) -> list[AlertView]:
        if due_at is not None:
            early = (due_at - self.floor.clock.now()).total_seconds()
            if 0 < early <= EARLY_WAKE_TOLERANCE:
                time.sleep(early)
        for check in self.before_firing:
            check(self.floor)
        return fire_due(self.floor)

    def _read_pending(self) -> dict[str, datetime]:
        with self.floor.db.read() as session:
            return {a.id: a.due_at for a in pending(session)}

    def _add_job(self, alert_id: str, due_at: datetime) -> None:
        self.scheduler.add_job(
            self.run_due,
            trigger="date",
            run_date=due_at,
            args=[due_at],
            id=alert_id,
            misfire_grace_time=None,
            coalesce=True,
            replace_existing=True,
        )
        self._jobs[alert_id] = due_at

    def _remove_job(self, alert_id: str) -> None:
        self._jobs.pop(alert_id, None)
        if self.scheduler.get_job(alert_id) is not None:
            self.scheduler.remove_job(alert_id)
