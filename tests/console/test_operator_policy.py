"""The platform policy page (/operator/policy) through its plain HTML form: a changed field takes effect at
once and only it is set, a bad value comes back beside its field with what was typed, a field left as shown
never overwrites another operator's change, a key goes back to its deployment value, and only operators
with the CSRF token get in."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from icpflow.services import policy_config

from ..api.conftest import Api, _build, filing_doc
from .support import check_page, csrf_of
from .test_pages import Browser

PAGE = "/operator/policy"


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    yield from _build(tmp_path / "data")


class _Form(HTMLParser):
    """The fields of the page's policy form as a browser would post them untouched."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.select: str | None = None
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("action") == PAGE
        elif self.inside and tag == "input" and a.get("name"):
            self.fields[a["name"]] = a.get("value", "")
        elif self.inside and tag == "select":
            self.select = a.get("name")
        elif self.inside and tag == "option" and self.select and "selected" in a:
            self.fields[self.select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None


def _fields(html: str) -> dict[str, str]:
    form = _Form()
    form.feed(html)
    return form.fields


def _post(browser: Browser, changes: dict[str, str], page: str | None = None) -> Any:
    """Post the form as shown on `page` (default: loaded now) with `changes` typed in; the 303 not followed."""
    fields = _fields(page if page is not None else browser.get(PAGE).text)
    return browser.client.post(PAGE, data={**fields, **changes}, follow_redirects=False)


def _flash(response: Any) -> dict[str, str]:
    assert response.status_code == 303, response.text
    return {k: v[0] for k, v in parse_qs(urlsplit(response.headers["location"]).query).items()}


def _overridden(api: Api) -> dict[str, object]:
    return {i.key: i.value for i in policy_config.policy_items(api.runtime.config) if i.overridden}


def test_the_page_shows_every_key_with_its_deployment_value_and_is_linked_from_the_operator_pages(api: Api) -> None:
    operator = Browser(api, "operator")
    page = operator.get(PAGE)
    assert page.status_code == 200
    labels = ("证件有效期至少（月）", "允许撤回（平台初审结束前）", "存量小程序每日提交配额", "平台初审期限（工作日）")
    for label in labels:
        assert label in page.text
    assert "部署值：不限" in page.text and "当前沿用部署值" in page.text
    dashboard = operator.get("/operator").text
    assert f'href="{PAGE}"' in dashboard and "修改平台策略" in dashboard


def test_changing_one_field_sets_only_that_key_and_it_takes_effect_at_once(api: Api) -> None:
    operator = Browser(api, "operator")
    doc = filing_doc(seq=5)
    doc["subject"]["certificate"]["valid_to"] = "2027-01-23"
    precheck = "/api/v1/precheck"
    assert api.users["filer-a"].post(precheck, json={"document": doc}).json()["verdict"] == "blocked"

    done = _post(operator, {"certificate_validity_months": "1", "daily_quota": "20", "note": "改用微信口径"})
    assert "已保存" in _flash(done)["notice"] and "存量小程序每日提交配额" in _flash(done)["notice"]
    assert _overridden(api) == {"certificate_validity_months": 1, "daily_quota": 20}
    assert api.users["filer-a"].post(precheck, json={"document": doc}).json()["verdict"] == "ready"
    page = operator.get(PAGE).text
    assert "当前为运营设置 20 件" in page and "改用微信口径" in page and "最近的平台策略变更" in page
    assert "20 件（运营设置）" in operator.get("/operator").text


def test_a_bad_value_is_shown_beside_its_field_with_what_was_typed_and_nothing_is_saved(api: Api) -> None:
    operator = Browser(api, "operator")
    refused = _post(operator, {"daily_quota": "-3", "platform_review_days": "9", "takedown_deadline": "2027-13-01",
                               "note": "试试"})
    assert refused.status_code == 422
    html = refused.text
    check_page(html)  # zh-CN, every control labelled
    assert 'id="e-daily_quota"' in html and 'id="e-platform_review_days"' in html and 'id="e-takedown_deadline"' in html
    assert "平台初审期限（工作日）（platform_review_days）应为 1–3 之间的整数" in html
    assert 'name="daily_quota" value="-3"' in html and 'name="platform_review_days" value="9"' in html
    assert 'value="试试"' in html  # the reason typed is kept too
    assert 'aria-invalid="true"' in html and 'id="e-withdraw_allowed"' not in html
    assert _overridden(api) == {}


def test_a_field_left_as_shown_does_not_overwrite_a_change_made_meanwhile(api: Api) -> None:
    operator = Browser(api, "operator")
    stale = operator.get(PAGE).text  # shows the deployed quota (0)
    api.users["operator"].put("/api/v1/operator/policy", json={"daily_quota": 5})
    done = _post(operator, {"withdraw_allowed": "false"}, page=stale)
    assert "允许撤回" in _flash(done)["notice"]
    assert _overridden(api) == {"daily_quota": 5, "withdraw_allowed": False}
    nothing = _post(operator, {})
    assert "没有修改" in _flash(nothing)["notice"]


def test_reset_restores_the_deployment_value(api: Api) -> None:
    operator = Browser(api, "operator")
    api.users["operator"].put("/api/v1/operator/policy", json={"bureau_review_days": 10})
    page = operator.get(PAGE).text
    assert 'formaction="/operator/policy/bureau_review_days/reset"' in page
    done = operator.client.post("/operator/policy/bureau_review_days/reset", data=_fields(page),
                                follow_redirects=False)
    assert "已恢复部署值" in _flash(done)["notice"]
    assert _overridden(api) == {}
    again = operator.client.post("/operator/policy/bureau_review_days/reset", data=_fields(page),
                                 follow_redirects=False)
    assert "运营设置" in _flash(again)["error"]


@pytest.mark.parametrize("who", ["filer-a", "reviewer", "auditor"])
def test_only_operators_reach_the_policy_page(api: Api, who: str) -> None:
    browser = Browser(api, who)
    assert browser.get(PAGE).status_code == 403
    csrf = csrf_of(browser.home.text)
    assert browser.client.post(PAGE, data={"csrf": csrf, "daily_quota": "1"}).status_code == 403
    assert browser.client.post(f"{PAGE}/daily_quota/reset", data={"csrf": csrf}).status_code == 403
    assert _overridden(api) == {}


def test_a_post_without_the_csrf_token_is_refused(api: Api) -> None:
    operator = Browser(api, "operator")
    fields = _fields(operator.get(PAGE).text)
    assert operator.client.post(PAGE, data={**fields, "csrf": "forged", "daily_quota": "1"}).status_code == 403
    del fields["csrf"]
    assert operator.client.post(PAGE, data={**fields, "daily_quota": "1"}).status_code == 403
    assert _overridden(api) == {}


def test_saving_again_after_a_refusal_still_sets_only_the_fields_the_operator_changed(api: Api) -> None:
    operator = Browser(api, "operator")
    stale = operator.get(PAGE).text
    api.users["operator"].put("/api/v1/operator/policy", json={"daily_quota": 5})  # another operator, meanwhile
    refused = _post(operator, {"platform_review_days": "9"}, page=stale)
    assert refused.status_code == 422
    done = _post(operator, {"platform_review_days": "2"}, page=refused.text)
    assert _flash(done)["notice"]
    assert _overridden(api) == {"daily_quota": 5, "platform_review_days": 2}
