"""The member map: Asterisk member interfaces to floor seats and staff numbers (`--map`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from floorman.domain.core.csv_rows import read_rows
from floorman.domain.core.errors import FloorError
from floorman.domain.core.text import clean, identifier
from floorman.translated import Said


@dataclass(frozen=True)
class MemberSeat:
    """Where a PBX member interface sits, and who it is (a staff number)."""

    seat: str
    staff_no: str | None


def interface_extension(interface: str) -> str:
    """'PJSIP/1001' -> '1001'; 'Local/1001@agents/n' -> '1001'; 'Agent/1001' -> '1001'."""
    rest = interface.split("/", 1)[1] if "/" in interface else interface
    return rest.split("@", 1)[0].split("/", 1)[0].strip()


class InterfaceMap:
    """Asterisk member interfaces (or member names) to floor seats and staff numbers."""

    def __init__(self, entries: dict[str, MemberSeat] | None = None) -> None:
        self.entries = dict(entries or {})
        self._folded = {key.casefold(): value for key, value in self.entries.items()}

    def __len__(self) -> int:
        return len(self.entries)

    def lookup(self, interface: str) -> MemberSeat | None:
        found = self.entries.get(interface) or self._folded.get(interface.casefold())
        if found is None and interface.lower().startswith("local/") and "/n" in interface:
            # Local channels are sometimes logged with the '/n' (no-optimise) suffix.
            found = self.lookup(interface.rsplit("/", 1)[0])
        return found


def load_interface_map(path: Path) -> InterfaceMap:
    """Read a map CSV with columns interface,seat,staff_no (staff_no may be empty)."""
    entries: dict[str, MemberSeat] = {}
    for line, row in read_rows(path, ("interface", "seat")):
        where = Said("{path}: line {line}", path=path, line=line)
        try:
            interface = clean(row.get("interface"), "interface", required=True, max_len=200)
            seat = identifier(row.get("seat"), "seat")
            staff_no = identifier(row.get("staff_no"), "staff_no", required=False)
        except FloorError as exc:
            raise FloorError("{where}: {exc}", where=where, exc=exc) from exc
        assert interface is not None and seat is not None
        if interface in entries:
            raise FloorError(
                "{where}: interface '{interface}' appears twice",
                where=where,
                interface=interface,
            )
        entries[interface] = MemberSeat(seat.upper(), staff_no)
    return InterfaceMap(entries)
