"""Helpers shared by the tests: waiting for the app to settle, and running the CLI.

One place, instead of a copy per test file: `settle()` for Pilot tests, `floorman()` to
run the command line in a fresh interpreter as a user would.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from textual.worker import WorkerCancelled, WorkerFailed


async def workers_done(app: Any) -> None:
    """Wait for the workers running now (as `app.workers.wait_for_complete()` does).

    A reload cancelled because a newer one replaced it is fine, and so is a worker that
    failed: the worker policy has handled it (banner, message in the form), and a test
    asserts what the user sees; a bug still closes the app, which the test notices.
    """
    for worker in list(app.workers):
        try:
            await worker.wait()
        except (WorkerCancelled, WorkerFailed):
            continue


async def settle(app: Any, pilot: Any, rounds: int = 2) -> None:
    """Let workers finish and their results reach the screen (twice: a result may start
    another reload, such as a form's save followed by the panel's reload)."""
    for _ in range(rounds):
        await workers_done(app)
        await pilot.pause()


async def type_text(pilot: Any, text: str) -> None:
    """Type text into the focused field, key by key, as a user would."""
    await pilot.press(*["space" if ch == " " else ch for ch in text])


def floorman(
    *args: str,
    db: Path | None = None,
    operator: str | None = None,
    config: Path | None = None,
    stdin: str | None = None,
    env: dict[str, str | None] | None = None,
    timeout: float = 120,
    process: bool = False,
) -> subprocess.CompletedProcess[str]:
    """Run `floorman [--db DB] [--config C] [--operator OP] ARGS...` and return its exit
    status, standard output and error.

    By default the command line runs in this interpreter, through the same entry point
    `python -m floorman` calls (`floorman.__main__.main`): a fresh interpreter per call
    cost 1.3 s, most of it importing, 138 times a run. `process=True` (or
    FLOORMAN_TEST_PROCESS=1 for every call) runs it in a fresh interpreter as a user
    would: for what only a real process shows (signals, the service's hand-off, what an
    interpreter imports). `env` is added to the environment; a name mapped to None is
    removed."""
    command = []
    if db is not None:
        command += ["--db", str(db)]
    if config is not None:
        command += ["--config", str(config)]
    if operator is not None:
        command += ["--operator", operator]
    argv = [*command, *args]
    if not process and os.environ.get("FLOORMAN_TEST_PROCESS") != "1":
        return _in_this_interpreter(argv, stdin, env or {})
    return subprocess.run(
        [sys.executable, "-m", "floorman", *argv],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=timeout,
        env=None if env is None else _environment(env),
        check=False,
    )


def _in_this_interpreter(
    argv: list[str], stdin: str | None, env: dict[str, str | None]
) -> subprocess.CompletedProcess[str]:
    """The command line run here with its own standard streams and environment, both
    put back afterwards; an exit (argparse's) is its status, as for a process."""
    import io

    from floorman import i18n
    from floorman.__main__ import main

    def stream(text: str = "") -> io.TextIOWrapper:
        return io.TextIOWrapper(io.BytesIO(text.encode()), encoding="utf-8", newline="")

    saved_environ = dict(os.environ)
    saved_streams = sys.stdin, sys.stdout, sys.stderr
    out, err = stream(), stream()
    os.environ.clear()
    os.environ.update(_environment(env, base=saved_environ))
    sys.stdin, sys.stdout, sys.stderr = stream(stdin or ""), out, err
    opened_before = _open_databases()
    # A process's language ends with it: `--lang zh` here must not leave the next test's
    # messages in Chinese (the command sets the language it speaks when it starts).
    spoken = i18n.language()
    try:
        status = main(argv)
    except SystemExit as stop:
        code = stop.code
        status = code if isinstance(code, int) else (0 if code is None else 1)
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved_streams
        i18n.set_language(spoken)
        os.environ.clear()
        os.environ.update(saved_environ)
        # A process's exit closes its database; here the command's connections are closed
        # by hand, so no pooled connection keeps its locks into the rest of the test.
        for database in _open_databases() - opened_before:
            database.dispose()
    texts = []
    for captured in (out, err):
        captured.flush()
        texts.append(captured.buffer.getvalue().decode("utf-8", "replace"))  # type: ignore[attr-defined]
    return subprocess.CompletedProcess(["floorman", *argv], status, texts[0], texts[1])


def _open_databases() -> set[Any]:
    """Every floor Database object alive in this interpreter now (data.db.OPENED)."""
    from floorman.data.db import OPENED

    return set(OPENED)


def _environment(
    changes: dict[str, str | None], base: dict[str, str] | None = None
) -> dict[str, str]:
    merged = dict(os.environ if base is None else base)
    for name, value in changes.items():
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = value
    return merged


def cheap_pin_hasher() -> Any:
    """Real argon2id, with parameters cheap enough for a test suite on two cores."""
    from argon2 import PasswordHasher, Type

    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID)


def tomorrow_mid_shift(zone: Any) -> Any:
    """10:00 local time tomorrow (in `zone`), as UTC: a day ahead of the wall clock, for
    app tests whose alerts must not be due yet for APScheduler (it keeps wall time), and
    mid-shift, so no handover reminder of a shift's end fires in the middle of a test (the
    wall time of day a run meets must not decide what it finds)."""
    from datetime import UTC, datetime, timedelta

    tomorrow = datetime.now(zone) + timedelta(days=1)
    return tomorrow.replace(hour=10, minute=0, second=0, microsecond=0).astimezone(UTC)
