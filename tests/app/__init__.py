"""Pilot tests of the screens."""

from __future__ import annotations

from typing import Any

from textual.worker import WorkerCancelled


async def workers_done(app: Any) -> None:
    """Wait for the app's workers; one cancelled because a newer one replaced it is fine."""
    while True:
        try:
            await app.workers.wait_for_complete()
            return
        except WorkerCancelled:
            continue
