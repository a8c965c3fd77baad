"""Applications (备案申请) and their event history in the store: rows to `Application` and back, with
the personal values of the document encrypted on the way in and decrypted on the way out, saved with
compare-and-set on `version`; and the append-only event log.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import RowMapping

from ...domain.errors import ConcurrentUpdate, NotFound
from ...domain.model import Application, ApplicationKind, EventRecord
from ...domain.pii import map_pii
from ...domain.regulator import RejectionReason
from ...domain.workflow import State
from . import tables as t
from .store_base import StoreBase

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
_INSERT_EVENT = t.events.insert().inline()


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


class ApplicationsMixin(StoreBase):
    # ----- personal information at rest ------------------------------------------------------------
    def _seal_document(self, document: dict[str, Any]) -> dict[str, Any]:
        return map_pii(document, lambda value, _kind: self.cipher.encrypt(value))

    def _open_document(self, document: dict[str, Any]) -> dict[str, Any]:
        return map_pii(document, lambda value, _kind: self.cipher.reveal(value))

    def _app(self, row: RowMapping) -> Application:
        return _app(row, self._open_document(dict(row["document"])))

    def _app_values(self, app: Application) -> dict[str, Any]:
        return {**_app_values(app), "document": self._seal_document(app.document)}

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
