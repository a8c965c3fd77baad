"""The web console over the real app (TestClient, SQLite, the simulator): pages per role, labels, CSRF,
and a filing walked from draft to number through plain HTML forms (no JavaScript)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from icpflow.bootstrap import load_rejections
from icpflow.domain.rejections import ReviewStage
from icpflow.services import worker

from ..api.conftest import PASSWORD, Api, _build, filing_doc
from .support import check_page, csrf_of


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    yield from _build(tmp_path / "data")


class Browser:
    def __init__(self, api: Api, username: str) -> None:
        self.client = TestClient(api.app)
        page = self.client.get("/login")
        assert page.status_code == 200
        check_page(page.text)
        done = self.client.post("/login", data={"username": username, "password": PASSWORD, "csrf": csrf_of(page.text)})
        assert done.status_code == 200, done.text
        self.home = done

    def get(self, url: str) -> Any:
        page = self.client.get(url)
        if page.status_code == 200:
            check_page(page.text)
        return page

    def submit(self, page_url: str, action: str, data: dict[str, Any] | None = None) -> Any:
        """POST a form of `page_url` with the page's CSRF token and version (as a browser would)."""
        page = self.client.get(page_url)
        fields: dict[str, Any] = {"csrf": csrf_of(page.text)}
        version = re.search(rf'action="{re.escape(action)}".*?name="version" value="(\d+)"', page.text, re.S)
        if version:
            fields["version"] = version.group(1)
        return self.client.post(action, data={**fields, **(data or {})})


def _new_filing(browser: Browser, doc: dict[str, Any] | None = None) -> str:
    import json

    page = browser.get("/filings/new")
    assert page.status_code == 200 and "示例" in page.text
    done = browser.client.post("/filings/new", data={"csrf": csrf_of(page.text),
                                                     "document": json.dumps(doc or filing_doc(), ensure_ascii=False)})
    assert done.status_code == 200, done.text
    found = re.search(r"/filings/([0-9a-f-]{36})", str(done.url))
    assert found
    return found.group(1)


def _sweep(api: Api) -> None:
    worker.sweep(api.runtime.workflow, api.runtime.gateway, api.runtime.notifiers)


def test_each_role_lands_on_its_home_page(api: Api) -> None:
    for user, title in [("filer-a", "我的备案"), ("reviewer", "平台初审队列"), ("operator", "运营"),
                        ("auditor", "平台初审队列")]:
        browser = Browser(api, user)
        assert title in browser.home.text
        check_page(browser.home.text)
    operator = Browser(api, "operator")
    page = operator.get("/operator")
    assert "规则目录" in page.text and "生效日期" in page.text and "备案申请（按状态" in page.text
    assert Browser(api, "filer-a").get("/operator").status_code == 403


def test_an_anonymous_visitor_is_sent_to_the_login_page(api: Api) -> None:
    client = api.anonymous()
    page = client.get("/filings")
    assert page.status_code == 200 and str(page.url).endswith("/login?next=%2Ffilings")
    assert client.get("/static/console/htmx.min.js").status_code == 200


def test_a_wrong_password_is_shown_on_the_login_form(api: Api) -> None:
    client = api.anonymous()
    page = client.get("/login")
    failed = client.post("/login", data={"username": "filer-a", "password": "nope nope nope",
                                         "csrf": csrf_of(page.text)})
    assert failed.status_code == 401 and "用户名" in failed.text


def test_a_filer_edits_a_step_and_sees_the_finding_appear_and_go(api: Api) -> None:
    filer = Browser(api, "filer-a")
    filing_id = _new_filing(filer)
    url = f"/filings/{filing_id}?step=2"
    page = filer.get(url)
    assert page.status_code == 200 and "主办单位负责人信息" in page.text
    mobile = filing_doc()["subject"]["principal"]["mobile"]
    form = {"step": "2", "csrf": csrf_of(page.text)}
    form.update(dict(re.findall(r'name="(subject\.principal\.[a-z_]+)" value="([^"]*)"', page.text)))
    form["subject.principal.id_type"] = "resident_id"
    form["subject.principal.is_legal_representative"] = "on"
    # as the filer types: the fragment (htmx) shows the finding beside the emergency phone
    fragment = filer.client.post(f"/filings/{filing_id}/precheck-fragment",
                                 data={**form, "subject.principal.emergency_phone": mobile})
    assert fragment.status_code == 200
    box = re.search(r'id="fd-subject-principal-emergency_phone" aria-live="polite" hx-swap-oob="true">(.*?)</div>',
                    fragment.text, re.S)
    assert box and "应急" in box.group(1)
    # saved without JavaScript: the page shows the finding next to the field
    saved = filer.client.post(f"/filings/{filing_id}/step/2",
                              data={**form, "version": "1", "subject.principal.emergency_phone": mobile})
    assert saved.status_code == 200 and "已保存" in saved.text
    box = re.search(r'id="fd-subject-principal-emergency_phone" aria-live="polite">(.*?)</div>', saved.text, re.S)
    assert box and "finding error" in box.group(1)
    # fixed: the finding goes
    fixed = filer.client.post(f"/filings/{filing_id}/step/2", data={**form, "version": "2"})
    box = re.search(r'id="fd-subject-principal-emergency_phone" aria-live="polite">(.*?)</div>', fixed.text, re.S)
    assert box and "finding" not in box.group(1)
    # a value that does not even parse is shown beside its field, and nothing is saved
    bad = filer.client.post(f"/filings/{filing_id}/step/2",
                            data={**form, "version": "3", "subject.principal.id_valid_from": "2020/01/01"})
    assert bad.status_code == 422
    box = r'id="fd-subject-principal-id_valid_from" aria-live="polite">\s*<p class="finding error">'
    assert re.search(box, bad.text)


def test_a_filing_goes_from_draft_to_number_through_the_console(api: Api) -> None:
    filer, reviewer, public = Browser(api, "filer-a"), Browser(api, "reviewer"), api.anonymous()
    filing_id = _new_filing(filer)
    page_url = f"/filings/{filing_id}"
    # every step renders with labelled fields
    for step in range(1, 6):
        assert filer.get(f"{page_url}?step={step}").status_code == 200
    refused = filer.submit(page_url, f"/filings/{filing_id}/submit")
    assert "人脸核身" in refused.text  # face verification first
    started = filer.submit(f"{page_url}?step=4", f"/filings/{filing_id}/face")
    assert "已通过" in started.text
    submitted = filer.submit(page_url, f"/filings/{filing_id}/submit")
    assert "平台初审中" in submitted.text and "剩余 3 个工作日" in submitted.text
    queue = reviewer.get("/review")
    assert f"/review/{filing_id}" in queue.text and 'class="sla-row ok"' in queue.text
    review = reviewer.get(f"/review/{filing_id}")
    assert "预检通过" in review.text and "驳回原因" in review.text
    assert filing_doc()["subject"]["principal"]["mobile"] not in review.text  # masked
    approved = reviewer.submit(f"/review/{filing_id}", f"/review/{filing_id}/approve")
    assert "已通过平台初审" in approved.text
    _sweep(api)
    sms_page = filer.get(page_url)
    assert "工信部短信核验" in sms_page.text and "模拟短信" in sms_page.text
    code = re.search(r"验证码(\d{6})", sms_page.text)
    assert code
    wrong = filer.submit(page_url, f"/filings/{filing_id}/sms/verify", {"code": "000000" if code.group(1) != "000000"
                                                                          else "111111"})
    assert "flash bad" in wrong.text
    verified = filer.submit(page_url, f"/filings/{filing_id}/sms/verify", {"code": code.group(1)})
    assert "管局审核中" in verified.text, verified.text
    _sweep(api)
    _sweep(api)
    filed = filer.get(page_url)
    number = re.search(r'<code id="issued-number">([^<]+)</code>', filed.text)
    assert number and number.group(1).endswith("号-1X") and 'id="number-snippet"' in filed.text
    assert "管局审核通过" in filed.text  # the timeline
    found = public.get("/lookup", params={"number": number.group(1)})
    assert found.status_code == 200 and "有效" in found.text and filing_doc()["program"]["name"] in found.text
    check_page(found.text)
    by_appid = public.get("/lookup", params={"appid": filing_doc()["program"]["appid"]})
    assert number.group(1) in by_appid.text
    assert public.get("/lookup", params={"number": "浙ICP备2026999999号-1X"}).status_code == 404
    assert public.get("/lookup", params={"number": "nonsense"}).status_code == 422


def test_a_rejection_links_its_reasons_to_the_fields_and_the_filer_resubmits(api: Api) -> None:
    filer, reviewer = Browser(api, "filer-a"), Browser(api, "reviewer")
    filing_id = _new_filing(filer)
    page_url = f"/filings/{filing_id}"
    filer.submit(f"{page_url}?step=4", f"/filings/{filing_id}/face")
    filer.submit(page_url, f"/filings/{filing_id}/submit")
    review = reviewer.get(f"/review/{filing_id}")
    cause = next(c for c in load_rejections().for_stage(ReviewStage.PLATFORM)
                 if c.field == "subject.principal.emergency_phone")
    assert f'name="reason" value="{cause.code}"' in review.text
    none_chosen = reviewer.submit(f"/review/{filing_id}", f"/review/{filing_id}/reject")
    assert "至少选择一条" in none_chosen.text
    rejected = reviewer.submit(f"/review/{filing_id}", f"/review/{filing_id}/reject", {"reason": [cause.code]})
    assert "已驳回" in rejected.text
    page = filer.get(page_url)
    assert "驳回原因" in page.text and "平台初审驳回" in page.text
    assert cause.message in page.text
    assert f'href="/filings/{filing_id}?step=2#fld-subject-principal-emergency_phone"' in page.text
    back = filer.submit(page_url, f"/filings/{filing_id}/edit")
    assert "草稿" in back.text
    assert "已通过" in filer.get(f"{page_url}?step=4").text  # the face verification still holds
    resubmitted = filer.submit(page_url, f"/filings/{filing_id}/submit")
    assert "平台初审中" in resubmitted.text


def test_an_operator_records_a_bureau_decision(api: Api) -> None:
    filer, reviewer, operator = Browser(api, "filer-a"), Browser(api, "reviewer"), Browser(api, "operator")
    filing_id = _new_filing(filer)
    page_url = f"/filings/{filing_id}"
    filer.submit(f"{page_url}?step=4", f"/filings/{filing_id}/face")
    filer.submit(page_url, f"/filings/{filing_id}/submit")
    reviewer.submit(f"/review/{filing_id}", f"/review/{filing_id}/approve")
    _sweep(api)
    code = re.search(r"验证码(\d{6})", filer.get(page_url).text)
    assert code
    filer.submit(page_url, f"/filings/{filing_id}/sms/verify", {"code": code.group(1)})
    action = f"/operator/filings/{filing_id}/bureau-decision"
    page = operator.get("/operator")
    assert action in page.text
    recorded = operator.submit("/operator", action, {"approved": "yes"})
    assert "已记录管局审核结果" in recorded.text
    assert "号-1X" in filer.get(page_url).text


def test_a_post_without_the_csrf_field_is_refused(api: Api) -> None:
    filer = Browser(api, "filer-a")
    page = filer.get("/filings/new")
    refused = filer.client.post("/filings/new", data={"document": "{}"})
    assert refused.status_code == 403 and "CSRF" in refused.text
    wrong = filer.client.post("/filings/new", data={"document": "{}", "csrf": csrf_of(page.text) + "x"})
    assert wrong.status_code == 403
    client = api.anonymous()
    assert client.post("/login", data={"username": "filer-a", "password": PASSWORD}).status_code == 403


def test_a_filer_cannot_open_another_filers_filing(api: Api) -> None:
    filing_id = _new_filing(Browser(api, "filer-a"))
    other = Browser(api, "filer-b")
    assert other.get(f"/filings/{filing_id}").status_code == 404
    page = other.get("/filings")
    assert other.client.post(f"/filings/{filing_id}/submit", data={"csrf": csrf_of(page.text),
                                                                   "version": "1"}).status_code == 404
    assert other.client.get(f"/review/{filing_id}").status_code == 403


def test_an_unreadable_new_document_shows_its_problems(api: Api) -> None:
    import json

    filer = Browser(api, "filer-a")
    page = filer.get("/filings/new")
    doc = filing_doc()
    doc["subject"]["nature"] = "company"
    shown = filer.client.post("/filings/new", data={"csrf": csrf_of(page.text), "document": json.dumps(doc)})
    assert shown.status_code == 422 and "subject.nature" in shown.text
    check_page(shown.text)
    garbage = filer.client.post("/filings/new", data={"csrf": csrf_of(page.text), "document": "{not json"})
    assert garbage.status_code == 422 and "不是有效的 JSON" in garbage.text
