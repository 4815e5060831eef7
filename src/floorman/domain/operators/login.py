"""Logging in: a name and PIN checked against the operator row, with the shared lockout.

Five wrong PINs (config) lock that operator for `lockout_minutes`, counted in the
database so every terminal shares it.
"""

from __future__ import annotations

from datetime import timedelta

from floorman.data import journal
from floorman.data.tables.operators import Operator
from floorman.domain.core.context import Actor, Floor
from floorman.domain.core.errors import PermissionDenied
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

    Wrong PINs are counted in the row; the `max_pin_attempts`-th locks the operator for
    `lockout_minutes` on every terminal. The slow argon2 check runs outside the write
    lock; the counters are updated in a BEGIN IMMEDIATE transaction that re-reads them.
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
    refusal: str | None = None
    actor: Actor | None = None
    with floor.db.write() as session:
        op = session.get(Operator, operator_id)
        if op is None:
            raise PermissionDenied("unknown operator name")
        subject = f"operator:{op.name}"
        # A row changed behind the journal (a role raised, a PIN hash swapped) logs no one
        # in, and its tampered values never reach the journal as if floorman wrote them.
        disagreement = journal_disagrees(session, op)
        if disagreement is not None:
            raise PermissionDenied(f"{disagreement}: log-in refused; run `floorman check`")
        if not op.active:
            refusal = f"operator '{op.name}' is disabled"
        elif op.locked_until is not None and op.locked_until > now:
            until = op.locked_until.astimezone(floor.config.zone()).strftime("%H:%M")
            refusal = f"operator '{op.name}' is locked after too many wrong PINs until {until}"
        elif not matches:
            op.failed_attempts += 1
            limit = settings.max_pin_attempts
            if limit and op.failed_attempts >= limit:
                op.failed_attempts = 0
                op.locked_until = now + timedelta(minutes=settings.lockout_minutes)
                journal_change(session, floor, "operators.lock", subject, None, {"name": op.name})
                refusal = (
                    f"wrong PIN; operator '{op.name}' is locked for "
                    f"{settings.lockout_minutes} minutes"
                )
            else:
                journal_change(
                    session,
                    floor,
                    "operators.login_failed",
                    subject,
                    None,
                    {"name": op.name, "failed_attempts": op.failed_attempts},
                )
                left = f" ({limit - op.failed_attempts} tries left)" if limit else ""
                refusal = f"wrong PIN for '{op.name}'{left}"
        else:
            op.failed_attempts = 0
            op.locked_until = None
            op.last_login_at = now
            if hasher().check_needs_rehash(op.pin_hash):
                op.pin_hash = hash_pin(pin)
            actor = Actor(name=op.name, terminal=floor.actor.terminal, role=op.role)
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
    if refusal is not None or actor is None:
        raise PermissionDenied(refusal or "login refused")
    return actor
