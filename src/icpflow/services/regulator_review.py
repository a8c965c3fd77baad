"""Use cases of the regulator's stage: MIIT SMS verification (工信部短信核验) — the code, a manual
operator's record, a resend, a contact-only change after expiry — and the bureau's decision (管局审核)."""

from __future__ import annotations

from typing import Any

from ..domain.errors import InvalidRequest, SubmissionBlocked, WrongSmsCode
from ..domain.model import Application
from ..domain.parsing import parse_mapping
from ..domain.regulator import BureauDecision
from ..domain.workflow import Event, advance
from .ports import Store
from .precheck import check_document
from .workflow import Workflow, _apply, _check_owner, _check_version, _now, _situation, _transition

# ----- MIIT SMS verification -----------------------------------------------------------------------

def verify_sms(wf: Workflow, application_id: str, code: str, *, actor: str, expected_version: int) -> Application:
    """The filer enters the code the (simulated) MIIT texted; the current attempt's codes count."""
    now = _now(wf)
    with wf.uow() as store:
        app = store.get_application(application_id)
        _check_owner(app, actor, staff=False)
        _check_version(app, expected_version)
        advance(app.state, Event.SMS_VERIFIED, _situation(wf, app))
        valid = {e.code for e in store.sms_of(app.id) if e.attempt == app.sms_attempt}
        if code.strip() not in valid:
            raise WrongSmsCode()
        _apply(wf, store, app, Event.SMS_VERIFIED, actor, now, expected_version=expected_version)
        store.commit()
        return app


def record_sms_verified(wf: Workflow, application_id: str, *, operator: str, expected_version: int) -> Application:
    """Manual mode: an operator records that the principals verified on the MIIT site."""
    return _transition(wf, application_id, Event.SMS_VERIFIED, operator, expected_version, owner_only=False,
                       manual=True)


def resend_sms(wf: Workflow, application_id: str, *, actor: str, expected_version: int) -> Application:
    return _transition(wf, application_id, Event.SMS_RESEND, actor, expected_version, owner_only=True)


CONTACT_FIELDS = ("mobile", "emergency_phone", "email", "emergency_contact_name")


def _contact_only(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The paths where `new` differs from `old` outside the principals' contact fields."""
    def strip(doc: dict[str, Any]) -> dict[str, Any]:
        copy: dict[str, Any] = {**doc, "subject": {**doc.get("subject", {})}, "program": {**doc.get("program", {})}}
        for section in ("subject", "program"):
            person = copy[section].get("principal")
            if isinstance(person, dict):
                copy[section]["principal"] = {k: v for k, v in person.items() if k not in CONTACT_FIELDS}
        return copy

    a, b = strip(old), strip(new)
    return sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))


def change_contacts(wf: Workflow, application_id: str, document: dict[str, Any], *, actor: str,
                    expected_version: int) -> Application:
    """After an SMS expiry: change only the contact details and resend, without a new platform review
    (seed 004 §3.1 仅修改备案联系方式)."""
    doc = parse_mapping(document)
    now = _now(wf)
    with wf.uow() as store:
        app = store.get_application(application_id)
        _check_owner(app, actor, staff=False)
        changed = _contact_only(app.document, document)
        if changed:
            raise InvalidRequest("仅修改联系方式时只能修改负责人的手机号码、应急电话和电子邮箱，"
                                 f"以下部分也被修改了：{'、'.join(changed)}", changed=changed)
        report = check_document(doc, checker=wf.checker, clock=wf.clock)
        contact_rules = ("field.mobile", "field.emergency_phone", "field.email", "nationwide.emergency_phone_differs",
                         "nationwide.phones_not_shared")
        problems = [f.to_dict() for f in report.findings
                    if f.rule in contact_rules and f.severity.value == "error"]
        if problems:
            raise SubmissionBlocked({**report.to_dict(), "findings": problems, "requirements": []})
        app.document = document
        _apply(wf, store, app, Event.CONTACT_CHANGE, actor, now, expected_version=expected_version)
        store.commit()
        return app


# ----- the bureau ----------------------------------------------------------------------------------

def apply_bureau_decision(wf: Workflow, application_id: str, decision: BureauDecision, *, actor: str,
                          expected_version: int | None = None, store: Store | None = None) -> Application:
    """The bureau approved (number issued, or record cancelled) or rejected with reasons."""
    if store is not None:
        return _bureau_decision(wf, store, application_id, decision, actor, expected_version)
    with wf.uow() as own:
        app = _bureau_decision(wf, own, application_id, decision, actor, expected_version)
        own.commit()
        return app


def _bureau_decision(wf: Workflow, store: Store, application_id: str, decision: BureauDecision, actor: str,
                     expected_version: int | None) -> Application:
    now = _now(wf)
    app = store.get_application(application_id, lock=True)
    if decision.approved:
        if decision.number:
            app.issued_number = decision.number.strip()
        _apply(wf, store, app, Event.BUREAU_APPROVE, actor, now, expected_version=expected_version,
               number=app.issued_number)
    else:
        if not decision.reasons:
            raise InvalidRequest("管局驳回时至少记录一条原因")
        app.reasons = list(decision.reasons)
        _apply(wf, store, app, Event.BUREAU_REJECT, actor, now, expected_version=expected_version,
               reasons=[r.code for r in decision.reasons])
    return app
