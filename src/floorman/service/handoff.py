"""`floorman event` handed to the running floor service over its local socket.

A phone system calls `floorman event` many times a minute. When the service runs on the
database, this module sends the command line to it (the service runs the very same
command, `floorman.cli.run`, on its warm storage layer) and prints what it answers:
the same exit status, the same messages, nothing written on bad input. When no service
answers, the caller runs the command itself, as always.

What this costs the caller is a Python start-up, these imports and a round trip, so the
imports are the interpreter's own C modules and `floorman.paths`: no pathlib (it pulls in
urllib and ipaddress), no `socket` module (its enums and selectors cost more than the
round trip; `_socket` is the C module it wraps), no json and no re (the request and the
answer are framed by hand below), no getpass (the caller's environment travels with the
request and the service names the operator by `context.default_operator`, from it and
the caller's uid). `bin/floorman`, the installed command, imports nothing else.

The wire (one request, one answer per connection; both sides are in this module):
- request: `floorman-event/2`, then fields `a<arg>` (the command line), `g<arg>` (the
  global options, the database and config as absolute paths), `e<NAME=value>` (the
  caller's environment), `k<key>` (FLOORMAN_FEED_KEY), each ended by NUL, then one more
  NUL. Neither arguments nor environment can hold a NUL, so the request is complete
  exactly when it ends with two; a caller killed mid-send is never run half-read;
- answer: `fallback` (the caller runs it itself), or `<status> <out> <err>\\n` and then
  `out` bytes of standard output and `err` bytes of standard error.
"""

from __future__ import annotations

import _socket
import os
import sys

TYPE_CHECKING = False  # mypy takes it as true; Python never imports these for it
if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

SOCKET_SUFFIX = ".serve.sock"
ANSWER_TIMEOUT = 30.0  # longer than SQLite's busy timeout: a busy floor still answers
_GLOBAL_PATHS = ("--db", "--config")
REQUEST_HEADER = b"floorman-event/2"
FALLBACK = b"fallback"
_END = b"\0\0"
_TEXT = ("utf-8", "surrogateescape")  # arguments are checked; the environment is not


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


def encode_request(
    argv: list[str], globals_: list[str], environ: Mapping[str, str], feed_key: str | None
) -> bytes:
    """The request on the wire (see the module's docstring)."""
    fields = [REQUEST_HEADER]
    fields += [b"a" + arg.encode(*_TEXT) for arg in argv]
    fields += [b"g" + arg.encode(*_TEXT) for arg in globals_]
    fields += [b"e" + f"{name}={value}".encode(*_TEXT) for name, value in environ.items()]
    if feed_key:
        fields.append(b"k" + feed_key.encode(*_TEXT))
    return b"\0".join(fields) + _END


def decode_request(data: bytes) -> dict[str, object] | None:
    """`{"argv", "globals", "environ"[, "feed_key"]}`; None for anything not a whole request."""
    if not data.endswith(_END):
        return None
    fields = data[: -len(_END)].split(b"\0")
    if fields[0] != REQUEST_HEADER:
        return None
    argv: list[str] = []
    globals_: list[str] = []
    environ: dict[str, str] = {}
    request: dict[str, object] = {"argv": argv, "globals": globals_, "environ": environ}
    for field in fields[1:]:
        kind, text = field[:1], field[1:].decode(*_TEXT)
        if kind == b"a":
            argv.append(text)
        elif kind == b"g":
            globals_.append(text)
        elif kind == b"e" and "=" in text:
            name, value = text.split("=", 1)
            environ[name] = value
        elif kind == b"k":
            request["feed_key"] = text
        else:
            return None
    return request


def encode_answer(status: int, stdout: str, stderr: str) -> bytes:
    out, err = stdout.encode(*_TEXT), stderr.encode(*_TEXT)
    return f"{status} {len(out)} {len(err)}\n".encode() + out + err


def decode_answer(data: bytes) -> tuple[int, str, str] | None:
    """(status, stdout, stderr); None for `fallback`; ValueError for a cut-off answer."""
    if data == FALLBACK:
        return None
    head, _, body = data.partition(b"\n")
    status, out, err = (int(number) for number in head.split(b" "))
    if len(body) != out + err:
        raise ValueError("the answer was cut off")
    return status, body[:out].decode(*_TEXT), body[out:].decode(*_TEXT)


def request_for(argv: list[str]) -> tuple[str, bytes] | None:
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
    resolved = ["--db", db, "--config", config]
    # The feed key travels over the owner-only socket, never on a command line.
    feed_key = os.environ.get("FLOORMAN_FEED_KEY")
    return path, encode_request(_without(argv, _GLOBAL_PATHS), resolved, os.environ, feed_key)


def hand_over(argv: list[str]) -> int | None:
    """Run `argv` in the floor service; None when it cannot be handed over (run it here)."""
    found = request_for(argv)
    if found is None:
        return None
    path, request = found
    client = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        client.settimeout(ANSWER_TIMEOUT)
        try:
            client.connect(path)
        except OSError:  # no service behind the socket (it was killed): run it here
            return None
        client.sendall(request)
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
        reply = decode_answer(answer)
    except ValueError:  # it stopped while handling it: whether it was recorded is unknown
        print(
            f"floorman: {path}: the floor service stopped while recording the event; "
            "check `floorman seats list` (an event sent again with the same --id is "
            "recorded once)",
            file=sys.stderr,
        )
        return 1
    if reply is None:
        return None
    status, stdout, stderr = reply
    sys.stdout.write(stdout)
    sys.stderr.write(stderr)
    return status
