"""Every path of the workflow diagram (PRODUCT.md), on SQLite and on PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from icpflow.domain.errors import ConcurrentUpdate, InvalidRequest, NotOwner, SubmissionBlocked, WrongSmsCode
from icpflow.domain.regulator import BureauDecision, RejectionReason
from icpflow.domain.workflow import IllegalTransition, State
from icpflow.services import filings, records

from .conftest import FILER, REVIEWER, Desk, filing

REASON = RejectionReason("photo_unclear", "证件照片不清晰，请重新拍摄上传", "attachments", "seed 004 §1.2 主办信息 5")


def _publish(desk: Desk, appid: str) -> records.PublishVerdict:
    with desk.wf.uow() as store:
        return records.may_publish(store, appid)


def test_an_approved_filing_gets_its_number_and_may_be_published(desk: Desk) -> None:
    app = desk.new()
    assert not _publish(desk, app.document["program"]["appid"]).allowed
    app = desk.to_bureau(app)
    assert app.state is State.BUREAU_REVIEW and app.gateway_reference.startswith("SIM-")
    app = desk.let_bureau_decide(app)
    assert app.state is State.FILED
    assert app.issued_number.startswith("浙ICP备2026") and app.issued_number.endswith("号-1X")
    verdict = _publish(desk, app.document["program"]["appid"])
    assert verdict.allowed and verdict.number == app.issued_number


def test_the_history_records_every_step_in_order(desk: Desk) -> None:
    app = desk.let_bureau_decide(desk.to_bureau(desk.new()))
    events = [e.event for e in filings.history(desk.wf, app.id, actor=FILER)]
    assert events == ["create", "submit", "platform_approve", "sms_verified", "bureau_approve"]


def test_a_platform_rejection_is_fixed_and_resubmitted(desk: Desk) -> None:
    app = desk.new()
    app = filings.submit(desk.wf, app.id, actor=FILER, expected_version=app.version)
    app = filings.platform_reject(desk.wf, app.id, [REASON], reviewer=REVIEWER, expected_version=app.version)
    assert app.state is State.PLATFORM_REJECTED and app.reasons[0].code == "photo_unclear"
    app = filings.edit(desk.wf, app.id, actor=FILER, expected_version=app.version)
    assert app.state is State.DRAFT
    app = desk.let_bureau_decide(desk.to_bureau(app))
    assert app.state is State.FILED


def test_a_rejection_needs_a_reason(desk: Desk) -> None:
    app = desk.new()
    app = filings.submit(desk.wf, app.id, actor=FILER, expected_version=app.version)
    with pytest.raises(InvalidRequest):
        filings.platform_reject(desk.wf, app.id, [], reviewer=REVIEWER, expected_version=app.version)


def test_a_blocked_precheck_refuses_submission(desk: Desk) -> None:
    doc = filing()
    doc["subject"]["principal"]["emergency_phone"] = doc["subject"]["principal"]["mobile"]
    app = desk.new(doc)
    with pytest.raises(SubmissionBlocked) as info:
        filings.submit(desk.wf, app.id, actor=FILER, expected_version=app.version)
    assert any(f["rule"] == "nationwide.emergency_phone_differs" for f in info.value.data["report"]["findings"])
    assert desk.get(app).state is State.DRAFT


def test_an_expired_sms_returns_the_filing_and_a_resend_starts_a_new_attempt(desk: Desk) -> None:
    app = desk.to_sms(desk.new())
    first_code = desk.sms_code(app)
    desk.clock.advance(hours=24, seconds=1)
    desk.sweep()
    app = desk.get(app)
    assert app.state is State.SMS_EXPIRED
    app = filings.resend_sms(desk.wf, app.id, actor=FILER, expected_version=app.version)
    desk.sweep()
    assert app.state is State.SMS_VERIFICATION and app.sms_attempt == 2
    with pytest.raises(WrongSmsCode):
        filings.verify_sms(desk.wf, app.id, first_code, actor=FILER, expected_version=app.version)
    app = filings.verify_sms(desk.wf, app.id, desk.sms_code(app), actor=FILER, expected_version=app.version)
    assert app.state is State.BUREAU_REVIEW


def test_a_code_verified_within_the_window_beats_the_expiry_timer(desk: Desk) -> None:
    app = desk.to_sms(desk.new())
    desk.clock.advance(hours=23)
    app = filings.verify_sms(desk.wf, app.id, desk.sms_code(app), actor=FILER, expected_version=app.version)
    desk.clock.advance(hours=2)
    desk.sweep()
    assert desk.get(app).state is State.BUREAU_REVIEW


def test_the_sms_may_be_resent_once_within_the_window(desk: Desk) -> None:
    app = desk.to_sms(desk.new())
    app = filings.resend_sms(desk.wf, app.id, actor=FILER, expected_version=app.version)
    with pytest.raises(IllegalTransition) as info:
        filings.resend_sms(desk.wf, app.id, actor=FILER, expected_version=app.version)
    assert "一次" in info.value.reason


def test_a_contact_only_change_after_expiry_skips_the_platform_review(desk: Desk) -> None:
    app = desk.to_sms(desk.new())
    desk.clock.advance(hours=25)
    desk.sweep()
    app = desk.get(app)
    doc = dict(app.document)
    doc["subject"] = {**doc["subject"], "principal": {**doc["subject"]["principal"], "mobile": "13700000001"}}
    app = filings.change_contacts(desk.wf, app.id, doc, actor=FILER, expected_version=app.version)
    desk.sweep()
    assert app.state is State.SMS_VERIFICATION
    with desk.wf.uow() as store:
        phones = {e.phone for e in store.sms_of(app.id) if e.attempt == 2}
    assert phones == {"13700000001"}


def test_a_contact_only_change_refuses_other_changes(desk: Desk) -> None:
    app = desk.to_sms(desk.new())
    desk.clock.advance(hours=25)
    desk.sweep()
    app = desk.get(app)
    doc = {**app.document, "subject": {**app.document["subject"], "name": "另一个名字有限公司"}}
    with pytest.raises(InvalidRequest) as info:
        filings.change_contacts(desk.wf, app.id, doc, actor=FILER, expected_version=app.version)
    assert "subject" in info.value.data["changed"]


def test_a_bureau_rejection_is_fixed_and_resubmitted_through_every_stage_again(desk: Desk) -> None:
    app = desk.new()
    desk.gateway.force[app.id] = False
    app = desk.let_bureau_decide(desk.to_bureau(app))
    assert app.state is State.BUREAU_REJECTED and app.reasons
    app = filings.edit(desk.wf, app.id, actor=FILER, expected_version=app.version)
    desk.gateway.force[app.id] = True
    app = desk.let_bureau_decide(desk.to_bureau(app))
    assert app.state is State.FILED


@pytest.mark.parametrize("allowed", [True, False])
def test_withdrawal_follows_platform_policy(desk: Desk, allowed: bool) -> None:
    desk.wf = dataclasses.replace(desk.wf, policy=filings.PlatformPolicy(withdraw_allowed=allowed,
                                                                                  face_task_required=False))
    app = desk.new()
    app = filings.submit(desk.wf, app.id, actor=FILER, expected_version=app.version)
    if allowed:
        app = filings.withdraw(desk.wf, app.id, actor=FILER, expected_version=app.version)
        assert app.state is State.WITHDRAWN
        assert filings.edit(desk.wf, app.id, actor=FILER, expected_version=app.version).state is State.DRAFT
    else:
        with pytest.raises(IllegalTransition) as info:
            filings.withdraw(desk.wf, app.id, actor=FILER, expected_version=app.version)
        assert "不可撤回" in info.value.reason


def test_withdrawal_is_impossible_once_the_platform_review_has_ended(desk: Desk) -> None:
    app = desk.to_sms(desk.new())
    with pytest.raises(IllegalTransition):
        filings.withdraw(desk.wf, app.id, actor=FILER, expected_version=app.version)


def test_two_reviewers_acting_at_once_one_wins_and_the_other_gets_a_conflict(desk: Desk) -> None:
    app = desk.new()
    app = filings.submit(desk.wf, app.id, actor=FILER, expected_version=app.version)
    version = app.version
    filings.platform_approve(desk.wf, app.id, reviewer="reviewer-a", expected_version=version)
    with pytest.raises(ConcurrentUpdate):
        filings.platform_reject(desk.wf, app.id, [REASON], reviewer="reviewer-b", expected_version=version)
    assert desk.get(app).state is State.SMS_VERIFICATION


def _filed(desk: Desk, seq: int = 1, province: str = "330000") -> filings.Application:
    return desk.let_bureau_decide(desk.to_bureau(desk.new(filing(province, seq=seq))))


def test_a_change_filing_keeps_the_record_valid_until_it_is_filed(desk: Desk) -> None:
    first = _filed(desk)
    appid = first.document["program"]["appid"]
    doc = filing()
    doc.update(kind="change", record_number=first.issued_number)
    doc["program"]["description"] = "记录每日饮食、提供健康饮食小知识并支持家庭成员共享记录的工具。"
    change = desk.to_bureau(desk.new(doc))
    assert _publish(desk, appid).allowed  # the old record stays valid meanwhile
    change = desk.let_bureau_decide(change)
    assert change.state is State.FILED and change.issued_number == first.issued_number
    assert _publish(desk, appid).number == first.issued_number


def test_a_new_filing_for_an_already_filed_mini_program_is_refused(desk: Desk) -> None:
    _filed(desk)
    with pytest.raises(InvalidRequest):
        desk.new(filing())


def test_two_mini_programs_of_one_subject_share_the_serial_with_consecutive_numbers(desk: Desk) -> None:
    first = _filed(desk)
    doc = filing()
    doc["program"]["appid"] = "wx00000000000000ff"
    doc["program"]["name"] = "读书打卡"
    second = desk.let_bureau_decide(desk.to_bureau(desk.new(doc)))
    serial = first.issued_number.removesuffix("号-1X")
    assert second.issued_number == f"{serial}号-2X"


def test_different_subjects_get_different_serials(desk: Desk) -> None:
    a = _filed(desk, seq=1)
    b = _filed(desk, seq=2)
    assert a.issued_number.split("号")[0] != b.issued_number.split("号")[0]


def _cancel(desk: Desk, kind: str, number: str) -> filings.Application:
    doc = filing()
    subject = doc["subject"]
    body: dict[str, object] = {
        "schema_version": 1, "kind": kind,
        "subject": {"nature": subject["nature"], "name": subject["name"], "certificate": subject["certificate"],
                    "principal": subject["principal"]},
    }
    if kind == "cancel_subject":
        body["record_number"] = number
    else:
        body["program"] = {"type": "mini_program", "appid": doc["program"]["appid"], "name": doc["program"]["name"],
                           "record_number": number}
    return desk.let_bureau_decide(desk.to_bureau(desk.new(body)))


@pytest.mark.parametrize("kind", ["cancel_program", "cancel_access"])
def test_cancelling_the_mini_program_cancels_its_record(desk: Desk, kind: str) -> None:
    first = _filed(desk)
    done = _cancel(desk, kind, first.issued_number)
    assert done.state is State.CANCELLED
    assert not _publish(desk, first.document["program"]["appid"]).allowed


def test_cancelling_the_subject_cancels_every_record_it_has(desk: Desk) -> None:
    first = _filed(desk)
    doc = filing()
    doc["program"]["appid"] = "wx00000000000000ee"
    second = desk.let_bureau_decide(desk.to_bureau(desk.new(doc)))
    subject_number = first.issued_number.split("-")[0]
    done = _cancel(desk, "cancel_subject", subject_number)
    assert done.state is State.CANCELLED
    with desk.wf.uow() as store:
        assert store.active_records(subject_id=first.subject_id) == []
    assert not _publish(desk, second.document["program"]["appid"]).allowed


def test_a_cancellation_names_the_principal_who_receives_the_sms(desk: Desk) -> None:
    first = _filed(desk)
    doc = filing()
    body = {"schema_version": 1, "kind": "cancel_program",
            "subject": {k: doc["subject"][k] for k in ("nature", "name", "certificate")},
            "program": {"appid": doc["program"]["appid"], "name": doc["program"]["name"],
                        "record_number": first.issued_number}}
    with pytest.raises(InvalidRequest) as info:
        desk.new(body)
    assert "subject.principal" in info.value.message


def test_a_cancellation_must_name_an_active_record(desk: Desk) -> None:
    _filed(desk)
    with pytest.raises(InvalidRequest):
        _cancel(desk, "cancel_program", "浙ICP备2026999999号-9X")


def test_manual_mode_records_the_bureau_decision_and_the_typed_number(desk: Desk) -> None:
    app = desk.to_bureau(desk.new())
    app = filings.apply_bureau_decision(desk.wf, app.id, BureauDecision(True, number="浙ICP备2025012345号-3X"),
                                        actor="operator-1", expected_version=app.version)
    assert app.state is State.FILED and app.issued_number == "浙ICP备2025012345号-3X"


def test_a_filer_never_reads_another_filers_application(desk: Desk) -> None:
    app = desk.new()
    with pytest.raises(NotOwner):
        filings.get_application(desk.wf, app.id, actor="someone-else")


def test_overdue_platform_reviews_alert_the_operators(desk: Desk) -> None:
    app = desk.new()
    app = filings.submit(desk.wf, app.id, actor=FILER, expected_version=app.version)
    desk.clock.set(app.due_at + dt.timedelta(minutes=1))  # type: ignore[operator]
    desk.sweep()
    desk.sweep()
    with desk.wf.uow() as store:
        alerts = store.inbox_of("operators")
    assert [a.subject for a in alerts] == ["超时提醒：平台初审已超过期限"]
