"""What SQLite's own error means for the floor, said in the language it is shown in.

The driver speaks English (`no such table: visitor`); a Chinese floor must not read it
inside a Chinese sentence. The disk's and the lock's refusals are `db.refused_write_reason`
(one list, used by every writer); this adds the other driver errors a floor meets (a file
missing part of its structure, a rule of the schema, memory, an interrupted statement),
and keeps the driver's own text only for an error it does not know.
"""

from __future__ import annotations

import re
from pathlib import Path

from floorman.data.db import refused_write_reason
from floorman.translated import Phrase, Said

_RESTORE = "run `floorman check`, then `floorman restore` the newest good backup"

# (pattern on the driver's text, message id): the pattern's named groups are its values.
_OTHER_ERRORS = (
    (
        re.compile(r"no such (?:table|column): (?P<name>\S+)"),
        "the database file lacks a part floorman needs ({name}); nothing was written: " + _RESTORE,
    ),
    (
        re.compile(r"(?P<rule>[A-Z][A-Z ]*) constraint failed: (?P<where>.+)"),
        "the database's own rules refused the change ({rule}: {where}); nothing was written",
    ),
    (
        re.compile(r"(?P<rule>[A-Z][A-Z ]*) constraint failed"),
        "the database's own rules refused the change ({rule}); nothing was written",
    ),
    (re.compile(r"out of memory"), "the machine ran out of memory; nothing was written, try again"),
    (re.compile(r"interrupted"), "the database was interrupted; nothing was written, try again"),
    (
        re.compile(r"database schema has changed"),
        "the database changed while it was read (another terminal upgraded it); try again",
    ),
    (
        re.compile(r"string or blob too big|too many SQL variables"),
        "a value is too big for the database; nothing was written",
    ),
)


def driver_error_said(exc: BaseException, path: Path | None = None) -> Phrase | Said:
    """Why the database refused, as a message said in the language it is shown in (use
    `translated.said`); the driver's own words only for an error not known here."""
    found = refused_write_reason(exc, path)
    if found is not None:
        return Phrase(found)
    detail = " ".join(str(getattr(exc, "orig", None) or exc).split())
    for pattern, message in _OTHER_ERRORS:
        match = pattern.search(detail)
        if match is not None:
            return Said(message, **match.groupdict())
    return Said("database error: {detail}", detail=detail)
