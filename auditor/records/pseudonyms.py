"""Child identifiers replaced on input by a keyed hash, so that no output names a child by their system id.

HMAC-SHA256 with a key the user holds: the same key gives the same pseudonym in every round (so a board can
follow a child across rounds, and an analyst holding the key can find the record again), while without the key
the pseudonym cannot be reversed or recomputed from a guessed id. No key given: a random one is made and
written beside the output (readable by its owner only), and the user is told to keep it or destroy it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from ..errors import InputError, Problem

KEY_FILE = "pseudonym.key"
_SAFE_ID = re.compile(r"[A-Za-z0-9_.-]{1,64}")


class Pseudonyms:
    """`name(raw)` gives the case id a child is known by in every output."""

    def __init__(self, key: bytes | None, keep_ids: bool = False):
        self.key, self.keep_ids = key, keep_ids

    def name(self, raw: str) -> str:
        raw = raw.strip()
        if self.keep_ids:
            if not _SAFE_ID.fullmatch(raw):
                raise ValueError("with --keep-ids a child id must be letters, digits, '-', '_' or '.', "
                                 "at most 64 characters")
            return f"child-{raw}"
        digest = hmac.new(self.key or b"", raw.encode("utf-8"), hashlib.sha256).hexdigest()
        return f"child-{digest[:16]}"


def read_key(path: Path) -> bytes:
    try:
        key = path.read_bytes().strip()
    except OSError as exc:
        raise InputError([Problem(str(path), None, "--key", f"cannot read the key ({exc.strerror})")],
                         consequence="nothing was read") from None
    if len(key) < 16:
        raise InputError([Problem(str(path), None, "--key", "the key is shorter than 16 bytes: too easy to guess")],
                         consequence="nothing was read")
    return key


def new_key(folder: Path) -> tuple[bytes, Path]:
    """A random key, written to FOLDER/pseudonym.key for the owner's eyes only."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / KEY_FILE
    key = secrets.token_hex(32).encode("ascii")
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(key + b"\n")
    return key, path
