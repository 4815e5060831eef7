"""The journal's key and its head anchor: two small files kept beside the database.

An unkeyed SHA-256 chain can be recomputed by anyone who edits the file; so each journal
row's hash is an HMAC under a per-floor key that lives outside the database file:

- `<db>.journal-key` (owner-only): the key, and the first journal row it signs
  (`keyed_from`; rows of a database older than the key keep their SHA-256 hashes).
- `<db>.journal-head` (owner-only): the last committed row's seq and hash, with an HMAC
  over them, rewritten after each commit. Deleting the newest rows of the journal leaves
  a valid chain, but no longer reaches the anchored head: `floorman check` says so.

What this protects against: someone who can write the database file but not read the
key (a copied or stolen file, a script run as another user, an edit with the sqlite3
shell). What it cannot: someone who holds the key (root or the floor's own account on
the floor host) can rewrite the chain, the anchor and the key together; the copies kept
elsewhere (backups, the central server when sites sync) are what catch them.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from floorman.translated import TranslatedError


class AnchorDamaged(TranslatedError, ValueError):
    """The key file or a journal anchor is damaged or forged: every row it would prove is
    unverifiable (`floorman check` reports it; a ValueError for the callers that skip it)."""


@dataclass(frozen=True)
class JournalKey:
    """The floor's journal key and the first row (seq) it signs."""

    secret: bytes
    keyed_from: int

    def sign(self, payload: bytes) -> str:
        return hmac.new(self.secret, payload, hashlib.sha256).hexdigest()

    def hmac_pads(self) -> tuple[bytes, bytes]:
        """The key XOR ipad and XOR opad (RFC 2104): what a verifier without an HMAC
        function needs, e.g. the central server's SQL (sha256(opad || sha256(ipad || m)))."""
        block = self.secret if len(self.secret) <= 64 else hashlib.sha256(self.secret).digest()
        block = block.ljust(64, b"\0")
        return bytes(b ^ 0x36 for b in block), bytes(b ^ 0x5C for b in block)


@dataclass(frozen=True)
class HeadAnchor:
    """The journal's head as last committed: its seq and hash."""

    seq: int
    hash: str


def key_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".journal-key")


def head_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".journal-head")


def _write_private(path: Path, text: str, *, exclusive: bool) -> bool:
    """Write `text` owner-only; with `exclusive`, only if the file does not exist yet."""
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    target = path if exclusive else path.with_name(f".{path.name}.{os.getpid()}")
    try:
        fd = os.open(target, flags | (os.O_EXCL if exclusive else os.O_TRUNC), 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
        if exclusive:
            handle.flush()
            os.fsync(handle.fileno())
    if not exclusive:
        os.replace(target, path)
    return True


def load_key(db_path: Path) -> JournalKey | None:
    """The floor's key, or None when it has none yet (raises ValueError when damaged)."""
    try:
        raw = key_path(db_path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        data = json.loads(raw)
        return JournalKey(bytes.fromhex(data["key"]), int(data["keyed_from"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise AnchorDamaged(
            "{path}: damaged journal key file", path=str(key_path(db_path))
        ) from exc


def create_key(db_path: Path, keyed_from: int) -> JournalKey:
    """Create the key (signing rows from `keyed_from` on); another process's wins a race."""
    secret = secrets.token_bytes(32)
    text = json.dumps({"key": secret.hex(), "keyed_from": keyed_from})
    if not _write_private(key_path(db_path), text + "\n", exclusive=True):
        existing = load_key(db_path)
        assert existing is not None
        return existing
    return JournalKey(secret, keyed_from)


def write_head(db_path: Path, key: JournalKey, anchor: HeadAnchor) -> None:
    """Anchor the committed head outside the database (best effort: never fails a commit)."""
    signature = key.sign(f"{anchor.seq}:{anchor.hash}".encode())
    text = json.dumps({"seq": anchor.seq, "hash": anchor.hash, "mac": signature})
    with contextlib.suppress(OSError):
        _write_private(head_path(db_path), text + "\n", exclusive=False)


def read_head(db_path: Path, key: JournalKey) -> HeadAnchor | None:
    """The anchored head; ValueError when the anchor file was forged or damaged."""
    try:
        raw = head_path(db_path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        data = json.loads(raw)
        anchor = HeadAnchor(int(data["seq"]), str(data["hash"]))
        mac = str(data["mac"])
    except (ValueError, KeyError, TypeError) as exc:
        raise AnchorDamaged(
            "{path}: damaged journal head anchor", path=str(head_path(db_path))
        ) from exc
    if not hmac.compare_digest(mac, key.sign(f"{anchor.seq}:{anchor.hash}".encode())):
        raise AnchorDamaged(
            "{path}: journal head anchor does not match the key", path=str(head_path(db_path))
        )
    return anchor


def anchor_text(key: JournalKey, anchor: HeadAnchor) -> str:
    """The head as `seq:hash:mac`, to be kept in a copy outside the journal (a handover)."""
    return f"{anchor.seq}:{anchor.hash}:{key.sign(f'{anchor.seq}:{anchor.hash}'.encode())}"


def parse_anchor(text: str, key: JournalKey | None) -> HeadAnchor:
    """An anchor written by `anchor_text`; ValueError when damaged or not signed by `key`."""
    try:
        seq_text, digest, mac = text.split(":")
        anchor = HeadAnchor(int(seq_text), digest)
    except ValueError as exc:
        raise AnchorDamaged("damaged journal anchor") from exc
    if key is not None and not hmac.compare_digest(
        mac, key.sign(f"{anchor.seq}:{anchor.hash}".encode())
    ):
        raise AnchorDamaged("journal anchor does not match the key (forged)")
    return anchor
