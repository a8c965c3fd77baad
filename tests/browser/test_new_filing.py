"""The field-by-field new filing in a real browser: 首次备案 with the region selects filled by htmx as the
filer picks a province and a city, then the wizard's findings say what is still missing."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from icpflow.testing import make_uscc

from .conftest import Shoot, SignIn

pytestmark = pytest.mark.browser


def test_a_first_filing_is_registered_with_dependent_region_selects(sign_in: SignIn, shoot: Shoot) -> None:
    filer = sign_in("demo-filer")
    filer.goto("/filings/new")
    form = filer.locator("form.new-filing")
    expect(form.get_by_role("button", name="按所选省份、城市更新下拉列表")).to_be_hidden()  # htmx does it
    form.get_by_label("首次备案（主办单位首次备案）").check()
    expect(form.get_by_label("主办单位", exact=True)).to_be_hidden()  # the 新增小程序 part steps aside
    expect(form.get_by_label("版号（ISBN）")).to_be_hidden()
    form.get_by_label("类型", exact=True).select_option("mini_game")
    expect(form.get_by_label("版号（ISBN）")).to_be_visible()
    form.get_by_label("已完成小游戏备案").check()
    form.get_by_label("AppID", exact=True).fill("wx2026browser0001")
    form.get_by_label("小程序名称", exact=True).fill("方块消消乐")
    form.get_by_label("单位性质").select_option("enterprise")
    form.get_by_label("证件类型").select_option("business_license")
    form.get_by_label("证件号码").fill(make_uscc("330106", 777, "9"))
    form.get_by_label("主办单位名称").fill("杭州方块游戏有限公司")
    form.get_by_label("通讯地址：省份").select_option(label="浙江省")
    city = form.get_by_label("通讯地址：城市")
    expect(city.locator('option[value="330100"]')).to_have_count(1)  # swapped in by htmx
    # htmx binds the swapped-in city select when the swap settles (its tasks run after a timer, then the
    # target loses `htmx-settling`): a change before that would send nothing, so wait for it
    regions = filer.locator("#region-selects")
    expect(regions).not_to_have_class(re.compile(r"\bhtmx-settling\b"))
    city.select_option(label="杭州市")
    district = form.get_by_label("通讯地址：区县")
    expect(district.locator('option[value="330106"]')).to_have_count(1)
    expect(regions).not_to_have_class(re.compile(r"\bhtmx-settling\b"))
    district.select_option(label="西湖区")
    shoot(filer, "new-filing-first")
    form.get_by_role("button", name="创建草稿", exact=True).click()
    expect(filer.locator(".flash.ok")).to_contain_text("草稿已创建")
    assert re.search(r"/filings/[0-9a-f-]{36}\?step=1", filer.url), filer.url
    expect(filer.locator("#fd-subject-certificate-address")).to_contain_text("未填写证件住所")
    expect(filer.locator("#fld-subject-address-district")).to_have_value("330106")
    shoot(filer, "new-filing-first-wizard")
