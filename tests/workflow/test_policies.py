"""Platform policies and deadlines on real databases: the daily quota of listed (存量) mini-programs, the
take-down flags, filing numbers issued concurrently, and working-day deadlines around holidays."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from icpflow.domain.errors import ConcurrentUpdate, QuotaExhausted
from icpflow.domain.filing_number import parse_filing_number
from icpflow.domain.model import Application
from icpflow.domain.regulator import BureauDecision
from icpflow.domain.workflow import State
from icpflow.services import filings, worker
from icpflow.services.filings import PlatformPolicy
from icpflow.services.notify import OPERATORS

from .conftest import BEIJING, FILER, REVIEWER, Desk, filing


def _at(day: str, hour: int = 10, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute, second), tzinfo=BEIJING)


def _end_of(day: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time.max, tzinfo=BEIJING)


def _listed(seq: int, *, listed: bool = True) -> dict[str, Any]:
    doc = filing(seq=seq)
    doc["program"]["listed"] = listed
    return doc


def _policy(desk: Desk, **kwargs: Any) -> None:
    desk.wf = dataclasses.replace(desk.wf, policy=PlatformPolicy(**{"face_task_required": False, **kwargs}))


def _submit(desk: Desk, app: Application) -> Application:
    return filings.submit(desk.wf, app.id, actor=app.owner, expected_version=desk.get(app).version)


def _inbox(desk: Desk, recipient: str) -> list[str]:
    with desk.wf.uow() as store:
        return [m.subject for m in store.inbox_of(recipient)]


# ----- the daily quota of listed mini-programs (seed 003 §二(一)) -----------------------------------------

def test_the_second_listed_submission_of_a_quota_day_is_refused_until_the_10_oclock_refresh(desk: Desk) -> None:
    _policy(desk, daily_quota=1)
    desk.clock.set(_at("2026-11-23", 15))
    first = _submit(desk, desk.new(_listed(1)))
    assert first.state is State.PLATFORM_REVIEW
    second = desk.new(_listed(2))
    with pytest.raises(QuotaExhausted) as info:
        _submit(desk, second)
    assert dt.datetime.fromisoformat(info.value.data["refresh_at"]) == _at("2026-11-24", 10)
    assert "2026-11-24 10:00" in info.value.message
    assert desk.get(second).state is State.DRAFT


def test_a_listed_submission_after_10_oclock_the_next_day_is_accepted(desk: Desk) -> None:
    _policy(desk, daily_quota=1)
    _submit(desk, desk.new(_listed(1)))  # START: Monday 10:00, the first of the day
    second = desk.new(_listed(2))
    with pytest.raises(QuotaExhausted):
        _submit(desk, second)
    desk.clock.set(_at("2026-11-24", 10, 0, 1))
    assert _submit(desk, second).state is State.PLATFORM_REVIEW
    with pytest.raises(QuotaExhausted):  # and that took the new day's quota
        _submit(desk, desk.new(_listed(3)))


def test_an_unlisted_mini_program_is_not_counted_against_the_quota(desk: Desk) -> None:
    _policy(desk, daily_quota=1)
    for seq in (1, 2, 3):  # unlisted ones before and after the listed one never use the quota
        if seq == 2:
            assert _submit(desk, desk.new(_listed(seq))).state is State.PLATFORM_REVIEW
        else:
            assert _submit(desk, desk.new(_listed(seq, listed=False))).state is State.PLATFORM_REVIEW
    with pytest.raises(QuotaExhausted):
        _submit(desk, desk.new(_listed(4)))


def test_the_quota_day_turns_at_10_oclock_beijing_time(desk: Desk) -> None:
    assert filings.quota_day(_at("2026-11-24", 9, 59, 59), 10) == dt.date(2026, 11, 23)
    assert filings.quota_day(_at("2026-11-24", 10), 10) == dt.date(2026, 11, 24)
    assert filings.quota_day(_at("2026-11-24", 0, 30), 10) == dt.date(2026, 11, 23)
    # the same instants in UTC: 01:59:59Z is 09:59:59 in Beijing, 02:00Z is 10:00
    assert filings.quota_day(dt.datetime(2026, 11, 24, 1, 59, 59, tzinfo=dt.UTC), 10) == dt.date(2026, 11, 23)
    assert filings.quota_day(dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC), 10) == dt.date(2026, 11, 24)
    # and the workflow counts by it: 09:59 the next morning is still the day that is used up
    _policy(desk, daily_quota=1)
    desk.clock.set(_at("2026-11-23", 23, 30))
    _submit(desk, desk.new(_listed(1)))
    late = desk.new(_listed(2))
    desk.clock.set(_at("2026-11-24", 9, 59, 59))
    with pytest.raises(QuotaExhausted) as info:
        _submit(desk, late)
    assert dt.datetime.fromisoformat(info.value.data["refresh_at"]) == _at("2026-11-24", 10)
    desk.clock.set(_at("2026-11-24", 10))
    assert _submit(desk, late).state is State.PLATFORM_REVIEW


# ----- take-down flags for listed mini-programs without a number (seed 000 §备案前) ----------------------

DEADLINE = dt.date(2026, 12, 1)  # 8 days after START


def _flag(desk: Desk) -> int:
    count = worker.flag_takedowns(desk.wf)
    desk.sweep()  # delivers the inbox messages it queued
    return count


def test_listed_mini_programs_without_a_number_are_reminded_daily_within_the_notice_window(desk: Desk) -> None:
    _policy(desk, takedown_deadline=DEADLINE, takedown_notice_days=14)
    desk.new(_listed(1))
    desk.new(_listed(2, listed=False))  # new mini-programs are not concerned
    assert _flag(desk) == 1
    assert _inbox(desk, FILER) == ["存量小程序备案提醒：剩余 8 天"]
    assert _flag(desk) == 0  # not twice the same day
    desk.clock.advance(hours=5)
    assert _flag(desk) == 0
    desk.clock.set(_at("2026-11-24", 9))
    assert _flag(desk) == 1  # the next day: a new reminder
    assert _inbox(desk, FILER) == ["存量小程序备案提醒：剩余 7 天", "存量小程序备案提醒：剩余 8 天"]
    assert _inbox(desk, OPERATORS) == []  # reminders are for the owner only


def test_no_reminder_is_sent_before_the_notice_window(desk: Desk) -> None:
    _policy(desk, takedown_deadline=DEADLINE, takedown_notice_days=7)  # 8 days left: not yet
    desk.new(_listed(1))
    assert _flag(desk) == 0
    assert _inbox(desk, FILER) == []
    desk.clock.set(_at("2026-11-24", 0, 0, 1))  # 7 days left: the window opens
    assert _flag(desk) == 1


def test_after_the_deadline_the_program_is_flagged_for_take_down_and_operators_alerted_once(desk: Desk) -> None:
    _policy(desk, takedown_deadline=DEADLINE)
    desk.new(_listed(1))
    desk.clock.set(_at("2026-12-01", 23, 59))  # the deadline day itself is still in time
    assert _flag(desk) == 1
    assert _inbox(desk, FILER) == ["存量小程序备案提醒：剩余 0 天"]
    desk.clock.set(_at("2026-12-02", 0, 0, 1))
    assert _flag(desk) == 1
    assert _inbox(desk, FILER)[0] == "存量小程序已逾期未备案：下线处理"
    assert _inbox(desk, OPERATORS) == ["存量小程序已逾期未备案：下线处理"]
    assert _flag(desk) == 0  # never twice: not the same day...
    desk.clock.set(_at("2026-12-03"))
    assert _flag(desk) == 0  # ...nor a later one
    assert _inbox(desk, FILER).count("存量小程序已逾期未备案：下线处理") == 1
    assert _inbox(desk, OPERATORS) == ["存量小程序已逾期未备案：下线处理"]


def test_a_listed_mini_program_with_a_number_is_never_flagged(desk: Desk) -> None:
    _policy(desk, takedown_deadline=DEADLINE)
    filed = desk.let_bureau_decide(desk.to_bureau(desk.new(_listed(1))))
    assert filed.state is State.FILED
    waiting = desk.new(_listed(2))
    desk.clock.set(_at("2026-11-30"))
    assert _flag(desk) == 1
    desk.clock.set(_at("2026-12-02"))
    assert _flag(desk) == 1
    with desk.wf.uow() as store:
        keys = [m.key for m in store.inbox_of(FILER) + store.inbox_of(OPERATORS) if "takedown" in m.key]
    assert filed.program_id and waiting.program_id
    assert len(keys) == 3  # the reminder, the take-down flag and the operators' alert: all for the waiting one
    assert all(waiting.program_id in key for key in keys)
    assert not any(filed.program_id in key for key in keys)


# ----- filing numbers and the quota under concurrency ---------------------------------------------------

def _at_once(work: Callable[[Application], Application], apps: list[Application], threads: int = 6) -> list[Any]:
    """Run `work` on every application from `threads` threads released together; exceptions are returned."""
    start = threading.Barrier(threads)

    def run(app: Application) -> Any:
        with contextlib.suppress(threading.BrokenBarrierError):  # fewer applications left than threads
            start.wait(timeout=10)
        try:
            return work(app)
        except Exception as exc:  # the caller judges what failed
            return exc

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(run, apps))


def test_concurrent_bureau_approvals_issue_distinct_numbers_with_consecutive_serials(desk: Desk) -> None:
    # On PostgreSQL the writers really run at once (row locks); on SQLite they queue on BEGIN IMMEDIATE.
    apps = [desk.to_bureau(desk.new(filing("330000", seq=seq))) for seq in range(1, 13)]
    assert all(app.state is State.BUREAU_REVIEW for app in apps)

    def approve(app: Application) -> Application:
        for _ in range(50):
            try:
                return filings.apply_bureau_decision(desk.wf, app.id, BureauDecision(True), actor="regulator:bureau")
            except ConcurrentUpdate:
                continue  # lost a race: the transaction was rolled back, try again
        raise AssertionError(f"{app.id} kept losing")

    done = _at_once(approve, apps)
    assert all(isinstance(app, Application) and app.state is State.FILED for app in done), done
    numbers = [app.issued_number for app in done]
    assert len(set(numbers)) == len(numbers)
    assert all(number.startswith("浙ICP备2026") and number.endswith("号-1X") for number in numbers)
    parsed = [parse_filing_number(number) for number in numbers]
    serials = sorted(int(p.serial) for p in parsed if p is not None)
    assert serials == list(range(serials[0], serials[0] + len(apps)))
    with desk.wf.uow() as store:  # what was stored agrees: the subject's number and the program's, each
        for app in done:
            records = store.active_records(subject_id=app.subject_id)
            assert sorted(r.number for r in records) == sorted([app.issued_number.split("-")[0], app.issued_number])


def test_concurrent_listed_submissions_never_exceed_the_daily_quota(desk: Desk) -> None:
    _policy(desk, daily_quota=3)
    apps = [desk.new(_listed(seq)) for seq in range(1, 9)]

    def submit(app: Application) -> Application:
        for _ in range(50):
            try:
                return _submit(desk, app)
            except ConcurrentUpdate:
                continue
        raise AssertionError(f"{app.id} kept losing")

    outcomes = _at_once(submit, apps, threads=8)
    accepted = [o for o in outcomes if isinstance(o, Application)]
    refused = [o for o in outcomes if isinstance(o, QuotaExhausted)]
    assert (len(accepted), len(refused)) == (3, 5), outcomes
    assert all(app.state is State.PLATFORM_REVIEW for app in accepted)


# ----- deadlines in working days ------------------------------------------------------------------------

def test_a_submission_on_a_holiday_friday_is_due_at_the_end_of_the_third_working_day(desk: Desk) -> None:
    # Friday 2026-09-25 is 中秋节; 26–27 the weekend; Monday 28 (1), 29 (2), 30 (3), then National Day.
    desk.clock.set(_at("2026-09-25", 11))
    app = _submit(desk, desk.new())
    assert app.due_at == _end_of("2026-09-30")
    stored = desk.get(app)
    assert stored.due_at == _end_of("2026-09-30")
    with desk.wf.uow() as store:
        pending = store.claim_due_timers(_end_of("2026-09-30"), 10)
    assert [t.due_at for t in pending] == [_end_of("2026-09-30")]


def test_the_bureau_review_is_due_20_working_days_after_the_sms_verification(desk: Desk) -> None:
    desk.clock.set(_at("2026-09-29", 10))
    app = desk.to_sms(desk.new())
    desk.clock.set(_at("2026-09-30", 9))  # within the 24 hours of the SMS
    app = filings.verify_sms(desk.wf, app.id, desk.sms_code(app), actor=FILER, expected_version=app.version)
    assert app.state is State.BUREAU_REVIEW
    # after Wednesday 09-30: 10-01..07 off; 10-08 (1), 10-09 (2), Saturday 10-10 worked (3), 10-12..16 (8),
    # 10-19..23 (13), 10-26..30 (18), 11-02 (19), 11-03 (20)
    assert app.due_at == _end_of("2026-11-03")
    assert desk.get(app).due_at == _end_of("2026-11-03")
    with desk.wf.uow() as store:
        assert store.claim_due_timers(_end_of("2026-11-02"), 10) == []
        assert [t.kind.value for t in store.claim_due_timers(_end_of("2026-11-03"), 10)] == ["bureau_review_due"]


def test_a_submission_in_a_year_without_published_holidays_falls_back_without_crashing(desk: Desk) -> None:
    assert desk.wf.calendar.year_status(2027) == "fallback", "2027 is now known: move this test to 2028"
    desk.clock.set(_at("2027-03-01", 10))  # Monday
    app = _submit(desk, desk.new())
    assert app.state is State.PLATFORM_REVIEW
    assert app.due_at == _end_of("2027-03-04")  # Monday to Friday in the fallback: 03-02, 03-03, 03-04
    app = filings.platform_approve(desk.wf, app.id, reviewer=REVIEWER, expected_version=app.version)
    desk.sweep()
    app = filings.verify_sms(desk.wf, app.id, desk.sms_code(app), actor=FILER, expected_version=desk.get(app).version)
    assert app.state is State.BUREAU_REVIEW and app.due_at is not None and app.due_at.year == 2027
    assert 2027 in desk.wf.calendar.fallback_years
    assert any("2027" in warning for warning in desk.wf.calendar.warnings())
