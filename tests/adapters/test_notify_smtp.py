"""The e-mail notifier against a real SMTP server on loopback (aiosmtpd in a thread)."""

from __future__ import annotations

import asyncio
import email
import socket
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from icpflow.adapters.notify.smtp import KEY_HEADER, SmtpNotifier, message_id_for
from icpflow.domain.notifications import Channel, DeliveryFailed, Notification

SENDER = "ICP备案服务 <noreply@icp.example.cn>"
UNKNOWN = "nobody@example.cn"  # the server refuses this recipient for good (550)
BUSY = "busy@example.cn"  # the server asks to try this recipient later (451)


class RecordingHandler:
    """Keeps every message the server accepts; refuses UNKNOWN with 550 and BUSY with 451."""

    def __init__(self) -> None:
        self.received: list[tuple[Envelope, EmailMessage]] = []

    async def handle_RCPT(  # aiosmtpd's hook names
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if address == UNKNOWN:
            return "550 5.1.1 Mailbox unavailable"
        if address == BUSY:
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        assert isinstance(envelope.content, bytes)
        message = email.message_from_bytes(envelope.content, _class=EmailMessage, policy=policy.default)
        self.received.append((envelope, message))
        return "250 Message accepted"


class LoopbackController(Controller):
    """aiosmtpd's Controller on a port the OS picks (port 0): learns the port before its readiness probe."""

    def _trigger_server(self) -> None:
        assert isinstance(self.server, asyncio.Server)
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()  # type: ignore[no-untyped-call]  # aiosmtpd leaves it unannotated


@pytest.fixture
def handler() -> RecordingHandler:
    return RecordingHandler()


@pytest.fixture
def smtp_port(handler: RecordingHandler) -> Iterator[int]:
    controller = LoopbackController(handler, hostname="127.0.0.1", port=0, server_hostname="mail.test")
    controller.start()
    try:
        yield controller.port
    finally:
        controller.stop()


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A port bound but not listening, held for the test: connecting to it is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


def _notification(recipient: str = "filer@example.cn", **overrides: Any) -> Notification:
    fields: dict[str, Any] = {
        "key": "filing:42:submitted:email",
        "channel": Channel.EMAIL,
        "recipient": recipient,
        "subject": "备案申请已提交：示例小程序",
        "body": "您好，您的 ICP 备案申请（示例小程序）已提交平台初审，请留意短信核验通知。\n—— ICP备案服务",
    }
    fields.update(overrides)
    return Notification(**fields)


def _failure(port: int, notification: Notification) -> DeliveryFailed:
    with pytest.raises(DeliveryFailed) as info:
        SmtpNotifier("127.0.0.1", port, SENDER).deliver(notification)
    return info.value


def test_the_message_arrives_with_the_chinese_subject_intact(smtp_port: int, handler: RecordingHandler) -> None:
    SmtpNotifier("127.0.0.1", smtp_port, SENDER).deliver(_notification())
    [(_, message)] = handler.received
    assert message["Subject"] == "备案申请已提交：示例小程序"


def test_the_message_arrives_with_the_chinese_body_intact(smtp_port: int, handler: RecordingHandler) -> None:
    SmtpNotifier("127.0.0.1", smtp_port, SENDER).deliver(_notification())
    [(_, message)] = handler.received
    assert message.get_content().rstrip("\n") == _notification().body


def test_the_message_goes_to_the_recipient_from_the_senders_address(smtp_port: int, handler: RecordingHandler) -> None:
    SmtpNotifier("127.0.0.1", smtp_port, SENDER).deliver(_notification())
    [(envelope, message)] = handler.received
    assert (envelope.mail_from, envelope.rcpt_tos) == ("noreply@icp.example.cn", ["filer@example.cn"])
    assert (message["From"].addresses[0].display_name, message["To"]) == ("ICP备案服务", "filer@example.cn")


def test_the_message_id_is_derived_from_the_notification_key(smtp_port: int, handler: RecordingHandler) -> None:
    SmtpNotifier("127.0.0.1", smtp_port, SENDER).deliver(_notification())
    [(_, message)] = handler.received
    assert message["Message-ID"] == message_id_for("filing:42:submitted:email", "icp.example.cn")


def test_the_message_carries_the_notification_key_header(smtp_port: int, handler: RecordingHandler) -> None:
    SmtpNotifier("127.0.0.1", smtp_port, SENDER).deliver(_notification())
    [(_, message)] = handler.received
    assert message[KEY_HEADER] == "filing:42:submitted:email"


def test_a_retried_send_carries_the_same_message_id(smtp_port: int, handler: RecordingHandler) -> None:
    notifier = SmtpNotifier("127.0.0.1", smtp_port, SENDER)
    notifier.deliver(_notification())
    notifier.deliver(_notification())
    first, second = (message["Message-ID"] for _, message in handler.received)
    assert first == second


def test_different_keys_give_different_message_ids() -> None:
    assert message_id_for("filing:42:submitted:email", "x.cn") != message_id_for("filing:42:approved:email", "x.cn")


def test_a_recipient_refused_with_550_is_a_permanent_failure(smtp_port: int) -> None:
    failure = _failure(smtp_port, _notification(UNKNOWN))
    assert failure.permanent
    assert "550" in failure.reason


def test_a_recipient_deferred_with_451_is_a_retryable_failure(smtp_port: int) -> None:
    failure = _failure(smtp_port, _notification(BUSY))
    assert not failure.permanent
    assert "451" in failure.reason


def test_a_closed_port_is_a_retryable_failure(closed_port: int) -> None:
    assert not _failure(closed_port, _notification()).permanent


def test_an_address_that_cannot_be_an_email_header_is_a_permanent_failure_before_connecting(
    closed_port: int,
) -> None:
    assert _failure(closed_port, _notification("filer@example.cn\r\nBcc: all@example.cn")).permanent


def test_a_server_without_starttls_is_a_retryable_failure_when_starttls_is_required(
    smtp_port: int, handler: RecordingHandler
) -> None:
    with pytest.raises(DeliveryFailed) as info:
        SmtpNotifier("127.0.0.1", smtp_port, SENDER, starttls=True).deliver(_notification())
    assert not info.value.permanent and handler.received == []
