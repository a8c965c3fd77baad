"""`icpflow operator rules …`, `icpflow operator holidays …` and `icpflow operator policy …`: the operator's
configuration from the command line — the same use cases as the console and the API (services/config.py,
services/policy_config.py), audited alike.

A change applies at once in this command and within ICPFLOW_CONFIG_REFRESH_SECONDS in running servers
and workers. Domain errors become a red line and exit code 1; input that cannot be right (an unknown policy
key, a value out of range) a red line and exit code 2.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from .bootstrap import Runtime, build_accounts
from .cli_workflow import _fail, _runtime
from .domain.config import HOLIDAY_KIND_LABELS, SEVERITY_LABELS, ConfigProblem, HolidayKind
from .domain.enums import Severity
from .domain.errors import DomainError, InvalidRequest
from .domain.policy_config import KEYS, show, unknown_key, value_from_text
from .services import config, policy_config

operator_app = typer.Typer(help="运营配置：规则覆盖、节假日表与平台策略（保存在数据库，所有进程自动生效）。",
                           no_args_is_help=True)
rules_app = typer.Typer(help="规则覆盖：停用/启用、级别、生效日期。", no_args_is_help=True)
holidays_app = typer.Typer(help="节假日表：放假日、调休上班日、整年声明。", no_args_is_help=True)
policy_app = typer.Typer(help="平台策略：证件有效期、撤回、每日配额、审核期限等（运营设置覆盖部署值）。",
                         no_args_is_help=True)
operator_app.add_typer(rules_app, name="rules")
operator_app.add_typer(holidays_app, name="holidays")
operator_app.add_typer(policy_app, name="policy")

Operator = Annotated[str, typer.Option("--operator", help="运营人员账号（用户名）")]
Note = Annotated[str, typer.Option("--note", help="原因或依据（记入审计日志）")]


def _console() -> Console:
    return Console(highlight=False)


def _actor(runtime: Runtime, username: str) -> str:
    """The account id of `username` when such an account exists (the audit log is by account id)."""
    account = build_accounts(runtime).by_username(username)
    return account.id if account is not None else username


def _date(raw: str, what: str) -> dt.date:
    try:
        if len(raw) != 10:
            raise ValueError(raw)
        return dt.date.fromisoformat(raw)
    except ValueError:
        Console(stderr=True).print(f"[red]{what}“{raw}”不是有效日期，应为 YYYY-MM-DD[/red]")
        raise typer.Exit(2) from None


@rules_app.command("list")
def rules_list(overridden: Annotated[bool, typer.Option("--overridden", help="只看已覆盖的规则")] = False) -> None:
    """列出规则及其覆盖。"""
    runtime = _runtime()
    table = Table(title="规则目录", expand=True)
    for column in ("规则", "级别", "生效", "状态", "运营覆盖"):
        table.add_column(column)
    for view in config.rule_views(runtime.config):
        if overridden and view.override is None and not view.base.overridden:
            continue
        rule = view.rule
        override = "；".join(f"{k}={v}" for k, v in view.override.fields().items()) if view.override else ""
        table.add_row(rule.id, SEVERITY_LABELS[rule.severity],
                      f"{rule.effective_from}" + (f" 至 {rule.effective_to}" if rule.effective_to else ""),
                      "启用" if rule.enabled else "停用",
                      override + (f"（{view.override.note}）" if view.override else ""))
    _console().print(table)


@rules_app.command("override")
def rules_override(
    rule_id: str,
    note: Note,
    enable: Annotated[bool | None, typer.Option("--enable/--disable", help="启用或停用")] = None,
    severity: Annotated[Severity | None, typer.Option(help="级别：error、warning、info")] = None,
    effective_from: Annotated[str | None, typer.Option("--from", help="生效日期 YYYY-MM-DD")] = None,
    effective_to: Annotated[str | None, typer.Option("--to", help="失效日期 YYYY-MM-DD")] = None,
    message: Annotated[str | None, typer.Option(help="改写提示文字")] = None,
    fix: Annotated[str | None, typer.Option(help="改写修改建议")] = None,
    operator: Operator = "operator",
) -> None:
    """设置规则的运营覆盖（替换该规则原有的运营覆盖；未给出的项目沿用文件）。"""
    runtime = _runtime()
    try:
        view = config.set_rule_override(
            runtime.config, rule_id, actor=_actor(runtime, operator), note=note, enabled=enable, severity=severity,
            effective_from=_date(effective_from, "生效日期") if effective_from else None,
            effective_to=_date(effective_to, "失效日期") if effective_to else None, message=message, fix=fix)
    except DomainError as exc:
        raise _fail(exc) from None
    rule = view.rule
    _console().print(f"已保存 {rule.id}：{'启用' if rule.enabled else '停用'}，{SEVERITY_LABELS[rule.severity]}，"
                     f"{rule.effective_from} 起生效")


@rules_app.command("clear")
def rules_clear(rule_id: str, note: Note = "", operator: Operator = "operator") -> None:
    """删除规则的运营覆盖（恢复文件中的定义）。"""
    runtime = _runtime()
    try:
        config.clear_rule_override(runtime.config, rule_id, actor=_actor(runtime, operator), note=note)
    except DomainError as exc:
        raise _fail(exc) from None
    _console().print(f"已删除 {rule_id} 的运营覆盖")


@holidays_app.command("list")
def holidays_list(year: Annotated[int | None, typer.Option(help="只看该年")] = None) -> None:
    """按年份列出节假日表，标出按周一至周五估算的年份。"""
    runtime = _runtime()
    console = _console()
    for view in config.holiday_years(runtime.config, [year] if year else []):
        if year is not None and view.year != year:
            continue
        source = {"library": "日历库", "operator": "已声明完整录入", "fallback": "估算"}[view.status]
        console.print(f"[bold]{view.year} 年[/bold]（{source}）")
        if view.warning:
            console.print(f"  [yellow]{view.warning}[/yellow]")
        entries = [(e, "运营") for e in view.entries] + [(e, "文件") for e in view.file_entries]
        for entry, origin in sorted(entries, key=lambda pair: pair[0].day):
            console.print(f"  {entry.day}  {HOLIDAY_KIND_LABELS[entry.kind]}  {entry.name}  （{origin}）")


@holidays_app.command("add")
def holidays_add(day: str, kind: HolidayKind, name: str, note: Note = "", operator: Operator = "operator") -> None:
    """录入一天：KIND 为 holiday（放假）或 workday（调休上班，须为周六或周日）。"""
    runtime = _runtime()
    parsed = _date(day, "日期")
    try:
        config.set_holidays(runtime.config, [(parsed, kind, name)], actor=_actor(runtime, operator), note=note)
    except DomainError as exc:
        raise _fail(exc) from None
    _console().print(f"已录入 {parsed} {HOLIDAY_KIND_LABELS[kind]} {name}")


@holidays_app.command("remove")
def holidays_remove(day: str, note: Note = "", operator: Operator = "operator") -> None:
    """删除运营录入的一天。"""
    runtime = _runtime()
    parsed = _date(day, "日期")
    try:
        config.remove_holiday(runtime.config, parsed, actor=_actor(runtime, operator), note=note)
    except DomainError as exc:
        raise _fail(exc) from None
    _console().print(f"已删除 {parsed} 的运营条目")


@holidays_app.command("import")
def holidays_import(
    path: Annotated[Path, typer.Argument(help="每行一条：2027-01-01 holiday 元旦（日期可写范围 a..b）")],
    complete_year: Annotated[int | None, typer.Option(
        "--complete-year", help="这是该年的完整安排：替换该年运营条目并声明完整录入")] = None,
    note: Note = "",
    operator: Operator = "operator",
) -> None:
    """从文本文件导入节假日（与控制台“粘贴全年安排”相同的格式）。"""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        Console(stderr=True).print(f"[red]无法读取 {path}[/red]：{exc}")
        raise typer.Exit(2) from None
    runtime = _runtime()
    try:
        changed = config.paste_holidays(runtime.config, text, actor=_actor(runtime, operator), note=note,
                                        complete_year=complete_year)
    except DomainError as exc:
        raise _fail(exc) from None
    _console().print(f"已导入，变更 {changed} 项" + (f"；{complete_year} 年已声明完整录入" if complete_year else ""))


@holidays_app.command("complete")
def holidays_complete(
    year: int,
    withdraw: Annotated[bool, typer.Option("--withdraw", help="撤销声明")] = False,
    note: Note = "",
    operator: Operator = "operator",
) -> None:
    """声明某年的放假和调休上班日已全部录入（不再按周一至周五估算），或撤销声明。"""
    runtime = _runtime()
    try:
        config.set_year_complete(runtime.config, year, not withdraw, actor=_actor(runtime, operator), note=note)
    except DomainError as exc:
        raise _fail(exc) from None
    _console().print(f"已撤销 {year} 年的完整录入声明" if withdraw else f"{year} 年已声明完整录入")


# ----- the platform policy -------------------------------------------------------------------------------

def _bad_input(message: str) -> typer.Exit:
    Console(stderr=True, highlight=False).print(f"[red]{message}[/red]")
    return typer.Exit(2)


def _known(key: str) -> str:
    if key not in KEYS:
        raise _bad_input(unknown_key(key))
    return key


@policy_app.command("show")
def policy_show() -> None:
    """列出每一项的生效值、部署值，以及是否由运营设置。"""
    runtime = _runtime()
    table = Table(title="平台策略", expand=True)
    for column in ("策略项", "名称", "生效值", "部署值", "来源", "允许"):
        table.add_column(column)
    for item in policy_config.policy_items(runtime.config):
        source = "部署值"
        if item.override is not None:
            source = f"运营设置（{item.override.note}）" if item.override.note else "运营设置"
        table.add_row(item.key, item.spec.label, show(item.key, item.value), show(item.key, item.deployed), source,
                      item.spec.allowed)
    _console().print(table)


@policy_app.command("set")
def policy_set(
    key: Annotated[str, typer.Argument(help="策略项，如 daily_quota（见 show）")],
    value: Annotated[str, typer.Argument(help="整数、true/false（是/否）或 YYYY-MM-DD；下架截止日期可写 null（不设）")],
    note: Note = "",
    operator: Operator = "operator",
) -> None:
    """设置一项平台策略（替换部署值；其他项不变）。"""
    spec = KEYS[_known(key)]
    try:
        parsed = value_from_text(key, value)
    except ConfigProblem as exc:
        raise _bad_input("；".join(message for _, message in exc.problems)) from None
    runtime = _runtime()
    try:
        items = policy_config.set_policy(runtime.config, {key: value}, actor=_actor(runtime, operator), note=note,
                                         text=True)
    except InvalidRequest as exc:
        raise _bad_input(exc.message) from None
    except DomainError as exc:
        raise _fail(exc) from None
    item = next(i for i in items if i.key == key)
    _console().print(f"已设置 {spec.label}（{key}）：{show(key, parsed)}（部署值 {show(key, item.deployed)}）。"
                     f"运行中的服务和后台任务在 {int(runtime.settings.config_refresh_seconds)} 秒内生效")


@policy_app.command("reset")
def policy_reset(
    key: Annotated[str, typer.Argument(help="策略项，如 daily_quota")],
    note: Note = "",
    operator: Operator = "operator",
) -> None:
    """删除一项的运营设置，恢复部署值。"""
    spec = KEYS[_known(key)]
    runtime = _runtime()
    try:
        items = policy_config.reset_policy(runtime.config, key, actor=_actor(runtime, operator), note=note)
    except InvalidRequest as exc:
        raise _bad_input(exc.message) from None
    except DomainError as exc:
        raise _fail(exc) from None
    item = next(i for i in items if i.key == key)
    _console().print(f"已恢复 {spec.label}（{key}）的部署值：{show(key, item.value)}")
