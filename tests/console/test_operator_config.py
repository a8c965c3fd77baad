"""The operator's configuration pages (/operator/rules, /operator/holidays) through plain HTML forms: a
change takes effect at once, shows in the page and its history, is refused to other roles and without
the CSRF token, and bad input comes back as a message naming what is wrong."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from ..api.conftest import Api, _build, filing_doc
from .support import csrf_of as _csrf
from .test_pages import Browser

RULE = "nationwide.emergency_phone_differs"


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    yield from _build(tmp_path / "data")


def _post(browser: Browser, page_url: str, action: str, data: dict[str, str]) -> Any:
    """POST a form of `page_url` as a browser would; the 303 is not followed."""
    csrf = _csrf(browser.get(page_url).text)
    return browser.client.post(action, data={"csrf": csrf, **data}, follow_redirects=False)


def _flash(response: Any) -> dict[str, str]:
    assert response.status_code == 303, response.text
    query = parse_qs(urlsplit(response.headers["location"]).query)
    return {k: v[0] for k, v in query.items()}


def _fires(api: Api) -> bool:
    doc = filing_doc()
    doc["subject"]["principal"]["emergency_phone"] = doc["subject"]["principal"]["mobile"]
    report = api.users["filer-a"].post("/api/v1/precheck", json={"document": doc}).json()
    return any(f["rule"] == RULE for f in report["findings"])


def test_an_operator_disables_a_rule_and_the_precheck_stops_reporting_it(api: Api) -> None:
    operator = Browser(api, "operator")
    page = operator.get("/operator/rules")
    assert page.status_code == 200
    assert f"<code>{RULE}</code>" in page.text and "004_58a0f6ee9b17c945.txt" in page.text  # id and source
    assert _fires(api)

    done = _post(operator, "/operator/rules", f"/operator/rules/{RULE}/override",
                 {"enabled": "off", "severity": "", "effective_from": "", "effective_to": "", "note": "管局已取消"})
    assert "已立即生效" in _flash(done)["notice"]
    assert not _fires(api)
    section = operator.get("/operator/rules?only=overridden").text
    assert f"<code>{RULE}</code>" in section and "已停用" in section and "管局已取消" in section
    assert "<code>field.email</code>" not in section  # the filter shows overridden rules only
    assert "变更历史（1）" in section

    removed = _post(operator, "/operator/rules", f"/operator/rules/{RULE}/override/delete", {"note": "恢复"})
    assert "恢复文件中的定义" in _flash(removed)["notice"]
    assert _fires(api)
    assert "变更历史（2）" in operator.get("/operator/rules?q=emergency_phone_differs").text


def test_a_bad_date_or_a_missing_reason_is_shown_and_nothing_is_saved(api: Api) -> None:
    operator = Browser(api, "operator")
    bad_date = _post(operator, "/operator/rules", f"/operator/rules/{RULE}/override",
                     {"enabled": "off", "effective_from": "2027-02-30", "note": "x"})
    assert "生效日期" in _flash(bad_date)["error"]
    no_reason = _post(operator, "/operator/rules", f"/operator/rules/{RULE}/override", {"enabled": "off", "note": " "})
    assert "覆盖原因" in _flash(no_reason)["error"]
    unknown = _post(operator, "/operator/rules", "/operator/rules/province.atlantis.x/override",
                    {"enabled": "off", "note": "x"})
    assert "找不到规则" in _flash(unknown)["error"]
    assert _fires(api)


def test_the_holiday_page_warns_about_2027_until_the_year_is_entered(api: Api) -> None:
    operator = Browser(api, "operator")
    page = operator.get("/operator/holidays").text
    assert "2027 年：日历库未收录" in page and 'role="alert"' in page
    assert "2026 年 <small>日历库（chinese-calendar）已收录" in page

    pasted = _post(operator, "/operator/holidays", "/operator/holidays/paste", {
        "text": "# 测试用，不是官方安排\n2027-01-01 holiday 元旦\n"
                "2027-03-02..2027-03-03 放假 测试假日\n2027-03-06 上班 测试调休\n",
        "complete": "yes", "year": "2027", "note": "测试通知"})
    assert "2027 年已声明完整录入" in _flash(pasted)["notice"]
    page = operator.get("/operator/holidays?year=2027").text
    assert "2027 年：日历库未收录" not in page and "运营已声明完整录入" in page
    assert "测试假日" in page and "测试调休" in page
    calendar = api.runtime.workflow.calendar
    assert not calendar.is_working_day(dt.date(2027, 3, 2)) and calendar.is_working_day(dt.date(2027, 3, 6))
    assert calendar.year_status(2027) == "operator" and calendar.warnings() == []


def test_a_bad_paste_names_its_lines_and_enters_nothing(api: Api) -> None:
    operator = Browser(api, "operator")
    bad = _post(operator, "/operator/holidays", "/operator/holidays/paste",
                {"text": "2027-01-01 holiday 元旦\n2027-02-30 holiday 不存在\n2027-03-03 workday 周三\n"})
    error = _flash(bad)["error"]
    assert "第 2 行" in error and "第 3 行" in error and "星期六或星期日" in error
    assert api.runtime.config.live.current().entries == {}


def test_an_operator_adds_and_removes_one_day(api: Api) -> None:
    operator = Browser(api, "operator")
    added = _post(operator, "/operator/holidays", "/operator/holidays",
                  {"date": "2027-03-02", "kind": "holiday", "name": "测试假日", "note": ""})
    assert "2027-03-02（星期二）放假" in _flash(added)["notice"]
    page = operator.get("/operator/holidays?year=2027").text
    assert re.search(r'action="/operator/holidays/2027-03-02/delete"', page)
    removed = _post(operator, "/operator/holidays?year=2027", "/operator/holidays/2027-03-02/delete", {})
    assert "已删除" in _flash(removed)["notice"]
    assert api.runtime.workflow.calendar.is_working_day(dt.date(2027, 3, 2))
    history = operator.get("/operator/holidays").text
    assert history.count("测试假日") >= 2  # set and delete, in the history table


@pytest.mark.parametrize("who", ["filer-a", "reviewer", "auditor"])
def test_only_operators_reach_the_configuration_pages(api: Api, who: str) -> None:
    browser = Browser(api, who)
    for url in ("/operator/rules", "/operator/holidays"):
        assert browser.get(url).status_code == 403
    csrf = _csrf(browser.home.text)
    for action, data in ((f"/operator/rules/{RULE}/override", {"enabled": "off", "note": "x"}),
                         ("/operator/holidays", {"date": "2027-03-02", "kind": "holiday", "name": "x"}),
                         ("/operator/holidays/paste", {"text": "2027-03-02 holiday x"}),
                         ("/operator/holidays/years/2027", {"complete": "yes"})):
        assert browser.client.post(action, data={"csrf": csrf, **data}).status_code == 403
    assert _fires(api) and api.runtime.config.live.current().entries == {}


def test_a_post_without_the_csrf_token_is_refused(api: Api) -> None:
    operator = Browser(api, "operator")
    refused = operator.client.post(f"/operator/rules/{RULE}/override", data={"enabled": "off", "note": "x"})
    assert refused.status_code == 403
    refused = operator.client.post("/operator/holidays", data={"csrf": "forged", "date": "2027-03-02",
                                                               "kind": "holiday", "name": "x"})
    assert refused.status_code == 403
    assert _fires(api) and api.runtime.config.live.current().entries == {}
