"""The operator's console pages: policy, rule catalogue, state counts and manual bureau decisions."""

from __future__ import annotations

import json
from collections import Counter

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..api.errors import ApiError
from ..api.routes_filings import filing_out
from ..bootstrap import load_rejections
from ..domain.accounts import Role
from ..domain.regulator import BureauDecision
from ..domain.rejections import ReviewStage, UnknownRejectionReason
from ..domain.workflow import State
from ..render import rule_dict
from ..services import filings
from .common import (
    ACTION_ERRORS,
    Session,
    go,
    guard,
    message_of,
    page,
    posted_form,
    services,
)

router = APIRouter(include_in_schema=False)

@router.get("/operator")
def operator_page(request: Request) -> Response:
    session = guard(request, (Role.OPERATOR,))
    if not isinstance(session, Session):
        return session
    svc = services(request)
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
    return page(request, "operator.html", session, policy=policy, warnings=wf.calendar.warnings(),
                 rules=[rule_dict(r) for r in wf.checker.catalogue.rules], counts=counts, total=len(apps),
                 states=list(State), bureau=bureau, catalogue=load_rejections().for_stage(ReviewStage.BUREAU))


@router.post("/operator/filings/{application_id}/bureau-decision")
async def bureau_decision(request: Request, application_id: str) -> Response:
    posted = await posted_form(request, (Role.OPERATOR,))
    if not isinstance(posted, tuple):
        return posted
    session, form = posted
    svc = services(request)
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
        return go("/operator", error=message_of(exc), anchor="bureau")
    return go("/operator", notice="已记录管局审核结果", anchor="bureau")
