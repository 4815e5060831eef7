"""An away's limits and bands, once: every screen, command, alert and report asks here.

A slip's limit is its reason's (water 3:00, the default 5:00...) plus the one extension
it may have been given. The warning starts the configured lead before that limit (the
config gives `away.warning_seconds` for the default limit: 4:00 of 5:00, a lead of
1:00, so water warns at 2:00); the breach is at the limit and the severe band at twice
it. `away_limits` computes all four; `AwayLimits.band_at` says which band an elapsed
time is in. The seat map, the away board, the alert plan, the header, the handover,
reports and `away list` all use these two, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from floorman.config import Config
from floorman.domain.core.states import AwayBand
from floorman.i18n import language, t

BAND_SYMBOLS: dict[str, str] = {
    AwayBand.OK: "·",
    AwayBand.WARNING: "!",
    AwayBand.BREACH: "‼",
    AwayBand.SEVERE: "✖",
}
# Bands at or past the limit: the away is over it.
OVER_LIMIT_BANDS = frozenset({AwayBand.BREACH, AwayBand.SEVERE})
# An extension may add at most this much to a slip, so "extend" cannot hide a walkout.
MAX_EXTENSION_SECONDS = 30 * 60


@dataclass(frozen=True)
class AwayLimits:
    """When, counted from leaving the seat, an away warns, breaches and turns severe."""

    limit_seconds: int
    warning_seconds: int
    breach_seconds: int
    severe_seconds: int

    def band_at(self, elapsed: int) -> AwayBand:
        """The band of an away `elapsed` seconds after the agent left."""
        if elapsed >= self.severe_seconds:
            return AwayBand.SEVERE
        if elapsed >= self.breach_seconds:
            return AwayBand.BREACH
        if elapsed >= self.warning_seconds:
            return AwayBand.WARNING
        return AwayBand.OK

    def over_limit_at(self, elapsed: int) -> bool:
        """Whether an away `elapsed` seconds long is past its limit."""
        return self.band_at(elapsed) in OVER_LIMIT_BANDS


def away_limits(config: Config, limit_seconds: int, extension_seconds: int = 0) -> AwayLimits:
    """THE thresholds of an away whose reason allows `limit_seconds`, extended by
    `extension_seconds`: warning (the configured lead before the limit), breach (at the
    limit), severe (at twice it)."""
    limit = limit_seconds + extension_seconds
    lead = max(0, config.away.default_limit_seconds - config.away.warning_seconds)
    return AwayLimits(
        limit_seconds=limit,
        warning_seconds=max(0, limit - lead),
        breach_seconds=limit,
        severe_seconds=2 * limit,
    )


def reason_limit(config: Config, reason: str) -> int:
    """The limit of a configured reason, else the default limit (stored on a new slip)."""
    configured = config.reason(reason)
    return configured.limit_seconds if configured else config.away.default_limit_seconds


def reason_label(config: Config, key: str) -> str:
    """A reason key as the configured words in the current language (the away board and
    `floorman away list` say it alike)."""
    reason = config.reason(key)
    if reason is None:
        return t(key)
    return reason.zh if language() == "zh" else reason.en
