"""Importing the floor: seats and agents from CSV files, all or nothing."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from floorman.data import journal
from floorman.data.tables.floor import SEAT_TYPES, Agent, Seat, Zone
from floorman.domain.core import bounds
from floorman.domain.core.context import Floor
from floorman.domain.core.csv_rows import read_rows
from floorman.domain.core.errors import FloorError
from floorman.domain.core.text import clean, identifier
from floorman.domain.operators import permissions

SEAT_COLUMNS = ("seat", "zone", "type", "row", "col")
AGENT_COLUMNS = ("staff_no", "name", "team")


def import_seats(floor: Floor, path: Path) -> int:
    """Add or update seats from CSV (seat,zone,type,row,col[,zone_name]); all or nothing."""
    rows = read_rows(path, SEAT_COLUMNS)
    now = floor.clock.now()
    parsed = []
    seen: set[str] = set()
    for line, row in rows:
        try:
            code = (identifier(row["seat"], "seat") or "").upper()
            zone = (identifier(row["zone"], "zone") or "").upper()
            seat_type = row["type"].lower() or "general"
            if seat_type not in SEAT_TYPES:
                raise FloorError(
                    "unknown seat type '{type}'; one of: {items}",
                    type=row['type'],
                    items=', '.join(SEAT_TYPES),
                )
            r = bounds.whole_number(row["row"], "row", high=bounds.GRID_MAX)
            c = bounds.whole_number(row["col"], "col", high=bounds.GRID_MAX)
            if code in seen:
                raise FloorError("seat '{code}' appears twice", code=code)
            seen.add(code)
            zone_name = clean(row.get("zone_name"), "zone_name", max_len=60) or zone
        except FloorError as exc:
            raise FloorError("{path}: line {line}: {exc}", path=path, line=line, exc=exc) from exc
        parsed.append((code, zone, zone_name, seat_type, r, c))
    if not parsed:
        raise FloorError("{path}: no seats in the file", path=path)
    with floor.db.write() as session:
        permissions.require(floor, "seat.import", session=session)
        zones = {z.code: z for z in session.exec(select(Zone)).all()}
        for code, zone_code, zone_name, seat_type, r, c in parsed:
            seat_zone = zones.get(zone_code)
            if seat_zone is None:
                seat_zone = Zone(code=zone_code, name=zone_name, sort_order=len(zones))
                zones[zone_code] = seat_zone
                session.add(seat_zone)
                session.flush()
            seat = session.exec(select(Seat).where(Seat.code == code)).first()
            before = None
            if seat is None:
                seat = Seat(code=code, zone_id=seat_zone.id, since=now)
            else:
                before = {
                    "zone": seat.zone_id,
                    "type": seat.seat_type,
                    "row": seat.row,
                    "col": seat.col,
                }
            seat.zone_id, seat.seat_type, seat.row, seat.col = seat_zone.id, seat_type, r, c
            session.add(seat)
            journal.append(
                session,
                at=now,
                actor=floor.actor.name,
                terminal=floor.actor.terminal,
                action="seat.import",
                subject=code,
                before=before,
                after={"zone": zone_code, "type": seat_type, "row": r, "col": c},
            )
    return len(parsed)


def import_agents(floor: Floor, path: Path) -> int:
    """Add or update agents from CSV (staff_no,name,team); all or nothing."""
    rows = read_rows(path, AGENT_COLUMNS[:2])
    now = floor.clock.now()
    parsed = []
    seen: set[str] = set()
    for line, row in rows:
        try:
            staff_no = identifier(row["staff_no"], "staff_no") or ""
            name = clean(row["name"], "name", required=True, max_len=60) or ""
            team = clean(row.get("team", ""), "team", max_len=60) or ""
            if staff_no in seen:
                raise FloorError("staff number '{staff_no}' appears twice", staff_no=staff_no)
            seen.add(staff_no)
        except FloorError as exc:
            raise FloorError("{path}: line {line}: {exc}", path=path, line=line, exc=exc) from exc
        parsed.append((staff_no, name, team))
    if not parsed:
        raise FloorError("{path}: no agents in the file", path=path)
    with floor.db.write() as session:
        permissions.require(floor, "agent.import", session=session)
        for staff_no, name, team in parsed:
            agent = session.exec(select(Agent).where(Agent.staff_no == staff_no)).first()
            before = {"name": agent.name, "team": agent.team} if agent else None
            agent = agent or Agent(staff_no=staff_no, name=name)
            agent.name, agent.team = name, team
            session.add(agent)
            journal.append(
                session,
                at=now,
                actor=floor.actor.name,
                terminal=floor.actor.terminal,
                action="agent.import",
                subject=staff_no,
                before=before,
                after={"name": name, "team": team},
            )
    return len(parsed)
