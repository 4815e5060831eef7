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
) -> subprocess.CompletedProcess[str]:
    """Run `python -m floorman [--db DB] [--config C] [--operator OP] ARGS...`.

    `env` is added to this process's environment; a name mapped to None is removed."""
    command = [sys.executable, "-m", "floorman"]
    if db is not None:
        command += ["--db", str(db)]
    if config is not None:
        command += ["--config", str(config)]
    if operator is not None:
        command += ["--operator", operator]
    return subprocess.run(
        [*command, *args],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=timeout,
        env=None if env is None else _environment(env),
        check=False,
    )


def _environment(changes: dict[str, str | None]) -> dict[str, str]:
    merged = dict(os.environ)
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
