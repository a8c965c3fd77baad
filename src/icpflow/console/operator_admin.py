"""The operator's audit log page (operators and auditors) and the regulator simulator's controls (模拟器,
operators only, and only while the gateway is the simulator). The controls' values are kept in the database
(services/simulator_controls.py): every process applies them within the refresh interval."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ..api.routes_filings import filing_out
from ..domain.accounts import Role
from ..domain.config import ConfigChange
from ..domain.pii import mask_text
from ..domain.simulator_config import APPROVE_RATIO
from ..domain.workflow import State
from ..services import config, simulator_controls
from . import filters
from .common import ACTION_ERRORS, Session, go, guard, message_of, page, posted_form, services, state_label
from .operator_config import when

router = APIRouter(include_in_schema=False)

AUDIT_ROLES = (Role.OPERATOR, Role.AUDITOR)
PAGE_SIZE = 50
#: what the audit log's actions mean; an action not listed here is shown by its code
AUDIT_LABELS = {
    "login": "登录", "login_failed": "登录失败", "api_key_created": "创建 API 密钥",
    "pii_read": "查看个人信息", "sms_read": "查看核验短信", "attachment_read": "查看附件",
    "letter_generated": "生成函件", "sms_verified_recorded": "记录短信核验完成",
    "face_result_recorded": "记录人脸核身结果", "bureau_decision_recorded": "记录管局审核结果",
    "simulator_approve_ratio_changed": "模拟器：修改通过率", "simulator_approve_ratio_reset": "模拟器：恢复部署通过率",
    "simulator_decision_forced": "模拟器：指定管局结果", "simulator_decision_cleared": "模拟器：取消指定结果",
    "simulator_due_work_run": "模拟器：立即处理到期任务",
}
SIMULATOR = "/operator/simulator"


# ----- the audit log -------------------------------------------------------------------------------------

def _masked(value: Any) -> str:
    """Personal information never reaches the page: any value is masked as free text (docs/pii.md)."""
    if isinstance(value, list | tuple):
        return "、".join(_masked(v) for v in value)
    return mask_text(str(value))


def _entry(raw: dict[str, Any]) -> dict[str, Any]:
    at = dt.datetime.fromisoformat(raw["at"])
    detail = raw.get("detail") or {}
    return {
        "at": filters.local_time(at, "%Y-%m-%d %H:%M:%S"), "at_iso": at.isoformat(),
        "who": raw.get("username") or raw["account_id"], "action": raw["action"],
        "action_label": AUDIT_LABELS.get(raw["action"], raw["action"]), "target": _masked(raw["target"]),
        "detail": [(str(k), _masked(v)) for k, v in sorted(detail.items())] if isinstance(detail, dict) else [],
    }


@router.get("/operator/audit")
def audit_page(request: Request) -> Response:
    session = guard(request, AUDIT_ROLES)
    if not isinstance(session, Session):
        return session
    query = dict(request.query_params)
    chosen = filters.period(query)
    problems = list(chosen.problems)
    try:
        number = max(1, int(query.get("page", "1")))
    except ValueError:
        number = 1
    wanted = {k: query.get(k, "").strip()[:100] for k in ("action", "actor", "filing")}
    rows = services(request).accounts.audit_entries(
        PAGE_SIZE + 1, (number - 1) * PAGE_SIZE, action=wanted["action"] or None, actor=wanted["actor"] or None,
        target=wanted["filing"] or None, since=chosen.since, until=chosen.until)
    kept = {**wanted, "from": chosen.start_text, "to": chosen.end_text}
    base = {k: v for k, v in kept.items() if v}

    def link(to_page: int) -> str:
        return "/operator/audit?" + urlencode({**base, "page": str(to_page)})

    actions = dict(AUDIT_LABELS)
    if wanted["action"] and wanted["action"] not in actions:
        actions[wanted["action"]] = wanted["action"]
    return page(request, "operator_audit.html", session, entries=[_entry(r) for r in rows[:PAGE_SIZE]],
                 chosen=kept, actions=actions, problems=problems, page_number=number,
                 previous=link(number - 1) if number > 1 else "",
                 next=link(number + 1) if len(rows) > PAGE_SIZE else "")


# ----- the simulator's controls ---------------------------------------------------------------------------

def _percent(ratio: float) -> str:
    return f"{ratio * 100:g}%"


def _describe(change: ConfigChange) -> str:
    """A change of the simulator's tuning in words, for the page's history."""
    if change.kind == "simulator":
        after = change.after or {}
        source = "（部署值）" if after.get("source") == "deployment" else ""
        verb = "恢复部署通过率" if change.action == "delete" else "修改通过率"
        ratio = after.get(APPROVE_RATIO)
        return f"{verb}：{_percent(ratio) if isinstance(ratio, int | float) else '—'}{source}"
    if change.action == "delete":
        return f"取消指定结果：{change.target}"
    verdict = "通过" if (change.after or {}).get("approved") else "驳回"
    return f"{'立即' if change.action == 'apply' else '指定'}{verdict}：{change.target}"


@router.get(SIMULATOR)
def simulator_page(request: Request) -> Response:
    session = guard(request, (Role.OPERATOR,))
    if not isinstance(session, Session):
        return session
    svc = services(request)
    simulator = simulator_controls.tunable(svc.runtime.gateway)
    if simulator is None:
        return page(request, "operator_simulator.html", session, simulator=None, gateway=svc.runtime.gateway.name)
    cfg = svc.runtime.config
    state = simulator_controls.simulator_state(cfg, simulator)
    changes = config.history(cfg, kind=simulator_controls.HISTORY_KINDS, limit=20)
    with svc.runtime.workflow.uow() as store:
        waiting = store.list_applications(states=[State.BUREAU_REVIEW.value], limit=50)
    low, high = simulator.bureau_delay
    return page(request, "operator_simulator.html", session, simulator=simulator, gateway=simulator.name,
                 state=state, ratio_percent=round(state.approve_ratio * 100, 1),
                 deployed_percent=round(state.deployed_ratio * 100, 1),
                 delay=(int(low.total_seconds()), int(high.total_seconds())), refresh=int(cfg.live.ttl),
                 changes=changes, actors={c.account_id: c.actor for c in changes}, when=when, describe=_describe,
                 bureau=[filing_out(svc, a, document=False) for a in waiting])


async def _simulator_form(request: Request) -> tuple[Session, dict[str, str], simulator_controls.TunableSimulator] \
        | Response:
    posted = await posted_form(request, (Role.OPERATOR,))
    if not isinstance(posted, tuple):
        return posted
    session, form = posted
    simulator = simulator_controls.tunable(services(request).runtime.gateway)
    if simulator is None:
        return go(SIMULATOR, error="当前监管侧不是模拟器，没有可调整的模拟器设置")
    return session, form, simulator


def _everywhere(request: Request) -> str:
    return f"本服务已立即生效，其他进程（含后台任务）在 {int(services(request).runtime.config.live.ttl)} 秒内生效"


@router.post(f"{SIMULATOR}/approve-ratio")
async def change_approve_ratio(request: Request) -> Response:
    posted = await _simulator_form(request)
    if not isinstance(posted, tuple):
        return posted
    session, form, simulator = posted
    try:
        ratio = float(form.get("percent", "").strip()) / 100
    except ValueError:
        return go(SIMULATOR, error="通过率应为 0 到 100 之间的数字", anchor="ratio")
    try:
        simulator_controls.set_approve_ratio(services(request).runtime.config, simulator, ratio,
                                             actor=session.who.account.id)
    except ACTION_ERRORS as exc:
        return go(SIMULATOR, error=message_of(exc), anchor="ratio")
    return go(SIMULATOR, notice=f"模拟器管局通过率已改为 {_percent(ratio)}（此后的提交适用）。{_everywhere(request)}",
              anchor="ratio")


@router.post(f"{SIMULATOR}/approve-ratio/reset")
async def reset_approve_ratio(request: Request) -> Response:
    posted = await _simulator_form(request)
    if not isinstance(posted, tuple):
        return posted
    session, _form, simulator = posted
    try:
        removed = simulator_controls.reset_approve_ratio(services(request).runtime.config, simulator,
                                                         actor=session.who.account.id)
    except ACTION_ERRORS as exc:
        return go(SIMULATOR, error=message_of(exc), anchor="ratio")
    deployed = _percent(simulator.approve_ratio)
    if removed is None:
        return go(SIMULATOR, notice=f"模拟器管局通过率已是部署值 {deployed}", anchor="ratio")
    return go(SIMULATOR, notice=f"模拟器管局通过率已恢复为部署值 {deployed}。{_everywhere(request)}", anchor="ratio")


@router.post(f"{SIMULATOR}/force")
async def force_decision(request: Request) -> Response:
    posted = await _simulator_form(request)
    if not isinstance(posted, tuple):
        return posted
    session, form, simulator = posted
    application_id = form.get("application_id", "").strip()
    if not application_id or form.get("decision") not in ("approve", "reject", "clear"):
        return go(SIMULATOR, error="请填写申请编号并选择“通过”或“驳回”", anchor="force")
    runtime = services(request).runtime
    actor = session.who.account.id
    try:
        if form["decision"] == "clear":
            simulator_controls.clear_forced(runtime.config, application_id, actor=actor)
            return go(SIMULATOR, notice="已取消该申请的指定结果，此后按通过率模拟", anchor="force")
        approved = form["decision"] == "approve"
        outcome = simulator_controls.force_bureau_decision(runtime.workflow, runtime.config, simulator,
                                                           application_id, approved, actor=actor)
    except ACTION_ERRORS as exc:
        return go(SIMULATOR, error=message_of(exc), anchor="force")
    verdict = "通过" if approved else "驳回"
    if outcome.applied:
        notice = f"模拟管局已{verdict}该申请，当前状态：{state_label(outcome.application.state.value)}"
    else:
        notice = f"已指定：该申请此后提交到模拟管局时将被{verdict}。{_everywhere(request)}"
    return go(SIMULATOR, notice=notice, anchor="force")


@router.post(f"{SIMULATOR}/run")
async def run_due_work(request: Request) -> Response:
    posted = await _simulator_form(request)
    if not isinstance(posted, tuple):
        return posted
    session, _form, _simulator = posted
    runtime = services(request).runtime
    # the worker's pass can take a while: off the event loop, as the background worker runs it
    result = await run_in_threadpool(simulator_controls.run_due_work, runtime.workflow, runtime.gateway,
                                     runtime.notifiers)
    services(request).accounts.audit(session.who, "simulator_due_work_run", "simulator", timers=result.timers,
                                     outbox=result.outbox, failures=len(result.failures))
    notice = f"已处理到期定时任务 {result.timers} 个、发件箱消息 {result.outbox} 条"
    if result.failures:
        return go(SIMULATOR, notice=notice, error=f"{len(result.failures)} 条投递失败，将按退避策略重试", anchor="run")
    return go(SIMULATOR, notice=notice, anchor="run")
