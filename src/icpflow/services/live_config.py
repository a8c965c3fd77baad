"""Operator configuration applied live: the rule catalogue, the working calendar, the platform policy and the
regulator simulator's tuning in force, in every process (API, console, workers), picked up without a restart.

Each process keeps a `ConfigSnapshot` — the catalogue and calendar built from the files plus the database
entries of `domain/config.py`, and the policy objects built from the deployment settings plus the
operator's values (`domain/policy_config.py`) — and the configuration version it was built from (the number of entries
in the append-only change history). At most once per TTL (`ICPFLOW_CONFIG_REFRESH_SECONDS`) a use of the
checker or the calendar asks the database for the version, one small query, and the snapshot is rebuilt
only when the version moved. A change made in this process is applied at once (`refresh(force=True)`);
other processes apply it within the TTL.

The regulator simulator asks `LiveConfig.simulator_tuning` at each decision (the operator's approve ratio and
the decisions forced per application), so whichever process submits to the simulated bureau — an API process,
the worker — uses the operator's values.

`LiveChecker`, `LiveCalendar`, `LivePlatformPolicy` and `LiveDeadlinePolicy` are the objects the workflow
is built with (`Checker`, `WorkingCalendar`, `PlatformPolicy`, `DeadlinePolicy`) whose answers come from the
current snapshot, so the workflow and every entry point use them unchanged. A snapshot is immutable and
replaced whole (one reference assignment): a reader sees the old one or the new one, never a mixture; a
use case that reads several policy fields takes one snapshot first (`PlatformPolicy.in_force()`). Stored
deadlines are never recomputed: a new review-day value applies to deadlines computed after it.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import structlog

from ..domain.calendar import HolidayTable, WorkingCalendar, YearStatus
from ..domain.config import DeclaredYear, HolidayEntry, RuleOverride, merged_holidays, merged_overrides
from ..domain.deadlines import DeadlinePolicy
from ..domain.policy import Policy
from ..domain.policy_config import KEYS, PolicyOverride, PolicyValue, applicable
from ..domain.preapproval import KeywordScanner
from ..domain.regions import RegionTable
from ..domain.rules.catalogue import Catalogue
from ..domain.rules.engine import Checker
from ..domain.simulator_config import (
    APPROVE_RATIO,
    ForcedBureauDecision,
    SimulatorSetting,
    SimulatorTuning,
    approve_ratio_problem,
)
from .filings import PlatformPolicy


class ConfigReader(Protocol):
    """What a process reads to build its snapshot (`adapters/db/config_store.py`)."""

    def version(self) -> int: ...
    def rule_overrides(self) -> list[RuleOverride]: ...
    def holiday_entries(self, year: int | None = None) -> list[HolidayEntry]: ...
    def declared_years(self) -> list[DeclaredYear]: ...
    def policy_overrides(self) -> list[PolicyOverride]: ...
    def simulator_settings(self) -> list[SimulatorSetting]: ...
    def forced_decisions(self) -> list[ForcedBureauDecision]: ...


ConfigReaderUnitOfWork = Callable[[], AbstractContextManager[ConfigReader]]


@dataclass(frozen=True, slots=True)
class Policies:
    """The three policy objects the code reads: the pre-check's, the workflow's, the deadlines'."""

    precheck: Policy = field(default_factory=Policy)
    platform: PlatformPolicy = field(default_factory=PlatformPolicy)
    deadlines: DeadlinePolicy = field(default_factory=DeadlinePolicy)

    def value(self, key: str) -> PolicyValue:
        value: PolicyValue = getattr(getattr(self, KEYS[key].target), key)
        return value

    def with_values(self, values: Mapping[str, PolicyValue]) -> Policies:
        """These policies with `values` (checked: domain/policy_config.py) replacing their keys."""
        if not values:
            return self
        by_target: dict[str, dict[str, Any]] = {}
        for key, value in values.items():
            by_target.setdefault(KEYS[key].target, {})[key] = value
        return Policies(*(replace(getattr(self, target), **by_target.get(target, {}))
                          for target in ("precheck", "platform", "deadlines")))


@dataclass(frozen=True, slots=True)
class ConfigSnapshot:
    """The configuration in force in this process, as of `version` (-1: the files only, never loaded)."""

    version: int
    catalogue: Catalogue
    calendar: WorkingCalendar
    overrides: Mapping[str, RuleOverride] = field(default_factory=dict)
    entries: Mapping[dt.date, HolidayEntry] = field(default_factory=dict)
    declared: Mapping[int, DeclaredYear] = field(default_factory=dict)
    policies: Policies = field(default_factory=Policies)
    #: the operator's policy values in force (stored form; those no longer applicable are left out)
    policy_overrides: Mapping[str, PolicyOverride] = field(default_factory=dict)
    #: the regulator simulator's operator values (none: it decides as deployed)
    simulator: SimulatorTuning = field(default_factory=SimulatorTuning)


class LiveConfig:
    """The files, and the database on top of them, rebuilt when the configuration version moves."""

    def __init__(self, reader: ConfigReaderUnitOfWork, *, rules: Mapping[str, Any], known_checks: frozenset[str],
                 file_overrides: Mapping[str, Any] | None, file_origin: str, holidays: HolidayTable,
                 ttl: float, ticker: Callable[[], float], policies: Policies | None = None) -> None:
        self._reader = reader
        self._rules = rules
        self._known_checks = known_checks
        self._file_overrides = file_overrides
        self._file_origin = file_origin
        #: the rule catalogue and the holiday table of the files alone (what the database applies on top of)
        self.base = self._catalogue({})
        self.base_holidays = holidays
        #: the policy as deployed (ICPFLOW_* settings): what the operator's values apply on top of
        self.base_policies = policies if policies is not None else Policies()
        self.ttl = ttl
        self.ticker = ticker
        self._snapshot = ConfigSnapshot(-1, self.base, WorkingCalendar(holidays), policies=self.base_policies)
        self._checked_at = -math.inf
        self._lock = threading.Lock()

    def _catalogue(self, overrides: Mapping[str, RuleOverride]) -> Catalogue:
        known = self.base.by_id if overrides else ()
        merged = merged_overrides(self._file_overrides, overrides.values(), known)
        return Catalogue.from_mapping(self._rules, known_checks=self._known_checks, overrides=merged,
                                      overrides_origin=self._file_origin or "database")

    def current(self) -> ConfigSnapshot:
        """The snapshot in force: asks the database for the version at most once per TTL."""
        if self.ticker() - self._checked_at < self.ttl:
            return self._snapshot
        # Never loaded: wait for the first load. Otherwise a concurrent refresh is in progress and the
        # snapshot it replaces is still a valid answer for this call.
        if self._lock.acquire(blocking=self._snapshot.version < 0):
            try:
                if self.ticker() - self._checked_at >= self.ttl:
                    self._refresh()
            finally:
                self._lock.release()
        return self._snapshot

    def simulator_tuning(self) -> SimulatorTuning:
        """The regulator simulator's operator values in force (what `RegulatorSimulator` asks at each decision)."""
        return self.current().simulator

    def refresh(self) -> ConfigSnapshot:
        """Load now, whatever the TTL (after a change made in this process)."""
        with self._lock:
            self._refresh()
        return self._snapshot

    def _refresh(self) -> None:
        self._checked_at = self.ticker()
        try:
            with self._reader() as store:
                # the version first: a change committed between the two reads only causes one more rebuild
                version = store.version()
                if version == self._snapshot.version:
                    return
                overrides = {o.rule_id: o for o in store.rule_overrides()}
                entries = {e.day: e for e in store.holiday_entries()}
                declared = {d.year: d for d in store.declared_years()}
                stored_policy = {p.key: p for p in store.policy_overrides()}
                settings = store.simulator_settings()
                forced = {d.application_id: d.approved for d in store.forced_decisions()}
            # A change of one kind leaves the others' objects (and their caches) as they were: simulator changes
            # in particular are frequent in a demo, and need no new catalogue or calendar.
            previous = self._snapshot
            loaded = previous.version >= 0
            if loaded and overrides == previous.overrides:
                catalogue = previous.catalogue
            else:
                catalogue = self._catalogue(overrides) if overrides else self.base
            if loaded and entries == previous.entries and declared == previous.declared:
                calendar = previous.calendar
            else:
                calendar = WorkingCalendar(merged_holidays(self.base_holidays, entries.values(), declared))
            policies, applied = self._policies(stored_policy.values())
            stored_policy = {key: o for key, o in stored_policy.items() if key in applied}
            simulator = SimulatorTuning(self._approve_ratio(settings), forced)
        except Exception as exc:  # a database hiccup: keep the configuration in force, try after the TTL
            structlog.get_logger("icpflow.config").warning(
                "运营配置读取失败，继续使用当前配置", error=f"{type(exc).__name__}: {exc}")
            return
        self._snapshot = ConfigSnapshot(version, catalogue, calendar, overrides, entries, declared,
                                        policies, stored_policy, simulator)

    @staticmethod
    def _approve_ratio(settings: Iterable[SimulatorSetting]) -> float | None:
        """The operator's approve ratio, or None (the deployment's applies). A stored value out of range (written
        around the use cases) is left out with a warning, as a policy value that cannot be applied."""
        for setting in settings:
            if setting.key != APPROVE_RATIO:
                continue
            problem = approve_ratio_problem(setting.value)
            if problem is None:
                return setting.value
            structlog.get_logger("icpflow.config").warning("运营设置的模拟器通过率无法应用，已忽略", reason=problem)
        return None

    def _policies(self, stored: Iterable[PolicyOverride]) -> tuple[Policies, set[str]]:
        """The deployed policy with the operator's values on top, key by key, and the keys applied. A stored
        value that can no longer be applied (its key removed, its range narrowed by a later deploy) is left
        out, with a warning, rather than keeping the whole configuration from loading."""
        values, skipped = applicable(stored)
        for key, why in skipped:
            structlog.get_logger("icpflow.config").warning("运营设置的平台策略项无法应用，已忽略", key=key, reason=why)
        return self.base_policies.with_values(values), set(values)


class LiveChecker(Checker):
    """The pre-check with the catalogue and the policy in force: the live configuration's, looked up on
    every use (`Checker.check` reads each once per filing)."""

    def __init__(self, live: LiveConfig, regions: RegionTable, scanner: KeywordScanner,
                 policy: Policy | None = None) -> None:
        """`policy` is not used: the live configuration's (`live.base_policies` plus the operator's values)
        is read instead; the parameter stays for callers written before the policy was live."""
        self.live = live
        super().__init__(live.base, regions, scanner, policy or live.base_policies.precheck)

    @property
    def catalogue(self) -> Catalogue:
        return self.live.current().catalogue

    @catalogue.setter
    def catalogue(self, value: Catalogue) -> None:
        """Checker.__init__ assigns the files' catalogue; the live configuration's is read instead."""

    @property
    def policy(self) -> Policy:
        return self.live.current().policies.precheck

    @policy.setter
    def policy(self, value: Policy) -> None:
        """Checker.__init__ assigns a policy; the live configuration's is read instead."""


class LivePlatformPolicy(PlatformPolicy):
    """The workflow's platform policy in force: each field from the live configuration's current snapshot.

    A use case that reads several fields calls `in_force()` once and reads them from what it returns, so
    they come from one version even when a refresh happens in between."""

    __slots__ = ("live",)
    live: LiveConfig

    def __init__(self, live: LiveConfig) -> None:  # the fields are properties: nothing of the parent to set
        object.__setattr__(self, "live", live)

    def in_force(self) -> PlatformPolicy:
        return self.live.current().policies.platform

    @property
    def withdraw_allowed(self) -> bool:
        return self.in_force().withdraw_allowed

    @property
    def daily_quota(self) -> int:
        return self.in_force().daily_quota

    @property
    def quota_refresh_hour(self) -> int:
        return self.in_force().quota_refresh_hour

    @property
    def takedown_deadline(self) -> dt.date | None:
        return self.in_force().takedown_deadline

    @property
    def takedown_notice_days(self) -> int:
        return self.in_force().takedown_notice_days

    @property
    def face_task_required(self) -> bool:
        return self.in_force().face_task_required


class LiveDeadlinePolicy(DeadlinePolicy):
    """The workflow's deadline windows in force. A window is read when a deadline is computed; deadlines
    computed and stored before a change keep their value."""

    __slots__ = ("live",)
    live: LiveConfig

    def __init__(self, live: LiveConfig) -> None:  # the fields are properties; the snapshot's are checked
        object.__setattr__(self, "live", live)

    def in_force(self) -> DeadlinePolicy:
        return self.live.current().policies.deadlines

    @property
    def platform_review_days(self) -> int:
        return self.in_force().platform_review_days

    @property
    def bureau_review_days(self) -> int:
        return self.in_force().bureau_review_days

    @property
    def sms_window(self) -> dt.timedelta:
        return self.in_force().sms_window


class LiveCalendar(WorkingCalendar):
    """Working days from the live configuration's calendar. Deadlines computed earlier and stored are
    not recomputed when the calendar changes; the next computation uses the new one."""

    __slots__ = ("live",)

    def __init__(self, live: LiveConfig) -> None:
        super().__init__()
        self.live = live

    def _now(self) -> WorkingCalendar:
        calendar = self.live.current().calendar
        self.fallback_years = calendar.fallback_years
        return calendar

    @property
    def table(self) -> HolidayTable:
        return self._now().table

    def year_status(self, year: int) -> YearStatus:
        return self._now().year_status(year)

    def is_working_day(self, day: dt.date) -> bool:
        return self._now().is_working_day(day)

    def working_day_after(self, day: dt.date, n: int) -> dt.date:
        return self._now().working_day_after(day, n)

    def add_working_days(self, start: dt.datetime, n: int) -> dt.datetime:
        return self._now().add_working_days(start, n)

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        return self._now().working_days_between(start, end)

    def warnings(self) -> list[str]:
        return self._now().warnings()
