"""Filings for their owners (filers and service providers): create, read, edit, pre-check, submit,
withdraw, SMS verification, contact-only change; plus the shared read routes staff use too.

The busiest routes (bench/api.py) answer with a `Response` they serialise themselves, keeping their
declared `response_model` for the schema: FastAPI would validate the already-built model again, in a
threadpool hop of its own for a sync route. A creation and a submission run in one transaction with
the record of their Idempotency-Key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, TypeAdapter

from ..domain.accounts import Principal
from ..domain.calendar import BEIJING
from ..domain.face import FACE_LABELS, FaceRecord
from ..domain.model import Application
from ..domain.parsing import parse_mapping
from ..domain.pii import mask_document, mask_value
from ..domain.workflow import STATE_LABELS, Situation, State, allowed_events
from ..services import face, filings
from ..services.accounts import AccountStore
from ..services.ports import Store
from ..services.precheck import check_document
from .deps import PrincipalDep, Services, ServicesDep, TenantDep, appid_of, check_access, request_hash
from .errors import ApiError
from .schemas import (
    DocumentIn,
    DocumentUpdateIn,
    EventOut,
    FaceOut,
    FilingOut,
    FilingPage,
    ProgramOut,
    ReasonOut,
    SectionIn,
    SmsCodeIn,
    SmsOut,
    SubjectOut,
    Version,
)

router = APIRouter(prefix="/api/v1", tags=["filings"])
_LIVE = (State.PLATFORM_REVIEW, State.BUREAU_REVIEW)
_JSON_OBJECT = TypeAdapter(dict[str, Any])


def model_response(model: BaseModel, status_code: int = 200) -> Response:
    """The bytes FastAPI would send for `model` under its `response_model`, without validating it again."""
    return Response(model.model_dump_json(), status_code=status_code, media_type="application/json")


def object_response(content: dict[str, Any]) -> Response:
    """The bytes FastAPI would send for a `dict[str, Any]` answer, without walking it to validate it."""
    return Response(_JSON_OBJECT.dump_json(content), media_type="application/json")


def filing_out(svc: Any, app: Application, *, document: bool, reveal: bool = False) -> FilingOut:
    wf = svc.runtime.workflow
    program = app.document.get("program") if isinstance(app.document.get("program"), dict) else {}
    remaining = None
    if app.due_at is not None and app.state in _LIVE:
        local = app.due_at.astimezone(BEIJING).date()
        remaining = max(0, wf.calendar.working_days_between(wf.clock.today(), local))
    situation = Situation(app.kind.is_cancellation, wf.policy.withdraw_allowed, app.sms_resends_left)
    body = None
    if document:
        body = app.document if reveal else mask_document(app.document)
    return FilingOut(
        id=app.id, kind=app.kind.value, state=app.state.value, state_label=STATE_LABELS[app.state],
        version=app.version, province=app.province, appid=str((program or {}).get("appid", "")),
        program_name=str((program or {}).get("name", "")),
        subject_name=str(app.document.get("subject", {}).get("name", "")), issued_number=app.issued_number,
        record_number=app.record_number, due_at=app.due_at, remaining_working_days=remaining,
        reasons=[ReasonOut(code=r.code, message=r.message, field=r.field) for r in app.reasons],
        allowed_events=[e.value for e in allowed_events(app.state, situation)], regulator=app.gateway,
        simulated=svc.runtime.gateway.is_simulator, created_at=app.created_at, updated_at=app.updated_at,
        submitted_at=app.submitted_at, masked=not reveal, document=body,
    )


def load(svc: ServicesDep, who: PrincipalDep, application_id: str, *, write: bool) -> Application:
    with svc.runtime.uow.read() as store:  # one statement, outside a transaction on PostgreSQL
        app = filings.get_application(svc.runtime.workflow, application_id, actor=who.account.id, staff=True,
                                      store=store)
    check_access(who, app, write=write)
    return app


def idempotency_key(request: Request) -> str | None:
    key = request.headers.get("idempotency-key")
    if key is not None and not 1 <= len(key) <= 100:
        raise ApiError(422, "invalid_request", "Idempotency-Key 长度应为 1–100")
    return key or None


def replayed(replay: tuple[int, Any]) -> JSONResponse:
    return JSONResponse(replay[1], status_code=replay[0], headers={"Idempotent-Replayed": "true"})


def idempotent(request: Request, svc: ServicesDep, who: PrincipalDep, body: Any,
               run: Callable[[], tuple[int, Any]]) -> JSONResponse:
    """Run `run` once per Idempotency-Key: a retry with the same key and body gets the first response."""
    key = idempotency_key(request)
    digest = request_hash(request.method, request.url.path, body)
    if key:
        replay = svc.accounts.replay(who, key, digest)
        if replay is not None:
            return replayed(replay)
    status, payload = run()
    if key:
        svc.accounts.remember(who, key, digest, status, payload)
    return JSONResponse(payload, status_code=status)


def commit_once(svc: Services, who: Principal, key: str | None, digest: str, answer: tuple[int, Any], store: Store,
                ledger: AccountStore) -> JSONResponse:
    """Commit the request's work together with the record of its answer under its Idempotency-Key. When a
    concurrent request with the same key recorded its answer first, this one's work is not committed
    and it answers as the first did."""
    status, payload = answer
    if key is not None and not svc.accounts.remember(who, key, digest, status, payload, store=ledger):
        replay = svc.accounts.replay(who, key, digest, store=ledger)  # committed meanwhile: visible now
        if replay is None:
            raise ApiError(409, "conflict", "同一 Idempotency-Key 的请求正在处理，请稍后重试")
        return replayed(replay)
    store.commit()
    return JSONResponse(payload, status_code=status)


@router.post("/precheck", response_model=dict[str, Any], summary="预检备案文档（不保存）")
def precheck(body: DocumentIn, svc: ServicesDep, who: PrincipalDep) -> Response:
    doc = parse_mapping(body.document)
    wf = svc.runtime.workflow
    report = check_document(doc, checker=wf.checker, clock=wf.clock, probe=wf.probe)  # uploads measured
    return object_response(report.to_dict())


@router.post("/filings", status_code=201, response_model=FilingOut, summary="创建备案申请草稿")
def create(body: DocumentIn, request: Request, svc: ServicesDep, who: TenantDep) -> JSONResponse:
    appid = appid_of(body.document)
    if appid and not who.may_file_for(appid):
        raise ApiError(403, "forbidden", f"该 API 密钥未获授权为小程序 {appid} 备案")
    key = idempotency_key(request)
    digest = request_hash(request.method, request.url.path, body.model_dump(mode="json")) if key else ""
    with svc.transaction() as (store, ledger):
        if key and (replay := svc.accounts.replay(who, key, digest, store=ledger)) is not None:
            return replayed(replay)
        app = filings.create_application(svc.runtime.workflow, owner=who.account.id, document=body.document,
                                         store=store)
        # masked: this body is kept for Idempotency-Key replays, and stored data never holds plaintext PII
        answer = 201, filing_out(svc, app, document=True).model_dump(mode="json")
        return commit_once(svc, who, key, digest, answer, store, ledger)


@router.get("/filings", response_model=FilingPage, summary="备案申请列表（本人的；平台人员可看全部）")
def list_filings(
    svc: ServicesDep,
    who: PrincipalDep,
    state: Annotated[list[State] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> FilingPage:
    owner = None if who.is_staff else who.account.id
    with svc.runtime.workflow.uow() as store:
        apps = store.list_applications(owner=owner, states=[s.value for s in state or []], limit=limit, offset=offset)
    if who.scopes:
        apps = [a for a in apps if who.may_file_for(appid_of(a.document))]
    return FilingPage(items=[filing_out(svc, a, document=False) for a in apps], limit=limit, offset=offset)


@router.get("/filings/{application_id}", response_model=FilingOut, summary="备案申请详情（个人信息默认脱敏）")
def get_filing(application_id: str, svc: ServicesDep, who: PrincipalDep,
               reveal: Annotated[bool, Query(description="显示未脱敏的个人信息（记入审计日志）")] = False) -> Response:
    app = load(svc, who, application_id, write=False)
    if reveal:
        if who.is_staff and who.role.value == "auditor":
            raise ApiError(403, "forbidden", "审计员只能查看脱敏信息")
        svc.accounts.audit(who, "pii_read", app.id, via=who.via)
    return model_response(filing_out(svc, app, document=True, reveal=reveal))


@router.put("/filings/{application_id}/document", response_model=FilingOut, summary="修改草稿的备案文档")
def update_document(application_id: str, body: DocumentUpdateIn, svc: ServicesDep, who: TenantDep) -> FilingOut:
    load(svc, who, application_id, write=True)
    app = filings.update_document(svc.runtime.workflow, application_id, body.document, actor=who.account.id,
                                  expected_version=body.version)
    svc.accounts.audit(who, "pii_read", app.id, via=who.via, reason="update")
    return filing_out(svc, app, document=True, reveal=True)


@router.get("/filings/{application_id}/precheck", summary="预检该申请当前的备案文档")
def precheck_filing(application_id: str, svc: ServicesDep, who: PrincipalDep) -> dict[str, Any]:
    app = load(svc, who, application_id, write=False)
    report = check_document(parse_mapping(app.document), checker=svc.runtime.workflow.checker,
                            clock=svc.runtime.workflow.clock, probe=svc.runtime.workflow.probe)
    return report.to_dict()


@router.post("/filings/{application_id}/submit", response_model=FilingOut, summary="提交平台初审（预检须通过）")
def submit(application_id: str, body: Version, request: Request, svc: ServicesDep, who: TenantDep) -> JSONResponse:
    wf = svc.runtime.workflow
    with svc.transaction() as (store, ledger):
        app = filings.get_application(wf, application_id, actor=who.account.id, staff=True, store=store)
        check_access(who, app, write=True)
        key = idempotency_key(request)
        digest = request_hash(request.method, request.url.path, body.model_dump(mode="json")) if key else ""
        if key and (replay := svc.accounts.replay(who, key, digest, store=ledger)) is not None:
            return replayed(replay)
        app = filings.submit(wf, application_id, actor=who.account.id, expected_version=body.version, store=store,
                             app=app)
        answer = 200, filing_out(svc, app, document=False).model_dump(mode="json")
        return commit_once(svc, who, key, digest, answer, store, ledger)


def _filer_action(name: str, fn: Callable[..., Application], summary: str) -> None:
    def action(application_id: str, body: Version, svc: ServicesDep, who: TenantDep) -> FilingOut:
        load(svc, who, application_id, write=True)
        app = fn(svc.runtime.workflow, application_id, actor=who.account.id, expected_version=body.version)
        return filing_out(svc, app, document=False)

    action.__name__ = name.replace("/", "_")
    router.post(f"/filings/{{application_id}}/{name}", response_model=FilingOut, summary=summary)(action)


_filer_action("withdraw", filings.withdraw, "撤回（平台允许且仍在平台初审时）")
_filer_action("edit", filings.edit, "驳回或撤回后回到草稿")
_filer_action("sms/resend", filings.resend_sms, "重发工信部核验短信")


@router.post("/filings/{application_id}/sms/verify", response_model=FilingOut, summary="输入短信验证码（模拟器）")
def verify_sms(application_id: str, body: SmsCodeIn, svc: ServicesDep, who: TenantDep) -> FilingOut:
    load(svc, who, application_id, write=True)
    app = filings.verify_sms(svc.runtime.workflow, application_id, body.code, actor=who.account.id,
                             expected_version=body.version)
    return filing_out(svc, app, document=False)


@router.post("/filings/{application_id}/contacts", response_model=FilingOut, summary="短信过期后仅修改联系方式")
def change_contacts(application_id: str, body: DocumentUpdateIn, svc: ServicesDep, who: TenantDep) -> FilingOut:
    load(svc, who, application_id, write=True)
    app = filings.change_contacts(svc.runtime.workflow, application_id, body.document, actor=who.account.id,
                                  expected_version=body.version)
    return filing_out(svc, app, document=False)


@router.get("/filings/{application_id}/events", response_model=list[EventOut], summary="状态历史")
def events(application_id: str, svc: ServicesDep, who: PrincipalDep) -> list[EventOut]:
    load(svc, who, application_id, write=False)
    history = filings.history(svc.runtime.workflow, application_id, actor=who.account.id, staff=True)
    return [EventOut(event=e.event, from_state=e.from_state, to_state=e.to_state, actor=e.actor, at=e.at,
                     data=e.data) for e in history]


@router.get("/filings/{application_id}/sms", response_model=list[SmsOut], summary="（模拟）工信部核验短信收件箱")
def sms_inbox(application_id: str, svc: ServicesDep, who: TenantDep) -> list[SmsOut]:
    app = load(svc, who, application_id, write=False)
    with svc.runtime.workflow.uow() as store:
        entries = store.sms_of(app.id)
    svc.accounts.audit(who, "sms_read", app.id)
    return [SmsOut(phone=mask_value("phone", e.phone), text=e.text, attempt=e.attempt, sent_at=e.sent_at,
                   simulated=e.simulated) for e in entries]


def face_out(svc: Any, record: FaceRecord) -> FaceOut:
    return FaceOut(task_id=record.task_id, verify_url=record.verify_url, status=record.status.value,
                   status_label=FACE_LABELS[record.status], created_at=record.created_at,
                   expires_at=record.expires_at, simulated=svc.runtime.gateway.is_simulator)


@router.post("/filings/{application_id}/face", response_model=FaceOut, status_code=201,
             summary="发起小程序负责人人脸核身")
def start_face(application_id: str, svc: ServicesDep, who: TenantDep) -> FaceOut:
    load(svc, who, application_id, write=True)
    record = face.start(svc.runtime.workflow, svc.runtime.gateway, application_id, actor=who.account.id)
    return face_out(svc, record)


@router.get("/filings/{application_id}/face", response_model=FaceOut, summary="人脸核身状态")
def face_status(application_id: str, svc: ServicesDep, who: PrincipalDep) -> FaceOut:
    app = load(svc, who, application_id, write=False)
    record = face.status(svc.runtime.workflow, app.id, actor=who.account.id, staff=True)
    if record is None:
        return FaceOut(task_id="", verify_url="", status="not_started", status_label="未发起", created_at=None,
                       expires_at=None, simulated=svc.runtime.gateway.is_simulator)
    return face_out(svc, record)


@router.put("/filings/{application_id}/sections/{section}", response_model=FilingOut,
            summary="修改草稿的一个部分（subject / program / attachments）")
def update_section(application_id: str, section: Literal["subject", "program", "attachments"], body: SectionIn,
                   svc: ServicesDep, who: TenantDep) -> FilingOut:
    load(svc, who, application_id, write=True)
    app = filings.update_section(svc.runtime.workflow, application_id, section, body.content, actor=who.account.id,
                                 expected_version=body.version)
    svc.accounts.audit(who, "pii_read", app.id, via=who.via, reason="update")
    return filing_out(svc, app, document=True, reveal=True)


@router.get("/subjects", response_model=list[SubjectOut], summary="主办单位及其小程序（本人的；平台人员可看全部）")
def subjects(svc: ServicesDep, who: PrincipalDep, limit: Annotated[int, Query(ge=1, le=200)] = 50,
             offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> list[SubjectOut]:
    owner = None if who.is_staff else who.account.id
    out: list[SubjectOut] = []
    with svc.runtime.workflow.uow() as store:
        for subject in store.subjects_of(owner, limit, offset):
            programs = []
            for program in store.programs_of(subject.id):
                if who.scopes and not who.may_file_for(program.appid):
                    continue
                records = store.active_records(program_id=program.id)
                programs.append(ProgramOut(id=program.id, appid=program.appid, name=program.name, type=program.type,
                                           listed=program.listed, number=records[0].number if records else "",
                                           publishable=bool(records)))
            out.append(SubjectOut(id=subject.id, name=subject.name, nature=subject.nature, province=subject.province,
                                  certificate_number=mask_value("id", subject.certificate_number),
                                  serial=subject.serial, programs=programs))
    return out
