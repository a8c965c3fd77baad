"""Accounts, API keys, sessions, the audit log and idempotency keys on SQLAlchemy Core."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine, RowMapping

from ...domain.accounts import Account, Role
from . import tables as t

# Every API request authenticates and every idempotent one looks its key up: these statements are built
# once, with bind parameters (building one costs about as much as running it; see applications_store.py).
_API_KEY = (sa.select(t.accounts, t.api_keys.c.scopes)
            .join(t.api_keys, t.api_keys.c.account_id == t.accounts.c.id)
            .where(t.api_keys.c.key_hash == sa.bindparam("key_hash"), t.api_keys.c.revoked_at.is_(None)))
_I = t.idempotency_keys.c
_IDEMPOTENT = sa.select(_I.request_hash, _I.status, _I.body).where(
    _I.account_id == sa.bindparam("account_id"), _I.key == sa.bindparam("key"))
_INSERT_IDEMPOTENT = t.idempotency_keys.insert()
#: a concurrent request with the same key waits for the first and inserts nothing (instead of failing)
_INSERT_IDEMPOTENT_NEW: dict[str, sa.Insert] = {
    name: insert(t.idempotency_keys).on_conflict_do_nothing(index_elements=["account_id", "key"])
    .execution_options(preserve_rowcount=True)  # SQLAlchemy reports an INSERT's rowcount only when asked
    for name, insert in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert))
}


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
        row = self.conn.execute(_API_KEY, {"key_hash": key_hash}).mappings().first()
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

    def audit_entries(self, limit: int = 100, offset: int = 0, *, action: str | None = None,
                      actor: str | None = None, target: str | None = None, since: dt.datetime | None = None,
                      until: dt.datetime | None = None) -> list[dict[str, Any]]:
        """Newest first. Optional filters: the action, the actor (username or account id), the target (an
        application id, …), a period (`since` inclusive, `until` exclusive)."""
        c, who = t.audit_log.c, t.accounts.c
        stmt = (sa.select(t.audit_log, who.username)
                .select_from(t.audit_log.outerjoin(t.accounts, who.id == c.account_id))
                .order_by(c.id.desc()).limit(limit).offset(offset))
        if action:
            stmt = stmt.where(c.action == action)
        if actor:
            stmt = stmt.where(sa.or_(who.username == actor, c.account_id == actor))
        if target:
            stmt = stmt.where(c.target == target)
        if since is not None:
            stmt = stmt.where(c.at >= since)
        if until is not None:
            stmt = stmt.where(c.at < until)
        return [{"at": r["at"].isoformat(), "account_id": r["account_id"], "username": r["username"] or "",
                 "action": r["action"], "target": r["target"], "detail": r["detail"]}
                for r in self.conn.execute(stmt).mappings()]

    # idempotency
    def idempotent(self, account_id: str, key: str) -> tuple[str, int, Any] | None:
        row = self.conn.execute(_IDEMPOTENT, {"account_id": account_id, "key": key}).first()
        return None if row is None else (str(row.request_hash), int(row.status), row.body)

    def remember(self, account_id: str, key: str, request_hash: str, status: int, body: Any, now: dt.datetime) -> None:
        self.conn.execute(_INSERT_IDEMPOTENT, {"account_id": account_id, "key": key, "request_hash": request_hash,
                                               "status": status, "body": body, "created_at": now})

    def remember_new(self, account_id: str, key: str, request_hash: str, status: int, body: Any,
                     now: dt.datetime) -> bool:
        """Record the response of a key unless the key is recorded already (a concurrent request with the
        same key committed first); True when recorded."""
        values = {"account_id": account_id, "key": key, "request_hash": request_hash, "status": status,
                  "body": body, "created_at": now}
        stmt = _INSERT_IDEMPOTENT_NEW.get(self.conn.dialect.name)
        if stmt is None:
            if self.idempotent(account_id, key) is not None:
                return False
            stmt = _INSERT_IDEMPOTENT
        return self.conn.execute(stmt, values).rowcount == 1

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
