"""Change filings, cancellations and the contact-only change in the console: what a filed record offers,
the confirmation before a cancellation, the change draft pre-filled from the current document, the contact
form after an SMS expiry — and that nobody but the owner reaches any of it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from icpflow.domain.model import ApplicationKind
from icpflow.domain.workflow import State
from icpflow.services import filings, records

from ..api.conftest import Api, _build, filing_doc
from .support import Client, created, filed, sweep, to_decision, to_sms


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    yield from _build(tmp_path / "data")


def _app(api: Api, location: str) -> Any:
    found = re.search(r"/filings/([0-9a-f-]{36})", location)
    assert found, location
    return filings.get_application(api.runtime.workflow, found.group(1), actor="", staff=True)


def _publishable(api: Api, appid: str) -> bool:
    with api.runtime.workflow.uow() as store:
        return records.may_publish(store, appid).allowed


# ----- what a filing page offers ------------------------------------------------------------------------------

def test_a_filed_record_offers_change_and_the_three_cancellations_and_a_draft_does_not(api: Api) -> None:
    done = filed(api)
    draft = created(api, seq=2)
    filer = Client(api, "filer-a")
    page = filer.get(f"/filings/{done.id}")
    assert f'action="/filings/{done.id}/change"' in page.text and "变更备案" in page.text
    for slug in ("program", "access", "subject"):
        assert f'href="/filings/{done.id}/cancel/{slug}"' in page.text
    assert f"备案号 {done.issued_number} 的后续操作" in page.text
    quiet = filer.get(f"/filings/{draft.id}")
    assert "/change" not in quiet.text and "/cancel/" not in quiet.text


def test_a_change_filing_starts_from_the_current_document_and_the_record_stays_valid(api: Api) -> None:
    done = filed(api)
    filer = Client(api, "filer-a")
    filer.get(f"/filings/{done.id}")
    answer = filer.post(f"/filings/{done.id}/change")
    assert answer.status_code == 303 and "?step=1" in answer.headers["location"]
    change = _app(api, answer.headers["location"])
    assert change.kind is ApplicationKind.CHANGE and change.state is State.DRAFT
    assert change.record_number == done.issued_number
    expected = {**done.document, "kind": "change", "record_number": done.issued_number}
    expected["subject"] = {**done.document["subject"],
                           "principal": {**done.document["subject"]["principal"], "face_verified": False}}
    assert change.document == expected
    wizard = filer.follow(answer)
    assert "已创建变更备案草稿" in wizard.text and 'name="subject.name"' in wizard.text  # the wizard edits it
    assert _publishable(api, done.document["program"]["appid"])
    # the record page now links the change under way instead of offering a second one
    page = filer.get(f"/filings/{done.id}")
    assert f'action="/filings/{done.id}/change"' not in page.text
    assert f'进行中的变更备案：<a href="/filings/{change.id}">' in page.text
    again = filer.post(f"/filings/{done.id}/change")
    assert "error=" in again.headers["location"] and filer.follow(again).text.count("进行中的同类申请") == 1


def test_a_change_is_refused_once_the_record_is_cancelled(api: Api) -> None:
    done = filed(api)
    filer = Client(api, "filer-a")
    filer.get(f"/filings/{done.id}/cancel/program")
    cancel = _app(api, filer.post(f"/filings/{done.id}/cancel/program", {"confirm": "yes"}).headers["location"])
    to_decision(api, to_sms_from_review(api, cancel))
    page = filer.get(f"/filings/{done.id}")
    assert "/change" not in page.text and "/cancel/" not in page.text
    refused = filer.post(f"/filings/{done.id}/change")
    assert "error=" in refused.headers["location"]
    assert "没有有效的备案号" in filer.follow(refused).text


def to_sms_from_review(api: Api, app: Any) -> Any:
    """A submitted cancellation approved by the reviewer, its SMS sent."""
    app = filings.platform_approve(api.runtime.workflow, app.id, reviewer=api.users["reviewer"].account_id,
                                   expected_version=app.version)
    sweep(api)
    return filings.get_application(api.runtime.workflow, app.id, actor=app.owner)


# ----- cancellations ------------------------------------------------------------------------------------------

def test_cancelling_the_mini_program_asks_for_confirmation_then_submits_and_the_record_goes(api: Api) -> None:
    done = filed(api)
    appid = done.document["program"]["appid"]
    mobile = done.document["subject"]["principal"]["mobile"]
    filer = Client(api, "filer-a")
    page = filer.get(f"/filings/{done.id}/cancel/program")
    assert page.status_code == 200
    assert "管局审核通过后该备案号失效" in page.text and done.issued_number in page.text
    assert mobile not in page.text and f"{mobile[:3]}****{mobile[-4:]}" in page.text  # masked
    unconfirmed = filer.post(f"/filings/{done.id}/cancel/program", {"reason": "业务调整"})
    assert unconfirmed.status_code == 422 and "确认：请勾选" in unconfirmed.text
    assert ">业务调整</textarea>" in unconfirmed.text  # kept
    answer = filer.post(f"/filings/{done.id}/cancel/program", {"reason": "业务调整", "confirm": "yes"})
    assert answer.status_code == 303
    cancel = _app(api, answer.headers["location"])
    assert cancel.kind is ApplicationKind.CANCEL_PROGRAM and cancel.state is State.PLATFORM_REVIEW
    assert cancel.document["reason"] == "业务调整" and cancel.record_number == done.issued_number
    assert "已提交注销小程序申请" in filer.follow(answer).text
    assert _publishable(api, appid)  # valid until the bureau approves
    gone = to_decision(api, to_sms_from_review(api, cancel))
    assert gone.state is State.CANCELLED and not _publishable(api, appid)


def test_cancelling_the_subject_says_every_record_goes_and_names_the_subject_record(api: Api) -> None:
    first = filed(api)
    second_doc = filing_doc()
    second_doc["program"].update(appid="wx00000000000000e1", name="读书打卡")
    second = filed(api, doc=second_doc)
    subject_record = first.issued_number.split("-")[0]
    filer = Client(api, "filer-a")
    page = filer.get(f"/filings/{second.id}/cancel/subject")
    assert "该主体名下的全部备案号都将注销" in page.text
    for number in (subject_record, first.issued_number, second.issued_number):
        assert f"<code>{number}</code>" in page.text
    answer = filer.post(f"/filings/{second.id}/cancel/subject", {"confirm": "yes"})
    cancel = _app(api, answer.headers["location"])
    assert cancel.kind is ApplicationKind.CANCEL_SUBJECT and cancel.record_number == subject_record
    assert cancel.state is State.PLATFORM_REVIEW
    # the same cancellation cannot be started twice while one is under way
    again = filer.get(f"/filings/{first.id}/cancel/subject")
    assert 'action="/filings/' not in again.text.split("将会发生什么")[1]
    assert f'href="/filings/{cancel.id}"' in again.text
    assert filer.post(f"/filings/{first.id}/cancel/subject", {"confirm": "yes"}).status_code == 422


def test_cancelling_access_is_its_own_kind(api: Api) -> None:
    done = filed(api)
    filer = Client(api, "filer-a")
    page = filer.get(f"/filings/{done.id}/cancel/access")
    assert "取消小程序" in page.text and "在本平台的接入" in page.text
    cancel = _app(api, filer.post(f"/filings/{done.id}/cancel/access", {"confirm": "yes"}).headers["location"])
    assert cancel.kind is ApplicationKind.CANCEL_ACCESS
    assert filer.get(f"/filings/{done.id}/cancel/everything").status_code == 404


def test_a_filing_without_an_active_record_has_nothing_to_cancel(api: Api) -> None:
    draft = created(api)
    filer = Client(api, "filer-a")
    page = filer.get(f"/filings/{draft.id}/cancel/program")
    assert "没有有效的备案号，不能注销小程序" in page.text and 'name="confirm"' not in page.text
    refused = filer.post(f"/filings/{draft.id}/cancel/program", {"confirm": "yes"})
    assert refused.status_code == 422 and "没有有效的备案号" in refused.text
    with api.runtime.workflow.uow() as store:
        assert len(store.list_applications(owner=api.users["filer-a"].account_id)) == 1


# ----- the contact-only change ----------------------------------------------------------------------------

def _expired(api: Api) -> Any:
    app = to_sms(api, created(api))
    api.clock.advance(hours=25)
    sweep(api)
    app = filings.get_application(api.runtime.workflow, app.id, actor=app.owner)
    assert app.state is State.SMS_EXPIRED
    return app


def _audited(api: Api, action: str, target: str) -> list[dict[str, Any]]:
    return [e for e in api.accounts.audit_entries(500, 0) if e.get("action") == action and e.get("target") == target]


def test_after_an_sms_expiry_the_filer_changes_only_the_contacts_and_the_sms_goes_again(api: Api) -> None:
    app = _expired(api)
    mobile = app.document["subject"]["principal"]["mobile"]
    filer = Client(api, "filer-a")
    page = filer.get(f"/filings/{app.id}")
    assert f'href="/filings/{app.id}/contacts"' in page.text
    before = len(_audited(api, "pii_read", app.id))
    form = filer.get(f"/filings/{app.id}/contacts")
    assert form.status_code == 200 and f'value="{mobile}"' in form.text  # unmasked for its owner, to edit
    assert len(_audited(api, "pii_read", app.id)) == before + 1
    answer = filer.post(f"/filings/{app.id}/contacts", {"version": str(app.version),
                                                        "subject.principal.mobile": "13700000001"})
    assert answer.status_code == 303 and "#sms" in answer.headers["location"]
    changed = filings.get_application(api.runtime.workflow, app.id, actor=app.owner)
    assert changed.state is State.SMS_VERIFICATION
    assert changed.document["subject"]["principal"]["mobile"] == "13700000001"
    assert {k: v for k, v in changed.document.items() if k != "subject"} == \
        {k: v for k, v in app.document.items() if k != "subject"}
    sweep(api)
    with api.runtime.workflow.uow() as store:
        assert {e.phone for e in store.sms_of(app.id) if e.attempt == changed.sms_attempt} == {"13700000001"}


def test_a_contact_change_that_breaks_a_contact_rule_is_shown_beside_the_field(api: Api) -> None:
    app = _expired(api)
    mobile = app.document["subject"]["principal"]["mobile"]
    filer = Client(api, "filer-a")
    filer.get(f"/filings/{app.id}/contacts")
    answer = filer.post(f"/filings/{app.id}/contacts", {"version": str(app.version),
                                                        "subject.principal.emergency_phone": mobile,
                                                        "subject.principal.email": "li@example.com"})
    assert answer.status_code == 422
    box = re.search(r'id="fd-subject-principal-emergency_phone" aria-live="polite">(.*?)</div>', answer.text, re.S)
    assert box and "finding error" in box.group(1)
    assert 'value="li@example.com"' in answer.text  # kept
    assert filings.get_application(api.runtime.workflow, app.id, actor=app.owner).state is State.SMS_EXPIRED


def test_the_contact_form_is_only_for_an_expired_sms_verification(api: Api) -> None:
    app = to_sms(api, created(api))
    filer = Client(api, "filer-a")
    page = filer.get(f"/filings/{app.id}")
    assert f'href="/filings/{app.id}/contacts"' not in page.text and "核验超时后" in page.text
    assert filer.get(f"/filings/{app.id}/contacts").status_code == 409
    refused = filer.post(f"/filings/{app.id}/contacts", {"version": str(app.version),
                                                         "subject.principal.mobile": "13700000001"})
    assert refused.status_code == 409
    assert filings.get_application(api.runtime.workflow, app.id, actor=app.owner).state is State.SMS_VERIFICATION


# ----- who may --------------------------------------------------------------------------------------------

def test_another_filer_gets_not_found_and_staff_get_forbidden(api: Api) -> None:
    done = filed(api)
    other, reviewer = Client(api, "filer-b"), Client(api, "reviewer")
    for url in (f"/filings/{done.id}/cancel/program", f"/filings/{done.id}/contacts"):
        assert other.get(url).status_code == 404
        assert reviewer.get(url).status_code == 403
    for url, data in ((f"/filings/{done.id}/change", {}), (f"/filings/{done.id}/cancel/subject", {"confirm": "yes"}),
                      (f"/filings/{done.id}/contacts", {"version": "1"})):
        assert other.post(url, data).status_code == 404
        assert reviewer.post(url, data).status_code == 403
    filer = Client(api, "filer-a")
    assert filer.post(f"/filings/{done.id}/change", csrf=False).status_code == 403
    with api.runtime.workflow.uow() as store:
        assert len(store.list_applications()) == 1  # nothing was created by any of them
