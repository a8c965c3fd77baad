"""Rich rendering of pre-check outcomes for people, in Chinese.

It renders from the JSON contract (the dicts of `CheckOutcome.to_dict()`), so what a person reads and
what a program reads can never disagree, and results from worker processes render the same way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .domain.enums import AttachmentKind, PreApprovalCategory, Slot, label
from .domain.regions import RegionTable
from .domain.rules.catalogue import Rule

_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _province(code: str) -> str:
    return code or "未知"


def outcome(console: Console, result: dict[str, Any]) -> None:
    if "report" in result:
        report(console, result["report"], source=result.get("source", ""))
    else:
        problems(console, result.get("source", ""), result.get("problems", []))


def problems(console: Console, source: str, items: list[dict[str, str]]) -> None:
    table = Table(title=f"无法读取备案文档：{source}", title_style="bold red", show_lines=False, expand=True)
    table.add_column("位置", style="bold", no_wrap=True)
    table.add_column("发现")
    table.add_column("应为")
    for p in items:
        table.add_row(p["path"] or "（整个文档）", p["found"], p["expected"])
    console.print(table)


def report(console: Console, data: dict[str, Any], *, source: str = "") -> None:
    ready = data["verdict"] == "ready"
    head = Text()
    head.append("✔ 可以提交" if ready else "✘ 不能提交", style="bold green" if ready else "bold red")
    head.append(f"    审核管局：{data['bureau'] or '未知'}（{_province(data['province'])}）")
    head.append(f"    判定日期：{data['judged_on']}")
    if source:
        head.append(f"\n{source}", style="dim")
    console.print(Panel(head, title="备案预检报告", expand=True))

    if data["findings"]:
        console.print(Text(f"问题（{len(data['findings'])}）", style="bold"))
        for f in data["findings"]:
            line = Text("  ")
            line.append(f"{label(f['severity'])} ", style=_SEVERITY_STYLE.get(f["severity"], ""))
            line.append(f["field"] or "（整体）", style="bold")
            line.append(f"\n    {f['message']}")
            line.append(f"\n    → {f['fix']}", style="green")
            line.append(f"\n    {f['rule']} · 依据 {f['source']}", style="dim")
            console.print(line)

    if data["requirements"]:
        console.print(Text("需提交的材料", style="bold"))
        for r in data["requirements"]:
            line = Text("  ")
            line.append("✔ " if r["met"] else "✘ ", style="green" if r["met"] else "red")
            line.append(label(r["kind"], AttachmentKind), style="bold")
            line.append(f" → 【{label(r['slot'], Slot)}】")
            if not r["met"]:
                line.append(f"\n    {r['reason']}")
                if r.get("alternative_field"):
                    hint = f"\n    也可在 {r['alternative_field']} 中备注说明代替（见下方建议备注）"
                    line.append(hint, style="green")
                if r.get("template"):
                    line.append(f"\n    模板：{r['template']}", style="dim")
            console.print(line)

    if data["pre_approval_hits"]:
        table = Table(title="前置审批关键字", expand=True)
        table.add_column("类别")
        table.add_column("关键字", style="bold")
        table.add_column("字段")
        table.add_column("位置", no_wrap=True)
        for h in data["pre_approval_hits"]:
            where = f"{h['start']}-{h['end']}" + ("（排除条款内，不构成要求）" if h.get("excluded") else "")
            table.add_row(label(h["category"], PreApprovalCategory), h["keyword"], h["field"], where)
        console.print(table)

    for s in data["suggested_remarks"]:
        console.print(Panel(s["text"], title=f"建议备注 → {s['field']}", subtitle=s["rule"], border_style="green"))

    if ready and not data["findings"]:
        console.print("未发现问题。", style="green")


def summary(console: Console, results: list[dict[str, Any]]) -> None:
    counts = summarize(results)
    table = Table(title=f"预检汇总（共 {len(results)} 份）")
    table.add_column("结论")
    table.add_column("份数", justify="right")
    for key in ("ready", "blocked", "unreadable"):
        table.add_row(label(key) if key != "unreadable" else "无法读取", str(counts["verdicts"][key]))
    console.print(table)
    if counts["provinces"]:
        by_province = Table(title="按省份")
        by_province.add_column("省份")
        by_province.add_column("份数", justify="right")
        for code, n in counts["provinces"].most_common():
            by_province.add_row(code, str(n))
        console.print(by_province)
    if counts["rules"]:
        by_rule = Table(title="按规则（阻止提交的次数）")
        by_rule.add_column("规则")
        by_rule.add_column("份数", justify="right")
        for rule, n in counts["rules"].most_common(20):
            by_rule.add_row(rule, str(n))
        console.print(by_rule)
    unreadable = [r for r in results if "report" not in r]
    for r in unreadable[:20]:
        problems(console, r["source"], r["problems"])


def rule_dict(rule: Rule) -> dict[str, Any]:
    scope = rule.scope
    return {
        "id": rule.id,
        "title": rule.title,
        "check": rule.check,
        "severity": rule.severity.value,
        "enabled": rule.enabled,
        "provinces": sorted(scope.provinces) if scope.provinces is not None else None,
        "natures": sorted(scope.natures) if scope.natures is not None else None,
        "natures_excluded": sorted(scope.natures_excluded),
        "program_types": sorted(scope.program_types) if scope.program_types is not None else None,
        "kinds": sorted(scope.kinds) if scope.kinds is not None else None,
        "effective_from": rule.effective_from.isoformat(),
        "effective_to": rule.effective_to.isoformat() if rule.effective_to else None,
        "source": rule.source,
        "note": rule.note,
        "overridden": rule.overridden,
    }


def rules_table(console: Console, rules: Iterable[Rule], regions: RegionTable) -> None:
    table = Table(title="规则目录", expand=True, show_lines=True)
    table.add_column("规则", style="bold")
    table.add_column("级别", no_wrap=True)
    table.add_column("适用省份")
    table.add_column("依据", style="dim")
    for r in rules:
        where = "全国" if r.scope.provinces is None else "、".join(
            sorted(regions.province_short(p) for p in r.scope.provinces))
        state = "" if r.enabled else "（已停用）"
        table.add_row(f"{r.id}{state}\n{r.title}", label(r.severity), where, r.source)
    console.print(table)


def summarize(results: list[dict[str, Any]]) -> dict[str, Counter[str]]:
    """Counts by verdict, province and rule, shared by the summary table and tests."""
    verdicts: Counter[str] = Counter()
    provinces: Counter[str] = Counter()
    rules_hit: Counter[str] = Counter()
    for result in results:
        report = result.get("report")
        if report is None:
            verdicts["unreadable"] += 1
            continue
        verdicts[report["verdict"]] += 1
        provinces[report["province"] or "未知"] += 1
        fired = {f["rule"] for f in report["findings"] if f["severity"] == "error"}
        fired |= {r["rule"] for r in report["requirements"] if not r["met"]}
        rules_hit.update(fired)
    return {"verdicts": verdicts, "provinces": provinces, "rules": rules_hit}


def report_config_error(exc: ValueError, console: Console) -> None:
    """Each line of a settings problem (`config.SettingsInvalid`: one per bad variable) as `配置错误 …`,
    unwrapped, for every entry point that stops on it with exit code 2."""
    for line in str(exc).splitlines():
        console.print(f"[red]配置错误[/red] {escape(line)}", highlight=False, soft_wrap=True)
