"""PINs: the masked `Pin` that carries one, its shape, and the argon2id hash kept of it.

A PIN travels as a `Pin`, whose repr is masked, so it never shows in a traceback that
prints local variables, a log or the journal. PINs are 4 to 12 digits.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from floorman.domain.core.errors import FloorError

_PIN_SHAPE = re.compile(r"[0-9]{4,12}")


class Pin:
    """A PIN in transit; its repr and str are masked so it never lands in a log or trace."""

    __slots__ = ("_digits",)

    def __init__(self, digits: str) -> None:
        self._digits = digits

    def reveal(self) -> str:
        return self._digits

    def __repr__(self) -> str:
        return "Pin(****)"

    __str__ = __repr__


def as_pin(value: Pin | str) -> Pin:
    return value if isinstance(value, Pin) else Pin(value)


def check_pin_shape(pin: Pin) -> None:
    """Refuse a PIN that is not 4 to 12 digits; the message never repeats the PIN."""
    if not _PIN_SHAPE.fullmatch(pin.reveal()):
        raise FloorError("a PIN is 4 to 12 digits (0-9)")


# The cost of one PIN check, stated (README) and measured (bench/pin_verify.py): argon2id,
# RFC 9106's second recommended option (3 passes over 64 MiB), 4 lanes. A PIN has few
# digits, so the hash is not what protects it from a guesser at the floor (the back-off
# is); it makes a stolen database slow to search: every guess costs this much memory
# and time, per operator (each hash has its own 16-byte salt).
ARGON2_PARAMETERS: dict[str, int] = {
    "time_cost": 3,
    "memory_cost": 64 * 1024,  # KiB
    "parallelism": 4,
    "hash_len": 32,
    "salt_len": 16,
}


@cache
def _default_hasher() -> Any:
    from argon2 import PasswordHasher, Type

    cost = ARGON2_PARAMETERS
    return PasswordHasher(
        time_cost=cost["time_cost"],
        memory_cost=cost["memory_cost"],
        parallelism=cost["parallelism"],
        hash_len=cost["hash_len"],
        salt_len=cost["salt_len"],
        type=Type.ID,
    )


_hasher_override: Any = None


def use_hasher(hasher: Any) -> None:
    """Use another argon2 PasswordHasher (tests use cheap parameters); None restores."""
    global _hasher_override
    _hasher_override = hasher


def hasher() -> Any:
    return _hasher_override or _default_hasher()


def hash_pin(pin: Pin) -> str:
    return str(hasher().hash(pin.reveal()))


def pin_matches(pin_hash: str, pin: Pin) -> bool:
    """True when `pin` is the one hashed in `pin_hash`; a damaged hash matches nothing."""
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return bool(hasher().verify(pin_hash, pin.reveal()))
    except (VerificationError, InvalidHashError):
        return False
