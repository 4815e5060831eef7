"""Every table of the floor, one module per panel; `all_models()` gathers them.

Importing this package imports none of its modules: a command imports the tables it
uses (`floorman event` needs the floor's and the operators', not the visitors'), and
SQLModel builds each table class on import, which costs. `all_models()` imports every
module by name, plainly, for Alembic and the schema tests; a new table module is added
to it (tests/unit/test_tables_package.py fails otherwise).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlmodel import SQLModel


def all_models() -> type[SQLModel]:
    """Import every table module so SQLModel.metadata holds the whole schema."""
    from sqlmodel import SQLModel

    from floorman.data.tables import (  # noqa: F401  (imported for their tables)
        attendance,
        away,
        emergency,
        feeds,
        floor,
        handover,
        operators,
        reliability,
        roll_call,
        staffing,
        sync,
        visitors,
    )

    return SQLModel
