"""Every privileged function, called as every role below the ones allowed: refused, unwritten.

Issue 4, point 3: each entry of `PERMISSIONS` is performed here by the real
domain function (or the CLI command, when the check lives in the command) on a prepared,
closed floor (operators exist). For every role the table does not allow, for an actor who
is not logged in and for a feed, the call must raise PermissionDenied and leave the
database exactly as it was: the journal count and a dump of every table are compared.
The allowed roles are exercised by the panels' own tests; here one allowed role is called
on a fresh copy of the action as a control, so a refusal is never an accident of set-up.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from floorman.clock import FakeClock
from floorman.config import Config
from floorman.data import schema
from floorman.data.db import Database, sqlite_module
from floorman.domain import alerts, audit
from floorman.domain.attendance.leave import decide_leave, request_leave
from floorman.domain.attendance.roster import mark
from floorman.domain.away import actions as away_actions
from floorman.domain.away import views as away_views
from floorman.domain.core.context import Actor, Floor
from floorman.domain.core.errors import FloorError, PermissionDenied
from floorman.domain.emergency import headcount, lifecycle
from floorman.domain.operators.management import add_operator, disable_operator
from floorman.domain.operators.permissions import PERMISSIONS, UNAUTHENTICATED_ACTIONS
from floorman.domain.operators.pins import use_hasher
from floorman.domain.operators.roles import ROLE_RANK, ROLES
from floorman.domain.roll_call import book as roll_call_book
from floorman.domain.seats import events as seat_events
from floorman.domain.seats import importing as seat_importing
from floorman.domain.staffing.plan import set_plan
from floorman.domain.visitors import decisions, lists, presence, registration, retention
from tests.helpers import cheap_pin_hasher

START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
PIN = {role: str(1000 + 1111 * i) for i, role in enumerate(ROLES)}  # 1000, 2111, ...
TERMINAL = "test:matrix"

# Actions no single privileged function performs yet, each with the reason; the test
# below fails when PERMISSIONS gains an action that is in neither table.
NOT_IN_MATRIX: dict[str, str] = {
    "floor.view": "every role may view; only a not-logged-in actor is below it (no function)",
    "operators.list": "every role may list; the check is in `operators list` (CLI tests)",
    "handover.write": "needs a shift handover set up: covered by the handover tests",
    "handover.acknowledge": "needs a submitted handover: covered by the handover tests",
    "handover.amend": "needs an acknowledged handover: covered by the handover tests",
    "feed.manage": "no function checks it yet (feeds run as a source without login)",
    "personal.read": "a read, not a function: every command showing personal data is "
    "in PERSONAL_READS below, run by a viewer and by someone not logged in",
}


@dataclass
class Prepared:
    """The floor as set up before operators existed, with the ids the calls need."""

    floor: Floor
    tmp: Path
    ids: dict[str, str] = field(default_factory=dict)

    def acting(self, actor: Actor) -> Floor:
        return replace(self.floor, actor=actor)


def _csv(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def _prepare(tmp: Path) -> Prepared:
    """An open floor (no login) with one thing of each kind waiting for a decision."""
    db = Database(tmp / "floor.db")
    schema.migrate(db)
    floor = Floor(
        db=db,
        clock=FakeClock(START),
        config=Config(timezone="UTC"),
        actor=Actor("setup", TERMINAL),
    )
    ready = Prepared(floor, tmp)
    ids = ready.ids
    seat_importing.import_seats(
        floor,
        _csv(
            tmp,
            "seats.csv",
            "seat,zone,type,row,col\nA-01,A,general,0,0\nA-02,A,general,0,1\n"
            "A-03,A,general,0,2\nB-01,B,general,1,0\nB-02,B,general,1,1\n",
        ),
    )
    seat_importing.import_agents(
        floor,
        _csv(tmp, "agents.csv", "staff_no,name,team\n1001,A\n1002,B\n1003,C\n1004,D\n1005,E\n"),
    )
    for code, agent in (("A-01", "1001"), ("A-02", "1002"), ("A-03", "1003"), ("B-01", "1004")):
        seat_events.record_event(floor, code, "ready", agent_no=agent)
    # away slips: requested, approved, out (approved) and out without approval
    ids["slip_requested"] = away_actions.request(floor, "1001", "toilet").id
    ids["slip_approved"] = away_actions.approve(
        floor, away_actions.request(floor, "1002", "water").id
    ).id
    ids["slip_out"] = away_actions.send_away(floor, "1003", "coaching").id
    seat_events.record_event(floor, "B-01", "away", agent_no="1004", reason="toilet")
    unapproved = [s for s in away_views.list_slips(floor, open_only=True) if s.agent == "1004"]
    ids["slip_unapproved"] = unapproved[0].id
    # visitors: pending internal and external, approved, on the floor; a list entry
    internal = registration.Registration(
        name="Zhang Wei",
        organisation="Billing",
        category="internal",
        purpose="audit",
        host="Li Na",
    )
    external = registration.Registration(
        name="John Smith",
        organisation="Acme",
        category="external",
        purpose="sales",
        host="Li Na",
        escort="Wang Fang",
    )
    ids["visitor_internal"] = registration.register(floor, internal).id
    ids["visitor_external"] = registration.register(floor, external).id
    approved = registration.register(floor, replace(internal, name="Chen Jie"))
    ids["visitor_approved"] = decisions.approve(floor, approved.id).id
    on_floor = registration.register(floor, replace(internal, name="Wu Lei"))
    decisions.approve(floor, on_floor.id)
    ids["visitor_on_floor"] = presence.check_in(floor, on_floor.id).id
    ids["list_entry"] = lists.add_list_entry(floor, "watch", organisation="Rival").id
    ids["roll_call"] = roll_call_book.start_roll_call(floor, "fire drill").id
    # an emergency with its roll call, leaves of 1, 3 and 7 days, a fired alert
    ids["emergency"] = lifecycle.start(floor, "fire", drill=True).id
    for days in (1, 3, 7):
        ids[f"leave_{days}"] = request_leave(floor, "1005", "2026-12-01", days, "x").id
    with floor.db.write() as session:
        alerts.schedule(
            session, floor, kind="test.alert", subject="A-01", due_at=START, message="test"
        )
    (fired,) = alerts.fire_due(floor)
    ids["alert"] = fired.id
    # close the floor: one operator per role
    add_operator(floor, "director", "director", PIN["director"])
    floor.actor = Actor("director", TERMINAL, role="director")
    for role in ROLES:
        if role != "director":
            add_operator(floor, role, role, PIN[role])
    return ready


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Prepared]:
    use_hasher(cheap_pin_hasher())
    ready = _prepare(tmp_path_factory.mktemp("matrix"))
    yield ready
    ready.floor.db.dispose()
    use_hasher(None)


Call = Callable[[Floor, Prepared], object]


# action -> the call that performs it (the floor passed in carries the actor under test)
CALLS: dict[str, Call] = {
    "journal.read": lambda f, p: audit.read_journal(f),
    "seat.event": lambda f, p: seat_events.record_event(f, "B-02", "ready", agent_no="1005"),
    "seat.import": lambda f, p: seat_importing.import_seats(f, p.tmp / "seats.csv"),
    "agent.import": lambda f, p: seat_importing.import_agents(f, p.tmp / "agents.csv"),
    "alert.acknowledge": lambda f, p: alerts.acknowledge(f, p.ids["alert"]),
    "away.request": lambda f, p: away_actions.request(f, "1005", "toilet", seat_code="B-02"),
    "away.approve": lambda f, p: away_actions.approve(f, p.ids["slip_requested"]),
    "away.end": lambda f, p: away_actions.back(f, p.ids["slip_out"]),
    "visitor.register": lambda f, p: registration.register(
        f,
        registration.Registration(
            name="New One", organisation="HR", category="internal", purpose="p", host="h"
        ),
    ),
    "visitor.approve_internal": lambda f, p: decisions.approve(f, p.ids["visitor_internal"]),
    "visitor.approve_external": lambda f, p: decisions.approve(f, p.ids["visitor_external"]),
    "visitor.check_in": lambda f, p: presence.check_in(f, p.ids["visitor_approved"]),
    "visitor.check_out": lambda f, p: presence.check_out(f, p.ids["visitor_on_floor"]),
    "visitor.lists": lambda f, p: lists.add_list_entry(f, "block", organisation="Evil"),
    "roll_call": lambda f, p: roll_call_book.start_roll_call(f, "again"),
    "visitor.purge": lambda f, p: retention.purge_expired(_years_later(f)),
    "emergency.start": lambda f, p: lifecycle.start(f, "theft"),
    "emergency.step": lambda f, p: lifecycle.step_action(f, p.ids["emergency"], 1, "done"),
    "emergency.close": lambda f, p: lifecycle.close(f, p.ids["emergency"]),
    "attendance.record": lambda f, p: request_leave(f, "1004", "2026-12-02", 1, "x"),
    "leave.approve_1_day": lambda f, p: decide_leave(f, p.ids["leave_1"], True),
    "leave.approve_3_days": lambda f, p: decide_leave(f, p.ids["leave_3"], True),
    "leave.approve_7_days": lambda f, p: decide_leave(f, p.ids["leave_7"], True),
    "staffing.plan": lambda f, p: set_plan(f, busy_hour_calls=120.0),
    "operators.manage": lambda f, p: add_operator(f, "newcomer", "viewer", "97531"),
}

# More calls for the same action: every public function that performs it is refused too.
MORE_CALLS: list[tuple[str, str, Call]] = [
    (
        "away.request",
        "send_away",
        lambda f, p: away_actions.send_away(f, "1005", "water", seat_code="B-02"),
    ),
    ("away.request", "start", lambda f, p: away_actions.start(f, p.ids["slip_approved"])),
    ("away.request", "cancel", lambda f, p: away_actions.cancel(f, p.ids["slip_requested"])),
    ("away.approve", "reject", lambda f, p: away_actions.reject(f, p.ids["slip_requested"], "no")),
    ("away.approve", "excuse", lambda f, p: away_actions.excuse(f, p.ids["slip_unapproved"], "ok")),
    (
        "away.approve",
        "violation",
        lambda f, p: away_actions.record_violation(f, p.ids["slip_unapproved"]),
    ),
    (
        "away.approve",
        "extend",
        lambda f, p: away_actions.extend(f, p.ids["slip_out"], 120, "long queue"),
    ),
    (
        "visitor.approve_internal",
        "reject",
        lambda f, p: decisions.reject(f, p.ids["visitor_external"], "no appointment"),
    ),
    ("visitor.lists", "remove", lambda f, p: lists.remove_list_entry(f, p.ids["list_entry"])),
    ("roll_call", "mark_safe", lambda f, p: roll_call_book.mark_safe(f, [1], p.ids["roll_call"])),
    ("roll_call", "close", lambda f, p: roll_call_book.close_roll_call(f, p.ids["roll_call"])),
    (
        "emergency.step",
        "set_wording",
        lambda f, p: lifecycle.set_wording(f, p.ids["emergency"], "All safe"),
    ),
    (
        "roll_call",
        "emergency_mark_safe",
        lambda f, p: headcount.mark_safe(f, p.ids["emergency"], "1"),
    ),
    (
        "roll_call",
        "add_to_roll_call",
        lambda f, p: headcount.add_to_roll_call(f, p.ids["emergency"], "Courier"),
    ),
    ("attendance.record", "mark", lambda f, p: mark(f, "1001", "sign_in", START)),
    ("operators.manage", "disable", lambda f, p: disable_operator(f, "viewer")),
]

# Actions checked in their CLI command (the domain function has no floor to check).
CLI_CALLS: dict[str, list[str]] = {
    "visitor.export": ["visitors", "export", "--csv", "{tmp}/export.csv"],
    "backup.run": ["backup", "--to", "{tmp}/backup.db"],
    "backup.restore": ["restore", "{tmp}/missing-backup.db"],
}


def _years_later(floor: Floor) -> Floor:
    """The same actor two years on, when every visit is past its retention."""
    clock = FakeClock(START)
    clock.advance(2 * 365 * 86400)
    return replace(floor, clock=clock)


def _refused_actors(action: str) -> list[Actor]:
    """Every role below the lowest allowed one, a viewer, nobody logged in, and a feed."""
    allowed = PERMISSIONS[action]
    lowest = min(ROLE_RANK[r] for r in allowed)
    roles = [r for r in ROLES if ROLE_RANK[r] < lowest or r not in allowed]
    actors = [Actor(role, TERMINAL, role=role) for role in roles]
    # Someone named without a PIN is refused everything, agent states included (issue 14).
    actors.append(Actor("nobody", TERMINAL))
    if action not in UNAUTHENTICATED_ACTIONS:
        actors.append(Actor("pbx", TERMINAL, source="pbx"))
    return actors


def _state(db: Database) -> tuple[int, str]:
    """(journal rows, digest of every table): what "nothing was written" compares.

    Read with floorman's own SQLite library: two SQLite libraries in one process on one
    file drop each other's POSIX locks (the commands run in this process too)."""
    conn = sqlite_module().connect(str(db.path))
    try:
        journal_rows = conn.execute("SELECT count(*) FROM journal").fetchone()[0]
        digest = _digest(conn)
    finally:
        conn.close()
    return journal_rows, digest


def test_every_action_is_in_the_matrix_or_says_why_not() -> None:
    covered = set(CALLS) | set(CLI_CALLS) | set(NOT_IN_MATRIX)
    assert covered == set(PERMISSIONS)
    assert not set(CALLS) & set(NOT_IN_MATRIX)
    assert {action for action, _, _ in MORE_CALLS} <= set(CALLS)


def test_a_viewer_is_refused_an_agent_state_a_phone_system_may_send(prepared: Prepared) -> None:
    # "seat.event" is open to phone systems and scripts (a source), not to a viewer at a
    # screen, nor to someone named without a PIN.
    assert _refused_actors("seat.event") == [
        Actor("viewer", TERMINAL, role="viewer"),
        Actor("nobody", TERMINAL),
    ]
    before = _state(prepared.floor.db)
    feed = prepared.acting(Actor("pbx", TERMINAL, source="pbx"))
    with pytest.raises(PermissionDenied, match="may only record agent states"):
        roll_call_book.start_roll_call(feed)
    assert _state(prepared.floor.db) == before


def _assert_refused(prepared: Prepared, action: str, call: Call) -> None:
    for actor in _refused_actors(action):
        before = _state(prepared.floor.db)
        with pytest.raises(PermissionDenied) as refused:
            call(prepared.acting(actor), prepared)
        assert _state(prepared.floor.db) == before, f"{action} as {actor} wrote something"
        message = str(refused.value)
        assert message and "\n" not in message
        if actor.role is not None:
            assert f"operator {actor.name}" in message and "may not" in message


@pytest.mark.parametrize("action", sorted(CALLS))
def test_lower_roles_are_refused(prepared: Prepared, action: str) -> None:
    _assert_refused(prepared, action, CALLS[action])


@pytest.mark.parametrize(
    ("action", "call"),
    [(a, c) for a, _, c in MORE_CALLS],
    ids=[f"{a}:{n}" for a, n, _ in MORE_CALLS],
)
def test_every_function_of_an_action_is_refused(
    prepared: Prepared, action: str, call: Call
) -> None:
    _assert_refused(prepared, action, call)


def test_the_allowed_role_gets_through(tmp_path: Path) -> None:
    """Control: on a fresh copy, the lowest allowed role passes the check of every call.

    A call may still refuse for a floor reason (FloorError that is not PermissionDenied,
    e.g. a slip already decided by an earlier call); what matters is that the permission
    check lets the allowed role by, so the refusals above come from the roles alone.
    """
    use_hasher(cheap_pin_hasher())
    try:
        ready = _prepare(tmp_path)
        calls = [(a, c) for a, c in CALLS.items()] + [(a, c) for a, _, c in MORE_CALLS]
        for action, call in calls:
            role = PERMISSIONS[action][0]
            try:
                call(ready.acting(Actor(role, TERMINAL, role=role)), ready)
            except PermissionDenied as exc:  # pragma: no cover - the failure message
                pytest.fail(f"{action} refused to {role}: {exc}")
            except FloorError:
                pass
        ready.floor.db.dispose()
    finally:
        use_hasher(None)


def _cli(db: Path, *args: str, operator: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FLOORMAN_PIN": PIN.get(operator or "", "0000")}
    login = ["--operator", operator] if operator else ["--operator", "nobody"]
    return subprocess.run(
        [sys.executable, "-m", "floorman", "--db", str(db), *login, *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize("action", sorted(CLI_CALLS))
def test_lower_roles_are_refused_at_the_command_line(prepared: Prepared, action: str) -> None:
    args = [a.replace("{tmp}", str(prepared.tmp)) for a in CLI_CALLS[action]]
    for actor in _refused_actors(action):
        if actor.source is not None:
            continue  # a feed never runs these commands
        before = _state(prepared.floor.db)
        result = _cli(prepared.floor.db.path, *args, operator=actor.role)
        assert result.returncode == 2, (actor, result.stdout, result.stderr)
        assert len(result.stderr.splitlines()) == 1, result.stderr
        assert "may not" in result.stderr or "unknown operator" in result.stderr
        assert _new_journal_actions(prepared.floor.db, before[0]) <= {"operators.login"}
        assert not (prepared.tmp / "export.csv").exists()
        assert not (prepared.tmp / "backup.db").exists()


def _new_journal_actions(db: Database, since_count: int) -> set[str]:
    """The actions of the journal rows after the first `since_count` (a login may be one)."""
    conn = sqlite_module().connect(str(db.path))
    try:
        rows = conn.execute("SELECT action FROM journal ORDER BY seq").fetchall()
    finally:
        conn.close()
    return {r[0] for r in rows[since_count:]}


# --------------------------------------------------------------------------- the commands
#
# Issue 14: every write command, run by a viewer who logged in with the right PIN, is
# refused and writes nothing but the login; every command that shows personal data is
# refused to a viewer and to someone not logged in. In-process through `floorman.cli.run`
# (the same parser, exit codes and messages as the installed command).

PERSONAL_NAMES = ("Zhang Wei", "John Smith", "Chen Jie", "Wu Lei", "Rival")

# Every command that writes, with arguments that would succeed for an allowed role.
WRITE_COMMANDS: dict[str, list[str]] = {
    "attendance roster": ["attendance", "roster", "{tmp}/roster.csv"],
    "attendance sign-in": ["attendance", "sign-in", "1001"],
    "attendance sign-out": ["attendance", "sign-out", "1001"],
    "attendance leave request": [
        "attendance", "leave", "request", "1004", "2026-12-03", "1", "--reason", "x",
    ],
    "attendance leave approve": ["attendance", "leave", "approve", "{leave_1}"],
    "attendance leave reject": ["attendance", "leave", "reject", "{leave_3}", "--note", "no"],
    "away request": ["away", "request", "1005", "--reason", "toilet", "--seat", "B-02"],
    "away approve": ["away", "approve", "{slip_requested}"],
    "away cancel": ["away", "cancel", "{slip_requested}"],
    "away start": ["away", "start", "{slip_approved}"],
    "away back": ["away", "back", "{slip_out}"],
    "away reject": ["away", "reject", "{slip_requested}", "--reason", "no"],
    "away excuse": ["away", "excuse", "{slip_unapproved}", "--reason", "ok"],
    "away violation": ["away", "violation", "{slip_unapproved}"],
    "away extend": ["away", "extend", "{slip_out}", "--minutes", "2", "--reason", "queue"],
    "backup": ["backup", "--to", "{tmp}/viewer-backup.db"],
    "restore": ["restore", "{tmp}/missing-backup.db"],
    "emergency start": ["emergency", "start", "theft"],
    "emergency step": ["emergency", "step", "{emergency}", "1", "done"],
    "emergency wording": ["emergency", "wording", "{emergency}", "All safe"],
    "emergency safe": ["emergency", "safe", "{emergency}", "1"],
    "emergency close": ["emergency", "close", "{emergency}"],
    "event": ["event", "B-02", "ready", "--agent", "1005"],
    "seats import": ["seats", "import", "{tmp}/seats.csv"],
    "agents import": ["agents", "import", "{tmp}/agents.csv"],
    "handover compose": ["handover", "compose", "--summary", "quiet"],
    "handover edit": ["handover", "edit", "--summary", "quiet"],
    "handover item add": ["handover", "item", "add", "fix the door"],
    "handover item close": ["handover", "item", "close", "1"],
    "handover submit": ["handover", "submit"],
    "handover acknowledge": ["handover", "acknowledge", "--reviewed", "all"],
    "handover amend": ["handover", "amend", "one more thing"],
    "handover remind": ["handover", "remind"],
    "operators add": ["operators", "add", "newcomer", "--role", "viewer"],
    "operators disable": ["operators", "disable", "duty_manager"],
    "operators reset-pin": ["operators", "reset-pin", "duty_manager"],
    "staffing plan": ["staffing", "plan", "--busy-hour-calls", "120"],
    "staffing plan --clear": ["staffing", "plan", "--clear"],
    "visitors register": [
        "visitors", "register", "--name", "New One", "--org", "HR", "--category",
        "internal", "--purpose", "p", "--host", "h",
    ],
    "visitors approve": ["visitors", "approve", "{visitor_internal}"],
    "visitors reject": ["visitors", "reject", "{visitor_internal}", "--reason", "no"],
    "visitors checkin": ["visitors", "checkin", "{visitor_approved}"],
    "visitors checkout": ["visitors", "checkout", "{visitor_on_floor}"],
    "visitors purge": ["visitors", "purge"],
    "visitors watch add": ["visitors", "watch", "add", "--org", "Evil"],
    "visitors watch remove": ["visitors", "watch", "remove", "{list_entry}"],
    "visitors block add": ["visitors", "block", "add", "--org", "Evil"],
    "visitors rollcall start": ["visitors", "rollcall", "start"],
    "visitors rollcall safe": ["visitors", "rollcall", "safe", "1"],
    "visitors rollcall close": ["visitors", "rollcall", "close"],
}

# Every command that shows personal data (visitors' names, phones, ids; a roll call).
PERSONAL_READS: dict[str, list[str]] = {
    "visitors list": ["visitors", "list", "--json"],
    "visitors show": ["visitors", "show", "{visitor_on_floor}", "--json"],
    "visitors export": ["visitors", "export", "--csv", "{tmp}/viewer-export.csv"],
    "visitors watch list": ["visitors", "watch", "list"],
    "visitors rollcall show": ["visitors", "rollcall", "show", "--json"],
    "emergency report --json": ["emergency", "report", "{emergency}", "--json"],
    "emergency report --markdown": ["emergency", "report", "{emergency}", "--markdown"],
    "handover show": ["handover", "show", "--json"],
}

# Commands that change nothing a person decides: they need no role (the reason given).
NOT_WRITES: dict[str, str] = {
    "feed jsonl / feed asterisk / event --source": "recorded as their source, not a person "
    "(test_impersonation.py: the feed key and the source)",
    "init": "creates or migrates the file; on an existing floor it changes no row",
    "ui / demo / serve / wallboard": "open the app or the service, which call the domain",
}


def _in_process(
    prepared: Prepared,
    argv: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *,
    operator: str,
) -> tuple[int, str, str]:
    from floorman.cli import run

    values = {**prepared.ids, "tmp": str(prepared.tmp)}
    roster = prepared.tmp / "roster.csv"
    if not roster.exists():
        _csv(prepared.tmp, roster.name, "staff_no,day,start,end\n1001,2026-11-24,08:00,16:00\n")
    args = [a.format(**values) for a in argv]
    monkeypatch.setenv("FLOORMAN_PIN", PIN.get(operator, "0000"))
    monkeypatch.setenv("FLOORMAN_NEW_PIN", "86420")
    monkeypatch.setenv("FLOORMAN_CONFIG", str(prepared.tmp / "no-config.toml"))
    capsys.readouterr()
    status = run(["--db", str(prepared.floor.db.path), "--operator", operator, *args])
    out, err = capsys.readouterr()
    return status, out, err


def _digest(conn: object, skip: tuple[str, ...] = ()) -> str:
    """A digest of every row of every table (but `skip`), and of the schema."""
    execute = conn.execute  # type: ignore[attr-defined]
    names = [
        r[0]
        for r in execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY 1")
        if r[0] not in skip
    ]
    rows = [repr(execute("SELECT type, name, sql FROM sqlite_master ORDER BY 2").fetchall())]
    rows += [f"{n}:{execute(f'SELECT * FROM {n} ORDER BY 1').fetchall()!r}" for n in names]
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


def _tables_but_logins(db: Database) -> str:
    """A digest of every table but the ones a login itself writes (operator, throttle,
    journal: compared by its actions instead)."""
    conn = sqlite_module().connect(str(db.path))
    try:
        return _digest(conn, skip=("operator", "login_throttle", "journal"))
    finally:
        conn.close()


def test_every_write_command_and_personal_read_is_listed() -> None:
    assert not set(WRITE_COMMANDS) & set(PERSONAL_READS)
    assert "visitors export" in PERSONAL_READS and "handover show" in PERSONAL_READS


@pytest.mark.parametrize("command", sorted(WRITE_COMMANDS))
def test_a_viewer_writes_nothing_from_any_command(
    prepared: Prepared,
    command: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    journal_before, tables_before = _state(prepared.floor.db)[0], _tables_but_logins(
        prepared.floor.db
    )
    status, out, err = _in_process(
        prepared, WRITE_COMMANDS[command], monkeypatch, capsys, operator="viewer"
    )
    assert status == 2, (command, out, err)
    assert len(err.splitlines()) == 1 and "viewer" in err and "may not" in err, err
    assert _tables_but_logins(prepared.floor.db) == tables_before, f"{command} wrote"
    assert _new_journal_actions(prepared.floor.db, journal_before) <= {"operators.login"}
    assert not (prepared.tmp / "viewer-backup.db").exists()


@pytest.mark.parametrize("command", sorted(PERSONAL_READS))
@pytest.mark.parametrize("operator", ["viewer", "nobody"])
def test_personal_data_is_shown_only_to_a_role_allowed_to_see_it(
    prepared: Prepared,
    command: str,
    operator: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = _in_process(
        prepared, PERSONAL_READS[command], monkeypatch, capsys, operator=operator
    )
    assert status == 2, (command, out, err)
    assert len(err.splitlines()) == 1, err
    assert ("may not see" in err) or ("unknown operator" in err), err
    assert not any(name in out + err for name in PERSONAL_NAMES)
    assert not (prepared.tmp / "viewer-export.csv").exists()


# Not the emergency report: it names visitors by id only (privacy, issue 14.6).
@pytest.mark.parametrize("command", ["visitors list", "visitors rollcall show"])
def test_a_duty_manager_sees_the_personal_data(
    prepared: Prepared,
    command: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Control: the same commands show the names to the staff who run the floor."""
    status, out, err = _in_process(
        prepared, PERSONAL_READS[command], monkeypatch, capsys, operator="duty_manager"
    )
    assert status == 0, err
    assert any(name in out for name in PERSONAL_NAMES), out


def test_emergency_show_hides_the_names_from_a_viewer_and_keeps_the_count(
    prepared: Prepared, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["emergency", "show", "{emergency}"]
    status, out, err = _in_process(prepared, argv, monkeypatch, capsys, operator="viewer")
    assert status == 0, err
    assert "names hidden" in out and not any(name in out for name in PERSONAL_NAMES)
    status, out, _ = _in_process(
        prepared, [*argv, "--json"], monkeypatch, capsys, operator="viewer"
    )
    assert status == 0 and '"roll_call": null' in out
    assert not any(name in out for name in PERSONAL_NAMES)
    status, out, _ = _in_process(prepared, argv, monkeypatch, capsys, operator="duty_manager")
    assert status == 0 and "Wu Lei" in out


def test_the_journal_hides_what_rows_changed_from_a_viewer(
    prepared: Prepared, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = _in_process(prepared, ["journal"], monkeypatch, capsys, operator="viewer")
    assert status == 0, err
    assert "visitors." in out or "visitor." in out  # the rows are there ...
    assert not any(name in out for name in PERSONAL_NAMES)  # ... without the names
    status, out, _ = _in_process(
        prepared, ["journal"], monkeypatch, capsys, operator="duty_manager"
    )
    assert status == 0 and "Rival" in out  # a watch-list entry's organisation
