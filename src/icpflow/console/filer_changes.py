"""Change filings, cancellations and the contact-only change of a filing, from the console.

- 变更备案: a filed mini-program's current document becomes a change-filing draft, edited in the wizard;
  the record stays valid meanwhile (`services.record_actions.start_change`).
- 注销小程序 / 取消接入 / 注销主体: a confirmation page says what will happen, then the cancellation is
  created and submitted in one POST (`record_actions.start_cancellation`, `filings.submit`).
- 仅修改联系方式: after the SMS verification expired, the principals' phones and e-mail only, then the
  SMS is sent again without a new platform review (`filings.change_contacts`, seed 004 §3.1).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from ..api.routes_filings import filing_out
from ..api.schemas import FilingOut
from ..domain.errors import SubmissionBlocked
from ..domain.model import Application, ApplicationKind
from ..domain.pii import mask_value
from ..domain.workflow import STATE_LABELS, State
from ..services import filings, record_actions
from .common import (
    ACTION_ERRORS,
    TENANTS,
    Session,
    error_page,
    go,
    guard,
    load_application,
    message_of,
    page,
    posted_form_for,
    services,
)

router = APIRouter(include_in_schema=False)

#: URL slug -> (kind, Chinese name)
CANCELLATIONS = {
    "program": (ApplicationKind.CANCEL_PROGRAM, "注销小程序"),
    "access": (ApplicationKind.CANCEL_ACCESS, "取消接入"),
    "subject": (ApplicationKind.CANCEL_SUBJECT, "注销主体"),
}
KIND_LABELS = {ApplicationKind.CHANGE.value: "变更备案", **{k.value: name for k, name in CANCELLATIONS.values()}}


@dataclass(frozen=True, slots=True)
class MoreActions:
    """What `_filing_more_actions.html` offers on a filing's page."""

    contact_change: bool
    standing: record_actions.Standing | None  # only for a filed mini-program whose record is active

    def may_start(self, kind: str) -> bool:
        return self.standing is not None and self.standing.may_start(ApplicationKind(kind))


def more_actions(request: Request, session: Session, app: Application, out: FilingOut) -> MoreActions:
    standing = None
    if app.state is State.FILED and app.program_id and app.owner == session.who.account.id:
        found = record_actions.standing(services(request).runtime.workflow, app.id, actor=session.who.account.id)
        standing = found if found.program_record else None
    return MoreActions("contact_change" in out.allowed_events, standing)


def _owned(request: Request, application_id: str) -> tuple[Session, Application] | Response:
    session = guard(request, TENANTS)
    if not isinstance(session, Session):
        return session
    app = load_application(request, session, application_id, write=True)
    if not isinstance(app, Application):
        return app
    return session, app


# ----- 变更备案 ---------------------------------------------------------------------------------------------

@router.post("/filings/{application_id}/change")
async def start_change(request: Request, application_id: str) -> Response:
    found = await posted_form_for(request, application_id)
    if not isinstance(found, tuple):
        return found
    session, _, app = found
    try:
        change = record_actions.start_change(services(request).runtime.workflow, app.id, actor=session.who.account.id)
    except ACTION_ERRORS as exc:
        return go(f"/filings/{app.id}", error=message_of(exc))
    return go(f"/filings/{change.id}?step=1",
              notice="已创建变更备案草稿（内容取自当前备案），请修改需要变更的部分后提交；审核期间原备案号继续有效")


# ----- 注销小程序 / 取消接入 / 注销主体 -----------------------------------------------------------------------

def _cancel_page(request: Request, session: Session, app: Application, slug: str, *, status_code: int = 200,
                 reason: str = "", failed: str = "") -> HTMLResponse:
    kind, name = CANCELLATIONS[slug]
    wf = services(request).runtime.workflow
    standing = record_actions.standing(wf, app.id, actor=session.who.account.id)
    current = standing.current.document if standing.current else app.document
    principal = (current.get("subject") or {}).get("principal") or {}
    phone = mask_value("phone", str(principal.get("mobile", ""))) if isinstance(principal, dict) else ""
    return page(request, "filing_cancel.html", session, status_code, app=app, out=filing_out(services(request), app,
                document=False), slug=slug, kind=kind.value, kind_name=name, standing=standing,
                allowed=standing.may_start(kind), pending=standing.pending.get(kind.value), phone=phone,
                subject_name=str((current.get("subject") or {}).get("name", "")), reason=reason, failed=failed)


@router.get("/filings/{application_id}/cancel/{slug}")
def cancel_page(request: Request, application_id: str, slug: str) -> Response:
    found = _owned(request, application_id)
    if not isinstance(found, tuple):
        return found
    session, app = found
    if slug not in CANCELLATIONS:
        return error_page(request, session, 404, "没有这种注销类型")
    return _cancel_page(request, session, app, slug)


@router.post("/filings/{application_id}/cancel/{slug}")
async def cancel(request: Request, application_id: str, slug: str) -> Response:
    found = await posted_form_for(request, application_id)
    if not isinstance(found, tuple):
        return found
    session, form, app = found
    if slug not in CANCELLATIONS:
        return error_page(request, session, 404, "没有这种注销类型")
    kind, name = CANCELLATIONS[slug]
    reason = form.get("reason", "")
    if not form.get("confirm"):
        return _cancel_page(request, session, app, slug, status_code=422, reason=reason,
                            failed=f"确认：请勾选“我已了解上述后果”后再提交{name}申请")
    wf = services(request).runtime.workflow
    actor = session.who.account.id
    try:
        created = record_actions.start_cancellation(wf, app.id, kind, actor=actor, reason=reason)
    except ACTION_ERRORS as exc:
        return _cancel_page(request, session, app, slug, status_code=422, reason=reason, failed=message_of(exc))
    try:
        filings.submit(wf, created.id, actor=actor, expected_version=created.version)
    except ACTION_ERRORS as exc:
        return go(f"/filings/{created.id}", error=f"{name}申请已创建但未能提交：{message_of(exc)}")
    return go(f"/filings/{created.id}", notice=f"已提交{name}申请，请留意平台初审和工信部核验短信")


# ----- 仅修改联系方式 ----------------------------------------------------------------------------------------

CONTACTS = (("mobile", "手机号码"), ("emergency_phone", "应急联系电话"), ("emergency_contact_name", "应急联系人"),
            ("email", "电子邮箱"))
PARTIES = (("subject.principal", "主办单位负责人"), ("program.principal", "小程序负责人"))


def contact_fields(document: dict[str, Any]) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(path, who, [(field path, label)]) of each principal whose contacts may change: the mini-program
    principal only when it is a person of its own (not the subject principal)."""
    out = []
    for path, who in PARTIES:
        section, _ = path.split(".")
        if isinstance((document.get(section) or {}).get("principal"), dict):
            out.append((path, who, [(f"{path}.{key}", text) for key, text in CONTACTS]))
    return out


def with_contacts(document: dict[str, Any], form: dict[str, str]) -> dict[str, Any]:
    """A copy of `document` with the principals' contact fields taken from the posted form."""
    doc = copy.deepcopy(document)
    for path, _, fields in contact_fields(doc):
        section, _ = path.split(".")
        person = doc[section]["principal"]
        for field_path, _ in fields:
            key = field_path.rsplit(".", 1)[1]
            if field_path in form:
                person[key] = form[field_path].strip()
    return doc


def _contacts_page(request: Request, session: Session, app: Application, document: dict[str, Any], *,
                   status_code: int = 200, findings: list[dict[str, Any]] | None = None,
                   failed: str = "") -> HTMLResponse:
    by_field: dict[str, list[dict[str, Any]]] = {}
    for f in findings or []:
        by_field.setdefault(str(f.get("field", "")), []).append(f)
    parties = contact_fields(document)
    shown = {p for _, _, fields in parties for p, _ in fields}
    unplaced = [f for key, items in by_field.items() if key not in shown for f in items]
    value = {p: str(_get(document, p) or "") for p in shown}
    return page(request, "filing_contacts.html", session, status_code, app=app,
                out=filing_out(services(request), app, document=False), parties=parties, value=value,
                by_field=by_field, unplaced=unplaced, failed=failed)


def _get(document: dict[str, Any], path: str) -> Any:
    node: Any = document
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _contact_change_refused(app: Application) -> str:
    return ("只有工信部短信核验超时后才能仅修改联系方式（修改后重新发送核验短信，无需重新初审）；"
            f"当前状态为“{STATE_LABELS[app.state]}”")


@router.get("/filings/{application_id}/contacts")
def contacts_page(request: Request, application_id: str) -> Response:
    found = _owned(request, application_id)
    if not isinstance(found, tuple):
        return found
    session, app = found
    if app.state is not State.SMS_EXPIRED:
        return error_page(request, session, 409, _contact_change_refused(app))
    # the owner sees their principals' phones and e-mail unmasked to edit them: that read is audited
    services(request).accounts.audit(session.who, "pii_read", app.id, via="console", what="contacts")
    return _contacts_page(request, session, app, app.document)


@router.post("/filings/{application_id}/contacts")
async def change_contacts(request: Request, application_id: str) -> Response:
    found = await posted_form_for(request, application_id)
    if not isinstance(found, tuple):
        return found
    session, form, app = found
    if app.state is not State.SMS_EXPIRED:
        return error_page(request, session, 409, _contact_change_refused(app))
    document = with_contacts(app.document, form)
    try:
        version = int(form.get("version", "-1"))
        filings.change_contacts(services(request).runtime.workflow, app.id, document, actor=session.who.account.id,
                                expected_version=version)
    except SubmissionBlocked as exc:
        findings = list(exc.data["report"]["findings"])
        return _contacts_page(request, session, app, document, status_code=422, findings=findings,
                              failed="联系方式有误，已在对应字段旁标出，请修改后重新提交")
    except (ValueError, *ACTION_ERRORS) as exc:
        return _contacts_page(request, session, app, document, status_code=422, failed=message_of(exc))
    return go(f"/filings/{app.id}", notice="联系方式已更新，已重新发送工信部核验短信", anchor="sms")
