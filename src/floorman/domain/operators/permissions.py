"""Who may do what: the one permissions table, and `require`, which every privileged
domain function calls before it writes (see the package docstring for who is acting
when nobody is logged in, feeds, and the scheduler's own duties).
"""

from __future__ import annotations

import hmac

from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from floorman.config import Config
from floorman.data.db import DatabaseError, refused_write_reason
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError, PermissionDenied, Word
from floorman.domain.core.states import Role
from floorman.domain.operators.records import find_operator, operators_exist
from floorman.domain.operators.roles import FLOOR_STAFF, at_least, role_name
from floorman.domain.operators.trusted import journal_disagrees
from floorman.translated import Phrase, Said

# action -> the roles that may do it. Domain functions call require(floor, action).
PERMISSIONS: dict[str, tuple[Role, ...]] = {
    # reading
    "floor.view": at_least(Role.VIEWER),
    "journal.read": at_least(Role.VIEWER),
    "operators.list": at_least(Role.VIEWER),
    # personal data (visitors' names, phones, ids; people on a roll call; the details of
    # journal rows): the staff who run the floor, never a viewer. See `can_read_personal`.
    "personal.read": FLOOR_STAFF,
    # seats, agents, alerts
    "seat.event": FLOOR_STAFF,  # phone systems too, without login: UNAUTHENTICATED_ACTIONS
    "seat.import": at_least(Role.SUPERVISOR),
    "agent.import": at_least(Role.SUPERVISOR),
    "alert.acknowledge": FLOOR_STAFF,
    # away slips (示忙单): the duty manager or the area manager lets an agent leave
    "away.request": FLOOR_STAFF,
    "away.approve": FLOOR_STAFF,
    "away.end": FLOOR_STAFF,
    # visitors: other departments need the duty manager, outsiders the center director
    "visitor.register": FLOOR_STAFF,
    "visitor.approve_internal": (Role.DUTY_MANAGER, Role.SUPERVISOR, Role.DIRECTOR),
    "visitor.approve_external": (Role.DIRECTOR,),
    "visitor.check_in": FLOOR_STAFF,
    "visitor.check_out": FLOOR_STAFF,
    "visitor.lists": (Role.DUTY_MANAGER, Role.SUPERVISOR, Role.DIRECTOR),
    # the one roll call (visitors panel and emergencies alike): start, mark safe, add, close
    "roll_call": FLOOR_STAFF,
    "visitor.purge": FLOOR_STAFF,
    "visitor.export": at_least(Role.SUPERVISOR),
    # emergencies
    "emergency.start": FLOOR_STAFF,
    "emergency.step": FLOOR_STAFF,
    "emergency.close": FLOOR_STAFF,
    # handover
    "handover.write": FLOOR_STAFF,
    "handover.acknowledge": FLOOR_STAFF,
    "handover.amend": FLOOR_STAFF,
    # attendance and leave (up to 1 day area manager, 3 days supervisor, 7 days director)
    "attendance.record": FLOOR_STAFF,
    "leave.approve_1_day": at_least(Role.AREA_MANAGER),
    "leave.approve_3_days": at_least(Role.SUPERVISOR),
    "leave.approve_7_days": (Role.DIRECTOR,),
    # staffing, feeds, backups
    "staffing.plan": FLOOR_STAFF,
    "feed.manage": at_least(Role.SUPERVISOR),
    "backup.run": FLOOR_STAFF,
    "backup.restore": at_least(Role.SUPERVISOR),
    # operators
    "operators.manage": (Role.SUPERVISOR, Role.DIRECTOR),
}

# What a message says the action is, for people.
ACTION_NAMES: dict[str, str] = {
    "away.approve": "approve an agent leaving the seat",
    "visitor.approve_external": "approve a visitor from outside the company",
    "visitor.approve_internal": "approve a visitor from another department",
    "operators.manage": "manage operators",
    "handover.acknowledge": "acknowledge a handover",
    "journal.read": "read the journal",
    "personal.read": "see visitors' and people's personal data",
}

# Actions open to anyone without a login: agent states sent by phone systems and scripts.
UNAUTHENTICATED_ACTIONS: frozenset[str] = frozenset({"seat.event"})

# floorman's own scheduled duties, done whoever is (or is not) logged in: the retention
# purge the confidentiality rules demand, and the scheduled backups. Journaled as
# SYSTEM_SOURCE; no person can act as it (a CLI --source never reaches these actions).
SYSTEM_SOURCE = "floorman-scheduler"
SYSTEM_ACTIONS: frozenset[str] = frozenset({"visitor.purge", "backup.run"})


def require_feed_key(config: Config, presented: str | None) -> None:
    """Refuse a source (a feed, `event --source`) that does not present the floor's feed
    key, when its config sets one (`[operators] feed_key`). Compared in constant time;
    the message never repeats what was presented."""
    wanted = config.operators.feed_key
    if not wanted:
        return
    if presented is None:
        raise PermissionDenied(
            "this floor needs a feed key for agent states: set FLOORMAN_FEED_KEY "
            "(or log in with --operator NAME and a PIN)"
        )
    if not hmac.compare_digest(presented.encode("utf-8", "surrogateescape"), wanted.encode()):
        raise PermissionDenied("wrong feed key (FLOORMAN_FEED_KEY): nothing was recorded")


def _describe(action: str) -> Said | str:
    """The action as a person says it, with its id: said in the refusal's language."""
    name = ACTION_NAMES.get(action)
    return Said("{name} ({action})", name=Phrase(name), action=action) if name else action


def _needs(action: str) -> Said | Word:
    """The roles that may, as one "a or b or c" said in the refusal's language."""
    names = [Word(role_name(r)) for r in PERMISSIONS[action]]
    needed: Said | Word = names[-1]
    for name in reversed(names[:-1]):
        needed = Said("{first} or {rest}", first=name, rest=needed)
    return needed


def leave_approval_action(days: float) -> str:
    """The permission needed to approve a leave of `days` days (考勤制度)."""
    if days <= 0:
        raise FloorError("a leave lasts more than 0 days")
    if days <= 1:
        return "leave.approve_1_day"
    if days <= 3:
        return "leave.approve_3_days"
    if days <= 7:
        return "leave.approve_7_days"
    raise FloorError("a leave over 7 days is approved by the department manager, not on the floor")


def effective_role(floor: Floor, session: Session | None = None) -> str | None:
    """The role that decides what the actor may do (see the package docstring).

    None means an open floor (no operators) or nobody logged in on a closed one.
    """
    if session is None:
        with floor.db.read() as own:
            return effective_role(floor, own)
    actor = floor.actor
    if actor.source is not None:
        return None
    if not operators_exist(session):
        return actor.role
    if actor.role is None:
        return None
    row = find_operator(session, actor.name)
    if row is None or not row.active:
        raise PermissionDenied(
            "operator '{name}' is disabled or unknown; log in again",
            name=actor.name,
        )
    disagreement = journal_disagrees(session, row)  # a role set behind floorman's back
    if disagreement is not None:
        raise PermissionDenied(
            "{problem}: nothing allowed; run `floorman check`", problem=disagreement
        )
    return row.role


def allowed(floor: Floor, action: str, *, session: Session | None = None) -> bool:
    """True when `require(floor, action)` would pass; screens use it to hide keys.

    Only a refusal is False: a check that could not be made (a busy or damaged
    database) raises, as `require` does, and is never taken for "allowed".
    """
    try:
        require(floor, action, session=session)
    except PermissionDenied:
        return False
    return True


def can_read_personal(role: str | None) -> bool:
    """The one rule for personal data: may this role see visitors' names, phones and
    ids, the people on a roll call and the details of journal rows? (On an open floor,
    with no operators, `require_personal` lets everyone through, as every action.)"""
    return role is not None and role in PERMISSIONS["personal.read"]


def require_personal(floor: Floor, *, session: Session | None = None) -> str | None:
    """Refuse unless the actor may see personal data (`personal.read`); every command,
    report and screen showing it calls this before reading."""
    return require(floor, "personal.read", session=session)


def require(floor: Floor, action: str, *, session: Session | None = None) -> str | None:
    """Refuse `action` with PermissionDenied unless the acting operator's role allows it.

    Returns the role that decided (None on an open floor). Call it before writing,
    inside the write transaction when there is one (pass `session`).
    """
    if action not in PERMISSIONS:
        raise ValueError(f"unknown action '{action}': add it to operators.permissions.PERMISSIONS")
    if session is None:
        with floor.db.read() as own:
            return require(floor, action, session=own)
    try:
        return _decide(floor, action, session)
    except DBAPIError as exc:
        # Fail closed: a check that could not be made is never "allowed".
        found = refused_write_reason(exc, floor.db.path)
        reason = Phrase(found.split(";")[0]) if found else exc.orig
        raise DatabaseError(
            "{path}: could not check who may {action}: {reason}; nothing was done",
            path=floor.db.path,
            action=_describe(action),
            reason=reason,
        ) from exc


def _decide(floor: Floor, action: str, session: Session) -> str | None:
    actor = floor.actor
    if action in UNAUTHENTICATED_ACTIONS and actor.source is not None:
        return None  # a phone system or a feed, journaled as its source
    if action in UNAUTHENTICATED_ACTIONS and actor.role is None and not operators_exist(session):
        return None  # an open floor: anyone, as before operators existed
    if action in UNAUTHENTICATED_ACTIONS and actor.role is None:
        # A person named without a PIN is never journaled as that person.
        raise PermissionDenied(
            "{name} is not logged in: an agent state on a floor with operators is recorded "
            "as a logged-in operator or as a phone system (--source NAME)",
            name=actor.name,
        )
    if actor.source == SYSTEM_SOURCE and action in SYSTEM_ACTIONS:
        return None
    if actor.source is not None:
        raise PermissionDenied(
            "source '{name}' may only record agent states, not {action}",
            name=actor.name,
            action=_describe(action),
        )
    if not operators_exist(session) and (actor.role is None or actor.role in PERMISSIONS[action]):
        return actor.role
    role = effective_role(floor, session)
    if role is None:
        raise PermissionDenied(
            "{name} is not logged in: {action} needs {action2}; log in (in the CLI: --operator "
            "NAME with FLOORMAN_PIN or a PIN prompt)",
            name=actor.name,
            action=_describe(action),
            action2=_needs(action),
        )
    if role not in PERMISSIONS[action]:
        raise PermissionDenied(
            "operator {name} ({role}) may not {action}: it needs {action2}",
            name=actor.name,
            role=Word(role_name(role)),
            action=_describe(action),
            action2=_needs(action),
        )
    return role
