"""The store (`services.ports.Store`) on SQLAlchemy Core: SQLite by default, PostgreSQL at scale.

The only code that commits. Applications and subjects are saved with compare-and-set on `version`;
timers and the outbox are claimed with `FOR UPDATE SKIP LOCKED` on PostgreSQL so several workers share
the load (on SQLite the clause is ignored and a single worker runs).

Personal information is encrypted here, on the way in, and decrypted on the way out, so the services
and the domain only ever see plaintext and the database never does (`FieldCipher`): the personal values
of application documents (`domain.pii.pii_paths`), subjects' certificate numbers, the phones of the
MIIT SMS inbox, and the recipients of e-mail and SMS notifications in the outbox. Equality lookups go
through blind indexes (`certificate_index`, `phone_index`). Rows from before migration 0004 may still
hold plaintext: they are read as they are, and key rotation (`rotation.py`) encrypts them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine, RowMapping

from ...domain.errors import ConcurrentUpdate, NotFound
from ...domain.face import FaceRecord, FaceStatus
from ...domain.model import (
    Application,
    ApplicationKind,
    EventRecord,
    FilingRecord,
    InboxMessage,
    OutboxItem,
    Program,
    RecordStatus,
    SmsInboxEntry,
    Subject,
    Timer,
    TimerKind,
)
from ...domain.pii import map_pii
from ...domain.regulator import RejectionReason
from ...domain.workflow import State
from ..crypto import FieldCipher
from . import tables as t
from .accounts_store import SqlAccountStore

#: notification channels whose recipient is personal (an e-mail address, a mobile number)
PERSONAL_CHANNELS = frozenset({"email", "sms"})

# ----- statements of the request paths, built once ------------------------------------------------
# Building a statement and computing its cache key costs about as much Python as executing it (~0.2 ms,
# bench/api.py); these are built once, with bind parameters, so each call only binds and executes.
# Inserts are `inline()`: no `RETURNING id` for keys nobody reads.
_A = t.applications.c
_APP_BY_ID = sa.select(t.applications).where(_A.id == sa.bindparam("application_id"))
_APP_BY_ID_LOCKED = _APP_BY_ID.with_for_update()
_INSERT_APP = t.applications.insert()
_SAVE_APP = t.applications.update().where(_A.id == sa.bindparam("where_id"),
                                          _A.version == sa.bindparam("where_version"))
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
_INSERT_EVENT = t.events.insert().inline()
_INSERT_TIMER = t.timers.insert()
_CANCEL_TIMERS = (t.timers.update()
                  .where(t.timers.c.application_id == sa.bindparam("where_application_id"),
                         t.timers.c.fired_at.is_(None))
                  .values(fired_at=sa.bindparam("now")))
_OUTBOX_KEY_EXISTS = sa.select(t.outbox.c.id).where(t.outbox.c.key == sa.bindparam("key"))
_INSERT_OUTBOX = t.outbox.insert().inline()
#: `INSERT … ON CONFLICT (key) DO NOTHING`: one statement instead of a look-up then an insert, and a
#: concurrent insert of the same key waits and is skipped instead of failing the transaction
_INSERT_OUTBOX_NEW: dict[str, sa.Insert] = {
    name: insert(t.outbox).inline().on_conflict_do_nothing(index_elements=["key"])
    .execution_options(preserve_rowcount=True)  # SQLAlchemy reports an INSERT's rowcount only when asked
    for name, insert in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert))
}
_O = t.outbox.c
_CLAIM_OUTBOX = (sa.select(t.outbox)
                 .where(_O.done_at.is_(None), _O.failed_at.is_(None), _O.available_at <= sa.bindparam("now"))
                 .order_by(_O.available_at, _O.id).limit(sa.bindparam("limit", type_=sa.Integer)))
_CLAIM_OUTBOX_SKIP_LOCKED = _CLAIM_OUTBOX.with_for_update(skip_locked=True)
_FINISH_OUTBOX = t.outbox.update().where(_O.id == sa.bindparam("where_id"))
_T = t.timers.c
_CLAIM_TIMERS = (sa.select(t.timers).where(_T.fired_at.is_(None), _T.due_at <= sa.bindparam("now"))
                 .order_by(_T.due_at).limit(sa.bindparam("limit", type_=sa.Integer)))
_CLAIM_TIMERS_SKIP_LOCKED = _CLAIM_TIMERS.with_for_update(skip_locked=True)
_MARK_TIMER_FIRED = t.timers.update().where(_T.id == sa.bindparam("where_id")).values(fired_at=sa.bindparam("now"))
#: the worker delivers every in-site message this way (one statement, as for the outbox)
_INSERT_INBOX_NEW: dict[str, sa.Insert] = {
    name: insert(t.inbox_messages).inline().on_conflict_do_nothing(index_elements=["key"])
    .execution_options(preserve_rowcount=True)
    for name, insert in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert))
}
_W = t.webhook_subscriptions.c
_WEBHOOKS_OF = (sa.select(_W.url).where(_W.owner == sa.bindparam("owner"), _W.active.is_(True))
                .order_by(_W.created_at, _W.url))


def _reasons_out(reasons: Sequence[RejectionReason]) -> list[dict[str, str]]:
    return [{"code": r.code, "message": r.message, "field": r.field, "source": r.source} for r in reasons]


def _reasons_in(data: Any) -> list[RejectionReason]:
    return [RejectionReason(**item) for item in data or []]


def _app(row: RowMapping, document: dict[str, Any]) -> Application:
    return Application(
        id=row["id"], kind=ApplicationKind(row["kind"]), owner=row["owner"], subject_id=row["subject_id"],
        program_id=row["program_id"], province=row["province"], document=document,
        state=State(row["state"]), version=row["version"], record_number=row["record_number"],
        sms_attempt=row["sms_attempt"], sms_resends_left=row["sms_resends_left"], gateway=row["gateway"],
        gateway_reference=row["gateway_reference"], reasons=_reasons_in(row["reasons"]),
        created_at=row["created_at"], updated_at=row["updated_at"], submitted_at=row["submitted_at"],
        due_at=row["due_at"], issued_number=row["issued_number"],
    )


def _app_values(app: Application) -> dict[str, Any]:
    return {
        "kind": app.kind.value, "owner": app.owner, "subject_id": app.subject_id, "program_id": app.program_id,
        "province": app.province, "document": app.document, "state": app.state.value,
        "record_number": app.record_number, "sms_attempt": app.sms_attempt,
        "sms_resends_left": app.sms_resends_left, "gateway": app.gateway,
        "gateway_reference": app.gateway_reference, "reasons": _reasons_out(app.reasons),
        "issued_number": app.issued_number, "created_at": app.created_at, "updated_at": app.updated_at,
        "submitted_at": app.submitted_at, "due_at": app.due_at,
    }


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


class SqlStore:
    def __init__(self, conn: Connection, cipher: FieldCipher) -> None:
        self.conn = conn
        self.cipher = cipher
        self._postgres = conn.dialect.name == "postgresql"
        self._insert_outbox_new = _INSERT_OUTBOX_NEW.get(conn.dialect.name)

    # ----- personal information at rest ------------------------------------------------------------
    def _seal_document(self, document: dict[str, Any]) -> dict[str, Any]:
        return map_pii(document, lambda value, _kind: self.cipher.encrypt(value))

    def _open_document(self, document: dict[str, Any]) -> dict[str, Any]:
        return map_pii(document, lambda value, _kind: self.cipher.reveal(value))

    def _seal_payload(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        recipient = payload.get("recipient")
        if kind == "notify" and payload.get("channel") in PERSONAL_CHANNELS and isinstance(recipient, str) \
                and recipient:
            return {**payload, "recipient": self.cipher.encrypt(recipient)}
        return payload

    def _open_payload(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        recipient = payload.get("recipient")
        if kind == "notify" and payload.get("channel") in PERSONAL_CHANNELS and isinstance(recipient, str):
            return {**payload, "recipient": self.cipher.reveal(recipient)}
        return payload

    def _equals(self, index: sa.ColumnElement[Any], column: sa.ColumnElement[Any], value: str) -> Any:
        """Rows whose encrypted `column` holds `value`: its blind index under any known key, or (rows from
        before 0004, not yet indexed) the plaintext itself."""
        return sa.or_(index.in_(self.cipher.blind_indexes(value)), sa.and_(index.is_(None), column == value))

    def _app(self, row: RowMapping) -> Application:
        return _app(row, self._open_document(dict(row["document"])))

    def _subject(self, row: RowMapping) -> Subject:
        return _subject(row, self.cipher.reveal(row["certificate_number"]))

    def _app_values(self, app: Application) -> dict[str, Any]:
        return {**_app_values(app), "document": self._seal_document(app.document)}

    def _one(self, stmt: sa.Select[Any]) -> RowMapping | None:
        return self.conn.execute(stmt).mappings().first()

    def _lock(self, stmt: sa.Select[Any], lock: bool) -> sa.Select[Any]:
        return stmt.with_for_update() if lock and self._postgres else stmt

    def _insert_first(self, stmt: sa.Insert) -> bool:
        """Insert the first row of a counter; False when a concurrent transaction inserted it first (there
        was no row to lock). The savepoint keeps this transaction usable after the unique violation."""
        try:
            with self.conn.begin_nested():
                self.conn.execute(stmt)
        except sa.exc.IntegrityError:
            return False
        return True

    # ----- applications --------------------------------------------------------------------------
    def get_application(self, application_id: str, *, lock: bool = False) -> Application:
        stmt = _APP_BY_ID_LOCKED if lock and self._postgres else _APP_BY_ID
        row = self.conn.execute(stmt, {"application_id": application_id}).mappings().first()
        if row is None:
            raise NotFound("备案申请", application_id)
        return self._app(row)

    def add_application(self, app: Application) -> None:
        self.conn.execute(_INSERT_APP, {"id": app.id, "version": app.version, **self._app_values(app)})

    def save_application(self, app: Application, expected_version: int) -> None:
        result = self.conn.execute(_SAVE_APP, {"where_id": app.id, "where_version": expected_version,
                                               "version": expected_version + 1, **self._app_values(app)})
        if result.rowcount != 1:
            raise ConcurrentUpdate(app.id, expected_version)
        app.version = expected_version + 1

    def list_applications(
        self, *, owner: str | None = None, states: Sequence[str] | None = None, limit: int = 100, offset: int = 0
    ) -> list[Application]:
        stmt = sa.select(t.applications).order_by(t.applications.c.created_at.desc(), t.applications.c.id)
        if owner is not None:
            stmt = stmt.where(t.applications.c.owner == owner)
        if states:
            stmt = stmt.where(t.applications.c.state.in_(list(states)))
        return [self._app(r) for r in self.conn.execute(stmt.limit(limit).offset(offset)).mappings()]

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

    # ----- history -------------------------------------------------------------------------------
    def append_event(self, event: EventRecord) -> None:
        self.conn.execute(_INSERT_EVENT, {
            "application_id": event.application_id, "event": event.event, "from_state": event.from_state,
            "to_state": event.to_state, "actor": event.actor, "at": event.at, "data": event.data})

    def events_of(self, application_id: str) -> list[EventRecord]:
        stmt = sa.select(t.events).where(t.events.c.application_id == application_id).order_by(t.events.c.id)
        return [EventRecord(application_id=r["application_id"], event=r["event"], from_state=r["from_state"],
                            to_state=r["to_state"], actor=r["actor"], at=r["at"], data=dict(r["data"]))
                for r in self.conn.execute(stmt).mappings()]

    # ----- timers --------------------------------------------------------------------------------
    def add_timer(self, timer: Timer) -> None:
        self.conn.execute(_INSERT_TIMER, {
            "id": timer.id, "application_id": timer.application_id, "kind": timer.kind.value, "due_at": timer.due_at,
            "payload": timer.payload, "fired_at": timer.fired_at})

    def cancel_timers(self, application_id: str, now: dt.datetime) -> None:
        """A new stage replaces the old stage's timers: they are marked fired without effect."""
        self.conn.execute(_CANCEL_TIMERS, {"where_application_id": application_id, "now": now})

    def claim_due_timers(self, now: dt.datetime, limit: int) -> list[Timer]:
        stmt = _CLAIM_TIMERS_SKIP_LOCKED if self._postgres else _CLAIM_TIMERS
        return [Timer(id=r["id"], application_id=r["application_id"], kind=TimerKind(r["kind"]),
                      due_at=r["due_at"], payload=dict(r["payload"]), fired_at=r["fired_at"])
                for r in self.conn.execute(stmt, {"now": now, "limit": limit}).mappings()]

    def mark_timer_fired(self, timer_id: str, now: dt.datetime) -> None:
        self.conn.execute(_MARK_TIMER_FIRED, {"where_id": timer_id, "now": now})

    # ----- outbox --------------------------------------------------------------------------------
    def _outbox_values(self, item: OutboxItem) -> dict[str, Any]:
        return {"key": item.key, "kind": item.kind, "payload": self._seal_payload(item.kind, item.payload),
                "available_at": item.available_at, "attempts": item.attempts, "last_error": item.last_error}

    def add_outbox(self, item: OutboxItem) -> bool:
        """Adds the item unless one with its key exists (idempotent); True when added."""
        values = self._outbox_values(item)
        if self._insert_outbox_new is not None:
            return self.conn.execute(self._insert_outbox_new, values).rowcount == 1
        if self.conn.execute(_OUTBOX_KEY_EXISTS, {"key": item.key}).first() is not None:
            return False
        self.conn.execute(_INSERT_OUTBOX, values)
        return True

    def claim_outbox(self, now: dt.datetime, limit: int) -> list[OutboxItem]:
        stmt = _CLAIM_OUTBOX_SKIP_LOCKED if self._postgres else _CLAIM_OUTBOX
        return [OutboxItem(id=r["id"], key=r["key"], kind=r["kind"],
                           payload=self._open_payload(r["kind"], dict(r["payload"])), available_at=r["available_at"],
                           attempts=r["attempts"], done_at=r["done_at"], failed_at=r["failed_at"],
                           last_error=r["last_error"])
                for r in self.conn.execute(stmt, {"now": now, "limit": limit}).mappings()]

    def add_outboxes(self, items: Sequence[OutboxItem]) -> None:
        """Adds each item unless one with its key exists, in one statement (one round trip for the
        notifications of a state change, instead of one per channel)."""
        if not items:
            return
        if self._insert_outbox_new is None:
            for item in items:
                self.add_outbox(item)
            return
        self.conn.execute(self._insert_outbox_new, [self._outbox_values(item) for item in items])

    def finish_outbox(self, item: OutboxItem) -> None:
        self.finish_outboxes([item])

    def finish_outboxes(self, items: Sequence[OutboxItem]) -> None:
        """Records each item's attempt (done, failed or due again), in one statement."""
        if items:
            self.conn.execute(_FINISH_OUTBOX, [{
                "where_id": item.id, "attempts": item.attempts, "available_at": item.available_at,
                "done_at": item.done_at, "failed_at": item.failed_at, "last_error": item.last_error[:2000]}
                for item in items])

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested transaction: an error inside rolls back only what the block wrote, and is re-raised."""
        with self.conn.begin_nested():
            yield

    # ----- messages ------------------------------------------------------------------------------
    @staticmethod
    def _inbox_values(message: InboxMessage) -> dict[str, Any]:
        return {"key": message.key, "recipient": message.recipient, "application_id": message.application_id,
                "subject": message.subject, "body": message.body, "created_at": message.created_at}

    def add_inbox_messages(self, messages: Sequence[InboxMessage]) -> None:
        """Adds each message unless one with its key exists, in one statement (the worker's batches)."""
        stmt = _INSERT_INBOX_NEW.get(self.conn.dialect.name)
        if stmt is None:
            for message in messages:
                self.add_inbox_message(message)
        elif messages:
            self.conn.execute(stmt, [self._inbox_values(message) for message in messages])

    def add_inbox_message(self, message: InboxMessage) -> bool:
        values = self._inbox_values(message)
        stmt = _INSERT_INBOX_NEW.get(self.conn.dialect.name)
        if stmt is not None:
            return self.conn.execute(stmt, values).rowcount == 1
        if self._one(sa.select(t.inbox_messages.c.id).where(t.inbox_messages.c.key == message.key)):
            return False
        self.conn.execute(t.inbox_messages.insert().values(**values))
        return True

    def inbox_of(self, recipient: str, limit: int = 50, offset: int = 0) -> list[InboxMessage]:
        stmt = (sa.select(t.inbox_messages).where(t.inbox_messages.c.recipient == recipient)
                .order_by(t.inbox_messages.c.id.desc()).limit(limit).offset(offset))
        return [InboxMessage(key=r["key"], recipient=r["recipient"], subject=r["subject"], body=r["body"],
                             created_at=r["created_at"], application_id=r["application_id"], id=r["id"],
                             read_at=r["read_at"])
                for r in self.conn.execute(stmt).mappings()]

    def count_inbox(self, recipient: str) -> tuple[int, int]:
        c = t.inbox_messages.c
        row = self.conn.execute(sa.select(sa.func.count().label("total"),
                                          sa.func.count(sa.case((c.read_at.is_(None), 1))).label("unread"))
                                .where(c.recipient == recipient)).mappings().first()
        return (int(row["total"]), int(row["unread"])) if row is not None else (0, 0)

    def mark_inbox_read(self, recipient: str, now: dt.datetime, message_id: int | None = None) -> int:
        """Mark all unread messages of `recipient` read (how many), or one message (1 if the inbox holds
        it, read before or not; a message read before keeps its first read time)."""
        c = t.inbox_messages.c
        if message_id is None:
            stmt = t.inbox_messages.update().where(c.recipient == recipient, c.read_at.is_(None))
            return int(self.conn.execute(stmt.values(read_at=now)).rowcount)
        if self._one(sa.select(c.id).where(c.recipient == recipient, c.id == message_id)) is None:
            return 0
        self.conn.execute(t.inbox_messages.update().where(c.id == message_id, c.read_at.is_(None)).values(read_at=now))
        return 1

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

    # ----- webhook subscriptions -----------------------------------------------------------------
    def add_webhook(self, subscription_id: str, owner: str, url: str, now: dt.datetime) -> bool:
        c = t.webhook_subscriptions.c
        if self._one(sa.select(c.id).where(c.owner == owner, c.url == url)):
            return False
        self.conn.execute(t.webhook_subscriptions.insert().values(id=subscription_id, owner=owner, url=url,
                                                                  active=True, created_at=now))
        return True

    def webhooks_of(self, owner: str) -> list[str]:
        return [str(url) for url in self.conn.execute(_WEBHOOKS_OF, {"owner": owner}).scalars()]

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

    def commit(self) -> None:
        self.conn.commit()


class SqlUnitOfWork:
    """`with uow() as store:` opens a transaction; `store.commit()` commits; leaving rolls back the rest.
    Personal information is encrypted and decrypted with `cipher` (see the module docstring)."""

    def __init__(self, engine: Engine, cipher: FieldCipher) -> None:
        self.engine = engine
        self.cipher = cipher

    @contextmanager
    def __call__(self) -> Iterator[SqlStore]:
        with self.engine.connect() as conn:
            try:
                yield SqlStore(conn, self.cipher)
            finally:
                if conn.in_transaction():
                    conn.rollback()

    @contextmanager
    def read(self) -> Iterator[SqlStore]:
        """A store for one read-only statement (a status read): on PostgreSQL the connection runs in
        autocommit, so the statement is its own transaction and no `BEGIN` and `ROLLBACK` round trips
        surround it (two of the three a status read made, bench/api.py). Nothing may be written through
        it. SQLite: an ordinary transaction."""
        if self.engine.dialect.name != "postgresql":
            with self() as store:
                yield store
            return
        with self.engine.connect() as conn:
            # On the driver's connection, not SQLAlchemy's isolation_level option: that one resets the
            # connection on its return to the pool at about the cost of the round trips it saves.
            driver = conn.connection.driver_connection
            driver.autocommit = True  # type: ignore[union-attr]
            try:
                yield SqlStore(conn, self.cipher)
            finally:
                conn.rollback()  # SQLAlchemy's bookkeeping only: in autocommit the driver has nothing to end
                driver.autocommit = False  # type: ignore[union-attr]

    @contextmanager
    def with_accounts(self) -> Iterator[tuple[SqlStore, SqlAccountStore]]:
        """One transaction for the workflow and the accounts tables (a request that acts and records its
        Idempotency-Key): one connection, one commit — `store.commit()` commits both."""
        with self() as store:
            yield store, SqlAccountStore(store.conn)
