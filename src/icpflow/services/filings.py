"""Use cases of the filing workflow: create, edit, submit, review, SMS verification, bureau decision,
withdrawal, change and cancellation filings.

Each use case opens one transaction, loads the application, asks the transition table
(`domain.workflow.advance`) what the event does, applies its effects (timers, outbox rows, records),
saves with a version check and commits. Side effects — notifications, regulator calls — are outbox
rows written in the same transaction and performed by the worker after commit.
"""

from __future__ import annotations

import copy
import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..domain.calendar import BEIJING, WorkingCalendar
from ..domain.deadlines import DeadlinePolicy, bureau_review_due, platform_review_due, sms_expires_at
from ..domain.enums import Verdict
from ..domain.errors import (
    ClaimedByOther,
    ConcurrentUpdate,
    FaceVerificationRequired,
    InvalidRequest,
    NotOwner,
    QuotaExhausted,
    SubmissionBlocked,
    WrongSmsCode,
)
from ..domain.face import FACE_LABELS, FaceStatus
from ..domain.model import (
    Application,
    ApplicationKind,
    EventRecord,
    OutboxItem,
    Program,
    Subject,
    Timer,
    TimerKind,
)
from ..domain.parsing import parse_mapping
from ..domain.regulator import BureauDecision, RejectionReason
from ..domain.rules.engine import Checker
from ..domain.workflow import STATE_LABELS, Event, Situation, State, Transition, advance
from . import records
from .notify import notify_state_change
from .ports import Clock, Store, UnitOfWork
from .precheck import ImageProbe, check_document


@dataclass(frozen=True, slots=True)
class PlatformPolicy:
    """The platform's own policy (平台策略), set by operators."""

    withdraw_allowed: bool = True  # WeChat: until the platform review ends; Douyin: never (seed 004 §二 2)
    daily_quota: int = 0  # listed (存量) mini-programs per day, 0 = unlimited (seed 003 §二(一))
    quota_refresh_hour: int = 10  # the quota refreshes at 10:00 Asia/Shanghai (seed 003 §二(一))
    takedown_deadline: dt.date | None = None  # listed mini-programs without a number after this day go offline
    takedown_notice_days: int = 14
    #: submission needs a passed face-verification task (True), or trusts the document's flag (False)
    face_task_required: bool = True

    def in_force(self) -> PlatformPolicy:
        """The policy in force now: this one. The live policy (services/live_config.py) answers with its
        current snapshot, so a use case reading several fields reads them from one version."""
        return self


@dataclass(frozen=True, slots=True)
class Workflow:
    """Everything the use cases need, built once by bootstrap."""

    uow: UnitOfWork
    clock: Clock
    checker: Checker
    calendar: WorkingCalendar
    deadlines: DeadlinePolicy
    policy: PlatformPolicy
    gateway_name: str = "simulator"
    #: measures uploaded attachments (`stored:<id>`) for the pre-check before submission; None = the
    #: document's own width/height are judged
    probe: ImageProbe | None = None




def _now(wf: Workflow) -> dt.datetime:
    return wf.clock.now().astimezone(BEIJING)


def _situation(wf: Workflow, app: Application) -> Situation:
    return Situation(
        is_cancellation=app.kind.is_cancellation,
        withdraw_allowed=wf.policy.withdraw_allowed,
        sms_resends_left=app.sms_resends_left,
    )


def _check_version(app: Application, expected_version: int | None) -> None:
    """The caller acted on the version it saw; a newer one means someone else acted first."""
    if expected_version is not None and expected_version != app.version:
        raise ConcurrentUpdate(app.id, expected_version)


def _check_owner(app: Application, actor: str, *, staff: bool) -> None:
    if not staff and app.owner != actor:
        raise NotOwner("备案申请", app.id)


def _record_event(store: Store, app: Application, event: str, before: State, actor: str, now: dt.datetime,
                  **data: Any) -> None:
    store.append_event(EventRecord(app.id, event, before.value, app.state.value, actor, now, data))


def _apply(wf: Workflow, store: Store, app: Application, event: Event, actor: str, now: dt.datetime,
           *, expected_version: int | None = None, **data: Any) -> Transition:
    """Advance `app` by `event`: the transition's effects on timers, then save, history, notifications."""
    _check_version(app, expected_version)
    transition = advance(app.state, event, _situation(wf, app))
    before = app.state
    app.state = transition.target
    app.updated_at = now
    effects = transition.effects
    if effects.clear_timers:
        store.cancel_timers(app.id, now)
        app.due_at = None
    if effects.start_platform_review:
        app.submitted_at = now
        app.reasons = []
        app.due_at = platform_review_due(now, wf.calendar, wf.deadlines)
        store.add_timer(Timer(str(uuid.uuid4()), app.id, TimerKind.PLATFORM_REVIEW_DUE, app.due_at))
    if effects.start_sms:
        if effects.consume_resend:
            app.sms_resends_left -= 1
        app.sms_attempt += 1
        app.due_at = sms_expires_at(now, wf.deadlines)
        store.add_timer(Timer(str(uuid.uuid4()), app.id, TimerKind.SMS_EXPIRY, app.due_at,
                              {"attempt": app.sms_attempt}))
        store.add_outbox(OutboxItem(f"regulator_sms:{app.id}:{app.sms_attempt}", "regulator_sms",
                                    {"application_id": app.id, "attempt": app.sms_attempt}, now))
    if effects.start_bureau_review:
        app.due_at = bureau_review_due(now, wf.calendar, wf.deadlines)
        store.add_timer(Timer(str(uuid.uuid4()), app.id, TimerKind.BUREAU_REVIEW_DUE, app.due_at))
        store.add_outbox(OutboxItem(f"regulator_submit:{app.id}:{app.sms_attempt}", "regulator_submit",
                                    {"application_id": app.id, "attempt": app.sms_attempt}, now))
    if effects.issue_record:
        records.issue(store, app, now, wf.checker.regions.abbreviation(app.province))
        data["number"] = app.issued_number  # the number just issued, not the one known before (often none)
    store.save_application(app, app.version if expected_version is None else expected_version)
    _record_event(store, app, event.value, before, actor, now, **data)
    notify_state_change(store, app, before, now)
    return transition


# ----- drafts --------------------------------------------------------------------------------------

def create_application(wf: Workflow, *, owner: str, document: dict[str, Any],
                       store: Store | None = None) -> Application:
    """A draft from a filing document (any of the five kinds). Subject and program are found by their
    certificate number and appid, or created; a change or cancellation must name an active record.

    With `store`, the work joins that transaction and the caller commits (the API records the request's
    Idempotency-Key in the same one); without, the use case commits its own."""
    doc = parse_mapping(document)  # DocumentUnreadable: the caller shows its problems
    now = _now(wf)
    kind = ApplicationKind(doc.kind)
    if kind.is_cancellation and doc.subject.principal is None:
        # MIIT confirms a cancellation by SMS to the principal (reference §4.1 cancel_icp_filing).
        raise InvalidRequest("注销申请须填写主办单位负责人信息（subject.principal），工信部将向其手机发送核验短信")
    if store is not None:
        return _create(wf, store, doc, kind, owner, document, now)
    with wf.uow() as own:
        app = _create(wf, own, doc, kind, owner, document, now)
        own.commit()
        return app


def _create(wf: Workflow, store: Store, doc: Any, kind: ApplicationKind, owner: str, document: dict[str, Any],
            now: dt.datetime) -> Application:
    """The draft, its subject and program (found or created) and its history, in `store`, uncommitted."""
    subject = store.find_subject(doc.subject.certificate.number.strip().upper())
    if subject is None:
        subject = Subject(str(uuid.uuid4()), doc.subject.certificate.number.strip().upper(), doc.subject.name,
                          doc.subject.nature.value, wf.checker.province_of(doc), owner, created_at=now)
        store.add_subject(subject)
    elif subject.owner != owner:
        raise NotOwner("主办单位", subject.certificate_number)
    program_id = None
    new_program = False
    named = getattr(doc, "program", None)
    if named is not None:
        program = store.find_program(named.appid)
        if program is None:
            listed = bool(getattr(named, "listed", False))
            program = Program(str(uuid.uuid4()), subject.id, named.appid, named.name, named.type.value, listed,
                              owner, created_at=now)
            store.add_program(program)
            new_program = True
        elif program.owner != owner:
            raise NotOwner("小程序", named.appid)
        elif program.subject_id != subject.id:
            raise InvalidRequest(f"小程序 {named.appid} 属于另一个主办单位，不能在此主体下备案")
        program_id = program.id
    # a mini-program created just now has no record, so a new filing of it refers to none (no look-up)
    new_filing_of_new_program = kind is ApplicationKind.NEW and new_program
    record_number = "" if new_filing_of_new_program else records.required_record(store, kind, subject, program_id, doc)
    app = Application(str(uuid.uuid4()), kind, owner, subject.id, program_id, subject.province,
                      document=document, record_number=record_number, gateway=wf.gateway_name,
                      created_at=now, updated_at=now)
    store.add_application(app)
    store.append_event(EventRecord(app.id, "create", "", State.DRAFT.value, owner, now, {"kind": kind.value}))
    return app


def update_document(wf: Workflow, application_id: str, document: dict[str, Any], *, actor: str,
                    expected_version: int) -> Application:
    """Replace a draft's document (the filer editing the form)."""
    parse_mapping(document)
    now = _now(wf)
    with wf.uow() as store:
        app = store.get_application(application_id)
        _check_owner(app, actor, staff=False)
        if app.state is not State.DRAFT:
            raise InvalidRequest(f"只有草稿可以修改，当前状态为“{STATE_LABELS[app.state]}”")
        app.document = document
        app.updated_at = now
        store.save_application(app, expected_version)
        store.append_event(EventRecord(app.id, "update", app.state.value, app.state.value, actor, now, {}))
        store.commit()
        return app


def _transition(wf: Workflow, application_id: str, event: Event, actor: str, expected_version: int, *,
                owner_only: bool, check: Callable[[Store], None] | None = None, **data: Any) -> Application:
    """A use case that is nothing but one event: load, check the actor, apply, commit. `check` runs in the
    same transaction, before the event (a reviewer's claim, say), so nothing changes between the two."""
    now = _now(wf)
    with wf.uow() as store:
        app = store.get_application(application_id, lock=check is not None)
        if owner_only:
            _check_owner(app, actor, staff=False)
        if check is not None:
            check(store)
        _apply(wf, store, app, event, actor, now, expected_version=expected_version, **data)
        store.commit()
        return app


def edit(wf: Workflow, application_id: str, *, actor: str, expected_version: int) -> Application:
    """Back to draft after a rejection or a withdrawal, to fix and resubmit."""
    return _transition(wf, application_id, Event.EDIT, actor, expected_version, owner_only=True)


# ----- submission and the platform review ----------------------------------------------------------

def quota_day(now: dt.datetime, refresh_hour: int) -> dt.date:
    """The quota day a moment belongs to: it starts at `refresh_hour` Asia/Shanghai (seed 003: 10:00)."""
    local = now.astimezone(BEIJING)
    return (local - dt.timedelta(hours=refresh_hour)).date()


def submit(wf: Workflow, application_id: str, *, actor: str, expected_version: int, store: Store | None = None,
           app: Application | None = None) -> Application:
    """Submit for platform review. A blocked pre-check refuses it; listed mini-programs use the quota.

    With `store`, the work joins that transaction and the caller commits; `app` is then the application
    as the caller already loaded it in that transaction (not read twice)."""
    if store is not None:
        if app is None or app.id != application_id:
            app = store.get_application(application_id)
        return _submit(wf, store, app, actor, expected_version)
    with wf.uow() as own:
        submitted = _submit(wf, own, own.get_application(application_id), actor, expected_version)
        own.commit()
        return submitted


def _submit(wf: Workflow, store: Store, app: Application, actor: str, expected_version: int) -> Application:
    now = _now(wf)
    _check_owner(app, actor, staff=False)
    _check_version(app, expected_version)
    transition = advance(app.state, Event.SUBMIT, _situation(wf, app))
    policy = wf.policy.in_force()  # one version of the policy for the whole submission
    if policy.face_task_required and not app.kind.is_cancellation:
        app.document = _with_face_result(store, app, now)
    if transition.effects.precheck_required:
        report = check_document(parse_mapping(app.document), checker=wf.checker, clock=wf.clock,
                                probe=wf.probe)
        if report.verdict is Verdict.BLOCKED:
            raise SubmissionBlocked(report.to_dict())
    if app.program_id is not None and policy.daily_quota > 0:
        program = store.get_program(app.program_id)
        day = quota_day(now, policy.quota_refresh_hour)
        if program.listed and not store.use_quota(day, policy.daily_quota):
            refresh = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(policy.quota_refresh_hour),
                                          tzinfo=BEIJING)
            raise QuotaExhausted(refresh)
    _apply(wf, store, app, Event.SUBMIT, actor, now, expected_version=expected_version)
    return app


def _with_face_result(store: Store, app: Application, now: dt.datetime) -> dict[str, Any]:
    """The document with `face_verified` set from the latest face task (a passed, unexpired one)."""
    record = store.latest_face_task(app.id)
    if record is not None and record.resolve(now):
        store.save_face_task(record)
    if record is None or record.status is not FaceStatus.PASSED:
        raise FaceVerificationRequired(FACE_LABELS[record.status] if record else "未发起")
    document = copy.deepcopy(app.document)
    program = document.get("program") or {}
    target = program.get("principal") if isinstance(program.get("principal"), dict) else None
    if target is None:
        target = (document.get("subject") or {}).get("principal")
    if isinstance(target, dict):
        target["face_verified"] = True
    return document


def withdraw(wf: Workflow, application_id: str, *, actor: str, expected_version: int) -> Application:
    return _transition(wf, application_id, Event.WITHDRAW, actor, expected_version, owner_only=True)


def _not_claimed_by_another(store: Store, application_id: str, reviewer: str) -> None:
    holder = claimed_by(store, application_id)
    if holder and holder != reviewer:
        raise ClaimedByOther(holder)


def platform_approve(wf: Workflow, application_id: str, *, reviewer: str, expected_version: int) -> Application:
    return _transition(wf, application_id, Event.PLATFORM_APPROVE, reviewer, expected_version, owner_only=False,
                       check=lambda store: _not_claimed_by_another(store, application_id, reviewer))


def platform_reject(wf: Workflow, application_id: str, reasons: Sequence[RejectionReason], *, reviewer: str,
                    expected_version: int) -> Application:
    if not reasons:
        raise InvalidRequest("驳回时至少选择一条驳回原因")
    now = _now(wf)
    with wf.uow() as store:
        app = store.get_application(application_id, lock=True)
        _not_claimed_by_another(store, application_id, reviewer)
        app.reasons = list(reasons)
        _apply(wf, store, app, Event.PLATFORM_REJECT, reviewer, now, expected_version=expected_version,
               reasons=[r.code for r in reasons])
        store.commit()
        return app


# ----- MIIT SMS verification -----------------------------------------------------------------------

def verify_sms(wf: Workflow, application_id: str, code: str, *, actor: str, expected_version: int) -> Application:
    """The filer enters the code the (simulated) MIIT texted; the current attempt's codes count."""
    now = _now(wf)
    with wf.uow() as store:
        app = store.get_application(application_id)
        _check_owner(app, actor, staff=False)
        _check_version(app, expected_version)
        advance(app.state, Event.SMS_VERIFIED, _situation(wf, app))
        valid = {e.code for e in store.sms_of(app.id) if e.attempt == app.sms_attempt}
        if code.strip() not in valid:
            raise WrongSmsCode()
        _apply(wf, store, app, Event.SMS_VERIFIED, actor, now, expected_version=expected_version)
        store.commit()
        return app


def record_sms_verified(wf: Workflow, application_id: str, *, operator: str, expected_version: int) -> Application:
    """Manual mode: an operator records that the principals verified on the MIIT site."""
    return _transition(wf, application_id, Event.SMS_VERIFIED, operator, expected_version, owner_only=False,
                       manual=True)


def resend_sms(wf: Workflow, application_id: str, *, actor: str, expected_version: int) -> Application:
    return _transition(wf, application_id, Event.SMS_RESEND, actor, expected_version, owner_only=True)


CONTACT_FIELDS = ("mobile", "emergency_phone", "email", "emergency_contact_name")


def _contact_only(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The paths where `new` differs from `old` outside the principals' contact fields."""
    def strip(doc: dict[str, Any]) -> dict[str, Any]:
        copy: dict[str, Any] = {**doc, "subject": {**doc.get("subject", {})}, "program": {**doc.get("program", {})}}
        for section in ("subject", "program"):
            person = copy[section].get("principal")
            if isinstance(person, dict):
                copy[section]["principal"] = {k: v for k, v in person.items() if k not in CONTACT_FIELDS}
        return copy

    a, b = strip(old), strip(new)
    return sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))


def change_contacts(wf: Workflow, application_id: str, document: dict[str, Any], *, actor: str,
                    expected_version: int) -> Application:
    """After an SMS expiry: change only the contact details and resend, without a new platform review
    (seed 004 §3.1 仅修改备案联系方式)."""
    doc = parse_mapping(document)
    now = _now(wf)
    with wf.uow() as store:
        app = store.get_application(application_id)
        _check_owner(app, actor, staff=False)
        changed = _contact_only(app.document, document)
        if changed:
            raise InvalidRequest("仅修改联系方式时只能修改负责人的手机号码、应急电话和电子邮箱，"
                                 f"以下部分也被修改了：{'、'.join(changed)}", changed=changed)
        report = check_document(doc, checker=wf.checker, clock=wf.clock)
        contact_rules = ("field.mobile", "field.emergency_phone", "field.email", "nationwide.emergency_phone_differs",
                         "nationwide.phones_not_shared")
        problems = [f.to_dict() for f in report.findings
                    if f.rule in contact_rules and f.severity.value == "error"]
        if problems:
            raise SubmissionBlocked({**report.to_dict(), "findings": problems, "requirements": []})
        app.document = document
        _apply(wf, store, app, Event.CONTACT_CHANGE, actor, now, expected_version=expected_version)
        store.commit()
        return app


# ----- the bureau ----------------------------------------------------------------------------------

def apply_bureau_decision(wf: Workflow, application_id: str, decision: BureauDecision, *, actor: str,
                          expected_version: int | None = None, store: Store | None = None) -> Application:
    """The bureau approved (number issued, or record cancelled) or rejected with reasons."""
    if store is not None:
        return _bureau_decision(wf, store, application_id, decision, actor, expected_version)
    with wf.uow() as own:
        app = _bureau_decision(wf, own, application_id, decision, actor, expected_version)
        own.commit()
        return app


def _bureau_decision(wf: Workflow, store: Store, application_id: str, decision: BureauDecision, actor: str,
                     expected_version: int | None) -> Application:
    now = _now(wf)
    app = store.get_application(application_id, lock=True)
    if decision.approved:
        if decision.number:
            app.issued_number = decision.number.strip()
        _apply(wf, store, app, Event.BUREAU_APPROVE, actor, now, expected_version=expected_version,
               number=app.issued_number)
    else:
        if not decision.reasons:
            raise InvalidRequest("管局驳回时至少记录一条原因")
        app.reasons = list(decision.reasons)
        _apply(wf, store, app, Event.BUREAU_REJECT, actor, now, expected_version=expected_version,
               reasons=[r.code for r in decision.reasons])
    return app


# ----- reading -------------------------------------------------------------------------------------

def get_application(wf: Workflow, application_id: str, *, actor: str, staff: bool = False,
                    store: Store | None = None) -> Application:
    """The application (in `store`'s transaction when given, else in a transaction of its own)."""
    if store is not None:
        app = store.get_application(application_id)
        _check_owner(app, actor, staff=staff)
        return app
    with wf.uow() as own:
        app = own.get_application(application_id)
        _check_owner(app, actor, staff=staff)
        return app


def history(wf: Workflow, application_id: str, *, actor: str, staff: bool = False) -> list[EventRecord]:
    with wf.uow() as store:
        app = store.get_application(application_id)
        _check_owner(app, actor, staff=staff)
        return store.events_of(application_id)


def subscribe_webhook(wf: Workflow, *, owner: str, url: str) -> bool:
    """A service provider's endpoint for state-change events of its applications (http or https)."""
    if not url.startswith(("https://", "http://")) or len(url) > 500:
        raise InvalidRequest("回调地址须为 http:// 或 https:// 开头、不超过 500 个字符的 URL")
    with wf.uow() as store:
        added = store.add_webhook(str(uuid.uuid4()), owner, url, _now(wf))
        store.commit()
        return added



SECTIONS = ("subject", "program", "attachments")


def update_section(wf: Workflow, application_id: str, section: str, content: Any, *, actor: str,
                   expected_version: int) -> Application:
    """Replace one section of a draft's document (主办单位信息 / 备案小程序信息 / 附件)."""
    if section not in SECTIONS:
        raise InvalidRequest(f"未知的部分“{section}”，应为以下之一：{'、'.join(SECTIONS)}")
    with wf.uow() as store:
        current = store.get_application(application_id)
    document = {**current.document, section: content}
    return update_document(wf, application_id, document, actor=actor, expected_version=expected_version)


def claimed_by(store: Store, application_id: str) -> str:
    """The reviewer who claimed the application in its current platform review ("" if nobody)."""
    claimant = ""
    for event in store.events_of(application_id):
        if event.event == "submit":
            claimant = ""
        elif event.event == "claim":
            claimant = event.actor
    return claimant


def claim(wf: Workflow, application_id: str, *, reviewer: str, expected_version: int) -> Application:
    """A reviewer takes an application from the queue; others see it claimed (认领)."""
    now = _now(wf)
    with wf.uow() as store:
        app = store.get_application(application_id, lock=True)
        _check_version(app, expected_version)
        if app.state is not State.PLATFORM_REVIEW:
            raise InvalidRequest(f"只有平台初审中的申请可以认领，当前状态为“{STATE_LABELS[app.state]}”")
        holder = claimed_by(store, app.id)
        if holder and holder != reviewer:
            raise ClaimedByOther(holder)
        app.updated_at = now
        store.save_application(app, expected_version)
        store.append_event(EventRecord(app.id, "claim", app.state.value, app.state.value, reviewer, now, {}))
        store.commit()
        return app
