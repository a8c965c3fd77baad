"""On SQLite and PostgreSQL: the inbox's read state (count, mark one, mark all, one inbox never touches
another), and the record actions — change and cancellation drafts from a filed record, 新增小程序 from a
subject's current document."""

from __future__ import annotations

import datetime as dt

import pytest

from icpflow.domain.errors import InvalidRequest, NotOwner
from icpflow.domain.model import ApplicationKind, InboxMessage
from icpflow.domain.parsing import parse_mapping
from icpflow.services import filings, inbox, record_actions

from .conftest import FILER, START, Desk, filing

OTHER = "filer-2"


def _deliver(desk: Desk, recipient: str, count: int) -> None:
    with desk.wf.uow() as store:
        for i in range(count):
            store.add_inbox_message(InboxMessage(f"k:{recipient}:{i}", recipient, f"s{i}", "b",
                                                 START + dt.timedelta(minutes=i)))
        store.commit()


def test_an_inbox_counts_pages_and_marks_read_per_recipient(desk: Desk) -> None:
    _deliver(desk, FILER, 5)
    _deliver(desk, OTHER, 2)
    page = inbox.read_page(desk.wf, FILER, 2, size=2)
    assert (page.page, page.pages, page.total, page.unread) == (2, 3, 5, 5)
    assert [m.subject for m in page.messages] == ["s2", "s1"]
    target = page.messages[0]
    assert target.id is not None and target.read_at is None
    assert inbox.mark_read(desk.wf, FILER, target.id)
    assert not inbox.mark_read(desk.wf, OTHER, target.id)  # another inbox's message
    desk.clock.advance(minutes=5)
    assert inbox.mark_read(desk.wf, FILER, target.id)  # again: fine, first read time kept
    again = inbox.read_page(desk.wf, FILER, 2, size=2).messages[0]
    assert again.read_at == START
    assert inbox.read_page(desk.wf, FILER).unread == 4
    assert inbox.mark_all_read(desk.wf, FILER) == 4
    assert inbox.mark_all_read(desk.wf, FILER) == 0
    assert inbox.read_page(desk.wf, OTHER).unread == 2
    assert inbox.read_page(desk.wf, "nobody", 7) == inbox.InboxPage([], 1, 1, 0, 0)


def _filed(desk: Desk, doc: dict[str, object] | None = None) -> filings.Application:
    return desk.let_bureau_decide(desk.to_bureau(desk.new(doc)))


def test_a_change_draft_copies_the_current_document_and_names_the_record(desk: Desk) -> None:
    first = _filed(desk)
    change = record_actions.start_change(desk.wf, first.id, actor=FILER)
    assert change.kind is ApplicationKind.CHANGE and change.record_number == first.issued_number
    assert change.document["program"] == first.document["program"]
    parse_mapping(change.document)
    standing = record_actions.standing(desk.wf, first.id, actor=FILER)
    assert standing.pending["change"].id == change.id and not standing.may_start(ApplicationKind.CHANGE)
    assert standing.may_start(ApplicationKind.CANCEL_PROGRAM)
    with pytest.raises(InvalidRequest):
        record_actions.start_change(desk.wf, first.id, actor=FILER)
    with pytest.raises(NotOwner):
        record_actions.start_change(desk.wf, first.id, actor=OTHER)


def test_nothing_can_be_started_from_a_record_that_is_not_filed(desk: Desk) -> None:
    draft = desk.new()
    standing = record_actions.standing(desk.wf, draft.id, actor=FILER)
    assert standing.program_record == "" and standing.current is None
    for kind in (ApplicationKind.CHANGE, ApplicationKind.CANCEL_SUBJECT):
        assert not standing.may_start(kind)
    with pytest.raises(InvalidRequest):
        record_actions.start_cancellation(desk.wf, draft.id, ApplicationKind.CANCEL_PROGRAM, actor=FILER)


@pytest.mark.parametrize("kind", [ApplicationKind.CANCEL_PROGRAM, ApplicationKind.CANCEL_ACCESS,
                                  ApplicationKind.CANCEL_SUBJECT])
def test_a_cancellation_built_from_the_record_goes_through_to_cancelled(desk: Desk, kind: ApplicationKind) -> None:
    first = _filed(desk)
    cancel = record_actions.start_cancellation(desk.wf, first.id, kind, actor=FILER, reason="业务调整")
    expected = first.issued_number.split("-")[0] if kind is ApplicationKind.CANCEL_SUBJECT else first.issued_number
    assert cancel.record_number == expected and cancel.document["reason"] == "业务调整"
    done = desk.let_bureau_decide(desk.to_bureau(cancel))
    assert done.state.value == "cancelled"
    with desk.wf.uow() as store:
        assert store.active_records(program_id=first.program_id) == []


def test_a_cancellation_refuses_a_change_filing_kind_and_an_overlong_reason(desk: Desk) -> None:
    first = _filed(desk)
    with pytest.raises(InvalidRequest):
        record_actions.start_cancellation(desk.wf, first.id, ApplicationKind.CHANGE, actor=FILER)
    with pytest.raises(InvalidRequest):
        record_actions.start_cancellation(desk.wf, first.id, ApplicationKind.CANCEL_ACCESS, actor=FILER,
                                          reason="很" * 501)


def test_a_new_mini_program_reuses_the_filed_subject_and_counts_its_programs(desk: Desk) -> None:
    first = _filed(desk)
    choices = record_actions.reusable_subjects(desk.wf, FILER)
    assert [(c.id, c.record_number, c.programs) for c in choices] == \
        [(first.subject_id, first.issued_number.split("-")[0], 1)]
    assert record_actions.reusable_subjects(desk.wf, OTHER) == []
    doc = record_actions.document_for_subject(desk.wf, FILER, first.subject_id,
                                              {"type": "mini_program", "appid": "wx00000000000000d1", "name": "读书"})
    assert doc["subject"]["certificate"] == first.document["subject"]["certificate"]
    assert doc["program"]["count_under_subject"] == 2
    assert doc["subject"]["principal"]["face_verified"] is False  # face verification is per filing
    doc["subject"]["principal"]["face_verified"] = True  # this desk trusts the document's flag (no face tasks)
    second = _filed(desk, doc)
    assert second.issued_number.endswith("-2X")
    with pytest.raises(InvalidRequest):
        record_actions.document_for_subject(desk.wf, OTHER, first.subject_id, {})


def test_a_subject_whose_only_draft_does_not_parse_is_not_offered(desk: Desk) -> None:
    app = desk.new(filing())
    with desk.wf.uow() as store:
        broken = store.get_application(app.id)
        broken.document = {**broken.document, "program": "not a program"}
        store.save_application(broken, broken.version)
        store.commit()
    assert record_actions.reusable_subjects(desk.wf, FILER) == []
