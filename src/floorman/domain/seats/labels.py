"""What a seat type is called on screen, in the floor's language.

The stored seat types are ids (`value_added`, `info_editing`, data/tables/floor.SEAT_TYPES);
the seat detail and any list that names a seat's type shows this label instead.
"""

from __future__ import annotations

from floorman.i18n import t

SEAT_TYPE_LABELS: dict[str, str] = {
    "general": "General service",
    "user": "User service",
    "value_added": "Value-added service",
    "vip": "VIP service",
    "internal_help": "Internal help desk",
    "escalation": "Escalations",
    "quality": "Quality inspection",
    "data_analysis": "Data analysis",
    "training": "Training",
    "info_editing": "Information editing",
    "maintenance": "Maintenance",
}


def seat_type_label(seat_type: str) -> str:
    """The seat type's name in the current language (an unknown type is shown as stored)."""
    label = SEAT_TYPE_LABELS.get(seat_type)
    return t(label) if label is not None else seat_type
