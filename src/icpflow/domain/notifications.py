"""Notifications (通知): what is sent, on which channel, and how failed deliveries are retried.

Every change of state notifies the filer (PRODUCT.md): an in-site message, an e-mail, an SMS, and for
service providers a signed webhook. Notifications are rows of the outbox, written in the same
transaction as the state change and delivered by the worker; `key` makes a delivery idempotent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol


class Channel(StrEnum):
    INBOX = "inbox"  # 站内信
    EMAIL = "email"
    SMS = "sms"
    WEBHOOK = "webhook"


@dataclass(frozen=True, slots=True)
class Notification:
    key: str  # idempotency key: one delivery per key, however often the worker retries
    channel: Channel
    recipient: str  # account id (inbox), e-mail address, mobile number, or webhook URL
    subject: str  # Chinese
    body: str  # Chinese
    payload: Mapping[str, Any] = field(default_factory=dict)  # the webhook's JSON body / extra data


class DeliveryFailed(Exception):
    """A delivery did not happen. `permanent` failures (a rejected address) are not retried."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        self.reason = reason
        self.permanent = permanent
        super().__init__(reason)


class Notifier(Protocol):
    channel: Channel

    def deliver(self, notification: Notification) -> None:
        """Deliver or raise `DeliveryFailed`. Must be safe to call again with the same key."""
        ...


#: Backoff schedule for retries: 30 s, 1 min, 2 min, … capped at 1 h; give up after this many attempts.
MAX_ATTEMPTS = 10
_BASE = dt.timedelta(seconds=30)
_CAP = dt.timedelta(hours=1)


def next_attempt_at(attempts: int, now: dt.datetime) -> dt.datetime | None:
    """When to try again after `attempts` failed attempts, or None when it is time to give up."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return now + min(_CAP, _BASE * (1 << max(0, attempts - 1)))  # int shift: `2 ** n` is Any to mypy
