"""The filer's console pages: the list of filings, a new draft (field by field — `new_filing` — or, in the
advanced sections, from a JSON document or a WeChat/Douyin request body), the five-step wizard with live
findings, and the filing's actions (submit, withdraw, edit, SMS, face verification; change, cancellation and
the contact-only change are in `filer_changes`)."""

from __future__ import annotations

import copy
import json
import secrets
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from ..api.routes_filings import filing_out
from ..domain.errors import DomainError, InvalidRequest, NotOwner
from ..domain.face import FaceRecord, FaceStatus
from ..domain.importers import import_douyin, import_wechat
from ..domain.model import Application
from ..domain.parsing import DocumentUnreadable, parse_mapping
from ..domain.pii import mask_value
from ..domain.workflow import State
from ..services import face, filings, record_actions
from . import filer_changes, new_filing, wizard
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


#: the advanced sections of the new-filing page (a filing document in JSON, a platform's request body)
ADVANCED = ("json", "import")
IMPORTERS = {"wechat": ("微信 apply_icp_filing 请求体", import_wechat), "douyin": ("抖音 submit_record_info 请求体",
                                                                              import_douyin)}


def _new_page(request: Request, session: Session, values: Mapping[str, str], *, status_code: int = 200,
              errors: Mapping[str, str] | None = None, failed: str = "", problems: list[dict[str, str]] | None = None,
              document: str | None = None, imported: dict[str, Any] | None = None, advanced: str = "") -> HTMLResponse:
    wf = services(request).runtime.workflow
    regions = new_filing.region_choices(wf.checker.regions, values.get("province", ""), values.get("city", ""))
    return page(
        request, "filing_new.html", session, status_code, values=values, errors=errors or {}, failed=failed,
        problems=problems or [], document=_example_document() if document is None else document,
        imported=imported, advanced=advanced, regions=regions, nf=new_filing, importers=IMPORTERS,
        subjects=record_actions.reusable_subjects(wf, session.who.account.id),
    )


@router.get("/filings/new")
def new_filing_page(request: Request) -> Response:
    session = guard(request, TENANTS)
    if not isinstance(session, Session):
        return session
    return _new_page(request, session, {"start": new_filing.START_FIRST, "program_type": "mini_program"})


@router.get("/filings/new/regions")
def region_selects(request: Request) -> Response:
    """The city and district selects for the chosen province/city (htmx swaps them in as the filer picks)."""
    session = guard(request, TENANTS)
    if not isinstance(session, Session):
        return session
    values = {k: request.query_params.get(k, "") for k in ("province", "city", "district")}
    regions = new_filing.region_choices(services(request).runtime.workflow.checker.regions, values["province"],
                                        values["city"])
    return page(request, "_region_selects.html", session, values=values, regions=regions, errors={},
                nf=new_filing)


@router.post("/filings/new")
async def new_filing_post(request: Request) -> Response:
    """One endpoint, three ways in: the field-by-field form (default), a filing document in JSON, a
    platform's request body to import. `refresh` re-renders the form with the cities and districts of
    the chosen province and city (the way without JavaScript)."""
    posted = await posted_form(request, TENANTS)
    if not isinstance(posted, tuple):
        return posted
    session, form = posted
    mode = form.get("mode") or ("json" if "document" in form else "form")
    if mode == "json":
        return _create_from_json(request, session, form.get("document", ""))
    if mode == "import":
        return _import_body(request, session, form)
    values = {k: v for k, v in form.items() if k != "csrf" and not k.endswith("[]")}
    if form.get("refresh"):
        return _new_page(request, session, values)
    wf = services(request).runtime.workflow
    owner = session.who.account.id
    try:
        start = form.get("start", "")
        if start == new_filing.START_ADD:
            subject_id, program = new_filing.added_program(form)
            document = record_actions.document_for_subject(wf, owner, subject_id, program)
        elif start == new_filing.START_FIRST:
            document = new_filing.first_filing(form, wf.checker.regions)
        else:
            raise new_filing.FormErrors({"start": "备案类型：请选择“首次备案”或“新增小程序”"})
        app = filings.create_application(wf, owner=owner, document=document)
    except new_filing.FormErrors as exc:
        return _new_page(request, session, values, status_code=422, errors=exc.errors,
                         failed=f"有 {len(exc.errors)} 处需要修改，已在对应字段旁标出")
    except ACTION_ERRORS as exc:
        errors = _field_of(exc, start)
        return _new_page(request, session, values, status_code=422, errors=errors,
                         failed=next(iter(errors.values())) if errors else message_of(exc))
    return go(f"/filings/{app.id}?step=1", notice="草稿已创建，请按步骤补全各部分，预检会标出尚缺的内容")


def _field_of(exc: Exception, start: str) -> dict[str, str]:
    """The form field a refusal of `create_application` concerns, with a message naming it."""
    if isinstance(exc, DomainError) and exc.data.get("field") == "subject_id":
        return {"subject_id": f"主办单位：{exc.message}"}
    if isinstance(exc, NotOwner) and exc.data.get("what") == "主办单位":
        where = "subject_id" if start == new_filing.START_ADD else "certificate_number"
        return {where: f"{new_filing.LABELS[where]}：该主办单位已由其他账号办理备案，不能在此账号下新建"}
    if isinstance(exc, NotOwner) and exc.data.get("what") == "小程序":
        return {"appid": "AppID：该小程序已由其他账号办理备案，不能在此账号下新建"}
    if isinstance(exc, InvalidRequest):  # the mini-program is filed already, or belongs to another subject
        return {"appid": f"AppID：{exc.message}"}
    return {}


def _create_from_json(request: Request, session: Session, text: str) -> Response:
    try:
        document = json.loads(text)
        if not isinstance(document, dict):
            raise ValueError("备案文档应为 JSON 对象")
        program = document.get("program")
        if document.get("kind") in ("new", "change") and isinstance(program, dict) and not str(
                program.get("appid", "")).strip():
            raise ValueError("program.appid：请填写小程序 AppID")
        app = filings.create_application(services(request).runtime.workflow, owner=session.who.account.id,
                                         document=document)
    except (json.JSONDecodeError, ValueError, *ACTION_ERRORS) as exc:
        problems = [p.to_dict() for p in exc.problems] if isinstance(exc, DocumentUnreadable) else []
        message = f"不是有效的 JSON：{exc}" if isinstance(exc, json.JSONDecodeError) else message_of(exc)
        return _new_page(request, session, {}, status_code=422, document=text, problems=problems,
                         failed=f"备案申请文档（JSON）：{message}", advanced="json")
    return go(f"/filings/{app.id}", notice="草稿已创建，请按步骤检查并补全各部分")


def _import_body(request: Request, session: Session, form: Mapping[str, str]) -> Response:
    """A platform's request body → a filing document shown for review (with what the importer could not
    map and what it assumed); the filer creates the draft from it in the JSON section."""
    platform = form.get("platform", "")
    text = form.get("body", "")
    values = {"platform": platform, "body": text, "import_appid": form.get("import_appid", ""),
              "import_name": form.get("import_name", "")}
    errors: dict[str, str] = {}
    body: Any = None
    if platform not in IMPORTERS:
        errors["platform"] = "平台：请选择微信或抖音"
    try:
        body = json.loads(text)
        if not isinstance(body, dict):
            errors["body"] = "平台请求体：应为 JSON 对象"
    except json.JSONDecodeError as exc:
        errors["body"] = f"平台请求体：不是有效的 JSON（第 {exc.lineno} 行 {exc.msg}）"
    if errors:
        return _new_page(request, session, values, status_code=422, errors=errors, failed="；".join(errors.values()),
                         advanced="import")
    result = IMPORTERS[platform][1](body)
    document = result.document
    program = document.get("program")
    if isinstance(program, dict):
        for key, name in (("appid", "import_appid"), ("name", "import_name")):
            if values[name].strip():
                program[key] = values[name].strip()
    return _new_page(request, session, values, document=json.dumps(document, ensure_ascii=False, indent=2),
                     imported=result.to_dict(), advanced="json")


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
    face_record = face.status(wf, app.id, actor=session.who.account.id, staff=True)
    report: dict[str, Any] | None = None
    if not problems:
        try:
            report = report_of(request, _with_face_status(request, app, document, face_record))
        except DocumentUnreadable as exc:
            problems = [p.to_dict() for p in exc.problems]
    placed = wizard.mark_placeholders(_findings_for(report, problems or [], step), document, step)
    history = filings.history(wf, app.id, actor=session.who.account.id, staff=True)
    sms: list[Any] = []
    if app.state in (State.SMS_VERIFICATION, State.SMS_EXPIRED):
        with wf.uow() as store:
            sms = list(store.sms_of(app.id))
        svc.accounts.audit(session.who, "sms_read", app.id)
    reasons = [{"code": r.code, "message": r.message, "field": r.field, "anchor": wizard.field_anchor(r.field)}
               for r in out.reasons]
    step_counts = Counter(wizard.step_of(str(f["field"])) for f in (report or {}).get("findings", []))
    return page(
        request, "filing.html", session, status_code, app=app, out=out, step=step,
        fields=wizard.shown_fields(document, step),
        document=document, value=lambda f: wizard.display_value(document, f), placed=placed, report=report,
        problems=problems or [], history=history, event_labels=EVENT_LABELS, face=face_record, sms=sms,
        mask=mask_value, reasons=reasons, step_counts=step_counts, editable=app.state is State.DRAFT,
        full_kind=not app.kind.is_cancellation, more=filer_changes.more_actions(request, session, app, out),
    )


def _with_face_status(request: Request, app: Application, document: dict[str, Any],
                      record: FaceRecord | None) -> dict[str, Any]:
    """The document the wizard's pre-check judges. Where the platform requires a face-verification task,
    the mini-program principal's `face_verified` is what the task says, as on submission
    (`filings.submit`): a draft's own flag neither blocks a verified principal nor passes an unverified one."""
    if not services(request).runtime.workflow.policy.face_task_required or app.kind.is_cancellation:
        return document
    doc = copy.deepcopy(document)
    program = doc.get("program")
    target = program.get("principal") if isinstance(program, dict) else None
    if not isinstance(target, dict):
        subject = doc.get("subject")
        target = subject.get("principal") if isinstance(subject, dict) else None
    if isinstance(target, dict):
        target["face_verified"] = record is not None and record.status is FaceStatus.PASSED
    return doc


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
        record = face.status(services(request).runtime.workflow, app.id, actor=session.who.account.id, staff=True)
        report = report_of(request, _with_face_status(request, app, document, record))
    except wizard.FormProblem as exc:
        problems = [{"path": exc.path, "found": "", "expected": str(exc)}]
    except DocumentUnreadable as exc:
        problems = [p.to_dict() for p in exc.problems]
    shown = document if report is not None else app.document
    placed = wizard.mark_placeholders(_findings_for(report, problems, step), shown, step)
    return page(request, "_findings.html", session, fields=wizard.shown_fields(shown, step), placed=placed,
                report=report, oob=True)


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
