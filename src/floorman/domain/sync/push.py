"""Store and forward: the site's journal and live state, sent to the central server.

The journal is the outbox: rows after the cursor are pending, sent in order in batches,
one central transaction each. The central side skips a row it already holds (same site,
seq and hash), so a batch resent after a crash or an outage adds nothing twice; the
cursor then moves to what the central server says it holds. Reads of the site database
are plain read transactions and the cursor write is tiny: the floor never waits on this.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import DBAPIError

from floorman.data import journal
from floorman.data.central import tables as central
from floorman.data.central.connection import CentralError
from floorman.data.tables.floor import JournalEntry
from floorman.data.tables.sync import SyncCursor
from floorman.domain.core.context import Floor
from floorman.domain.sync import notices
from floorman.domain.sync.snapshot import FloorSnapshot, take_snapshot
from floorman.translated import Said

BATCH_ROWS = 2000
_JOURNAL_COLUMNS = (
    "seq", "id", "at", "actor", "terminal", "action", "subject", "before", "after",
    "prev_hash", "hash",
)  # fmt: skip


class ChainRefused(CentralError):
    """The central server halted this site's journal (a gap, a break, tampering, a fork)."""


# The central server's reasons for halting a chain (floorman_receive in c001_central),
# as message ids: said in the run's language; any other text is the server's, as given.
_HALT_REASONS = (
    (re.compile(r"expected row (\d+), got row (\d+): rows are missing"),
     "expected row {expected}, got row {got}: rows are missing", ("expected", "got")),
    (re.compile(r"row (\d+) does not link to the row before it"),
     "row {seq} does not link to the row before it", ("seq",)),
    (re.compile(r"row (\d+): content does not match its hash"),
     "row {seq}: content does not match its hash", ("seq",)),
    (re.compile(r"row (\d+) differs from the one already received: the site's database "
                r"was restored or rewritten"),
     "row {seq} differs from the one already received: the site's database was restored "
     "or rewritten", ("seq",)),
)  # fmt: skip


def halt_reason(server_text: str) -> Said | str:
    """Why the central server halted a chain, said in the language it is shown in."""
    for pattern, message, names in _HALT_REASONS:
        found = pattern.fullmatch(server_text)
        if found is not None:
            return Said(message, **dict(zip(names, found.groups(), strict=True)))
    return server_text


@dataclass
class SyncResult:
    """What one pass sent and where the site stands on the central server."""

    site: str
    sent_rows: int
    central_seq: int
    pending_rows: int
    snapshot_sent: bool
    notices_received: int
    acks_sent: int
    halted_reason: str | None = None


def _cursor(floor: Floor) -> SyncCursor:
    with floor.db.read() as session:
        return session.get(SyncCursor, "central") or SyncCursor()


def _save_cursor(floor: Floor, **values: Any) -> None:
    with floor.db.write() as session:
        cursor = session.get(SyncCursor, "central") or SyncCursor()
        for key, value in values.items():
            setattr(cursor, key, value)
        session.add(cursor)


def record_failure(floor: Floor, message: str) -> None:
    """Remember why the last pass failed (shown by `sync --once` and the status line)."""
    _save_cursor(floor, last_error=message[:500], last_error_at=floor.clock.now())


def pending_count(floor: Floor) -> int:
    """Journal rows not yet confirmed by the central server."""
    sent = _cursor(floor).sent_seq
    with floor.db.read() as session:
        last = session.execute(select(func.max(JournalEntry.seq))).scalar()
    return max(0, int(last or 0) - sent)


def _rows_after(floor: Floor, after_seq: int, limit: int) -> list[dict[str, Any]]:
    table = JournalEntry.__table__  # type: ignore[attr-defined]
    query = (
        select(*(table.c[name] for name in _JOURNAL_COLUMNS))
        .where(table.c.seq > after_seq)
        .order_by(table.c.seq)
        .limit(limit)
    )
    with floor.db.read() as session:
        return [dict(row) for row in session.execute(query).mappings()]


def whoami(conn: Connection) -> str:
    """This login's site code, from the central `site` table (the role decides, not argv)."""
    site = conn.execute(text("SELECT floorman_my_site()")).scalar()
    if site is None:
        user = conn.execute(text("SELECT current_user")).scalar()
        raise CentralError("role {user} is not a site's role on the central server", user=user)
    return str(site)


def _chain(conn: Connection, site: str) -> tuple[int, str | None]:
    """The last journal row the central server holds for `site`, and why it halted."""
    last = conn.execute(
        select(func.coalesce(func.max(central.journal.c.seq), 0)).where(
            central.journal.c.site == site
        )
    ).scalar_one()
    halted = conn.execute(
        select(central.site_chain.c.halted_reason).where(central.site_chain.c.site == site)
    ).scalar()
    return int(last), halted


_RECEIVE = text(
    "SELECT last_seq, halted_reason FROM floorman_receive(:site, "
    + ", ".join(f":{name}" for name in _JOURNAL_COLUMNS)
    + ")"
)


def _register_key(conn: Connection, floor: Floor, site: str) -> None:
    """Give the central server this floor's journal key (as HMAC pads) so it can check
    signed rows; the server keeps the first one it gets and refuses any other."""
    key = journal.key_of(floor.db.path)
    if key is None:
        return
    ipad, opad = key.hmac_pads()
    conn.execute(
        text("SELECT floorman_register_key(:site, :ipad, :opad, :keyed_from)"),
        {"site": site, "ipad": ipad, "opad": opad, "keyed_from": key.keyed_from},
    )


def _send_batch(engine: Engine, site: str, rows: list[dict[str, Any]]) -> tuple[int, str | None]:
    """Send one batch as arrays in one call, which the server checks in order and keeps
    up to the first bad row; return the central chain after it."""
    columns = {name: [row[name] for row in rows] for name in _JOURNAL_COLUMNS}
    with engine.begin() as conn:
        last, halted = conn.execute(_RECEIVE, {"site": site, **columns}).one()
    return int(last), halted


def _send_snapshot(engine: Engine, site: str, snapshot: FloorSnapshot) -> None:
    values = snapshot.row(site)
    upsert = pg_insert(central.site_state).values(**values)
    upsert = upsert.on_conflict_do_update(
        index_elements=["site"], set_={**values, "synced_at": func.now()}
    )
    with engine.begin() as conn:
        conn.execute(upsert)


class SyncPass:
    """One site's link to the central server; `run_once` sends everything pending."""

    def __init__(
        self,
        floor: Floor,
        engine: Engine,
        *,
        batch_rows: int = BATCH_ROWS,
        snapshot_every_s: float = 0.0,
        heartbeat_s: float = 10.0,
    ) -> None:
        self.floor = floor
        self.engine = engine
        self.batch_rows = batch_rows
        # The journal goes up at once; the live state (a few hundred seats) at most this
        # often while it keeps changing, and at least every `heartbeat_s` (HQ's sync age).
        self.snapshot_every_s = snapshot_every_s
        self.heartbeat_s = heartbeat_s
        self.site: str | None = None
        self._key_registered = False
        self._last_digest: str | None = None
        self._last_snapshot_at: datetime | None = None
        # An idle pass every quarter second on twenty floors is most of a core: HQ's
        # notices are asked for as often as the live state goes up, and the cursor's
        # last_ok_at written when rows went, after a failure, or once a heartbeat.
        self._notices_at: datetime | None = None
        self._ok_saved_at: datetime | None = None

    def run_once(self) -> SyncResult:
        """Send pending journal rows, then the live state, then exchange notices.

        Raises CentralError when the server cannot be reached (nothing is lost: the
        rows stay pending) and ChainRefused when it halted this site's chain.
        """
        try:
            return self._run()
        except CentralError:
            self._ok_saved_at = None  # the next good pass clears the failure it recorded
            raise
        except DBAPIError as exc:
            self._ok_saved_at = None
            self.engine.dispose()  # connections from before an outage are dead
            detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise CentralError("central server unavailable: {detail}", detail=detail) from exc

    def _run(self) -> SyncResult:
        with self.engine.begin() as conn:
            site = self.site = self.site or whoami(conn)  # a role's site does not change
            if not self._key_registered:
                _register_key(conn, self.floor, site)
                self._key_registered = True
            central_seq, halted = _chain(conn, site)
        cursor = _cursor(self.floor)
        start = min(cursor.sent_seq, central_seq)
        sent = 0
        caught_up = False
        while halted is None:
            rows = _rows_after(self.floor, start, self.batch_rows)
            if not rows:
                caught_up = True
                break
            central_seq, halted = _send_batch(self.engine, site, rows)
            sent += len(rows)
            last_sent = rows[-1]["seq"]
            confirmed = min(central_seq, last_sent)
            _save_cursor(
                self.floor,
                site=site,
                sent_seq=confirmed,
                sent_hash=rows[-1]["hash"] if confirmed == last_sent else "",
                last_ok_at=self.floor.clock.now(),
                last_error=None,
            )
            start = last_sent
            if confirmed < last_sent:  # the server took only part: it halted the chain
                break
        snapshot_sent = self._maybe_snapshot(site, central_seq)
        now = self.floor.clock.now()
        received = acks = 0
        if self._due(self._notices_at, min(self.snapshot_every_s, self.heartbeat_s), now):
            received, acks = notices.exchange(self.floor, self.engine, site)
            self._notices_at = now
        if halted is None and (sent or self._due(self._ok_saved_at, self.heartbeat_s, now)):
            _save_cursor(self.floor, last_ok_at=now, last_error=None)
            self._ok_saved_at = now
        result = SyncResult(
            site=site,
            sent_rows=sent,
            central_seq=central_seq,
            # Caught up: nothing was pending when the last read found no row.
            pending_rows=0 if caught_up else pending_count(self.floor),
            snapshot_sent=snapshot_sent,
            notices_received=received,
            acks_sent=acks,
            halted_reason=halted,
        )
        if halted is not None:
            raise ChainRefused(
                "central server halted site {site}'s journal: {halted}",
                site=site,
                halted=halt_reason(halted),
            )
        return result

    @staticmethod
    def _due(last: datetime | None, every_s: float, now: datetime) -> bool:
        return last is None or (now - last).total_seconds() >= every_s

    def _maybe_snapshot(self, site: str, journal_seq: int) -> bool:
        """Send the live state when it changed, or as a heartbeat (HQ's last-sync age)."""
        now = self.floor.clock.now()
        since = (
            None
            if self._last_snapshot_at is None
            else (now - self._last_snapshot_at).total_seconds()
        )
        if since is not None and since < min(self.snapshot_every_s, self.heartbeat_s):
            return False
        snapshot = take_snapshot(self.floor, journal_seq)
        digest = snapshot.digest()
        if digest == self._last_digest and since is not None and since < self.heartbeat_s:
            return False
        _send_snapshot(self.engine, site, snapshot)
        self._last_digest, self._last_snapshot_at = digest, now
        return True


MAX_BACKOFF_S = 30.0


def keep_syncing(
    link: SyncPass,
    *,
    interval: float,
    wait: Callable[[float], bool],
    on_problem: Callable[[CentralError, bool], None],
    on_back: Callable[[], None] = lambda: None,
    on_pass: Callable[[SyncResult], None] = lambda _result: None,
    stop_on_refusal: bool = False,
) -> None:
    """Send what is pending every `interval` seconds until `wait(seconds)` says stop.

    The one sync loop (`floorman sync` and `floorman serve`'s `[sync]`): a server away
    or refusing is reported once per new problem (`on_problem(exc, new)`), remembered in
    the cursor, and retried with a back-off that doubles up to 30 s; rows stay pending.
    A halted chain ends the loop when `stop_on_refusal` (the CLI exits 1 and says why),
    else it is retried slowly, so HQ's notices still come down while HQ looks at it.
    """
    backoff, last_problem = interval, ""
    while True:
        try:
            on_pass(link.run_once())
            if last_problem:
                on_back()
            backoff, last_problem = interval, ""
        except CentralError as exc:
            record_failure(link.floor, exc.english)  # the cursor's record stays English
            if stop_on_refusal and isinstance(exc, ChainRefused):
                raise
            on_problem(exc, str(exc) != last_problem)
            last_problem = str(exc)
            backoff = min(MAX_BACKOFF_S, backoff * 2)
        if wait(backoff):
            return
