"""Setting up the central server: its schema, and one site (a code and its own role).

Run by the central database's owner. A site's role is a login role, member of
`floorman_site`; its password is set by the DBA (psql `\\password`) or it uses
certificates: floorman never handles it.
"""

from __future__ import annotations

import re

from sqlalchemy import Engine, text

from floorman.domain.core.errors import FloorError

SITE_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
HQ_GROUPS = {"read": "floorman_hq", "post": "floorman_hq_post"}


def _check_role(role: str) -> None:
    if not ROLE_NAME.match(role):
        raise FloorError(
            "role name {role}: lower-case letters, digits and _ only", role=f"{role!r}"
        )


def _ensure_role(conn: object, role: str, group: str) -> None:
    # Identifiers cannot be bound parameters; the name was checked against ROLE_NAME.
    exists = conn.execute(  # type: ignore[attr-defined]
        text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}
    ).first()
    if exists is None:
        conn.execute(text(f'CREATE ROLE "{role}" LOGIN'))  # type: ignore[attr-defined]
    conn.execute(text(f'GRANT {group} TO "{role}"'))  # type: ignore[attr-defined]


def add_site(engine: Engine, code: str, role: str, name: str = "") -> None:
    """Register a site and give its role the site rights (creating the role if missing)."""
    if not SITE_CODE.match(code):
        raise FloorError(
            "site code {code}: lower-case letters, digits, - and _ only", code=f"{code!r}"
        )
    _check_role(role)
    with engine.begin() as conn:
        held = conn.execute(
            text("SELECT code FROM site WHERE code = :c OR role_name = :r"), {"c": code, "r": role}
        ).first()
        if held is not None:
            raise FloorError(
                "site {code} or role {role} is already registered", code=code, role=role
            )
        _ensure_role(conn, role, "floorman_site")
        conn.execute(
            text("INSERT INTO site (code, role_name, name) VALUES (:c, :r, :n)"),
            {"c": code, "r": role, "n": name},
        )
        conn.execute(text("INSERT INTO site_chain (site) VALUES (:c)"), {"c": code})


def add_hq_role(engine: Engine, role: str, *, can_post: bool = False) -> None:
    """A login role for HQ: reads every site; with `can_post`, may post notices too."""
    _check_role(role)
    with engine.begin() as conn:
        _ensure_role(conn, role, HQ_GROUPS["post" if can_post else "read"])
