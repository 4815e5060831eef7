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

# Word and Words are the domain's to use; they live with the mechanism every layer shares.
from floorman.translated import TranslatedError
from floorman.translated import Word as Word
from floorman.translated import Words as Words


class FloorError(TranslatedError, ValueError):
    """Bad input or an impossible action; nothing was written. Message is user-facing."""


class PermissionDenied(FloorError):
    """The acting operator's role does not allow this action."""
