"""Manual mode (人工录入): the regulator gateway where no channel to the regulator exists.

Operators hand the filing to the MIIT system themselves; MIIT texts the principals from 12381 (so there
is nothing for icpflow to send or show), and an operator records the bureau's decision when it comes
(approval with the number, or rejection with reasons from the catalogue). This gateway therefore sends
nothing and plans nothing: it only hands back a reference the operator can find the filing by.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from ...domain.regulator import BureauSubmission, FaceTask, SmsMessage


class ManualGateway:
    """A `RegulatorGateway` whose outcomes an operator records."""

    name: str = "manual"
    is_simulator: bool = False

    def send_sms(self, application_id: str, phones: Sequence[str], attempt: int, now: dt.datetime) -> list[SmsMessage]:
        """MIIT texts the principals itself; the operator records the verification."""
        return []

    def submit_to_bureau(
        self, application_id: str, province: str, document: Mapping[str, Any], now: dt.datetime
    ) -> BureauSubmission:
        """A reference for the operator (application, province, time handed over); no planned decision."""
        return BureauSubmission(
            reference=f"MANUAL-{province}-{application_id}-{now:%Y%m%d%H%M%S}",
            planned=None,
            extra={"awaiting": "operator"},
        )

    def create_face_task(self, application_id: str, principal_name: str, now: dt.datetime) -> FaceTask:
        """The platform's face service reports to an operator, who records the result."""
        return FaceTask(task_id=f"FACE-MANUAL-{application_id}-{now:%Y%m%d%H%M%S}", verify_url="",
                        expires_at=now + dt.timedelta(days=3))
