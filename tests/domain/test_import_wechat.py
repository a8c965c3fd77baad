"""The WeChat `apply_icp_filing` importer: a complete enterprise body, a personal body, and what cannot be mapped."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from icpflow.domain.importers import (
    PlatformDictionaries,
    import_wechat,
)
from icpflow.domain.parsing import DocumentUnreadable, parse_mapping
from icpflow.testing import make_uscc

from .importer_bodies import (
    WX_APP_PRINCIPAL_ID,
    WX_LEGAL_REP_ID,
    WX_PERSON_ID,
    WX_PRINCIPAL_ID,
    WX_REMARK,
    WX_USCC,
    _attachments,
    _by_id,
    _paths,
    wechat_enterprise_body,
    wechat_personal_body,
)

# -- WeChat: a complete enterprise body --------------------------------------------------------------------


def test_a_wechat_enterprise_body_imports_into_a_document_that_parses() -> None:
    result = import_wechat(wechat_enterprise_body())
    filing = parse_mapping(result.document)
    assert filing.kind == "new"
    assert result.unmapped == []


def test_the_wechat_subject_lands_in_subject_with_certificate_address_and_remark() -> None:
    subject = import_wechat(wechat_enterprise_body()).document["subject"]
    assert subject["nature"] == "enterprise"
    assert subject["name"] == "杭州鲜果科技有限公司"
    assert subject["certificate"] == {
        "type": "business_license",
        "number": WX_USCC,
        "address": "浙江省杭州市西湖区文三路 90 号 3 幢 501 室",
    }
    assert subject["address"] == {"province": "330000", "city": "330100", "district": "330106",
                                  "detail": "文三路 90 号 3 幢 501 室"}
    assert subject["remark"] == ""


def test_the_wechat_subject_principal_keeps_contacts_emergency_phone_and_converted_validity() -> None:
    principal = import_wechat(wechat_enterprise_body()).document["subject"]["principal"]
    assert principal == {
        "name": "王晓明",
        "id_type": "resident_id",
        "id_number": WX_PRINCIPAL_ID,
        "id_valid_from": "2018-03-01",
        "id_valid_to": "2038-03-01",
        "mobile": "13857101234",
        "emergency_phone": "13957105678",
        "email": "wangxm@xianguo.example.cn",
        "is_legal_representative": False,
    }


def test_legal_person_info_becomes_the_legal_representative() -> None:
    subject = import_wechat(wechat_enterprise_body()).document["subject"]
    assert subject["legal_representative"] == {"name": "李建国", "id_type": "resident_id", "id_number": WX_LEGAL_REP_ID}


def test_without_legal_person_info_the_subject_principal_is_presumed_the_legal_representative() -> None:
    body = wechat_enterprise_body()
    del body["icp_subject"]["legal_person_info"]
    result = import_wechat(body)
    subject = result.document["subject"]
    assert subject["principal"]["is_legal_representative"] is True
    assert subject["legal_representative"]["name"] == "王晓明"
    assert subject["legal_representative"]["id_number"] == WX_PRINCIPAL_ID
    assert any("推定主体负责人即法定代表人" in w for w in result.warnings)


def test_the_mini_program_principal_is_a_full_person_with_long_term_validity_and_face_verified() -> None:
    result = import_wechat(wechat_enterprise_body())
    principal = result.document["program"]["principal"]
    assert principal["name"] == "陈静"
    assert principal["id_number"] == WX_APP_PRINCIPAL_ID
    assert principal["id_valid_from"] == "2020-06-15"
    assert principal["id_valid_to"] == "long_term"
    assert principal["emergency_phone"] == "18657105432"
    assert principal["face_verified"] is True
    assert any("face_status=3" in w for w in result.warnings)


def test_the_program_keeps_remark_service_content_ids_and_pre_approvals_with_their_attachments() -> None:
    result = import_wechat(wechat_enterprise_body())
    program = result.document["program"]
    assert program["remark"] == WX_REMARK
    assert program["description"] == WX_REMARK
    assert program["service_content_types"] == ["3", "4"]
    assert any("离线无法得知名称" in w for w in result.warnings)
    assert [(p["category"], p["number"]) for p in program["pre_approvals"]] == [
        ("publishing", "浙网出证（2025）第 0123 号"),
        ("education", "浙教审〔2024〕12号"),
    ]
    attachment = _by_id(result.document, program["pre_approvals"][0]["attachment"])
    assert (attachment["slot"], attachment["kind"], attachment["file"]) == (
        "pre_approval", "pre_approval_document", "wx-media-nrlx-publishing")


def test_every_wechat_media_id_becomes_an_attachment_in_the_right_slot_and_kind() -> None:
    doc = import_wechat(wechat_enterprise_body()).document
    assert _attachments(doc) == {
        "wx-media-license": ("subject_certificate", "certificate_photo"),
        "wx-media-sp-front": ("subject_principal_id", "id_front"),
        "wx-media-sp-back": ("subject_principal_id", "id_back"),
        "wx-media-sp-auth": ("subject_supplementary", "subject_principal_authorization"),
        "wx-media-pp-front": ("program_principal_id", "id_front"),
        "wx-media-pp-back": ("program_principal_id", "id_back"),
        "wx-media-pp-auth": ("program_supplementary", "program_principal_authorization"),
        "wx-media-nrlx-publishing": ("pre_approval", "pre_approval_document"),
        "wx-media-nrlx-education": ("pre_approval", "pre_approval_document"),
        "wx-media-commitment": ("filing_commitment", "other"),
        "wx-media-plan": ("program_supplementary", "construction_plan"),
        "wx-media-subject-1": ("subject_supplementary", "other"),
        "wx-media-subject-2": ("subject_supplementary", "other"),
        "wx-media-screens": ("program_supplementary", "other"),
        "wx-media-holding": ("subject_principal_id", "other"),
    }
    ids = [a["id"] for a in doc["attachments"]]
    assert len(ids) == len(set(ids))


def test_letters_without_a_signing_date_are_named_in_the_warnings() -> None:
    result = import_wechat(wechat_enterprise_body())
    assert any("signed_on" in w for w in result.warnings)
    assert all("signed_on" not in a for a in result.document["attachments"])


def test_defaults_for_what_the_platform_body_lacks_are_recorded_as_warnings() -> None:
    result = import_wechat(wechat_enterprise_body())
    program = result.document["program"]
    assert result.document["kind"] == "new"
    assert program["type"] == "mini_program"
    assert program["languages"] == ["zh-Hans"]
    assert program["appid"] == "" and program["name"] == ""
    assert program["listed"] is False and program["count_under_subject"] == 1
    for field in ("kind：", "program.type：", "program.languages：", "program.appid"):
        assert any(w.startswith(field) for w in result.warnings), field


def test_a_commitment_letter_in_guangdong_is_the_guangdong_filing_commitment() -> None:
    body = wechat_enterprise_body()
    body["icp_subject"]["base_info"].update(province="440000", city="440300", district="440305")
    doc = import_wechat(body).document
    assert _attachments(doc)["wx-media-commitment"] == ("filing_commitment", "guangdong_filing_commitment")


def test_an_enterprise_whose_credit_code_starts_with_92_is_imported_as_an_individual_business() -> None:
    body = wechat_enterprise_body()
    body["icp_subject"]["base_info"]["name"] = "杭州市西湖区鲜果小铺"
    body["icp_subject"]["organize_info"]["certificate_number"] = make_uscc("330106", 8, kind="2")
    result = import_wechat(body)
    assert result.document["subject"]["nature"] == "individual_business"
    assert any("92" in w and "individual_business" in w for w in result.warnings)


def test_the_online_order_shape_with_an_applets_array_imports_the_first_program() -> None:
    body = wechat_enterprise_body()
    second = copy.deepcopy(body["icp_applets"])
    body["icp_applets"] = [body["icp_applets"], second]
    result = import_wechat(body)
    assert result.document["program"]["principal"]["name"] == "陈静"
    assert list(_paths(result)) == ["icp_applets[1]"]


# -- WeChat: a personal body -----------------------------------------------------------------------------


def test_a_personal_subject_maps_to_individual_with_the_persons_id_as_certificate() -> None:
    result = import_wechat(wechat_personal_body())
    filing = parse_mapping(result.document)
    subject = result.document["subject"]
    assert subject["nature"] == "individual"
    assert subject["name"] == "张三"
    assert subject["certificate"] == {
        "type": "resident_id",
        "number": WX_PERSON_ID,
        "address": "北京市朝阳区高碑店路181号1栋12345室",
        "valid_from": "2023-08-15",
        "valid_to": "2033-08-15",
    }
    assert subject["principal"]["id_number"] == WX_PERSON_ID
    assert subject["principal"]["id_address"] == "北京市朝阳区高碑店路181号1栋12345室"
    assert "legal_representative" not in subject
    assert filing.subject.legal_representative is None
    assert result.unmapped == []


def test_legal_person_info_on_a_personal_body_is_reported_not_imported() -> None:
    body = wechat_personal_body()
    body["icp_subject"]["legal_person_info"] = {"name": "张三", "certificate_number": WX_PERSON_ID}
    result = import_wechat(body)
    assert "个人主体没有法定代表人" in _paths(result)["icp_subject.legal_person_info"].reason
    assert "legal_representative" not in result.document["subject"]


def test_the_personal_residence_permit_is_a_residence_proof_and_nrlx_24_means_no_pre_approval() -> None:
    doc = import_wechat(wechat_personal_body()).document
    assert _attachments(doc)["wx-media-residence"] == ("subject_supplementary", "residence_proof")
    assert doc["program"]["pre_approvals"] == []
    assert doc["subject"]["remark"] == "个人开发的记账工具"


# -- WeChat: what cannot be mapped ------------------------------------------------------------------------


def test_nrlx_type_6_has_no_counterpart_and_is_reported_with_its_code_and_media() -> None:
    body = wechat_enterprise_body()
    body["icp_applets"]["base_info"]["nrlx_details"].append(
        {"type": 6, "code": "浙BBS备2024001", "media": "wx-media-bbs"})
    result = import_wechat(body)
    unmapped = _paths(result)
    assert unmapped["icp_applets.base_info.nrlx_details[2].type"].value == 6
    assert "电子公告服务" in unmapped["icp_applets.base_info.nrlx_details[2].type"].reason
    assert "icp_applets.base_info.nrlx_details[2].code" in unmapped
    assert "icp_applets.base_info.nrlx_details[2].media" in unmapped
    assert "wx-media-bbs" not in _attachments(result.document)
    assert [p["category"] for p in result.document["program"]["pre_approvals"]] == ["publishing", "education"]
    parse_mapping(result.document)


def test_an_unknown_subject_type_is_reported_and_leaves_the_nature_for_parsing_to_name() -> None:
    body = wechat_enterprise_body()
    body["icp_subject"]["base_info"]["type"] = 9
    result = import_wechat(body)
    unmapped = _paths(result)["icp_subject.base_info.type"]
    assert unmapped.value == 9
    assert "PlatformDictionaries" in unmapped.reason
    assert "nature" not in result.document["subject"]
    with pytest.raises(DocumentUnreadable) as err:
        parse_mapping(result.document)
    assert [p.path for p in err.value.problems] == ["subject.nature"]


def test_the_live_subject_type_dictionary_maps_ids_the_built_in_table_does_not_know() -> None:
    body = wechat_enterprise_body()
    body["icp_subject"]["base_info"]["type"] = 9
    body["icp_subject"]["organize_info"]["certificate_type"] = 17
    dictionaries = PlatformDictionaries(subject_types={9: "民办非企业单位"},
                                        certificate_types={"17": "民办非企业单位登记证书"})  # type: ignore[dict-item]
    result = import_wechat(body, dictionaries)
    assert result.document["subject"]["nature"] == "private_non_enterprise"
    assert result.document["subject"]["certificate"]["type"] == "private_non_enterprise_certificate"
    assert result.unmapped == []


def test_a_live_dictionary_name_without_a_counterpart_is_reported_by_name() -> None:
    body = wechat_enterprise_body()
    body["icp_subject"]["organize_info"]["certificate_type"] = 12
    result = import_wechat(body, PlatformDictionaries(certificate_types={12: "组织机构代码证"}))
    reason = _paths(result)["icp_subject.organize_info.certificate_type"].reason
    assert "组织机构代码证" in reason and "没有对应项" in reason


def test_an_unknown_key_is_reported_with_its_source_path() -> None:
    body = wechat_enterprise_body()
    body["icp_subject"]["base_info"]["legal_person_phone"] = "13800000000"
    body["icp_materials"]["extra_letter"] = ["wx-media-x"]
    body["surprise"] = {"a": 1}
    unmapped = _paths(import_wechat(body))
    assert set(unmapped) == {"icp_subject.base_info.legal_person_phone", "icp_materials.extra_letter", "surprise"}
    assert unmapped["icp_subject.base_info.legal_person_phone"].value == "13800000000"
    assert all("未知字段" in u.reason for u in unmapped.values())


def test_the_promise_video_and_record_numbers_are_understood_but_not_imported() -> None:
    body = wechat_enterprise_body()
    body["icp_materials"]["promise_video"] = ["wx-media-video"]
    body["icp_subject"]["base_info"]["record_number"] = "浙ICP备2024012345号"
    unmapped = _paths(import_wechat(body))
    assert "视频" in unmapped["icp_materials.promise_video"].reason
    assert "get_online_icp_order" in unmapped["icp_subject.base_info.record_number"].reason


@pytest.mark.parametrize(
    ("start", "end", "expected_from", "expected_to"),
    [
        ("20230815", "长期", "2023-08-15", "long_term"),
        ("2023-08-15", "20330815", "2023-08-15", "2033-08-15"),
        (20230815, 20330815, "2023-08-15", "2033-08-15"),
    ],
)
def test_wechat_validity_dates_convert_to_iso_and_long_term(start: Any, end: Any, expected_from: str,
                                                            expected_to: str) -> None:
    body = wechat_enterprise_body()
    body["icp_subject"]["principal_info"].update(certificate_validity_date_start=start,
                                                 certificate_validity_date_end=end)
    principal = import_wechat(body).document["subject"]["principal"]
    assert (principal["id_valid_from"], principal["id_valid_to"]) == (expected_from, expected_to)


@pytest.mark.parametrize(
    ("key", "value", "reason"),
    [
        ("certificate_validity_date_start", "20230230", "不存在"),
        ("certificate_validity_date_start", "长期", "不能是“长期”"),
        ("certificate_validity_date_end", "2033/08/15", "YYYYmmdd"),
    ],
)
def test_a_date_that_cannot_be_read_is_reported_and_left_out(key: str, value: str, reason: str) -> None:
    body = wechat_enterprise_body()
    body["icp_subject"]["principal_info"][key] = value
    result = import_wechat(body)
    unmapped = _paths(result)[f"icp_subject.principal_info.{key}"]
    assert unmapped.value == value and reason in unmapped.reason
    with pytest.raises(DocumentUnreadable):
        parse_mapping(result.document)


def test_a_malformed_region_code_is_reported_instead_of_guessed() -> None:
    body = wechat_enterprise_body()
    body["icp_subject"]["base_info"]["district"] = "3301"
    result = import_wechat(body)
    assert "GB/T 2260" in _paths(result)["icp_subject.base_info.district"].reason
    assert "district" not in result.document["subject"]["address"]


def test_nrlx_24_together_with_real_items_is_imported_as_the_real_items_with_a_warning() -> None:
    body = wechat_enterprise_body()
    body["icp_applets"]["base_info"]["nrlx_details"].append({"type": 24})
    result = import_wechat(body)
    assert len(result.document["program"]["pre_approvals"]) == 2
    assert any("以上都不涉及" in w for w in result.warnings)


def test_a_body_that_is_not_an_object_is_reported_without_raising() -> None:
    result = import_wechat(["not", "an", "object"])  # type: ignore[arg-type]
    assert result.unmapped[0].path == ""
    assert result.document["schema_version"] == 1
