"""What a feed did with the lines it read, and the lines it skipped.

Said in the language of the moment they are shown (the run's, under `--lang zh` Chinese):
a skipped line keeps its refusal as a message id and values, not a finished sentence.
The JSON summary's keys are English, as every JSON output.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from floorman.domain.core import bounds
from floorman.domain.core.text import printable
from floorman.i18n import t
from floorman.translated import TranslatedError, said

BATCH_SIZE = 500


@dataclass(frozen=True)
class BadLine:
    """A line a feed skipped, and why (shown as "line N: message", in the language of
    the moment it is shown: `refusal` is the refusal itself, or a finished text)."""

    line: int
    refusal: str | TranslatedError

    @property
    def message(self) -> str:
        """Why the line was skipped, in the current language."""
        return str(said(self.refusal))

    def __str__(self) -> str:
        # One line, whatever the log held: the message may quote it (escape sequences
        # and newlines from a hostile log are removed, a long quote is cut).
        message = " ".join(printable(self.message).split())
        return t("line {line}: {message}", line=self.line, message=message[: bounds.ARGUMENT_MAX])


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
        """One line saying what the feed did, in the current language."""
        text = t(
            "{name}: {read} lines read, {applied} events applied, {unchanged} unchanged or "
            "already recorded, {ignored} ignored, {bad} bad lines skipped",
            name=name,
            **self.as_json(),
        )
        if self.stale:
            # Not applied: the seat already shows something later, so these are history.
            text += t(", {stale} older than the seat's current state (skipped)", stale=self.stale)
        if self.restarts:
            text += t(", log rotated or truncated {restarts} time(s)", restarts=self.restarts)
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
