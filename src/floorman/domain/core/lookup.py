"""The one way a person names a record: its id, or the first characters of it.

Every command and screen that takes "a slip", "a visitor", "an emergency"... by id goes
through `by_id_prefix` (or `pick_by_prefix` for records already in memory), so the rules
are the same everywhere:

- the whole id always works;
- a prefix needs at least `MIN_PREFIX` characters;
- matching is literal: ids are lower-case hex and dashes, so anything else (`%`, `_`, a
  space, a quote) can match nothing, and no wildcard ever reaches SQL (the query is a key
  range on the primary key, not LIKE);
- "no such" and "ambiguous" are each one message, worded once here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from floorman.domain.core.errors import FloorError, Word

MIN_PREFIX = 4
# What an id is made of (UUID text). A reference with any other character names nothing.
_ID_CHARS = re.compile(r"[0-9a-f-]+")

Row = TypeVar("Row")


def _normal(ref: str) -> str:
    return ref.strip().lower()


def no_such(what: str, ref: str) -> FloorError:
    """The one "no such record" refusal."""
    return FloorError("no such {what} '{ref}'", what=Word(what), ref=ref)


def ambiguous(what: str, ref: str) -> FloorError:
    """The one "several records match" refusal."""
    return FloorError(
        "'{ref}' matches more than one {what}; give more of its id",
        ref=ref,
        what=Word(what),
    )


def too_short(what: str, ref: str) -> FloorError:
    """The one "prefix too short" refusal."""
    return FloorError(
        "no such {what} '{ref}' (give the id or at least {MIN_PREFIX} of its characters)",
        what=Word(what),
        ref=ref,
        MIN_PREFIX=MIN_PREFIX,
    )


def usable_prefix(ref: str) -> str | None:
    """`ref` normalised if it can name an id by prefix, else None (wrong characters)."""
    text = _normal(ref)
    return text if _ID_CHARS.fullmatch(text) else None


def by_id_prefix(
    session: Session,
    table: type[Row],
    ref: str,
    *,
    what: str,
    where: Iterable[ColumnElement[bool]] = (),
) -> Row:
    """The one row of `table` whose id is `ref` or starts with it; FloorError otherwise.

    `where` narrows the candidates (e.g. entries not removed). `what` names the record in
    the messages ("away slip", "visitor")."""
    conditions = list(where)
    id_column: Any = col(table.id)  # type: ignore[attr-defined]
    text = _normal(ref)
    exact = session.exec(select(table).where(id_column == text, *conditions)).first()
    if exact is not None:
        return exact
    prefix = usable_prefix(text)
    if prefix is None:
        raise no_such(what, ref.strip())
    if len(prefix) < MIN_PREFIX:
        raise too_short(what, prefix)
    # A key range on the primary key: literal, and served by its index.
    rows = session.exec(
        select(table)
        .where(id_column >= prefix, id_column < prefix + "\uffff", *conditions)
        .limit(2)
    ).all()
    return _one(list(rows), what, prefix)


def pick_by_prefix(
    records: Iterable[Row], ref: str, *, what: str, id_of: Callable[[Row], str]
) -> Row:
    """The one record in `records` whose id is `ref` or starts with it (same rules)."""
    text = _normal(ref)
    candidates = list(records)
    for record in candidates:
        if id_of(record) == text:
            return record
    prefix = usable_prefix(text)
    if prefix is None:
        raise no_such(what, ref.strip())
    if len(prefix) < MIN_PREFIX:
        raise too_short(what, prefix)
    return _one([r for r in candidates if id_of(r).startswith(prefix)][:2], what, prefix)


def _one(rows: list[Row], what: str, prefix: str) -> Row:
    if not rows:
        raise no_such(what, prefix)
    if len(rows) > 1:
        raise ambiguous(what, prefix)
    return rows[0]
