"""Errors the domain raises for bad input or a refused action; the message is for people.

A refusal carries a message id and its values, not a finished sentence:
`FloorError("unknown seat '{seat}'", seat=code)`. The English template *is* the id (the
key of the translation catalogues under locales/), so the same error reads in English in
the CLI and a log, and in Chinese on a `--lang zh` floor: `str(error)` is the message in
the language set at the moment it is shown (i18n.set_language), filled with its values.
Values that are words of the floor's vocabulary (a StrEnum state, or a `Word`) are
translated too, and so is each of `Words`; names, ids and numbers are shown as given.
"""

from __future__ import annotations

from enum import StrEnum

from floorman.i18n import t


class Word(str):
    """A value that is a word of the vocabulary (`seat`, `away slip`), translated with the
    message it is put into, unlike a name or an id."""

    __slots__ = ()


class Words(tuple[str, ...]):
    """Several vocabulary words shown as one list (`Staffing and seats, Notes`), each
    translated, joined the way the language joins them."""

    __slots__ = ()

    def __str__(self) -> str:
        return ", ".join(self)


def _shown(value: object) -> object:
    if isinstance(value, Words):
        return t(", ").join(t(word) for word in value)
    return t(str(value)) if isinstance(value, StrEnum | Word) else value


class FloorError(ValueError):
    """Bad input or an impossible action; nothing was written. Message is user-facing."""

    def __init__(self, message: str = "", /, **values: object) -> None:
        super().__init__(message)
        self.message_id = message
        self.values = values

    @property
    def english(self) -> str:
        """The message in English, whatever the language (for logs and the journal)."""
        if not self.values:
            return self.message_id
        return self.message_id.format(**{k: str(v) for k, v in self.values.items()})

    def __str__(self) -> str:
        if not self.values:
            return t(self.message_id)
        return t(self.message_id, **{key: _shown(value) for key, value in self.values.items()})


class PermissionDenied(FloorError):
    """The acting operator's role does not allow this action."""
