"""Number checks shared by the staffing calculations: finite inputs, rounding up without
float noise.
"""

from __future__ import annotations

import math

from floorman.domain.core.errors import FloorError

# Tolerance for float noise before rounding up (14 / 0.7 is 20.000000000000004).
FLOAT_NOISE = 1e-9


def ceil_up(value: float) -> int:
    """Round up, ignoring float noise below one part in a billion."""
    return math.ceil(value - FLOAT_NOISE)


def check_finite(value: float, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise FloorError("{name} must be a number, got {value!r}", name=name, value=value)
    return float(value)
