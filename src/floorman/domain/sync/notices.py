"""HQ's notices and unified wordings (统一口径), down to the floors and acknowledged back up.

A notice arrives with the next sync and becomes a fired alert of kind `hq.notice`, so it
shows in the floor's alert bar and is acknowledged there like any alert (the one alert
rule); the acknowledgement goes back up with the sync after it. HQ's side (`post`,
`acknowledgements`) connects with the poster's role.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, exists, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlmodel import col

from floorman.data import journal
from floorman.data.central import tables as central
from floorman.data.tables.emergency import Emergency
from floorman.data.tables.floor import Alert
from floorman.data.tables.sync import HqNotice
from floorman.domain import alerts
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.core.states import AlertKind, AlertSeverity, AlertState, EmergencyStatus
from floorman.domain.core.text import clean
from floorman.domain.emergency.lifecycle import apply_wording

BODY_MAX = 4000


@dataclass(frozen=True)
class NoticeView:
    """A notice as HQ lists it, with the sites that acknowledged it."""

    id: str
    posted_at: datetime
    posted_by: str
    emergency_kind: str | None
    body: str
    sites: list[str] | None
    acknowledged: dict[str, str]

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "posted_at": self.posted_at.isoformat(),
            "posted_by": self.posted_by,
            "emergency_kind": self.emergency_kind,
            "body": self.body,
            "sites": self.sites,
            "acknowledged": self.acknowledged,
        }


def post(
    engine: Engine, body: str, *, sites: list[str] | None = None, emergency_kind: str | None = None
) -> str:
    """HQ posts a notice (or the wording for an emergency kind) to all or some sites."""
    text = clean(body, "notice", max_len=BODY_MAX, required=True, multiline=True) or ""
    if emergency_kind is not None:
        emergency_kind = clean(emergency_kind, "emergency kind", identifier=True)
    with engine.begin() as conn:
        if sites:
            known = set(conn.execute(select(central.site.c.code)).scalars())
            unknown = sorted(set(sites) - known)
            if unknown:
                raise FloorError("no such site: {join}", join=f"{', '.join(unknown)}")
        return str(
            conn.execute(
                insert(central.hq_notice)
                .values(body=text, sites=sites or None, emergency_kind=emergency_kind)
                .returning(central.hq_notice.c.id)
            ).scalar_one()
        )


def list_notices(engine: Engine) -> list[NoticeView]:
    """Every notice, newest first, with who acknowledged it (HQ's roles)."""
    with engine.connect() as conn:
        acks: dict[str, dict[str, str]] = {}
        for ack in conn.execute(select(central.notice_ack)).mappings():
            acks.setdefault(ack["notice_id"], {})[ack["site"]] = (
                f"{ack['acknowledged_by']} {ack['acknowledged_at'].isoformat()}"
            )
        rows = conn.execute(
            select(central.hq_notice).order_by(central.hq_notice.c.posted_at.desc())
        ).mappings()
        return [
            NoticeView(
                r["id"],
                r["posted_at"],
                r["posted_by"],
                r["emergency_kind"],
                r["body"],
                r["sites"],
                acks.get(r["id"], {}),
            )
            for r in rows
        ]


def _receive(floor: Floor, notice: dict[str, Any]) -> bool:
    now = floor.clock.now()
    kind = notice["emergency_kind"]
    with floor.db.write() as session:
        if session.get(HqNotice, notice["id"]) is not None:
            return False  # another sync process took it in meanwhile
        alert = alerts.schedule(
            session,
            floor,
            kind=AlertKind.HQ_NOTICE,
            # Words the screens translate (AlertView.shown_subject); the kind is the notice's.
            subject="HQ wording" if kind else "HQ notice",
            due_at=now,
            severity=AlertSeverity.SEVERE if kind else AlertSeverity.WARNING,
            message=notice["body"],
            dedupe_key=f"hq.notice:{notice['id']}",
        )
        # Raised at once (no deadline to wait for): an active alert of its own condition,
        # acknowledged by the duty manager like any other.
        alert.fired_at, alert.fired_by = now, "sync"
        alert.state = AlertState.ACTIVE
        session.add(alert)
        session.add(
            HqNotice(
                id=notice["id"],
                posted_at=notice["posted_at"],
                posted_by=notice["posted_by"],
                emergency_kind=kind,
                body=notice["body"],
                received_at=now,
                alert_id=alert.id,
            )
        )
        journal.append(
            session,
            at=now,
            actor=floor.actor.name,
            terminal=floor.actor.terminal,
            action="hq.notice.receive",
            subject=notice["id"],
            after={"posted_by": notice["posted_by"], "emergency_kind": kind},
        )
        if kind:  # the unified wording becomes the wording of this kind's running ones
            for emergency in session.scalars(
                select(Emergency).where(
                    col(Emergency.kind) == kind, col(Emergency.status) == EmergencyStatus.RUNNING
                )
            ):
                if emergency.wording != notice["body"]:
                    apply_wording(
                        session, floor, emergency, notice["body"], by=f"HQ {notice['posted_by']}"
                    )
    return True


def exchange(floor: Floor, engine: Engine, site: str) -> tuple[int, int]:
    """Take new notices down and send acknowledgements up: (received, acknowledged)."""
    acked_here = (
        select(central.notice_ack.c.notice_id)
        .where(central.notice_ack.c.notice_id == central.hq_notice.c.id)
        .where(central.notice_ack.c.site == site)
    )
    with engine.connect() as conn:
        waiting = list(
            conn.execute(select(central.hq_notice).where(~exists(acked_here))).mappings()
        )
    with floor.db.read() as session:
        known = set(
            session.execute(
                select(col(HqNotice.id)).where(col(HqNotice.id).in_([n["id"] for n in waiting]))
            ).scalars()
        )
    fresh = [dict(n) for n in waiting if n["id"] not in known]
    received = sum(_receive(floor, notice) for notice in fresh)
    with floor.db.read() as session:
        to_send = session.execute(
            select(col(HqNotice.id), col(Alert.acknowledged_at), col(Alert.acknowledged_by))
            .join(Alert, col(Alert.id) == col(HqNotice.alert_id))
            .where(col(HqNotice.ack_sent_at).is_(None), col(Alert.acknowledged_at).is_not(None))
        ).all()
    if to_send:
        rows = [
            {"notice_id": n, "site": site, "acknowledged_at": at, "acknowledged_by": by}
            for n, at, by in to_send
        ]
        with engine.begin() as conn:
            conn.execute(pg_insert(central.notice_ack).values(rows).on_conflict_do_nothing())
        now = floor.clock.now()
        with floor.db.write() as session:
            for notice_id, _at, _by in to_send:
                row = session.get(HqNotice, notice_id)
                if row is not None:
                    row.ack_sent_at = now
                    session.add(row)
    return received, len(to_send)
