"""Use cases a filer starts from what is already filed: a change filing (变更备案) pre-filled from the
current document, the three cancellations (注销小程序 / 取消接入 / 注销主体), and a new filing of another
mini-program under a subject the filer already has (新增小程序), which reuses that subject's sections.

The REST API and the CLI take these as whole documents (`filings.create_application`); here the
document is built from the filing the record came from, so the filer types nothing they typed before.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..domain.errors import InvalidRequest, NotOwner
from ..domain.model import Application, ApplicationKind
from ..domain.parsing import DocumentUnreadable, parse_mapping
from ..domain.workflow import State
from . import filings
from .filings import Workflow
from .ports import Store

#: states in which an application is finished: anything else is still being worked on
_FINISHED = (State.FILED, State.CANCELLED)
#: what a cancellation keeps of the subject section (`document.SubjectRef`)
_SUBJECT_REF_KEYS = ("nature", "name", "certificate", "address", "principal")
#: attachment slots that belong to the subject, the same for each of its mini-programs
SUBJECT_SLOTS = ("subject_certificate", "subject_principal_id", "subject_supplementary")
CHANGE_KINDS = (ApplicationKind.CHANGE, ApplicationKind.CANCEL_PROGRAM, ApplicationKind.CANCEL_ACCESS,
                ApplicationKind.CANCEL_SUBJECT)


@dataclass(frozen=True, slots=True)
class Standing:
    """Where the record behind one filed application stands, and what is already under way about it."""

    program_record: str  # the mini-program's active filing number ("" when none)
    subject_record: str  # the subject's own active number, 浙ICP备…号 ("" when none)
    subject_records: list[str]  # every active record of the subject: what 注销主体 cancels
    current: Application | None  # the latest filed new/change application of the mini-program
    pending: dict[str, Application] = field(default_factory=dict)  # kind -> an unfinished application

    def may_start(self, kind: ApplicationKind) -> bool:
        if kind.value in self.pending or self.current is None:
            return False
        return bool(self.subject_record if kind is ApplicationKind.CANCEL_SUBJECT else self.program_record)


def _owned(store: Store, owner: str) -> list[Application]:
    return store.list_applications(owner=owner, limit=10_000)


def _latest_filed(apps: Iterable[Application], *, program_id: str | None = None,
                  subject_id: str | None = None) -> Application | None:
    """The newest filed new or change application of a program (or subject): its document is current."""
    filed = [a for a in apps if a.state is State.FILED and a.kind in (ApplicationKind.NEW, ApplicationKind.CHANGE)
             and (program_id is None or a.program_id == program_id)
             and (subject_id is None or a.subject_id == subject_id)]
    return max(filed, key=lambda a: (a.updated_at is not None, a.updated_at), default=None)


def _standing(store: Store, app: Application) -> Standing:
    apps = _owned(store, app.owner)
    program_record = ""
    if app.program_id is not None:
        records = store.active_records(program_id=app.program_id)
        program_record = records[0].number if records else ""
    subject_records = store.active_records(subject_id=app.subject_id)
    own = [r.number for r in subject_records if r.program_id is None]
    pending: dict[str, Application] = {}
    for other in apps:
        if other.kind not in CHANGE_KINDS or other.state in _FINISHED:
            continue
        about = (other.subject_id == app.subject_id if other.kind is ApplicationKind.CANCEL_SUBJECT
                 else other.program_id is not None and other.program_id == app.program_id)
        if about:
            pending.setdefault(other.kind.value, other)
    current = _latest_filed(apps, program_id=app.program_id) if app.program_id else None
    return Standing(program_record, own[0] if own else "", [r.number for r in subject_records], current, pending)


def standing(wf: Workflow, application_id: str, *, actor: str) -> Standing:
    """The standing of the record behind `application_id` (the actor's own application)."""
    with wf.uow() as store:
        app = store.get_application(application_id)
        if app.owner != actor:
            raise NotOwner("备案申请", app.id)
        return _standing(store, app)


def _person_copy(person: Any) -> Any:
    """A principal carried into a new application: face verification is per application (人脸核身)."""
    if isinstance(person, dict):
        return {**person, "face_verified": False}
    return person


def _checked(wf: Workflow, application_id: str, actor: str, kind: ApplicationKind) -> Standing:
    found = standing(wf, application_id, actor=actor)
    if kind.value in found.pending:
        raise InvalidRequest("该备案已有一份进行中的同类申请，请先处理它", application_id=found.pending[kind.value].id)
    if not found.may_start(kind):
        what = "主办单位没有有效的主体备案号" if kind is ApplicationKind.CANCEL_SUBJECT else "该小程序没有有效的备案号"
        raise InvalidRequest(f"{what}，无法{_KIND_VERBS[kind]}")
    return found


_KIND_VERBS = {ApplicationKind.CHANGE: "变更备案", ApplicationKind.CANCEL_PROGRAM: "注销小程序",
               ApplicationKind.CANCEL_ACCESS: "取消接入", ApplicationKind.CANCEL_SUBJECT: "注销主体"}


def start_change(wf: Workflow, application_id: str, *, actor: str) -> Application:
    """A change filing (变更备案) draft, pre-filled from the mini-program's current filed document. The
    record stays valid and keeps its number while the change is reviewed."""
    found = _checked(wf, application_id, actor, ApplicationKind.CHANGE)
    assert found.current is not None  # may_start
    document = copy.deepcopy(found.current.document)
    document.pop("submitted_on", None)
    document.update(kind=ApplicationKind.CHANGE.value, record_number=found.program_record)
    subject = document.get("subject")
    if isinstance(subject, dict):
        subject["principal"] = _person_copy(subject.get("principal"))
    program = document.get("program")
    if isinstance(program, dict):
        program["principal"] = _person_copy(program.get("principal"))
    return filings.create_application(wf, owner=actor, document=document)


def cancellation_document(current: dict[str, Any], kind: ApplicationKind, *, program_record: str,
                          subject_record: str, reason: str) -> dict[str, Any]:
    """The cancellation document (注销主体 / 注销小程序 / 取消接入) for a filing whose current document is
    `current`: the subject as filed (its principal receives MIIT's confirmation SMS) and the record."""
    subject = current.get("subject") or {}
    ref = {k: copy.deepcopy(subject[k]) for k in _SUBJECT_REF_KEYS if subject.get(k) is not None}
    ref["principal"] = _person_copy(ref.get("principal"))
    document: dict[str, Any] = {"schema_version": 1, "kind": kind.value, "reason": reason.strip(), "subject": ref,
                                "attachments": []}
    if kind is ApplicationKind.CANCEL_SUBJECT:
        document["record_number"] = subject_record
    else:
        program = current.get("program") or {}
        document["program"] = {"type": program.get("type", "mini_program"), "appid": program.get("appid", ""),
                               "name": program.get("name", ""), "record_number": program_record}
    return document


def start_cancellation(wf: Workflow, application_id: str, kind: ApplicationKind, *, actor: str,
                       reason: str = "") -> Application:
    """A cancellation draft for the record behind `application_id`. The caller submits it."""
    if not kind.is_cancellation:
        raise InvalidRequest(f"“{kind.value}”不是注销类申请")
    if len(reason) > 500:
        raise InvalidRequest("注销原因不能超过 500 个字")
    found = _checked(wf, application_id, actor, kind)
    assert found.current is not None  # may_start
    document = cancellation_document(found.current.document, kind, program_record=found.program_record,
                                     subject_record=found.subject_record, reason=reason)
    return filings.create_application(wf, owner=actor, document=document)


# ----- 新增小程序: another mini-program under a subject the filer already has ----------------------------

@dataclass(frozen=True, slots=True)
class SubjectChoice:
    """A subject of the filer whose sections a new mini-program's filing can reuse."""

    id: str
    name: str
    record_number: str  # its own active record ("" while its first filing is under way)
    programs: int  # mini-programs it has (filed or being filed)


def _base_document(apps: Iterable[Application], subject_id: str) -> dict[str, Any] | None:
    """The subject's current full document: the latest filed one, else the latest one that parses."""
    apps = list(apps)
    filed = _latest_filed(apps, subject_id=subject_id)
    if filed is not None:
        return filed.document
    for app in apps:  # newest first (the store's order)
        if app.subject_id != subject_id or app.kind not in (ApplicationKind.NEW, ApplicationKind.CHANGE):
            continue
        try:
            parse_mapping(app.document)
        except DocumentUnreadable:
            continue
        return app.document
    return None


def reusable_subjects(wf: Workflow, owner: str) -> list[SubjectChoice]:
    """The filer's subjects that have a full filing document to reuse, oldest first."""
    with wf.uow() as store:
        apps = _owned(store, owner)
        choices = []
        for subject in store.subjects_of(owner):
            if _base_document(apps, subject.id) is None:
                continue
            own = [r.number for r in store.active_records(subject_id=subject.id) if r.program_id is None]
            choices.append(SubjectChoice(subject.id, subject.name, own[0] if own else "",
                                         len(store.programs_of(subject.id))))
        return choices


def document_for_subject(wf: Workflow, owner: str, subject_id: str, program: dict[str, Any]) -> dict[str, Any]:
    """A new filing of `program` (type, appid, name, …) under the filer's subject `subject_id`: the subject
    section and the subject's own attachments (certificate, principal's ID, supplementary materials)
    copied from its current document; the mini-program principal defaults to the subject principal."""
    with wf.uow() as store:
        subject = next((s for s in store.subjects_of(owner) if s.id == subject_id), None)
        base = _base_document(_owned(store, owner), subject_id) if subject is not None else None
        if subject is None or base is None:
            raise InvalidRequest("请选择您名下已有备案信息的主办单位", field="subject_id")
        count = len(store.programs_of(subject_id)) + 1
    section = copy.deepcopy(base["subject"])
    section["principal"] = _person_copy(section.get("principal"))
    attachments = [copy.deepcopy(a) for a in base.get("attachments", [])
                   if isinstance(a, dict) and a.get("slot") in SUBJECT_SLOTS]
    return {
        "schema_version": 1, "kind": ApplicationKind.NEW.value,
        "program": {"principal": "same_as_subject_principal", "count_under_subject": count, **program},
        "subject": section, "attachments": attachments,
    }
