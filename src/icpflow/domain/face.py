"""Face verification (人脸核身) of the mini-program principal: a task and how its status moves with time.

Seed 001 §三(一)4: the mini-program principal completes face verification during filing; reference §4.2:
a WeChat task is valid for 3 days. The task, not the document's `face_verified` flag, is the truth.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class FaceStatus(StrEnum):
    PENDING = "pending"
    PASSED = "passed"
    FAILED = "failed"
    EXPIRED = "expired"


FACE_LABELS = {FaceStatus.PENDING: "核验中", FaceStatus.PASSED: "已通过", FaceStatus.FAILED: "未通过",
               FaceStatus.EXPIRED: "已过期"}


@dataclass(slots=True)
class FaceRecord:
    task_id: str
    application_id: str
    verify_url: str
    status: FaceStatus
    created_at: dt.datetime
    expires_at: dt.datetime
    completes_at: dt.datetime | None
    planned_passed: bool | None
    completed_at: dt.datetime | None = None

    def resolve(self, now: dt.datetime) -> bool:
        """Bring the status up to `now` (completion first, then expiry); True when it changed."""
        before = self.status
        if self.status is FaceStatus.PENDING and self.completes_at is not None \
                and self.planned_passed is not None and now >= self.completes_at:
            self.status = FaceStatus.PASSED if self.planned_passed else FaceStatus.FAILED
            self.completed_at = self.completes_at
        if self.status in (FaceStatus.PENDING, FaceStatus.PASSED) and now > self.expires_at:
            self.status = FaceStatus.EXPIRED
        return self.status is not before
