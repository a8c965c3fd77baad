"""Filing records (备案记录): which record an application refers to, issuing numbers, cancelling records,
and the publish gate ("may this mini-program be published?").

Numbers: `<省简称>ICP备<serial>号-<n>X` (seed 000 §备案完成). A subject keeps one serial for all its
services and each service takes the next `-n`. The serial of a new subject is allocated per province
and year from a counter read under a row lock; the subject's `next_service` is saved with a version
check; and `filing_records.number` is unique. Two concurrent issuances can therefore never produce the
same number: one of them fails and is retried by whoever retries it (the worker, or the operator).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from ..domain.calendar import BEIJING
from ..domain.errors import InvalidRequest
from ..domain.filing_number import parse_filing_number
from ..domain.model import Application, ApplicationKind, FilingRecord, RecordStatus, Subject
from .ports import Store


def required_record(store: Store, kind: ApplicationKind, subject: Subject, program_id: str | None,
                    doc: Any) -> str:
    """The number of the record a change or cancellation refers to (checked to exist and be active);
    "" for a new filing, which must not refer to an already filed mini-program."""
    program_records = store.active_records(program_id=program_id) if program_id else []
    if kind is ApplicationKind.NEW:
        if program_records:
            raise InvalidRequest(f"该小程序已备案（{program_records[0].number}），如需修改请提交变更备案")
        return ""
    if kind is ApplicationKind.CANCEL_SUBJECT:
        subject_records = [r for r in store.active_records(subject_id=subject.id) if r.program_id is None]
        wanted = str(getattr(doc, "record_number", "")).strip()
        if not subject_records or subject_records[0].number != wanted:
            raise InvalidRequest(f"主办单位没有有效的主体备案号“{wanted}”，无法注销主体")
        return wanted
    if not program_records:
        raise InvalidRequest("该小程序没有有效的备案号，无法变更或注销")
    number = program_records[0].number
    stated = str(getattr(doc, "record_number", "") or getattr(getattr(doc, "program", None), "record_number", ""))
    if stated.strip() and stated.strip() != number:
        raise InvalidRequest(f"填写的备案号“{stated.strip()}”与该小程序的有效备案号“{number}”不一致")
    return number


def _serial(store: Store, subject: Subject, now: dt.datetime, issued: str) -> str:
    if subject.serial:
        return subject.serial
    parsed = parse_filing_number(issued) if issued else None
    if parsed is not None:
        return parsed.serial
    year = now.astimezone(BEIJING).year
    return f"{year}{store.next_serial(subject.province, year):06d}"  # 10 digits: year + sequence


def issue(store: Store, app: Application, now: dt.datetime, abbreviation: str) -> None:
    """The bureau approved `app`: issue its number (new), keep it (change), or cancel records."""
    if app.kind is ApplicationKind.NEW:
        _issue_new(store, app, now, abbreviation)
    elif app.kind is ApplicationKind.CHANGE:
        app.issued_number = app.record_number  # the record stays valid and keeps its number
    elif app.kind is ApplicationKind.CANCEL_SUBJECT:
        for record in store.active_records(subject_id=app.subject_id):
            _cancel(store, record, now)
    else:  # cancel_program, cancel_access
        for record in store.active_records(program_id=app.program_id):
            _cancel(store, record, now)


def _cancel(store: Store, record: FilingRecord, now: dt.datetime) -> None:
    record.status = RecordStatus.CANCELLED
    record.cancelled_at = now
    store.save_record(record)


def _issue_new(store: Store, app: Application, now: dt.datetime, abbreviation: str) -> None:
    subject = store.get_subject(app.subject_id, lock=True)
    version = subject.version
    typed = app.issued_number  # manual mode: the number the bureau printed, typed by an operator
    parsed = parse_filing_number(typed) if typed else None
    if typed:
        if parsed is None or parsed.suffix != "X" or parsed.service is None:
            raise InvalidRequest(f"“{typed}”不是小程序备案号（应为 省简称ICP备序号号-nX）")
        if subject.serial and parsed.serial != subject.serial:
            raise InvalidRequest(f"备案号的主体序号 {parsed.serial} 与该主体已有的 {subject.serial} 不一致")
    serial = _serial(store, subject, now, typed)
    if not subject.serial:
        subject.serial = serial
        store.add_record(FilingRecord(str(uuid.uuid4()), subject.id, None, f"{abbreviation}ICP备{serial}号",
                                      RecordStatus.ACTIVE, app.id, now))
    if parsed is not None and parsed.service is not None:
        number = typed
        subject.next_service = max(subject.next_service, parsed.service + 1)
    else:
        number = f"{abbreviation}ICP备{serial}号-{subject.next_service}X"
        subject.next_service += 1
    store.save_subject(subject, version)
    store.add_record(FilingRecord(str(uuid.uuid4()), subject.id, app.program_id, number, RecordStatus.ACTIVE,
                                  app.id, now))
    app.issued_number = number


@dataclass(frozen=True, slots=True)
class PublishVerdict:
    allowed: bool
    reason: str
    number: str = ""


def may_publish(store: Store, appid: str) -> PublishVerdict:
    """The publish gate: only a mini-program with an active filing number may be published."""
    program = store.find_program(appid)
    if program is None:
        return PublishVerdict(False, f"小程序 {appid} 尚未提交备案，取得备案号后才能发布")
    records = store.active_records(program_id=program.id)
    if not records:
        return PublishVerdict(False, "该小程序没有有效的 ICP 备案号：新增小程序须先备案、取得备案号后方可上架")
    return PublishVerdict(True, f"已备案：{records[0].number}", records[0].number)
