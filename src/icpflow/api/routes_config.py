"""The operator's configuration (运营配置): rule overrides, the holiday table and the platform policy, stored
in the database, applied on top of the files and the deployment settings in every process
(services/config.py, services/policy_config.py). Operators change it; auditors read the rules and holidays.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from ..domain.config import MAX_NAME, MAX_TEXT, HolidayEntry, HolidayKind, RuleOverride
from ..domain.enums import Severity
from ..domain.policy_config import KEYS
from ..render import rule_dict
from ..services import config, policy_config
from .deps import AuditorDep, OperatorDep, Services, ServicesDep

router = APIRouter(prefix="/api/v1", tags=["operator-config"])

RuleId = Annotated[str, Path(max_length=100, description="规则编号，如 province.guangdong.filing_commitment")]
Year = Annotated[int, Path(ge=2000, le=2099, description="年份")]
PolicyKeyPath = Annotated[str, Path(max_length=50, description="策略项，如 daily_quota")]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RuleOverrideIn(_In):
    """Every field but `note` optional: what is not given is not overridden (the files' value applies)."""

    note: str = Field(min_length=1, max_length=MAX_TEXT, description="覆盖原因：依据、文件或通知（记入审计日志）")
    enabled: bool | None = Field(default=None, description="false 停用该规则，true 启用")
    severity: Severity | None = Field(default=None, description="error 阻止提交，warning 提示，info 说明")
    effective_from: dt.date | None = Field(default=None, description="生效日期（含）")
    effective_to: dt.date | None = Field(default=None, description="失效日期（含）")
    message: str | None = Field(default=None, max_length=MAX_TEXT, description="改写提示文字（可用 {占位符}）")
    fix: str | None = Field(default=None, max_length=MAX_TEXT, description="改写修改建议")


class HolidayIn(_In):
    date: dt.date = Field(description="日期 YYYY-MM-DD")
    kind: HolidayKind = Field(description="holiday 放假；workday 调休上班（须为周六或周日）")
    name: str = Field(min_length=1, max_length=MAX_NAME, description="节日名称，如 春节")
    note: str = Field(default="", max_length=MAX_TEXT, description="依据（记入审计日志）")


class HolidayYearIn(_In):
    complete: bool = Field(description="true：该年全部放假和调休上班日已录入，不再按周一至周五估算")
    entries: list[HolidayIn] | None = Field(default=None, max_length=200,
                                            description="给出时替换该年全部运营录入的条目")
    note: str = Field(default="", max_length=MAX_TEXT, description="依据，如国务院办公厅通知文号")


def _policy_field(key: str) -> Any:
    spec = KEYS[key]
    return Field(default=None, description=f"{spec.label}：{spec.allowed}")


class PolicyIn(BaseModel):
    """The keys to set (any subset); the others keep their values. Values are checked strictly (`3`, not
    `"3"`): an unknown key or a value out of range is a 422 naming it, and nothing is saved."""

    model_config = ConfigDict(extra="allow")

    note: Any = Field(default="", description=f"原因或依据（记入审计日志，不超过 {MAX_TEXT} 个字符）")
    certificate_validity_months: Any = _policy_field("certificate_validity_months")
    letter_max_age_months: Any = _policy_field("letter_max_age_months")
    withdraw_allowed: Any = _policy_field("withdraw_allowed")
    daily_quota: Any = _policy_field("daily_quota")
    quota_refresh_hour: Any = _policy_field("quota_refresh_hour")
    takedown_deadline: Any = _policy_field("takedown_deadline")
    takedown_notice_days: Any = _policy_field("takedown_notice_days")
    platform_review_days: Any = _policy_field("platform_review_days")
    bureau_review_days: Any = _policy_field("bureau_review_days")


class HolidayOut(BaseModel):
    date: dt.date
    kind: HolidayKind
    name: str
    source: str = Field(description="operator 运营录入；file 节假日文件")
    created_by: str = ""
    created_at: dt.datetime | None = None


class YearOut(BaseModel):
    year: int
    status: str = Field(description="library 日历库；operator 已声明完整录入；fallback 按周一至周五估算")
    library_covers: bool
    declared_complete: bool
    warning: str
    entries: list[HolidayOut]


class HolidaysOut(BaseModel):
    years: list[YearOut]


def _override_out(override: RuleOverride | None) -> dict[str, Any] | None:
    if override is None:
        return None
    return {**override.to_dict(), "updated_by": override.updated_by,
            "updated_at": override.updated_at.isoformat() if override.updated_at else None}


def _rule_out(view: config.RuleView) -> dict[str, Any]:
    base = view.base
    return {**rule_dict(view.rule), "message": view.rule.message, "fix": view.rule.fix,
            "base": {"enabled": base.enabled, "severity": base.severity.value,
                     "effective_from": base.effective_from.isoformat(),
                     "effective_to": base.effective_to.isoformat() if base.effective_to else None,
                     "overridden_by_file": base.overridden},
            "override": _override_out(view.override)}


def _holiday_out(entry: HolidayEntry, source: str) -> HolidayOut:
    return HolidayOut(date=entry.day, kind=entry.kind, name=entry.name, source=source, created_by=entry.created_by,
                      created_at=entry.created_at)


def _year_out(view: config.YearView) -> YearOut:
    entries = [_holiday_out(e, "operator") for e in view.entries] + [_holiday_out(e, "file") for e in view.file_entries]
    return YearOut(year=view.year, status=view.status, library_covers=view.library_covers,
                   declared_complete=view.status == "operator", warning=view.warning,
                   entries=sorted(entries, key=lambda e: e.date))


@router.get("/operator/rules", summary="规则目录（生效值、文件定义与运营覆盖）")
def rules(svc: ServicesDep, who: AuditorDep) -> list[dict[str, Any]]:
    return [_rule_out(view) for view in config.rule_views(svc.runtime.config)]


@router.put("/operator/rules/{rule_id}/override", summary="设置规则的运营覆盖（立即生效，其他进程在刷新间隔内生效）")
def put_override(rule_id: RuleId, body: RuleOverrideIn, svc: ServicesDep, who: OperatorDep) -> dict[str, Any]:
    view = config.set_rule_override(svc.runtime.config, rule_id, actor=who.account.id, **body.model_dump())
    return _rule_out(view)


@router.delete("/operator/rules/{rule_id}/override", summary="删除规则的运营覆盖（恢复文件中的定义）")
def delete_override(rule_id: RuleId, svc: ServicesDep, who: OperatorDep,
                    note: Annotated[str, Query(max_length=MAX_TEXT, description="原因")] = "") -> dict[str, Any]:
    return _rule_out(config.clear_rule_override(svc.runtime.config, rule_id, actor=who.account.id, note=note))


@router.get("/operator/holidays", response_model=HolidaysOut, summary="节假日表（按年份；标出按周一至周五估算的年份）")
def holidays(svc: ServicesDep, who: AuditorDep,
             year: Annotated[int | None, Query(ge=2000, le=2099, description="只看该年")] = None) -> HolidaysOut:
    views = config.holiday_years(svc.runtime.config, [year] if year is not None else [])
    return HolidaysOut(years=[_year_out(v) for v in views if year is None or v.year == year])


@router.post("/operator/holidays", status_code=201, response_model=HolidayOut,
             summary="录入放假日或调休上班日（替换同一天的运营条目）")
def add_holiday(body: HolidayIn, svc: ServicesDep, who: OperatorDep) -> HolidayOut:
    config.set_holidays(svc.runtime.config, [(body.date, body.kind, body.name)], actor=who.account.id,
                        note=body.note)
    entry = svc.runtime.config.live.current().entries.get(body.date) or HolidayEntry(
        body.date, body.kind, body.name, who.account.id, svc.runtime.config.clock.now())
    return _holiday_out(entry, "operator")


@router.delete("/operator/holidays/{date}", status_code=204, response_class=Response,
               summary="删除运营录入的节假日条目（该日恢复文件或日历库的答案）")
def delete_holiday(date: dt.date, svc: ServicesDep, who: OperatorDep,
                   note: Annotated[str, Query(max_length=MAX_TEXT, description="原因")] = "") -> Response:
    config.remove_holiday(svc.runtime.config, date, actor=who.account.id, note=note)
    return Response(status_code=204)


@router.put("/operator/holidays/years/{year}", response_model=YearOut,
            summary="声明某年是否已完整录入（可同时替换该年全部条目）")
def put_year(year: Year, body: HolidayYearIn, svc: ServicesDep, who: OperatorDep) -> YearOut:
    cfg = svc.runtime.config
    if body.entries is None:
        config.set_year_complete(cfg, year, body.complete, actor=who.account.id, note=body.note)
    else:
        config.set_holidays(cfg, [(e.date, e.kind, e.name) for e in body.entries], actor=who.account.id,
                            note=body.note, year=year, complete=body.complete)
    return next(_year_out(v) for v in config.holiday_years(cfg, [year]) if v.year == year)


# ----- the platform policy -----------------------------------------------------------------------------

def _policy_out(svc: Services, items: list[policy_config.PolicyItem]) -> dict[str, Any]:
    """Per key: the value in force, the deployment value, whether overridden (`keys`); the values in force
    also flat at the top, as before the policy was editable; and the regulator side and calendar warnings."""
    runtime = svc.runtime
    out = [policy_config.item_dict(item) for item in items]
    return {
        "keys": {item["key"]: item for item in out},
        **{item["key"]: item["value"] for item in out},
        "regulator": runtime.gateway.name, "simulated": runtime.gateway.is_simulator,
        "calendar_warnings": runtime.workflow.calendar.warnings(),
    }


@router.get("/operator/policy", summary="平台策略与期限（每项的生效值、部署值和是否由运营设置）")
def policy(svc: ServicesDep, who: OperatorDep) -> dict[str, Any]:
    return _policy_out(svc, policy_config.policy_items(svc.runtime.config))


@router.put("/operator/policy", summary="设置平台策略的若干项（立即生效，其他进程在刷新间隔内生效）")
def put_policy(body: PolicyIn, svc: ServicesDep, who: OperatorDep) -> dict[str, Any]:
    values = body.model_dump(exclude_unset=True)
    note = values.pop("note", "")
    items = policy_config.set_policy(svc.runtime.config, values, actor=who.account.id, note=note)
    return _policy_out(svc, items)


@router.delete("/operator/policy/{key}", summary="删除某项的运营设置（恢复部署值）")
def delete_policy(key: PolicyKeyPath, svc: ServicesDep, who: OperatorDep,
                  note: Annotated[str, Query(max_length=MAX_TEXT, description="原因")] = "") -> dict[str, Any]:
    return _policy_out(svc, policy_config.reset_policy(svc.runtime.config, key, actor=who.account.id, note=note))
