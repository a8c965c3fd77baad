"""Use cases of a draft (草稿): create one from a filing document (new, change or cancellation filings —
any of the five kinds), replace its document or one section of it, and go back to draft to fix and
resubmit after a rejection or a withdrawal."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from ..domain.errors import InvalidRequest, NotOwner
from ..domain.model import Application, ApplicationKind, EventRecord, Program, Subject
from ..domain.parsing import parse_mapping
from ..domain.workflow import STATE_LABELS, Event, State
from . import records
from .ports import Store
from .workflow import Workflow, _check_owner, _now, _transition


def create_application(wf: Workflow, *, owner: str, document: dict[str, Any],
                       store: Store | None = None) -> Application:
    """A draft from a filing document (any of the five kinds). Subject and program are found by their
    certificate number and appid, or created; a change or cancellation must name an active record.

    With `store`, the work joins that transaction and the caller commits (the API records the request's
    Idempotency-Key in the same one); without, the use case commits its own."""
    doc = parse_mapping(document)  # DocumentUnreadable: the caller shows its problems
    now = _now(wf)
    kind = ApplicationKind(doc.kind)
    if kind.is_cancellation and doc.subject.principal is None:
        # MIIT confirms a cancellation by SMS to the principal (reference §4.1 cancel_icp_filing).
        raise InvalidRequest("注销申请须填写主办单位负责人信息（subject.principal），工信部将向其手机发送核验短信")
    if store is not None:
        return _create(wf, store, doc, kind, owner, document, now)
    with wf.uow() as own:
        app = _create(wf, own, doc, kind, owner, document, now)
        own.commit()
        return app


def _create(wf: Workflow, store: Store, doc: Any, kind: ApplicationKind, owner: str, document: dict[str, Any],
            now: dt.datetime) -> Application:
    """The draft, its subject and program (found or created) and its history, in `store`, uncommitted."""
    subject = store.find_subject(doc.subject.certificate.number.strip().upper())
    if subject is None:
        subject = Subject(str(uuid.uuid4()), doc.subject.certificate.number.strip().upper(), doc.subject.name,
                          doc.subject.nature.value, wf.checker.province_of(doc), owner, created_at=now)
        store.add_subject(subject)
    elif subject.owner != owner:
        raise NotOwner("主办单位", subject.certificate_number)
    program_id = None
    new_program = False
    named = getattr(doc, "program", None)
    if named is not None:
        program = store.find_program(named.appid)
        if program is None:
            listed = bool(getattr(named, "listed", False))
            program = Program(str(uuid.uuid4()), subject.id, named.appid, named.name, named.type.value, listed,
                              owner, created_at=now)
            store.add_program(program)
            new_program = True
        elif program.owner != owner:
            raise NotOwner("小程序", named.appid)
        elif program.subject_id != subject.id:
            raise InvalidRequest(f"小程序 {named.appid} 属于另一个主办单位，不能在此主体下备案")
        program_id = program.id
    # a mini-program created just now has no record, so a new filing of it refers to none (no look-up)
    new_filing_of_new_program = kind is ApplicationKind.NEW and new_program
    record_number = "" if new_filing_of_new_program else records.required_record(store, kind, subject, program_id, doc)
    app = Application(str(uuid.uuid4()), kind, owner, subject.id, program_id, subject.province,
                      document=document, record_number=record_number, gateway=wf.gateway_name,
                      created_at=now, updated_at=now)
    store.add_application(app)
    store.append_event(EventRecord(app.id, "create", "", State.DRAFT.value, owner, now, {"kind": kind.value}))
    return app


def update_document(wf: Workflow, application_id: str, document: dict[str, Any], *, actor: str,
                    expected_version: int) -> Application:
    """Replace a draft's document (the filer editing the form)."""
    parse_mapping(document)
    now = _now(wf)
    with wf.uow() as store:
        app = store.get_application(application_id)
        _check_owner(app, actor, staff=False)
        if app.state is not State.DRAFT:
            raise InvalidRequest(f"只有草稿可以修改，当前状态为“{STATE_LABELS[app.state]}”")
        app.document = document
        app.updated_at = now
        store.save_application(app, expected_version)
        store.append_event(EventRecord(app.id, "update", app.state.value, app.state.value, actor, now, {}))
        store.commit()
        return app


def edit(wf: Workflow, application_id: str, *, actor: str, expected_version: int) -> Application:
    """Back to draft after a rejection or a withdrawal, to fix and resubmit."""
    return _transition(wf, application_id, Event.EDIT, actor, expected_version, owner_only=True)


SECTIONS = ("subject", "program", "attachments")


def update_section(wf: Workflow, application_id: str, section: str, content: Any, *, actor: str,
                   expected_version: int) -> Application:
    """Replace one section of a draft's document (主办单位信息 / 备案小程序信息 / 附件)."""
    if section not in SECTIONS:
        raise InvalidRequest(f"未知的部分“{section}”，应为以下之一：{'、'.join(SECTIONS)}")
    with wf.uow() as store:
        current = store.get_application(application_id)
    document = {**current.document, section: content}
    return update_document(wf, application_id, document, actor=actor, expected_version=expected_version)
