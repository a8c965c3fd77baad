"""The web console (控制台): server-rendered pages over the same use cases as the REST API.

Plain HTML forms that work without JavaScript (POST, then 303 to the page); htmx, when loaded, only
enhances: the wizard re-runs the pre-check on the server as the filer types and swaps the findings in
beside their fields. Sessions are the API's (cookie `icpflow_session`); every POST carries the
session's CSRF token in a hidden `csrf` field. None of these routes is part of the API schema.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import secrets
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from ..api.deps import SESSION_COOKIE, Services, check_access
from ..api.errors import ApiError
from ..api.routes_filings import filing_out
from ..bootstrap import load_rejections
from ..domain.accounts import ROLE_LABELS, Principal, Role
from ..domain.enums import label
from ..domain.errors import DomainError
from ..domain.face import FACE_LABELS
from ..domain.filing_number import parse_filing_number
from ..domain.model import Application, RecordStatus
from ..domain.parsing import DocumentUnreadable, parse_mapping
from ..domain.pii import mask_document, mask_value
from ..domain.regulator import BureauDecision
from ..domain.rejections import ReviewStage, UnknownRejectionReason
from ..domain.workflow import STATE_LABELS, IllegalTransition, State
from ..render import rule_dict
from ..services import face, filings
from ..services.accounts import LoginFailed, LoginLocked
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

router = APIRouter(include_in_schema=False)

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


def _svc(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


def _session(request: Request) -> Session | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    found = _svc(request).accounts.session(token)
    return Session(found[0], found[1]) if found else None


def _page(request: Request, name: str, session: Session | None, status_code: int = 200,
          **context: Any) -> HTMLResponse:
    svc = _svc(request)
    base = {
        "session": session, "who": session.who if session else None, "csrf": session.csrf if session else "",
        "role_label": ROLE_LABELS[session.who.role] if session else "", "simulated": svc.runtime.gateway.is_simulator,
        "notice": request.query_params.get("notice", ""), "error": request.query_params.get("error", ""),
    }
    return templates.TemplateResponse(request, name, {**base, **context}, status_code=status_code)


def _error(request: Request, session: Session | None, status_code: int, message: str) -> HTMLResponse:
    return _page(request, "error.html", session, status_code, message=message)


def _guard(request: Request, roles: tuple[Role, ...] = ()) -> Session | Response:
    session = _session(request)
    if session is None:
        return RedirectResponse("/login?" + urlencode({"next": request.url.path}), status_code=303)
    if roles and session.who.role not in roles:
        return _error(request, session, 403, "当前账号的角色无权访问此页面")
    return session


async def _form(request: Request, roles: tuple[Role, ...] = ()) -> tuple[Session, dict[str, str]] | Response:
    """A POSTed console form: signed in, the right role, and the session's CSRF token in `csrf`."""
    session = _guard(request, roles)
    if not isinstance(session, Session):
        return session
    raw = await request.form()
    form = {k: v for k, v in raw.multi_items() if isinstance(v, str)}
    lists: dict[str, list[str]] = {}
    for k, v in raw.multi_items():
        if isinstance(v, str):
            lists.setdefault(k, []).append(v)
    form.update({f"{k}[]": json.dumps(v) for k, v in lists.items()})
    if not hmac.compare_digest(form.get("csrf", ""), session.csrf):
        return _error(request, session, 403, "表单已过期或缺少 CSRF 令牌，请刷新页面后重试")
    return session, form

async def _form_for(request: Request, application_id: str, roles: tuple[Role, ...] = TENANTS, *,
                    write: bool = True) -> tuple[Session, dict[str, str], Application] | Response:
    """A POSTed form about one application: `_form`'s checks, then the application the session may act on."""
    posted = await _form(request, roles)
    if not isinstance(posted, tuple):
        return posted
    session, form = posted
    app = _load(request, session, application_id, write=write)
    if not isinstance(app, Application):
        return app
    return session, form, app



def _go(url: str, *, notice: str = "", error: str = "", anchor: str = "") -> RedirectResponse:
    query = urlencode({k: v for k, v in (("notice", notice), ("error", error)) if v})
    sep = "&" if "?" in url else "?"
    return RedirectResponse(f"{url}{sep + query if query else ''}{'#' + anchor if anchor else ''}", status_code=303)


def _message(exc: Exception) -> str:
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


def _load(request: Request, session: Session, application_id: str, *, write: bool) -> Application | Response:
    """The application, if this principal may see it; another tenant's is "not found" (404), as in the API."""
    try:
        app = filings.get_application(_svc(request).runtime.workflow, application_id, actor=session.who.account.id,
                                      staff=True)
        check_access(session.who, app, write=write)
    except (DomainError, ApiError) as exc:
        status = exc.status if isinstance(exc, ApiError) else 404
        return _error(request, session, status, _message(exc))
    return app


def _report(request: Request, document: Mapping[str, Any]) -> dict[str, Any]:
    wf = _svc(request).runtime.workflow
    return check_document(parse_mapping(dict(document)), checker=wf.checker, clock=wf.clock, probe=wf.probe).to_dict()


def _sla(item: Any, now: dt.datetime) -> str:
    if item.due_at is None:
        return "ok"
    if item.due_at <= now:
        return "overdue"
    if item.remaining_working_days is not None and item.remaining_working_days <= 1:
        return "due-soon"
    return "ok"


# ----- sign-in and home -----------------------------------------------------------------------------

@router.get("/")
def home(request: Request) -> Response:
    session = _session(request)
    if session is None:
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse(HOME[session.who.role], status_code=303)


@router.get("/login")
def login_page(request: Request) -> Response:
    token = secrets.token_urlsafe(24)
    response = _page(request, "login.html", None, login_csrf=token, next=request.query_params.get("next", ""))
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", max_age=3600, path="/login")
    return response


@router.post("/login")
async def login(request: Request) -> Response:
    form = await request.form()
    username, password = str(form.get("username", "")), str(form.get("password", ""))
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(str(form.get("csrf", "")), expected):
        return _error(request, None, 403, "登录表单已过期，请刷新页面后重试")
    svc = _svc(request)
    try:
        account, token, _ = svc.accounts.login(username, password)
    except (LoginFailed, LoginLocked) as exc:
        fresh = secrets.token_urlsafe(24)
        response = _page(request, "login.html", None, 401 if isinstance(exc, LoginFailed) else 429,
                         login_csrf=fresh, next=str(form.get("next", "")), failed=exc.message, username=username)
        response.set_cookie(LOGIN_CSRF_COOKIE, fresh, httponly=True, samesite="strict", max_age=3600, path="/login")
        return response
    target = str(form.get("next", ""))
    if not target.startswith("/") or target.startswith("//"):
        target = HOME[account.role]
    done = RedirectResponse(target, status_code=303)
    secure = request.url.scheme == "https" or svc.runtime.settings.cookie_secure
    done.set_cookie(SESSION_COOKIE, token, httponly=True, secure=secure, samesite="lax", max_age=12 * 3600, path="/")
    done.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return done


@router.post("/logout")
async def logout(request: Request) -> Response:
    posted = await _form(request)
    if not isinstance(posted, tuple):
        return posted
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        _svc(request).accounts.logout(token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# ----- the filer -------------------------------------------------------------------------------------

@router.get("/filings")
def filer_home(request: Request) -> Response:
    session = _guard(request, TENANTS)
    if not isinstance(session, Session):
        return session
    svc = _svc(request)
    with svc.runtime.workflow.uow() as store:
        apps = store.list_applications(owner=session.who.account.id, limit=200)
    items = [filing_out(svc, a, document=False) for a in apps]
    return _page(request, "filer_list.html", session, items=items)


def _example_document() -> str:
    from ..testing import make_filing  # a valid example the filer edits; loaded only for this page

    doc = make_filing("330000", submitted_on="2026-01-01", seq=secrets.randbelow(900_000) + 1000)
    doc.pop("submitted_on", None)
    return json.dumps(doc, ensure_ascii=False, indent=2)


@router.get("/filings/new")
def new_filing_page(request: Request) -> Response:
    session = _guard(request, TENANTS)
    if not isinstance(session, Session):
        return session
    return _page(request, "filing_new.html", session, document=_example_document())


@router.post("/filings/new")
async def new_filing(request: Request) -> Response:
    posted = await _form(request, TENANTS)
    if not isinstance(posted, tuple):
        return posted
    session, form = posted
    text = form.get("document", "")
    try:
        document = json.loads(text)
        if not isinstance(document, dict):
            raise ValueError("备案文档应为 JSON 对象")
        app = filings.create_application(_svc(request).runtime.workflow, owner=session.who.account.id,
                                         document=document)
    except (json.JSONDecodeError, ValueError, *ACTION_ERRORS) as exc:
        problems = [p.to_dict() for p in exc.problems] if isinstance(exc, DocumentUnreadable) else []
        message = f"不是有效的 JSON：{exc}" if isinstance(exc, json.JSONDecodeError) else _message(exc)
        return _page(request, "filing_new.html", session, 422, document=text, failed=message, problems=problems)
    return _go(f"/filings/{app.id}", notice="草稿已创建，请按步骤检查并补全各部分")


def _step(value: str | None) -> int:
    try:
        step = int(value or 1)
    except ValueError:
        return 1
    return step if step in wizard.STEPS else 1


def _findings_for(report: dict[str, Any] | None, problems: list[dict[str, str]], step: int) -> wizard.Placed:
    """The pre-check findings (or, for a document that does not parse, its problems) of one step."""
    if problems:
        items = [{"field": p["path"], "severity": "error", "message": f"格式：{p['expected']}", "fix": "",
                  "rule": "document", "source": ""} for p in problems]
        return wizard.place(items, step)
    return wizard.place(report["findings"] if report else [], step)


@router.get("/filings/{application_id}")
def filing_page(request: Request, application_id: str) -> Response:
    session = _guard(request, TENANTS)
    if not isinstance(session, Session):
        return session
    app = _load(request, session, application_id, write=False)
    if not isinstance(app, Application):
        return app
    step = _step(request.query_params.get("step"))
    # the wizard shows the owner's own personal information unmasked (to edit it): that read is audited
    _svc(request).accounts.audit(session.who, "pii_read", app.id, via="console", step=step)
    return _filing(request, session, app, step)


def _filing(request: Request, session: Session, app: Application, step: int, *, values: dict[str, Any] | None = None,
            problems: list[dict[str, str]] | None = None, status_code: int = 200) -> HTMLResponse:
    svc = _svc(request)
    wf = svc.runtime.workflow
    out = filing_out(svc, app, document=False)
    document = values if values is not None else app.document
    report: dict[str, Any] | None = None
    if not problems:
        try:
            report = _report(request, document)
        except DocumentUnreadable as exc:
            problems = [p.to_dict() for p in exc.problems]
    placed = _findings_for(report, problems or [], step)
    history = filings.history(wf, app.id, actor=session.who.account.id, staff=True)
    face_record = face.status(wf, app.id, actor=session.who.account.id, staff=True)
    sms: list[Any] = []
    if app.state in (State.SMS_VERIFICATION, State.SMS_EXPIRED):
        with wf.uow() as store:
            sms = list(store.sms_of(app.id))
        svc.accounts.audit(session.who, "sms_read", app.id)
    reasons = [{"code": r.code, "message": r.message, "field": r.field, "anchor": wizard.field_anchor(r.field)}
               for r in out.reasons]
    step_counts = Counter(wizard.step_of(str(f["field"])) for f in (report or {}).get("findings", []))
    return _page(
        request, "filing.html", session, status_code, app=app, out=out, step=step, fields=wizard.STEPS[step],
        document=document, value=lambda f: wizard.display_value(document, f), placed=placed, report=report,
        problems=problems or [], history=history, event_labels=EVENT_LABELS, face=face_record, sms=sms,
        mask=mask_value, reasons=reasons, step_counts=step_counts, editable=app.state is State.DRAFT,
        full_kind="program" in app.document,
    )


@router.post("/filings/{application_id}/step/{step}")
async def save_step(request: Request, application_id: str, step: int) -> Response:
    found = await _form_for(request, application_id)
    if not isinstance(found, tuple):
        return found
    session, form, app = found
    step = _step(str(step))
    try:
        document = wizard.apply_step(app.document, step, form)
    except wizard.FormProblem as exc:
        problems = [{"path": exc.path, "found": "", "expected": str(exc)}]
        return _filing(request, session, app, step, problems=problems, status_code=422)
    try:
        parse_mapping(document)
    except DocumentUnreadable as exc:
        return _filing(request, session, app, step, values=document, problems=[p.to_dict() for p in exc.problems],
                       status_code=422)
    try:
        version = int(form.get("version", "-1"))
        filings.update_document(_svc(request).runtime.workflow, app.id, document, actor=session.who.account.id,
                                expected_version=version)
    except (ValueError, *ACTION_ERRORS) as exc:
        return _go(f"/filings/{app.id}?step={step}", error=_message(exc))
    return _go(f"/filings/{app.id}?step={step}", notice=f"已保存“{wizard.STEP_TITLES[step]}”")


@router.post("/filings/{application_id}/precheck-fragment")
async def precheck_fragment(request: Request, application_id: str) -> Response:
    """The findings of the posted (unsaved) step, as HTML: the step-level list, and each field's findings
    as out-of-band swaps into the `fd-…` boxes beside the fields."""
    found = await _form_for(request, application_id, write=False)
    if not isinstance(found, tuple):
        return found
    session, form, app = found
    step = _step(form.get("step"))
    problems: list[dict[str, str]] = []
    report = None
    try:
        document = wizard.apply_step(app.document, step, form)
        report = _report(request, document)
    except wizard.FormProblem as exc:
        problems = [{"path": exc.path, "found": "", "expected": str(exc)}]
    except DocumentUnreadable as exc:
        problems = [p.to_dict() for p in exc.problems]
    placed = _findings_for(report, problems, step)
    return _page(request, "_findings.html", session, fields=wizard.STEPS[step], placed=placed, report=report,
                 oob=True)


def _action(name: str, run: Callable[[Any, str, str, int], Application], done: str) -> None:
    async def action(request: Request, application_id: str) -> Response:
        found = await _form_for(request, application_id)
        if not isinstance(found, tuple):
            return found
        session, form, app = found
        try:
            run(_svc(request).runtime.workflow, app.id, session.who.account.id, int(form.get("version", "-1")))
        except (ValueError, *ACTION_ERRORS) as exc:
            return _go(f"/filings/{app.id}", error=_message(exc))
        return _go(f"/filings/{app.id}", notice=done)

    action.__name__ = f"console_{name.replace('/', '_')}"
    router.post(f"/filings/{{application_id}}/{name}")(action)


_action("submit", lambda wf, i, a, v: filings.submit(wf, i, actor=a, expected_version=v), "已提交平台初审")
_action("withdraw", lambda wf, i, a, v: filings.withdraw(wf, i, actor=a, expected_version=v), "已撤回")
_action("edit", lambda wf, i, a, v: filings.edit(wf, i, actor=a, expected_version=v), "已回到草稿，可修改后重新提交")
_action("sms/resend", lambda wf, i, a, v: filings.resend_sms(wf, i, actor=a, expected_version=v), "已重发核验短信")


@router.post("/filings/{application_id}/sms/verify")
async def verify_sms(request: Request, application_id: str) -> Response:
    found = await _form_for(request, application_id)
    if not isinstance(found, tuple):
        return found
    session, form, app = found
    try:
        filings.verify_sms(_svc(request).runtime.workflow, app.id, form.get("code", ""),
                           actor=session.who.account.id, expected_version=int(form.get("version", "-1")))
    except (ValueError, *ACTION_ERRORS) as exc:
        return _go(f"/filings/{app.id}", error=_message(exc), anchor="sms")
    return _go(f"/filings/{app.id}", notice="短信核验完成，已提交管局审核")


@router.post("/filings/{application_id}/face")
async def start_face(request: Request, application_id: str) -> Response:
    found = await _form_for(request, application_id)
    if not isinstance(found, tuple):
        return found
    session, _, app = found
    svc = _svc(request)
    try:
        face.start(svc.runtime.workflow, svc.runtime.gateway, app.id, actor=session.who.account.id)
    except ACTION_ERRORS as exc:
        return _go(f"/filings/{app.id}?step=4", error=_message(exc), anchor="face")
    return _go(f"/filings/{app.id}?step=4", notice="已发起人脸核身，请负责人按链接完成", anchor="face")


# ----- the reviewer ----------------------------------------------------------------------------------

@router.get("/review")
def review_queue(request: Request) -> Response:
    session = _guard(request, (*REVIEWERS, Role.AUDITOR))
    if not isinstance(session, Session):
        return session
    svc = _svc(request)
    with svc.runtime.workflow.uow() as store:
        apps = store.list_applications(states=[State.PLATFORM_REVIEW.value], limit=1000)
    apps.sort(key=lambda a: (a.due_at is None, a.due_at))
    now = svc.runtime.workflow.clock.now()
    items = [(out, _sla(out, now)) for out in (filing_out(svc, a, document=False) for a in apps)]
    return _page(request, "review_queue.html", session, items=items)


@router.get("/review/{application_id}")
def review_page(request: Request, application_id: str) -> Response:
    session = _guard(request, (*REVIEWERS, Role.AUDITOR))
    if not isinstance(session, Session):
        return session
    app = _load(request, session, application_id, write=False)
    if not isinstance(app, Application):
        return app
    svc = _svc(request)
    out = filing_out(svc, app, document=False)
    try:
        report: dict[str, Any] | None = _report(request, app.document)
    except DocumentUnreadable:
        report = None
    history = filings.history(svc.runtime.workflow, app.id, actor=session.who.account.id, staff=True)
    catalogue = load_rejections().for_stage(ReviewStage.PLATFORM)
    return _page(request, "review.html", session, app=app, out=out, report=report, masked=mask_document(app.document),
                 history=history, event_labels=EVENT_LABELS, catalogue=catalogue,
                 may_decide=session.who.role in REVIEWERS and app.state is State.PLATFORM_REVIEW)


@router.post("/review/{application_id}/{decision}")
async def review_decision(request: Request, application_id: str, decision: str) -> Response:
    posted = await _form(request, REVIEWERS)
    if not isinstance(posted, tuple):
        return posted
    session, form = posted
    if decision not in ("approve", "reject"):
        return _error(request, session, 404, "找不到该页面")
    wf = _svc(request).runtime.workflow
    try:
        version = int(form.get("version", "-1"))
        if decision == "approve":
            filings.platform_approve(wf, application_id, reviewer=session.who.account.id, expected_version=version)
        else:
            codes: list[str] = json.loads(form.get("reason[]", "[]"))
            catalogue = load_rejections()
            try:
                chosen = [catalogue.reason(code) for code in codes]
            except UnknownRejectionReason as exc:
                raise ApiError(422, "unknown_reason", f"未知的驳回原因编号 {exc}") from None
            filings.platform_reject(wf, application_id, chosen, reviewer=session.who.account.id,
                                    expected_version=version)
    except (ValueError, *ACTION_ERRORS) as exc:
        return _go(f"/review/{application_id}", error=_message(exc))
    return _go("/review", notice="已通过平台初审" if decision == "approve" else "已驳回")


# ----- the operator ----------------------------------------------------------------------------------

@router.get("/operator")
def operator_page(request: Request) -> Response:
    session = _guard(request, (Role.OPERATOR,))
    if not isinstance(session, Session):
        return session
    svc = _svc(request)
    wf = svc.runtime.workflow
    with wf.uow() as store:
        apps = store.list_applications(limit=100_000)
    counts = Counter(a.state for a in apps)
    policy = [
        ("允许撤回（平台初审结束前）", "是" if wf.policy.withdraw_allowed else "否"),
        ("存量小程序每日提交配额", str(wf.policy.daily_quota or "不限")),
        ("配额刷新时间（北京时间）", f"{wf.policy.quota_refresh_hour}:00"),
        ("下架截止日期", wf.policy.takedown_deadline.isoformat() if wf.policy.takedown_deadline else "未设置"),
        ("平台初审期限（工作日）", str(wf.deadlines.platform_review_days)),
        ("管局审核期限（工作日）", str(wf.deadlines.bureau_review_days)),
        ("证件有效期至少（月）", str(wf.checker.policy.certificate_validity_months)),
        ("监管侧通道", svc.runtime.gateway.name + ("（模拟器）" if svc.runtime.gateway.is_simulator else "")),
    ]
    bureau = [filing_out(svc, a, document=False) for a in apps if a.state is State.BUREAU_REVIEW]
    return _page(request, "operator.html", session, policy=policy, warnings=wf.calendar.warnings(),
                 rules=[rule_dict(r) for r in wf.checker.catalogue.rules], counts=counts, total=len(apps),
                 states=list(State), bureau=bureau, catalogue=load_rejections().for_stage(ReviewStage.BUREAU))


@router.post("/operator/filings/{application_id}/bureau-decision")
async def bureau_decision(request: Request, application_id: str) -> Response:
    posted = await _form(request, (Role.OPERATOR,))
    if not isinstance(posted, tuple):
        return posted
    session, form = posted
    svc = _svc(request)
    try:
        approved = form.get("approved") == "yes"
        codes: list[str] = json.loads(form.get("reason[]", "[]"))
        catalogue = load_rejections()
        try:
            reasons = tuple(catalogue.reason(code) for code in codes)
        except UnknownRejectionReason as exc:
            raise ApiError(422, "unknown_reason", f"未知的驳回原因编号 {exc}") from None
        decision = BureauDecision(approved, () if approved else reasons, form.get("number", "").strip() or None)
        filings.apply_bureau_decision(svc.runtime.workflow, application_id, decision, actor=session.who.account.id,
                                      expected_version=int(form.get("version", "-1")))
        svc.accounts.audit(session.who, "bureau_decision_recorded", application_id, approved=approved)
    except (ValueError, *ACTION_ERRORS) as exc:
        return _go("/operator", error=_message(exc), anchor="bureau")
    return _go("/operator", notice="已记录管局审核结果", anchor="bureau")


# ----- the public --------------------------------------------------------------------------------------

@router.get("/lookup")
def lookup(request: Request) -> Response:
    number = request.query_params.get("number", "").strip()[:40]
    appid = request.query_params.get("appid", "").strip()[:64]
    result: dict[str, str] | None = None
    message = ""
    status_code = 200
    if number or appid:
        svc = _svc(request)
        with svc.runtime.workflow.uow() as store:
            if number and parse_filing_number(number) is None:
                record, program, message, status_code = None, None, f"“{number}”不是有效的备案号格式", 422
            elif number:
                record = store.find_record(number)
                program = store.get_program(record.program_id) if record and record.program_id else None
            else:
                program = store.find_program(appid)
                found = store.active_records(program_id=program.id) if program else []
                record = found[0] if found else None
            if record is not None:
                subject = store.get_subject(record.subject_id)
                status = "有效" if record.status is RecordStatus.ACTIVE else "已注销"
                result = {"number": record.number, "status": status,
                          "appid": program.appid if program else "", "program_name": program.name if program else "",
                          "subject_name": subject.name, "province": label_province(svc, subject.province)}
            elif not message:
                message, status_code = "未查询到备案信息", 404
    return _page(request, "lookup.html", _session(request), status_code, number=number, appid=appid, result=result,
                 message=message)


def label_province(svc: Services, code: str) -> str:
    return svc.runtime.workflow.checker.regions.name(code) or code


__all__ = ["STATIC_DIR", "router"]
