"""Seats never import away: the away rules follow seat changes by registering (issue 13).

A seat change with nothing registered must be refused loudly: skipping the away rules
would let slips and seats disagree without a word.
"""

from __future__ import annotations

import subprocess
import sys

import grimp

from floorman.domain.away.follow import AWAY_RULES
from floorman.domain.seats.follow import seat_followers


def test_seats_import_nothing_of_away() -> None:
    graph = grimp.build_graph("floorman")
    chains = graph.find_shortest_chains(
        importer="floorman.domain.seats", imported="floorman.domain.away", as_packages=True
    )
    assert chains == set()


def test_the_away_rules_are_the_registered_follower() -> None:
    assert seat_followers() == (AWAY_RULES,)


def test_a_seat_change_with_no_follower_is_refused_loudly() -> None:
    # A fresh interpreter that imports the seats alone (as a careless entry point would).
    script = (
        "from floorman.domain.seats.follow import seat_followers\n"
        "try:\n"
        "    seat_followers()\n"
        "except RuntimeError as exc:\n"
        "    print('refused:', exc)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("refused: no rules follow seat changes")


def test_the_event_command_registers_the_away_rules(tmp_path) -> None:
    """`floorman event` opens a slip for an away with none: the rules ran."""
    db = tmp_path / "floor.db"
    seats = tmp_path / "seats.csv"
    seats.write_text("seat,zone,type,row,col\nA-01,A,general,0,0\n", encoding="utf-8")
    agents = tmp_path / "agents.csv"
    agents.write_text("staff_no,name,team\n1001,Li Na,T1\n", encoding="utf-8")

    def floorman(*args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "floorman", "--db", str(db), *args],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    floorman("init")
    floorman("seats", "import", str(seats))
    floorman("agents", "import", str(agents))
    floorman("event", "A-01", "away", "--agent", "1001", "--reason", "water")
    assert '"approval": "unapproved"' in floorman("away", "list", "--open", "--json")
