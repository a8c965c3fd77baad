"""Every state change reaches the filer: a real SMTP server and a real webhook receiver on loopback."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest

from icpflow.adapters.notify.smtp import KEY_HEADER, SmtpNotifier
from icpflow.adapters.notify.webhook import SIGNATURE_HEADER, WebhookNotifier, verify_signature
from icpflow.domain.notifications import Channel
from icpflow.services import filings
from tests.adapters.test_notify_smtp import LoopbackController, RecordingHandler

from .conftest import FILER, Desk

SECRET = b"test-webhook-secret"


class _Receiver(http.server.BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[dict[str, str], bytes]]] = []

    def do_POST(self) -> None:  # the standard library's hook name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((dict(self.headers.items()), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        return None


@pytest.fixture
def smtp() -> Iterator[tuple[RecordingHandler, int]]:
    handler = RecordingHandler()
    controller = LoopbackController(handler, hostname="127.0.0.1", port=0, server_hostname="mail.test")
    controller.start()
    try:
        yield handler, controller.port
    finally:
        controller.stop()


@pytest.fixture
def receiver() -> Iterator[tuple[type[_Receiver], str]]:
    _Receiver.received = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield _Receiver, f"http://127.0.0.1:{server.server_address[1]}/icp-events"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_the_filer_gets_an_email_and_the_service_provider_a_signed_webhook_for_every_change(
    desk: Desk, smtp: tuple[RecordingHandler, int], receiver: tuple[type[_Receiver], str]
) -> None:
    handler, port = smtp
    server, url = receiver
    desk.notifiers[Channel.EMAIL] = SmtpNotifier("127.0.0.1", port, "ICP备案 <noreply@icp.example.cn>")
    desk.notifiers[Channel.WEBHOOK] = WebhookNotifier(SECRET)
    assert filings.subscribe_webhook(desk.wf, owner=FILER, url=url)
    app = desk.let_bureau_decide(desk.to_bureau(desk.new()))
    desk.sweep()

    subjects = [message["Subject"] for _, message in handler.received]
    assert subjects == ["备案状态更新：平台初审中", "备案状态更新：待工信部短信核验", "备案状态更新：管局审核中",
                        "备案状态更新：已备案"]
    last = handler.received[-1][1]
    assert app.issued_number in last.get_content()
    assert last[KEY_HEADER].endswith(":email")

    events = []
    for headers, body in server.received:
        assert verify_signature(SECRET, headers[SIGNATURE_HEADER], body, now=desk.clock.now(), tolerance=10**9)
        events.append(json.loads(body))
    assert [e["state"] for e in events] == ["platform_review", "sms_verification", "bureau_review", "filed"]
    assert events[-1]["number"] == app.issued_number

    desk.sweep()  # nothing is delivered twice
    assert len(handler.received) == 4 and len(server.received) == 4
