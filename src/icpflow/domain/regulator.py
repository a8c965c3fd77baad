"""What passes between icpflow and the regulator side (MIIT SMS verification, the provincial bureau).

No public API exists for either, so the gateway is a port (`RegulatorGateway`) with adapters: a
simulator (development, demos, tests; labelled as a simulator wherever a user sees it), a manual mode
where operators record what the bureau decided, and room for a real channel behind the same port.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class RejectionReason:
    """One reason a reviewer or bureau gives (驳回原因), tied to the field to fix where there is one."""

    code: str
    message: str  # Chinese, as the filer reads it
    field: str = ""  # JSON path into the filing document; "" for the whole filing
    source: str = ""  # seed file and section the cause comes from


@dataclass(frozen=True, slots=True)
class SmsMessage:
    """A verification SMS as sent to a principal's mobile (by 12381 in reality; by the simulator here)."""

    phone: str
    text: str
    code: str
    sent_at: dt.datetime


@dataclass(frozen=True, slots=True)
class BureauDecision:
    approved: bool
    reasons: tuple[RejectionReason, ...] = ()
    #: for an approval on a real channel: the number the bureau issued; None lets icpflow allocate it
    #: (the simulator), or the operator types it (manual mode)
    number: str | None = None


@dataclass(frozen=True, slots=True)
class PlannedDecision:
    """A decision the gateway will make at `due_at` (the simulator's delays); the worker applies it."""

    decision: BureauDecision
    due_at: dt.datetime


@dataclass(frozen=True, slots=True)
class BureauSubmission:
    """What submitting to the bureau returned: a reference, and a planned decision if the adapter has one."""

    reference: str
    planned: PlannedDecision | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


class RegulatorGateway(Protocol):
    #: short machine name: "simulator", "manual", …
    name: str
    #: True for the simulator: every page, message and log line that shows its output says so
    is_simulator: bool

    def send_sms(self, application_id: str, phones: Sequence[str], attempt: int, now: dt.datetime) -> list[SmsMessage]:
        """Ask MIIT to send the verification SMS. The simulator returns the messages (codes included) so
        icpflow can put them in the filer's simulated inbox; a real channel returns [] (MIIT texts them)."""
        ...

    def submit_to_bureau(
        self, application_id: str, province: str, document: Mapping[str, Any], now: dt.datetime
    ) -> BureauSubmission:
        """Hand the verified filing to the bureau of `province`."""
        ...

    def create_face_task(self, application_id: str, principal_name: str, now: dt.datetime) -> FaceTask:
        """Start a face verification (人脸核身) of the mini-program principal."""
        ...


@dataclass(frozen=True, slots=True)
class FaceTask:
    """A face verification (人脸核身) of the mini-program principal, as the platform's channel created it.

    WeChat's task is valid 3 days (reference §4.2 create_icp_verifytask); the principal opens
    `verify_url` (a QR code in the console) and the channel reports passed or failed. The simulator
    plans its result (`planned_passed`, at `completes_at`); a real or manual channel leaves both None.
    """

    task_id: str
    verify_url: str
    expires_at: dt.datetime
    planned_passed: bool | None = None
    completes_at: dt.datetime | None = None
