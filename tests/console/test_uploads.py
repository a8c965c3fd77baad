"""Step 5 of the console wizard (附件) over the real app: uploads through a plain multipart form, cards with
previews, measured facts and the findings about each file, replacing, correcting and removing, and who may
do or see any of it. Real images made with Pillow, real PDFs made with reportlab; nothing is mocked."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from reportlab.pdfgen.canvas import Canvas

from icpflow.console import wizard

from ..api.conftest import Api, _build, filing_doc
from ..api.test_attachments import PDF, jpeg, png, png_claiming
from .support import csrf_of as _csrf
from .test_pages import Browser

SHANGHAI = "310000"


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    yield from _build(tmp_path / "data")


def _filing(api: Api, province: str = "330000", seq: int = 1, owner: str = "filer-a") -> str:
    created = api.users[owner].post("/api/v1/filings", json={"document": filing_doc(seq, province)})
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def _document(api: Api, filing_id: str) -> tuple[int, dict[str, Any]]:
    body = api.users["filer-a"].get(f"/api/v1/filings/{filing_id}?reveal=true").json()
    return int(body["version"]), body["document"]


def _stored_files(api: Api) -> int:
    root = api.runtime.attachments.storage.root  # type: ignore[attr-defined]  # LocalStorage in these tests
    return sum(1 for p in Path(root).rglob("*") if p.is_file()) if Path(root).exists() else 0


def _step5(browser: Browser, filing_id: str) -> str:
    page = browser.get(f"/filings/{filing_id}?step=5")
    assert page.status_code == 200, page.text[:500]
    return str(page.text)


def _version_of(html: str, action: str) -> str:
    found = re.search(rf'action="{re.escape(action)}".*?name="version" value="(\d+)"', html, re.S)
    assert found, action
    return found.group(1)


def _post_upload(browser: Browser, filing_id: str, data: bytes, *, name: str = "photo.jpg",
                 content_type: str = "image/jpeg", action: str = "", **fields: str) -> Any:
    """POST the upload form as a browser would (the page's CSRF token and version, the file as multipart);
    the 303 is not followed so its target can be checked."""
    html = _step5(browser, filing_id)
    action = action or f"/filings/{filing_id}/attachments"
    form = {"csrf": _csrf(html), "version": _version_of(html, action), **fields}
    return browser.client.post(action, data=form, files={"file": (name, data, content_type)}, follow_redirects=False)


def _flash(browser: Browser, response: Any) -> str:
    assert response.status_code == 303, response.text[:500]
    page = browser.get(response.headers["location"])
    assert page.status_code == 200
    found = re.findall(r'<p class="flash (?:ok|bad)" role="(?:status|alert)">(.*?)</p>', page.text, re.S)
    return " ".join(found)


def _card(html: str, index: int) -> str:
    found = re.search(rf'<article class="att-card[^"]*" id="att-{index}".*?</article>', html, re.S)
    assert found, f"no card att-{index}"
    return found.group(0)


def _text(html: str) -> str:
    """What a reader sees of `html`: no tags, whitespace collapsed."""
    blocks = re.sub(r"</?(?:dt|dd|p|h\d|li|br|div)\b[^>]*>", " ", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", blocks)).strip()


def _two_page_pdf() -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out)
    for text in ("Commitment letter", "Notes"):
        canvas.drawString(72, 720, text)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


# ----- the cards ---------------------------------------------------------------------------------------------

def test_step_5_shows_each_attachment_as_a_card_under_its_upload_position(api: Api) -> None:
    filing_id = _filing(api)
    html = _step5(Browser(api, "filer-a"), filing_id)
    groups = re.findall(r'<h4 id="grp-([a-z_]+)">', html)
    assert groups == ["subject_certificate", "subject_principal_id"]  # in the form's order
    front = _text(_card(html, 1))
    assert "证件人像面 编号 id-front" in front
    # the example document declares sizes but names no file: the card says so rather than inventing facts
    assert "尚未上传文件" in front and "1600×1000，横向 （文档填写的尺寸" in front
    assert 'name="attachments"' not in html  # the JSON editor is gone: every field has its own control


def test_a_filer_uploads_a_photo_through_the_form_and_the_document_gets_it_as_a_new_version(api: Api) -> None:
    filing_id = _filing(api)
    filer = Browser(api, "filer-a")
    before, _ = _document(api, filing_id)
    data = jpeg((1600, 1000))
    done = _post_upload(filer, filing_id, data, slot="subject_supplementary", kind="residence_proof")
    assert "已上传“居住证明" in _flash(filer, done) and "JPEG，1600×1000，横向" in _flash(filer, done)
    version, document = _document(api, filing_id)
    assert version == before + 1
    added = document["attachments"][-1]
    assert added["slot"] == "subject_supplementary" and added["kind"] == "residence_proof"
    assert added["id"] == "residence-proof" and added["file"].startswith("stored:")
    assert (added["width"], added["height"]) == (1600, 1000) and "signed_on" not in added
    card = _card(_step5(filer, filing_id), len(document["attachments"]) - 1)
    assert f"文件 JPEG，{round(len(data) / 1024)} KB 尺寸 1600×1000，横向" in _text(card)
    assert "文档填写的尺寸" not in card  # measured from the file
    # the preview is served, downscaled, by the console route the card names
    src = re.search(r'<img src="([^"]+/preview)"', card)
    assert src and f"/filings/{filing_id}/attachments/" in src.group(1)
    shown = filer.client.get(src.group(1))
    assert shown.status_code == 200 and shown.headers["content-type"] == "image/jpeg"
    assert shown.headers["cache-control"] == "private, no-store"
    assert Image.open(io.BytesIO(shown.content)).size == (320, 200)


def test_the_preview_is_drawn_as_the_photo_displays_and_carries_no_exif(api: Api) -> None:
    filing_id = _filing(api)
    filer = Browser(api, "filer-a")
    _post_upload(filer, filing_id, jpeg((1600, 1000), orientation=6), slot="subject_supplementary", kind="other")
    _, document = _document(api, filing_id)
    object_id = document["attachments"][-1]["file"].removeprefix("stored:")
    shown = filer.client.get(f"/filings/{filing_id}/attachments/{object_id}/preview")
    preview = Image.open(io.BytesIO(shown.content))
    assert preview.size == (200, 320)  # stored landscape, displays portrait
    assert 0x0112 not in preview.getexif()
    card = _text(_card(_step5(filer, filing_id), len(document["attachments"]) - 1))
    assert "1000×1600，竖向" in card and "须横向" not in card  # Zhejiang takes portrait photos


def test_a_png_keeps_its_format_in_the_preview(api: Api) -> None:
    filing_id = _filing(api)
    filer = Browser(api, "filer-a")
    _post_upload(filer, filing_id, png((900, 1200)), name="scan.png", content_type="image/png",
                 slot="program_supplementary", kind="site_screenshots")
    _, document = _document(api, filing_id)
    object_id = document["attachments"][-1]["file"].removeprefix("stored:")
    shown = filer.client.get(f"/filings/{filing_id}/attachments/{object_id}/preview")
    assert shown.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(shown.content)).size == (240, 320)


def test_in_shanghai_a_portrait_photo_is_warned_about_at_upload_and_beside_its_card_with_the_fix(api: Api) -> None:
    filing_id = _filing(api, SHANGHAI, seq=7)
    filer = Browser(api, "filer-a")
    html = _step5(filer, filing_id)
    assert "上海市通信管理局要求附件照片横向展示" in html and 'data-landscape="上海市通信管理局' in html
    _, document = _document(api, filing_id)
    front = next(i for i, a in enumerate(document["attachments"]) if a["kind"] == "id_front")
    replace = f"/filings/{filing_id}/attachments/replace"
    done = _post_upload(filer, filing_id, jpeg((1600, 1000), orientation=6), action=replace,
                        index=str(front), att="id-front")
    flash = _flash(filer, done)
    assert "已上传“证件人像面”" in flash and "这张照片不是横向的（1000×1600）" in flash and "横握手机" in flash
    card = _card(_step5(filer, filing_id), front)
    assert "1000×1600，竖向（须横向）" in _text(card)
    finding = re.search(r'<p class="finding error">(.*?)</p>', card, re.S)
    assert finding and "要求附件照片横向展示" in finding.group(1) and "修改：将照片旋转为横向" in finding.group(1)
    # the landscape replacement clears it
    _post_upload(filer, filing_id, jpeg((1600, 1000)), action=replace, index=str(front), att="id-front")
    card = _card(_step5(filer, filing_id), front)
    assert "1600×1000" in card and "finding error" not in card


def test_outside_the_landscape_provinces_there_is_no_landscape_note(api: Api) -> None:
    html = _step5(Browser(api, "filer-a"), _filing(api))
    assert "横向展示" not in html and "data-landscape" not in html


def test_a_letter_is_uploaded_as_a_pdf_with_its_signing_date_and_its_pages_counted(api: Api) -> None:
    filing_id = _filing(api)
    filer = Browser(api, "filer-a")
    done = _post_upload(filer, filing_id, _two_page_pdf(), name="承诺书.pdf", content_type="application/pdf",
                        slot="program_supplementary", kind="non_involvement_commitment", signed_on="2026-11-20")
    assert "（PDF）" in _flash(filer, done)
    _, document = _document(api, filing_id)
    letter = document["attachments"][-1]
    assert letter["signed_on"] == "2026-11-20" and "width" not in letter
    card = _card(_step5(filer, filing_id), len(document["attachments"]) - 1)
    assert "PDF · 2 页" in _text(card) and "签署日期 2026-11-20" in _text(card) and "<img src=" not in card
    assert f'href="/api/v1/attachments/{letter["file"].removeprefix("stored:")}"' in card  # the original opens


def test_a_letter_without_a_signing_date_shows_the_finding_on_its_card(api: Api) -> None:
    filing_id = _filing(api)
    filer = Browser(api, "filer-a")
    _post_upload(filer, filing_id, PDF, name="a.pdf", content_type="application/pdf",
                 slot="program_supplementary", kind="non_involvement_commitment")
    _, document = _document(api, filing_id)
    card = _text(_card(_step5(filer, filing_id), len(document["attachments"]) - 1))
    assert "签署日期 未填写" in card and "未填写签署日期" in card


def test_the_checklist_link_preselects_the_missing_material_in_the_upload_form(api: Api) -> None:
    doc = filing_doc()
    doc["program"]["description"] += "也介绍常见药品的服用时间。"  # a pre-approval keyword: a letter is asked for
    created = api.users["filer-a"].post("/api/v1/filings", json={"document": doc}).json()
    filer = Browser(api, "filer-a")
    html = _step5(filer, created["id"])
    link = re.search(r'<a href="([^"]+)" data-slot="program_supplementary" data-kind="non_involvement_commitment">',
                     html)
    assert link
    chosen = filer.get(link.group(1).replace("&amp;", "&")).text
    assert re.search(r'<select id="up-kind" name="kind">.*?<option value="non_involvement_commitment" selected>',
                     chosen, re.S)
    assert re.search(r'<select id="up-slot" name="slot">.*?<option value="program_supplementary" selected>',
                     chosen, re.S)
    # uploaded where the checklist says: the card says it meets the requirement, the checklist has it no more
    _post_upload(filer, created["id"], PDF, name="承诺书.pdf", content_type="application/pdf",
                 slot="program_supplementary", kind="non_involvement_commitment", signed_on="2026-11-23")
    html = _step5(filer, created["id"])
    assert "满足本案的材料要求" in _card(html, len(doc["attachments"]))
    assert 'data-kind="non_involvement_commitment"' not in html


# ----- what is refused ---------------------------------------------------------------------------------------

def _gif() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600)).save(out, "GIF")
    return out.getvalue()


def _truncated() -> bytes:
    data = jpeg((800, 600), noise=True)
    return data[: len(data) // 2]


BAD_FILES = [
    pytest.param(lambda limit: b"\xff\xd8\xff" + b"\0" * (limit * 2), "照片.jpg", "超过上限 10 MB", id="too-big"),
    pytest.param(lambda limit: b"\xff\xd8\xff" + b"\0" * (limit - 2), "照片.jpg", "“照片.jpg”大小 10485761 字节",
                 id="one-byte-over-inside-the-envelope"),
    pytest.param(lambda limit: _gif(), "照片.jpg", "“照片.jpg”的文件类型不支持，应为 JPG、PNG 或 PDF",
                 id="gif-named-jpg"),
    pytest.param(lambda limit: _truncated(), "照片.jpg", "图片已损坏，无法解码", id="truncated"),
    pytest.param(lambda limit: png_claiming(60_000, 60_000), "照片.jpg", "像素过大", id="decompression-bomb"),
    pytest.param(lambda limit: png_claiming(8000, 8000), "照片.jpg", "超过上限 40000000 像素", id="over-the-pixel-cap"),
    pytest.param(lambda limit: b"", "照片.jpg", "“照片.jpg”是空文件", id="empty-file"),
    pytest.param(lambda limit: b"", "", "请选择要上传的文件", id="no-file-chosen"),
]


@pytest.mark.parametrize(("make", "name", "said"), BAD_FILES)
def test_a_bad_file_is_refused_with_a_chinese_reason_and_nothing_is_stored_or_changed(
        api: Api, make: Any, name: str, said: str) -> None:
    filing_id = _filing(api)
    filer = Browser(api, "filer-a")
    before = _document(api, filing_id)
    files_before = _stored_files(api)
    refused = _post_upload(filer, filing_id, make(api.runtime.settings.max_upload_bytes), name=name,
                           slot="subject_supplementary", kind="residence_proof")
    # back to the form with the filer's choices kept, the reason in the flash, no traceback
    assert refused.status_code == 303
    location = refused.headers["location"]
    assert "slot=subject_supplementary" in location and "kind=residence_proof" in location
    assert location.endswith("#upload")
    flash = _flash(filer, refused)
    assert said in flash and "Traceback" not in flash
    assert _document(api, filing_id) == before
    assert _stored_files(api) == files_before


@pytest.mark.parametrize(("fields", "said"), [
    pytest.param({"version": "0"}, "页面已过期", id="stale-version"),
    pytest.param({"signed_on": "2026-13-40", "kind": "non_involvement_commitment"}, "不是有效日期", id="bad-date"),
    pytest.param({"slot": "nowhere"}, "请选择上传位置", id="unknown-slot"),
])
def test_a_good_file_with_a_bad_form_is_not_stored(api: Api, fields: dict[str, str], said: str) -> None:
    filing_id = _filing(api)
    filer = Browser(api, "filer-a")
    html = _step5(filer, filing_id)
    form = {"csrf": _csrf(html), "version": "1", "slot": "subject_supplementary", "kind": "other", **fields}
    refused = filer.client.post(f"/filings/{filing_id}/attachments", data=form,
                                files={"file": ("ok.jpg", jpeg(), "image/jpeg")}, follow_redirects=False)
    assert said in _flash(filer, refused)
    assert _stored_files(api) == 0


def test_a_submitted_filing_takes_no_uploads(api: Api) -> None:
    filing_id = _filing(api)
    owner = api.users["filer-a"]
    assert owner.post(f"/api/v1/filings/{filing_id}/face").status_code == 201
    owner.get(f"/api/v1/filings/{filing_id}/face")
    assert owner.post(f"/api/v1/filings/{filing_id}/submit", json={"version": 1}).status_code == 200
    filer = Browser(api, "filer-a")
    html = _step5(filer, filing_id)
    assert "当前状态不可修改附件" in html and 'action="/filings/' + filing_id + '/attachments"' not in html
    page = filer.get("/filings")
    version, _ = _document(api, filing_id)
    refused = filer.client.post(f"/filings/{filing_id}/attachments", data={
        "csrf": _csrf(page.text), "version": str(version), "slot": "subject_supplementary", "kind": "other"},
        files={"file": ("ok.jpg", jpeg(), "image/jpeg")}, follow_redirects=False)
    assert "只有草稿可以修改附件" in _flash(filer, refused)
    assert _stored_files(api) == 0


# ----- replace, correct, remove ------------------------------------------------------------------------------

def test_replacing_a_file_keeps_the_attachment_id_slot_and_kind(api: Api) -> None:
    filing_id = _filing(api)
    filer = Browser(api, "filer-a")
    _, document = _document(api, filing_id)
    done = _post_upload(filer, filing_id, png((1200, 800)), name="front.png", content_type="image/png",
                        action=f"/filings/{filing_id}/attachments/replace", index="1", att="id-front")
    assert "已上传“证件人像面”" in _flash(filer, done)
    _, after = _document(api, filing_id)
    assert len(after["attachments"]) == len(document["attachments"])
    replaced = after["attachments"][1]
    assert (replaced["id"], replaced["slot"], replaced["kind"]) == ("id-front", "subject_principal_id", "id_front")
    assert replaced["file"].startswith("stored:") and (replaced["width"], replaced["height"]) == (1200, 800)


def test_a_replace_aimed_at_an_attachment_that_moved_is_refused(api: Api) -> None:
    filing_id = _filing(api)
    filer = Browser(api, "filer-a")
    refused = _post_upload(filer, filing_id, jpeg(), action=f"/filings/{filing_id}/attachments/replace",
                           index="1", att="id-back")  # index 1 is id-front
    assert "附件清单已变化" in _flash(filer, refused)
    assert _stored_files(api) == 0


def test_a_filer_corrects_an_attachments_slot_kind_and_signing_date(api: Api) -> None:
    filing_id = _filing(api)
    filer = Browser(api, "filer-a")
    html = _step5(filer, filing_id)
    action = f"/filings/{filing_id}/attachments/edit"
    done = filer.client.post(action, data={
        "csrf": _csrf(html), "version": _version_of(html, action), "index": "2", "att": "id-back",
        "slot": "subject_supplementary", "kind": "subject_principal_authorization", "signed_on": "2026-11-01"},
        follow_redirects=False)
    assert "已修改“主体补充材料”中的“主体负责人授权书”" in _flash(filer, done)
    _, document = _document(api, filing_id)
    assert document["attachments"][2] | {"width": 0, "height": 0} == {
        "id": "id-back", "slot": "subject_supplementary", "kind": "subject_principal_authorization",
        "signed_on": "2026-11-01", "width": 0, "height": 0}
    # a kind that is no letter carries no signing date
    html = _step5(filer, filing_id)
    filer.client.post(action, data={"csrf": _csrf(html), "version": _version_of(html, action), "index": "2",
                                    "att": "id-back", "slot": "subject_principal_id", "kind": "id_back",
                                    "signed_on": "2026-11-01"})
    _, document = _document(api, filing_id)
    assert "signed_on" not in document["attachments"][2]


def test_a_filer_removes_an_attachment_and_the_checklist_notices(api: Api) -> None:
    filing_id = _filing(api)
    filer = Browser(api, "filer-a")
    html = _step5(filer, filing_id)
    assert "本案还缺的材料" not in html
    action = f"/filings/{filing_id}/attachments/remove"
    done = filer.client.post(action, data={"csrf": _csrf(html), "version": _version_of(html, action),
                                           "index": "2", "att": "id-back"}, follow_redirects=False)
    assert "已移除附件“id-back”" in _flash(filer, done)
    _, document = _document(api, filing_id)
    assert [a["id"] for a in document["attachments"]] == ["cert", "id-front"]
    html = _step5(filer, filing_id)
    assert "本案还缺的材料" in html and 'data-slot="subject_principal_id" data-kind="id_back"' in html


def test_a_rejection_reason_about_the_attachments_links_to_the_upload_cards() -> None:
    assert wizard.field_anchor("attachments") == (5, "uploads")


# ----- who may do and see it ---------------------------------------------------------------------------------

def _preview_url(api: Api, filing_id: str) -> str:
    filer = Browser(api, "filer-a")
    _post_upload(filer, filing_id, jpeg(), slot="subject_supplementary", kind="other")
    _, document = _document(api, filing_id)
    return f"/filings/{filing_id}/attachments/{document['attachments'][-1]['file'].removeprefix('stored:')}/preview"


def test_another_tenant_gets_not_found_for_the_previews_and_the_forms(api: Api) -> None:
    filing_id = _filing(api)
    url = _preview_url(api, filing_id)
    other = Browser(api, "filer-b")
    assert other.client.get(url).status_code == 404
    assert other.get(f"/filings/{filing_id}?step=5").status_code == 404
    csrf = _csrf(other.get("/filings").text)
    upload = other.client.post(f"/filings/{filing_id}/attachments", data={
        "csrf": csrf, "version": "2", "slot": "subject_supplementary", "kind": "other"},
        files={"file": ("x.jpg", jpeg((1200, 900)), "image/jpeg")})
    assert upload.status_code == 404
    for action in ("remove", "edit"):
        response = other.client.post(f"/filings/{filing_id}/attachments/{action}", data={
            "csrf": csrf, "version": "2", "index": "0", "att": "cert", "slot": "subject_certificate",
            "kind": "certificate_photo"})
        assert response.status_code == 404, action
    assert len(_document(api, filing_id)[1]["attachments"]) == 4


def test_a_preview_of_a_file_the_filing_does_not_name_is_not_found(api: Api) -> None:
    filing_id = _filing(api)
    url = _preview_url(api, filing_id)
    other_filing = _filing(api, seq=2)
    filer = Browser(api, "filer-a")
    assert filer.client.get(url.replace(filing_id, other_filing)).status_code == 404
    assert filer.client.get(f"/filings/{filing_id}/attachments/{'0' * 64}/preview").status_code == 404
    assert filer.client.get(f"/filings/{filing_id}/attachments/..%2F..%2Fetc/preview").status_code == 404


def test_staff_may_not_upload_and_a_missing_csrf_token_is_refused(api: Api) -> None:
    filing_id = _filing(api)
    reviewer = Browser(api, "reviewer")
    csrf = _csrf(reviewer.get("/review").text)
    staff = reviewer.client.post(f"/filings/{filing_id}/attachments", data={
        "csrf": csrf, "version": "1", "slot": "subject_supplementary", "kind": "other"},
        files={"file": ("x.jpg", jpeg(), "image/jpeg")})
    assert staff.status_code == 403
    filer = Browser(api, "filer-a")
    no_csrf = filer.client.post(f"/filings/{filing_id}/attachments", data={
        "version": "1", "slot": "subject_supplementary", "kind": "other"},
        files={"file": ("x.jpg", jpeg(), "image/jpeg")})
    assert no_csrf.status_code == 403 and "CSRF" in no_csrf.text
    foreign = filer.client.post(f"/filings/{filing_id}/attachments", data={
        "csrf": "令牌", "version": "1", "slot": "subject_supplementary", "kind": "other"},
        files={"file": ("x.jpg", jpeg(), "image/jpeg")})
    assert foreign.status_code == 403  # not a server error on a token that is not even ASCII
    for action in ("remove", "edit"):
        refused = filer.client.post(f"/filings/{filing_id}/attachments/{action}", data={
            "version": "1", "index": "0", "att": "cert", "slot": "subject_certificate", "kind": "other"})
        assert refused.status_code == 403, action
    assert _document(api, filing_id)[0] == 1 and _stored_files(api) == 0
    anonymous = api.anonymous().post(f"/filings/{filing_id}/attachments", files={"file": ("x.jpg", jpeg())},
                                     follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")


def test_a_reviewer_sees_the_previews_read_only_on_the_review_page_and_the_read_is_audited(api: Api) -> None:
    filing_id = _filing(api)
    url = _preview_url(api, filing_id)
    reviewer = Browser(api, "reviewer")
    page = reviewer.get(f"/review/{filing_id}")
    assert page.status_code == 200
    assert f'src="{url}"' in page.text and "已上传的附件" not in page.text
    assert "/attachments/remove" not in page.text and 'type="file"' not in page.text
    shown = reviewer.client.get(url)
    assert shown.status_code == 200 and shown.headers["content-type"] == "image/jpeg"
    object_id = url.split("/")[-2]
    audit = api.users["operator"].get("/api/v1/audit").json()
    assert any(e["action"] == "attachment_read" and e["target"] == object_id
               and e["account_id"] == api.users["reviewer"].account_id for e in audit)


def test_an_auditor_sees_the_facts_but_no_preview(api: Api) -> None:
    filing_id = _filing(api)
    url = _preview_url(api, filing_id)
    auditor = Browser(api, "auditor")
    page = auditor.get(f"/review/{filing_id}")
    assert page.status_code == 200 and "1600×1000" in page.text
    assert url not in page.text and "不能查看图像" in page.text
    assert auditor.client.get(url).status_code == 403
