"""Appending one line to an emergency's timeline (the table refuses changes and deletes).

Kept in data/ because two areas append to it: the emergency checklists, and the one roll
call when someone on an emergency's roll call is marked safe from any screen.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, func, select

from floorman.data.tables.emergency import EmergencyEvent


def append(
    session: Session,
    emergency_id: str,
    *,
    at: datetime,
    actor: str,
    terminal: str,
    action: str,
    step_number: int | None = None,
    text: str | None = None,
) -> EmergencyEvent:
    """Add the next line (seq = last + 1) in the caller's transaction."""
    last = session.exec(
        select(func.max(EmergencyEvent.seq)).where(EmergencyEvent.emergency_id == emergency_id)
    ).one()
    event = EmergencyEvent(
        emergency_id=emergency_id,
        seq=int(last or 0) + 1,
        at=at,
        actor=actor,
        terminal=terminal,
        action=action,
        step_number=step_number,
        text=text,
    )
    session.add(event)
    session.flush()
    return event
