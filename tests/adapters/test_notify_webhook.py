"""The webhook notifier against a real HTTP server on loopback (http.server in a thread)."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from icpflow.adapters.notify.webhook import DELIVERY_HEADER, SIGNATURE_HEADER, WebhookNotifier, sign, verify_signature
from icpflow.domain.notifications import Channel, DeliveryFailed, Notification

SECRET = b"whsec_test_0123456789"
PAYLOAD = {"event": "filing.submitted", "filing_id": 42, "program": "示例小程序", "状态": "平台初审中"}


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """A service provider's endpoint: answers each path with a fixed status and records every request."""

    base: str
    requests: list[Recorded] = field(default_factory=list)

    def url(self, status: int) -> str:
        return f"{self.base}/hook/{status}"


def _handler_for(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            receiver.requests.append(Recorded(self.path, dict(self.headers.items()), body))
            status = int(self.path.rsplit("/", 1)[1])
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("Location", receiver.url(200))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:  # keep the test output quiet
            pass

    return Handler


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    recorder = Receiver(base="")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(recorder))
    recorder.base = f"http://127.0.0.1:{server.server_address[1]}"
    # A short poll interval: shutdown() waits for the next poll, 0.5 s by default, in every teardown.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, name="webhook-receiver")
    thread.start()
    try:
        yield recorder
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def refused_url() -> Iterator[str]:
    """A port bound but not listening, held for the test: connecting to it is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/hook"


def _notification(url: str) -> Notification:
    return Notification(
        key="filing:42:submitted:webhook",
        channel=Channel.WEBHOOK,
        recipient=url,
        subject="备案申请已提交",
        body="备案申请已提交",
        payload=PAYLOAD,
    )


def _delivered(receiver: Receiver) -> Recorded:
    WebhookNotifier(SECRET).deliver(_notification(receiver.url(200)))
    [request] = receiver.requests
    return request


def _failure(url: str) -> DeliveryFailed:
    with pytest.raises(DeliveryFailed) as info:
        WebhookNotifier(SECRET).deliver(_notification(url))
    return info.value


# ----- what is sent ---------------------------------------------------------------------------------


def test_the_body_is_the_payload_as_utf8_json(receiver: Receiver) -> None:
    request = _delivered(receiver)
    assert json.loads(request.body.decode("utf-8")) == PAYLOAD


def test_chinese_in_the_payload_is_sent_as_utf8_not_escaped(receiver: Receiver) -> None:
    assert "示例小程序".encode() in _delivered(receiver).body


def test_the_content_type_is_json_in_utf8(receiver: Receiver) -> None:
    assert _delivered(receiver).headers["Content-Type"] == "application/json; charset=utf-8"


def test_the_delivery_header_is_the_notification_key(receiver: Receiver) -> None:
    assert _delivered(receiver).headers[DELIVERY_HEADER] == "filing:42:submitted:webhook"


def test_the_signature_verifies_with_the_shared_secret(receiver: Receiver) -> None:
    request = _delivered(receiver)
    assert verify_signature(SECRET, request.headers[SIGNATURE_HEADER], request.body, now=time.time())


def test_a_shared_client_is_used_and_still_signs(receiver: Receiver) -> None:
    with httpx.Client() as client:
        WebhookNotifier(SECRET, client=client).deliver(_notification(receiver.url(200)))
    [request] = receiver.requests
    assert verify_signature(SECRET, request.headers[SIGNATURE_HEADER], request.body, now=time.time())


# ----- verifying a signature --------------------------------------------------------------------------


def test_a_tampered_body_fails_verification(receiver: Receiver) -> None:
    request = _delivered(receiver)
    tampered = request.body.replace(b"42", b"43")
    assert not verify_signature(SECRET, request.headers[SIGNATURE_HEADER], tampered, now=time.time())


def test_a_signature_older_than_the_tolerance_fails_verification(receiver: Receiver) -> None:
    request = _delivered(receiver)
    assert not verify_signature(SECRET, request.headers[SIGNATURE_HEADER], request.body, now=time.time() + 301)


def test_a_signature_within_the_tolerance_verifies() -> None:
    header = sign(SECRET, b"{}", 1_700_000_000)
    assert verify_signature(SECRET, header, b"{}", now=1_700_000_000 + 299)


def test_another_secret_fails_verification() -> None:
    header = sign(SECRET, b"{}", 1_700_000_000)
    assert not verify_signature(b"another secret", header, b"{}", now=1_700_000_000)


def test_any_of_several_v1_signatures_may_match_during_a_secret_rotation() -> None:
    header = sign(SECRET, b"{}", 1_700_000_000) + ",v1=" + "0" * 64
    rotated = "t=1700000000,v1=" + "0" * 64 + "," + header.split(",", 1)[1]
    assert verify_signature(SECRET, header, b"{}", now=1_700_000_000)
    assert verify_signature(SECRET, rotated, b"{}", now=1_700_000_000)


@pytest.mark.parametrize("header", ["", "garbage", "t=abc,v1=00", "v1=00", "t=1700000000", "t=١٧,v1=00"])
def test_a_malformed_header_fails_verification_without_raising(header: str) -> None:
    assert not verify_signature(SECRET, header, b"{}", now=1_700_000_000)


# ----- how failures are classified ---------------------------------------------------------------------


def test_a_500_answer_is_a_retryable_failure(receiver: Receiver) -> None:
    assert not _failure(receiver.url(500)).permanent


@pytest.mark.parametrize("status", [408, 429, 503])
def test_timeouts_rate_limits_and_unavailability_are_retryable(receiver: Receiver, status: int) -> None:
    assert not _failure(receiver.url(status)).permanent


def test_a_410_answer_is_a_permanent_failure(receiver: Receiver) -> None:
    assert _failure(receiver.url(410)).permanent


def test_a_302_answer_is_a_failure_and_the_redirect_is_not_followed(receiver: Receiver) -> None:
    failure = _failure(receiver.url(302))
    assert "302" in failure.reason
    assert [request.path for request in receiver.requests] == ["/hook/302"]


def test_a_302_is_not_followed_even_by_a_client_that_follows_redirects(receiver: Receiver) -> None:
    with httpx.Client(follow_redirects=True) as client, pytest.raises(DeliveryFailed):
        WebhookNotifier(SECRET, client=client).deliver(_notification(receiver.url(302)))
    assert [request.path for request in receiver.requests] == ["/hook/302"]


def test_a_refused_connection_is_a_retryable_failure(refused_url: str) -> None:
    assert not _failure(refused_url).permanent


def test_a_url_without_http_is_a_permanent_failure() -> None:
    assert _failure("ftp://example.cn/hook").permanent


def test_a_payload_json_cannot_carry_is_a_permanent_failure() -> None:
    notification = Notification("k", Channel.WEBHOOK, "http://127.0.0.1:9/hook", "s", "b", {"at": object()})
    with pytest.raises(DeliveryFailed) as info:
        WebhookNotifier(SECRET).deliver(notification)
    assert info.value.permanent
