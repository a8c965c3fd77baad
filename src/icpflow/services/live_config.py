"""Operator configuration applied live: the rule catalogue and the working calendar in force, in every
process (API, console, workers), picked up without a restart.

Each process keeps a `ConfigSnapshot` — the catalogue and calendar built from the files plus the database
entries of `domain/config.py` — and the configuration version it was built from (the number of entries
in the append-only change history). At most once per TTL (`ICPFLOW_CONFIG_REFRESH_SECONDS`) a use of the
checker or the calendar asks the database for the version, one small query, and the snapshot is rebuilt
only when the version moved. A change made in this process is applied at once (`refresh(force=True)`);
other processes apply it within the TTL.

`LiveChecker` and `LiveCalendar` are the domain's `Checker` and `WorkingCalendar` whose answers come from
the current snapshot, so the workflow and every entry point use them unchanged.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

import structlog

from ..domain.calendar import HolidayTable, WorkingCalendar, YearStatus
from ..domain.config import DeclaredYear, HolidayEntry, RuleOverride, merged_holidays, merged_overrides
from ..domain.policy import Policy
from ..domain.preapproval import KeywordScanner
from ..domain.regions import RegionTable
from ..domain.rules.catalogue import Catalogue
from ..domain.rules.engine import Checker


class ConfigReader(Protocol):
    """What a process reads to build its snapshot (`adapters/db/config_store.py`)."""

    def version(self) -> int: ...
    def rule_overrides(self) -> list[RuleOverride]: ...
    def holiday_entries(self, year: int | None = None) -> list[HolidayEntry]: ...
    def declared_years(self) -> list[DeclaredYear]: ...


ConfigReaderUnitOfWork = Callable[[], AbstractContextManager[ConfigReader]]


@dataclass(frozen=True, slots=True)
class ConfigSnapshot:
    """The configuration in force in this process, as of `version` (-1: the files only, never loaded)."""

    version: int
    catalogue: Catalogue
    calendar: WorkingCalendar
    overrides: Mapping[str, RuleOverride] = field(default_factory=dict)
    entries: Mapping[dt.date, HolidayEntry] = field(default_factory=dict)
    declared: Mapping[int, DeclaredYear] = field(default_factory=dict)


class LiveConfig:
    """The files, and the database on top of them, rebuilt when the configuration version moves."""

    def __init__(self, reader: ConfigReaderUnitOfWork, *, rules: Mapping[str, Any], known_checks: frozenset[str],
                 file_overrides: Mapping[str, Any] | None, file_origin: str, holidays: HolidayTable,
                 ttl: float, ticker: Callable[[], float]) -> None:
        self._reader = reader
        self._rules = rules
        self._known_checks = known_checks
        self._file_overrides = file_overrides
        self._file_origin = file_origin
        #: the rule catalogue and the holiday table of the files alone (what the database applies on top of)
        self.base = self._catalogue({})
        self.base_holidays = holidays
        self.ttl = ttl
        self.ticker = ticker
        self._snapshot = ConfigSnapshot(-1, self.base, WorkingCalendar(holidays))
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
            catalogue = self._catalogue(overrides) if overrides else self.base
            table = merged_holidays(self.base_holidays, entries.values(), declared)
        except Exception as exc:  # a database hiccup: keep the configuration in force, try after the TTL
            structlog.get_logger("icpflow.config").warning(
                "运营配置读取失败，继续使用当前配置", error=f"{type(exc).__name__}: {exc}")
            return
        self._snapshot = ConfigSnapshot(version, catalogue, WorkingCalendar(table), overrides, entries, declared)


class LiveChecker(Checker):
    """The pre-check with the catalogue in force: the live configuration's, looked up on every use."""

    def __init__(self, live: LiveConfig, regions: RegionTable, scanner: KeywordScanner, policy: Policy) -> None:
        self.live = live
        super().__init__(live.base, regions, scanner, policy)

    @property
    def catalogue(self) -> Catalogue:
        return self.live.current().catalogue

    @catalogue.setter
    def catalogue(self, value: Catalogue) -> None:
        """Checker.__init__ assigns the files' catalogue; the live configuration's is read instead."""


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
