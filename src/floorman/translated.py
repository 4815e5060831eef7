"""Errors and values said in the language of the moment they are shown.

One mechanism for every error a person reads, whatever layer raises it (the domain's
`FloorError`, the storage's `DatabaseError`, the config's `ConfigError`): the error
carries a message id and its values, not a finished sentence —
`ConfigError("{source}: unknown key '{key}'", source=path, key=name)`. The English
template *is* the id (the key of the catalogues under locales/), so the same error reads
in English in a log and in Chinese on a `--lang zh` floor: `str(error)` is the message in
the language set when it is shown (i18n.set_language), filled with its values.

Values are said in that language too: a vocabulary word (a StrEnum state, a `Word`, each
of `Words`, a `Phrase`), an OS error (`os_error_text`: the system's English words stay out of a
Chinese sentence), a TOML file's parse error (`toml_error_text`: where it is, in Chinese)
and a file that is not UTF-8. Names, ids and numbers are shown as given.
"""

from __future__ import annotations

import errno
import re
import tomllib
from enum import StrEnum

from floorman.i18n import language, translate


class Word(str):
    """A value that is a word of the vocabulary (`seat`, `away slip`), translated with the
    message it is put into, unlike a name or an id."""

    __slots__ = ()


class Phrase(str):
    """A value that is itself a message id, chosen from a fixed list (a reason the disk
    gave: `disk is full; nothing was written, free some space`), said with its message."""

    __slots__ = ()


class Words(tuple[str, ...]):
    """Several vocabulary words shown as one list (`Staffing and seats, Notes`), each
    translated, joined the way the language joins them."""

    __slots__ = ()

    def __str__(self) -> str:
        return ", ".join(self)


# The errors a floor's files and disks meet, in the system's English words (glibc's),
# each with its Chinese in locales/zh_CN/errors.toml. Any other errno keeps the system's
# own text: a rare error said in English beats one said wrongly.
OS_ERRORS: dict[int, str] = {
    errno.ENOENT: "No such file or directory",
    errno.EACCES: "Permission denied",
    errno.EPERM: "Operation not permitted",
    errno.EISDIR: "Is a directory",
    errno.ENOTDIR: "Not a directory",
    errno.ENAMETOOLONG: "File name too long",
    errno.ENOSPC: "No space left on device",
    errno.EROFS: "Read-only file system",
    errno.EIO: "Input/output error",
    errno.ELOOP: "Too many levels of symbolic links",
    errno.EEXIST: "File exists",
    errno.EBUSY: "Device or resource busy",
    errno.EDQUOT: "Disk quota exceeded",
}


def os_error_text(exc: OSError, lang: str | None = None) -> str:
    """What went wrong with a file or disk, in `lang` (default: the current language).

    Only the reason (`Is a directory`), not Python's `[Errno 21] ...: 'name'`: the
    sentence it goes into names the file already."""
    lang = lang or language()
    system = exc.strerror or str(exc)
    if lang == "en" or exc.errno not in OS_ERRORS:
        return system
    return translate(lang, OS_ERRORS[exc.errno])


_WHERE = re.compile(r"\(at line (\d+), column (\d+)\)\s*$")


def toml_error_text(exc: tomllib.TOMLDecodeError, lang: str | None = None) -> str:
    """Where a TOML file is wrong: tomllib's full detail in English; in Chinese the line
    and column it names (tomllib says what is wrong in English words only)."""
    lang = lang or language()
    detail = str(exc)
    if lang == "en":
        return detail
    where = _WHERE.search(detail)
    if where is not None:
        line, column = where.groups()
        return translate(lang, "error at line {line}, column {column}", line=line, column=column)
    if detail.endswith("(at end of document)"):
        return translate(lang, "error at the end of the file")
    return translate(lang, "error in the TOML syntax")


class Said:
    """A value that is itself a message with values (`approve a visitor (visitor.approve)`),
    said in the language of the message it is put into."""

    __slots__ = ("message_id", "values")

    def __init__(self, message: str, /, **values: object) -> None:
        self.message_id = message
        self.values = values

    def said_in(self, lang: str) -> str:
        """The message in `lang`, its values said in it too."""
        if not self.values:
            return translate(lang, self.message_id)
        shown = {key: said(value, lang) for key, value in self.values.items()}
        return translate(lang, self.message_id, **shown)

    def __str__(self) -> str:
        return self.said_in(language())


def said(value: object, lang: str | None = None) -> object:
    """`value` as shown in a message in `lang`: vocabulary words and errors translated,
    anything else (names, ids, numbers) as given."""
    lang = lang or language()
    if isinstance(value, Said | TranslatedError | Finding):
        return value.said_in(lang)
    if isinstance(value, Words):
        return translate(lang, ", ").join(translate(lang, word) for word in value)
    if isinstance(value, StrEnum | Word | Phrase):
        return translate(lang, str(value))
    if isinstance(value, tomllib.TOMLDecodeError):
        return toml_error_text(value, lang)
    if isinstance(value, UnicodeDecodeError):
        return translate(lang, "not UTF-8 text")
    if isinstance(value, OSError):
        return os_error_text(value, lang)
    return value


class Finding(str):
    """What a check found, as a message id and values that is also its English text.

    `floorman check`'s problems are compared, counted, joined into the daily check's
    alert and written to JSON as text (English, like the journal); shown to a person they
    are said in the language of the moment, like a `Said`."""

    said: Said

    def __new__(cls, message: str, /, **values: object) -> Finding:
        said_as = Said(message, **values)
        finding = super().__new__(cls, said_as.said_in("en"))
        finding.said = said_as
        return finding

    def said_in(self, lang: str) -> str:
        """The finding in `lang`, its values said in it too."""
        return self.said.said_in(lang)

    @classmethod
    def of(cls, error: TranslatedError) -> Finding:
        """A refusal (a damaged key file...) kept as a finding."""
        return cls(error.message_id, **error.values)


class TranslatedError(Exception):
    """An error whose message is a message id and values, said when it is shown.

    The one base of every error a person reads (`FloorError`, `DatabaseError`,
    `ConfigError`); a subclass adds only its place in the exception tree."""

    def __init__(self, message: str = "", /, **values: object) -> None:
        super().__init__(message)
        self.message_id = message
        self.values = values

    def said_in(self, lang: str) -> str:
        """The message in `lang`, whatever the current language."""
        return Said(self.message_id, **self.values).said_in(lang)

    @property
    def english(self) -> str:
        """The message in English, whatever the language (for logs and the journal)."""
        return self.said_in("en")

    def __str__(self) -> str:
        return self.said_in(language())
