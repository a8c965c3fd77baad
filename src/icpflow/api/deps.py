"""Who is asking, and may they: authentication (API key or session cookie + CSRF), roles, tenancy,
and idempotency keys. Every route declares its principal through these dependencies.

The dependencies are `async`: FastAPI runs a sync dependency in its threadpool, a hop (~0.1–0.2 ms of
CPU and a thread switch) per dependency per request (bench/api.py). Only what does I/O goes to the
threadpool: the API key look-up when it is not cached, the session look-up.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Coroutine
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from ..bootstrap import Runtime
from ..domain.accounts import Principal, Role
from ..domain.model import Application
from ..services.accounts import Accounts, AccountStore
from ..services.ports import Store
from .errors import ApiError

SESSION_COOKIE = "icpflow_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True, slots=True)
class Services:
    runtime: Runtime
    accounts: Accounts

    def transaction(self) -> AbstractContextManager[tuple[Store, AccountStore]]:
        """One transaction over the workflow and the accounts tables, for a request that acts and records
        its Idempotency-Key; `store.commit()` commits both."""
        return self.runtime.uow.with_accounts()


async def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


ServicesDep = Annotated[Services, Depends(services)]


async def principal(request: Request, svc: ServicesDep) -> Principal:
    """An API key (`Authorization: Bearer icpf_…`) or a session cookie; unsafe methods on a cookie need
    the session's CSRF token in `X-CSRF-Token` (double submit). A key verified in the last
    `services.accounts.API_KEY_TTL` seconds is not looked up again."""
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        key = auth[7:].strip()
        found = svc.accounts.cached_api_key(key) or await run_in_threadpool(svc.accounts.api_key, key)
        if found is None:
            raise ApiError(401, "unauthenticated", "API 密钥无效或已吊销")
        return found
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        session = await run_in_threadpool(svc.accounts.session, token)
        if session is None:
            raise ApiError(401, "unauthenticated", "登录已过期，请重新登录")
        who, csrf = session
        given = request.headers.get(CSRF_HEADER, "")
        if request.method not in SAFE_METHODS and not hmac.compare_digest(given.encode(), csrf.encode()):
            raise ApiError(403, "csrf", "缺少或错误的 CSRF 令牌（X-CSRF-Token）")
        return who
    raise ApiError(401, "unauthenticated", "请先登录，或在 Authorization 头中提供 API 密钥")


PrincipalDep = Annotated[Principal, Depends(principal)]


def require(*roles: Role) -> Callable[[Principal], Coroutine[Any, Any, Principal]]:
    allowed = frozenset(roles)

    async def check(who: PrincipalDep) -> Principal:
        if who.role not in allowed:
            raise ApiError(403, "forbidden", "当前账号的角色无权执行此操作")
        return who

    return check


TenantDep = Annotated[Principal, Depends(require(Role.FILER, Role.SERVICE_PROVIDER))]
ReviewerDep = Annotated[Principal, Depends(require(Role.REVIEWER, Role.OPERATOR))]
OperatorDep = Annotated[Principal, Depends(require(Role.OPERATOR))]
AuditorDep = Annotated[Principal, Depends(require(Role.AUDITOR, Role.OPERATOR))]


def appid_of(document: dict[str, Any]) -> str:
    program = document.get("program")
    return str(program.get("appid", "")) if isinstance(program, dict) else ""


def check_access(who: Principal, app: Application, *, write: bool) -> None:
    """Tenants reach only their own applications (and, with a scoped key, only those appids); staff read
    everything; writes by staff go through the review and operator routes, never the filer's."""
    if who.is_staff:
        if write:
            raise ApiError(403, "forbidden", "平台人员不能代替提交人操作")
        return
    if app.owner != who.account.id:
        raise ApiError(404, "not_found", f"找不到备案申请“{app.id}”")  # not 403: do not confirm it exists
    if not who.may_file_for(appid_of(app.document)):
        raise ApiError(403, "forbidden", "该 API 密钥未获授权操作此小程序")


def request_hash(method: str, path: str, body: Any) -> str:
    return hashlib.sha256(json.dumps([method, path, body], sort_keys=True, ensure_ascii=False).encode()).hexdigest()
