"""Workflow deadlines (时限): platform review, MIIT SMS verification, bureau review.

The windows come from the seeds:

* platform review (平台审核/平台初审): 1–3 working days — seed 000 step3-平台审核 ("1~3个工作内完成初审"),
  seed 004 §2 平台审核 ("1-3 个工作日内完成"); WeChat promises 1–2 (seed 001 §四 平台初审), so the
  policy allows any value from 1 to 3;
* SMS verification (工信部短信核验): 24 hours of clock time, not working days — seed 000 step4
  ("24小时内"), seed 001 §五, seed 004 §3 短信核验;
* bureau review (管局审核/通管局审核): 1–20 working days and cannot be hurried — seed 000 step4-管局审核
  ("一般为1~20个工作日"), seed 001 §六 ("1-20个工作日内"), seed 004 §4 管局审核 ("约为 20 个工作日").

A deadline is the end of the last working day (see `WorkingCalendar.add_working_days`); the windows are
what the platform and bureau promise, so passing one is a reason to chase or to warn, not a transition.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .calendar import WorkingCalendar

_SMS_WINDOW_MAX = dt.timedelta(hours=24)
#: the windows `DeadlinePolicy` accepts, in working days (operators changing them at runtime are held to the
#: same: policy_config.py)
PLATFORM_REVIEW_DAYS = (1, 3)
BUREAU_REVIEW_DAYS = (1, 20)


@dataclass(frozen=True, slots=True)
class DeadlinePolicy:
    #: working days the platform has for its review (seeds 000/004: 1–3; seed 001: 1–2)
    platform_review_days: int = 3
    #: working days the provincial bureau has for its review (seeds 000/001: 1–20; seed 004: about 20)
    bureau_review_days: int = 20
    #: how long the MIIT verification SMS stays valid (seeds 000/001/004: 24 hours)
    sms_window: dt.timedelta = _SMS_WINDOW_MAX

    def __post_init__(self) -> None:
        if not PLATFORM_REVIEW_DAYS[0] <= self.platform_review_days <= PLATFORM_REVIEW_DAYS[1]:
            raise ValueError("platform_review_days must be between 1 and 3 (seed 004 §2 平台审核: 1-3 个工作日)")
        if not BUREAU_REVIEW_DAYS[0] <= self.bureau_review_days <= BUREAU_REVIEW_DAYS[1]:
            raise ValueError("bureau_review_days must be between 1 and 20 (seed 001 §六 通管局审核: 1-20 个工作日)")
        if not dt.timedelta(0) < self.sms_window <= _SMS_WINDOW_MAX:
            raise ValueError("sms_window must be positive and at most 24 hours (seed 001 §五 工信部短信核验: 24 小时)")


DEFAULT_POLICY = DeadlinePolicy()


def platform_review_due(
    submitted_at: dt.datetime, calendar: WorkingCalendar, policy: DeadlinePolicy = DEFAULT_POLICY
) -> dt.datetime:
    """When the platform review (平台审核) should be over: the end of the n-th working day after submission."""
    return calendar.add_working_days(submitted_at, policy.platform_review_days)


def bureau_review_due(
    started_at: dt.datetime, calendar: WorkingCalendar, policy: DeadlinePolicy = DEFAULT_POLICY
) -> dt.datetime:
    """When the bureau review (管局审核) should be over, counted from the successful SMS verification."""
    return calendar.add_working_days(started_at, policy.bureau_review_days)


def sms_expires_at(sent_at: dt.datetime, policy: DeadlinePolicy = DEFAULT_POLICY) -> dt.datetime:
    """When the verification SMS (短信核验) expires: plain clock time, holidays included."""
    return sent_at + policy.sms_window


def overdue(due_at: dt.datetime, now: dt.datetime) -> bool:
    """Whether `due_at` has passed. The deadline instant itself is still in time."""
    return now > due_at


def remaining_working_days(now: dt.datetime, due_at: dt.datetime, calendar: WorkingCalendar) -> int:
    """Working days left after today up to the due day, for display ("剩余 N 个工作日").

    0 on the due day itself; negative once the due day is behind, counting the working days since.
    `now` is read on the due time's wall clock when both are time-zone aware.
    """
    if now.tzinfo is not None and due_at.tzinfo is not None:
        now = now.astimezone(due_at.tzinfo)
    return calendar.working_days_between(now.date(), due_at.date())
