"""The store (`services.ports.Store`) on SQLAlchemy Core: SQLite by default, PostgreSQL at scale.

The only code that commits. Applications and subjects are saved with compare-and-set on `version`;
timers and the outbox are claimed with `FOR UPDATE SKIP LOCKED` on PostgreSQL so several workers share
the load (on SQLite the clause is ignored and a single worker runs).

Personal information is encrypted here, on the way in, and decrypted on the way out, so the services
and the domain only ever see plaintext and the database never does (`FieldCipher`): the personal values
of application documents (`domain.pii.pii_paths`), subjects' certificate numbers, the phones of the
MIIT SMS inbox, and the recipients of e-mail and SMS notifications in the outbox. Equality lookups go
through blind indexes (`certificate_index`, `phone_index`). Rows from before migration 0004 may still
hold plaintext: they are read as they are, and key rotation (`rotation.py`) encrypts them.

`SqlStore` combines one mixin per noun, each in its own module over the shared `store_base.StoreBase`:
applications and their events (`applications_store`), subjects, programs, filing records and serials
(`registry_store`), timers, the outbox, in-site messages and webhooks (`queue_store`), and the SMS inbox,
submission quota and face tasks (`regulator_store`). This module builds the store on a connection,
commits, and opens units of work.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Connection, Engine

from ..crypto import FieldCipher
from .accounts_store import SqlAccountStore
from .applications_store import ApplicationsMixin
from .queue_store import _INSERT_OUTBOX_NEW, PERSONAL_CHANNELS, QueueMixin
from .registry_store import RegistryMixin
from .regulator_store import RegulatorMixin

__all__ = ["PERSONAL_CHANNELS", "SqlStore", "SqlUnitOfWork"]


class SqlStore(ApplicationsMixin, RegistryMixin, QueueMixin, RegulatorMixin):
    def __init__(self, conn: Connection, cipher: FieldCipher) -> None:
        self.conn = conn
        self.cipher = cipher
        self._postgres = conn.dialect.name == "postgresql"
        self._insert_outbox_new = _INSERT_OUTBOX_NEW.get(conn.dialect.name)

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested transaction: an error inside rolls back only what the block wrote, and is re-raised."""
        with self.conn.begin_nested():
            yield

    def commit(self) -> None:
        self.conn.commit()


class SqlUnitOfWork:
    """`with uow() as store:` opens a transaction; `store.commit()` commits; leaving rolls back the rest.
    Personal information is encrypted and decrypted with `cipher` (see the module docstring)."""

    def __init__(self, engine: Engine, cipher: FieldCipher) -> None:
        self.engine = engine
        self.cipher = cipher

    @contextmanager
    def __call__(self) -> Iterator[SqlStore]:
        with self.engine.connect() as conn:
            try:
                yield SqlStore(conn, self.cipher)
            finally:
                if conn.in_transaction():
                    conn.rollback()

    @contextmanager
    def read(self) -> Iterator[SqlStore]:
        """A store for one read-only statement (a status read): on PostgreSQL the connection runs in
        autocommit, so the statement is its own transaction and no `BEGIN` and `ROLLBACK` round trips
        surround it (two of the three a status read made, bench/api.py). Nothing may be written through
        it. SQLite: an ordinary transaction."""
        if self.engine.dialect.name != "postgresql":
            with self() as store:
                yield store
            return
        with self.engine.connect() as conn:
            # On the driver's connection, not SQLAlchemy's isolation_level option: that one resets the
            # connection on its return to the pool at about the cost of the round trips it saves.
            driver = conn.connection.driver_connection
            driver.autocommit = True  # type: ignore[union-attr]
            try:
                yield SqlStore(conn, self.cipher)
            finally:
                conn.rollback()  # SQLAlchemy's bookkeeping only: in autocommit the driver has nothing to end
                driver.autocommit = False  # type: ignore[union-attr]

    @contextmanager
    def with_accounts(self) -> Iterator[tuple[SqlStore, SqlAccountStore]]:
        """One transaction for the workflow and the accounts tables (a request that acts and records its
        Idempotency-Key): one connection, one commit — `store.commit()` commits both."""
        with self() as store:
            yield store, SqlAccountStore(store.conn)
