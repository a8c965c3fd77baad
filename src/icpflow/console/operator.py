"""The operator's console page: the dashboard (运营看板), the policy in force (edited on /operator/policy), the
rule catalogue, and the regulator's outcomes an operator records by hand (SMS verification, face
verification, the bureau's decision).

The dashboard's figures are aggregated by the database (`services.dashboard`); the page never loads the
applications to count them.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..api.routes_filings import filing_out
from ..bootstrap import build_stats, load_rejections
from ..domain.accounts import Role
from ..domain.dashboard import StatsFilter
from ..domain.policy_config import show
from ..domain.regulator import BureauDecision
from ..domain.rejections import ReviewStage
from ..domain.workflow import State
from ..render import rule_dict
from ..services import dashboard, face, filings, policy_config
from . import filters
from .common import (
    ACTION_ERRORS,
    Session,
    go,
    guard,
    message_of,
    page,
    posted_form,
    rejection_reasons,
    services,
)

router = APIRouter(include_in_schema=False)

#: the manual-results lists show at most this many applications each (the newest first)
LIST_LIMIT = 100
STAGE_LABELS = {"platform": "平台初审", "bureau": "管局审核"}


def duration(seconds: int) -> str:
    """A stay's length as an operator reads it: 2 天 3 小时, 5 小时 20 分, 12 分钟, 30 秒."""
    if seconds < 60:
        return f"{seconds} 秒"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} 分钟"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} 小时" + (f" {minutes} 分" if minutes else "")
    days, hours = divmod(hours, 24)
    return f"{days} 天" + (f" {hours} 小时" if hours else "")


@router.get("/operator")
def operator_page(request: Request) -> Response:
    session = guard(request, (Role.OPERATOR,))
    if not isinstance(session, Session):
        return session
    svc = services(request)
    wf = svc.runtime.workflow
    query = dict(request.query_params)
    chosen = filters.period(query)
    problems = list(chosen.problems)
    province = filters.province(query, problems)
    stats = build_stats(svc.runtime)
    board = dashboard.dashboard(stats, wf.clock, StatsFilter(province, chosen.since, chosen.until))
    regions = wf.checker.regions

    def province_name(code: str) -> str:
        try:
            return regions.province_name(code)
        except KeyError:
            return code

    gateway = svc.runtime.gateway
    # the policy in force (deployment settings + operator's values); edited on /operator/policy
    items = policy_config.policy_items(svc.runtime.config)
    policy = [(item.spec.label, show(item.key, item.value) + ("（运营设置）" if item.overridden else ""))
              for item in items]
    policy.append(("监管侧通道", gateway.name + ("（模拟器）" if gateway.is_simulator else "（人工录入）")))
    days = {item.key: item.value for item in items}
    with wf.uow() as store:
        sms_apps = store.list_applications(states=[State.SMS_VERIFICATION.value], limit=LIST_LIMIT)
        bureau_apps = store.list_applications(states=[State.BUREAU_REVIEW.value], limit=LIST_LIMIT)
    catalogue = load_rejections()
    return page(
        request, "operator.html", session, board=board, period=chosen, province=province or "",
        problems=problems, province_name=province_name, duration=duration, stage_labels=STAGE_LABELS,
        reason_message=lambda code: catalogue[code].message if code in catalogue else code,
        policy=policy, warnings=wf.calendar.warnings(), rules=[rule_dict(r) for r in wf.checker.catalogue.rules],
        sms=[filing_out(svc, a, document=False) for a in sms_apps],
        bureau=[filing_out(svc, a, document=False) for a in bureau_apps],
        faces=dashboard.pending_face_tasks(stats, wf.clock, limit=LIST_LIMIT),
        catalogue=catalogue.for_stage(ReviewStage.BUREAU), list_limit=LIST_LIMIT, local_time=filters.local_time,
        policy_days={"platform": days["platform_review_days"], "bureau": days["bureau_review_days"]},
    )


@router.post("/operator/filings/{application_id}/bureau-decision")
async def bureau_decision(request: Request, application_id: str) -> Response:
    posted = await posted_form(request, (Role.OPERATOR,))
    if not isinstance(posted, tuple):
        return posted
    session, form = posted
    svc = services(request)
    try:
        approved = form.get("approved") == "yes"
        reasons = tuple(rejection_reasons(form))
        decision = BureauDecision(approved, () if approved else reasons, form.get("number", "").strip() or None)
        filings.apply_bureau_decision(svc.runtime.workflow, application_id, decision, actor=session.who.account.id,
                                      expected_version=int(form.get("version", "-1")))
        svc.accounts.audit(session.who, "bureau_decision_recorded", application_id, approved=approved)
    except (ValueError, *ACTION_ERRORS) as exc:
        return go("/operator", error=message_of(exc), anchor="bureau")
    return go("/operator", notice="已记录管局审核结果", anchor="bureau")


@router.post("/operator/filings/{application_id}/sms-verified")
async def sms_verified(request: Request, application_id: str) -> Response:
    """Manual mode: the principals verified on the MIIT site (as POST /api/v1/operator/filings/{id}/sms-verified)."""
    posted = await posted_form(request, (Role.OPERATOR,))
    if not isinstance(posted, tuple):
        return posted
    session, form = posted
    svc = services(request)
    try:
        filings.record_sms_verified(svc.runtime.workflow, application_id, operator=session.who.account.id,
                                    expected_version=int(form.get("version", "-1")))
        svc.accounts.audit(session.who, "sms_verified_recorded", application_id)
    except (ValueError, *ACTION_ERRORS) as exc:
        return go("/operator", error=message_of(exc), anchor="sms")
    return go("/operator", notice="已记录工信部短信核验完成，申请进入管局审核", anchor="sms")


@router.post("/operator/filings/{application_id}/face-result")
async def face_result(request: Request, application_id: str) -> Response:
    """Manual channel: the face service's result (as POST /api/v1/operator/filings/{id}/face-result)."""
    posted = await posted_form(request, (Role.OPERATOR,))
    if not isinstance(posted, tuple):
        return posted
    session, form = posted
    svc = services(request)
    if form.get("passed") not in ("yes", "no"):
        return go("/operator", error="请选择人脸核身结果：通过或未通过", anchor="face")
    passed = form["passed"] == "yes"
    try:
        face.record_result(svc.runtime.workflow, application_id, passed, operator=session.who.account.id)
        svc.accounts.audit(session.who, "face_result_recorded", application_id, passed=passed)
    except ACTION_ERRORS as exc:
        return go("/operator", error=message_of(exc), anchor="face")
    return go("/operator", notice="已记录人脸核身结果：" + ("通过" if passed else "未通过"), anchor="face")
