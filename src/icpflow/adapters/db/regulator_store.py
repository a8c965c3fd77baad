"""What the regulator's side of a filing keeps in the store: the MIIT SMS inbox (the verification texts
sent to a filing's phones, encrypted at rest and found through `phone_index`), the daily submission quota
taken under a row lock, and the face-verification (人脸核验) tasks.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from ...domain.errors import ConcurrentUpdate
from ...domain.face import FaceRecord, FaceStatus
from ...domain.model import SmsInboxEntry
from . import tables as t
from .store_base import StoreBase


class RegulatorMixin(StoreBase):
    # ----- SMS inbox and submission quota --------------------------------------------------------
    def add_sms(self, entry: SmsInboxEntry) -> bool:
        c = t.sms_inbox.c
        if self._one(sa.select(c.id).where(c.application_id == entry.application_id, c.attempt == entry.attempt,
                                           self._equals(c.phone_index, c.phone, entry.phone))):
            return False
        self.conn.execute(t.sms_inbox.insert().values(
            application_id=entry.application_id, phone=self.cipher.encrypt(entry.phone),
            phone_index=self.cipher.blind_index(entry.phone), text=entry.text, code=entry.code,
            attempt=entry.attempt, sent_at=entry.sent_at, simulated=entry.simulated))
        return True

    def sms_of(self, application_id: str) -> list[SmsInboxEntry]:
        stmt = sa.select(t.sms_inbox).where(t.sms_inbox.c.application_id == application_id).order_by(t.sms_inbox.c.id)
        return [SmsInboxEntry(application_id=r["application_id"], phone=self.cipher.reveal(r["phone"]),
                              text=r["text"], code=r["code"],
                              attempt=r["attempt"], sent_at=r["sent_at"], simulated=r["simulated"])
                for r in self.conn.execute(stmt).mappings()]

    def use_quota(self, day: dt.date, limit: int) -> bool:
        """Take one submission from `day`'s quota under a row lock; False when it is used up."""
        c = t.submission_quota.c
        row = self._one(self._lock(sa.select(c.used).where(c.quota_day == day), True))
        if row is None:
            if self._insert_first(t.submission_quota.insert().values(quota_day=day, used=1)):
                return limit >= 1
            row = self._one(self._lock(sa.select(c.used).where(c.quota_day == day), True))  # a concurrent first
            if row is None:
                raise ConcurrentUpdate(f"quota:{day}", 0)
        used = int(row["used"])
        if used >= limit:
            return False
        result = self.conn.execute(t.submission_quota.update().where(c.quota_day == day, c.used == used)
                                   .values(used=used + 1))
        if result.rowcount != 1:
            raise ConcurrentUpdate(f"quota:{day}", used)
        return True

    # ----- face verification tasks ---------------------------------------------------------------
    def add_face_task(self, record: FaceRecord) -> None:
        self.conn.execute(t.face_tasks.insert().values(
            task_id=record.task_id, application_id=record.application_id, verify_url=record.verify_url,
            status=record.status.value, created_at=record.created_at, expires_at=record.expires_at,
            completes_at=record.completes_at, planned_passed=record.planned_passed,
            completed_at=record.completed_at))

    def latest_face_task(self, application_id: str) -> FaceRecord | None:
        c = t.face_tasks.c
        row = self._one(sa.select(t.face_tasks).where(c.application_id == application_id)
                        .order_by(c.created_at.desc(), c.task_id.desc()).limit(1))
        if row is None:
            return None
        return FaceRecord(row["task_id"], row["application_id"], row["verify_url"], FaceStatus(row["status"]),
                          row["created_at"], row["expires_at"], row["completes_at"], row["planned_passed"],
                          row["completed_at"])

    def save_face_task(self, record: FaceRecord) -> None:
        self.conn.execute(t.face_tasks.update().where(t.face_tasks.c.task_id == record.task_id).values(
            status=record.status.value, completed_at=record.completed_at))
