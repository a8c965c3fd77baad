"""Key rotation on the database (`services/pii_admin.py`, `icpflow db rotate-keys`): every row holding
personal information re-encrypted, and re-indexed, under the current key — and rows written before
encryption existed (migration 0004) encrypted — a batch at a time.

Rows are rewritten with compare-and-set (an application on its version, which is left as it is: rotation
is not an edit; a subject or SMS on its old token), so a row changed meanwhile is left to its writer;
running again catches it. Outbox payloads never change after they are written.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, RowMapping

from ...domain.pii import map_pii, pii_paths
from ..crypto import FieldCipher
from . import tables as t
from .store import PERSONAL_CHANNELS

#: the tables `reencrypt` walks, in this order
ENCRYPTED_TABLES = ("subjects", "applications", "sms_inbox", "outbox")


def _value_at(document: Mapping[str, Any], path: Sequence[str]) -> Any:
    node: Any = document
    for key in path:
        node = node.get(key) if isinstance(node, Mapping) else None
    return node


class SqlKeyRotation:
    """One transaction of a rotation (`services.pii_admin.KeyRotationStore`)."""

    def __init__(self, conn: Connection, cipher: FieldCipher) -> None:
        self.conn = conn
        self.cipher = cipher

    def encrypted_tables(self) -> Sequence[str]:
        return ENCRYPTED_TABLES

    def reencrypt(self, table: str, after: str | int | None, limit: int) -> tuple[int, str | int | None]:
        """Rewrite the rows of `table` after primary key `after` (up to `limit` of them) whose personal
        values are under an older key or in plaintext, or whose blind index is. Returns (rows rewritten,
        the cursor for the next batch, or None when the table is done)."""
        rotate = {"subjects": self._subject, "applications": self._application, "sms_inbox": self._sms,
                  "outbox": self._outbox}[table]
        rows_of = t.metadata.tables[table]
        stmt = sa.select(rows_of).order_by(rows_of.c.id).limit(limit)
        if after is not None:
            stmt = stmt.where(rows_of.c.id > after)
        rows = list(self.conn.execute(stmt).mappings())
        rewritten = sum(rotate(row) for row in rows)
        return rewritten, (rows[-1]["id"] if len(rows) == limit else None)

    def commit(self) -> None:
        self.conn.commit()

    def _fresh(self, token: str, index: str | None, plain: str) -> bool:
        """Whether an encrypted value and its blind index are both under the current key."""
        return self.cipher.is_current(token) and index == self.cipher.blind_index(plain)

    def _subject(self, row: RowMapping) -> int:
        c = t.subjects.c
        plain = self.cipher.reveal(row["certificate_number"])
        if self._fresh(row["certificate_number"], row["certificate_index"], plain):
            return 0
        return self.conn.execute(t.subjects.update().where(
            c.id == row["id"], c.certificate_number == row["certificate_number"]).values(
            certificate_number=self.cipher.encrypt(plain), certificate_index=self.cipher.blind_index(plain))).rowcount

    def _application(self, row: RowMapping) -> int:
        c = t.applications.c
        document = dict(row["document"])
        values = [_value_at(document, path) for path, _ in pii_paths(document)]
        if all(self.cipher.is_current(v) for v in values if isinstance(v, str) and v):
            return 0
        sealed = map_pii(document, lambda value, _kind: self.cipher.encrypt(self.cipher.reveal(value)))
        return self.conn.execute(t.applications.update().where(c.id == row["id"], c.version == row["version"])
                                 .values(document=sealed)).rowcount

    def _sms(self, row: RowMapping) -> int:
        c = t.sms_inbox.c
        plain = self.cipher.reveal(row["phone"])
        if self._fresh(row["phone"], row["phone_index"], plain):
            return 0
        return self.conn.execute(t.sms_inbox.update().where(c.id == row["id"], c.phone == row["phone"]).values(
            phone=self.cipher.encrypt(plain), phone_index=self.cipher.blind_index(plain))).rowcount

    def _outbox(self, row: RowMapping) -> int:
        payload = dict(row["payload"])
        recipient = payload.get("recipient")
        if row["kind"] != "notify" or payload.get("channel") not in PERSONAL_CHANNELS \
                or not isinstance(recipient, str) or not recipient or self.cipher.is_current(recipient):
            return 0
        sealed = {**payload, "recipient": self.cipher.encrypt(self.cipher.reveal(recipient))}
        return self.conn.execute(t.outbox.update().where(t.outbox.c.id == row["id"]).values(payload=sealed)).rowcount


class SqlKeyRotationUnitOfWork:
    """`with uow() as rotation:` one transaction of a rotation, under `cipher` (the new key first)."""

    def __init__(self, engine: Engine, cipher: FieldCipher) -> None:
        self.engine = engine
        self.cipher = cipher

    @contextmanager
    def __call__(self) -> Iterator[SqlKeyRotation]:
        with self.engine.connect() as conn:
            try:
                yield SqlKeyRotation(conn, self.cipher)
            finally:
                if conn.in_transaction():
                    conn.rollback()
