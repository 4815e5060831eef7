"""What floorman keeps of a visitor's phone and ID number, and how it shows them.

The ID number itself is never stored: only an HMAC keyed with a random secret kept in
the database, and its last four characters. Phones are stored normalised and shown
masked.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from sqlmodel import Session

from floorman.data.tables.visitors import VisitorSecret
from floorman.domain.core.context import Floor
from floorman.domain.core.errors import FloorError
from floorman.domain.visitors.records import checked_text

SECRET_NAME = "floorman_secret"
# What a purged field reads afterwards.
PURGED = "(purged)"
_PHONE_CHARS = re.compile(r"^\+?[0-9 ()\-]+$")
_ID_CHARS = re.compile(r"^[0-9A-Za-z\-]+$")


def mask_phone(phone: str | None) -> str | None:
    """Show only the last four digits of a phone number: `*******5678`."""
    if not phone:
        return None
    keep = 4 if len(phone) >= 8 else 2 if len(phone) >= 5 else 0
    return "*" * (len(phone) - keep) + phone[len(phone) - keep :]


def mask_id(last4: str | None) -> str | None:
    """An ID number as floorman can show it: stars and its last four characters."""
    return f"****{last4}" if last4 else None


def normalise_phone(value: str | None) -> str | None:
    """A phone number as stored: a leading + kept, then digits only."""
    text = checked_text(value, "phone", max_len=32)
    if text is None:
        return None
    if not _PHONE_CHARS.match(text):
        raise FloorError("phone may contain only digits, spaces, +, - and brackets")
    digits = re.sub(r"[^0-9]", "", text)
    if len(digits) < 3:
        raise FloorError("phone needs at least 3 digits")
    return ("+" if text.startswith("+") else "") + digits


def phone_digits(phone: str | None) -> str:
    """Only the digits of a phone number (for comparing)."""
    return re.sub(r"[^0-9]", "", phone or "")


def normalise_id(value: str | None) -> str | None:
    """An ID number without spaces, upper case; refused when it cannot be one."""
    text = checked_text(value, "ID number", max_len=40)
    if text is None:
        return None
    text = text.replace(" ", "").upper()
    if not _ID_CHARS.match(text) or len(text) < 4:
        raise FloorError("ID number must be at least 4 letters or digits")
    return text


def _secret(session: Session, floor: Floor) -> bytes:
    """The random key for ID hashes, created in the caller's transaction on first use."""
    row = session.get(VisitorSecret, SECRET_NAME)
    if row is None:
        row = VisitorSecret(
            name=SECRET_NAME, value=secrets.token_hex(32), created_at=floor.clock.now()
        )
        session.add(row)
        session.flush()
    return bytes.fromhex(row.value)


def id_hash(session: Session, floor: Floor, id_number: str) -> str:
    """The keyed hash under which an ID number is stored (HMAC-SHA256)."""
    normalised = normalise_id(id_number)
    if normalised is None:
        raise FloorError("ID number must not be empty")
    return hmac.new(_secret(session, floor), normalised.encode(), hashlib.sha256).hexdigest()
