"""Where uploaded attachments live: a local directory (the default) or S3-compatible object storage.

Both are content-addressed: an object's id is the SHA-256 of its bytes in lowercase hex, and an id of
any other form names no object (so no id can reach outside the store: no `..`, no `/`).
"""

from __future__ import annotations

import hashlib
import re

from ...domain.errors import NotFound

_OBJECT_ID = re.compile(r"[0-9a-f]{64}")


def object_id(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def checked_id(candidate: str) -> str:
    """`candidate` when it is a well-formed object id; `NotFound` otherwise (it names no object)."""
    if not isinstance(candidate, str) or not _OBJECT_ID.fullmatch(candidate):
        raise NotFound("附件", str(candidate)[:80])
    return candidate


def is_object_id(candidate: str) -> bool:
    return isinstance(candidate, str) and _OBJECT_ID.fullmatch(candidate) is not None
