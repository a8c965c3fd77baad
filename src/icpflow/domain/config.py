"""Operator-edited configuration (运营配置): rule overrides and holiday entries kept in the database.

The shipped files stay the base and the database applies on top of them, field by field and day by day:

- a rule is `rules.toml`, then `ICPFLOW_RULES_OVERRIDE_FILE`, then the operator's database override
  (`RuleOverride`): every field the database override sets replaces that field, the others keep the
  file's value (`merged_overrides`);
- a day is the operator's database entry (`HolidayEntry`), then `ICPFLOW_HOLIDAY_FILE`, then the shipped
  `holidays.toml`, then chinese-calendar, then the weekday fallback; a year is complete when any file
  declares it or an operator declared it (`merged_holidays`).

This module is pure: values, validation in Chinese, the merge, and the bulk-paste line format.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .calendar import HolidayTable
from .enums import Severity


class HolidayKind(StrEnum):
    HOLIDAY = "holiday"  # 放假: a day off, including the weekend days inside a holiday
    WORKDAY = "workday"  # 调休上班日: a Saturday or Sunday that is a working day


HOLIDAY_KIND_LABELS = {HolidayKind.HOLIDAY: "放假", HolidayKind.WORKDAY: "调休上班"}
SEVERITY_LABELS = {Severity.ERROR: "错误", Severity.WARNING: "提示", Severity.INFO: "说明"}

#: Operator entries are accepted for these years: chinese-calendar starts in 2004; nobody plans past 2099.
FIRST_YEAR, LAST_YEAR = 2000, 2099
MAX_NAME = 50
MAX_TEXT = 500
#: The fields of a rule a database override may set (scope and params stay file-only: docs/rules.md).
OVERRIDE_FIELDS = ("enabled", "severity", "effective_from", "effective_to", "message", "fix")


class ConfigProblem(ValueError):
    """Operator input that cannot be applied; `problems` lists `(field, message in Chinese)`."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("；".join(f"{f}：{m}" if f else m for f, m in problems))


@dataclass(frozen=True, slots=True)
class RuleOverride:
    """The operator's override of one rule: each field that is not None replaces the rule's."""

    rule_id: str
    note: str
    enabled: bool | None = None
    severity: Severity | None = None
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    message: str | None = None
    fix: str | None = None
    updated_by: str = ""
    updated_at: dt.datetime | None = None

    def fields(self) -> dict[str, Any]:
        """The fields it sets, as they appear in an override file (dates as ISO strings)."""
        out: dict[str, Any] = {}
        for name in OVERRIDE_FIELDS:
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, dt.date):
                value = value.isoformat()
            elif isinstance(value, Severity):
                value = value.value
            out[name] = value
        return out

    def to_dict(self) -> dict[str, Any]:
        """The override as recorded in its history and audit entries (JSON-ready)."""
        return {**self.fields(), "note": self.note}


@dataclass(frozen=True, slots=True)
class HolidayEntry:
    """One day of the operator's holiday table: a holiday (放假) or an adjusted working day (调休上班)."""

    day: dt.date
    kind: HolidayKind
    name: str
    created_by: str = ""
    created_at: dt.datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.day.isoformat(), "kind": self.kind.value, "name": self.name}


@dataclass(frozen=True, slots=True)
class DeclaredYear:
    """A year the operator declared complete: every holiday and adjusted working day of it is entered."""

    year: int
    declared_by: str = ""
    declared_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class ConfigChange:
    """One entry of the append-only history of configuration changes."""

    kind: str  # rule_override | holiday | holiday_year
    target: str  # the rule id, the date, the year
    action: str  # set | delete
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    note: str
    account_id: str
    at: dt.datetime
    id: int = 0
    actor: str = ""  # the account's username when known (filled in when read)


# ----- validation ----------------------------------------------------------------------------------

def template_problem(text: str) -> str | None:
    """Why `text` cannot be a rule's message or fix: only plain `{name}` placeholders are formatted
    (an operator's `{0}`, `{a.b}` or `{x:d}` would fail while a filing is checked, not now)."""
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError:
        return "花括号不成对：占位符须写成 {名称}，文字中的花括号须写成 {{ 或 }}"
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            return f"占位符 {{{name}}} 无效：只能写 {{名称}}，不带格式说明"
    return None


def check_rule_override(override: RuleOverride, *, base_from: dt.date, base_to: dt.date | None) -> None:
    """Raise ConfigProblem naming each field that cannot be applied to the rule (whose effective dates,
    before this override, are `base_from`..`base_to`)."""
    problems: list[tuple[str, str]] = []
    if not override.fields():
        problems.append(("", "至少设置一项：enabled、severity、effective_from、effective_to、message、fix"))
    if not override.note.strip():
        problems.append(("note", "请说明覆盖原因（依据、文件或通知）"))
    elif len(override.note) > MAX_TEXT:
        problems.append(("note", f"不超过 {MAX_TEXT} 个字符"))
    for name in ("message", "fix"):
        text = getattr(override, name)
        if text is None:
            continue
        if not text.strip():
            problems.append((name, "不能为空；不改写请不填"))
        elif len(text) > MAX_TEXT:
            problems.append((name, f"不超过 {MAX_TEXT} 个字符"))
        else:
            found = template_problem(text)
            if found:
                problems.append((name, found))
    for name in ("effective_from", "effective_to"):
        day = getattr(override, name)
        if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
            problems.append((name, f"日期应在 {FIRST_YEAR}–{LAST_YEAR} 年之间"))
    start = override.effective_from or base_from
    end = override.effective_to if override.effective_to is not None else base_to
    if end is not None and end < start and not any(f.startswith("effective") for f, _ in problems):
        field = "effective_to" if override.effective_to is not None else "effective_from"
        problems.append((field, f"失效日期 {end} 早于生效日期 {start}"))
    if problems:
        raise ConfigProblem(problems)


def check_holiday_entry(day: dt.date, kind: HolidayKind, name: str) -> None:
    """Raise ConfigProblem naming each field of the entry that cannot be right."""
    problems: list[tuple[str, str]] = []
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        problems.append(("date", f"日期应在 {FIRST_YEAR}–{LAST_YEAR} 年之间"))
    elif kind is HolidayKind.WORKDAY and day.weekday() < 5:
        # 调休上班日 are always weekend days (国务院办公厅 notices); a weekday is a working day anyway.
        problems.append(("kind", f"{day} 是星期{'一二三四五'[day.weekday()]}，调休上班日应为星期六或星期日"))
    if not name.strip():
        problems.append(("name", "请填写节日名称，如 春节"))
    elif len(name.strip()) > MAX_NAME:
        problems.append(("name", f"不超过 {MAX_NAME} 个字符"))
    if problems:
        raise ConfigProblem(problems)


def check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ConfigProblem([("year", f"年份应在 {FIRST_YEAR}–{LAST_YEAR} 之间")])


# ----- applying the database on top of the files ---------------------------------------------------

def override_reason(override: RuleOverride) -> str:
    return f"运营覆盖：{override.note}" if override.note else "运营覆盖"


def merged_overrides(file_overrides: Mapping[str, Any] | None, database: Iterable[RuleOverride],
                     known: Iterable[str]) -> dict[str, Any]:
    """The override mapping (the override file's shape) that applies the database on top of the file.

    Per rule, each field the database override sets replaces the file's; the rest of the file's entry
    (scope, params, source …) stays. Database overrides of rules the catalogue no longer has are left
    out (a deploy may retire a rule); the file's entries are kept as they are, so a mistake in the file
    still stops start-up."""
    rules: dict[str, Any] = {}
    if file_overrides:
        raw = file_overrides.get("rules", {})
        if isinstance(raw, Mapping):
            rules = {str(k): dict(v) if isinstance(v, Mapping) else v for k, v in raw.items()}
        else:
            return dict(file_overrides)  # let the catalogue report the file's mistake
    ids = set(known)
    for override in database:
        if override.rule_id not in ids:
            continue
        entry = dict(rules.get(override.rule_id) or {})
        entry.update(override.fields())
        entry["reason"] = override_reason(override)
        rules[override.rule_id] = entry
    return {**(dict(file_overrides) if file_overrides else {}), "rules": rules}


def merged_holidays(base: HolidayTable, entries: Iterable[HolidayEntry], years: Iterable[int]) -> HolidayTable:
    """The files' table with the operator's entries on top (an entry replaces whatever a file says of
    its day) and the operator's declared years added to the files'."""
    entries = list(entries)
    named = {e.day for e in entries}
    holidays = {d: n for d, n in base.holidays.items() if d not in named}
    workdays = {d: n for d, n in base.workdays.items() if d not in named}
    for e in entries:
        (holidays if e.kind is HolidayKind.HOLIDAY else workdays)[e.day] = e.name
    return HolidayTable(holidays=holidays, workdays=workdays, years=base.years | frozenset(years))


# ----- the bulk-paste format --------------------------------------------------------------------------

_KINDS = {
    "holiday": HolidayKind.HOLIDAY, "放假": HolidayKind.HOLIDAY, "休": HolidayKind.HOLIDAY,
    "workday": HolidayKind.WORKDAY, "上班": HolidayKind.WORKDAY, "班": HolidayKind.WORKDAY,
    "调休上班": HolidayKind.WORKDAY,
}
MAX_RANGE_DAYS = 31


def parse_holiday_lines(text: str) -> list[tuple[dt.date, HolidayKind, str]]:
    """Parse a pasted year of holidays, one entry a line: `DATE KIND NAME`, where DATE is `2027-01-01` or
    a range `2027-10-01..2027-10-07`, KIND is `holiday`/`放假`/`休` or `workday`/`上班`/`班`, and NAME is
    the rest of the line. Blank lines and `#` comments are skipped. Raise ConfigProblem naming every bad
    line (`第 N 行`); a date listed twice is a mistake too."""
    out: list[tuple[dt.date, HolidayKind, str]] = []
    problems: list[tuple[str, str]] = []
    seen: dict[dt.date, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        where = f"第 {number} 行"
        parts = line.split(None, 2)
        if len(parts) < 3:
            problems.append((where, f"“{line}”应为：日期 类型 名称，如 2027-01-01 holiday 元旦"))
            continue
        raw_days, raw_kind, name = parts
        kind = _KINDS.get(raw_kind.lower())
        if kind is None:
            problems.append((where, f"类型“{raw_kind}”应为 holiday（放假）或 workday（调休上班）"))
            continue
        days = _day_range(raw_days)
        if isinstance(days, str):
            problems.append((where, days))
            continue
        for day in days:
            try:
                check_holiday_entry(day, kind, name)
            except ConfigProblem as exc:
                problems.extend((where, message) for _, message in exc.problems)
                break
            if day in seen:
                problems.append((where, f"{day} 已在第 {seen[day]} 行列出"))
                break
            seen[day] = number
            out.append((day, kind, name.strip()))
    if problems:
        raise ConfigProblem(problems)
    return out


def _day_range(raw: str) -> list[dt.date] | str:
    first, sep, last = raw.partition("..")
    try:
        start = dt.date.fromisoformat(first)
        end = dt.date.fromisoformat(last) if sep else start
    except ValueError:
        return f"“{raw}”不是日期（应为 YYYY-MM-DD 或 YYYY-MM-DD..YYYY-MM-DD）"
    if len(first) != 10 or (sep and len(last) != 10):
        return f"“{raw}”不是日期（应为 YYYY-MM-DD 或 YYYY-MM-DD..YYYY-MM-DD）"
    if end < start:
        return f"“{raw}”结束日期早于开始日期"
    if (end - start).days >= MAX_RANGE_DAYS:
        return f"“{raw}”超过 {MAX_RANGE_DAYS} 天"
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
