"""Signed webhooks (回调通知) for service providers: the notification's payload, POSTed as JSON.

Signature scheme (the same shape as Stripe's, so a provider's existing verifier needs little change)
----------------------------------------------------------------------------------------------------
Every request carries::

    X-Icpflow-Signature: t=1718000000,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd
    X-Icpflow-Delivery: <the notification key>
    Content-Type: application/json; charset=utf-8

* ``t`` is the Unix time (seconds) at which this attempt was signed; every retry is signed afresh.
* ``v1`` is the lower-case hex HMAC-SHA256, keyed with the provider's shared secret, of the *signed
  payload*: the ASCII digits of ``t``, a full stop, then the raw request body bytes exactly as received
  (``f"{t}.".encode() + body``). Verify before parsing the JSON; never re-serialise it first.
* The header may carry several ``v1`` entries (for example while a secret is being rotated); a request is
  authentic when any of them matches. Unknown schemes (``v0=``, ``v2=``) are ignored.
* Reject a request whose ``t`` is more than five minutes from your clock, so a captured request cannot be
  replayed later; compare signatures in constant time. `verify_signature` below does all of this.
* ``X-Icpflow-Delivery`` is the idempotency key: the same notification retried keeps the same value, so
  a receiver that has already processed it should answer 2xx and do nothing.

Receivers answer 2xx when they have the event. 408, 429, 5xx, a redirect, a time-out or a refused
connection are retried with backoff; any other 4xx means "never send this again" (permanent).
Redirects are never followed: the signed request goes to the registered URL or nowhere.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import time

import httpx

from icpflow.domain.notifications import Channel, DeliveryFailed, Notification

__all__ = [
    "DELIVERY_HEADER",
    "SIGNATURE_HEADER",
    "WebhookNotifier",
    "sign",
    "verify_signature",
]

SIGNATURE_HEADER = "X-Icpflow-Signature"
DELIVERY_HEADER = "X-Icpflow-Delivery"
DEFAULT_TOLERANCE = 300  # seconds, as Stripe's default
_USER_AGENT = "icpflow-webhook/1"


def _digest(secret: bytes, timestamp: int, body: bytes) -> str:
    return hmac.new(secret, f"{timestamp}.".encode("ascii") + body, hashlib.sha256).hexdigest()


def sign(secret: bytes, body: bytes, timestamp: int) -> str:
    """The `X-Icpflow-Signature` header value for `body` signed at `timestamp` (Unix seconds)."""
    return f"t={timestamp},v1={_digest(secret, timestamp, body)}"


def verify_signature(
    secret: bytes,
    header: str,
    body: bytes,
    now: float | dt.datetime,
    tolerance: float = DEFAULT_TOLERANCE,
) -> bool:
    """True when `header` (an `X-Icpflow-Signature` value) signs `body` (the raw request bytes) with
    `secret`, and its timestamp is within `tolerance` seconds of `now` (Unix seconds or an aware datetime).

    Never raises on a malformed header: it is simply not a valid signature.
    """
    timestamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        name, sep, value = part.strip().partition("=")
        if not sep:
            continue
        if name == "t":
            if not value.isascii() or not value.isdigit():
                return False
            timestamp = int(value)
        elif name == "v1":
            candidates.append(value)
    if timestamp is None or not candidates:
        return False
    now_seconds = now.timestamp() if isinstance(now, dt.datetime) else float(now)
    if abs(now_seconds - timestamp) > tolerance:
        return False
    expected = _digest(secret, timestamp, body)
    # Check every candidate (no early exit) so timing does not tell which one matched.
    matched = False
    for candidate in candidates:
        matched |= hmac.compare_digest(expected.encode("ascii"), candidate.encode("utf-8"))
    return matched


class WebhookNotifier:
    """Delivers `Channel.WEBHOOK` notifications: POSTs `notification.payload` to `notification.recipient`.

    `client` lets the caller share a connection pool (and its TLS settings); without it every delivery
    opens and closes its own client. Redirects are refused whatever the client's own setting.
    """

    channel: Channel = Channel.WEBHOOK

    def __init__(self, secret: bytes, *, timeout: float = 5.0, client: httpx.Client | None = None) -> None:
        if not secret:
            raise ValueError("a webhook secret must not be empty")
        self._secret = secret
        self._timeout = timeout
        self._client = client

    def body_of(self, notification: Notification) -> bytes:
        """The exact bytes that are sent and signed: the payload as compact UTF-8 JSON."""
        try:
            text = json.dumps(dict(notification.payload), ensure_ascii=False, separators=(",", ":"))
        except (TypeError, ValueError) as exc:  # a value JSON cannot carry (datetime, NaN, a cycle)
            raise DeliveryFailed(f"回调内容无法转换为 JSON：{exc}", permanent=True) from exc
        return text.encode("utf-8")

    def deliver(self, notification: Notification) -> None:
        body = self.body_of(notification)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            SIGNATURE_HEADER: sign(self._secret, body, int(time.time())),
            DELIVERY_HEADER: notification.key,
            "User-Agent": _USER_AGENT,
        }
        if self._client is not None:
            self._post(self._client, notification.recipient, body, headers)
        else:
            with httpx.Client(timeout=self._timeout, follow_redirects=False) as client:
                self._post(client, notification.recipient, body, headers)

    def _post(self, client: httpx.Client, url: str, body: bytes, headers: dict[str, str]) -> None:
        try:
            # Streamed and closed unread: only the status matters, and a huge answer must not be loaded.
            with client.stream(
                "POST", url, content=body, headers=headers, timeout=self._timeout, follow_redirects=False
            ) as response:
                status, phrase = response.status_code, response.reason_phrase
                location = response.headers.get("Location")
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
            raise DeliveryFailed(f"回调地址无效：{url!r}（{exc}）", permanent=True) from exc
        except httpx.TransportError as exc:  # refused, reset, DNS, TLS, time-out
            raise DeliveryFailed(f"回调地址无法连接：{url}（{exc!r}）") from exc
        if 200 <= status < 300:
            return
        if 300 <= status < 400:
            raise DeliveryFailed(f"回调地址返回重定向 {status}（Location: {location}），不会跟随；请登记最终地址")
        permanent = 400 <= status < 500 and status not in (408, 429)
        raise DeliveryFailed(f"回调地址返回 {status} {phrase}", permanent=permanent)
