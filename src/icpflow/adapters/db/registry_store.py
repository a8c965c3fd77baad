"""Subjects (主办单位), their programs (小程序) and the filing records issued to them in the store, and
the per-province, per-year filing serial counters. A subject's certificate number is encrypted at rest
and found through its blind index (`certificate_index`); subjects are saved with compare-and-set on
`version`.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import RowMapping

from ...domain.errors import ConcurrentUpdate, NotFound
from ...domain.model import FilingRecord, Program, RecordStatus, Subject
from . import tables as t
from .store_base import StoreBase

# ----- statements of the request paths, built once (why: applications_store.py) -------------------
_S = t.subjects.c
_SUBJECT_BY_CERTIFICATE = sa.select(t.subjects).where(sa.or_(
    _S.certificate_index.in_(sa.bindparam("indexes", expanding=True)),
    sa.and_(_S.certificate_index.is_(None), _S.certificate_number == sa.bindparam("plain"))))
_INSERT_SUBJECT = t.subjects.insert()
_PROGRAM_BY_APPID = sa.select(t.programs).where(t.programs.c.appid == sa.bindparam("appid"))
_PROGRAM_BY_ID = sa.select(t.programs).where(t.programs.c.id == sa.bindparam("program_id"))
_INSERT_PROGRAM = t.programs.insert()
_R = t.filing_records.c
_ACTIVE_RECORDS_OF_PROGRAM = (sa.select(t.filing_records)
                              .where(_R.status == RecordStatus.ACTIVE.value,
                                     _R.program_id == sa.bindparam("program_id"))
                              .order_by(_R.issued_at))


def _subject(row: RowMapping, certificate_number: str) -> Subject:
    return Subject(
        id=row["id"], certificate_number=certificate_number, name=row["name"], nature=row["nature"],
        province=row["province"], owner=row["owner"], serial=row["serial"], next_service=row["next_service"],
        version=row["version"], created_at=row["created_at"],
    )


def _program(row: RowMapping) -> Program:
    return Program(
        id=row["id"], subject_id=row["subject_id"], appid=row["appid"], name=row["name"], type=row["type"],
        listed=row["listed"], owner=row["owner"], created_at=row["created_at"],
    )


def _record(row: RowMapping) -> FilingRecord:
    return FilingRecord(
        id=row["id"], subject_id=row["subject_id"], program_id=row["program_id"], number=row["number"],
        status=RecordStatus(row["status"]), application_id=row["application_id"], issued_at=row["issued_at"],
        cancelled_at=row["cancelled_at"],
    )


class RegistryMixin(StoreBase):
    def _subject(self, row: RowMapping) -> Subject:
        return _subject(row, self.cipher.reveal(row["certificate_number"]))

    # ----- subjects and programs -----------------------------------------------------------------
    def get_subject(self, subject_id: str, *, lock: bool = False) -> Subject:
        row = self._one(self._lock(sa.select(t.subjects).where(t.subjects.c.id == subject_id), lock))
        if row is None:
            raise NotFound("主办单位", subject_id)
        return self._subject(row)

    def find_subject(self, certificate_number: str) -> Subject | None:
        # the blind index under any known key, or (rows from before 0004, not yet indexed) the plaintext
        row = self.conn.execute(_SUBJECT_BY_CERTIFICATE, {
            "indexes": self.cipher.blind_indexes(certificate_number), "plain": certificate_number}).mappings().first()
        return None if row is None else self._subject(row)

    def add_subject(self, subject: Subject) -> None:
        self.conn.execute(_INSERT_SUBJECT, {
            "id": subject.id, "certificate_number": self.cipher.encrypt(subject.certificate_number),
            "certificate_index": self.cipher.blind_index(subject.certificate_number), "name": subject.name,
            "nature": subject.nature, "province": subject.province, "owner": subject.owner, "serial": subject.serial,
            "next_service": subject.next_service, "version": subject.version, "created_at": subject.created_at})

    def save_subject(self, subject: Subject, expected_version: int) -> None:
        result = self.conn.execute(
            t.subjects.update()
            .where(t.subjects.c.id == subject.id, t.subjects.c.version == expected_version)
            .values(name=subject.name, serial=subject.serial, next_service=subject.next_service,
                    version=expected_version + 1)
        )
        if result.rowcount != 1:
            raise ConcurrentUpdate(subject.id, expected_version)
        subject.version = expected_version + 1

    def get_program(self, program_id: str) -> Program:
        row = self.conn.execute(_PROGRAM_BY_ID, {"program_id": program_id}).mappings().first()
        if row is None:
            raise NotFound("小程序", program_id)
        return _program(row)

    def find_program(self, appid: str) -> Program | None:
        row = self.conn.execute(_PROGRAM_BY_APPID, {"appid": appid}).mappings().first()
        return None if row is None else _program(row)

    def add_program(self, program: Program) -> None:
        self.conn.execute(_INSERT_PROGRAM, {
            "id": program.id, "subject_id": program.subject_id, "appid": program.appid, "name": program.name,
            "type": program.type, "listed": program.listed, "owner": program.owner, "created_at": program.created_at})

    def subjects_of(self, owner: str | None, limit: int = 200, offset: int = 0) -> list[Subject]:
        stmt = sa.select(t.subjects).order_by(t.subjects.c.created_at, t.subjects.c.id).limit(limit).offset(offset)
        if owner is not None:
            stmt = stmt.where(t.subjects.c.owner == owner)
        return [self._subject(r) for r in self.conn.execute(stmt).mappings()]

    def programs_of(self, subject_id: str) -> list[Program]:
        stmt = sa.select(t.programs).where(t.programs.c.subject_id == subject_id).order_by(t.programs.c.created_at)
        return [_program(r) for r in self.conn.execute(stmt).mappings()]

    def listed_programs_without_record(self, limit: int) -> list[Program]:
        active = sa.select(t.filing_records.c.program_id).where(
            t.filing_records.c.status == RecordStatus.ACTIVE.value, t.filing_records.c.program_id.is_not(None))
        stmt = (sa.select(t.programs).where(t.programs.c.listed.is_(True), t.programs.c.id.not_in(active))
                .order_by(t.programs.c.created_at).limit(limit))
        return [_program(r) for r in self.conn.execute(stmt).mappings()]

    # ----- filing records ------------------------------------------------------------------------
    def add_record(self, record: FilingRecord) -> None:
        self.conn.execute(t.filing_records.insert().values(
            id=record.id, subject_id=record.subject_id, program_id=record.program_id, number=record.number,
            status=record.status.value, application_id=record.application_id, issued_at=record.issued_at,
            cancelled_at=record.cancelled_at))

    def save_record(self, record: FilingRecord) -> None:
        self.conn.execute(t.filing_records.update().where(t.filing_records.c.id == record.id)
                          .values(status=record.status.value, cancelled_at=record.cancelled_at))

    def active_records(self, *, subject_id: str | None = None, program_id: str | None = None) -> list[FilingRecord]:
        if subject_id is None and program_id is not None:  # every creation and submission asks this one
            return [_record(r) for r in
                    self.conn.execute(_ACTIVE_RECORDS_OF_PROGRAM, {"program_id": program_id}).mappings()]
        stmt = sa.select(t.filing_records).where(t.filing_records.c.status == RecordStatus.ACTIVE.value)
        if subject_id is not None:
            stmt = stmt.where(t.filing_records.c.subject_id == subject_id)
        if program_id is not None:
            stmt = stmt.where(t.filing_records.c.program_id == program_id)
        return [_record(r) for r in self.conn.execute(stmt.order_by(t.filing_records.c.issued_at)).mappings()]

    def find_record(self, number: str) -> FilingRecord | None:
        row = self._one(sa.select(t.filing_records).where(t.filing_records.c.number == number))
        return None if row is None else _record(row)

    def next_serial(self, province: str, year: int) -> int:
        """The next filing serial of a province and year, under a row lock (never the same twice)."""
        c = t.serial_counters.c
        where = (c.province == province) & (c.year == year)
        row = self._one(self._lock(sa.select(c.next_value).where(where), True))
        if row is None:
            if self._insert_first(t.serial_counters.insert().values(province=province, year=year, next_value=2)):
                return 1
            row = self._one(self._lock(sa.select(c.next_value).where(where), True))  # a concurrent first
            if row is None:
                raise ConcurrentUpdate(f"serial:{province}:{year}", 0)
        value = int(row["next_value"])
        result = self.conn.execute(t.serial_counters.update().where(where, c.next_value == value)
                                   .values(next_value=value + 1))
        if result.rowcount != 1:
            raise ConcurrentUpdate(f"serial:{province}:{year}", value)
        return value
