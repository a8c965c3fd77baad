"""Use case: the operator's dashboard (运营看板) — filings by state, time spent in each state, rejection
reasons by province and by reason code, and deadline (SLA) breaches now and week by week.

Every number is aggregated by the database through the `StatsStore` port (`adapters/db/stats_store.py`,
read-only, SQLite and PostgreSQL): the dashboard of 100,000 filings reads a few dozen rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

from ..domain.calendar import BEIJING
from ..domain.dashboard import (
    BreachCount,
    OverdueFiling,
    PendingFaceTask,
    ReasonCount,
    RejectionsByProvince,
    StateCount,
    StateDuration,
    StatsFilter,
)
from ..domain.workflow import State
from .ports import Clock

#: the weekly breach chart shows this many weeks by default, and never more than MAX_WEEKS
DEFAULT_WEEKS = 8
MAX_WEEKS = 26


class StatsStore(Protocol):
    """Read-only aggregates over one transaction (a consistent snapshot)."""

    def provinces(self) -> list[str]: ...
    def state_counts(self, flt: StatsFilter) -> list[StateCount]: ...
    def state_durations(self, flt: StatsFilter) -> list[StateDuration]: ...
    def rejections_by_province(self, flt: StatsFilter) -> list[RejectionsByProvince]: ...
    def reason_counts(self, flt: StatsFilter) -> list[ReasonCount]: ...
    def overdue_counts(self, province: str | None, now: dt.datetime) -> dict[str, int]: ...
    def overdue_filings(self, province: str | None, now: dt.datetime, limit: int) -> list[OverdueFiling]: ...
    def breaches_by_week(self, flt: StatsFilter, origin: dt.datetime) -> list[BreachCount]: ...
    def pending_face_tasks(self, now: dt.datetime, limit: int) -> list[PendingFaceTask]: ...


StatsUnitOfWork = Callable[[], AbstractContextManager[StatsStore]]


@dataclass(frozen=True, slots=True)
class ProvinceRejections:
    province: str
    platform: int
    bureau: int

    @property
    def total(self) -> int:
        return self.platform + self.bureau


@dataclass(frozen=True, slots=True)
class WeekBreaches:
    """Breaches in the week starting on Monday `start` (Beijing time)."""

    start: dt.date
    platform: int
    bureau: int

    @property
    def total(self) -> int:
        return self.platform + self.bureau


@dataclass(frozen=True, slots=True)
class Dashboard:
    filter: StatsFilter
    now: dt.datetime
    #: provinces that have applications (GB/T 2260 codes), for the filter
    provinces: list[str]
    #: every workflow state, zero included, in the workflow's order
    states: list[StateCount]
    #: completed stays per state, in the workflow's order (states nobody has left are absent)
    durations: list[StateDuration]
    #: rejections per province, most first
    rejections: list[ProvinceRejections]
    #: reasons given per stage and code, most first
    reasons: list[ReasonCount]
    #: applications past their working-day deadline now, per stage ("platform", "bureau")
    overdue_counts: dict[str, int]
    #: the longest overdue first, at most `overdue_limit`
    overdue: list[OverdueFiling]
    weeks: list[WeekBreaches]

    @property
    def total(self) -> int:
        return sum(s.count for s in self.states)


def week_starts(end_day: dt.date, since_day: dt.date | None, *, weeks: int = DEFAULT_WEEKS) -> list[dt.date]:
    """The Mondays of the weeks (Monday to Sunday) a breach chart shows, ending with `end_day`'s week:
    from `since_day`'s week when a period is asked for, else `weeks` weeks; never more than MAX_WEEKS."""
    last = end_day - dt.timedelta(days=end_day.weekday())
    if since_day is None or since_day > end_day:
        count = weeks
    else:
        count = (last - (since_day - dt.timedelta(days=since_day.weekday()))).days // 7 + 1
    count = min(max(count, 1), MAX_WEEKS)
    return [last - dt.timedelta(weeks=count - 1 - i) for i in range(count)]


def _beijing_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=BEIJING)


def dashboard(uow: StatsUnitOfWork, clock: Clock, flt: StatsFilter, *, weeks: int = DEFAULT_WEEKS,
              overdue_limit: int = 50) -> Dashboard:
    now = clock.now()
    end_day = (flt.until - dt.timedelta(microseconds=1)).astimezone(BEIJING).date() if flt.until else clock.today()
    since_day = flt.since.astimezone(BEIJING).date() if flt.since else None
    mondays = week_starts(end_day, since_day, weeks=weeks)
    origin = _beijing_midnight(mondays[0])
    week_end = _beijing_midnight(mondays[-1] + dt.timedelta(days=7))
    # the chart's weeks, narrowed to the period asked for
    breach_filter = StatsFilter(flt.province, max(origin, flt.since) if flt.since else origin,
                                min(week_end, flt.until) if flt.until else week_end)
    with uow() as store:
        provinces = store.provinces()
        counts = {c.state: c.count for c in store.state_counts(flt)}
        durations = {d.state: d for d in store.state_durations(flt)}
        by_province = store.rejections_by_province(flt)
        reasons = store.reason_counts(flt)
        overdue_counts = store.overdue_counts(flt.province, now)
        overdue = store.overdue_filings(flt.province, now, overdue_limit)
        breaches = store.breaches_by_week(breach_filter, origin)
    rejections: dict[str, dict[str, int]] = {}
    for row in by_province:
        rejections.setdefault(row.province, {"platform": 0, "bureau": 0})[row.stage] += row.rejections
    per_week: dict[int, dict[str, int]] = {}
    for b in breaches:
        per_week.setdefault(b.week, {"platform": 0, "bureau": 0})[b.stage] += b.count
    return Dashboard(
        filter=flt, now=now, provinces=provinces,
        states=[StateCount(s.value, counts.get(s.value, 0)) for s in State],
        durations=[durations[s.value] for s in State if s.value in durations],
        rejections=sorted((ProvinceRejections(p, v["platform"], v["bureau"]) for p, v in rejections.items()),
                          key=lambda r: (-r.total, r.province)),
        reasons=sorted(reasons, key=lambda r: (-r.count, r.stage, r.code)),
        overdue_counts={stage: overdue_counts.get(stage, 0) for stage in ("platform", "bureau")},
        overdue=overdue,
        weeks=[WeekBreaches(day, per_week.get(i, {}).get("platform", 0), per_week.get(i, {}).get("bureau", 0))
               for i, day in enumerate(mondays)],
    )


def pending_face_tasks(uow: StatsUnitOfWork, clock: Clock, *, limit: int = 100) -> list[PendingFaceTask]:
    """Face verifications still waiting for a result (manual channel: an operator records it)."""
    with uow() as store:
        return store.pending_face_tasks(clock.now(), limit)
