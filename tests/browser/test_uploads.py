"""Step 5 (附件) in a real browser against `icpflow serve`: the local preview and the immediate warnings of
console.js (a portrait photo where Shanghai wants landscape, a file over the limit) before anything is sent,
then the server's own answers — the card with its preview and finding, and the friendly refusal of an
oversized body (read to its end, so the browser shows the page rather than a reset connection)."""

from __future__ import annotations

import re
import secrets

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from icpflow.testing import make_filing

from ..api.test_attachments import jpeg
from .conftest import Shoot, SignIn

pytestmark = pytest.mark.browser

SHANGHAI = "310000"


def _draft(filer: Page, province: str) -> str:
    """A draft made through the API with the browser's own session (the new-filing page is not under test)."""
    filer.goto("/filings")
    csrf = filer.locator('input[name="csrf"]').first.get_attribute("value")
    assert csrf
    doc = make_filing(province, seq=secrets.randbelow(900_000) + 1000)
    doc.pop("submitted_on")
    created = filer.context.request.post("/api/v1/filings", headers={"X-CSRF-Token": csrf}, data={"document": doc})
    assert created.status == 201, created.text()
    return str(created.json()["id"])


def test_a_portrait_photo_is_warned_about_before_upload_and_shown_with_its_finding_after(
        sign_in: SignIn, shoot: Shoot) -> None:
    filer = sign_in("demo-filer")
    filing_id = _draft(filer, SHANGHAI)
    filer.goto(f"/filings/{filing_id}?step=5")
    expect(filer.locator(".landscape-note")).to_contain_text("上海市通信管理局要求附件照片横向展示")
    card = filer.locator("article.att-card", has=filer.get_by_role("heading", name=re.compile("^证件人像面")))
    replace = card.locator("form.att-form")
    warning = replace.locator(".local-warning")

    # stored landscape, displayed portrait (EXIF orientation 6): the browser measures it as it displays
    replace.get_by_label("上传文件").set_input_files(
        {"name": "front.jpg", "mimeType": "image/jpeg", "buffer": jpeg((1600, 1000), orientation=6)})
    expect(replace.locator(".local-facts")).to_contain_text("1000×1600，竖向")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("要求附件照片横向展示")
    shoot(filer, "upload-portrait-warned")
    # a landscape photo instead: the warning goes
    replace.get_by_label("上传文件").set_input_files(
        {"name": "front.jpg", "mimeType": "image/jpeg", "buffer": jpeg((1600, 1000))})
    expect(replace.locator(".local-facts")).to_contain_text("1600×1000，横向")
    expect(warning).to_be_hidden()

    # the filer sends the portrait one anyway: the server says so too, beside the photo, with the fix
    replace.get_by_label("上传文件").set_input_files(
        {"name": "front.jpg", "mimeType": "image/jpeg", "buffer": jpeg((1600, 1000), orientation=6)})
    replace.locator("button[type=submit]").click()
    expect(filer.locator(".flash.bad")).to_contain_text("这张照片不是横向的（1000×1600）")
    expect(card.locator(".finding.error")).to_contain_text("修改：将照片旋转为横向")
    preview = card.get_by_role("img", name=re.compile("证件人像面"))
    preview.scroll_into_view_if_needed()  # previews load lazily
    filer.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=preview.element_handle())
    size = preview.evaluate("img => [img.complete, img.naturalWidth, img.naturalHeight]")
    assert size == [True, 200, 320], size  # the server's preview, drawn upright
    shoot(filer, "upload-portrait-card")
    found = [v for v in Axe().run(filer).response["violations"] if v.get("impact") in ("serious", "critical")]
    assert not found, found

    # the reviewer sees the same preview, read-only
    reviewer = sign_in("demo-reviewer")
    reviewer.goto(f"/review/{filing_id}")
    staff_preview = reviewer.get_by_role("img", name=re.compile("证件人像面"))
    staff_preview.scroll_into_view_if_needed()  # previews load lazily
    reviewer.wait_for_function("() => [...document.querySelectorAll('#attachments img')]"
                               ".every(img => img.complete && img.naturalWidth > 0)")
    assert staff_preview.evaluate("img => img.naturalWidth") == 200
    expect(reviewer.locator("#attachments")).not_to_contain_text("移除")
    found = [v for v in Axe().run(reviewer).response["violations"] if v.get("impact") in ("serious", "critical")]
    assert not found, found


def test_a_file_over_the_limit_is_warned_about_at_once_and_refused_politely_if_sent(
        sign_in: SignIn, shoot: Shoot) -> None:
    filer = sign_in("demo-filer")
    filing_id = _draft(filer, "330000")
    filer.goto(f"/filings/{filing_id}?step=5")
    upload = filer.locator("form#upload")
    upload.locator("#up-kind").select_option("other")
    big = b"\xff\xd8\xff" + b"\0" * (11 * 1024 * 1024)
    upload.get_by_label("文件", exact=True).set_input_files({"name": "scan.jpg", "mimeType": "image/jpeg",
                                                             "buffer": big})
    expect(upload.locator(".local-warning")).to_contain_text("超过上限 10 MB")
    upload.get_by_role("button", name="上传", exact=True).click()
    expect(filer.locator(".flash.bad")).to_contain_text("上传的文件超过上限 10 MB")
    expect(upload.locator("#up-kind")).to_have_value("other")  # the choice survives the refusal
    shoot(filer, "upload-too-big")
