"""The away log (how often, how long, how many overruns, per agent) and the CSV export."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from floorman.domain.away.views import SlipView
from floorman.domain.core.files import write_csv
from floorman.domain.core.states import SlipApproval

# Absences taken without approval, excused afterwards or not.
UNAPPROVED_ABSENCES = (
    SlipApproval.UNAPPROVED,
    SlipApproval.APPROVED_AFTER,
    SlipApproval.VIOLATION,
)


@dataclass
class AgentLog:
    """One agent's line in the away log: how often, how long, how many overruns."""

    agent: str
    agent_name: str
    count: int = 0
    total_seconds: int = 0
    overruns: int = 0
    unapproved: int = 0
    violations: int = 0

    @property
    def total_minutes(self) -> float:
        return round(self.total_seconds / 60, 1)

    def as_json(self) -> dict[str, object]:
        return {
            "agent": self.agent,
            "agent_name": self.agent_name,
            "count": self.count,
            "total_minutes": self.total_minutes,
            "overruns": self.overruns,
            "unapproved": self.unapproved,
            "violations": self.violations,
        }


def away_log(views: Iterable[SlipView]) -> list[AgentLog]:
    """Summarise slips that went out by agent; unapproved counts every absence taken
    without approval, excused or not."""
    by_agent: dict[str, AgentLog] = {}
    for view in views:
        if view.left_at is None:
            continue
        line = by_agent.setdefault(view.agent, AgentLog(view.agent, view.agent_name))
        line.count += 1
        line.total_seconds += view.elapsed_seconds
        line.overruns += view.over_seconds > 0
        line.unapproved += view.approval in UNAPPROVED_ABSENCES
        line.violations += view.approval == SlipApproval.VIOLATION
    return sorted(by_agent.values(), key=lambda a: a.agent)


CSV_COLUMNS = (
    "id",
    "seat",
    "agent",
    "agent_name",
    "reason",
    "note",
    "status",
    "approval",
    "approved_by",
    "decision_note",
    "requested_at",
    "left_at",
    "returned_at",
    "limit_seconds",
    "extension_seconds",
    "extension_reason",
    "elapsed_seconds",
    "over_seconds",
)


def export_csv(views: Iterable[SlipView], path: Path, *, force: bool = False) -> int:
    """Write the away slips to a new CSV file (`files.write_csv`); rows written."""
    rows = ([view.as_json()[c] for c in CSV_COLUMNS] for view in views)
    return write_csv(path, CSV_COLUMNS, rows, force=force)
