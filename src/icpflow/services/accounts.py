"""Use cases of accounts and access: create accounts, log in (argon2, rate-limited), sessions with a CSRF
token, API keys for service providers (stored hashed, scoped to appids), the audit log, idempotency.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..domain.accounts import LOCK_FOR, MAX_FAILED_LOGINS, SESSION_LIFETIME, Account, Principal, Role
from ..domain.calendar import BEIJING
from ..domain.errors import DomainError, InvalidRequest
from .ports import Clock

_HASHER = PasswordHasher()
API_KEY_PREFIX = "icpf_"


class LoginFailed(DomainError):
    code = "login_failed"

    def __init__(self) -> None:
        super().__init__("用户名或密码错误")


class LoginLocked(DomainError):
    code = "login_locked"

    def __init__(self, until: dt.datetime) -> None:
        super().__init__(f"登录失败次数过多，请于 {until.astimezone(BEIJING):%H:%M} 后重试",
                         until=until.isoformat())


class AccountStore(Protocol):
    def add_account(self, account: Account) -> None: ...
    def account_by_username(self, username: str) -> Account | None: ...
    def account(self, account_id: str) -> Account | None: ...
    def record_login(self, account: Account) -> None: ...
    def add_api_key(self, key_id: str, account_id: str, prefix: str, key_hash: str, scopes: list[str],
                    now: dt.datetime) -> None: ...
    def api_key(self, key_hash: str) -> tuple[Account, list[str]] | None: ...
    def add_session(self, token_hash: str, account_id: str, csrf: str, now: dt.datetime,
                    expires: dt.datetime) -> None: ...
    def session(self, token_hash: str, now: dt.datetime) -> tuple[Account, str] | None: ...
    def delete_session(self, token_hash: str) -> None: ...
    def audit(self, account_id: str, action: str, target: str, detail: dict[str, Any], now: dt.datetime) -> None: ...
    def audit_entries(self, limit: int = 100, offset: int = 0, *, action: str | None = None,
                      actor: str | None = None, target: str | None = None, since: dt.datetime | None = None,
                      until: dt.datetime | None = None) -> list[dict[str, Any]]: ...
    def idempotent(self, account_id: str, key: str) -> tuple[str, int, Any] | None: ...
    def remember(self, account_id: str, key: str, request_hash: str, status: int, body: Any,
                 now: dt.datetime) -> None: ...
    def remember_new(self, account_id: str, key: str, request_hash: str, status: int, body: Any,
                     now: dt.datetime) -> bool: ...
    def commit(self) -> None: ...


AccountsUnitOfWork = Callable[[], AbstractContextManager[AccountStore]]


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


#: How long a verified API key's principal is reused without asking the database (seconds). Every API
#: request authenticates, and the look-up was the biggest single cost of a status read (bench/api.py).
#: The price: a key revoked (`api_keys.revoked_at`), or an account changed, in the database is still
#: honoured for up to this long by each server process that verified it recently. Unknown and revoked
#: keys are never cached, so a new key works at once.
API_KEY_TTL = 10.0


@dataclass(slots=True)
class ApiKeyCache:
    """Verified API keys by SHA-256: (monotonic expiry, account, scopes). Thread-safe; bounded."""

    ttl: float = API_KEY_TTL
    max_entries: int = 4096
    #: seconds, for expiry only (not the workflow's clock: a cache entry ages in real time)
    clock: Callable[[], float] = time.monotonic
    _entries: dict[str, tuple[float, Account, frozenset[str]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, key_hash: str) -> Principal | None:
        found = self._entries.get(key_hash)
        if found is None or found[0] <= self.clock():
            return None
        # a copy: a request never shares a mutable Account with another
        return Principal(dataclasses.replace(found[1]), "api_key", found[2])

    def put(self, key_hash: str, account: Account, scopes: frozenset[str]) -> None:
        if self.ttl <= 0:
            return
        with self._lock:
            now = self.clock()
            if len(self._entries) >= self.max_entries:
                for stale in [k for k, v in self._entries.items() if v[0] <= now] or list(self._entries):
                    del self._entries[stale]
            self._entries[key_hash] = (now + self.ttl, dataclasses.replace(account), scopes)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


@dataclass(frozen=True, slots=True)
class Accounts:
    uow: AccountsUnitOfWork
    clock: Clock
    #: argon2id with the library's defaults (RFC 9106 low-memory profile); tests pass a cheaper one
    hasher: PasswordHasher = _HASHER
    #: verified API keys, reused for `API_KEY_TTL` seconds (`ApiKeyCache(ttl=0)` turns it off)
    api_keys: ApiKeyCache = field(default_factory=ApiKeyCache, compare=False, repr=False)

    # ----- accounts ----------------------------------------------------------------------------------
    def create(self, username: str, role: Role, *, password: str | None = None, display_name: str = "") -> Account:
        if not username or len(username) > 64 or not username.replace("-", "").replace("_", "").isalnum():
            raise InvalidRequest("用户名须为 1–64 位字母、数字、- 或 _")
        if password is not None and len(password) < 10:
            raise InvalidRequest("密码至少 10 位")
        with self.uow() as store:
            if store.account_by_username(username) is not None:
                raise InvalidRequest(f"用户名“{username}”已存在")
            account = Account(str(uuid.uuid4()), username, display_name or username, role,
                              self.hasher.hash(password) if password else None, created_at=self.clock.now())
            store.add_account(account)
            store.commit()
            return account

    def by_username(self, username: str) -> Account | None:
        with self.uow() as store:
            return store.account_by_username(username)

    # ----- login and sessions --------------------------------------------------------------------------
    def login(self, username: str, password: str) -> tuple[Account, str, str]:
        """(account, session token, CSRF token). Five failures lock the username for 15 minutes."""
        now = self.clock.now()
        with self.uow() as store:
            account = store.account_by_username(username)
            if account is None or account.password_hash is None:
                self.hasher.hash(password)  # spend the same time as a real check: no username probing by timing
                raise LoginFailed()
            if account.locked_until is not None and account.locked_until > now:
                raise LoginLocked(account.locked_until)
            try:
                self.hasher.verify(account.password_hash, password)
            except (VerificationError, InvalidHashError):
                account.failed_logins += 1
                if account.failed_logins >= MAX_FAILED_LOGINS:
                    account.locked_until = now + LOCK_FOR
                    account.failed_logins = 0
                store.record_login(account)
                store.audit(account.id, "login_failed", account.username, {}, now)
                store.commit()
                if account.locked_until is not None and account.locked_until > now:
                    raise LoginLocked(account.locked_until) from None
                raise LoginFailed() from None
            account.failed_logins = 0
            account.locked_until = None
            store.record_login(account)
            token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
            store.add_session(_sha256(token), account.id, csrf, now, now + SESSION_LIFETIME)
            store.audit(account.id, "login", account.username, {}, now)
            store.commit()
            return account, token, csrf

    def session(self, token: str) -> tuple[Principal, str] | None:
        """The principal behind a session cookie, and the session's CSRF token."""
        with self.uow() as store:
            found = store.session(_sha256(token), self.clock.now())
        if found is None:
            return None
        account, csrf = found
        return Principal(account, "session"), csrf

    def logout(self, token: str) -> None:
        with self.uow() as store:
            store.delete_session(_sha256(token))
            store.commit()

    # ----- API keys ------------------------------------------------------------------------------------
    def create_api_key(self, account: Account, scopes: list[str]) -> str:
        """A new key, shown once: `icpf_<8-char prefix>_<secret>`; only its SHA-256 is stored."""
        if account.role not in (Role.SERVICE_PROVIDER, Role.FILER):
            raise InvalidRequest("只有服务商和提交人可以创建 API 密钥")
        prefix = secrets.token_hex(4)
        key = f"{API_KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
        with self.uow() as store:
            store.add_api_key(str(uuid.uuid4()), account.id, prefix, _sha256(key), sorted(set(scopes)),
                              self.clock.now())
            store.audit(account.id, "api_key_created", prefix, {"scopes": sorted(set(scopes))}, self.clock.now())
            store.commit()
        return key

    def api_key(self, key: str) -> Principal | None:
        """The principal of a valid, unrevoked key (from `api_keys` when verified in the last
        `API_KEY_TTL` seconds), else None."""
        if not key.startswith(API_KEY_PREFIX):
            return None
        key_hash = _sha256(key)
        cached = self.api_keys.get(key_hash)
        if cached is not None:
            return cached
        with self.uow() as store:
            found = store.api_key(key_hash)
        if found is None:
            return None
        account, scopes = found
        self.api_keys.put(key_hash, account, frozenset(scopes))
        return Principal(account, "api_key", frozenset(scopes))

    def cached_api_key(self, key: str) -> Principal | None:
        """The principal of a key verified in the last `API_KEY_TTL` seconds, without I/O; None when it
        has to be looked up (`api_key`)."""
        return self.api_keys.get(_sha256(key)) if key.startswith(API_KEY_PREFIX) else None

    # ----- audit ---------------------------------------------------------------------------------------
    def audit(self, principal: Principal, action: str, target: str, **detail: Any) -> None:
        with self.uow() as store:
            store.audit(principal.account.id, action, target, detail, self.clock.now())
            store.commit()

    def audit_entries(self, limit: int, offset: int, *, action: str | None = None, actor: str | None = None,
                      target: str | None = None, since: dt.datetime | None = None,
                      until: dt.datetime | None = None) -> list[dict[str, Any]]:
        """Newest first; the filters are optional (actor: a username or an account id)."""
        with self.uow() as store:
            return store.audit_entries(limit, offset, action=action, actor=actor, target=target, since=since,
                                       until=until)

    # ----- idempotency ---------------------------------------------------------------------------------
    def replay(self, principal: Principal, key: str, request_hash: str, *,
               store: AccountStore | None = None) -> tuple[int, Any] | None:
        """The stored response of an earlier request with this Idempotency-Key, if any (read in `store`'s
        transaction when given)."""
        if store is None:
            with self.uow() as own:
                found = own.idempotent(principal.account.id, key)
        else:
            found = store.idempotent(principal.account.id, key)
        if found is None:
            return None
        stored_hash, status, body = found
        if not hmac.compare_digest(stored_hash, request_hash):
            raise InvalidRequest("该 Idempotency-Key 已用于另一个不同的请求", code="idempotency_mismatch")
        return status, body

    def remember(self, principal: Principal, key: str, request_hash: str, status: int, body: Any, *,
                 store: AccountStore | None = None) -> bool:
        """Record the response given to an Idempotency-Key; False when the key was recorded already (by a
        concurrent request). With `store`, in its transaction, which the caller commits."""
        if store is not None:
            return store.remember_new(principal.account.id, key, request_hash, status, body, self.clock.now())
        with self.uow() as own:
            added = own.remember_new(principal.account.id, key, request_hash, status, body, self.clock.now())
            own.commit()
            return added
