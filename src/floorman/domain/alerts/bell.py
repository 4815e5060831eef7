"""When a terminal rings its bell: once for each alert that fired or rose in severity,
never more often than the configured interval, and never when `[alerts] bell = false`.

One `Bell` per terminal (the app holds it); the clock is the floor's, so tests move it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from floorman.domain.alerts.views import AlertView


@dataclass
class Bell:
    """One terminal's bell: `ring` says whether to ring for what this terminal just fired."""

    enabled: bool = True
    min_interval_seconds: int = 30
    rung: int = 0  # how many times it rang (the tests and the e2e read it)
    last_rung_at: datetime | None = field(default=None)

    def ring(self, fired: Sequence[AlertView], now: datetime) -> bool:
        """True (and counted) when these fired alerts should ring the bell now."""
        if not self.enabled or not fired:
            return False
        quiet = timedelta(seconds=self.min_interval_seconds)
        if self.last_rung_at is not None and now - self.last_rung_at < quiet:
            return False
        self.last_rung_at = now
        self.rung += 1
        return True
