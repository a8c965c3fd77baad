"""Read models of the operator's dashboard (运营看板): what the statistics queries return.

Plain values, computed by the database (GROUP BY, window functions) so that the dashboard never loads
the applications themselves; `services/dashboard.py` asks for them through its port and shapes them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

#: the two review stages whose deadlines are counted in working days (docs/workflow.md)
REVIEW_STAGES = ("platform", "bureau")
#: the events that close a review stage with a rejection, by stage
REJECTION_EVENTS = {"platform": "platform_reject", "bureau": "bureau_reject"}
#: the events the worker records when a review stage passes its deadline, by stage
OVERDUE_EVENTS = {"platform": "platform_review_overdue", "bureau": "bureau_review_overdue"}
#: the states whose deadline is in working days, by stage
REVIEW_STATES = {"platform": "platform_review", "bureau": "bureau_review"}


@dataclass(frozen=True, slots=True)
class StatsFilter:
    """Which filings the statistics cover: one province (GB/T 2260 code) or all, and a period.

    `since` is inclusive and `until` exclusive; both aware. What the period applies to depends on the
    statistic: the creation of the application, the end of a stay in a state, the rejection, the breach.
    """

    province: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class StateCount:
    state: str
    count: int


@dataclass(frozen=True, slots=True)
class StateDuration:
    """How long applications stayed in `state`: completed stays only, nearest-rank percentiles."""

    state: str
    stays: int
    median_seconds: int
    p90_seconds: int


@dataclass(frozen=True, slots=True)
class RejectionsByProvince:
    stage: str  # "platform" | "bureau"
    province: str
    rejections: int


@dataclass(frozen=True, slots=True)
class ReasonCount:
    stage: str  # "platform" | "bureau"
    code: str
    count: int


@dataclass(frozen=True, slots=True)
class OverdueFiling:
    """An application still in review after its working-day deadline."""

    application_id: str
    stage: str  # "platform" | "bureau"
    province: str
    program_name: str
    appid: str
    due_at: dt.datetime


@dataclass(frozen=True, slots=True)
class BreachCount:
    """Deadline breaches recorded by the worker in week `week` (0 = the first week asked for)."""

    stage: str  # "platform" | "bureau"
    week: int
    count: int


@dataclass(frozen=True, slots=True)
class PendingFaceTask:
    """A face verification (人脸核身) still waiting for its result."""

    application_id: str
    task_id: str
    program_name: str
    appid: str
    created_at: dt.datetime
    expires_at: dt.datetime
