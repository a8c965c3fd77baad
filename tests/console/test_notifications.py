"""The in-site notifications page (/notifications): every role reads its own inbox, newest first, unread
marked, paginated; marking one or all as read is a POST with the CSRF token and never touches another
inbox."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from icpflow.domain.model import InboxMessage
from icpflow.services.notify import OPERATORS

from ..api.conftest import START, Api, _build
from .support import Client, created, sweep, to_sms


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    yield from _build(tmp_path / "data")


def _deliver(api: Api, recipient: str, count: int, *, application_id: str = "", prefix: str = "通知") -> None:
    with api.runtime.workflow.uow() as store:
        for i in range(count):
            store.add_inbox_message(InboxMessage(f"test:{recipient}:{prefix}:{i}", recipient, f"{prefix} {i + 1}",
                                                 f"正文 {i + 1}", START + dt.timedelta(minutes=i), application_id))
        store.commit()


def _subjects(html: str) -> list[str]:
    return re.findall(r"<strong>([^<]+)</strong>\s*<time", html)


def _message_ids(html: str) -> list[str]:
    return re.findall(r'<li id="msg-(\d+)"', html)


def test_a_filer_reads_the_state_changes_of_their_filing_with_a_link_to_it(api: Api) -> None:
    app = to_sms(api, created(api))
    sweep(api)
    filer = Client(api, "filer-a")
    page = filer.get("/notifications")
    assert page.status_code == 200
    assert "备案状态更新：待工信部短信核验" in page.text and "【模拟】工信部核验短信已发送" in page.text
    assert f'href="/filings/{app.id}"' in page.text
    assert re.search(r'<span class="badge">未读</span>', page.text)
    other = Client(api, "filer-b").get("/notifications")
    assert "备案状态更新" not in other.text and "还没有通知" in other.text


def test_notifications_are_newest_first_and_paginated(api: Api) -> None:
    recipient = api.users["filer-a"].account_id
    _deliver(api, recipient, 25)
    filer = Client(api, "filer-a")
    first = filer.get("/notifications")
    assert _subjects(first.text)[:2] == ["通知 25", "通知 24"] and len(_subjects(first.text)) == 20
    assert "第 1 / 2 页" in first.text and 'href="/notifications?page=2"' in first.text
    second = filer.get("/notifications?page=2")
    assert _subjects(second.text) == ["通知 5", "通知 4", "通知 3", "通知 2", "通知 1"]
    assert filer.get("/notifications?page=99").text.count("第 2 / 2 页") == 1  # past the end: the last page
    assert "第 1 / 2 页" in filer.get("/notifications?page=abc").text
    assert "未读 <strong id=\"unread-count\">25</strong>" in first.text


def test_marking_one_read_changes_only_that_message(api: Api) -> None:
    _deliver(api, api.users["filer-a"].account_id, 3)
    filer = Client(api, "filer-a")
    page = filer.get("/notifications")
    newest, middle, _ = _message_ids(page.text)
    answer = filer.post(f"/notifications/{middle}/read", {"page": "1"})
    assert answer.status_code == 303 and answer.headers["location"].endswith(f"#msg-{middle}")
    after = filer.follow(answer)
    assert re.search(rf'<li id="msg-{middle}" class="read">', after.text)
    assert re.search(rf'<li id="msg-{newest}" class="unread">', after.text)
    assert 'id="unread-count">2<' in after.text
    assert filer.post(f"/notifications/{middle}/read").status_code == 303  # again: still fine


def test_a_message_of_another_inbox_cannot_be_marked(api: Api) -> None:
    _deliver(api, api.users["filer-b"].account_id, 1)
    theirs = _message_ids(Client(api, "filer-b").get("/notifications").text)[0]
    filer = Client(api, "filer-a")
    filer.get("/notifications")
    for message_id in (theirs, "0", "abc", str(2**40)):
        assert filer.post(f"/notifications/{message_id}/read").status_code == 404
    assert 'id="unread-count">1<' in Client(api, "filer-b").get("/notifications").text


def test_mark_all_read_empties_the_unread_count_of_this_inbox_only(api: Api) -> None:
    _deliver(api, api.users["filer-a"].account_id, 4)
    _deliver(api, api.users["filer-b"].account_id, 2)
    filer = Client(api, "filer-a")
    filer.get("/notifications")
    answer = filer.post("/notifications/read-all")
    assert "notice=" in answer.headers["location"]
    after = filer.follow(answer)
    assert "已将 4 条通知标为已读" in after.text and 'id="unread-count">0<' in after.text
    assert 'action="/notifications/read-all"' not in after.text and "未读</span>" not in after.text
    assert 'id="unread-count">2<' in Client(api, "filer-b").get("/notifications").text
    assert "没有未读通知" in filer.follow(filer.post("/notifications/read-all")).text


def test_marking_read_needs_the_csrf_token(api: Api) -> None:
    _deliver(api, api.users["filer-a"].account_id, 1)
    filer = Client(api, "filer-a")
    message_id = _message_ids(filer.get("/notifications").text)[0]
    assert filer.post(f"/notifications/{message_id}/read", csrf=False).status_code == 403
    assert filer.post("/notifications/read-all", csrf=False).status_code == 403
    assert 'id="unread-count">1<' in filer.get("/notifications").text


def test_every_role_has_the_page_and_operators_read_the_operators_inbox(api: Api) -> None:
    _deliver(api, OPERATORS, 1, application_id="app-1", prefix="超时提醒")
    _deliver(api, api.users["reviewer"].account_id, 1, application_id="app-2", prefix="审核提醒")
    operator = Client(api, "operator").get("/notifications")
    assert operator.status_code == 200 and "超时提醒 1" in operator.text and 'href="/review/app-1"' in operator.text
    assert "运营人员共用一个通知箱" in operator.text
    reviewer = Client(api, "reviewer").get("/notifications")
    assert "审核提醒 1" in reviewer.text and "超时提醒" not in reviewer.text
    assert 'href="/review/app-2"' in reviewer.text
    auditor = Client(api, "auditor").get("/notifications")
    assert auditor.status_code == 200 and "还没有通知" in auditor.text
    anonymous = api.anonymous().get("/notifications", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
