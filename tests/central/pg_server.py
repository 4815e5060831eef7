"""A throwaway PostgreSQL from Debian's packages, for the central-server tests and benches.

initdb runs in a fresh temporary folder as an unprivileged user (PostgreSQL refuses to
run as root), the server listens on 127.0.0.1 on a free port and on a unix socket in the
same folder, and `stop()` removes everything. Local (socket) connections are trusted, so
the test harness acts as the superuser; TCP connections need a password (scram), which
is how sites and HQ connect, so their credentials go through libpq's own files.
Durability settings are off: the tests restart the server cleanly, never pull its power.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

RUN_AS = "nobody"


def _bin_dir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError("PostgreSQL is not installed: run `make postgresql` (Debian package)")
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ThrowawayServer:
    """One postgres process in a temporary folder, owned by an unprivileged user."""

    def __init__(self) -> None:
        self.bin = _bin_dir()
        self.root = Path(tempfile.mkdtemp(prefix="floorman-pg-"))
        self.data = self.root / "data"
        self.socket_dir = self.root / "sock"
        self.port = _free_port()
        self._as_root = os.geteuid() == 0
        self.socket_dir.mkdir()
        if self._as_root:
            user = pwd.getpwnam(RUN_AS)
            os.chmod(self.root, 0o755)
            os.chown(self.socket_dir, user.pw_uid, user.pw_gid)
            self.superuser = RUN_AS
        else:
            self.superuser = pwd.getpwuid(os.geteuid()).pw_name

    def _run(self, *argv: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin / argv[0]), *argv[1:]]
        if self._as_root:
            command = ["runuser", "-u", RUN_AS, "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True)

    def init(self) -> None:
        self.data.mkdir()
        if self._as_root:
            user = pwd.getpwnam(RUN_AS)
            os.chown(self.data, user.pw_uid, user.pw_gid)
        self._run(
            "initdb", "-D", str(self.data), "-U", self.superuser, "--no-sync",
            "-E", "UTF8", "--locale=C", "--auth-local=trust", "--auth-host=scram-sha-256",
        )  # fmt: skip
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "port": str(self.port),
            "unix_socket_directories": f"'{self.socket_dir}'",
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "max_connections": "200",
            "shared_buffers": "32MB",
            "log_min_messages": "fatal",
        }
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.data / "log"), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def is_running(self) -> bool:
        return self._run("pg_ctl", "-D", str(self.data), "status", check=False).returncode == 0

    def remove(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def admin_url(self, database: str = "postgres") -> str:
        """The superuser over the unix socket (trusted; the harness only)."""
        return f"postgresql+psycopg://{self.superuser}@/{database}?host={self.socket_dir}&port={self.port}"

    def tcp_url(self, database: str) -> str:
        """What a site or HQ is given: host, port and database, never a password."""
        return f"postgresql+psycopg://127.0.0.1:{self.port}/{database}"


def start_throwaway() -> ThrowawayServer:
    server = ThrowawayServer()
    started = time.monotonic()
    server.init()
    server.start()
    server.started_in = time.monotonic() - started  # type: ignore[attr-defined]
    return server
