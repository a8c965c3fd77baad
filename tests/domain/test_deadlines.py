"""Workflow deadlines: platform review, SMS verification and bureau review windows."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from icpflow.domain.calendar import WorkingCalendar
from icpflow.domain.deadlines import (
    DeadlinePolicy,
    bureau_review_due,
    overdue,
    platform_review_due,
    remaining_working_days,
    sms_expires_at,
)

BEIJING = ZoneInfo("Asia/Shanghai")
CALENDAR = WorkingCalendar()


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=BEIJING)


def end_of(day: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time.max, tzinfo=BEIJING)


# --- the policy ------------------------------------------------------------------------------------------


def test_the_default_policy_allows_the_longest_windows_the_seeds_name() -> None:
    policy = DeadlinePolicy()
    assert policy.platform_review_days == 3
    assert policy.bureau_review_days == 20
    assert policy.sms_window == dt.timedelta(hours=24)


def test_wechat_s_two_day_platform_review_is_a_valid_policy() -> None:
    assert DeadlinePolicy(platform_review_days=2).platform_review_days == 2


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"platform_review_days": 0}, "platform_review_days"),
        ({"platform_review_days": 4}, "platform_review_days"),
        ({"bureau_review_days": 0}, "bureau_review_days"),
        ({"bureau_review_days": 21}, "bureau_review_days"),
        ({"sms_window": dt.timedelta(0)}, "sms_window"),
        ({"sms_window": dt.timedelta(hours=25)}, "sms_window"),
    ],
)
def test_a_window_outside_what_the_seeds_allow_is_refused(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(ValueError, match=field):
        DeadlinePolicy(**kwargs)  # type: ignore[arg-type]


# --- platform review -------------------------------------------------------------------------------------


def test_a_platform_review_submitted_on_the_mid_autumn_friday_2026_is_due_on_30_september() -> None:
    assert platform_review_due(at("2026-09-25"), CALENDAR) == end_of("2026-09-30")


def test_a_platform_review_submitted_just_before_national_day_skips_the_holiday_week() -> None:
    assert platform_review_due(at("2026-09-29"), CALENDAR) == end_of("2026-10-09")


def test_a_two_day_platform_review_can_end_on_an_adjusted_saturday() -> None:
    policy = DeadlinePolicy(platform_review_days=2)
    # 2026-10-08 (1), 10-09 (2)
    assert platform_review_due(at("2026-10-07"), CALENDAR, policy) == end_of("2026-10-09")
    # 10-09 (1), Saturday 10-10 worked for National Day (2)
    assert platform_review_due(at("2026-10-08"), CALENDAR, policy) == end_of("2026-10-10")


# --- bureau review ---------------------------------------------------------------------------------------


def test_a_bureau_review_started_before_national_day_2025_counts_twenty_working_days() -> None:
    # From Friday 2025-09-26: Sunday 09-28 worked (1), 09-29 (2), 09-30 (3), 10-01..08 off, 10-09 (4),
    # 10-10 (5), Saturday 10-11 worked (6), 10-13..17 (7-11), 10-20..24 (12-16), 10-27..30 (17-20).
    assert bureau_review_due(at("2025-09-26"), CALENDAR) == end_of("2025-10-30")


def test_a_bureau_review_running_into_2027_is_estimated_and_warned_about() -> None:
    calendar = WorkingCalendar()
    # From Tuesday 2026-12-15: 12-16..18 (1-3), 12-21..25 (4-8), 12-28..31 (9-12), 2027-01-01 元旦,
    # 01-04..08 (13-17), 01-11..13 (18-20) by the fallback.
    assert bureau_review_due(at("2026-12-15"), calendar) == end_of("2027-01-13")
    assert calendar.fallback_years == {2027}
    assert "2027 年" in calendar.warnings()[0]


def test_a_shorter_bureau_policy_gives_an_earlier_deadline() -> None:
    policy = DeadlinePolicy(bureau_review_days=1)
    assert bureau_review_due(at("2026-11-20"), CALENDAR, policy) == end_of("2026-11-23")


# --- SMS verification ------------------------------------------------------------------------------------


def test_the_sms_expires_twenty_four_clock_hours_after_it_was_sent_even_over_a_holiday() -> None:
    sent = at("2026-09-30", 18)
    assert sms_expires_at(sent) == at("2026-10-01", 18)


def test_a_shorter_sms_window_is_honoured() -> None:
    policy = DeadlinePolicy(sms_window=dt.timedelta(hours=12))
    assert sms_expires_at(at("2026-11-20", 8), policy) == at("2026-11-20", 20)


# --- overdue and remaining -------------------------------------------------------------------------------


def test_the_deadline_instant_itself_is_not_overdue() -> None:
    due = end_of("2026-11-23")
    assert not overdue(due, due)
    assert overdue(due, due + dt.timedelta(microseconds=1))
    assert not overdue(due, at("2026-11-23", 23))


def test_overdue_compares_instants_across_time_zones() -> None:
    due = end_of("2026-11-23")  # 2026-11-23 15:59:59.999999 UTC
    assert overdue(due, dt.datetime(2026, 11, 23, 16, 0, tzinfo=dt.UTC))
    assert not overdue(due, dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC))


def test_remaining_working_days_counts_the_working_days_left_after_today() -> None:
    due = platform_review_due(at("2026-11-20"), CALENDAR)  # Friday; due Wednesday 11-25
    assert due == end_of("2026-11-25")
    assert remaining_working_days(at("2026-11-20", 16), due, CALENDAR) == 3
    assert remaining_working_days(at("2026-11-21"), due, CALENDAR) == 3  # Saturday
    assert remaining_working_days(at("2026-11-23"), due, CALENDAR) == 2
    assert remaining_working_days(at("2026-11-25", 9), due, CALENDAR) == 0


def test_remaining_working_days_is_negative_once_the_due_day_is_behind() -> None:
    due = end_of("2026-11-25")
    assert remaining_working_days(at("2026-11-26"), due, CALENDAR) == -1
    assert remaining_working_days(at("2026-11-30"), due, CALENDAR) == -3


def test_remaining_working_days_reads_now_on_the_deadline_s_wall_clock() -> None:
    due = end_of("2026-11-25")
    now = dt.datetime(2026, 11, 24, 17, 0, tzinfo=dt.UTC)  # already 11-25 01:00 in Beijing
    assert remaining_working_days(now, due, CALENDAR) == 0
