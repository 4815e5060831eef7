"""The demo floor: a realistic centre of 124 seats in five zones, and agents that move.

`floorman demo` and `floorman init --demo` build it; the simulator then changes a few
seats every couple of seconds, including aways that run past five minutes, so a new
user sees a living floor at once. Every change goes through `apply_event`, like a real
phone system's would.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import select

from floorman.data import journal
from floorman.data.tables.floor import Agent, Seat, Zone
from floorman.domain.away import follow  # noqa: F401  (the away rules follow the seats)
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.core.states import SeatEventKind, SeatState
from floorman.domain.operators import permissions
from floorman.domain.seats.events import apply_event
from floorman.i18n import language, t

# (zone code, zone name, seat type, rows, columns)
DEMO_ZONES: tuple[tuple[str, str, str, int, int], ...] = (
    ("A", "综合业务 General", "general", 5, 8),
    ("B", "用户业务 User", "user", 5, 8),
    ("C", "VIP专席 VIP", "vip", 2, 8),
    ("D", "增值业务 Value-added", "value_added", 2, 8),
    ("E", "综合处理/质检 Escalations & QA", "escalation", 2, 6),
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = (
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "华",
    "慧",
)
AWAY_REASONS = ("toilet", "water", "coaching", "technical", "other")


def build_demo_floor(floor: Floor, *, seed: int = 7, staffed_share: float = 0.88) -> int:
    """Create the demo zones, seats and agents, and seat most agents; return the seat count."""
    rng = random.Random(seed)
    now = floor.clock.now()
    start = now - timedelta(minutes=40)
    with floor.db.write() as session:
        permissions.require(floor, "seat.import", session=session)  # seats, like an import
        if session.exec(select(Seat.id)).first() is not None:
            raise FloorError(
                "{path} already has seats; the demo needs an empty floor",
                path=floor.db.path,
            )
        seat_codes: list[str] = []
        for order, (code, name, seat_type, rows, cols) in enumerate(DEMO_ZONES):
            # A Chinese floor names its zones in Chinese only (the name's first word).
            shown = name.split(' ')[0] if language() == 'zh' else name
            zone = Zone(code=code, name=shown, sort_order=order)
            session.add(zone)
            session.flush()
            for r in range(rows):
                for c in range(cols):
                    seat_code = f"{code}-{r * cols + c + 1:02d}"
                    if code == "E" and r == 1:
                        seat_type = "quality"
                    session.add(
                        Seat(
                            code=seat_code,
                            zone_id=zone.id,
                            seat_type=seat_type,
                            row=r,
                            col=c,
                            since=start,
                        )
                    )
                    seat_codes.append(seat_code)
        staff_count = int(len(seat_codes) * staffed_share)
        agents = []
        for n in range(staff_count):
            name = rng.choice(SURNAMES) + rng.choice(GIVEN)
            agent = Agent(staff_no=f"{1001 + n}", name=name, team=f"T{n // 12 + 1}")
            session.add(agent)
            agents.append(agent)
        journal.append(
            session,
            at=now,
            actor=floor.actor.name,
            terminal=floor.actor.terminal,
            action="demo.build",
            subject=str(floor.db.path),
            after={"seats": len(seat_codes), "agents": staff_count},
        )
        session.flush()
        seated = rng.sample(seat_codes, staff_count)
        for agent, seat_code in zip(agents, seated, strict=True):
            apply_event(
                session, floor, seat_code, "ready", agent_no=agent.staff_no, at=start, source="demo"
            )
        busy = rng.sample(seated, len(seated) // 2)
        for seat_code in busy:
            apply_event(
                session,
                floor,
                seat_code,
                "busy",
                at=now - timedelta(seconds=rng.randint(5, 400)),
                source="demo",
            )
        # A few agents already away, two of them past the five-minute limit.
        ready = sorted(set(seated) - set(busy))
        for seconds, seat_code in zip(
            (40, 130, 250, 290, 330, 420), rng.sample(ready, 6), strict=True
        ):
            apply_event(
                session,
                floor,
                seat_code,
                "away",
                reason=rng.choice(AWAY_REASONS),
                at=now - timedelta(seconds=seconds),
                source="demo",
            )
        empty = sorted(set(seat_codes) - set(seated))
        for seat_code in empty[:2]:
            fault = t("terminal fault")
            apply_event(session, floor, seat_code, "fault", reason=fault, at=start, source="demo")
    return len(seat_codes)


@dataclass
class DemoSimulator:
    """Moves demo agents between states the way a busy floor does.

    Aways draw a planned length; about one in four runs past five minutes, so the
    away alerts have something to show.
    """

    floor: Floor
    rng: random.Random = field(default_factory=lambda: random.Random(11))
    planned_back: dict[str, datetime] = field(default_factory=dict)

    def step(self, changes: int = 5) -> int:
        """Apply a few plausible state changes now; return how many were applied.

        Most aways go the way the manual wants (the duty manager lets the agent go: an
        approved slip); some agents simply leave (an unapproved slip), and now and then
        one asks and waits for approval on the away panel.
        """
        now = self.floor.clock.now()
        applied = 0
        approved_aways: list[tuple[str, str, str]] = []
        requests: list[tuple[str, str]] = []
        with self.floor.db.write() as session:
            seats = session.exec(
                select(Seat.code, Seat.state, Agent.staff_no).outerjoin(
                    Agent, Seat.agent_id == Agent.id  # type: ignore[arg-type]
                )
            ).all()
            away_due = [code for code, when in self.planned_back.items() if when <= now]
            for seat_code in away_due:
                self.planned_back.pop(seat_code, None)
                applied += self._try(session, seat_code, SeatEventKind.BACK, now)
            for code, state, _agent in seats:
                if state == SeatState.AWAY and code not in self.planned_back:
                    self.planned_back[code] = now + timedelta(seconds=self.rng.randint(20, 150))
            staffed = [(c, st, a) for c, st, a in seats if a and st != SeatState.FAULT]
            for code, state, staff_no in self.rng.sample(staffed, min(changes, len(staffed))):
                roll = self.rng.random()
                if state == SeatState.READY:
                    if roll < 0.2 and code not in self.planned_back:
                        reason = self.rng.choice(AWAY_REASONS)
                        kind = self.rng.random()
                        if kind < 0.6:
                            approved_aways.append((code, staff_no, reason))
                        elif kind < 0.75:
                            requests.append((staff_no, reason))
                        elif self._try(session, code, SeatEventKind.AWAY, now, reason=reason):
                            self._plan_back(code, now)
                            applied += 1
                    elif roll < 0.75:
                        applied += self._try(session, code, SeatEventKind.BUSY, now)
                elif state == SeatState.BUSY and roll < 0.45:
                    applied += self._try(session, code, SeatEventKind.READY, now)
        # Slips are their own transactions: after the one above has committed.
        from floorman.domain.away import actions

        for code, staff_no, reason in approved_aways:
            try:
                actions.send_away(self.floor, staff_no, reason, seat_code=code)
            except FloorError:
                continue
            self._plan_back(code, now)
            applied += 1
        for staff_no, reason in requests:
            try:
                actions.request(self.floor, staff_no, reason)
            except FloorError:
                continue
            applied += 1
        return applied

    def _plan_back(self, seat_code: str, now: datetime) -> None:
        length = self.rng.choice((90, 150, 200, 250, 280, 330, 420))
        self.planned_back[seat_code] = now + timedelta(seconds=length)

    def _try(
        self, session, seat_code: str, event: str, at: datetime, reason: str | None = None
    ) -> int:  # type: ignore[no-untyped-def]
        try:
            with session.begin_nested():
                apply_event(
                    session, self.floor, seat_code, event, at=at, reason=reason, source="demo"
                )
        except FloorError:
            return 0
        return 1
