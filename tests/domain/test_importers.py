"""Importers from the WeChat `apply_icp_filing` and Douyin `submit_record_info` bodies to our filing document.

The sample bodies follow the field lists of `shared/reference/platform-filing-apis.md` §2 and §6 (and the
SKIT / SKIT-BD samples they cite), with realistic Chinese content and numbers whose checksums hold.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from icpflow.domain.importers import (
    ImportResult,
    PlatformDictionaries,
    Unmapped,
    import_douyin,
    import_wechat,
)
from icpflow.domain.parsing import DocumentUnreadable, parse_mapping
from icpflow.testing import make_resident_id, make_uscc

CHINA = dt.timezone(dt.timedelta(hours=8))

# -- sample bodies ---------------------------------------------------------------------------------------

WX_USCC = make_uscc("330106", 7)
WX_PRINCIPAL_ID = make_resident_id("330106", birth="19880512", seq=231)
WX_LEGAL_REP_ID = make_resident_id("330102", birth="19750903", seq=117)
WX_APP_PRINCIPAL_ID = make_resident_id("330108", birth="19930214", seq=452)
WX_REMARK = "鲜果日记提供饮食记录、每日打卡和健康饮食提醒，不涉及新闻、出版以外的前置审批内容。"


def wechat_enterprise_body() -> dict[str, Any]:
    """An enterprise in Hangzhou whose subject principal is not the legal representative."""
    return {
        "icp_subject": {
            "base_info": {
                "type": 4,
                "name": "杭州鲜果科技有限公司",
                "province": "330000",
                "city": 330100,  # numbers, as query_icp_district_code returns them
                "district": 330106,
                "address": "文三路 90 号 3 幢 501 室",
                "comment": "",
            },
            "organize_info": {
                "certificate_type": 1,
                "certificate_number": WX_USCC,
                "certificate_address": "浙江省杭州市西湖区文三路 90 号 3 幢 501 室",
                "certificate_photo": "wx-media-license",
            },
            "principal_info": {
                "name": "王晓明",
                "mobile": "13857101234",
                "email": "wangxm@xianguo.example.cn",
                "emergency_contact": "13957105678",
                "certificate_type": 2,
                "certificate_number": WX_PRINCIPAL_ID,
                "certificate_validity_date_start": "20180301",
                "certificate_validity_date_end": "20380301",
                "certificate_photo_front": "wx-media-sp-front",
                "certificate_photo_back": "wx-media-sp-back",
                "authorization_letter": "wx-media-sp-auth",
            },
            "legal_person_info": {"name": "李建国", "certificate_number": WX_LEGAL_REP_ID},
        },
        "icp_applets": {
            "base_info": {
                "service_content_types": [3, 4],
                "nrlx_details": [
                    {"type": 2, "code": "浙网出证（2025）第 0123 号", "media": "wx-media-nrlx-publishing"},
                    {"type": 3, "code": "浙教审〔2024〕12号", "media": "wx-media-nrlx-education"},
                ],
                "comment": WX_REMARK,
            },
            "principal_info": {
                "name": "陈静",
                "mobile": "18657109876",
                "email": "chenjing@xianguo.example.cn",
                "emergency_contact": "18657105432",
                "certificate_type": 2,
                "certificate_number": WX_APP_PRINCIPAL_ID,
                "certificate_validity_date_start": "20200615",
                "certificate_validity_date_end": "长期",
                "certificate_photo_front": "wx-media-pp-front",
                "certificate_photo_back": "wx-media-pp-back",
                "authorization_letter": "wx-media-pp-auth",
                "verify_task_id": "R5PqRPNb6GmG3i0rqd4pTg",
            },
        },
        "icp_materials": {
            "commitment_letter": ["wx-media-commitment"],
            "website_construction_proposal": ["wx-media-plan"],
            "subject_other_materials": ["wx-media-subject-1", "wx-media-subject-2"],
            "applets_other_materials": ["wx-media-screens"],
            "holding_certificate_photo": ["wx-media-holding"],
        },
    }


WX_PERSON_ID = make_resident_id("110105", birth="19900101", seq=123)


def wechat_personal_body() -> dict[str, Any]:
    """The apply sample's personal filing (张三, 北京朝阳), with a valid ID number."""
    person = {
        "name": "张三",
        "mobile": "13012344321",
        "email": "zhangsan@example.com",
        "emergency_contact": "17743211234",
        "certificate_type": 2,
        "certificate_number": WX_PERSON_ID,
        "certificate_validity_date_start": "20230815",
        "certificate_validity_date_end": "20330815",
        "certificate_photo_front": "wx-media-id-front",
        "certificate_photo_back": "wx-media-id-back",
    }
    return {
        "icp_subject": {
            "base_info": {"type": 5, "name": "张三", "province": "110000", "city": "110100", "district": "110105",
                          "address": "高碑店路181号1栋12345室", "comment": "个人开发的记账工具"},
            "personal_info": {"residence_permit": "wx-media-residence"},
            "organize_info": {"certificate_type": 2, "certificate_number": WX_PERSON_ID,
                              "certificate_address": "北京市朝阳区高碑店路181号1栋12345室"},
            "principal_info": dict(person),
        },
        "icp_applets": {
            "base_info": {"service_content_types": [5], "nrlx_details": [{"type": 24}],
                          "comment": "一个帮助个人记录日常开销、按月统计收支的记账小工具，不涉及支付和金融服务。"},
            "principal_info": {**person, "verify_task_id": "aFs8kQ0tYbq2Pz"},
        },
        "icp_materials": {},
    }


DY_USCC = make_uscc("320102", 42)
DY_PRINCIPAL_ID = make_resident_id("320102", birth="19850720", seq=318)


def _ts(year: int, month: int, day: int) -> int:
    return int(dt.datetime(year, month, day, tzinfo=CHINA).timestamp())


def douyin_enterprise_body() -> dict[str, Any]:
    return {
        "corp_info": {
            "corp_type": 4,
            "credentials_type": 1,
            "credentials_name": "南京青柚网络科技有限公司",
            "credentials_number": DY_USCC,
            "credentials_pic": {"path": "icp/2026/license-7f3a.jpg"},
            "credentials_address": "南京市玄武区珠江路 88 号 12 楼",
            "province_code": "320000",
            "province_name": "江苏省",
            "city_code": "320100",
            "city_name": "南京市",
            "region_code": "320102",
            "region_name": "玄武区",
            "communication_address": "珠江路 88 号 12 楼 1203 室",
            "incharge_people_name": "周敏",
            "incharge_people_credentials_type": 2,
            "incharge_people_credentials_number": DY_PRINCIPAL_ID,
            "incharge_people_credentials_front": {"path": "icp/2026/id-front-91c2.jpg"},
            "incharge_people_credentials_back": {"path": "icp/2026/id-back-91c2.jpg"},
            "incharge_people_credentials_has_end_time": True,
            "incharge_people_credentials_valid_start_time": _ts(2019, 4, 8),
            "incharge_people_credentials_valid_end_time": _ts(2039, 4, 8),
            "incharge_people_email": "zhoumin@qingyou.example.cn",
            "incharge_people_phone": "13951701234",
            "incharge_people_emergency_phone": "13951705678",
            "remark": "",
            "corp_commitment": [{"path": "icp/2026/commitment.jpg"}],
            "corp_other_materials": [{"path": "icp/2026/lease.jpg"}],
        },
        "app_info": {
            "app_language": [1],
            "service_content_type_list": [1, 2],
            "involve_pre_approval": True,
            "pre_approval_list": [
                {"pre_approval_item_id": 2, "pre_approval_number": "苏新出审字〔2025〕18号",
                 "pre_approval_files": [{"path": "icp/2026/publishing.jpg"}]},
            ],
            "incharge_people_email": "zhoumin@qingyou.example.cn",
            "incharge_people_phone": "13951701234",
            "incharge_people_emergency_phone": "13951705678",
            "facial_recognition_token": "frt-3b0c6f5e-8d1a",
            "app_other_materials": [{"path": "icp/2026/screens.jpg"}],
            "remark": "青柚阅读提供正版电子书的在线阅读与书架管理服务，出版物均已取得授权。",
        },
    }


# -- helpers ---------------------------------------------------------------------------------------------


def _paths(result: ImportResult) -> dict[str, Unmapped]:
    return {u.path: u for u in result.unmapped}


def _attachments(doc: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """file → (slot, kind)."""
    return {a["file"]: (a["slot"], a["kind"]) for a in doc["attachments"]}


def _by_id(doc: dict[str, Any], att_id: str) -> dict[str, Any]:
    return next(a for a in doc["attachments"] if a["id"] == att_id)


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


# -- Douyin ----------------------------------------------------------------------------------------------


def test_a_douyin_enterprise_body_imports_into_a_document_that_parses() -> None:
    result = import_douyin(douyin_enterprise_body(), PlatformDictionaries(languages={1: "中文简体"}))
    parse_mapping(result.document)
    assert result.unmapped == []


def test_douyin_corp_info_lands_in_subject() -> None:
    result = import_douyin(douyin_enterprise_body())
    subject = result.document["subject"]
    assert subject["nature"] == "enterprise"
    assert subject["name"] == "南京青柚网络科技有限公司"
    assert any("credentials_name" in w for w in result.warnings)
    assert subject["certificate"] == {"type": "business_license", "number": DY_USCC,
                                      "address": "南京市玄武区珠江路 88 号 12 楼"}
    assert subject["address"] == {"province": "320000", "city": "320100", "district": "320102",
                                  "detail": "珠江路 88 号 12 楼 1203 室"}
    assert subject["principal"] == {
        "name": "周敏",
        "id_type": "resident_id",
        "id_number": DY_PRINCIPAL_ID,
        "id_valid_from": "2019-04-08",
        "id_valid_to": "2039-04-08",
        "mobile": "13951701234",
        "emergency_phone": "13951705678",
        "email": "zhoumin@qingyou.example.cn",
        "is_legal_representative": True,  # no authority letter
        "face_verified": True,  # the app principal is this person, and the face token is there
    }


def test_douyin_timestamps_are_read_as_dates_in_asia_shanghai() -> None:
    body = douyin_enterprise_body()
    # 2019-04-07 16:30 UTC is already 2019-04-08 00:30 in Beijing
    body["corp_info"]["incharge_people_credentials_valid_start_time"] = int(
        dt.datetime(2019, 4, 7, 16, 30, tzinfo=dt.UTC).timestamp())
    # milliseconds are tolerated
    body["corp_info"]["incharge_people_credentials_valid_end_time"] = _ts(2039, 4, 8) * 1000
    result = import_douyin(body)
    principal = result.document["subject"]["principal"]
    assert principal["id_valid_from"] == "2019-04-08"
    assert principal["id_valid_to"] == "2039-04-08"
    assert any("毫秒" in w for w in result.warnings)


def test_has_end_time_false_means_long_term_and_the_end_time_is_reported_unused() -> None:
    body = douyin_enterprise_body()
    body["corp_info"]["incharge_people_credentials_has_end_time"] = False
    result = import_douyin(body)
    assert result.document["subject"]["principal"]["id_valid_to"] == "long_term"
    assert "corp_info.incharge_people_credentials_valid_end_time" in _paths(result)


def test_douyin_materials_become_attachments_with_their_paths_as_files() -> None:
    body = douyin_enterprise_body()
    body["corp_info"]["corp_authority_letter"] = [{"path": "icp/2026/auth-corp.jpg"}]
    body["app_info"]["app_authority_letter"] = [{"path": "icp/2026/auth-app.jpg"}]
    result = import_douyin(body)
    assert _attachments(result.document) == {
        "icp/2026/license-7f3a.jpg": ("subject_certificate", "certificate_photo"),
        "icp/2026/id-front-91c2.jpg": ("subject_principal_id", "id_front"),
        "icp/2026/id-back-91c2.jpg": ("subject_principal_id", "id_back"),
        "icp/2026/auth-corp.jpg": ("subject_supplementary", "subject_principal_authorization"),
        "icp/2026/lease.jpg": ("subject_supplementary", "other"),
        "icp/2026/commitment.jpg": ("filing_commitment", "other"),
        "icp/2026/publishing.jpg": ("pre_approval", "pre_approval_document"),
        "icp/2026/auth-app.jpg": ("program_supplementary", "program_principal_authorization"),
        "icp/2026/screens.jpg": ("program_supplementary", "other"),
    }
    assert result.document["subject"]["principal"]["is_legal_representative"] is False


def test_the_douyin_program_keeps_pre_approvals_remark_and_service_content_ids() -> None:
    result = import_douyin(douyin_enterprise_body())
    program = result.document["program"]
    assert program["service_content_types"] == ["1", "2"]
    assert program["remark"].startswith("青柚阅读")
    [approval] = program["pre_approvals"]
    assert (approval["category"], approval["number"]) == ("publishing", "苏新出审字〔2025〕18号")
    assert _by_id(result.document, approval["attachment"])["file"] == "icp/2026/publishing.jpg"


def test_a_douyin_app_principal_with_the_subject_principals_contacts_is_the_same_person() -> None:
    result = import_douyin(douyin_enterprise_body())
    assert result.document["program"]["principal"] == "same_as_subject_principal"
    assert result.document["subject"]["principal"]["face_verified"] is True
    assert any("face_verified" in w and "query_facial_recognition_status" in w for w in result.warnings)


def test_a_douyin_app_principal_with_other_contacts_is_written_out_with_a_placeholder_identity() -> None:
    body = douyin_enterprise_body()
    body["app_info"]["incharge_people_phone"] = "13851709999"
    del body["app_info"]["facial_recognition_token"]
    result = import_douyin(body)
    principal = result.document["program"]["principal"]
    assert principal["name"] == "周敏"
    assert principal["id_number"] == DY_PRINCIPAL_ID
    assert principal["mobile"] == "13851709999"
    assert principal["emergency_phone"] == "13951705678"
    assert principal["face_verified"] is False
    assert any(w.startswith("program.principal：") and "请改写" in w for w in result.warnings)
    parse_mapping(result.document)


def test_douyin_language_ids_are_unmapped_without_the_language_dictionary() -> None:
    result = import_douyin(douyin_enterprise_body())
    assert result.document["program"]["languages"] == ["zh-Hans"]
    assert "PlatformDictionaries.languages" in _paths(result)["app_info.app_language[0]"].reason
    with_names = import_douyin(douyin_enterprise_body(), PlatformDictionaries(languages={1: "中文简体"}))
    assert "app_info.app_language[0]" not in _paths(with_names)


def test_an_undocumented_douyin_pre_approval_id_is_reported_unless_the_dictionary_names_it() -> None:
    body = douyin_enterprise_body()
    body["app_info"]["pre_approval_list"].append(
        {"pre_approval_item_id": 3, "pre_approval_number": "苏教审〔2025〕7号",
         "pre_approval_files": [{"path": "icp/2026/education.jpg"}]})
    result = import_douyin(body)
    unmapped = _paths(result)
    assert unmapped["app_info.pre_approval_list[1].pre_approval_item_id"].value == 3
    assert "app_info.pre_approval_list[1].pre_approval_files" in unmapped
    named = import_douyin(body, PlatformDictionaries(pre_approval_types={3: "教育"}))
    assert [p["category"] for p in named.document["program"]["pre_approvals"]] == ["publishing", "education"]


def test_douyin_credentials_type_12_has_no_counterpart() -> None:
    body = douyin_enterprise_body()
    body["corp_info"]["credentials_type"] = 12
    reason = _paths(import_douyin(body))["corp_info.credentials_type"].reason
    assert "组织机构代码证" in reason


def test_a_personal_douyin_body_maps_to_individual_with_the_persons_id_as_certificate() -> None:
    body = douyin_enterprise_body()
    corp = body["corp_info"]
    corp.update(corp_type=5, credentials_type=2, credentials_number=DY_PRINCIPAL_ID,
                credentials_address="江苏省南京市玄武区北京东路 41 号", incharge_people_credentials_has_end_time=False)
    del corp["credentials_name"]
    del corp["incharge_people_credentials_valid_end_time"]
    body["app_info"].update(involve_pre_approval=False, pre_approval_list=[])
    result = import_douyin(body, PlatformDictionaries(subject_types={5: "个人"}, languages={1: "中文简体"}))
    parse_mapping(result.document)
    subject = result.document["subject"]
    assert subject["nature"] == "individual"
    assert subject["name"] == "周敏"
    assert subject["certificate"]["type"] == "resident_id"
    assert subject["certificate"]["number"] == DY_PRINCIPAL_ID
    assert subject["certificate"]["valid_to"] == "long_term"
    assert subject["principal"]["id_address"] == "江苏省南京市玄武区北京东路 41 号"
    assert result.unmapped == []


def test_an_undocumented_douyin_corp_type_is_reported() -> None:
    body = douyin_enterprise_body()
    body["corp_info"]["corp_type"] = 5
    result = import_douyin(body)
    assert _paths(result)["corp_info.corp_type"].value == 5
    assert "nature" not in result.document["subject"]


def test_an_unknown_douyin_key_is_reported_with_its_source_path() -> None:
    body = douyin_enterprise_body()
    body["app_info"]["pre_approval_list"][0]["pre_approval_remark"] = "出版物经营许可"
    body["corp_info"]["credentials_pic"]["width"] = 1600
    unmapped = _paths(import_douyin(body))
    assert set(unmapped) >= {"app_info.pre_approval_list[0].pre_approval_remark", "corp_info.credentials_pic.width"}


# -- never raises ----------------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=15,
)


def _leaf_paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            out += _leaf_paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _leaf_paths(value, (*prefix, i))
    return out


def _assert_sound(result: ImportResult) -> None:
    assert isinstance(result.document, dict)
    assert result.document["schema_version"] == 1
    for item in result.unmapped:
        assert isinstance(item.path, str) and item.reason
    assert all(isinstance(w, str) and w for w in result.warnings)
    json.dumps(result.document, ensure_ascii=False)  # plain JSON data
    with contextlib.suppress(DocumentUnreadable):  # parses, or says why: never another exception
        parse_mapping(result.document)


@settings(max_examples=200, deadline=None)
@given(body=json_values)
def test_any_json_value_as_a_body_never_raises(body: Any) -> None:
    _assert_sound(import_wechat(body))
    _assert_sound(import_douyin(body))


SAMPLES = [wechat_enterprise_body(), wechat_personal_body(), douyin_enterprise_body()]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(which=st.sampled_from(range(len(SAMPLES))), data=st.data(), junk=json_values)
def test_a_sample_body_with_any_part_replaced_by_junk_never_raises(which: int, data: Any, junk: Any) -> None:
    body = copy.deepcopy(SAMPLES[which])
    path = data.draw(st.sampled_from(_leaf_paths(body)))
    target = body
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = junk
    importer = import_douyin if "corp_info" in body else import_wechat
    _assert_sound(importer(body))


@settings(max_examples=100, deadline=None)
@given(extra=st.dictionaries(st.text(min_size=1, max_size=12), json_values, min_size=1, max_size=3))
def test_unknown_keys_anywhere_in_a_section_are_all_reported(extra: dict[str, Any]) -> None:
    body = wechat_enterprise_body()
    base = body["icp_applets"]["base_info"]
    known = {"appid", "name", "service_content_types", "nrlx_details", "comment", "record_number"}
    fresh = {k: v for k, v in extra.items() if k not in known}
    base.update(fresh)
    paths = {u.path for u in import_wechat(body).unmapped}
    assert {f"icp_applets.base_info.{k}" for k in fresh} <= paths
