"""Platform staff: the reviewer's queue (平台初审), the operator's records of the regulator's outcomes, the
auditor's log. (The platform policy is operator configuration: routes_config.py.)"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query

from ..bootstrap import load_rejections
from ..domain.calendar import BEIJING
from ..domain.regulator import BureauDecision
from ..domain.rejections import ReviewStage, UnknownRejectionReason
from ..domain.workflow import State
from ..services import face, filings
from .deps import AuditorDep, OperatorDep, ReviewerDep, ServicesDep
from .errors import ApiError
from .routes_filings import face_out, filing_out
from .schemas import BureauDecisionIn, FaceOut, FaceResultIn, FilingOut, FilingPage, ReasonOut, RejectIn, Version

router = APIRouter(prefix="/api/v1", tags=["staff"])


def _reasons(codes: list[str]) -> list[Any]:
    catalogue = load_rejections()
    try:
        return [catalogue.reason(code) for code in codes]
    except UnknownRejectionReason as exc:
        raise ApiError(422, "unknown_reason", f"未知的驳回原因编号 {exc}，见 GET /api/v1/review/reasons") from None


@router.get("/review/queue", response_model=FilingPage, summary="平台初审队列（按截止时间排序）")
def queue(svc: ServicesDep, who: ReviewerDep, limit: Annotated[int, Query(ge=1, le=200)] = 50,
          offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> FilingPage:
    with svc.runtime.workflow.uow() as store:
        apps = store.list_applications(states=[State.PLATFORM_REVIEW.value], limit=1000)
    apps.sort(key=lambda a: (a.due_at is None, a.due_at))
    page = apps[offset:offset + limit]
    return FilingPage(items=[filing_out(svc, a, document=False) for a in page], limit=limit, offset=offset)


@router.get("/review/reasons", response_model=list[ReasonOut], summary="驳回原因目录")
def reasons(who: ReviewerDep, stage: ReviewStage = ReviewStage.PLATFORM) -> list[ReasonOut]:
    return [ReasonOut(code=c.code, message=c.message, field=c.field) for c in load_rejections().for_stage(stage)]


@router.post("/review/{application_id}/claim", response_model=FilingOut, summary="认领（其他审核员不能再审核）")
def claim(application_id: str, body: Version, svc: ServicesDep, who: ReviewerDep) -> FilingOut:
    app = filings.claim(svc.runtime.workflow, application_id, reviewer=who.account.id, expected_version=body.version)
    return filing_out(svc, app, document=False)


@router.post("/review/{application_id}/approve", response_model=FilingOut, summary="平台初审通过")
def approve(application_id: str, body: Version, svc: ServicesDep, who: ReviewerDep) -> FilingOut:
    app = filings.platform_approve(svc.runtime.workflow, application_id, reviewer=who.account.id,
                                   expected_version=body.version)
    return filing_out(svc, app, document=False)


@router.post("/review/{application_id}/reject", response_model=FilingOut, summary="平台初审驳回（原因取自目录）")
def reject(application_id: str, body: RejectIn, svc: ServicesDep, who: ReviewerDep) -> FilingOut:
    app = filings.platform_reject(svc.runtime.workflow, application_id, _reasons(body.reasons),
                                  reviewer=who.account.id, expected_version=body.version)
    return filing_out(svc, app, document=False)


@router.post("/operator/filings/{application_id}/sms-verified", response_model=FilingOut,
             summary="手动模式：记录已完成工信部短信核验")
def sms_verified(application_id: str, body: Version, svc: ServicesDep, who: OperatorDep) -> FilingOut:
    app = filings.record_sms_verified(svc.runtime.workflow, application_id, operator=who.account.id,
                                      expected_version=body.version)
    svc.accounts.audit(who, "sms_verified_recorded", application_id)
    return filing_out(svc, app, document=False)


@router.post("/operator/filings/{application_id}/bureau-decision", response_model=FilingOut,
             summary="手动模式：记录管局审核结果")
def bureau_decision(application_id: str, body: BureauDecisionIn, svc: ServicesDep, who: OperatorDep) -> FilingOut:
    decision = BureauDecision(body.approved, tuple(_reasons(body.reasons)), body.number)
    app = filings.apply_bureau_decision(svc.runtime.workflow, application_id, decision, actor=who.account.id,
                                        expected_version=body.version)
    svc.accounts.audit(who, "bureau_decision_recorded", application_id, approved=body.approved)
    return filing_out(svc, app, document=False)


@router.get("/audit", summary="审计日志（个人信息查看与特权操作）")
def audit(svc: ServicesDep, who: AuditorDep, limit: Annotated[int, Query(ge=1, le=500)] = 100,
          offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
          action: Annotated[str | None, Query(max_length=64, description="动作代码，如 pii_read")] = None,
          actor: Annotated[str | None, Query(max_length=128, description="用户名或账号 ID")] = None,
          target: Annotated[str | None, Query(max_length=128, description="对象，如申请 ID")] = None,
          since: Annotated[dt.datetime | None, Query(description="起（含），ISO 8601")] = None,
          until: Annotated[dt.datetime | None, Query(description="止（不含），ISO 8601")] = None,
          ) -> list[dict[str, Any]]:
    since, until = (t.replace(tzinfo=BEIJING) if t is not None and t.tzinfo is None else t for t in (since, until))
    return svc.accounts.audit_entries(limit, offset, action=action or None, actor=actor or None,
                                      target=target or None, since=since, until=until)


@router.post("/operator/filings/{application_id}/face-result", response_model=FaceOut,
             summary="手动模式：记录人脸核身结果")
def face_result(application_id: str, body: FaceResultIn, svc: ServicesDep, who: OperatorDep) -> FaceOut:
    record = face.record_result(svc.runtime.workflow, application_id, body.passed, operator=who.account.id)
    svc.accounts.audit(who, "face_result_recorded", application_id, passed=body.passed)
    return face_out(svc, record)
