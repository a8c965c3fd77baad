"""Operator-editable configuration in the console: rule overrides (/operator/rules) and the holiday table
(/operator/holidays). Plain forms (POST, then 303 back), CSRF checked, operators only; the same use cases
as the API (services/config.py), so every change is applied at once here, within the refresh interval in
the other processes, and audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..domain.accounts import Role
from ..domain.calendar import BEIJING
from ..domain.config import HOLIDAY_KIND_LABELS, SEVERITY_LABELS, ConfigChange, HolidayKind
from ..domain.enums import FilingKind, ProgramType, Severity, SubjectNature, label
from ..domain.regions import RegionTable
from ..domain.rules.catalogue import Rule
from ..services import config
from .common import ACTION_ERRORS, Session, go, guard, message_of, page, posted_form, services

router = APIRouter(include_in_schema=False)

OPERATOR = (Role.OPERATOR,)
WEEKDAYS = "一二三四五六日"
STATUS_LABELS = {"library": "日历库（chinese-calendar）已收录", "operator": "运营已声明完整录入",
                 "fallback": "未录入：按周一至周五估算"}
KIND_OF_CHANGE = {"rule_override": "规则覆盖", "holiday": "节假日", "holiday_year": "年度完整声明"}
_FIELD_LABELS = {"enabled": "状态", "severity": "级别", "effective_from": "生效日期", "effective_to": "失效日期",
                 "message": "提示文字", "fix": "修改建议"}


def when(moment: dt.datetime | None) -> str:
    """A stored (UTC) time on the Beijing wall clock."""
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M") if moment else ""


def describe(value: dict[str, Any] | None) -> str:
    """A change's before/after in words: 级别=提示；生效日期=2027-01-01, 2027-10-01 放假 国庆节, 已完整录入."""
    if not value:
        return "—"
    if "date" in value and "kind" in value:
        kind = HOLIDAY_KIND_LABELS.get(HolidayKind(value["kind"])) if value["kind"] in {k.value for k in HolidayKind} \
            else value["kind"]
        return f"{value['date']} {kind} {value.get('name', '')}"
    if "complete" in value:
        return "已声明完整录入" if value["complete"] else "未声明"
    parts = []
    for key, raw in value.items():
        if key == "note":
            continue
        shown = raw
        if key == "enabled":
            shown = "启用" if raw else "停用"
        elif key == "severity" and raw in {s.value for s in Severity}:
            shown = SEVERITY_LABELS[Severity(raw)]
        parts.append(f"{_FIELD_LABELS.get(key, key)}={shown}")
    return "；".join(parts) or "—"


def _anchor(rule_id: str) -> str:
    return "r-" + rule_id.replace(".", "-")


def where(rule: Rule, regions: RegionTable) -> str:
    """Where a rule applies, in Chinese (as in docs/rules.md)."""
    scope = rule.scope
    parts = ["全国" if scope.provinces is None
             else "、".join(regions.province_short(p) for p in sorted(scope.provinces))]
    if scope.provinces_excluded:
        parts.append("除 " + "、".join(regions.province_short(p) for p in sorted(scope.provinces_excluded)))
    if scope.natures is not None:
        parts.append("主体：" + "、".join(label(n, SubjectNature) for n in sorted(scope.natures)))
    if scope.natures_excluded:
        parts.append("不含 " + "、".join(label(n, SubjectNature) for n in sorted(scope.natures_excluded)))
    if scope.program_types is not None:
        parts.append("、".join(label(t, ProgramType) for t in sorted(scope.program_types)))
    if scope.kinds is not None and set(scope.kinds) != {k.value for k in FilingKind}:
        parts.append("、".join(label(k, FilingKind) for k in sorted(scope.kinds)))
    return "；".join(parts)


def _actors(changes: list[ConfigChange]) -> dict[str, str]:
    return {c.account_id: c.actor for c in changes}


# ----- rules -------------------------------------------------------------------------------------------

@router.get("/operator/rules")
def rules_page(request: Request) -> Response:
    session = guard(request, OPERATOR)
    if not isinstance(session, Session):
        return session
    svc = services(request)
    cfg = svc.runtime.config
    query = request.query_params.get("q", "").strip()
    only = request.query_params.get("only", "")
    views = config.rule_views(cfg)
    overridden = sum(1 for v in views if v.override is not None)
    regions = svc.runtime.workflow.checker.regions
    wheres = {v.base.id: where(v.rule, regions) for v in views}
    if query:
        views = [v for v in views if query.lower() in f"{v.rule.id} {v.rule.title} {v.rule.message} "
                 f"{wheres[v.rule.id]} {v.rule.source}".lower()]
    if only == "overridden":
        views = [v for v in views if v.override is not None or v.base.overridden]
    changes = config.history(cfg, kind="rule_override", limit=200)
    by_rule: dict[str, list[ConfigChange]] = {}
    for change in changes:
        by_rule.setdefault(change.target, []).append(change)
    return page(request, "operator_rules.html", session, views=views, wheres=wheres, by_rule=by_rule,
                changes=changes[:30], actors=_actors(changes), anchor=_anchor, severities=list(Severity),
                severity_labels=SEVERITY_LABELS, query=query, only=only, overridden=overridden,
                total=len(cfg.live.base.rules), refresh=int(cfg.live.ttl), kind_of_change=KIND_OF_CHANGE,
                when=when, describe=describe)


def _date(form: dict[str, str], name: str, what: str) -> dt.date | None:
    raw = form.get(name, "").strip()
    if not raw:
        return None
    try:
        if len(raw) != 10:
            raise ValueError(raw)
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"{what}“{raw}”不是有效日期，应为 YYYY-MM-DD") from None


@router.post("/operator/rules/{rule_id}/override")
async def set_override(request: Request, rule_id: str) -> Response:
    posted = await posted_form(request, OPERATOR)
    if not isinstance(posted, tuple):
        return posted
    session, form = posted
    back = "/operator/rules"
    try:
        enabled = {"on": True, "off": False}.get(form.get("enabled", ""))
        raw_severity = form.get("severity", "")
        severity = Severity(raw_severity) if raw_severity in {s.value for s in Severity} else None
        config.set_rule_override(
            services(request).runtime.config, rule_id, actor=session.who.account.id, note=form.get("note", ""),
            enabled=enabled, severity=severity,
            effective_from=_date(form, "effective_from", "生效日期"),
            effective_to=_date(form, "effective_to", "失效日期"),
            message=form.get("message", "").strip() or None, fix=form.get("fix", "").strip() or None)
    except (ValueError, *ACTION_ERRORS) as exc:
        return go(back, error=message_of(exc), anchor=_anchor(rule_id))
    return go(back, notice=f"已保存规则 {rule_id} 的运营覆盖，已立即生效", anchor=_anchor(rule_id))


@router.post("/operator/rules/{rule_id}/override/delete")
async def delete_override(request: Request, rule_id: str) -> Response:
    posted = await posted_form(request, OPERATOR)
    if not isinstance(posted, tuple):
        return posted
    session, form = posted
    try:
        config.clear_rule_override(services(request).runtime.config, rule_id, actor=session.who.account.id,
                                   note=form.get("note", ""))
    except ACTION_ERRORS as exc:
        return go("/operator/rules", error=message_of(exc), anchor=_anchor(rule_id))
    return go("/operator/rules", notice=f"已删除规则 {rule_id} 的运营覆盖，恢复文件中的定义", anchor=_anchor(rule_id))


# ----- holidays ----------------------------------------------------------------------------------------

def _year_from(request: Request) -> int | None:
    raw = request.query_params.get("year", "")
    return int(raw) if raw.isascii() and raw.isdigit() and 2000 <= int(raw) <= 2099 else None


@router.get("/operator/holidays")
def holidays_page(request: Request) -> Response:
    session = guard(request, OPERATOR)
    if not isinstance(session, Session):
        return session
    cfg = services(request).runtime.config
    wanted = _year_from(request)
    years = config.holiday_years(cfg, [wanted] if wanted else [])
    changes = config.history(cfg, kind=("holiday", "holiday_year"), limit=300)
    uncovered = [y for y in years if y.status == "fallback"]
    default_year = uncovered[0].year if uncovered else cfg.clock.today().year + 1
    return page(request, "operator_holidays.html", session, years=years, uncovered=uncovered,
                changes=changes[:50], actors=_actors(changes), kinds=list(HolidayKind),
                kind_labels=HOLIDAY_KIND_LABELS, status_labels=STATUS_LABELS, weekdays=WEEKDAYS,
                default_year=default_year, refresh=int(cfg.live.ttl), kind_of_change=KIND_OF_CHANGE,
                when=when, describe=describe)


def _back(year: int | None) -> str:
    return "/operator/holidays" + (f"?{urlencode({'year': year})}" if year else "")


@router.post("/operator/holidays")
async def add_holiday(request: Request) -> Response:
    posted = await posted_form(request, OPERATOR)
    if not isinstance(posted, tuple):
        return posted
    session, form = posted
    day: dt.date | None = None
    try:
        day = _date(form, "date", "日期")
        if day is None:
            raise ValueError("请填写日期（YYYY-MM-DD）")
        kind = HolidayKind(form.get("kind", "")) if form.get("kind") in {k.value for k in HolidayKind} else None
        if kind is None:
            raise ValueError("请选择类型：放假或调休上班")
        config.set_holidays(services(request).runtime.config, [(day, kind, form.get("name", ""))],
                            actor=session.who.account.id, note=form.get("note", "").strip())
    except (ValueError, *ACTION_ERRORS) as exc:
        return go(_back(day.year if day else None), error=message_of(exc), anchor="add")
    weekday = WEEKDAYS[day.weekday()]
    notice = f"已录入 {day}（星期{weekday}）{HOLIDAY_KIND_LABELS[kind]}，新计算的期限立即按此计算"
    return go(_back(day.year), notice=notice, anchor=f"y{day.year}")


@router.post("/operator/holidays/paste")
async def paste_holidays(request: Request) -> Response:
    posted = await posted_form(request, OPERATOR)
    if not isinstance(posted, tuple):
        return posted
    session, form = posted
    year: int | None = None
    try:
        if form.get("complete") == "yes":
            raw = form.get("year", "").strip()
            if not (raw.isascii() and raw.isdigit()):
                raise ValueError("请填写完整录入的年份，如 2027")
            year = int(raw)
        changed = config.paste_holidays(services(request).runtime.config, form.get("text", ""),
                                        actor=session.who.account.id, note=form.get("note", "").strip(),
                                        complete_year=year)
    except (ValueError, *ACTION_ERRORS) as exc:
        return go(_back(year), error=message_of(exc), anchor="paste")
    done = f"已导入，变更 {changed} 项" + (f"；{year} 年已声明完整录入" if year else "")
    return go(_back(year), notice=done, anchor=f"y{year}" if year else "")


@router.post("/operator/holidays/{day}/delete")
async def delete_holiday(request: Request, day: str) -> Response:
    posted = await posted_form(request, OPERATOR)
    if not isinstance(posted, tuple):
        return posted
    session, form = posted
    parsed: dt.date | None = None
    try:
        parsed = _date({"date": day}, "date", "日期")
        if parsed is None:
            raise ValueError("请指定日期")
        config.remove_holiday(services(request).runtime.config, parsed, actor=session.who.account.id,
                              note=form.get("note", "").strip())
    except (ValueError, *ACTION_ERRORS) as exc:
        return go(_back(parsed.year if parsed else None), error=message_of(exc))
    return go(_back(parsed.year), notice=f"已删除 {parsed} 的运营条目", anchor=f"y{parsed.year}")


@router.post("/operator/holidays/years/{year}")
async def set_year(request: Request, year: int) -> Response:
    posted = await posted_form(request, OPERATOR)
    if not isinstance(posted, tuple):
        return posted
    session, form = posted
    complete = form.get("complete") == "yes"
    try:
        config.set_year_complete(services(request).runtime.config, year, complete, actor=session.who.account.id,
                                 note=form.get("note", "").strip())
    except ACTION_ERRORS as exc:
        return go(_back(None), error=message_of(exc))
    notice = f"{year} 年已声明完整录入：不再按周一至周五估算" if complete else f"已撤销 {year} 年的完整录入声明"
    return go(_back(year), notice=notice, anchor=f"y{year}")
