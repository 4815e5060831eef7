"""The configured feeds, each in its own thread, restarted with back-off when it fails.

The reading and applying is the feeds' own (`domain.feeds`): an Asterisk queue_log is
followed by `FeedFollower` (its offset is stored in the transaction of the events before
it, so a restart, even after kill -9, resumes exactly there), JSON Lines go through
`JsonlFeed` (event ids make a replay add nothing twice). This module only keeps them
running: a feed that raises is logged, waits 1, 2, 4 ... up to 60 seconds, and starts
again from what the database says.
"""

from __future__ import annotations

import contextlib
import logging
import os
import selectors
import socket
import stat
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from floorman.config import FeedConfig
from floorman.domain.core.context import Actor, Floor
from floorman.domain.feeds.follow import FeedFollower
from floorman.domain.feeds.jsonl import JsonlFeed
from floorman.domain.feeds.members import load_interface_map

log = logging.getLogger("floorman.service.feeds")

BACKOFF_FIRST, BACKOFF_MAX = 1.0, 60.0
QUIET_SECONDS = 0.2  # a JSON Lines input silent this long: commit what came


@dataclass
class FeedHealth:
    """What `floorman status` shows of one feed."""

    source: str
    kind: str
    target: str
    state: str = "starting"
    restarts: int = 0
    applied: int = 0
    bad: int = 0
    last_error: str = ""
    last_event_at: datetime | None = None
    started_at: datetime | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "source": self.source,
            "kind": self.kind,
            "target": self.target,
            "state": self.state,
            "restarts": self.restarts,
            "applied": self.applied,
            "bad": self.bad,
            "last_error": self.last_error,
            "last_event_at": self.last_event_at.isoformat() if self.last_event_at else None,
        }


def backoff_seconds(failures: int) -> float:
    """The wait before restart number `failures` (1, 2, 4 ... capped at a minute)."""
    return min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** max(0, failures - 1))


@dataclass
class FeedRunner:
    """Runs one configured feed in a thread until `stop` is set."""

    floor: Floor
    feed: FeedConfig
    stop: threading.Event
    health: FeedHealth = field(init=False)
    thread: threading.Thread | None = None

    def __post_init__(self) -> None:
        self.health = FeedHealth(self.feed.source, self.feed.kind, self.feed.target)
        # Events are recorded with the feed's source, as `floorman feed` records them.
        self.floor = Floor(
            db=self.floor.db,
            clock=self.floor.clock,
            config=self.floor.config,
            actor=Actor(self.feed.source, self.floor.actor.terminal, source=self.feed.source),
        )

    def start(self) -> None:
        self.thread = threading.Thread(
            target=self.supervise, name=f"feed-{self.feed.source}", daemon=True
        )
        self.thread.start()

    def supervise(self) -> None:
        """Run the feed; on failure wait (growing back-off) and run it again."""
        failures = 0
        while not self.stop.is_set():
            self.health.state, self.health.started_at = "running", self.floor.clock.now()
            try:
                self.run_once()
                failures = 0
            except Exception as exc:  # any failure: log it, back off, start again
                failures += 1
                wait = backoff_seconds(failures)
                # Error and state before the count: whoever sees a restart counted (the
                # status line, a test) sees why and when it runs again.
                self.health.last_error = " ".join(str(exc).split())[:300] or type(exc).__name__
                self.health.state = f"restarting in {wait:.0f} s"
                self.health.restarts += 1
                log.warning(
                    "feed %s failed (%s); restarting in %.0f s",
                    self.feed.source,
                    self.health.last_error,
                    wait,
                )
                self.stop.wait(wait)
        self.health.state = "stopped"

    def run_once(self) -> None:
        """Run until stopped (returns) or failed (raises)."""
        if self.feed.kind == "asterisk":
            self._follow_queue_log()
        elif self.feed.pipe:
            self._read_pipe(Path(self.feed.pipe))
        else:
            self._serve_socket(Path(self.feed.socket))

    # ---------------------------------------------------------------- asterisk

    def _follow_queue_log(self) -> None:
        mapping = load_interface_map(Path(self.feed.map)) if self.feed.map else None
        follower = FeedFollower(
            self.floor,
            Path(self.feed.path),
            mapping=mapping,
            source=self.feed.source,
            on_bad=lambda bad: self._bad(str(bad)),
        )
        while not self.stop.is_set():
            report = follower.poll_once()  # resumes from the stored offset
            if report.applied:
                self.health.applied += report.applied
                self.health.last_event_at = self.floor.clock.now()
            self.stop.wait(self.feed.interval_seconds)

    def _bad(self, line: str, client: socket.socket | None = None) -> None:
        self.health.bad += 1
        log.info("feed %s: %s", self.feed.source, line)
        if client is not None:
            with contextlib.suppress(OSError):
                client.sendall(f"{line}\n".encode())

    # ---------------------------------------------------------------- jsonl

    def _jsonl(self, client: socket.socket | None = None) -> JsonlFeed:
        return JsonlFeed(
            self.floor, source=self.feed.source, on_bad=lambda bad: self._bad(str(bad), client)
        )

    def _count(self, feed: JsonlFeed, before: int) -> None:
        if feed.report.applied > before:
            self.health.applied += feed.report.applied - before
            self.health.last_event_at = self.floor.clock.now()

    def _read_pipe(self, path: Path) -> None:
        """A named pipe opened read-write, so a writer closing it is not an end of file."""
        if not path.exists():
            os.mkfifo(path, 0o600)
        if not stat.S_ISFIFO(path.stat().st_mode):
            raise OSError(f"{path} is not a named pipe")
        fd = os.open(path, os.O_RDWR | os.O_NONBLOCK)
        feed = self._jsonl()
        line, pending = 0, b""
        selector = selectors.DefaultSelector()
        selector.register(fd, selectors.EVENT_READ)
        try:
            while not self.stop.is_set():
                if not selector.select(QUIET_SECONDS):
                    self._flush(feed)
                    continue
                data = os.read(fd, 1 << 16)
                pending += data
                *lines, pending = pending.split(b"\n")
                for raw in lines:
                    line += 1
                    before = feed.report.applied
                    feed.add(line, raw)
                    self._count(feed, before)
            feed.flush()
        finally:
            selector.close()
            os.close(fd)

    def _serve_socket(self, path: Path) -> None:
        """A local (unix) stream socket: each connection sends JSON Lines; bad lines are
        answered on the same connection as `line N: message`."""
        with contextlib.suppress(FileNotFoundError):
            if stat.S_ISSOCK(path.lstat().st_mode):
                path.unlink()  # left by a service that was killed
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o177)
        try:
            server.bind(str(path))
        finally:
            os.umask(old)
        server.listen(16)
        server.setblocking(False)
        selector = selectors.DefaultSelector()
        selector.register(server, selectors.EVENT_READ)
        clients: dict[socket.socket, _Client] = {}
        try:
            while not self.stop.is_set():
                ready = selector.select(QUIET_SECONDS)
                if not ready:  # quiet: commit what every connection sent
                    for client in clients.values():
                        self._flush(client.feed)
                for key, _mask in ready:
                    conn = key.fileobj
                    assert isinstance(conn, socket.socket)
                    if conn is server:
                        accepted, _ = server.accept()
                        accepted.setblocking(False)
                        selector.register(accepted, selectors.EVENT_READ)
                        clients[accepted] = _Client(self._jsonl(accepted))
                    elif not self._receive(conn, clients[conn]):
                        selector.unregister(conn)
                        del clients[conn]
                        conn.close()
            for client in clients.values():
                self._flush(client.feed)
        finally:
            for conn in list(clients):
                conn.close()
            selector.close()
            server.close()
            with contextlib.suppress(OSError):
                path.unlink()

    def _receive(self, conn: socket.socket, client: _Client) -> bool:
        """Read what a connection sent; False once it closed (its rest applied)."""
        try:
            data = conn.recv(1 << 16)
        except BlockingIOError:
            return True
        except OSError:
            data = b""
        before = client.feed.report.applied
        if not data:
            if client.pending:
                client.line += 1
                client.feed.add(client.line, client.pending)
            self._flush(client.feed)
            return False
        client.pending += data
        *lines, client.pending = client.pending.split(b"\n")
        for raw in lines:
            client.line += 1
            client.feed.add(client.line, raw)
        self._count(client.feed, before)
        return True

    def _flush(self, feed: JsonlFeed) -> None:
        before = feed.report.applied
        feed.flush()
        self._count(feed, before)


@dataclass
class _Client:
    """One connection to a JSON Lines socket: its feed, line count and unfinished line."""

    feed: JsonlFeed
    line: int = 0
    pending: bytes = b""
