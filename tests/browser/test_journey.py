"""The whole journey in a real browser, against `icpflow serve`: a filer registers a mini-program, fills
the wizard, fixes what the findings say, generates and uploads a letter and submits; a reviewer rejects;
the filer fixes and resubmits; the reviewer approves; the filer completes SMS verification; the
simulated bureau approves; the filing number shows on the public look-up. Each step is screenshotted."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import TIMEOUT_MS, Shoot, SignIn

pytestmark = pytest.mark.browser

REMARK_REASON = "service_remark_not_detailed"  # a platform-stage catalogue reason tied to program.remark
LETTER = "non_involvement_commitment"  # asked for when a pre-approval keyword is hit and no approval given


def _poll(page: Page, ready: Callable[[], bool], what: str, seconds: float = 30) -> None:
    """Reload `page` until `ready()` (the worker and the simulator work in the background): bounded."""
    deadline = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {seconds} s waiting for {what}; page text:\n{page.inner_text('main')}")
        page.wait_for_timeout(300)
        page.reload()


def _saved(page: Page) -> None:
    page.get_by_role("button", name="保存本步").click()
    expect(page.locator(".flash.ok")).to_contain_text("已保存")


def test_a_filing_goes_from_registration_to_the_public_lookup(
        browser: Browser, sign_in: SignIn, shoot: Shoot, server: str) -> None:
    # ----- the filer registers a mini-program field by field (no JSON): another mini-program (新增小程序) of
    # a company they already have, whose subject sections and certificate photos carry over -------------------
    filer = sign_in("demo-filer")
    expect(filer.get_by_role("heading", name="我的备案")).to_be_visible()
    shoot(filer, "filer-home")
    filer.get_by_role("navigation", name="主导航").get_by_role("link", name="新建备案").click()
    expect(filer.get_by_role("heading", name="新建备案")).to_be_visible()
    filer.get_by_label("新增小程序（沿用已有主办单位的信息）").check()
    expect(filer.get_by_label("单位性质")).to_be_hidden()  # the 首次备案 part steps aside (console.js)
    subject = filer.get_by_label("主办单位", exact=True)
    subject_id = subject.locator("option", has_text="某某科技有限公司101").get_attribute("value")
    assert subject_id
    subject.select_option(subject_id)
    filer.get_by_label("类型", exact=True).select_option("mini_program")
    appid = "wx2026journey0001"
    filer.get_by_label("AppID", exact=True).fill(appid)
    filer.get_by_label("小程序名称", exact=True).fill("鲜果日记")
    shoot(filer, "new-filing")
    filer.get_by_role("button", name="创建草稿", exact=True).click()
    expect(filer.locator(".flash.ok")).to_contain_text("草稿已创建")
    found = re.search(r"/filings/([0-9a-f-]{36})", filer.url)
    assert found, filer.url
    filing_id = found.group(1)
    page_url = f"/filings/{filing_id}"
    expect(filer.get_by_label("主办单位名称")).to_have_value("某某科技有限公司101")  # carried over
    shoot(filer, "draft-created")
    # the principal verifies their face at once: the pre-check counts only a passed face-verification task
    filer.get_by_role("link", name=re.compile(r"^4\. 小程序负责人信息")).click()
    filer.get_by_role("button", name="发起人脸核身").click()
    expect(filer.locator("#face")).to_contain_text("已通过")

    # ----- step 2: a mistake the pre-check catches as the filer types (htmx), then the fix -------------------
    filer.get_by_role("link", name=re.compile(r"^2\. 主办单位负责人信息")).click()
    mobile = filer.get_by_label("手机号码").input_value()
    emergency = filer.get_by_label("应急联系电话")
    emergency.fill(mobile)
    emergency.press("Tab")  # `change` triggers the live pre-check
    box = filer.locator("#fd-subject-principal-emergency_phone")
    expect(box.locator(".finding.error")).to_contain_text("应急")
    shoot(filer, "wizard-finding-live")
    emergency.fill("13700137000")
    emergency.press("Tab")
    expect(box.locator(".finding")).to_have_count(0)
    _saved(filer)
    shoot(filer, "wizard-finding-fixed")

    # ----- step 3: the description names a pre-approval keyword; the findings ask for a commitment letter -----
    filer.get_by_role("link", name=re.compile(r"^3\. 备案小程序信息")).click()
    filer.get_by_label("小程序简介").fill(
        "记录每日饮食并提供健康饮食小知识的工具，用户可以打卡、查看历史记录和设置提醒，也介绍常见药品的服用时间。")
    _saved(filer)
    needed = filer.locator("li.unmet", has=filer.locator(f'a[href$="/letters/{LETTER}.pdf"]'))
    expect(needed).to_be_visible()
    expect(filer.locator("#step-findings")).to_contain_text("尚不能提交")
    shoot(filer, "letter-needed")

    # ----- generate the letter and upload it ----------------------------------------------------------------
    # The filer downloads the generated letter through its checklist link (to print and sign it), then uploads
    # the signed copy with step 5's upload form: the "上传此材料" link chooses the slot and the kind in place.
    href = needed.get_by_role("link", name="PDF").get_attribute("href")
    assert href
    letter = filer.context.request.get(href)
    assert letter.ok and letter.body().startswith(b"%PDF"), letter.status

    filer.get_by_role("link", name=re.compile(r"^5\. 附件")).click()
    # signed on the pre-check's own day (the server's clock, Beijing time), not this machine's date
    judged = re.search(r"判定日期 (\d{4}-\d{2}-\d{2})", filer.locator("#step-findings").inner_text())
    assert judged
    upload = filer.locator("form#upload")
    filer.get_by_role("link", name=re.compile(r"^上传此材料\s*：实际不从事")).click()
    expect(upload.locator("#up-slot")).to_have_value("program_supplementary")
    expect(upload.locator("#up-kind")).to_have_value(LETTER)
    upload.get_by_label("签署日期（授权书、承诺书等信函填写）").fill(judged.group(1))
    upload.get_by_label("文件", exact=True).set_input_files(
        {"name": f"{LETTER}.pdf", "mimeType": "application/pdf", "buffer": letter.body()})
    expect(upload.locator(".local-facts")).to_contain_text("PDF")  # the local preview, before any upload
    shoot(filer, "letter-chosen")
    upload.get_by_role("button", name="上传", exact=True).click()
    expect(filer.locator(".flash.ok")).to_contain_text("已上传“实际不从事/不涉及前置审批承诺书”（PDF）")
    card = filer.locator("article.att-card", has=filer.get_by_role("heading", name=re.compile("^实际不从事")))
    expect(card).to_contain_text(re.compile(r"PDF · \d+ 页"))
    expect(card).to_contain_text(judged.group(1))
    expect(filer.locator("li.met", has=filer.locator(f'a[href$="/letters/{LETTER}.pdf"]'))).to_be_visible()
    expect(filer.locator("#step-findings")).to_contain_text("可以提交")
    shoot(filer, "letter-uploaded")

    # ----- step 4: face verification (simulated), then submit -----------------------------------------------
    filer.get_by_role("link", name=re.compile(r"^4\. 小程序负责人信息")).click()
    filer.get_by_role("button", name="发起人脸核身").click()
    expect(filer.locator("#face")).to_contain_text("已通过")
    shoot(filer, "face-verified")
    filer.get_by_role("button", name="提交平台初审").click()
    expect(filer.locator(".flash.ok")).to_contain_text("已提交平台初审")
    expect(filer.locator(".status")).to_contain_text("平台初审中")
    shoot(filer, "submitted")

    # ----- the reviewer rejects with a catalogue reason -----------------------------------------------------
    reviewer = sign_in("demo-reviewer")
    expect(reviewer.get_by_role("heading", name="平台初审队列")).to_be_visible()
    reviewer.locator(f'a[href="/review/{filing_id}"]').click()
    expect(reviewer.get_by_role("heading", name="预检结果")).to_be_visible()
    shoot(reviewer, "review-page")
    reviewer.locator(f"#reason-{REMARK_REASON}").check()
    reviewer.get_by_role("button", name="驳回").click()
    expect(reviewer.locator(".flash.ok")).to_contain_text("已驳回")
    shoot(reviewer, "review-rejected")

    # ----- the filer sees the reason linked to the field, fixes it and resubmits ----------------------------
    filer.goto(page_url)
    reasons = filer.locator("section", has=filer.get_by_role("heading", name="驳回原因"))
    expect(reasons).to_contain_text("备注不详细")
    link = reasons.get_by_role("link", name=re.compile("去修改"))
    expect(link).to_have_attribute("href", f"{page_url}?step=3#fld-program-remark")
    shoot(filer, "rejection-seen")
    reasons.get_by_role("button", name="回到草稿修改").click()
    expect(filer.locator(".status")).to_contain_text("草稿")
    filer.locator(f'a[href="{page_url}?step=3#fld-program-remark"]').click()
    remark = filer.locator("#fld-program-remark")
    expect(remark).to_be_editable()
    remark.fill("该小程序是《鲜果日记》，用户每天记录三餐和饮水、打卡、查看历史记录并设置用餐提醒，"
                "另提供健康饮食小知识；不销售药品，不提供医疗或问诊服务。")
    _saved(filer)
    shoot(filer, "rejection-fixed")
    filer.get_by_role("button", name="提交平台初审").click()
    expect(filer.locator(".status")).to_contain_text("平台初审中")
    shoot(filer, "resubmitted")

    # ----- the reviewer approves -----------------------------------------------------------------------------
    reviewer.goto(f"/review/{filing_id}")
    reviewer.get_by_role("button", name="通过", exact=True).click()
    expect(reviewer.locator(".flash.ok")).to_contain_text("已通过平台初审")
    shoot(reviewer, "review-approved")

    # ----- the filer reads the simulated SMS in the console and enters the code ------------------------------
    filer.goto(page_url)
    sms = filer.locator("#sms")
    _poll(filer, lambda: re.search(r"验证码(\d{6})", sms.inner_text()) is not None if sms.count() else False,
          "the simulated SMS")
    code = re.search(r"验证码(\d{6})", sms.inner_text())
    assert code
    expect(sms).to_contain_text("模拟短信")
    shoot(filer, "sms-received")
    filer.get_by_label("验证码").fill(code.group(1))
    filer.get_by_role("button", name="提交验证码").click()
    expect(filer.locator(".flash.ok")).to_contain_text("短信核验完成")
    shoot(filer, "sms-verified")

    # ----- the simulated bureau approves: the number appears ------------------------------------------------
    issued = filer.locator("#issued-number")
    _poll(filer, lambda: issued.count() > 0, "the simulated bureau's approval")
    number = issued.inner_text().strip()
    assert re.fullmatch(r".+ICP备\d+号-\d+X", number), number
    expect(filer.locator(".timeline")).to_contain_text("管局审核通过")
    shoot(filer, "number-issued")

    # ----- the public look-up, signed out -------------------------------------------------------------------
    public_context = browser.new_context(base_url=server, locale="zh-CN")
    public_context.set_default_timeout(TIMEOUT_MS)
    try:
        public = public_context.new_page()
        public.goto("/lookup")
        public.get_by_label("备案号").fill(number)
        public.get_by_role("button", name="查询").click()
        result = public.locator("section", has=public.get_by_role("heading", name="查询结果"))
        expect(result).to_contain_text(number)
        expect(result).to_contain_text("有效")
        expect(result).to_contain_text(appid)
        assert "/lookup?number=" in public.url
        shoot(public, "public-lookup")
    finally:
        public_context.close()
