"""Use cases of submission and the platform review (平台初审): submit (pre-check, face verification,
the listed mini-programs' daily quota), withdraw, a reviewer's claim (认领), approve and reject."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Sequence
from typing import Any

from ..domain.calendar import BEIJING
from ..domain.enums import Verdict
from ..domain.errors import (
    ClaimedByOther,
    FaceVerificationRequired,
    InvalidRequest,
    QuotaExhausted,
    SubmissionBlocked,
)
from ..domain.face import FACE_LABELS, FaceStatus
from ..domain.model import Application, EventRecord
from ..domain.parsing import parse_mapping
from ..domain.regulator import RejectionReason
from ..domain.workflow import STATE_LABELS, Event, State, advance
from .ports import Store
from .precheck import check_document
from .workflow import Workflow, _apply, _check_owner, _check_version, _now, _situation, _transition


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
