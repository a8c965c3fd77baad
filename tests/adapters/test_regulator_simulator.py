"""The regulator gateways that ship: the deterministic simulator and the manual mode."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import random
import tomllib
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from icpflow.adapters.regulator.manual import ManualGateway
from icpflow.adapters.regulator.simulator import REJECT_MARKER, RegulatorSimulator
from icpflow.domain.regulator import BureauSubmission, PlannedDecision, RegulatorGateway
from icpflow.domain.rejections import RejectionCatalogue, ReviewStage
from icpflow.domain.simulator_config import SimulatorTuning
from icpflow.testing import make_filing

NOW = dt.datetime(2026, 11, 22, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
PHONES = ["13800000004", "13900000004"]
IDS = [f"app-{i:05d}" for i in range(2000)]


@functools.cache
def catalogue() -> RejectionCatalogue:
    text = resources.files("icpflow").joinpath("data/rejection_reasons.toml").read_text("utf-8")
    return RejectionCatalogue.from_mapping(tomllib.loads(text))


def simulator(seed: int = 7, **options: Any) -> RegulatorSimulator:
    return RegulatorSimulator(catalogue(), seed=seed, **options)


@functools.cache
def filing(province: str = "330000", nature: str = "enterprise", program_type: str = "mini_program") -> dict[str, Any]:
    return make_filing(province, nature=nature, program_type=program_type)


def planned(gateway: RegulatorSimulator, application_id: str, province: str = "330000",
            document: dict[str, Any] | None = None) -> PlannedDecision:
    submission = gateway.submit_to_bureau(application_id, province, document or filing(province), NOW)
    assert submission.planned is not None
    return submission.planned


def named(name: str, province: str = "330000") -> dict[str, Any]:
    document = make_filing(province)
    document["program"]["name"] = name  # type: ignore[index]
    return document


def lookup(document: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(document, dict) or part not in document:
            return None
        document = document[part]
    return document


# ----- the port ------------------------------------------------------------------------------------


def test_both_gateways_say_what_they_are() -> None:
    gateways: list[RegulatorGateway] = [simulator(), ManualGateway()]
    assert [(g.name, g.is_simulator) for g in gateways] == [("simulator", True), ("manual", False)]


# ----- SMS -----------------------------------------------------------------------------------------


def test_the_same_seed_sends_the_same_codes() -> None:
    first = [m.code for i in IDS[:200] for m in simulator(3).send_sms(i, PHONES, 1, NOW)]
    again = [m.code for i in IDS[:200] for m in simulator(3).send_sms(i, PHONES, 1, NOW)]
    assert first == again


def test_the_codes_do_not_depend_on_the_random_module_state() -> None:
    random.seed(1)
    first = simulator().send_sms("app-1", PHONES, 1, NOW)
    random.seed(2)
    assert simulator().send_sms("app-1", PHONES, 1, NOW) == first


def test_the_code_is_the_documented_sha256_of_seed_application_attempt_and_phone() -> None:
    digest = hashlib.sha256(b"7:app-1:sms:1:13800000004").digest()
    expected = f"{int.from_bytes(digest, 'big') % 10**6:06d}"
    assert simulator(7).sms_code("app-1", "13800000004", 1) == expected


def test_different_seeds_send_different_codes() -> None:
    a = [simulator(1).sms_code(i, PHONES[0], 1) for i in IDS[:100]]
    b = [simulator(2).sms_code(i, PHONES[0], 1) for i in IDS[:100]]
    assert sum(x != y for x, y in zip(a, b, strict=True)) >= 95


def test_codes_are_six_digits_by_default() -> None:
    codes = [m.code for i in IDS[:300] for m in simulator().send_sms(i, PHONES, 1, NOW)]
    assert all(len(c) == 6 and c.isdigit() for c in codes)
    assert len(set(codes)) > 550  # spread over the range, not a handful of values


def test_the_code_length_is_configurable() -> None:
    assert all(len(m.code) == 8 for m in simulator(sms_code_length=8).send_sms("app-1", PHONES, 1, NOW))


def test_a_resend_gets_a_new_code_for_every_phone() -> None:
    gateway = simulator()
    for application_id in IDS[:500]:
        for phone in PHONES:
            codes = [gateway.sms_code(application_id, phone, attempt) for attempt in (0, 1, 2)]
            assert codes[0] != codes[1] and codes[1] != codes[2]


def test_each_phone_gets_one_message_with_its_own_code() -> None:
    messages = simulator().send_sms("app-1", [*PHONES, PHONES[0]], 1, NOW)
    assert [m.phone for m in messages] == PHONES
    assert messages[0].code != messages[1].code
    assert all(m.sent_at == NOW for m in messages)


def test_the_sms_text_is_labelled_as_simulated_and_reads_like_12381() -> None:
    message = simulator().send_sms("app-1", PHONES[:1], 1, NOW)[0]
    assert message.text.startswith("【模拟】【工信部ICP备案】验证码" + message.code)
    assert "24小时内有效" in message.text
    assert "app-1" in message.text


def test_no_phones_means_no_messages() -> None:
    assert simulator().send_sms("app-1", [], 1, NOW) == []


def test_a_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        simulator().send_sms("app-1", PHONES, 1, NOW.replace(tzinfo=None))
    with pytest.raises(ValueError, match="timezone-aware"):
        simulator().submit_to_bureau("app-1", "330000", filing(), NOW.replace(tzinfo=None))


# ----- bureau: determinism -------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_decisions_delays_and_references() -> None:
    def run(seed: int) -> list[BureauSubmission]:
        return [simulator(seed).submit_to_bureau(i, "330000", filing(), NOW) for i in IDS[:300]]

    assert run(11) == run(11)


def test_different_seeds_give_different_decisions_and_delays() -> None:
    a = [planned(simulator(1), i) for i in IDS[:300]]
    b = [planned(simulator(2), i) for i in IDS[:300]]
    assert [p.decision.approved for p in a] != [p.decision.approved for p in b]
    assert sum(x.due_at != y.due_at for x, y in zip(a, b, strict=True)) > 250


def test_a_retried_submission_gets_the_same_answer_and_reference() -> None:
    gateway = simulator()
    assert gateway.submit_to_bureau("app-1", "330000", filing(), NOW) == gateway.submit_to_bureau(
        "app-1", "330000", make_filing("330000"), NOW
    )


def test_an_edited_filing_gets_a_fresh_draw() -> None:
    edited = make_filing("330000")
    edited["program"]["remark"] += "用户可在小程序内查看打卡记录。"  # type: ignore[index]
    gateway = simulator()
    before = [planned(gateway, i).decision.approved for i in IDS[:300]]
    after = [planned(gateway, i, document=edited).decision.approved for i in IDS[:300]]
    assert before != after
    assert gateway.submit_to_bureau("app-1", "330000", edited, NOW).reference != gateway.submit_to_bureau(
        "app-1", "330000", filing(), NOW
    ).reference


def test_the_reference_is_labelled_as_simulated() -> None:
    assert simulator().submit_to_bureau("app-1", "440000", filing("440000"), NOW).reference.startswith("SIM-440000-")


# ----- bureau: the draw ----------------------------------------------------------------------------


@pytest.mark.parametrize("ratio", [0.8, 0.5, 0.95])
def test_the_approve_ratio_over_2000_applications_is_within_three_points_of_the_configured_one(ratio: float) -> None:
    gateway = simulator(approve_ratio=ratio)
    approved = sum(planned(gateway, i).decision.approved for i in IDS)
    assert abs(approved / len(IDS) - ratio) < 0.03


def test_a_ratio_of_one_approves_everything_and_zero_rejects_everything() -> None:
    assert all(planned(simulator(approve_ratio=1.0), i).decision.approved for i in IDS[:200])
    assert not any(planned(simulator(approve_ratio=0.0), i).decision.approved for i in IDS[:200])


def test_delays_stay_within_the_configured_range() -> None:
    low, high = dt.timedelta(hours=1), dt.timedelta(days=3)
    gateway = simulator(bureau_delay=(low, high))
    delays = [planned(gateway, i).due_at - NOW for i in IDS]
    assert all(low <= d <= high for d in delays)
    assert max(delays) - min(delays) > (high - low) * 0.9  # spread over the range


def test_a_fixed_delay_is_exactly_that_delay() -> None:
    gateway = simulator(bureau_delay=(dt.timedelta(minutes=5), dt.timedelta(minutes=5)))
    assert {planned(gateway, i).due_at for i in IDS[:50]} == {NOW + dt.timedelta(minutes=5)}


def test_an_approval_leaves_the_number_to_icpflow() -> None:
    decision = planned(simulator(approve_ratio=1.0), "app-1").decision
    assert decision.approved and decision.reasons == () and decision.number is None


# ----- bureau: rejection reasons -------------------------------------------------------------------


CASES = [
    ("330000", "enterprise", "mini_program"),
    ("440000", "individual", "mini_program"),
    ("610000", "enterprise", "mini_game"),
    ("120000", "individual_business", "mini_program"),
    ("110000", "individual", "mini_game"),
]


@pytest.mark.parametrize(("province", "nature", "program_type"), CASES)
def test_rejection_reasons_come_from_the_bureau_stage_and_point_at_fields_the_filing_has(
    province: str, nature: str, program_type: str
) -> None:
    document = filing(province, nature, program_type)
    gateway = simulator(approve_ratio=0.0)
    for application_id in IDS[:150]:
        reasons = planned(gateway, application_id, province, document).decision.reasons
        assert 1 <= len(reasons) <= 2
        assert len({r.code for r in reasons}) == len(reasons)
        for reason in reasons:
            cause = catalogue()[reason.code]
            assert reason == cause.reason
            assert cause.applies_to(ReviewStage.BUREAU, province, nature)
            assert reason.field == "" or lookup(document, reason.field) is not None


def test_a_rejection_prefers_the_rules_of_the_filings_own_province() -> None:
    gateway = simulator(approve_ratio=0.0)
    for application_id in IDS[:100]:
        first = planned(gateway, application_id, "440000").decision.reasons[0]
        provinces = catalogue()[first.code].provinces
        assert provinces is not None and "440000" in provinces


def test_a_mini_program_is_never_sent_to_the_publication_number_it_does_not_have() -> None:
    gateway = simulator(approve_ratio=0.0)
    codes = {r.code for i in IDS[:300] for r in planned(gateway, i, "340000").decision.reasons}
    assert "publication_authorization_level_not_accepted" not in codes
    game = filing("340000", program_type="mini_game")
    game_codes = {r.code for i in IDS[:300] for r in planned(gateway, i, "340000", game).decision.reasons}
    assert "publication_authorization_level_not_accepted" in game_codes


def test_both_one_and_two_reasons_occur() -> None:
    gateway = simulator(approve_ratio=0.0)
    assert {len(planned(gateway, i).decision.reasons) for i in IDS[:100]} == {1, 2}


def test_a_filing_with_no_fitting_reason_falls_back_on_the_whole_filing_reason() -> None:
    bare = {"kind": "new", "program": {"name": "鲜果日记"}}
    reasons = planned(simulator(approve_ratio=0.0), "app-1", "330000", bare).decision.reasons
    assert [r.code for r in reasons] == ["materials_inconsistent"]


def test_a_catalogue_without_a_whole_filing_bureau_reason_is_refused() -> None:
    only_fields = RejectionCatalogue([c for c in catalogue() if c.field])
    with pytest.raises(ValueError, match="whole filing"):
        RegulatorSimulator(only_fields, seed=1)


# ----- overrides ---------------------------------------------------------------------------------


def test_force_true_approves_and_force_false_rejects() -> None:
    gateway = simulator(approve_ratio=0.5, force={"app-yes": True, "app-no": False})
    yes = gateway.submit_to_bureau("app-yes", "330000", named(f"鲜果日记{REJECT_MARKER}"), NOW)
    no = gateway.submit_to_bureau("app-no", "330000", filing(), NOW)
    assert yes.planned is not None and yes.planned.decision.approved
    assert no.planned is not None and not no.planned.decision.approved and no.planned.decision.reasons
    assert yes.extra["decided_by"] == no.extra["decided_by"] == "force"


def test_a_program_name_containing_the_reject_marker_is_rejected() -> None:
    gateway = simulator(approve_ratio=1.0)
    for application_id in IDS[:50]:
        submission = gateway.submit_to_bureau(application_id, "330000", named("鲜果日记【驳回】"), NOW)
        assert submission.planned is not None and not submission.planned.decision.approved
        assert submission.extra["decided_by"] == "reject_marker"


def test_an_ordinary_name_is_decided_by_the_draw() -> None:
    submission = simulator(approve_ratio=1.0).submit_to_bureau("app-1", "330000", named("鲜果日记 驳回"), NOW)
    assert submission.planned is not None and submission.planned.decision.approved
    assert (submission.extra["simulated"], submission.extra["decided_by"]) == (True, "draw")


def test_the_operators_tuning_is_read_at_each_decision_over_the_deployment_ratio() -> None:
    tuning = [SimulatorTuning()]
    gateway = simulator(approve_ratio=1.0, tuning=lambda: tuning[0])
    assert planned(gateway, "app-1").decision.approved
    tuning[0] = SimulatorTuning(approve_ratio=0.0)
    assert not planned(gateway, "app-1").decision.approved  # the same submission, the operator's ratio now
    tuning[0] = SimulatorTuning(approve_ratio=0.0, forced={"app-1": True})
    submission = gateway.submit_to_bureau("app-1", "330000", named(f"鲜果日记{REJECT_MARKER}"), NOW)
    assert submission.planned is not None and submission.planned.decision.approved
    assert submission.extra["decided_by"] == "force"  # a forced decision wins over the reject marker
    assert gateway.approve_ratio == 1.0  # the deployment's value is left as it was


def test_a_decision_given_with_the_submission_wins_over_every_forced_one() -> None:
    gateway = simulator(force={"app-1": True}, tuning=lambda: SimulatorTuning(forced={"app-1": True}))
    submission = gateway.submit_to_bureau("app-1", "330000", filing(), NOW, forced=False)
    assert submission.planned is not None and not submission.planned.decision.approved
    assert submission.planned.decision.reasons and submission.extra["decided_by"] == "force"
    built = simulator(force={"app-2": False}, tuning=lambda: SimulatorTuning(forced={"app-2": True}))
    assert not planned(built, "app-2").decision.approved  # the simulator's own (tests, scripts) comes first


# ----- configuration -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        {"approve_ratio": 1.5},
        {"approve_ratio": -0.1},
        {"sms_code_length": 3},
        {"bureau_delay": (dt.timedelta(hours=2), dt.timedelta(hours=1))},
        {"bureau_delay": (dt.timedelta(hours=-1), dt.timedelta(hours=1))},
    ],
)
def test_impossible_settings_are_refused(options: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        simulator(**options)


def test_a_negative_attempt_is_refused() -> None:
    with pytest.raises(ValueError):
        simulator().send_sms("app-1", PHONES, -1, NOW)


# ----- manual mode ---------------------------------------------------------------------------------


def test_the_manual_gateway_sends_no_sms_because_miit_texts_the_principals() -> None:
    assert ManualGateway().send_sms("app-1", PHONES, 1, NOW) == []


def test_the_manual_gateway_plans_no_decision_and_returns_a_reference_for_the_operator() -> None:
    submission = ManualGateway().submit_to_bureau("app-1", "330000", filing(), NOW)
    assert submission.planned is None
    assert submission.reference == "MANUAL-330000-app-1-20261122103000"
