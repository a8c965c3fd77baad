"""SMS notifications (短信通知): the provider port, the notifier over it, and a SIMULATOR.

Mainland SMS gateways (Aliyun 短信服务, Tencent Cloud 短信) only send pre-approved templates under a
registered signature (短信签名), so a real provider adapter will pick its template and parameters from
`SmsMessage.payload`; the plain `text` is what the simulator records. No real provider is implemented
here: `SimulatedSmsNotifier` never touches the network, it writes what it *would* have sent to an
in-memory outbox and, if given a path, to a JSON-lines file that demo users and the CLI can read.
Every simulated record is labelled 【模拟短信】 so nobody mistakes it for a message that reached a phone.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from icpflow.adapters.clock import SystemClock
from icpflow.domain.contacts import check_mobile, normalize_phone
from icpflow.domain.notifications import Channel, DeliveryFailed, Notification
from icpflow.domain.pii import mask_value

__all__ = [
    "SIMULATED_LABEL",
    "SimulatedSms",
    "SimulatedSmsNotifier",
    "SimulatedSmsProvider",
    "SmsMessage",
    "SmsNotifier",
    "SmsProvider",
    "read_simulated_sms",
]

SIMULATED_LABEL = "【模拟短信】"


@dataclass(frozen=True, slots=True)
class SmsMessage:
    """One text message for a provider."""

    key: str  # the notification key: a provider passes it on (Aliyun OutId, Tencent SessionContext)
    mobile: str  # 11-digit mainland mobile number, normalised ("+86 138-0013-8000" -> "13800138000")
    text: str  # the notification body (Chinese)
    payload: Mapping[str, Any] = field(default_factory=dict)  # for choosing a template and its parameters


class SmsProvider(Protocol):
    """An SMS gateway (短信服务商). Implementations: `SimulatedSmsProvider`; real ones plug in here."""

    def send(self, message: SmsMessage) -> None:
        """Hand the message to the gateway or raise `DeliveryFailed` (permanent when the gateway says the
        number or the template is refused). Called again with the same key after a failure."""
        ...


class SmsNotifier:
    """Delivers `Channel.SMS` notifications through a provider, after checking the mobile number."""

    channel: Channel = Channel.SMS

    def __init__(self, provider: SmsProvider) -> None:
        self._provider = provider

    def deliver(self, notification: Notification) -> None:
        problem = check_mobile(notification.recipient)
        if problem is not None:  # no gateway will take it, however often it is retried
            masked = mask_value("phone", notification.recipient)  # errors are logged and stored: no PII
            raise DeliveryFailed(f"手机号码无法使用：{masked!r}（{problem.message}）", permanent=True)
        self._provider.send(
            SmsMessage(
                key=notification.key,
                mobile=normalize_phone(notification.recipient),
                text=notification.body,
                payload=notification.payload,
            )
        )


@dataclass(frozen=True, slots=True)
class SimulatedSms:
    """What the simulator recorded for one message (one line of the JSON-lines file)."""

    key: str
    mobile: str  # masked (138****8000): the log is a file at rest, and the number is personal information
    text: str  # starts with 【模拟短信】
    sent_at: str  # ISO 8601 with the UTC offset
    simulated: bool = True
    label: str = SIMULATED_LABEL

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "mobile": self.mobile,
            "text": self.text,
            "sent_at": self.sent_at,
            "simulated": self.simulated,
            "label": self.label,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SimulatedSms:
        return cls(
            key=str(data["key"]),
            mobile=str(data["mobile"]),
            text=str(data["text"]),
            sent_at=str(data["sent_at"]),
            simulated=bool(data.get("simulated", True)),
            label=str(data.get("label", SIMULATED_LABEL)),
        )


class _Clock(Protocol):
    def now(self) -> dt.datetime: ...


class SimulatedSmsProvider:
    """SIMULATOR, sends nothing: records each message in `outbox` and appends it to `path` (JSON lines).

    A key already recorded (in this process or earlier in the file) is not recorded again, so the worker's
    retries stay harmless, as they would be with a real gateway that deduplicates by key.
    """

    def __init__(self, path: Path | str | None = None, *, clock: _Clock | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.outbox: list[SimulatedSms] = []
        self._clock: _Clock = clock if clock is not None else SystemClock()
        self._keys: set[str] | None = None  # loaded from the file on first send

    def send(self, message: SmsMessage) -> None:
        if self._keys is None:
            self._keys = {record.key for record in read_simulated_sms(self.path)} if self.path else set()
        if message.key in self._keys:
            return
        record = SimulatedSms(
            key=message.key,
            mobile=mask_value("phone", message.mobile),
            text=SIMULATED_LABEL + message.text,
            sent_at=self._clock.now().isoformat(timespec="seconds"),
        )
        if self.path is not None:
            line = json.dumps(record.to_json(), ensure_ascii=False) + "\n"
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with self.path.open("a", encoding="utf-8") as file:
                    file.write(line)
            except OSError as exc:
                raise DeliveryFailed(f"模拟短信无法写入 {self.path}：{exc}") from exc
        self._keys.add(message.key)
        self.outbox.append(record)


class SimulatedSmsNotifier(SmsNotifier):
    """SIMULATOR: the SMS notifier wired to `SimulatedSmsProvider`, for demos, tests and the CLI.
    Nothing leaves the machine; read what was "sent" from `outbox` or with `read_simulated_sms(path)`."""

    def __init__(self, path: Path | str | None = None, *, clock: _Clock | None = None) -> None:
        self.simulator = SimulatedSmsProvider(path, clock=clock)
        super().__init__(self.simulator)

    @property
    def outbox(self) -> list[SimulatedSms]:
        return self.simulator.outbox

    @property
    def path(self) -> Path | None:
        return self.simulator.path


def read_simulated_sms(path: Path | str | None) -> list[SimulatedSms]:
    """The simulated messages recorded in a JSON-lines file, oldest first; none when it does not exist.
    A line that is not a record (a write cut short) is skipped."""
    if path is None or not Path(path).exists():
        return []
    records: list[SimulatedSms] = []
    for line in Path(path).read_text(encoding="utf-8").split("\n"):  # not splitlines: U+2028 may be in a text
        try:
            data = json.loads(line)
            records.append(SimulatedSms.from_json(data))
        except (ValueError, KeyError, TypeError):
            continue
    return records
