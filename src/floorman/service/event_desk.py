"""The service's side of the hand-off: `floorman event` command lines on a local socket.

Each request comes from `service/handoff.py` (its wire is described there); the answer
is what running the very command line through `floorman.cli.run` printed and returned
(one parser, one set of exit codes and messages, whoever runs it), or `fallback` for
anything but `event`, and for an event that needs a login (the service cannot ask for a
PIN), which the caller then runs itself. The journal records the caller's terminal, read
from the socket's peer (its pid's standard input), as `floorman event` in that terminal
would; who acts is named from the caller's environment and uid.

The desk answers in a thread of its own, one request at a time (SQLite writes one at a
time anyway): a caller waits for its own event only, never for the service's event loop
to come round (the scheduler, the feeds' bookkeeping, the web consoles run there).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import os
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from floorman.domain.core.context import acting_from
from floorman.service.handoff import (
    FALLBACK,
    decode_request,
    encode_answer,
    socket_path,
)

log = logging.getLogger("floorman.service.events")
MAX_REQUEST = 1 << 20
READ_SECONDS = 10.0  # a caller sends its request at once; one that does not is dropped


def peer(conn: socket.socket) -> tuple[str, int]:
    """The caller's terminal as `this_terminal()` names it (host:tty, else host:pidN),
    and the caller's uid."""
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    pid, uid, _gid = struct.unpack("3i", creds)
    host = socket.gethostname()
    try:
        tty = os.readlink(f"/proc/{pid}/fd/0")
    except OSError:
        tty = ""
    if tty.startswith(("/dev/pts/", "/dev/tty")):
        return f"{host}:{tty}", uid
    return f"{host}:pid{pid}", uid


@dataclass(frozen=True)
class CommandLine:
    """floorman's own command line, handed to the service by `floorman serve` (the CLI
    starts the service, so the service is given the CLI rather than importing it)."""

    run: Callable[[list[str]], int]
    build_parser: Callable[[], Any]

    @cached_property
    def parser(self) -> Any:
        """The parser, built once: only to tell an `event` from the rest."""
        return self.build_parser()


def run_request(
    command_line: CommandLine,
    request: dict[str, Any],
    terminal: str,
    db_path: Path,
    uid: int | None = None,
) -> dict[str, Any]:
    """Run one handed-over command line as `floorman` would; capture what it prints.
    `request` is `handoff.decode_request`'s; `uid` the caller's."""
    argv = request.get("argv")
    globals_ = request.get("globals")
    if not isinstance(argv, list) or not isinstance(globals_, list):
        return {"fallback": True}
    full = [str(a) for a in globals_] + [str(a) for a in argv]
    try:
        parsed = command_line.parser.parse_known_args(full)[0]
    except Exception:  # a usage error: the caller's own run reports it, the same way
        return {"fallback": True}
    if getattr(parsed, "command", None) != "event":
        return {"fallback": True}
    if Path(parsed.db).resolve() != db_path.resolve():
        return {"fallback": True}  # another database: not this service's
    feed_key = request.get("feed_key")
    feed_key = feed_key if isinstance(feed_key, str) and feed_key else None
    environ = request.get("environ")
    environ = environ if isinstance(environ, dict) else {}
    out, err = io.StringIO(), io.StringIO()
    with (
        acting_from(terminal, feed_key, environ, uid) as hand_off,
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        status = command_line.run(full)
    if hand_off.login_needed:
        return {"fallback": True}  # a login (a PIN) is the caller's to give: nothing written
    return {"status": status, "stdout": out.getvalue(), "stderr": err.getvalue()}


class EventDesk:
    """A unix socket beside the database taking handed-over `floorman event` calls,
    answered in the desk's own thread."""

    def __init__(self, db_path: Path, command_line: CommandLine) -> None:
        self.db_path = db_path
        self.command_line = command_line
        self.path = socket_path(db_path)
        self._listener: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stopping = False
        self.handled = 0

    async def start(self) -> None:
        """Listen (the service holds the database's lock: a socket left here is stale)."""
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o177)  # 0600: only the database's owner may hand events over
        try:
            listener.bind(str(self.path))
        finally:
            os.umask(old)
        listener.listen(64)
        self._listener, self._stopping = listener, False
        self._thread = threading.Thread(
            target=self._answer_all, args=(listener,), name="event-desk", daemon=True
        )
        self._thread.start()

    async def stop(self) -> None:
        """Stop taking calls; the one being answered finishes first (it may be writing)."""
        listener, thread = self._listener, self._thread
        if listener is not None and thread is not None:
            self._stopping = True
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)  # wakes the desk's accept()
            await asyncio.to_thread(thread.join, 60)
            listener.close()
            self._listener = self._thread = None
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    def _answer_all(self, listener: socket.socket) -> None:
        while True:
            try:
                conn, _address = listener.accept()
            except OSError:
                if self._stopping:
                    return
                log.exception("the event desk could not take a call")
                time.sleep(0.1)  # out of file descriptors, say: not a busy loop of logs
                continue
            with conn:
                self._answer(conn)

    def _answer(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(READ_SECONDS)
            data = b""
            while not data.endswith(b"\0\0") and len(data) <= MAX_REQUEST:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                data += chunk
            request = decode_request(data)
            terminal, uid = peer(conn)
            answer: dict[str, Any] = {"fallback": True}
            if request is not None:
                answer = run_request(self.command_line, request, terminal, self.db_path, uid)
            self.handled += 1
            if answer.get("fallback"):
                conn.sendall(FALLBACK)
            else:
                conn.sendall(encode_answer(answer["status"], answer["stdout"], answer["stderr"]))
        except (BrokenPipeError, ConnectionResetError):  # the caller went before its answer
            log.warning("a caller hung up before its answer")
        except Exception:  # one broken request must not stop the desk
            log.exception("handed-over event failed")
