"""What a feed did with the lines it read, and the lines it skipped."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from floorman.domain.core import bounds
from floorman.domain.core.text import printable

BATCH_SIZE = 500


@dataclass(frozen=True)
class BadLine:
    """A line a feed skipped, and why (shown as "line N: message")."""

    line: int
    message: str

    def __str__(self) -> str:
        # One line, whatever the log held: the message may quote it (escape sequences
        # and newlines from a hostile log are removed, a long quote is cut).
        message = " ".join(printable(self.message).split())
        return f"line {self.line}: {message[: bounds.ARGUMENT_MAX]}"


BadLineHandler = Callable[[BadLine], None]


def ignore_bad(_bad: BadLine) -> None:
    return None


@dataclass
class FeedReport:
    """What a feed did with the lines it read."""

    read: int = 0
    applied: int = 0
    unchanged: int = 0
    ignored: int = 0
    bad: int = 0
    stale: int = 0
    restarts: int = 0

    def add(self, other: FeedReport) -> None:
        self.read += other.read
        self.applied += other.applied
        self.unchanged += other.unchanged
        self.ignored += other.ignored
        self.bad += other.bad
        self.stale += other.stale
        self.restarts += other.restarts

    def summary(self, name: str) -> str:
        text = (
            f"{name}: {self.read} lines read, {self.applied} events applied, "
            f"{self.unchanged} unchanged or already recorded, {self.ignored} ignored, "
            f"{self.bad} bad lines skipped"
        )
        if self.stale:
            # Not applied: the seat already shows something later, so these are history.
            text += f", {self.stale} older than the seat's current state (skipped)"
        if self.restarts:
            text += f", log rotated or truncated {self.restarts} time(s)"
        return text

    def as_json(self) -> dict[str, int]:
        return {
            "read": self.read,
            "applied": self.applied,
            "unchanged": self.unchanged,
            "ignored": self.ignored,
            "bad": self.bad,
            "stale": self.stale,
            "restarts": self.restarts,
        }
