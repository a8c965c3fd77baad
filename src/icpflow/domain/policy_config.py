"""The platform policy (平台策略) operators may change at runtime: its keys, their Chinese names, the values
each accepts, and the operator's per-key override as stored.

Deployment settings (`ICPFLOW_*`) stay the base; an operator's stored value replaces one key and leaves the
others as deployed. Each key belongs to one of the three policy objects the code reads — the pre-check's
`Policy` (domain/policy.py), the workflow's `PlatformPolicy` (services/workflow.py) and `DeadlinePolicy`
(domain/deadlines.py) — and accepts the same range that object accepts, so a stored value can always be
applied. `face_task_required` and the SMS window stay deployment-only: the first depends on how face
verification is integrated, the second is MIIT's (24 hours).

Pure: values, parsing of JSON (API) and text (console, CLI) with Chinese messages, display.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from .config import FIRST_YEAR, LAST_YEAR, MAX_TEXT, ConfigProblem
from .deadlines import BUREAU_REVIEW_DAYS, PLATFORM_REVIEW_DAYS
from .policy import CERTIFICATE_VALIDITY_MONTHS, LETTER_MAX_AGE_MONTHS

#: a policy value as the code uses it
PolicyValue = int | bool | dt.date | None
#: a policy value as stored and sent over the API (a date as YYYY-MM-DD)
JsonValue = int | bool | str | None

MAX_DAILY_QUOTA = 100_000


@dataclass(frozen=True, slots=True)
class PolicyKey:
    """One key of the platform policy an operator may set."""

    name: str
    label: str  # what the console and the messages call it
    kind: Literal["int", "bool", "date"]
    target: Literal["precheck", "platform", "deadlines"]  # the policy object it belongs to
    minimum: int = 0
    maximum: int = 0
    unit: str = ""
    meaning: str = ""  # what a special value means: 0 表示不限
    help: str = ""  # a line of explanation for the console

    @property
    def allowed(self) -> str:
        """The values it accepts, in Chinese (for messages, forms and `--help`)."""
        if self.kind == "bool":
            return "true（是）或 false（否）"
        if self.kind == "date":
            return f"{FIRST_YEAR}–{LAST_YEAR} 年之间的日期（YYYY-MM-DD），或 null（不设）"
        notes = "；".join(n for n in (self.unit, self.meaning) if n)
        return f"{self.minimum}–{self.maximum} 之间的整数" + (f"（{notes}）" if notes else "")


POLICY_KEYS: tuple[PolicyKey, ...] = (
    PolicyKey("certificate_validity_months", "证件有效期至少（月）", "int", "precheck",
              *CERTIFICATE_VALIDITY_MONTHS, unit="个月",
              help="主体证件和负责人证件自提交之日起至少还须有效的月数（抖音 3，微信 1）"),
    PolicyKey("letter_max_age_months", "函件签署日期最长（月）", "int", "precheck", *LETTER_MAX_AGE_MONTHS, unit="个月",
              help="承诺书等函件的签署日期距提交日不得超过的月数"),
    PolicyKey("withdraw_allowed", "允许撤回（平台初审结束前）", "bool", "platform",
              help="微信允许在平台初审结束前撤回，抖音不允许"),
    PolicyKey("daily_quota", "存量小程序每日提交配额", "int", "platform", 0, MAX_DAILY_QUOTA, unit="件",
              meaning="0 表示不限", help="已上架（存量）小程序每天可提交的备案申请数"),
    PolicyKey("quota_refresh_hour", "配额刷新时间（北京时间，时）", "int", "platform", 0, 23, unit="时",
              help="每日配额在北京时间该整点刷新"),
    PolicyKey("takedown_deadline", "下架截止日期", "date", "platform",
              help="此日之后仍无备案号的存量小程序下架；留空表示不设"),
    PolicyKey("takedown_notice_days", "下架提前提醒（天）", "int", "platform", 0, 90, unit="天",
              help="截止日期前多少天开始提醒"),
    PolicyKey("platform_review_days", "平台初审期限（工作日）", "int", "deadlines", *PLATFORM_REVIEW_DAYS,
              unit="工作日", help="只影响此后提交的申请；已计算的截止时间不变"),
    PolicyKey("bureau_review_days", "管局审核期限（工作日）", "int", "deadlines", *BUREAU_REVIEW_DAYS,
              unit="工作日", help="只影响此后进入管局审核的申请；已计算的截止时间不变"),
)
KEYS: dict[str, PolicyKey] = {k.name: k for k in POLICY_KEYS}


@dataclass(frozen=True, slots=True)
class PolicyOverride:
    """The operator's value of one policy key, as stored (`value` in its JSON form)."""

    key: str
    value: JsonValue
    note: str = ""
    updated_by: str = ""
    updated_at: dt.datetime | None = None

    def to_dict(self) -> dict[str, JsonValue]:
        """As recorded in the change history and the audit log: `{key: value}`."""
        return {self.key: self.value}


def to_json(value: PolicyValue) -> JsonValue:
    return value.isoformat() if isinstance(value, dt.date) else value


def show(key: str, value: PolicyValue | JsonValue) -> str:
    """A value (or its JSON form) as an operator reads it: 是/否, 不限, 未设置, 10:00, 3 工作日."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None:
        return "未设置"
    if isinstance(value, dt.date):
        return value.isoformat()
    if key == "daily_quota" and value == 0:
        return "不限"
    if key == "quota_refresh_hour":
        return f"{value}:00"
    spec = KEYS.get(key)
    return f"{value} {spec.unit}" if spec is not None and spec.unit else str(value)


def unknown_key(key: str) -> str:
    return f"没有名为“{key}”的策略项，可设置：{'、'.join(KEYS)}"


def _problem(spec: PolicyKey, found: object) -> str:
    shown = f"“{found}”" if isinstance(found, str) else json.dumps(found, ensure_ascii=False, default=str)
    return f"{spec.label}（{spec.name}）应为 {spec.allowed}，收到 {shown}"


def _checked_int(spec: PolicyKey, value: int, found: object) -> int:
    if not spec.minimum <= value <= spec.maximum:
        raise ConfigProblem([(spec.name, _problem(spec, found))])
    return value


def _checked_date(spec: PolicyKey, raw: str, found: object) -> dt.date:
    try:
        if len(raw) != 10:
            raise ValueError(raw)
        day = dt.date.fromisoformat(raw)
    except ValueError:
        raise ConfigProblem([(spec.name, _problem(spec, found))]) from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ConfigProblem([(spec.name, _problem(spec, found))])
    return day


def value_from_json(key: str, raw: object) -> PolicyValue:
    """A key's value from JSON (the API, the stored row): strictly typed — `3`, not `"3"` or `3.0`."""
    spec = KEYS.get(key)
    if spec is None:
        raise ConfigProblem([(key, unknown_key(key))])
    if spec.kind == "bool":
        if isinstance(raw, bool):
            return raw
    elif spec.kind == "int":
        if isinstance(raw, int) and not isinstance(raw, bool):
            return _checked_int(spec, raw, raw)
    elif raw is None:
        return None
    elif isinstance(raw, str):
        return _checked_date(spec, raw, raw)
    raise ConfigProblem([(key, _problem(spec, raw))])


_TRUE = {"true", "yes", "on", "1", "是", "允许"}
_FALSE = {"false", "no", "off", "0", "否", "不允许"}
_NONE = {"", "null", "none", "无", "不设"}


def value_from_text(key: str, text: str) -> PolicyValue:
    """A key's value typed by a person (the console's form, the CLI): `3`, `true`/`是`, `2027-06-30`, `null`."""
    spec = KEYS.get(key)
    if spec is None:
        raise ConfigProblem([(key, unknown_key(key))])
    raw = text.strip()
    if spec.kind == "bool":
        if raw.lower() in _TRUE:
            return True
        if raw.lower() in _FALSE:
            return False
    elif spec.kind == "int":
        digits = raw.removeprefix("-")
        if digits.isascii() and digits.isdigit() and len(digits) <= 9:
            return _checked_int(spec, int(raw), raw)
    elif raw.lower() in _NONE:
        return None
    else:
        return _checked_date(spec, raw, raw)
    raise ConfigProblem([(key, _problem(spec, raw))])


def check_policy_values(values: Mapping[str, object], *, text: bool = False) -> dict[str, PolicyValue]:
    """Every value of `values` parsed (from text when `text`, else from JSON); raise ConfigProblem naming
    each key that is unknown or whose value is not allowed, all at once."""
    out: dict[str, PolicyValue] = {}
    problems: list[tuple[str, str]] = []
    if not values:
        problems.append(("", f"至少设置一项：{'、'.join(KEYS)}"))
    for key, raw in values.items():
        try:
            out[key] = value_from_text(key, raw) if text and isinstance(raw, str) else value_from_json(key, raw)
        except ConfigProblem as exc:
            problems.extend(exc.problems)
    if problems:
        raise ConfigProblem(problems)
    return out


def check_note(note: object) -> str:
    if not isinstance(note, str):
        raise ConfigProblem([("note", "原因应为文字")])
    if len(note) > MAX_TEXT:
        raise ConfigProblem([("note", f"不超过 {MAX_TEXT} 个字符")])
    return note.strip()


def applicable(overrides: Iterable[PolicyOverride]) -> tuple[dict[str, PolicyValue], list[tuple[str, str]]]:
    """The stored overrides that can be applied, parsed; and `(key, why)` for those that cannot (a key a
    later deploy removed, or a value outside a range a later deploy narrowed): those are left out."""
    values: dict[str, PolicyValue] = {}
    skipped: list[tuple[str, str]] = []
    for override in overrides:
        try:
            values[override.key] = value_from_json(override.key, override.value)
        except ConfigProblem as exc:
            skipped.extend(exc.problems)
    return values, skipped
