"""Accounts, API keys, sessions, the audit log and idempotency keys on SQLAlchemy Core."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, RowMapping

from ...domain.accounts import Account, Role
from . import tables as t


def _account(row: RowMapping) -> Account:
    return Account(id=row["id"], username=row["username"], display_name=row["display_name"], role=Role(row["role"]),
                   password_hash=row["password_hash"], failed_logins=row["failed_logins"],
                   locked_until=row["locked_until"], created_at=row["created_at"])


class SqlAccountStore:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def _one(self, stmt: Any) -> RowMapping | None:
        return self.conn.execute(stmt).mappings().first()

    # accounts
    def add_account(self, account: Account) -> None:
        self.conn.execute(t.accounts.insert().values(
            id=account.id, username=account.username, display_name=account.display_name, role=account.role.value,
            password_hash=account.password_hash, failed_logins=0, created_at=account.created_at))

    def account_by_username(self, username: str) -> Account | None:
        row = self._one(sa.select(t.accounts).where(t.accounts.c.username == username))
        return None if row is None else _account(row)

    def account(self, account_id: str) -> Account | None:
        row = self._one(sa.select(t.accounts).where(t.accounts.c.id == account_id))
        return None if row is None else _account(row)

    def record_login(self, account: Account) -> None:
        self.conn.execute(t.accounts.update().where(t.accounts.c.id == account.id).values(
            failed_logins=account.failed_logins, locked_until=account.locked_until))

    # API keys
    def add_api_key(self, key_id: str, account_id: str, prefix: str, key_hash: str, scopes: list[str],
                    now: dt.datetime) -> None:
        self.conn.execute(t.api_keys.insert().values(id=key_id, account_id=account_id, prefix=prefix,
                                                     key_hash=key_hash, scopes=scopes, created_at=now))

    def api_key(self, key_hash: str) -> tuple[Account, list[str]] | None:
        """The key's account and scopes, in one query (every API request asks this)."""
        stmt = (sa.select(t.accounts, t.api_keys.c.scopes)
                .join(t.api_keys, t.api_keys.c.account_id == t.accounts.c.id)
                .where(t.api_keys.c.key_hash == key_hash, t.api_keys.c.revoked_at.is_(None)))
        row = self._one(stmt)
        return None if row is None else (_account(row), list(row["scopes"]))

    # sessions
    def add_session(self, token_hash: str, account_id: str, csrf: str, now: dt.datetime, expires: dt.datetime) -> None:
        self.conn.execute(t.sessions.insert().values(token_hash=token_hash, account_id=account_id, csrf_token=csrf,
                                                     created_at=now, expires_at=expires))

    def session(self, token_hash: str, now: dt.datetime) -> tuple[Account, str] | None:
        row = self._one(sa.select(t.sessions).where(t.sessions.c.token_hash == token_hash,
                                                    t.sessions.c.expires_at > now))
        if row is None:
            return None
        account = self.account(row["account_id"])
        return None if account is None else (account, str(row["csrf_token"]))

    def delete_session(self, token_hash: str) -> None:
        self.conn.execute(t.sessions.delete().where(t.sessions.c.token_hash == token_hash))

    # audit
    def audit(self, account_id: str, action: str, target: str, detail: dict[str, Any], now: dt.datetime) -> None:
        self.conn.execute(t.audit_log.insert().values(at=now, account_id=account_id, action=action, target=target,
                                                      detail=detail))

    def audit_entries(self, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
        stmt = sa.select(t.audit_log).order_by(t.audit_log.c.id.desc()).limit(limit).offset(offset)
        return [{"at": r["at"].isoformat(), "account_id": r["account_id"], "action": r["action"],
                 "target": r["target"], "detail": r["detail"]} for r in self.conn.execute(stmt).mappings()]

    # idempotency
    def idempotent(self, account_id: str, key: str) -> tuple[str, int, Any] | None:
        c = t.idempotency_keys.c
        row = self._one(sa.select(t.idempotency_keys).where(c.account_id == account_id, c.key == key))
        return None if row is None else (str(row["request_hash"]), int(row["status"]), row["body"])

    def remember(self, account_id: str, key: str, request_hash: str, status: int, body: Any, now: dt.datetime) -> None:
        self.conn.execute(t.idempotency_keys.insert().values(account_id=account_id, key=key, request_hash=request_hash,
                                                             status=status, body=body, created_at=now))

    def commit(self) -> None:
        self.conn.commit()


class SqlAccountsUnitOfWork:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def __call__(self) -> Iterator[SqlAccountStore]:
        with self.engine.connect() as conn:
            try:
                yield SqlAccountStore(conn)
            finally:
                if conn.in_transaction():
                    conn.rollback()
