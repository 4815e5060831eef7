"""What every change to a handover does: ask whether the actor may, refuse a locked one, log.

The permission check is the operators panel's `require`, imported plainly: it is never
skipped (on a floor with no operators at all, `require` itself lets everyone through).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from floorman.data import journal
from floorman.data.tables.handover import Handover
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.core.states import HandoverStatus
from floorman.domain.handover.views import iso
from floorman.domain.operators import permissions


def require_permission(floor: Floor, action: str, session: Session) -> None:
    """Refuse (PermissionDenied) unless the acting operator's role allows `action`."""
    permissions.require(floor, action, session=session)


def require_editable(row: Handover) -> None:
    """Refuse to change an acknowledged (locked) handover: amend it instead."""
    if row.status == HandoverStatus.ACKNOWLEDGED:
        raise FloorError(
            "the handover of shift {shift_id} was acknowledged by {acknowledged_by} at "
            "{acknowledged_at} and is locked; add an amendment instead",
            shift_id=row.shift_id,
            acknowledged_by=row.acknowledged_by,
            acknowledged_at=iso(row.acknowledged_at),
        )


def log(session: Session, floor: Floor, action: str, row: Handover, **after: Any) -> None:
    """The journal line of one change: `handover.<action>` on the shift, by the actor."""
    journal.append(
        session,
        at=floor.clock.now(),
        actor=floor.actor.name,
        terminal=floor.actor.terminal,
        action=f"handover.{action}",
        subject=row.shift_id,
        after={"id": row.id, **after},
    )
