"""Administration of personal information at rest: key rotation (`icpflow db rotate-keys`).

Rotation, step by step: put the new key first in `ICPFLOW_ENCRYPTION_KEYS` and keep the old one after
it (`k2:<new>,k1:<old>`); restart; run `rotate_keys`, which re-encrypts every encrypted value, and
re-computes every blind index, under the new key (`adapters/db/rotation.py`); then drop the old key.
Everything stays readable throughout: tokens name their key and lookups try the index under every known
key. The same run also encrypts rows written before encryption existed (migration 0004).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Protocol


class KeyRotationStore(Protocol):
    """What rotation needs of the database (`adapters/db/rotation.py`): one batch of one table at a time."""

    def encrypted_tables(self) -> Sequence[str]: ...

    def reencrypt(self, table: str, after: str | int | None, limit: int) -> tuple[int, str | int | None]: ...

    def commit(self) -> None: ...


def rotate_keys(uow: Callable[[], AbstractContextManager[KeyRotationStore]], *, batch: int = 500) -> int:
    """Re-encrypt every row holding personal information under the current key, one transaction per
    batch (so a long run holds no long locks and can be stopped and run again). Returns how many rows
    were rewritten; a second run right after returns 0."""
    with uow() as store:
        tables = list(store.encrypted_tables())
    rewritten = 0
    for table in tables:
        after: str | int | None = None
        while True:
            with uow() as store:
                count, after = store.reencrypt(table, after, batch)
                store.commit()
            rewritten += count
            if after is None:
                break
    return rewritten
