"""Shared pieces of the web console (控制台): server-rendered pages over the same use cases as the REST API.

Plain HTML forms that work without JavaScript (POST, then 303 to the page); htmx, when loaded, only
enhances: the wizard re-runs the pre-check on the server as the filer types and swaps the findings in
beside their fields. Sessions are the API's (cookie `icpflow_session`); every POST carries the
session's CSRF token in a hidden `csrf` field. None of these routes is part of the API schema.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from ..api.deps import SESSION_COOKIE, Services, check_access
from ..api.errors import ApiError
from ..bootstrap import load_rejections
from ..domain.accounts import ROLE_LABELS, Principal, Role
from ..domain.enums import label
from ..domain.errors import DomainError
from ..domain.face import FACE_LABELS
from ..domain.model import Application
from ..domain.parsing import DocumentUnreadable, parse_mapping
from ..domain.rejections import UnknownRejectionReason
from ..domain.workflow import STATE_LABELS, IllegalTransition, State
from ..services import filings
from ..services.precheck import check_document
from . import wizard

STATIC_DIR = Path(__file__).parent / "static"
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


def state_label(code: str) -> str:
    try:
        return STATE_LABELS[State(code)]
    except ValueError:
        return code


templates.env.globals.update(label=label, slug=wizard.slug, state_label=state_label, face_labels=FACE_LABELS,
                             STEP_TITLES=wizard.STEP_TITLES)

LOGIN_CSRF_COOKIE = "icpflow_login_csrf"
TENANTS = (Role.FILER, Role.SERVICE_PROVIDER)
REVIEWERS = (Role.REVIEWER, Role.OPERATOR)
HOME = {Role.FILER: "/filings", Role.SERVICE_PROVIDER: "/filings", Role.REVIEWER: "/review",
        Role.OPERATOR: "/operator", Role.AUDITOR: "/review"}
EVENT_LABELS = {
    "create": "创建草稿", "update": "保存草稿", "submit": "提交平台初审", "withdraw": "撤回",
    "platform_approve": "平台初审通过", "platform_reject": "平台初审驳回", "sms_verified": "工信部短信核验完成",
    "sms_expire": "短信核验超时", "sms_resend": "重发核验短信", "contact_change": "仅修改联系方式",
    "bureau_approve": "管局审核通过", "bureau_reject": "管局审核驳回", "edit": "退回草稿修改",
}


@dataclass(frozen=True, slots=True)
class Session:
    who: Principal
    csrf: str


def same_token(given: str, expected: str) -> bool:
    """Constant-time comparison of a posted token (any text a client sends, non-ASCII too) with ours."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def rejection_reasons(form: Mapping[str, str]) -> list[Any]:
    """The catalogue reasons of a form's `reason[]` codes; an unknown code is a 422 naming it."""
    codes: list[str] = json.loads(form.get("reason[]", "[]"))
    catalogue = load_rejections()
    try:
        return [catalogue.reason(code) for code in codes]
    except UnknownRejectionReason as exc:
        raise ApiError(422, "unknown_reason", f"未知的驳回原因编号 {exc}") from None


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


def session_of(request: Request) -> Session | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    found = services(request).accounts.session(token)
    return Session(found[0], found[1]) if found else None


def page(request: Request, name: str, session: Session | None, status_code: int = 200,
          **context: Any) -> HTMLResponse:
    svc = services(request)
    base = {
        "session": session, "who": session.who if session else None, "csrf": session.csrf if session else "",
        "role_label": ROLE_LABELS[session.who.role] if session else "", "simulated": svc.runtime.gateway.is_simulator,
        "notice": request.query_params.get("notice", ""), "error": request.query_params.get("error", ""),
    }
    return templates.TemplateResponse(request, name, {**base, **context}, status_code=status_code)


def error_page(request: Request, session: Session | None, status_code: int, message: str) -> HTMLResponse:
    return page(request, "error.html", session, status_code, message=message)


def guard(request: Request, roles: tuple[Role, ...] = ()) -> Session | Response:
    session = session_of(request)
    if session is None:
        return RedirectResponse("/login?" + urlencode({"next": request.url.path}), status_code=303)
    if roles and session.who.role not in roles:
        return error_page(request, session, 403, "当前账号的角色无权访问此页面")
    return session


async def posted_form(request: Request, roles: tuple[Role, ...] = ()) -> tuple[Session, dict[str, str]] | Response:
    """A POSTed console form: signed in, the right role, and the session's CSRF token in `csrf`."""
    session = guard(request, roles)
    if not isinstance(session, Session):
        return session
    raw = await request.form()
    form = {k: v for k, v in raw.multi_items() if isinstance(v, str)}
    lists: dict[str, list[str]] = {}
    for k, v in raw.multi_items():
        if isinstance(v, str):
            lists.setdefault(k, []).append(v)
    form.update({f"{k}[]": json.dumps(v) for k, v in lists.items()})
    if not same_token(form.get("csrf", ""), session.csrf):
        return error_page(request, session, 403, "表单已过期或缺少 CSRF 令牌，请刷新页面后重试")
    return session, form

async def posted_form_for(request: Request, application_id: str, roles: tuple[Role, ...] = TENANTS, *,
                    write: bool = True) -> tuple[Session, dict[str, str], Application] | Response:
    """A POSTed form about one application: `posted_form`'s checks, then the application the session may act on."""
    posted = await posted_form(request, roles)
    if not isinstance(posted, tuple):
        return posted
    session, form = posted
    app = load_application(request, session, application_id, write=write)
    if not isinstance(app, Application):
        return app
    return session, form, app



def go(url: str, *, notice: str = "", error: str = "", anchor: str = "") -> RedirectResponse:
    query = urlencode({k: v for k, v in (("notice", notice), ("error", error)) if v})
    sep = "&" if "?" in url else "?"
    return RedirectResponse(f"{url}{sep + query if query else ''}{'#' + anchor if anchor else ''}", status_code=303)


def message_of(exc: Exception) -> str:
    if isinstance(exc, DomainError):
        if exc.code == "precheck_blocked":
            return "预检未通过，请先修改下方标出的问题"
        return exc.message
    if isinstance(exc, IllegalTransition):
        return exc.reason
    if isinstance(exc, DocumentUnreadable):
        return "；".join(f"{p.path or '文档'}：{p.expected}" for p in exc.problems[:5])
    if isinstance(exc, ApiError):
        return exc.detail
    return str(exc)


ACTION_ERRORS = (DomainError, IllegalTransition, DocumentUnreadable, ApiError)


def load_application(request: Request, session: Session, application_id: str, *, write: bool) -> Application | Response:
    """The application, if this principal may see it; another tenant's is "not found" (404), as in the API."""
    try:
        app = filings.get_application(services(request).runtime.workflow, application_id, actor=session.who.account.id,
                                      staff=True)
        check_access(session.who, app, write=write)
    except (DomainError, ApiError) as exc:
        status = exc.status if isinstance(exc, ApiError) else 404
        return error_page(request, session, status, message_of(exc))
    return app


def report_of(request: Request, document: Mapping[str, Any]) -> dict[str, Any]:
    wf = services(request).runtime.workflow
    return check_document(parse_mapping(dict(document)), checker=wf.checker, clock=wf.clock, probe=wf.probe).to_dict()


def sla(item: Any, now: dt.datetime) -> str:
    if item.due_at is None:
        return "ok"
    if item.due_at <= now:
        return "overdue"
    if item.remaining_working_days is not None and item.remaining_working_days <= 1:
        return "due-soon"
    return "ok"
