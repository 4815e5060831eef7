"""The service's side of the hand-off: `floorman event` command lines on a local socket.

Each request is one JSON line `{"argv": [...], "globals": [...]}` from
`service/handoff.py`; the answer is `{"status", "stdout", "stderr"}` from running the
very command line through `floorman.cli.run` (one parser, one set of exit codes and
messages, whoever runs it), or `{"fallback": true}` for anything but `event`, and for an
event that needs a login (the service cannot ask for a PIN), which the caller then runs
itself. A `"feed_key"` in the request is the caller's FLOORMAN_FEED_KEY. Requests run
one at a time in one thread (SQLite writes one at a time anyway). The journal records
the caller's terminal, read from the socket's peer (its pid's standard input), as
`floorman event` in that terminal would.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import logging
import os
import socket
import struct
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from floorman.domain.core.context import acting_from
from floorman.service.handoff import socket_path

log = logging.getLogger("floorman.service.events")
MAX_REQUEST = 1 << 20


def peer_terminal(conn: socket.socket) -> str:
    """The caller's terminal as `this_terminal()` names it: host:tty, else host:pidN."""
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    pid, _uid, _gid = struct.unpack("3i", creds)
    host = socket.gethostname()
    try:
        tty = os.readlink(f"/proc/{pid}/fd/0")
    except OSError:
        tty = ""
    return f"{host}:{tty}" if tty.startswith(("/dev/pts/", "/dev/tty")) else f"{host}:pid{pid}"


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
    command_line: CommandLine, request: dict[str, Any], terminal: str, db_path: Path
) -> dict[str, Any]:
    """Run one handed-over command line as `floorman` would; capture what it prints."""
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
    out, err = io.StringIO(), io.StringIO()
    with (
        acting_from(terminal, feed_key) as hand_off,
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        status = command_line.run(full)
    if hand_off.login_needed:
        return {"fallback": True}  # a login (a PIN) is the caller's to give: nothing written
    return {"status": status, "stdout": out.getvalue(), "stderr": err.getvalue()}


class EventDesk:
    """A unix socket beside the database taking handed-over `floorman event` calls."""

    def __init__(self, db_path: Path, command_line: CommandLine) -> None:
        self.db_path = db_path
        self.command_line = command_line
        self.path = socket_path(db_path)
        self._server: asyncio.AbstractServer | None = None
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="event-desk")
        self.handled = 0

    async def start(self) -> None:
        """Listen (the service holds the database's lock: a socket left here is stale)."""
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        old = os.umask(0o177)  # 0600: only the database's owner may hand events over
        try:
            self._server = await asyncio.start_unix_server(self._serve, path=str(self.path))
        finally:
            os.umask(old)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        self._worker.shutdown(wait=True)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            line = await reader.readline()
            try:
                request = json.loads(line[:MAX_REQUEST])
            except ValueError:
                request = {}
            conn = writer.get_extra_info("socket")
            terminal = peer_terminal(conn) if conn is not None else "unknown"
            loop = asyncio.get_running_loop()
            answer = await loop.run_in_executor(
                self._worker,
                run_request,
                self.command_line,
                request if isinstance(request, dict) else {},
                terminal,
                self.db_path,
            )
            self.handled += 1
            writer.write(json.dumps(answer).encode())
            await writer.drain()
        except Exception:  # one broken request must not stop the desk
            log.exception("handed-over event failed")
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()
