"""The retry backoff of notifications: doubling from 30 s, capped at an hour, given up after MAX_ATTEMPTS."""

from __future__ import annotations

import datetime as dt

import pytest

from icpflow.domain.notifications import MAX_ATTEMPTS, next_attempt_at

NOW = dt.datetime(2024, 6, 3, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _wait(attempts: int) -> dt.timedelta | None:
    at = next_attempt_at(attempts, NOW)
    return None if at is None else at - NOW


def test_the_first_retry_waits_thirty_seconds() -> None:
    assert _wait(1) == dt.timedelta(seconds=30)


@pytest.mark.parametrize(("attempts", "seconds"), [(2, 60), (3, 120), (4, 240), (5, 480), (6, 960), (7, 1920)])
def test_each_further_failure_doubles_the_wait(attempts: int, seconds: int) -> None:
    assert _wait(attempts) == dt.timedelta(seconds=seconds)


@pytest.mark.parametrize("attempts", range(8, MAX_ATTEMPTS))
def test_the_wait_is_capped_at_one_hour(attempts: int) -> None:
    assert _wait(attempts) == dt.timedelta(hours=1)


def test_the_last_retry_before_giving_up_is_still_scheduled() -> None:
    assert next_attempt_at(MAX_ATTEMPTS - 1, NOW) is not None


@pytest.mark.parametrize("attempts", [MAX_ATTEMPTS, MAX_ATTEMPTS + 1, 100])
def test_after_max_attempts_there_is_no_next_attempt(attempts: int) -> None:
    assert next_attempt_at(attempts, NOW) is None


def test_no_failed_attempt_yet_waits_as_long_as_the_first_retry() -> None:
    assert _wait(0) == dt.timedelta(seconds=30)


def test_the_next_attempt_keeps_the_time_zone_of_now() -> None:
    at = next_attempt_at(1, NOW)
    assert at is not None and at.utcoffset() == dt.timedelta(hours=8)
