"""An alert's life after it fired: acknowledged by a person, resolved by itself.

- `acknowledge` / `acknowledge_all`: who, when, an optional note; the panel, the app's
  key and `floorman alerts ack` all come here. An acknowledged alert that escalates is
  active again (claims.py).
- `resolve_ended`: the sweep the scheduler runs on every tick (and before firing): open
  alerts whose condition ended are resolved, and deadlines still pending for an ended
  condition are dropped, so nothing fires for an agent who is back.
- `alerts_list` / `active`: the alerts in the panel's order, which the CLI prints too.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time
from itertools import groupby

from sqlalchemy import select as sa_select
from sqlalchemy import update
from sqlmodel import Session, col, select

from floorman.data import journal
from floorman.data.tables.away import AwaySlip
from floorman.data.tables.floor import Agent, Alert, Seat, Zone
from floorman.domain.alerts import conditions
from floorman.domain.alerts.store import OPEN_STATES
from floorman.domain.alerts.templates import who
from floorman.domain.alerts.views import AlertView, view_of
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.core.lookup import by_id_prefix
from floorman.domain.core.states import AlertSeverity, AlertState, rank
from floorman.domain.core.text import clean

NOTE_MAX = 200
_STATE_ORDER = {AlertState.ACTIVE: 0, AlertState.ACKNOWLEDGED: 1, AlertState.RESOLVED: 2}


def _severity_rank(severity: str) -> int:
    try:
        return rank(AlertSeverity(severity))
    except ValueError:
        return 0


# ------------------------------------------------------------------ acknowledging


def _acknowledge_row(session: Session, floor: Floor, alert: Alert, note: str | None) -> None:
    now = floor.clock.now()
    alert.state = AlertState.ACKNOWLEDGED
    alert.acknowledged_at = now
    alert.acknowledged_by = floor.actor.name
    alert.acknowledged_note = note
    session.add(alert)
    journal.append(
        session,
        at=now,
        actor=floor.actor.name,
        terminal=floor.actor.terminal,
        action="alert.acknowledge",
        subject=alert.subject,
        after={"id": alert.id, "kind": alert.kind, "severity": alert.severity, "note": note},
    )


def _find(session: Session, ref: str) -> Alert:
    """The alert named by id or id prefix (a deadline merged into one names nothing)."""
    return by_id_prefix(session, Alert, ref, what="alert", where=[col(Alert.state).is_not(None)])


def acknowledge(floor: Floor, ref: str, note: str | None = None) -> AlertView:
    """Record who acknowledged an active alert, when, and why (optional note)."""
    return acknowledge_many(floor, [ref], note)[0]


def acknowledge_many(floor: Floor, refs: Sequence[str], note: str | None = None) -> list[AlertView]:
    """Acknowledge each named alert, all or none: one bad reference writes nothing."""
    from floorman.domain.operators import permissions

    text = clean(note, "note", max_len=NOTE_MAX)
    if not refs:
        raise FloorError("name at least one alert")
    with floor.db.write() as session:
        permissions.require(floor, "alert.acknowledge", session=session)
        found: dict[str, Alert] = {}
        for ref in refs:
            alert = _find(session, ref)
            if alert.state == AlertState.ACKNOWLEDGED:
                raise FloorError(
                    "alert {id} is already acknowledged by {acknowledged_by}",
                    id=f"{alert.id[:8]}",
                    acknowledged_by=alert.acknowledged_by,
                )
            if alert.state == AlertState.RESOLVED:
                raise FloorError("alert {id} is already resolved", id=f"{alert.id[:8]}")
            found[alert.id] = alert
        for alert in found.values():
            _acknowledge_row(session, floor, alert, text)
        return _views(session, list(found.values()))


def acknowledge_all(
    floor: Floor, *, kind: str | None = None, zone: str | None = None, note: str | None = None
) -> list[AlertView]:
    """Acknowledge every active alert (of one kind, in one zone, when given)."""
    with floor.db.read() as session:
        targets = [
            v.id for v in alerts_list(session, floor, active_only=True, kind=kind, zone=zone)
        ]
    if not targets:
        raise FloorError("no active alert to acknowledge")
    return acknowledge_many(floor, targets, note)


# ------------------------------------------------------------------ resolving


def resolve_ended(floor: Floor) -> int:
    """Resolve open alerts whose condition ended; drop due deadlines of ended conditions.

    Cheap enough for every tick: it reads the open alerts (a partial index) and the
    deadlines due now, and writes only when something ended."""
    now = floor.clock.now()
    with floor.db.read() as session:
        open_alerts = list(
            session.exec(select(Alert).where(col(Alert.state).in_(OPEN_STATES))).all()
        )
        due = list(
            session.exec(
                select(Alert).where(
                    col(Alert.fired_at).is_(None),
                    col(Alert.cancelled_at).is_(None),
                    col(Alert.due_at) <= now,
                )
            ).all()
        )
        gone_alerts = [a.id for a in conditions.ended(session, open_alerts)]
        gone_deadlines = [a.id for a in conditions.ended(session, due)]
    if not gone_alerts and not gone_deadlines:
        return 0
    with floor.db.write() as session:
        if gone_alerts:
            session.execute(
                update(Alert)
                .where(col(Alert.id).in_(gone_alerts), col(Alert.state).in_(OPEN_STATES))
                .values(state=AlertState.RESOLVED, resolved_at=now)
            )
        if gone_deadlines:
            session.execute(
                update(Alert)
                .where(
                    col(Alert.id).in_(gone_deadlines),
                    col(Alert.fired_at).is_(None),
                    col(Alert.cancelled_at).is_(None),
                )
                .values(cancelled_at=now)
            )
    return len(gone_alerts) + len(gone_deadlines)


# ------------------------------------------------------------------ listing


def start_of_today(floor: Floor) -> datetime:
    """Local midnight of the floor's today, as an aware instant."""
    zone = floor.config.zone()
    today = floor.clock.now().astimezone(zone).date()
    return datetime.combine(today, time(0), tzinfo=zone)


def _order(view: AlertView) -> tuple[int, int, float]:
    """Active, then acknowledged, each worst then oldest first; then resolved, latest first."""
    state = _STATE_ORDER.get(AlertState(view.state or AlertState.ACTIVE), 0)
    if state == 2:
        return state, 0, -(view.resolved_at.timestamp() if view.resolved_at else 0)
    fired = view.fired_at.timestamp() if view.fired_at else 0
    return state, -_severity_rank(view.severity), fired


def _places(session: Session, rows: list[Alert]) -> dict[str, tuple[str, str, str]]:
    """(seat code, agent "name (staff no)", zone code) of each away alert's slip."""
    slips = {conditions.slip_of(a) for a in rows} - {None}
    if not slips:
        return {}
    found = session.execute(
        sa_select(
            col(AwaySlip.id), col(Seat.code), col(Agent.name), col(Agent.staff_no), col(Zone.code)
        )
        .join(Seat, Seat.id == AwaySlip.seat_id)  # type: ignore[arg-type]
        .join(Agent, Agent.id == AwaySlip.agent_id)  # type: ignore[arg-type]
        .join(Zone, Zone.id == Seat.zone_id)  # type: ignore[arg-type]
        .where(col(AwaySlip.id).in_(slips))
    ).all()
    return {slip: (seat, who(name, staff_no), zone) for slip, seat, name, staff_no, zone in found}


def alerts_list(
    session: Session,
    floor: Floor,
    *,
    active_only: bool = False,
    since: datetime | None = None,
    kind: str | None = None,
    zone: str | None = None,
) -> list[AlertView]:
    """The alerts in the panel's order: active (worst, oldest first), acknowledged, then
    resolved. `since` keeps alerts fired since then plus any still open; `kind` matches
    the kind or its area ("away" matches every away band); `zone` an away's zone code."""
    query = select(Alert).where(col(Alert.state).is_not(None))
    if active_only:
        query = query.where(Alert.state == AlertState.ACTIVE)
    if since is not None:
        query = query.where((col(Alert.fired_at) >= since) | col(Alert.state).in_(OPEN_STATES))
    views = [
        v
        for v in _views(session, list(session.exec(query).all()))
        if matches(v, kind=kind, zone=zone)
    ]
    return sorted(views, key=_order)


def _views(session: Session, rows: list[Alert]) -> list[AlertView]:
    """The views of these alerts, an away's with its seat, agent and zone."""
    places = _places(session, rows)
    views = []
    for alert in rows:
        seat, agent, zone = places.get(conditions.slip_of(alert) or "", (None, None, None))
        views.append(view_of(alert, seat=seat, agent=agent, zone=zone))
    return views


def area_of(kind: str) -> str:
    """The area of a kind ("away" for "away.breach"): what the kind filters offer."""
    return kind.split(".")[0]


def matches(view: AlertView, *, kind: str | None = None, zone: str | None = None) -> bool:
    """The one filter rule: `kind` is a kind or its area; `zone` an away's zone code."""
    if kind and view.kind != kind and area_of(view.kind) != kind:
        return False
    return not zone or view.zone == zone


def panel_rows(
    session: Session, floor: Floor, *, kind: str | None = None, zone: str | None = None
) -> list[AlertView]:
    """What the alerts panel lists: everything open, and what resolved today."""
    return alerts_list(session, floor, since=start_of_today(floor), kind=kind, zone=zone)


def active(session: Session) -> list[AlertView]:
    """Active alerts (fired, neither acknowledged nor resolved), worst and oldest first:
    the alert bar, the header's counts, the wallboard."""
    rows = session.exec(select(Alert).where(Alert.state == AlertState.ACTIVE)).all()
    views = [view_of(a) for a in rows]
    return sorted(views, key=_order)


def counts_by_severity(views: Sequence[AlertView]) -> list[tuple[str, int]]:
    """(severity, how many) of these alerts, worst first, only severities present."""
    ordered = sorted(views, key=lambda v: -_severity_rank(v.severity))
    return [
        (severity, len(list(group)))
        for severity, group in groupby(ordered, key=lambda v: v.severity)
    ]
