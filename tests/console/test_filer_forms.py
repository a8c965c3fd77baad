"""The field-by-field new filing (/filings/new): a draft from a few fields without JSON, every bad input a
422 naming its field with the values kept, the region selects without and with htmx, 新增小程序 under an
existing subject, and the advanced JSON / platform-body import sections."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from icpflow.console import new_filing, wizard
from icpflow.domain.parsing import parse_mapping
from icpflow.services import filings

from ..api.conftest import Api, _build, filing_doc
from ..domain.importer_bodies import wechat_enterprise_body
from .support import Client, created, filed

USCC = filing_doc(1)["subject"]["certificate"]["number"]  # a valid code of a Hangzhou (330106) enterprise


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    yield from _build(tmp_path / "data")


def _form(**changes: str) -> dict[str, str]:
    form = {"mode": "form", "start": "first", "program_type": "mini_program", "appid": "wx00112233445566aa",
            "program_name": "鲜果日记", "nature": "enterprise", "certificate_type": "business_license",
            "certificate_number": USCC, "subject_name": "杭州鲜果科技有限公司", "province": "330000",
            "city": "330100", "district": "330106"}
    form.update(changes)
    return form


def _drafts(api: Api, owner: str = "filer-a") -> list[Any]:
    with api.runtime.workflow.uow() as store:
        return store.list_applications(owner=api.users[owner].account_id)


def _application(api: Api, location: str) -> Any:
    found = re.search(r"/filings/([0-9a-f-]{36})", location)
    assert found, location
    return filings.get_application(api.runtime.workflow, found.group(1), actor="", staff=True)


def _input_value(html: str, name: str) -> str | None:
    found = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', html)
    return found.group(1) if found else None


def _selected(html: str, name: str) -> str | None:
    select = re.search(rf'<select[^>]*name="{re.escape(name)}".*?</select>', html, re.S)
    assert select, name
    chosen = re.search(r'<option value="([^"]*)" selected>', select.group(0))
    return chosen.group(1) if chosen else None


# ----- the form itself ---------------------------------------------------------------------------------

def test_the_new_filing_page_asks_field_by_field_and_keeps_json_as_an_advanced_section(api: Api) -> None:
    filer = Client(api, "filer-a")
    page = filer.get("/filings/new")
    assert page.status_code == 200
    labels = ("备案类型", "AppID", "小程序名称", "单位性质", "证件类型", "证件号码", "主办单位名称", "通讯地址：省份")
    assert all(label in page.text for label in labels)
    assert '<option value="330000">浙江省</option>' in page.text  # provinces from the checker's region table
    assert re.search(r"<details>\s*<summary>粘贴备案申请文档（JSON）</summary>", page.text)  # closed by default
    assert "示例" in page.text and "导入微信 / 抖音的备案请求体" in page.text


def test_a_first_filing_from_the_form_becomes_a_skeleton_draft_and_the_wizard_shows_what_is_missing(
        api: Api) -> None:
    filer = Client(api, "filer-a")
    filer.get("/filings/new")
    answer = filer.post("/filings/new", _form())
    assert answer.status_code == 303 and "?step=1&notice=" in answer.headers["location"]
    app = _application(api, answer.headers["location"])
    doc = app.document
    parse_mapping(doc)  # a valid document
    assert doc["kind"] == "new" and doc["program"]["appid"] == "wx00112233445566aa"
    assert doc["subject"]["address"] == {"province": "330000", "city": "330100", "district": "330106", "detail": ""}
    assert doc["subject"]["certificate"] == {"type": "business_license", "number": USCC}
    assert app.province == "330000" and app.owner == api.users["filer-a"].account_id
    wizard = filer.follow(answer)
    assert "草稿已创建" in wizard.text and "未填写证件住所" in wizard.text  # the pre-check guides the filer
    step2 = filer.get(f"/filings/{app.id}?step=2")
    # the placeholder dates show as empty inputs with a plain "please fill in", not the impossible date
    assert "请填写证件有效期起" in step2.text and "请填写证件有效期止" in step2.text
    assert "2099-12-31" not in step2.text and "1900-01-01" not in step2.text
    assert _input_value(step2.text, "subject.principal.id_valid_from") == ""


def test_a_step_saved_with_its_dates_still_empty_keeps_the_placeholders_until_they_are_typed(api: Api) -> None:
    filer = Client(api, "filer-a")
    filer.get("/filings/new")
    app = _application(api, filer.post("/filings/new", _form()).headers["location"])
    step2 = filer.get(f"/filings/{app.id}?step=2")
    form = {"csrf": filer.csrf, "version": str(app.version), "subject.principal.name": "张三",
            "subject.principal.id_type": "resident_id",
            "subject.principal.id_valid_from": "", "subject.principal.id_valid_to": ""}
    saved = filer.post(f"/filings/{app.id}/step/2", form)
    assert saved.status_code == 303 and "error=" not in saved.headers["location"], step2.status_code
    doc = filings.get_application(api.runtime.workflow, app.id, actor="", staff=True).document
    assert doc["subject"]["principal"]["name"] == "张三"
    assert doc["subject"]["principal"]["id_valid_from"] == wizard.PLACEHOLDER_VALID_FROM  # still impossible
    form.update({"version": str(app.version + 1), "subject.principal.id_valid_from": "2020-01-01",
                 "subject.principal.id_valid_to": "长期"})
    assert filer.post(f"/filings/{app.id}/step/2", form).status_code == 303
    page = filer.get(f"/filings/{app.id}?step=2").text
    doc = filings.get_application(api.runtime.workflow, app.id, actor="", staff=True).document
    assert doc["subject"]["principal"]["id_valid_from"] == "2020-01-01"
    assert "请填写证件有效期起" not in page and "请填写证件有效期止" not in page


def test_the_mini_game_fields_show_only_for_a_mini_game_and_a_mini_program_carries_none(api: Api) -> None:
    filer = Client(api, "filer-a")
    filer.get("/filings/new")
    app = _application(api, filer.post("/filings/new", _form()).headers["location"])
    assert "版号授权层级" not in filer.get(f"/filings/{app.id}?step=3").text
    base = {"csrf": filer.csrf, "program.appid": "wx00112233445566aa", "program.name": "鲜果日记",
            "program.count_under_subject": "1"}
    game = {**base, "version": str(app.version), "program.type": "mini_game",
            "program.game.publication_number": "ISBN 978-7-498-12345-6", "program.game.authorization_level": "0",
            "program.game.mini_game_filing_approved": "on"}
    assert filer.post(f"/filings/{app.id}/step/3", game).status_code == 303
    doc = filings.get_application(api.runtime.workflow, app.id, actor="", staff=True).document
    assert doc["program"]["game"] == {"publication_number": "ISBN 978-7-498-12345-6", "authorization_level": 0,
                                      "mini_game_filing_approved": True}
    assert "版号授权层级" in filer.get(f"/filings/{app.id}?step=3").text
    negative = {**game, "version": str(app.version + 1), "program.game.authorization_level": "-1"}
    refused = filer.post(f"/filings/{app.id}/step/3", negative)
    assert refused.status_code == 422 and "应为不小于 0 的整数" in refused.text
    back = {**base, "version": str(app.version + 1), "program.type": "mini_program"}
    assert filer.post(f"/filings/{app.id}/step/3", back).status_code == 303
    doc = filings.get_application(api.runtime.workflow, app.id, actor="", staff=True).document
    assert "game" not in doc["program"]


def test_an_individual_subject_is_also_the_subject_principal(api: Api) -> None:
    filer = Client(api, "filer-a")
    filer.get("/filings/new")
    answer = filer.post("/filings/new", _form(nature="individual", certificate_type="resident_id",
                                              certificate_number="33010619900307123x", subject_name="李某某"))
    assert answer.status_code == 303
    principal = _application(api, answer.headers["location"]).document["subject"]["principal"]
    assert principal["name"] == "李某某" and principal["id_number"] == "33010619900307123X"
    assert principal["id_type"] == "resident_id"


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"appid": ""}, "appid", "AppID：请填写"),
    ({"appid": "wx 123"}, "appid", "AppID：只能包含英文字母"),
    ({"program_name": ""}, "program_name", "小程序名称：请填写"),
    ({"program_type": "app"}, "program_type", "类型：“app”不是可选的值"),
    ({"nature": "company"}, "nature", "单位性质：“company”不是可选的值"),
    ({"nature": "individual"}, "certificate_type", "证件类型：个人主体应选择个人身份证件"),
    ({"certificate_type": "resident_id"}, "certificate_type", "证件类型：单位主体应选择单位证件"),
    ({"certificate_number": "  "}, "certificate_number", "证件号码：请填写"),
    ({"subject_name": "某" * 101}, "subject_name", "主办单位名称：不能超过 100 个字符"),
    ({"province": ""}, "province", "通讯地址：省份：请选择"),
    ({"province": "710000"}, "province", "不在 ICP 备案受理范围内"),
    ({"city": "320100"}, "city", "不属于所选省份"),
    ({"district": ""}, "district", "通讯地址：区县：请选择"),
    ({"district": "330203"}, "district", "不属于所选城市"),
    ({"start": ""}, "start", "备案类型：请选择"),
])
def test_a_bad_field_is_a_422_naming_it_with_the_values_kept(api: Api, changes: dict[str, str], field: str,
                                                            message: str) -> None:
    filer = Client(api, "filer-a")
    filer.get("/filings/new")
    answer = filer.post("/filings/new", _form(**changes))
    assert answer.status_code == 422
    error = re.search(rf'<p class="field-error" id="err-{field}">([^<]*)</p>', answer.text)
    assert error and message in error.group(1), answer.text[:3000]
    assert f'aria-describedby="err-{field}"' in answer.text  # the control points at its message
    if field != "subject_name":
        assert _input_value(answer.text, "subject_name") == "杭州鲜果科技有限公司"  # nothing typed is lost
    if field not in ("province", "city", "district"):
        assert _selected(answer.text, "district") == "330106"
    assert _drafts(api) == []


def test_a_mini_game_carries_its_publication_number_into_the_draft(api: Api) -> None:
    filer = Client(api, "filer-a")
    filer.get("/filings/new")
    answer = filer.post("/filings/new", _form(program_type="mini_game", game_authorization_level="1",
                                              game_publication_number="ISBN 978-7-0000-0000-1"))
    game = _application(api, answer.headers["location"]).document["program"]["game"]
    assert game == {"publication_number": "ISBN 978-7-0000-0000-1", "authorization_level": 1,
                    "mini_game_filing_approved": False}
    without = filer.post("/filings/new", _form(program_type="mini_game", appid="wx00112233445566bb",
                                               game_filing_approved="on"))
    game = _application(api, without.headers["location"]).document["program"]["game"]
    assert game == {"publication_number": None, "authorization_level": 0, "mini_game_filing_approved": True}
    plain = filer.post("/filings/new", _form(appid="wx00112233445566cc", game_publication_number="ISBN 1"))
    assert "game" not in _application(api, plain.headers["location"]).document["program"]


def test_another_filers_subject_or_mini_program_is_refused_on_its_field(api: Api) -> None:
    created(api, "filer-b")  # filer-b's subject (USCC of seq 1) and mini-program
    filer = Client(api, "filer-a")
    filer.get("/filings/new")
    same_subject = filer.post("/filings/new", _form())
    assert same_subject.status_code == 422
    assert re.search(r'id="err-certificate_number">证件号码：该主办单位已由其他账号办理备案', same_subject.text)
    other = filing_doc(2)["subject"]["certificate"]["number"]
    same_program = filer.post("/filings/new", _form(certificate_number=other,
                                                    appid=filing_doc(1)["program"]["appid"]))
    assert same_program.status_code == 422
    assert re.search(r'id="err-appid">AppID：该小程序已由其他账号办理备案', same_program.text)
    assert _drafts(api) == []


def test_a_mini_program_that_is_already_filed_is_sent_to_a_change_filing(api: Api) -> None:
    done = filed(api)
    filer = Client(api, "filer-a")
    filer.get("/filings/new")
    answer = filer.post("/filings/new", _form(appid=done.document["program"]["appid"]))
    assert answer.status_code == 422
    assert re.search(r'id="err-appid">AppID：该小程序已备案（[^）]+），如需修改请提交变更备案', answer.text)


# ----- regions without and with JavaScript -----------------------------------------------------------------

def test_without_javascript_the_refresh_button_fills_the_city_and_district_lists(api: Api) -> None:
    filer = Client(api, "filer-a")
    page = filer.get("/filings/new")
    assert '<option value="330100">' not in page.text  # no province chosen: no cities yet
    assert 'name="refresh"' in page.text
    cities = filer.post("/filings/new", {**_form(city="", district=""), "refresh": "1"})
    assert cities.status_code == 200 and '<option value="330100">杭州市</option>' in cities.text
    assert '<option value="330106">' not in cities.text
    assert _input_value(cities.text, "appid") == "wx00112233445566aa"
    districts = filer.post("/filings/new", {**_form(district=""), "refresh": "1"})
    assert '<option value="330106">西湖区</option>' in districts.text
    assert _drafts(api) == []  # refreshing creates nothing


def test_with_htmx_the_region_fragment_lists_the_next_level(api: Api) -> None:
    filer = Client(api, "filer-a")
    cities = filer.client.get("/filings/new/regions", params={"province": "110000"})
    assert cities.status_code == 200 and '<option value="110100">市辖区</option>' in cities.text
    assert "<html" not in cities.text and 'for="fld-city"' in cities.text
    districts = filer.client.get("/filings/new/regions", params={"province": "110000", "city": "110100"})
    assert '<option value="110108">海淀区</option>' in districts.text
    mismatch = filer.client.get("/filings/new/regions", params={"province": "330000", "city": "110100"})
    assert "110108" not in mismatch.text and "330100" in mismatch.text
    nonsense = filer.client.get("/filings/new/regions", params={"province": "<script>"})
    assert nonsense.status_code == 200 and "<script>" not in nonsense.text


def test_the_region_choices_follow_the_selection_and_the_address_errors_name_the_select() -> None:
    from icpflow.bootstrap import load_regions

    regions = load_regions()
    dongguan = new_filing.region_choices(regions, "440000", "441900")
    assert dongguan.districts == [("441900", "东莞市")]  # a city without districts is its own district
    assert len(dongguan.provinces) == 31 and ("441900", "东莞市") in dongguan.cities
    elsewhere = new_filing.region_choices(regions, "330000", "441900")  # a city of another province
    assert elsewhere.districts == [] and ("330100", "杭州市") in elsewhere.cities
    assert new_filing.address_errors(regions, "330000", "330100", "330106") == {}
    assert "district" in new_filing.address_errors(regions, "330000", "330100", "330100")


# ----- 新增小程序 ------------------------------------------------------------------------------------------

def test_a_second_mini_program_reuses_the_subject_and_its_attachments(api: Api) -> None:
    first = filed(api)
    filer = Client(api, "filer-a")
    page = filer.get("/filings/new")
    subject_id = first.subject_id
    assert f'<option value="{first.subject_id}">' in page.text and first.issued_number.split("-")[0] in page.text
    answer = filer.post("/filings/new", {"mode": "form", "start": "add", "subject_id": subject_id,
                                         "program_type": "mini_program", "appid": "wx00000000000000f1",
                                         "program_name": "读书打卡"})
    assert answer.status_code == 303
    app = _application(api, answer.headers["location"])
    assert app.subject_id == subject_id
    assert app.document["subject"]["name"] == first.document["subject"]["name"]
    assert app.document["subject"]["principal"]["face_verified"] is False  # face verification is per filing
    assert {a["slot"] for a in app.document["attachments"]} == {"subject_certificate", "subject_principal_id"}
    assert app.document["program"]["count_under_subject"] == 2
    assert app.document["program"]["principal"] == "same_as_subject_principal"


def test_a_second_mini_program_needs_one_of_the_filers_own_subjects(api: Api) -> None:
    theirs = created(api, "filer-b")
    filer = Client(api, "filer-a")
    page = filer.get("/filings/new")
    assert 'id="start-add" name="start" value="add" disabled' in page.text  # nothing to reuse yet
    assert theirs.subject_id not in page.text
    base = {"mode": "form", "start": "add", "program_type": "mini_program", "appid": "wx00000000000000f2",
            "program_name": "读书打卡"}
    missing = filer.post("/filings/new", base)
    assert missing.status_code == 422 and 'id="err-subject_id">主办单位：请选择' in missing.text
    foreign = filer.post("/filings/new", {**base, "subject_id": theirs.subject_id})
    assert foreign.status_code == 422 and re.search(r'id="err-subject_id">主办单位：请选择您名下', foreign.text)
    assert _drafts(api) == []


# ----- advanced: JSON and platform bodies -------------------------------------------------------------------

def test_a_json_document_without_an_appid_is_refused_before_it_is_stored(api: Api) -> None:
    filer = Client(api, "filer-a")
    filer.get("/filings/new")
    doc = filing_doc()
    doc["program"]["appid"] = " "
    answer = filer.post("/filings/new", {"mode": "json", "document": json.dumps(doc, ensure_ascii=False)})
    assert answer.status_code == 422 and "program.appid：请填写小程序 AppID" in answer.text
    assert re.search(r"<details open>\s*<summary>粘贴备案申请文档（JSON）", answer.text)  # the section stays open
    ok = filer.post("/filings/new", {"mode": "json", "document": json.dumps(filing_doc(), ensure_ascii=False)})
    assert ok.status_code == 303 and len(_drafts(api)) == 1


def test_a_wechat_body_is_imported_for_review_with_the_importers_notes(api: Api) -> None:
    filer = Client(api, "filer-a")
    filer.get("/filings/new")
    body = json.dumps(wechat_enterprise_body(), ensure_ascii=False)
    preview = filer.post("/filings/new", {"mode": "import", "platform": "wechat", "body": body,
                                          "import_appid": "wx00112233445566dd", "import_name": "鲜果日记"})
    assert preview.status_code == 200 and "需要确认的默认值与推断" in preview.text
    document = re.search(r'<textarea id="document" name="document"[^>]*>(.*?)</textarea>', preview.text, re.S)
    assert document
    imported = json.loads(html.unescape(document.group(1)))
    assert imported["subject"]["name"] == "杭州鲜果科技有限公司"
    assert imported["program"]["appid"] == "wx00112233445566dd" and imported["program"]["name"] == "鲜果日记"
    assert _drafts(api) == []  # a preview: nothing is created until the filer confirms
    without = filer.post("/filings/new", {"mode": "import", "platform": "wechat", "body": body})
    kept = re.search(r'<textarea id="document" name="document"[^>]*>(.*?)</textarea>', without.text, re.S)
    assert kept and "&#34;appid&#34;: &#34;&#34;" in kept.group(1)  # left empty for the filer to fill


@pytest.mark.parametrize(("form", "field", "message"), [
    ({"platform": "wechat", "body": "{not json"}, "body", "平台请求体：不是有效的 JSON"),
    ({"platform": "wechat", "body": "[1, 2]"}, "body", "平台请求体：应为 JSON 对象"),
    ({"platform": "alipay", "body": "{}"}, "platform", "平台：请选择微信或抖音"),
])
def test_a_bad_import_is_a_422_naming_the_field(api: Api, form: dict[str, str], field: str, message: str) -> None:
    filer = Client(api, "filer-a")
    filer.get("/filings/new")
    answer = filer.post("/filings/new", {"mode": "import", **form})
    assert answer.status_code == 422
    assert re.search(rf'id="err-{field}">{re.escape(message)}', answer.text)
    assert re.search(r"<details open>\s*<summary>导入微信", answer.text)


# ----- who may -----------------------------------------------------------------------------------------------

def test_only_tenants_reach_the_new_filing_form_and_every_post_needs_the_csrf_token(api: Api) -> None:
    reviewer = Client(api, "reviewer")
    assert reviewer.get("/filings/new").status_code == 403
    assert reviewer.client.get("/filings/new/regions", params={"province": "330000"}).status_code == 403
    assert reviewer.post("/filings/new", _form()).status_code == 403
    filer = Client(api, "filer-a")
    filer.get("/filings/new")
    assert filer.post("/filings/new", _form(), csrf=False).status_code == 403
    assert filer.client.post("/filings/new", data={**_form(), "csrf": "forged"}).status_code == 403
    assert _drafts(api) == []
    anonymous = api.anonymous()
    assert anonymous.get("/filings/new", follow_redirects=False).status_code == 303


# ----- the wizard's pre-check and face verification ---------------------------------------------------------

def _step2_form(html: str) -> dict[str, str]:
    form = {"step": "2", **dict(re.findall(r'name="(subject\.principal\.[a-z_]+)" value="([^"]*)"', html))}
    form.update({"subject.principal.id_type": "resident_id", "subject.principal.is_legal_representative": "on"})
    return form


def test_the_wizard_judges_face_verification_by_the_task_not_by_the_documents_flag(api: Api) -> None:
    from icpflow.services import face

    app = created(api)  # its document says face_verified: true, but no face task has passed
    assert app.document["subject"]["principal"]["face_verified"] is True
    filer = Client(api, "filer-a")
    page = filer.get(f"/filings/{app.id}?step=2")  # the principal is the subject principal: step 2
    assert "尚未完成人脸核身" in page.text
    fragment = filer.post(f"/filings/{app.id}/precheck-fragment", _step2_form(page.text))
    assert fragment.status_code == 200 and "尚未完成人脸核身" in fragment.text
    face.start(api.runtime.workflow, api.runtime.gateway, app.id, actor=app.owner)
    page = filer.get(f"/filings/{app.id}?step=2")
    assert "尚未完成人脸核身" not in page.text
    fragment = filer.post(f"/filings/{app.id}/precheck-fragment", _step2_form(page.text))
    assert fragment.status_code == 200 and "尚未完成人脸核身" not in fragment.text


def test_a_skeleton_draft_passes_its_face_check_once_the_principal_is_verified(api: Api) -> None:
    from icpflow.services import face

    filer = Client(api, "filer-a")
    filer.get("/filings/new")
    app = _application(api, filer.post("/filings/new", _form()).headers["location"])
    assert "face_verified" not in app.document["subject"]["principal"]
    assert "尚未完成人脸核身" in filer.get(f"/filings/{app.id}?step=2").text
    face.start(api.runtime.workflow, api.runtime.gateway, app.id, actor=app.owner)
    assert "尚未完成人脸核身" not in filer.get(f"/filings/{app.id}?step=2").text
