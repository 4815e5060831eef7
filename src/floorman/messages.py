"""Messages the app broadcasts to its screens."""

from __future__ import annotations

from textual.message import Message


class DatabaseChanged(Message):
    """Something was committed to the database (here or by another process): reload."""

    def __init__(self, version: int) -> None:
        self.version = version
        super().__init__()

    def can_replace(self, message: Message) -> bool:
        # A burst of changes needs one reload, not one per commit.
        return isinstance(message, DatabaseChanged)


class Tick(Message):
    """One second passed: timers on screen advance."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, Tick)
