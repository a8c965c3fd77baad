"""The filer's console pages: the list of filings, a new draft, the five-step wizard with live findings, and
the filing's actions (submit, withdraw, edit, SMS, face verification)."""

from __future__ import annotations

import json
import secrets
from collections import Counter
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from ..api.routes_filings import filing_out
from ..domain.model import Application
from ..domain.parsing import DocumentUnreadable, parse_mapping
from ..domain.pii import mask_value
from ..domain.workflow import State
from ..services import face, filings
from . import wizard
from .common import (
    ACTION_ERRORS,
    EVENT_LABELS,
    TENANTS,
    Session,
    go,
    guard,
    load_application,
    message_of,
    page,
    posted_form,
    posted_form_for,
    report_of,
    services,
)

router = APIRouter(include_in_schema=False)

@router.get("/filings")
def filer_home(request: Request) -> Response:
    session = guard(request, TENANTS)
    if not isinstance(session, Session):
        return session
    svc = services(request)
    with svc.runtime.workflow.uow() as store:
        apps = store.list_applications(owner=session.who.account.id, limit=200)
    items = [filing_out(svc, a, document=False) for a in apps]
    return page(request, "filer_list.html", session, items=items)


def _example_document() -> str:
    from ..testing import make_filing  # a valid example the filer edits; loaded only for this page

    doc = make_filing("330000", submitted_on="2026-01-01", seq=secrets.randbelow(900_000) + 1000)
    doc.pop("submitted_on", None)
    return json.dumps(doc, ensure_ascii=False, indent=2)


@router.get("/filings/new")
def new_filing_page(request: Request) -> Response:
    session = guard(request, TENANTS)
    if not isinstance(session, Session):
        return session
    return page(request, "filing_new.html", session, document=_example_document())


@router.post("/filings/new")
async def new_filing(request: Request) -> Response:
    posted = await posted_form(request, TENANTS)
    if not isinstance(posted, tuple):
        return posted
    session, form = posted
    text = form.get("document", "")
    try:
        document = json.loads(text)
        if not isinstance(document, dict):
            raise ValueError("备案文档应为 JSON 对象")
        app = filings.create_application(services(request).runtime.workflow, owner=session.who.account.id,
                                         document=document)
    except (json.JSONDecodeError, ValueError, *ACTION_ERRORS) as exc:
        problems = [p.to_dict() for p in exc.problems] if isinstance(exc, DocumentUnreadable) else []
        message = f"不是有效的 JSON：{exc}" if isinstance(exc, json.JSONDecodeError) else message_of(exc)
        return page(request, "filing_new.html", session, 422, document=text, failed=message, problems=problems)
    return go(f"/filings/{app.id}", notice="草稿已创建，请按步骤检查并补全各部分")


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
    session = guard(request, TENANTS)
    if not isinstance(session, Session):
        return session
    app = load_application(request, session, application_id, write=False)
    if not isinstance(app, Application):
        return app
    step = _step(request.query_params.get("step"))
    # the wizard shows the owner's own personal information unmasked (to edit it): that read is audited
    services(request).accounts.audit(session.who, "pii_read", app.id, via="console", step=step)
    return _filing(request, session, app, step)


def _filing(request: Request, session: Session, app: Application, step: int, *, values: dict[str, Any] | None = None,
            problems: list[dict[str, str]] | None = None, status_code: int = 200) -> HTMLResponse:
    svc = services(request)
    wf = svc.runtime.workflow
    out = filing_out(svc, app, document=False)
    document = values if values is not None else app.document
    report: dict[str, Any] | None = None
    if not problems:
        try:
            report = report_of(request, document)
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
    return page(
        request, "filing.html", session, status_code, app=app, out=out, step=step, fields=wizard.STEPS[step],
        document=document, value=lambda f: wizard.display_value(document, f), placed=placed, report=report,
        problems=problems or [], history=history, event_labels=EVENT_LABELS, face=face_record, sms=sms,
        mask=mask_value, reasons=reasons, step_counts=step_counts, editable=app.state is State.DRAFT,
        full_kind="program" in app.document,
    )


@router.post("/filings/{application_id}/step/{step}")
async def save_step(request: Request, application_id: str, step: int) -> Response:
    found = await posted_form_for(request, application_id)
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
        filings.update_document(services(request).runtime.workflow, app.id, document, actor=session.who.account.id,
                                expected_version=version)
    except (ValueError, *ACTION_ERRORS) as exc:
        return go(f"/filings/{app.id}?step={step}", error=message_of(exc))
    return go(f"/filings/{app.id}?step={step}", notice=f"已保存“{wizard.STEP_TITLES[step]}”")


@router.post("/filings/{application_id}/precheck-fragment")
async def precheck_fragment(request: Request, application_id: str) -> Response:
    """The findings of the posted (unsaved) step, as HTML: the step-level list, and each field's findings
    as out-of-band swaps into the `fd-…` boxes beside the fields."""
    found = await posted_form_for(request, application_id, write=False)
    if not isinstance(found, tuple):
        return found
    session, form, app = found
    step = _step(form.get("step"))
    problems: list[dict[str, str]] = []
    report = None
    try:
        document = wizard.apply_step(app.document, step, form)
        report = report_of(request, document)
    except wizard.FormProblem as exc:
        problems = [{"path": exc.path, "found": "", "expected": str(exc)}]
    except DocumentUnreadable as exc:
        problems = [p.to_dict() for p in exc.problems]
    placed = _findings_for(report, problems, step)
    return page(request, "_findings.html", session, fields=wizard.STEPS[step], placed=placed, report=report,
                 oob=True)


def _action(name: str, run: Callable[[Any, str, str, int], Application], done: str) -> None:
    async def action(request: Request, application_id: str) -> Response:
        found = await posted_form_for(request, application_id)
        if not isinstance(found, tuple):
            return found
        session, form, app = found
        try:
            run(services(request).runtime.workflow, app.id, session.who.account.id, int(form.get("version", "-1")))
        except (ValueError, *ACTION_ERRORS) as exc:
            return go(f"/filings/{app.id}", error=message_of(exc))
        return go(f"/filings/{app.id}", notice=done)

    action.__name__ = f"console_{name.replace('/', '_')}"
    router.post(f"/filings/{{application_id}}/{name}")(action)


_action("submit", lambda wf, i, a, v: filings.submit(wf, i, actor=a, expected_version=v), "已提交平台初审")
_action("withdraw", lambda wf, i, a, v: filings.withdraw(wf, i, actor=a, expected_version=v), "已撤回")
_action("edit", lambda wf, i, a, v: filings.edit(wf, i, actor=a, expected_version=v), "已回到草稿，可修改后重新提交")
_action("sms/resend", lambda wf, i, a, v: filings.resend_sms(wf, i, actor=a, expected_version=v), "已重发核验短信")


@router.post("/filings/{application_id}/sms/verify")
async def verify_sms(request: Request, application_id: str) -> Response:
    found = await posted_form_for(request, application_id)
    if not isinstance(found, tuple):
        return found
    session, form, app = found
    try:
        filings.verify_sms(services(request).runtime.workflow, app.id, form.get("code", ""),
                           actor=session.who.account.id, expected_version=int(form.get("version", "-1")))
    except (ValueError, *ACTION_ERRORS) as exc:
        return go(f"/filings/{app.id}", error=message_of(exc), anchor="sms")
    return go(f"/filings/{app.id}", notice="短信核验完成，已提交管局审核")


@router.post("/filings/{application_id}/face")
async def start_face(request: Request, application_id: str) -> Response:
    found = await posted_form_for(request, application_id)
    if not isinstance(found, tuple):
        return found
    session, _, app = found
    svc = services(request)
    try:
        face.start(svc.runtime.workflow, svc.runtime.gateway, app.id, actor=session.who.account.id)
    except ACTION_ERRORS as exc:
        return go(f"/filings/{app.id}?step=4", error=message_of(exc), anchor="face")
    return go(f"/filings/{app.id}?step=4", notice="已发起人脸核身，请负责人按链接完成", anchor="face")
