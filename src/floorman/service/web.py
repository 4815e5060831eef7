"""Browsers on the floor's network: the full console at `/` and the wallboard at
`/wallboard/`, served by textual-serve from inside the floor service.

Each browser tab runs its own `floorman ui` (or `floorman wallboard`) process on the
host, on the same database, so a console in a browser logs in with name and PIN exactly
as in a terminal and is locked when idle. A floor with no operators is open to anyone,
so it is served on the loopback address only unless the service was started with
`--allow-open-floor`; the check is made again when each console opens.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import shlex
import socket
import sys
from pathlib import Path
from typing import Any

from aiohttp import web
from textual_serve.server import Server

from floorman.data.db import Database
from floorman.domain.core.errors import FloorError

log = logging.getLogger("floorman.service.web")


def parse_address(value: str) -> tuple[str, int]:
    """`HOST:PORT` (`[::1]:8080` for IPv6) -> (host, port); a bad one is a FloorError."""
    host, sep, port_text = value.rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise FloorError(
            "--web {value}: give HOST:PORT, e.g. 127.0.0.1:8080 or 0.0.0.0:8080", value=repr(value)
        )
    return host, int(port_text)


def is_loopback(host: str) -> bool:
    """Does `host` name this machine only (127.0.0.0/8, ::1, localhost)?"""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError:
        return False
    return bool(addresses) and all(ipaddress.ip_address(a).is_loopback for a in addresses)


def floor_is_open(db_path: Path) -> bool:
    """True when the floor has no operators (anyone may act, no login)."""
    from floorman.domain.operators.records import operators_exist

    db = Database(db_path)
    try:
        with db.read() as session:
            return not operators_exist(session)
    finally:
        db.dispose()


class _Panel(Server):
    """One textual-serve app (the console or the wallboard) whose page addresses the
    websocket by the host name the browser used, so one server answers on any address."""

    async def handle_index(self, request: web.Request) -> Any:
        self.public_url = f"{request.scheme}://{request.host}"
        return await super().handle_index(request)

    async def on_startup(self, app: web.Application) -> None:
        log.info("serving %s", self.title)


class _Console(_Panel):
    """The console: refused per connection when the floor became open off loopback."""

    def __init__(self, command: str, web_site: FloorWeb) -> None:
        super().__init__(command, title="floorman")
        self.web_site = web_site

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        loop = asyncio.get_running_loop()
        if not await loop.run_in_executor(None, self.web_site.console_allowed):
            raise web.HTTPForbidden(
                text="This floor has no operators: its console is served on this machine only. "
                "Create a director (floorman operators add NAME --role director) first."
            )
        return await super().handle_websocket(request)


class FloorWeb:
    """The web front of the floor service; `start()` on the service's loop, `stop()`."""

    def __init__(
        self,
        db_path: Path,
        address: str,
        *,
        config_path: Path | None = None,
        language: str | None = None,
        allow_open_floor: bool = False,
    ) -> None:
        self.db_path = db_path
        self.host, self.port = parse_address(address)
        self.allow_open_floor = allow_open_floor
        base = [sys.executable, "-m", "floorman", "--db", str(db_path)]
        if config_path is not None:
            base += ["--config", str(config_path)]
        if language:
            base += ["--lang", language]
        self.console = _Console(shlex.join([*base, "ui"]), self)
        self.wallboard = _Panel(shlex.join([*base, "wallboard"]), title="floorman wallboard")
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    def console_allowed(self) -> bool:
        """The console is served off loopback only to a floor with operators (or when
        the service was told `--allow-open-floor`)."""
        return self.allow_open_floor or is_loopback(self.host) or not floor_is_open(self.db_path)

    def refuse_open_floor(self) -> None:
        """At start: an open floor on a network address is refused, saying what to do."""
        if not self.console_allowed():
            raise FloorError(
                "--web {host}:{port}: this floor has no operators, so anyone on the network "
                "could act on it; create a director first (floorman operators add NAME --role "
                "director), serve on 127.0.0.1, or pass --allow-open-floor",
                host=self.host,
                port=self.port,
            )

    async def start(self) -> None:
        root = await self.console._make_app()
        root.add_subapp("/wallboard/", await self.wallboard._make_app())
        self._runner = web.AppRunner(root, handle_signals=False)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        log.info("console at %s, wallboard at %swallboard/", self.url, self.url)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()  # closes the websockets: their processes quit
            self._runner = None
