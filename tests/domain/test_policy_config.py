"""The platform-policy keys operators may set: each accepts exactly the range its policy object accepts, values
are read strictly from JSON and leniently from typed text, and every refusal names the field and the range
in Chinese."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from icpflow.domain.config import ConfigProblem
from icpflow.domain.deadlines import DeadlinePolicy
from icpflow.domain.policy import Policy
from icpflow.domain.policy_config import (
    KEYS,
    POLICY_KEYS,
    PolicyKey,
    PolicyOverride,
    applicable,
    check_note,
    check_policy_values,
    show,
    value_from_json,
    value_from_text,
)
from icpflow.services.filings import PlatformPolicy
from icpflow.services.live_config import Policies

INT_KEYS = [k for k in POLICY_KEYS if k.kind == "int"]


def _problems(exc: pytest.ExceptionInfo[ConfigProblem]) -> dict[str, str]:
    return dict(exc.value.problems)


@pytest.mark.parametrize("spec", [k for k in INT_KEYS if k.target != "platform"], ids=lambda k: k.name)
def test_each_range_is_the_one_its_policy_object_accepts(spec: PolicyKey) -> None:
    build = Policy if spec.target == "precheck" else DeadlinePolicy
    build(**{spec.name: spec.minimum})
    build(**{spec.name: spec.maximum})
    for outside in (spec.minimum - 1, spec.maximum + 1):
        with pytest.raises(ValueError):
            build(**{spec.name: outside})


def test_every_key_is_a_field_of_its_policy_object() -> None:
    fields = {"precheck": Policy, "platform": PlatformPolicy, "deadlines": DeadlinePolicy}
    for spec in POLICY_KEYS:
        assert spec.name in {f.name for f in dataclasses.fields(fields[spec.target])}, spec.name
    assert "face_task_required" not in KEYS and "sms_window" not in KEYS  # deployment-only


@pytest.mark.parametrize("spec", INT_KEYS, ids=lambda k: k.name)
def test_an_integer_outside_its_range_is_refused_naming_the_field_and_the_range(spec: PolicyKey) -> None:
    assert value_from_json(spec.name, spec.maximum) == spec.maximum
    with pytest.raises(ConfigProblem) as info:
        value_from_json(spec.name, spec.maximum + 1)
    message = _problems(info)[spec.name]
    assert spec.label in message and f"{spec.minimum}–{spec.maximum}" in message and spec.name in message


def test_json_values_are_read_strictly() -> None:
    assert value_from_json("daily_quota", 0) == 0
    assert value_from_json("withdraw_allowed", False) is False
    assert value_from_json("takedown_deadline", "2027-06-30") == dt.date(2027, 6, 30)
    assert value_from_json("takedown_deadline", None) is None
    for key, raw in (("daily_quota", "3"), ("daily_quota", 3.0), ("daily_quota", True), ("daily_quota", None),
                     ("withdraw_allowed", "false"), ("withdraw_allowed", 0), ("takedown_deadline", "2027-6-30"),
                     ("takedown_deadline", "2027-02-30"), ("takedown_deadline", "1999-12-31"),
                     ("takedown_deadline", 20270630)):
        with pytest.raises(ConfigProblem) as info:
            value_from_json(key, raw)
        assert key in _problems(info), (key, raw)


def test_typed_text_is_read_as_a_person_writes_it() -> None:
    assert value_from_text("withdraw_allowed", " 否 ") is False
    assert value_from_text("withdraw_allowed", "TRUE") is True
    assert value_from_text("platform_review_days", "2") == 2
    assert value_from_text("takedown_deadline", "") is None
    assert value_from_text("takedown_deadline", "null") is None
    assert value_from_text("takedown_deadline", "2027-06-30") == dt.date(2027, 6, 30)
    for key, text in (("withdraw_allowed", "maybe"), ("daily_quota", "1e3"), ("daily_quota", "-1"),
                      ("daily_quota", "３"), ("quota_refresh_hour", "24"), ("takedown_deadline", "明年")):
        with pytest.raises(ConfigProblem):
            value_from_text(key, text)


def test_an_unknown_key_is_refused_with_the_keys_there_are() -> None:
    with pytest.raises(ConfigProblem) as info:
        value_from_text("colour", "red")
    assert "没有名为“colour”的策略项" in _problems(info)["colour"] and "daily_quota" in _problems(info)["colour"]


def test_every_problem_of_a_change_is_reported_at_once() -> None:
    with pytest.raises(ConfigProblem) as info:
        check_policy_values({"daily_quota": -1, "colour": 1, "bureau_review_days": 21})
    assert set(_problems(info)) == {"daily_quota", "colour", "bureau_review_days"}
    with pytest.raises(ConfigProblem) as info:
        check_policy_values({})
    assert "至少设置一项" in _problems(info)[""]
    assert check_policy_values({"daily_quota": "7"}, text=True) == {"daily_quota": 7}


def test_a_note_is_text_of_at_most_500_characters() -> None:
    assert check_note("  依据  ") == "依据"
    for bad in ("长" * 501, None, 3):
        with pytest.raises(ConfigProblem):
            check_note(bad)


def test_stored_values_that_can_no_longer_be_applied_are_left_out() -> None:
    values, skipped = applicable([PolicyOverride("daily_quota", 5), PolicyOverride("platform_review_days", 7),
                                  PolicyOverride("retired", 1), PolicyOverride("takedown_deadline", "2027-06-30")])
    assert values == {"daily_quota": 5, "takedown_deadline": dt.date(2027, 6, 30)}
    assert [key for key, _ in skipped] == ["platform_review_days", "retired"]


def test_values_apply_key_by_key_on_the_deployed_policies() -> None:
    base = Policies(platform=PlatformPolicy(daily_quota=9, face_task_required=False))
    applied = base.with_values({"daily_quota": 3, "certificate_validity_months": 1, "bureau_review_days": 5})
    assert (applied.platform.daily_quota, applied.platform.face_task_required) == (3, False)
    assert (applied.precheck.certificate_validity_months, applied.precheck.letter_max_age_months) == (1, 1)
    assert (applied.deadlines.bureau_review_days, applied.deadlines.platform_review_days) == (5, 3)
    assert base.with_values({}) is base


def test_values_are_shown_in_chinese() -> None:
    assert [show("daily_quota", 0), show("daily_quota", 20), show("quota_refresh_hour", 9),
            show("withdraw_allowed", False), show("takedown_deadline", None), show("bureau_review_days", 20),
            show("takedown_deadline", "2027-06-30")] == ["不限", "20 件", "9:00", "否", "未设置", "20 工作日",
                                                         "2027-06-30"]
