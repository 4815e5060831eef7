"""The seats and agents as one batch's transaction sees them, in memory (seats/batch.py)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from floorman.domain.seats.bulk import driver, read_time


@dataclass
class SeatRow:
    """One seat as the batch holds it."""

    id: str
    code: str
    state: str
    agent_id: str | None
    reason: str | None
    since: datetime


class FloorMemory:
    """The seats and agents as this transaction sees them, kept up to date as it writes."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.seats: dict[str, SeatRow] = {}
        self.seat_of: dict[str, str] = {}  # agent id -> the code of the seat they sit at
        self._load(None)
        rows = driver(session).execute("SELECT id, staff_no, name FROM agent").fetchall()
        self.agent_id = {staff_no: agent_id for agent_id, staff_no, _ in rows}
        self.staff_no: dict[str | None, str | None] = {
            agent_id: staff_no for agent_id, staff_no, _ in rows
        }
        self.name = {agent_id: name for agent_id, _, name in rows}

    def _load(self, codes: list[str] | None) -> None:
        query = "SELECT id, code, state, agent_id, reason, since FROM seat"
        if codes is not None:
            query += f" WHERE code IN ({', '.join('?' for _ in codes)})"
            for code in codes:
                old = self.seats.pop(code, None)
                if old is not None and old.agent_id and self.seat_of.get(old.agent_id) == code:
                    del self.seat_of[old.agent_id]
        for seat_id, code, state, agent_id, reason, since in driver(self.session).execute(
            query, codes or ()
        ):
            self.seats[code] = SeatRow(seat_id, code, state, agent_id, reason, read_time(since))
            if agent_id is not None:
                self.seat_of[agent_id] = code

    def reload(self, codes: Iterable[str | None]) -> None:
        """Read these seats again (the one-by-one path changed them)."""
        wanted = sorted({c for c in codes if c})
        if wanted:
            self._load(wanted)

    def seat_agent(self, seat: SeatRow, agent_id: str | None) -> None:
        """`agent_id` now sits at `seat` (or no one, for None)."""
        if seat.agent_id is not None and self.seat_of.get(seat.agent_id) == seat.code:
            del self.seat_of[seat.agent_id]
        seat.agent_id = agent_id
        if agent_id is not None:
            self.seat_of[agent_id] = seat.code
