"""`icpflow filings …`: run a filing from draft to number.

Thin entry points: parse, call one use case, print in Chinese. Domain errors become a red line and exit
code 1; an unreadable document exits 2 with its problems. Actors are named with `--as` until accounts
arrive (issue #4); reviewer and operator commands say who acted with `--reviewer` / `--operator`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from .adapters.notify.sms import read_simulated_sms
from .bootstrap import Runtime, load_rejections
from .cli_workflow import _console, _fail, _runtime
from .domain.calendar import BEIJING
from .domain.errors import DomainError
from .domain.model import Application
from .domain.parsing import DocumentUnreadable
from .domain.pii import mask_value
from .domain.regulator import BureauDecision
from .domain.workflow import STATE_LABELS, IllegalTransition, State
from .services import filings, records

filings_app = typer.Typer(help="备案申请：创建、提交、审核、短信核验、管局结果。", no_args_is_help=True)

Actor = Annotated[str, typer.Option("--as", help="操作人账号（提交人/服务商）")]
Reviewer = Annotated[str, typer.Option("--reviewer", help="平台审核员账号")]
Operator = Annotated[str, typer.Option("--operator", help="运营人员账号")]


def _show(console: Console, app: Application, runtime: Runtime) -> None:
    state = STATE_LABELS[app.state]
    simulated = "（模拟管局）" if runtime.gateway.is_simulator else ""
    console.print(f"[bold]{app.id}[/bold]  {app.kind.value}  状态：[bold]{state}[/bold]  版本 {app.version}")
    program = app.document.get("program") or {}
    console.print(f"  主办单位：{app.document.get('subject', {}).get('name', '')}  小程序：{program.get('name', '')}"
                  f"（{program.get('appid', '')}）  省份：{app.province} {simulated}")
    if app.due_at:
        local = app.due_at.astimezone(BEIJING)
        left = ""
        if app.state in (State.PLATFORM_REVIEW, State.BUREAU_REVIEW):
            days = runtime.workflow.calendar.working_days_between(runtime.workflow.clock.today(), local.date())
            left = f"（剩余 {max(days, 0)} 个工作日）"
        console.print(f"  当前阶段截止：{local:%Y-%m-%d %H:%M}{left}")
    if app.issued_number:
        console.print(f"  备案号：[bold green]{app.issued_number}[/bold green]")
    for reason in app.reasons:
        console.print(f"  [red]驳回原因[/red] {reason.message}" + (f"（{reason.field}）" if reason.field else ""))


def _load_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        Console(stderr=True).print(f"[red]无法读取 {path}[/red]：{exc}")
        raise typer.Exit(2) from None
    if not isinstance(data, dict):
        Console(stderr=True).print(f"[red]{path} 不是一个 JSON 对象[/red]")
        raise typer.Exit(2)
    return data


# ----- filings -----------------------------------------------------------------------------------------

@filings_app.command("create")
def create(path: Annotated[Path, typer.Argument(help="备案文档 JSON")], actor: Actor = "filer") -> None:
    """从备案文档创建草稿（新增、变更或注销）。"""
    runtime = _runtime()
    try:
        app = filings.create_application(runtime.workflow, owner=actor, document=_load_json(path))
    except (DomainError, DocumentUnreadable) as exc:
        raise _fail(exc) from None
    _show(_console(), app, runtime)


@filings_app.command("list")
def list_(
    actor: Annotated[str | None, typer.Option("--as", help="只看该账号的申请")] = None,
    state: Annotated[list[State] | None, typer.Option(help="按状态筛选，可重复")] = None,
    limit: int = 50,
) -> None:
    """列出备案申请（按创建时间倒序）。"""
    runtime = _runtime()
    with runtime.workflow.uow() as store:
        apps = store.list_applications(owner=actor, states=[s.value for s in state or []], limit=limit)
    table = Table(title="备案申请")
    table.add_column("编号", no_wrap=True)
    for column in ("类型", "状态", "小程序", "省份", "备案号", "版本"):
        table.add_column(column)
    for app in apps:
        program = app.document.get("program") or {}
        table.add_row(app.id, app.kind.value, STATE_LABELS[app.state], str(program.get("name", "")), app.province,
                      app.issued_number, str(app.version))
    _console().print(table)


@filings_app.command("show")
def show(application_id: str, history: Annotated[bool, typer.Option(help="显示历史")] = True) -> None:
    """显示一份申请的状态、截止时间、驳回原因、备案号和历史。"""
    runtime = _runtime()
    console = _console()
    try:
        app = filings.get_application(runtime.workflow, application_id, actor="", staff=True)
        events = filings.history(runtime.workflow, application_id, actor="", staff=True) if history else []
    except DomainError as exc:
        raise _fail(exc) from None
    _show(console, app, runtime)
    for event in events:
        console.print(f"  {event.at.astimezone(BEIJING):%Y-%m-%d %H:%M}  {event.event}  "
                      f"{event.from_state} → {event.to_state}  {event.actor}", style="dim")


def _act(fn: Any, application_id: str, **kwargs: Any) -> None:
    runtime = _runtime()
    try:
        current = filings.get_application(runtime.workflow, application_id, actor="", staff=True)
        app = fn(runtime.workflow, application_id, expected_version=current.version, **kwargs)
    except (DomainError, IllegalTransition, DocumentUnreadable) as exc:
        raise _fail(exc) from None
    _show(_console(), app, runtime)


@filings_app.command("submit")
def submit(application_id: str, actor: Actor = "filer") -> None:
    """提交平台初审（预检不通过则拒绝提交并列出问题）。"""
    _act(filings.submit, application_id, actor=actor)


@filings_app.command("withdraw")
def withdraw(application_id: str, actor: Actor = "filer") -> None:
    """撤回（仅平台允许且仍在平台初审时）。"""
    _act(filings.withdraw, application_id, actor=actor)


@filings_app.command("edit")
def edit(application_id: str, actor: Actor = "filer") -> None:
    """驳回或撤回后回到草稿，修改后重新提交。"""
    _act(filings.edit, application_id, actor=actor)


@filings_app.command("update")
def update(application_id: str, path: Path, actor: Actor = "filer") -> None:
    """用新的备案文档替换草稿内容。"""
    document = _load_json(path)
    _act(filings.update_document, application_id, document=document, actor=actor)


@filings_app.command("approve")
def approve(application_id: str, reviewer: Reviewer = "reviewer") -> None:
    """平台初审通过：工信部核验短信随即发送。"""
    _act(filings.platform_approve, application_id, reviewer=reviewer)


@filings_app.command("reject")
def reject(
    application_id: str,
    reason: Annotated[list[str], typer.Option(help="驳回原因编号（见 icpflow filings reasons），可重复")],
    reviewer: Reviewer = "reviewer",
) -> None:
    """平台初审驳回，原因取自驳回原因目录。"""
    catalogue = load_rejections()
    try:
        reasons = [catalogue.reason(code) for code in reason]
    except KeyError as exc:
        Console(stderr=True).print(f"[red]未知的驳回原因 {exc}[/red]，可用：icpflow filings reasons")
        raise typer.Exit(2) from None
    _act(filings.platform_reject, application_id, reasons=reasons, reviewer=reviewer)


@filings_app.command("reasons")
def reasons(stage: Annotated[str, typer.Option(help="platform 或 bureau")] = "platform") -> None:
    """列出驳回原因目录。"""
    from .domain.rejections import ReviewStage

    table = Table(title="驳回原因")
    table.add_column("编号")
    table.add_column("原因")
    table.add_column("字段")
    for cause in load_rejections().for_stage(ReviewStage(stage)):
        table.add_row(cause.code, cause.message, cause.field)
    _console().print(table)


@filings_app.command("sms")
def sms(application_id: str) -> None:
    """查看（模拟）工信部发送的核验短信，含验证码。"""
    runtime = _runtime()
    with runtime.workflow.uow() as store:
        entries = store.sms_of(application_id)
    console = _console()
    if not entries:
        console.print("尚无核验短信（平台初审通过后由 worker 发送）")
    for entry in entries:
        mark = "【模拟】" if entry.simulated else ""
        console.print(f"{mark}第 {entry.attempt} 次  {mask_value('phone', entry.phone)}  {entry.text}")


@filings_app.command("verify")
def verify(application_id: str, code: str, actor: Actor = "filer") -> None:
    """输入短信验证码完成工信部核验（模拟器）。"""
    _act(filings.verify_sms, application_id, code=code, actor=actor)


@filings_app.command("verified")
def verified(application_id: str, operator: Operator = "operator") -> None:
    """手动模式：运营人员记录负责人已在工信部完成短信核验。"""
    _act(filings.record_sms_verified, application_id, operator=operator)


@filings_app.command("resend")
def resend(application_id: str, actor: Actor = "filer") -> None:
    """重发核验短信（有效期内一次；过期后可重发）。"""
    _act(filings.resend_sms, application_id, actor=actor)


@filings_app.command("contacts")
def contacts(application_id: str, path: Path, actor: Actor = "filer") -> None:
    """短信过期后仅修改负责人联系方式并重发，无需再次平台初审。"""
    document = _load_json(path)
    _act(filings.change_contacts, application_id, document=document, actor=actor)


@filings_app.command("decide")
def decide(
    application_id: str,
    approve_: Annotated[bool, typer.Option("--approve/--reject", help="管局审核结果")],
    number: Annotated[str | None, typer.Option(help="管局下发的备案号（手动模式）")] = None,
    reason: Annotated[list[str] | None, typer.Option(help="驳回原因编号，可重复")] = None,
    operator: Operator = "operator",
) -> None:
    """手动模式：记录管局审核结果。"""
    catalogue = load_rejections()
    decision = BureauDecision(approve_, tuple(catalogue.reason(c) for c in reason or []), number)
    _act(filings.apply_bureau_decision, application_id, decision=decision, actor=operator)


@filings_app.command("inbox")
def inbox(actor: Actor = "filer") -> None:
    """站内信。"""
    runtime = _runtime()
    with runtime.workflow.uow() as store:
        messages = store.inbox_of(actor)
    console = _console()
    for message in messages:
        console.print(f"[bold]{message.subject}[/bold]  {message.created_at.astimezone(BEIJING):%m-%d %H:%M}")
        console.print(f"  {message.body}")
    if not messages:
        console.print("没有站内信")


@filings_app.command("publishable")
def publishable(appid: str) -> None:
    """发布闸门：该小程序现在能否上架？能则退出码 0，不能则 1。"""
    runtime = _runtime()
    with runtime.workflow.uow() as store:
        verdict = records.may_publish(store, appid)
    _console().print(("[green]可以发布[/green] " if verdict.allowed else "[red]不能发布[/red] ") + verdict.reason)
    raise typer.Exit(0 if verdict.allowed else 1)


@filings_app.command("sms-log")
def sms_log() -> None:
    """模拟短信通道发出的通知短信（【模拟短信】）。"""
    runtime = _runtime()
    for record in read_simulated_sms(runtime.sms_log):
        _console().print(f"{record.sent_at}  {record.mobile}  {record.text}")  # recorded masked


@filings_app.command("webhook")
def webhook(url: str, actor: Actor = "filer") -> None:
    """订阅状态变更回调（HMAC-SHA256 签名，需设置 ICPFLOW_WEBHOOK_SECRET）。"""
    runtime = _runtime()
    try:
        added = filings.subscribe_webhook(runtime.workflow, owner=actor, url=url)
    except DomainError as exc:
        raise _fail(exc) from None
    if runtime.settings.webhook_secret is None:
        Console(stderr=True).print("[yellow]未设置 ICPFLOW_WEBHOOK_SECRET：回调将不会发送[/yellow]")
    _console().print("已订阅" if added else "已存在相同订阅", url)


@filings_app.command("face")
def face_command(application_id: str, actor: Actor = "filer",
                 start: Annotated[bool, typer.Option("--start/--status", help="发起新的人脸核身，或查看状态")] = False,
                 ) -> None:
    """小程序负责人人脸核身：发起（--start）或查看状态。提交前须通过。"""
    from .domain.face import FACE_LABELS
    from .services import face

    runtime = _runtime()
    console = _console()
    try:
        if start:
            record = face.start(runtime.workflow, runtime.gateway, application_id, actor=actor)
        else:
            found = face.status(runtime.workflow, application_id, actor=actor, staff=True)
            if found is None:
                console.print("尚未发起人脸核身：icpflow filings face ID --start")
                raise typer.Exit(1)
            record = found
    except DomainError as exc:
        raise _fail(exc) from None
    mark = "（模拟）" if runtime.gateway.is_simulator else ""
    console.print(f"人脸核身{mark}：{FACE_LABELS[record.status]}  任务 {record.task_id}  有效期至 "
                  f"{record.expires_at.astimezone(BEIJING):%Y-%m-%d %H:%M}")
    if record.verify_url:
        console.print(f"  核验地址：{record.verify_url}")
