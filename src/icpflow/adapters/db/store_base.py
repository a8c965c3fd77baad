"""What every part of `SqlStore` shares: its connection and cipher, and the few statement helpers
(one row, a row lock on PostgreSQL, the first row of a counter, a blind-index equality).

The parts themselves (`applications_store`, `registry_store`, `queue_store`, `regulator_store`) are
mixins of this base; `store.SqlStore` combines them and sets the attributes declared here.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from ..crypto import FieldCipher


class StoreBase:
    conn: Connection
    cipher: FieldCipher
    _postgres: bool

    # ----- personal information at rest ------------------------------------------------------------
    def _equals(self, index: sa.ColumnElement[Any], column: sa.ColumnElement[Any], value: str) -> Any:
        """Rows whose encrypted `column` holds `value`: its blind index under any known key, or (rows from
        before 0004, not yet indexed) the plaintext itself."""
        return sa.or_(index.in_(self.cipher.blind_indexes(value)), sa.and_(index.is_(None), column == value))

    def _one(self, stmt: sa.Select[Any]) -> RowMapping | None:
        return self.conn.execute(stmt).mappings().first()

    def _lock(self, stmt: sa.Select[Any], lock: bool) -> sa.Select[Any]:
        return stmt.with_for_update() if lock and self._postgres else stmt

    def _insert_first(self, stmt: sa.Insert) -> bool:
        """Insert the first row of a counter; False when a concurrent transaction inserted it first (there
        was no row to lock). The savepoint keeps this transaction usable after the unique violation."""
        try:
            with self.conn.begin_nested():
                self.conn.execute(stmt)
        except sa.exc.IntegrityError:
            return False
        return True
