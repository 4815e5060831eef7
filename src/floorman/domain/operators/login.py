"""Logging in: a name and PIN checked against the operator row, with the back-off.

Five wrong PINs (config) lock that operator for `lockout_minutes` on every terminal,
doubling with each further wrong PIN; the terminal and the operator at that terminal
are slowed too, and the last director is never locked out everywhere (see lockout.py).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from floorman.data import journal
from floorman.data.tables.operators import Operator
from floorman.domain.core.context import Actor, Floor
from floorman.domain.core.errors import PermissionDenied
from floorman.domain.operators import lockout
from floorman.domain.operators.pins import Pin, as_pin, hash_pin, hasher, pin_matches
from floorman.domain.operators.records import (
    clean_name,
    find_operator,
    journal_change,
    pin_fingerprint,
)
from floorman.domain.operators.trusted import journal_disagrees


def authenticate(floor: Floor, name: str, pin: Pin | str, *, handed_by: str | None = None) -> Actor:
    """Check a name and PIN; return the Actor (with its role) or refuse with FloorError.

    `handed_by` names the operator who had this terminal before it was locked (the
    hand-over key or the idle lock): when someone else logs in, the journal records the
    hand-over from one to the other (`operators.handover`) with the login.

    Wrong PINs are counted in the row, per terminal and per operator at the terminal
    (lockout.py); the `max_pin_attempts`-th locks the operator for `lockout_minutes` on
    every terminal (unless that would lock out the last director). The slow argon2
    check runs outside the write lock; the counters are updated in a BEGIN IMMEDIATE
    transaction that re-reads them.
    """
    pin = as_pin(pin)
    name = clean_name(name)
    settings = floor.config.operators
    with floor.db.read() as session:
        row = find_operator(session, name)
        if row is None:
            # The name is not repeated: it may be a PIN typed into the wrong field.
            raise PermissionDenied("unknown operator name")
        pin_hash, operator_id = row.pin_hash, row.id
    matches = pin_matches(pin_hash, pin)
    now = floor.clock.now()
    terminal = floor.actor.terminal
    refusal: PermissionDenied | None = None  # raised once the failed attempt is recorded
    actor: Actor | None = None
    zone = floor.config.zone()
    with floor.db.write() as session:
        op = session.get(Operator, operator_id)
        if op is None:
            raise PermissionDenied("unknown operator name")
        subject = f"operator:{op.name}"
        # A row changed behind the journal (a role raised, a PIN hash swapped) logs no one
        # in, and its tampered values never reach the journal as if floorman wrote them.
        disagreement = journal_disagrees(session, op)
        if disagreement is not None:
            raise PermissionDenied(
                "{disagreement}: log-in refused; run `floorman check`", disagreement=disagreement
            )
        attempt = lockout.Attempt(
            settings,
            op,
            lockout.throttle(session, lockout.terminal_key(terminal)),
            lockout.throttle(session, lockout.pair_key(op.id, terminal)),
            now,
        )
        waiting = attempt.waiting()
        if not op.active:
            refusal = PermissionDenied("operator '{name}' is disabled", name=op.name)
        elif waiting is not None:
            refusal = _waiting_message(op.name, *waiting, zone)
        elif not matches:
            locked = attempt.wrong(session)
            if locked is not None:
                kind, wait = locked
                journal_change(
                    session,
                    floor,
                    "operators.lock",
                    subject,
                    None,
                    {"name": op.name, "lock": kind, "minutes": lockout.minutes(wait)},
                )
                refusal = _locked_message(op.name, kind, lockout.minutes(wait))
            else:
                journal_change(
                    session,
                    floor,
                    "operators.login_failed",
                    subject,
                    None,
                    {"name": op.name, "failed_attempts": op.failed_attempts},
                )
                left = attempt.tries_left()
                refusal = (
                    PermissionDenied("wrong PIN for '{name}'", name=op.name)
                    if left is None
                    else PermissionDenied(
                        "wrong PIN for '{name}' ({left} tries left)", name=op.name, left=left
                    )
                )
        else:
            attempt.right(session)
            op.last_login_at = now
            if hasher().check_needs_rehash(op.pin_hash):
                op.pin_hash = hash_pin(pin)
            actor = Actor(name=op.name, terminal=terminal, role=op.role)
            journal.append(
                session,
                at=now,
                actor=actor.name,
                terminal=actor.terminal,
                action="operators.login",
                subject=subject,
                after={"name": op.name, "role": op.role, "pin": pin_fingerprint(op.pin_hash)},
            )
            if handed_by is not None and handed_by != op.name:
                journal.append(
                    session,
                    at=now,
                    actor=actor.name,
                    terminal=actor.terminal,
                    action="operators.handover",
                    subject=f"terminal:{actor.terminal}",
                    before={"operator": handed_by},
                    after={"operator": op.name},
                )
        session.add(op)
    if refusal is not None:
        raise refusal
    if actor is None:
        raise PermissionDenied("login refused")
    return actor


def _waiting_message(name: str, kind: str, until: datetime, zone: ZoneInfo) -> PermissionDenied:
    at = until.astimezone(zone).strftime("%H:%M")
    if kind == "operator":
        return PermissionDenied(
            "operator '{name}' is locked after too many wrong PINs until {at}", name=name, at=at
        )
    if kind == "pair":
        return PermissionDenied(
            "operator '{name}' cannot log in from this terminal until {at} after too many "
            "wrong PINs here; wait, or log in from another terminal",
            name=name,
            at=at,
        )
    return PermissionDenied("this terminal is locked after too many wrong PINs until {at}", at=at)


def _locked_message(name: str, kind: str, minutes: int) -> PermissionDenied:
    if kind == "operator":
        return PermissionDenied(
            "wrong PIN; operator '{name}' is locked for {minutes} minutes",
            name=name,
            minutes=minutes,
        )
    if kind == "pair":
        return PermissionDenied(
            "wrong PIN; operator '{name}' cannot log in from this terminal for {minutes} "
            "minutes (other terminals still can)",
            name=name,
            minutes=minutes,
        )
    return PermissionDenied(
        "wrong PIN; this terminal is locked for {minutes} minutes", minutes=minutes
    )
