"""The Douyin `submit_record_info` importer."""

from __future__ import annotations

import datetime as dt

from icpflow.domain.importers import (
    PlatformDictionaries,
    import_douyin,
)
from icpflow.domain.parsing import parse_mapping

from .importer_bodies import (
    DY_PRINCIPAL_ID,
    DY_USCC,
    _attachments,
    _by_id,
    _paths,
    _ts,
    douyin_enterprise_body,
)

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
