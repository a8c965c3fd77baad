"""The simulated SMS notifier (模拟短信) records what it would send, in memory and in a JSON-lines file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from icpflow.adapters.notify.sms import (
    SIMULATED_LABEL,
    SimulatedSms,
    SimulatedSmsNotifier,
    SmsMessage,
    SmsNotifier,
    read_simulated_sms,
)
from icpflow.domain.notifications import Channel, DeliveryFailed, Notification, Notifier
from icpflow.testing import FrozenClock

BODY = "【ICP备案】您的备案申请已通过平台初审，请在 24 小时内完成工信部短信核验。"


def _notification(key: str = "filing:42:reviewed:sms", mobile: str = "+86 138-0013-8000") -> Notification:
    return Notification(key, Channel.SMS, mobile, "备案初审通过", BODY, {"template": "review_passed"})


def _notifier(path: Path | None = None) -> SimulatedSmsNotifier:
    return SimulatedSmsNotifier(path, clock=FrozenClock("2024-06-03", hour=9))


def test_the_simulated_notifier_is_a_notifier_for_the_sms_channel() -> None:
    notifier: Notifier = _notifier()
    assert notifier.channel is Channel.SMS


def test_a_sent_message_is_recorded_in_the_outbox() -> None:
    notifier = _notifier()
    notifier.deliver(_notification())
    [record] = notifier.outbox
    assert (record.key, record.mobile) == ("filing:42:reviewed:sms", "138****8000")  # masked: personal


def test_the_recorded_text_is_labelled_as_simulated() -> None:
    notifier = _notifier()
    notifier.deliver(_notification())
    [record] = notifier.outbox
    assert record.text == SIMULATED_LABEL + BODY
    assert (record.simulated, record.label) == (True, "【模拟短信】")


def test_the_record_is_stamped_with_the_clocks_time() -> None:
    notifier = _notifier()
    notifier.deliver(_notification())
    assert notifier.outbox[0].sent_at == "2024-06-03T09:00:00+08:00"


def test_a_sent_message_is_appended_to_the_file_as_one_json_line(tmp_path: Path) -> None:
    path = tmp_path / "sms.jsonl"
    notifier = _notifier(path)
    notifier.deliver(_notification("k1"))
    notifier.deliver(_notification("k2"))
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["key"] for line in lines] == ["k1", "k2"]


def test_the_file_keeps_chinese_readable_and_the_simulated_label(tmp_path: Path) -> None:
    path = tmp_path / "sms.jsonl"
    _notifier(path).deliver(_notification())
    line = path.read_text(encoding="utf-8")
    assert "【模拟短信】【ICP备案】您的备案申请" in line
    assert json.loads(line)["simulated"] is True


def test_the_file_reads_back_as_the_records_that_were_sent(tmp_path: Path) -> None:
    path = tmp_path / "sms.jsonl"
    notifier = _notifier(path)
    notifier.deliver(_notification())
    assert read_simulated_sms(path) == notifier.outbox


def test_a_missing_file_reads_as_no_messages(tmp_path: Path) -> None:
    assert read_simulated_sms(tmp_path / "none.jsonl") == []


def test_a_line_cut_short_is_skipped_when_reading(tmp_path: Path) -> None:
    path = tmp_path / "sms.jsonl"
    _notifier(path).deliver(_notification())
    with path.open("a", encoding="utf-8") as file:
        file.write('{"key": "half')
    assert [record.key for record in read_simulated_sms(path)] == ["filing:42:reviewed:sms"]


def test_a_text_with_a_unicode_line_separator_reads_back_whole(tmp_path: Path) -> None:
    path = tmp_path / "sms.jsonl"
    notifier = _notifier(path)
    notifier.deliver(Notification("k", Channel.SMS, "13800138000", "s", "第一行\u2028第二行"))
    assert read_simulated_sms(path) == notifier.outbox


def test_a_retry_with_the_same_key_is_recorded_once() -> None:
    notifier = _notifier()
    notifier.deliver(_notification())
    notifier.deliver(_notification())
    assert len(notifier.outbox) == 1


def test_a_key_already_in_the_file_is_not_sent_again_after_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "sms.jsonl"
    _notifier(path).deliver(_notification())
    _notifier(path).deliver(_notification())
    assert len(read_simulated_sms(path)) == 1


def test_the_file_is_optional() -> None:
    notifier = _notifier()
    notifier.deliver(_notification())
    assert notifier.path is None and len(notifier.outbox) == 1


def test_a_landline_number_is_a_permanent_failure_and_records_nothing() -> None:
    notifier = _notifier()
    with pytest.raises(DeliveryFailed) as info:
        notifier.deliver(_notification(mobile="010-8888 9999"))
    assert info.value.permanent and notifier.outbox == []


def test_a_file_that_cannot_be_written_is_a_retryable_failure(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(DeliveryFailed) as info:
        _notifier(blocker / "sms.jsonl").deliver(_notification())
    assert not info.value.permanent


class _RecordingProvider:
    def __init__(self) -> None:
        self.sent: list[SmsMessage] = []

    def send(self, message: SmsMessage) -> None:
        self.sent.append(message)


def test_another_provider_receives_the_normalised_number_text_and_payload() -> None:
    provider = _RecordingProvider()
    SmsNotifier(provider).deliver(_notification())
    assert provider.sent == [
        SmsMessage("filing:42:reviewed:sms", "13800138000", BODY, {"template": "review_passed"}),
    ]


def test_a_record_survives_a_round_trip_through_json() -> None:
    record = SimulatedSms("k", "13800138000", SIMULATED_LABEL + "你好", "2024-06-03T09:00:00+08:00")
    assert SimulatedSms.from_json(json.loads(json.dumps(record.to_json()))) == record
