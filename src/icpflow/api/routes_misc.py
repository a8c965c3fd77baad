"""Sign-in, API keys, notifications, webhook subscriptions, the publish gate and the public look-up."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from ..domain.filing_number import parse_filing_number
from ..domain.model import RecordStatus
from ..services import filings, records
from .deps import CSRF_HEADER, SESSION_COOKIE, PrincipalDep, ServicesDep, TenantDep
from .errors import ApiError
from .routes_filings import idempotent
from .schemas import AccountOut, ApiKeyIn, ApiKeyOut, LoginIn, LoginOut, LookupOut, MessageOut, PublishOut, WebhookIn

router = APIRouter(prefix="/api/v1", tags=["account"])
public = APIRouter(prefix="/api/v1/public", tags=["public"])


def _account_out(who: Any) -> AccountOut:
    return AccountOut(id=who.account.id, username=who.account.username, display_name=who.account.display_name,
                      role=who.account.role)


@router.post("/auth/login", response_model=LoginOut, summary="登录（设置会话 Cookie，返回 CSRF 令牌）")
def login(body: LoginIn, request: Request, response: Response, svc: ServicesDep) -> LoginOut:
    account, token, csrf = svc.accounts.login(body.username, body.password)
    secure = request.url.scheme == "https" or svc.runtime.settings.cookie_secure
    response.set_cookie(SESSION_COOKIE, token, httponly=True, secure=secure, samesite="lax", max_age=12 * 3600,
                        path="/")
    return LoginOut(account=AccountOut(id=account.id, username=account.username,
                                       display_name=account.display_name, role=account.role), csrf_token=csrf)


@router.post("/auth/logout", status_code=204, summary="退出登录")
def logout(request: Request, who: PrincipalDep, svc: ServicesDep) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        svc.accounts.logout(token)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/auth/me", response_model=AccountOut, summary="当前账号")
def me(who: PrincipalDep) -> AccountOut:
    return _account_out(who)


@router.post("/api-keys", status_code=201, response_model=ApiKeyOut, summary="创建 API 密钥（只显示一次）")
def create_api_key(body: ApiKeyIn, request: Request, svc: ServicesDep, who: TenantDep) -> JSONResponse:
    if who.via != "session":
        raise ApiError(403, "forbidden", "请登录控制台创建 API 密钥")

    def run() -> tuple[int, Any]:
        key = svc.accounts.create_api_key(who.account, body.scopes)
        return 201, ApiKeyOut(key=key, scopes=sorted(set(body.scopes))).model_dump()

    return idempotent(request, svc, who, body.model_dump(), run)


@router.get("/notifications", response_model=list[MessageOut], summary="站内信")
def notifications(svc: ServicesDep, who: PrincipalDep,
                  limit: Annotated[int, Query(ge=1, le=200)] = 50) -> list[MessageOut]:
    recipient = "operators" if who.role.value == "operator" else who.account.id
    with svc.runtime.workflow.uow() as store:
        messages = store.inbox_of(recipient, limit)
    return [MessageOut(subject=m.subject, body=m.body, created_at=m.created_at, application_id=m.application_id)
            for m in messages]


@router.post("/webhooks", status_code=201, summary="订阅状态变更回调（HMAC-SHA256 签名）")
def webhooks(body: WebhookIn, request: Request, svc: ServicesDep, who: TenantDep) -> JSONResponse:
    def run() -> tuple[int, Any]:
        added = filings.subscribe_webhook(svc.runtime.workflow, owner=who.account.id, url=body.url)
        return 201, {"url": body.url, "added": added, "signed": svc.runtime.settings.webhook_secret is not None}

    return idempotent(request, svc, who, body.model_dump(), run)


@router.get("/programs/{appid}/publishable", response_model=PublishOut, summary="发布闸门：能否上架")
def publishable(appid: str, svc: ServicesDep, who: PrincipalDep) -> PublishOut:
    with svc.runtime.workflow.uow() as store:
        program = store.find_program(appid)
        if program is not None and not who.is_staff and program.owner != who.account.id:
            raise ApiError(404, "not_found", f"找不到小程序 {appid}")
        verdict = records.may_publish(store, appid)
    return PublishOut(appid=appid, allowed=verdict.allowed, reason=verdict.reason, number=verdict.number)


@public.get("/lookup", response_model=LookupOut, summary="公开查询：按备案号或 appid")
def lookup(svc: ServicesDep, number: Annotated[str | None, Query(max_length=40)] = None,
           appid: Annotated[str | None, Query(max_length=64)] = None) -> LookupOut:
    if not number and not appid:
        raise ApiError(422, "invalid_request", "请提供备案号（number）或小程序 appid")
    with svc.runtime.workflow.uow() as store:
        if number:
            if parse_filing_number(number) is None:
                raise ApiError(422, "invalid_request", f"“{number}”不是有效的备案号格式")
            record = store.find_record(number.strip())
            program = store.get_program(record.program_id) if record and record.program_id else None
        else:
            program = store.find_program(appid or "")
            found = store.active_records(program_id=program.id) if program else []
            record = found[0] if found else None
        if record is None:
            raise ApiError(404, "not_found", "未查询到备案信息")
        subject = store.get_subject(record.subject_id)
    status = "有效" if record.status is RecordStatus.ACTIVE else "已注销"
    return LookupOut(number=record.number, status=status, appid=program.appid if program else "",
                     program_name=program.name if program else "", subject_name=subject.name,
                     province=subject.province)


__all__ = ["CSRF_HEADER", "public", "router"]
