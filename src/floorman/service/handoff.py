"""`floorman event` handed to the running floor service over its local socket.

A phone system calls `floorman event` many times a minute. When the service runs on the
database, this module sends the command line to it (the service runs the very same
command, `floorman.cli.run`, on its warm storage layer) and prints what it answers:
the same exit status, the same messages, nothing written on bad input. When no service
answers, the caller runs the command itself, as always. Only the standard library and
`floorman.paths` are imported here, so the hand-off costs a Python start-up and a
round trip, not the storage layer; not even pathlib (it pulls in urllib and ipaddress):
paths are plain text here.
"""

from __future__ import annotations

import json
import os
import socket
import sys

TYPE_CHECKING = False  # mypy takes it as true; Python never imports pathlib for it
if TYPE_CHECKING:
    from pathlib import Path

SOCKET_SUFFIX = ".serve.sock"
ANSWER_TIMEOUT = 30.0  # longer than SQLite's busy timeout: a busy floor still answers
_GLOBAL_PATHS = ("--db", "--config")


def _user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def socket_path(db_path: Path) -> Path:
    """`floor.db` -> `floor.db.serve.sock`, beside the database."""
    return db_path.with_name(db_path.name + SOCKET_SUFFIX)


def _option(argv: list[str], name: str) -> str | None:
    """The last value given for `--name` (`--name X` or `--name=X`), as argparse reads it."""
    value = None
    for index, arg in enumerate(argv):
        if arg == name and index + 1 < len(argv):
            value = argv[index + 1]
        elif arg.startswith(name + "="):
            value = arg.split("=", 1)[1]
    return value


def _without(argv: list[str], names: tuple[str, ...]) -> list[str]:
    """`argv` less the options `names` and their values."""
    kept: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in names:
            skip = True
        elif not arg.startswith(tuple(f"{n}=" for n in names)):
            kept.append(arg)
    return kept


def request_for(argv: list[str]) -> tuple[str, dict[str, object]] | None:
    """The service's socket and the request for this command line, or None when this
    command is not one to hand over."""
    if "event" not in argv or "-h" in argv or "--help" in argv:
        return None
    from floorman.paths import config_path_text, db_path_text

    db = _option(argv, "--db") or db_path_text()
    config = _option(argv, "--config") or config_path_text()
    try:
        # Joined, not normalised: `link/../floor.db` names what the kernel finds.
        db, config = os.path.join(os.getcwd(), db), os.path.join(os.getcwd(), config)
        path = db + SOCKET_SUFFIX
        if not os.path.exists(path):
            return None
    except (OSError, ValueError):  # a path the file system refuses: the CLI says so
        return None
    # Paths as this caller meant them (absolute), whatever the service's folder.
    argv = _without(argv, _GLOBAL_PATHS)
    resolved = ["--db", db, "--config", config]
    # Who acts, as the caller's own run would name them (`context.default_operator`).
    operator = os.environ.get("FLOORMAN_OPERATOR", "").strip() or _user()
    if operator:
        resolved += ["--operator", operator]  # an --operator in argv comes later and wins
    request: dict[str, object] = {"argv": argv, "globals": resolved}
    feed_key = os.environ.get("FLOORMAN_FEED_KEY")
    if feed_key:  # over the owner-only socket, never on a command line
        request["feed_key"] = feed_key
    return path, request


def hand_over(argv: list[str]) -> int | None:
    """Run `argv` in the floor service; None when it cannot be handed over (run it here)."""
    found = request_for(argv)
    if found is None:
        return None
    path, request = found
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        client.settimeout(ANSWER_TIMEOUT)
        try:
            client.connect(path)
        except OSError:  # no service behind the socket (it was killed): run it here
            return None
        client.sendall(json.dumps(request).encode() + b"\n")
        answer = b""
        while chunk := client.recv(65536):
            answer += chunk
    except TimeoutError:
        print(
            f"floorman: {path}: the floor service did not answer within "
            f"{ANSWER_TIMEOUT:.0f} s; check `floorman status`",
            file=sys.stderr,
        )
        return 1
    finally:
        client.close()
    try:
        reply = json.loads(answer)
    except ValueError:  # it stopped while handling it: whether it was recorded is unknown
        print(
            f"floorman: {path}: the floor service stopped while recording the event; "
            "check `floorman seats list` (an event sent again with the same --id is "
            "recorded once)",
            file=sys.stderr,
        )
        return 1
    if reply.get("fallback"):
        return None
    sys.stdout.write(reply.get("stdout", ""))
    sys.stderr.write(reply.get("stderr", ""))
    return int(reply["status"])
