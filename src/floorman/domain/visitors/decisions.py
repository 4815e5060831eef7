"""Deciding on a registration: approve or reject, with the consent the manual names.

Internal visitors (another department) need a duty manager or above; external ones the
center director. Turning someone away at the door is always open to a duty manager.
"""

from __future__ import annotations

from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError, Word
from floorman.domain.core.states import VisitorCategory, VisitorStatus
from floorman.domain.visitors.records import log, require, required_text, subject
from floorman.domain.visitors.views import VisitorView, find_visitor, view_of


def _decide(floor: Floor, ref: str, approve: bool, reason: str | None) -> VisitorView:
    with floor.db.write() as session:
        visitor = find_visitor(session, ref)
        # Admitting needs the consent the manual names; turning someone away at the door
        # is always open to a duty manager (or above), whatever the category.
        external = approve and visitor.category == VisitorCategory.EXTERNAL
        action = "visitor.approve_external" if external else "visitor.approve_internal"
        role = require(floor, session, action)
        if visitor.status != VisitorStatus.PENDING:
            raise FloorError("this visitor is already {status}", status=Word(visitor.status))
        before = {"status": visitor.status}
        visitor.status = VisitorStatus.APPROVED if approve else VisitorStatus.REJECTED
        visitor.decided_at = floor.clock.now()
        visitor.decided_by = floor.actor.name
        visitor.decided_role = role
        visitor.reject_reason = reason
        session.add(visitor)
        after: dict[str, object] = {"status": visitor.status, "role": role}
        if reason:
            after["reason"] = reason
        log(
            session, floor, "visitor.approve" if approve else "visitor.reject",
            subject(visitor.id), before=before, after=after,
        )
        return view_of(visitor)


def approve(floor: Floor, ref: str) -> VisitorView:
    """Approve a pending visitor: a duty manager for internal, the director for external."""
    return _decide(floor, ref, True, None)


def reject(floor: Floor, ref: str, reason: str) -> VisitorView:
    """Reject a pending visitor, with the reason kept."""
    cleaned = required_text(reason, "reason", 200)
    return _decide(floor, ref, False, cleaned)
