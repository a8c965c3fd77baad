"""Sample bodies of the WeChat `apply_icp_filing` and Douyin `submit_record_info` calls, and helpers, for the
importer tests (`test_import_*.py`) and the console's import form.

The sample bodies follow the field lists of `shared/reference/platform-filing-apis.md` §2 and §6 (and the
SKIT / SKIT-BD samples they cite), with realistic Chinese content and numbers whose checksums hold.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from icpflow.domain.importers import (
    ImportResult,
    Unmapped,
)
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
