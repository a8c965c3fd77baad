"""Use cases of the operator's configuration (运营配置): rule overrides and the holiday table (the platform
policy's are in services/policy_config.py).

Each change is one transaction that writes the new state, an entry of the append-only change history
(`config_changes`, whose length is the configuration version every process polls) and an entry of the
accounts audit log (who, what, before, after). The process that made the change applies it at once;
the others within `ICPFLOW_CONFIG_REFRESH_SECONDS` (services/live_config.py).

Deadlines already computed and stored (an application's `due_at`, its timers) are not recomputed when the
calendar changes: the calendar in force when a deadline is set decides it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

from ..domain.calendar import WorkingCalendar, YearStatus
from ..domain.config import (
    ConfigChange,
    ConfigProblem,
    DeclaredYear,
    HolidayEntry,
    HolidayKind,
    RuleOverride,
    check_holiday_entry,
    check_rule_override,
    check_year,
    parse_holiday_lines,
)
from ..domain.enums import Severity
from ..domain.errors import InvalidRequest, NotFound
from ..domain.policy_config import PolicyOverride
from ..domain.rules.catalogue import Rule
from ..domain.simulator_config import ForcedBureauDecision, SimulatorSetting
from .live_config import ConfigReader, LiveConfig
from .ports import Clock


class ConfigStore(ConfigReader, Protocol):
    """One transaction over the configuration tables (`adapters/db/config_store.py`)."""

    def rule_override(self, rule_id: str) -> RuleOverride | None: ...
    def put_rule_override(self, override: RuleOverride) -> None: ...
    def delete_rule_override(self, rule_id: str) -> None: ...
    def holiday_entry(self, day: dt.date) -> HolidayEntry | None: ...
    def put_holiday_entry(self, entry: HolidayEntry) -> None: ...
    def delete_holiday_entry(self, day: dt.date) -> None: ...
    def declared_year(self, year: int) -> DeclaredYear | None: ...
    def declare_year(self, declared: DeclaredYear) -> None: ...
    def withdraw_year(self, year: int) -> None: ...
    def policy_override(self, key: str) -> PolicyOverride | None: ...
    def put_policy_override(self, override: PolicyOverride) -> None: ...
    def delete_policy_override(self, key: str) -> None: ...
    def simulator_setting(self, key: str) -> SimulatorSetting | None: ...
    def put_simulator_setting(self, setting: SimulatorSetting) -> None: ...
    def delete_simulator_setting(self, key: str) -> None: ...
    def forced_decision(self, application_id: str) -> ForcedBureauDecision | None: ...
    def put_forced_decision(self, decision: ForcedBureauDecision) -> None: ...
    def delete_forced_decision(self, application_id: str) -> None: ...
    def record_change(self, change: ConfigChange) -> None: ...
    def changes(self, *, kind: str | Sequence[str] | None = None, target: str | None = None,
                limit: int = 100) -> list[ConfigChange]: ...
    def commit(self) -> None: ...


ConfigUnitOfWork = Callable[[], AbstractContextManager[ConfigStore]]


@dataclass(frozen=True, slots=True)
class Configuration:
    """What the configuration use cases need: the store, the clock, and this process's live config."""

    uow: ConfigUnitOfWork
    clock: Clock
    live: LiveConfig


def _invalid(exc: ConfigProblem) -> InvalidRequest:
    errors = [{"path": path, "found": "", "expected": message} for path, message in exc.problems]
    return InvalidRequest("配置有误：" + str(exc), errors=errors)


# ----- rules -------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class RuleView:
    """A rule as in force (`rule`), as the files define it (`base`), and the operator's override."""

    rule: Rule
    base: Rule
    override: RuleOverride | None


def rule_views(cfg: Configuration) -> list[RuleView]:
    snapshot = cfg.live.current()
    return [RuleView(snapshot.catalogue.by_id.get(base.id, base), base, snapshot.overrides.get(base.id))
            for base in cfg.live.base.rules]


def rule_view(cfg: Configuration, rule_id: str) -> RuleView:
    base = cfg.live.base.by_id.get(rule_id)
    if base is None:
        raise NotFound("规则", rule_id)
    snapshot = cfg.live.current()
    return RuleView(snapshot.catalogue.by_id.get(rule_id, base), base, snapshot.overrides.get(rule_id))


def set_rule_override(cfg: Configuration, rule_id: str, *, actor: str, note: str, enabled: bool | None = None,
                      severity: Severity | None = None, effective_from: dt.date | None = None,
                      effective_to: dt.date | None = None, message: str | None = None,
                      fix: str | None = None) -> RuleView:
    """Replace the operator's override of a rule (fields left None are not overridden)."""
    base = cfg.live.base.by_id.get(rule_id)
    if base is None:
        raise NotFound("规则", rule_id)
    now = cfg.clock.now()
    override = RuleOverride(rule_id, note.strip(), enabled, severity, effective_from, effective_to, message, fix,
                            updated_by=actor, updated_at=now)
    try:
        check_rule_override(override, base_from=base.effective_from, base_to=base.effective_to)
    except ConfigProblem as exc:
        raise _invalid(exc) from None
    with cfg.uow() as store:
        before = store.rule_override(rule_id)
        store.put_rule_override(override)
        store.record_change(ConfigChange("rule_override", rule_id, "set", before.to_dict() if before else None,
                                         override.to_dict(), override.note, actor, now))
        store.commit()
    cfg.live.refresh()
    return rule_view(cfg, rule_id)


def clear_rule_override(cfg: Configuration, rule_id: str, *, actor: str, note: str = "") -> RuleView:
    """Remove the operator's override: the rule is again as the files define it."""
    if rule_id not in cfg.live.base.by_id:
        raise NotFound("规则", rule_id)
    now = cfg.clock.now()
    with cfg.uow() as store:
        before = store.rule_override(rule_id)
        if before is None:
            raise NotFound("规则的运营覆盖", rule_id)
        store.delete_rule_override(rule_id)
        store.record_change(ConfigChange("rule_override", rule_id, "delete", before.to_dict(), None, note.strip(),
                                         actor, now))
        store.commit()
    cfg.live.refresh()
    return rule_view(cfg, rule_id)


# ----- holidays ----------------------------------------------------------------------------------------

def set_holidays(cfg: Configuration, entries: Iterable[tuple[dt.date, HolidayKind, str]], *, actor: str,
                 note: str = "", year: int | None = None, complete: bool | None = None) -> int:
    """Enter holidays and adjusted working days (an entry replaces the operator's earlier entry for its
    day). With `year`: the entries replace all of the operator's entries of that year, and `complete`
    (when not None) declares the year complete or withdraws the declaration. One transaction; returns
    how many entries changed."""
    entries = list(entries)
    problems: list[tuple[str, str]] = []
    for index, (day, kind, name) in enumerate(entries):
        try:
            check_holiday_entry(day, kind, name)
        except ConfigProblem as exc:
            problems.extend((f"entries[{index}].{path}" if year is not None else path, message)
                            for path, message in exc.problems)
        if year is not None and day.year != year:
            problems.append((f"entries[{index}].date", f"{day} 不在 {year} 年"))
    days = [day for day, _, _ in entries]
    if len(set(days)) != len(days):
        problems.append(("entries", "同一日期列出了不止一次"))
    if year is not None:
        try:
            check_year(year)
        except ConfigProblem as exc:
            problems.extend(exc.problems)
    if problems:
        raise _invalid(ConfigProblem(problems))
    now = cfg.clock.now()
    changed = 0
    with cfg.uow() as store:
        if year is not None:
            keep = set(days)
            for old in store.holiday_entries(year):
                if old.day not in keep:
                    store.delete_holiday_entry(old.day)
                    store.record_change(ConfigChange("holiday", old.day.isoformat(), "delete", old.to_dict(), None,
                                                     note, actor, now))
                    changed += 1
        for day, kind, name in entries:
            entry = HolidayEntry(day, kind, name.strip(), created_by=actor, created_at=now)
            before = store.holiday_entry(day)
            if before is not None and before.to_dict() == entry.to_dict():
                continue
            store.put_holiday_entry(entry)
            store.record_change(ConfigChange("holiday", day.isoformat(), "set", before.to_dict() if before else None,
                                             entry.to_dict(), note, actor, now))
            changed += 1
        if year is not None and complete is not None:
            changed += _declare(store, year, complete, actor, note, now)
        store.commit()
    cfg.live.refresh()
    return changed


def paste_holidays(cfg: Configuration, text: str, *, actor: str, note: str = "",
                   complete_year: int | None = None) -> int:
    """Enter the lines of a pasted notice (`2027-01-01 holiday 元旦`, see domain.config.parse_holiday_lines).
    With `complete_year`, the paste is that whole year: it replaces the operator's entries of the year and
    declares the year complete, in one transaction."""
    try:
        entries = parse_holiday_lines(text)
    except ConfigProblem as exc:
        raise _invalid(exc) from None
    if not entries:
        raise _invalid(ConfigProblem([("text", "没有可导入的行（格式：2027-01-01 holiday 元旦）")]))
    if complete_year is None:
        return set_holidays(cfg, entries, actor=actor, note=note)
    outside = sorted({d.year for d, _, _ in entries} - {complete_year})
    if outside:
        raise _invalid(ConfigProblem([("text", f"声明 {complete_year} 年已完整录入时，只能导入该年的日期"
                                               f"（发现 {'、'.join(map(str, outside))} 年）")]))
    return set_holidays(cfg, entries, actor=actor, note=note, year=complete_year, complete=True)


def remove_holiday(cfg: Configuration, day: dt.date, *, actor: str, note: str = "") -> None:
    now = cfg.clock.now()
    with cfg.uow() as store:
        before = store.holiday_entry(day)
        if before is None:
            raise NotFound("运营录入的节假日条目", day.isoformat())
        store.delete_holiday_entry(day)
        store.record_change(ConfigChange("holiday", day.isoformat(), "delete", before.to_dict(), None, note,
                                         actor, now))
        store.commit()
    cfg.live.refresh()


def set_year_complete(cfg: Configuration, year: int, complete: bool, *, actor: str, note: str = "") -> int:
    """Declare a year complete (every holiday and adjusted working day entered: the fallback and its
    warning stop), or withdraw the declaration. Returns 1 when it changed, 0 when it already was so."""
    try:
        check_year(year)
    except ConfigProblem as exc:
        raise _invalid(exc) from None
    with cfg.uow() as store:
        changed = _declare(store, year, complete, actor, note, cfg.clock.now())
        store.commit()
    cfg.live.refresh()
    return changed


def _declare(store: ConfigStore, year: int, complete: bool, actor: str, note: str, now: dt.datetime) -> int:
    before = store.declared_year(year)
    if (before is not None) == complete:
        return 0
    if complete:
        store.declare_year(DeclaredYear(year, actor, now))
        store.record_change(ConfigChange("holiday_year", str(year), "set", None, {"complete": True}, note, actor, now))
    else:
        store.withdraw_year(year)
        store.record_change(ConfigChange("holiday_year", str(year), "delete", {"complete": True}, None, note,
                                         actor, now))
    return 1


@dataclass(frozen=True, slots=True)
class YearView:
    """One year of the holiday table: where its answers come from, and what is entered for it."""

    year: int
    status: YearStatus  # library | operator (declared complete) | fallback
    library_covers: bool
    declared: DeclaredYear | None  # declared complete by an operator (None: not, or only by a file)
    declared_by_file: bool
    entries: list[HolidayEntry]  # the operator's database entries
    file_entries: list[HolidayEntry]  # the files' entries the database does not replace
    warning: str


def holiday_years(cfg: Configuration, years: Iterable[int] = ()) -> list[YearView]:
    """The years around today, every year that has entries, and `years`."""
    snapshot = cfg.live.current()
    base = cfg.live.base_holidays
    today = cfg.clock.today()
    wanted = {today.year - 1, today.year, today.year + 1, *years, *(d.year for d in snapshot.entries),
              *snapshot.declared, *base.years, *(d.year for d in base.holidays), *(d.year for d in base.workdays)}
    library = WorkingCalendar()  # chinese-calendar alone: does it know the year?
    out: list[YearView] = []
    for year in sorted(y for y in wanted if 1900 <= y <= 2200):
        status = snapshot.calendar.year_status(year)
        entries = sorted((e for d, e in snapshot.entries.items() if d.year == year), key=lambda e: e.day)
        files = [HolidayEntry(d, HolidayKind.HOLIDAY, n) for d, n in base.holidays.items()
                 if d.year == year and d not in snapshot.entries]
        files += [HolidayEntry(d, HolidayKind.WORKDAY, n) for d, n in base.workdays.items()
                  if d.year == year and d not in snapshot.entries]
        warning = ""
        if status == "fallback":
            warning = (f"{year} 年的节假日安排尚未录入完整：除下列条目外，工作日按周一至周五估算（已计元旦、劳动节、"
                       "国庆节的固定日期，未计春节、清明、端午、中秋和调休）。请按国务院办公厅通知录入全部放假和调休上班日，"
                       "然后声明该年已完整录入。")
        out.append(YearView(year, status, library.year_status(year) == "library", snapshot.declared.get(year),
                            year in base.years, entries, sorted(files, key=lambda e: e.day), warning))
    return out


def history(cfg: Configuration, *, kind: str | Sequence[str] | None = None, target: str | None = None,
            limit: int = 100) -> list[ConfigChange]:
    """The newest changes first, of one kind or of several."""
    with cfg.uow() as store:
        return store.changes(kind=kind, target=target, limit=limit)
