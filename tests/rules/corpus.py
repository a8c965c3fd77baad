"""A seeded corpus of filing documents for differential tests of the pre-check engine.

`corpus(n, seed)` returns `n` documents (JSON bytes) with, for some, what an image probe would measure.
They start from `make_filing` (every province, nature and program type) or from `examples/filings/`, and
get one to four random mutations each: broken identifiers and checksums, every personal ID type, phones
and e-mail in odd forms, validity windows, region codes, keyword hits (full-width, spaced, astral, inside
exclusion clauses), remarks, declared pre-approvals, mini-game licences, attachments and letters, record
numbers, the cancellation kinds, and a few documents that do not parse at all. The point is breadth: the
same seed gives the same documents, so the reports can be compared before and after a change to the
engine (`test_reports_unchanged.py`), byte for byte.
"""

from __future__ import annotations

import copy
import functools
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from icpflow.domain.enums import OrgCertificateType, SubjectNature
from icpflow.domain.regions import RegionTable
from icpflow.domain.rules.context import ImageFacts
from icpflow.testing import PROVINCE_DISTRICTS, make_person, make_resident_id, make_uscc

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples" / "filings"
PROVINCES = sorted(PROVINCE_DISTRICTS)
Doc = dict[str, Any]
Facts = dict[str, ImageFacts]

SCOPES = [
    "技术开发、技术服务、技术咨询；软件开发；计算机系统服务。",
    "网络技术服务；信息咨询服务（不含许可类信息咨询服务）；广告设计、代理；组织文化艺术交流活动。",
    "餐饮管理；食品销售（仅销售预包装食品）；日用百货销售；互联网销售（除销售需要许可的商品）。",
    "投资管理；资产管理；财务咨询（不含金融业务）；企业管理咨询。",
    "教育咨询服务（不含涉许可审批的教育培训活动）；图书、报刊零售；音像制品零售。",
    "第二类医疗器械销售；保健食品（预包装）销售；化妆品零售；中药饮片零售。",
    "网约车技术服务；汽车租赁；停车场服务；小程序开发。",
    "技术开发；未经金融监管部门批准，不得从事吸收存款、融资担保、代客理财等金融业务。",
    "除依法须经批准的项目外，凭营业执照依法自主开展经营活动；新闻资讯服务；出版物零售。",
    "宗教用品销售；文化艺术交流；广播电视节目制作经营（除外）。",
    "软件开发\n不含教育培训\n网络文化经营",
    "Ｐ２Ｐ网络借贷信息中介；互 联 网 金 融 信息服务；在线\u200b教育",
    "医疗器械经营…药品零售；Ⅱ类医疗器械；𠀀𠀁 网络出版服务；校外培训",
    "",
    "   ",
]
NAMES = ["鲜果日记", "在线教育课堂", "网约车出行", "新闻早知道", "理财助手", "方块消消乐", "健康问诊",
         "P2P 借贷", "宗教文化", "读书打卡", "有声电台", "Ｅ学堂", "停车缴费", "𠀀字典"]
DESCRIPTIONS = [
    "记录每日饮食并提供健康饮食小知识的工具，用户可以打卡、查看历史记录和设置提醒。",
    "提供在线课程直播与录播、作业批改和学习进度跟踪的教育培训服务平台。",
    "网约车预约、行程分享与电子发票开具，乘客可以在小程序内叫车并支付车费。",
    "汇总每日新闻资讯、热点评论与视频新闻，用户可以订阅感兴趣的栏目。",
    "短",
    "",
    "一款休闲消除类小游戏，玩家交换相邻方块凑成三个同色即可消除，闯关获得星星。" * 6,
    "提供股票行情、基金理财、保险产品比较和贷款计算器等互联网金融信息服务。",
    "提供在线问诊、药品配送和医疗器械销售的健康服务。",
]
REMARKS = [
    "",
    "太短",
    "该小程序不涉及互联网金融、教育、新闻等前置审批内容。",
    "本小程序不从事前置审批相关业务",
    "本小程序提供饮食记录服务，不涉及教育；不含医疗保健；未涉及网约车。",
    "该小程序是《鲜果日记》，提供饮食记录、打卡和提醒功能，目的是帮助用户养成健康饮食习惯。",
    "应急联系电话手机号13900000004使用人为某某科技有限公司1公司员工张某某",
    "应急联系电话手机号13900000004使用人为某某科技有限公司员工张某某；其他说明",
    "不涉及金融。\n不含 宗教 内容；无涉及出版",
]
RECORD_NUMBERS = ["浙ICP备2023012345号-2X", "浙ICP备2023012345号", "粤ICP备2023045678号-1X", "蜀ICP备2024012345号-3X",
                  "沪ICP备2022033445号-2", "京ICP备12345678号", "ICP备123号", "", "   ", "津ICP备2020000001号-1A",
                  "川ICP备2024012345号-3X"]
DATES = ["2026-11-22", "2026-11-01", "2027-01-31", "2025-02-28", "2026-02-28", "2024-02-29", None]


def _full(doc: Doc) -> bool:
    return doc.get("kind") in ("new", "change")


def _principal(doc: Doc) -> Doc | None:
    subj = doc["subject"]
    principal: Doc | None = subj.get("principal")
    return principal


def _people(doc: Doc) -> list[Doc]:
    out = []
    p = _principal(doc)
    if p is not None:
        out.append(p)
    prog = doc.get("program", {})
    if isinstance(prog.get("principal"), dict):
        out.append(prog["principal"])
    return out


def _flip_last(number: str) -> str:
    return number[:-1] + ("0" if number[-1:] != "0" else "1")


def _someone(doc: Doc, rng: random.Random) -> Doc | None:
    people = _people(doc)
    return rng.choice(people) if people else None


def _district(rng: random.Random) -> str:
    return PROVINCE_DISTRICTS[rng.choice(PROVINCES)]


# ----- mutations: each edits `doc` in place (and may add image facts) ------------------------------------


def m_id_number(doc: Doc, rng: random.Random, facts: Facts) -> None:
    p = _someone(doc, rng)
    if p is None:
        return
    number = str(p["id_number"])
    choices = [
        _flip_last(number),
        number[:15],
        number[:3] + "\uff11" + number[4:],
        number[:3] + "\u200b" + number[4:],
        number.lower() if number.endswith("X") else number + " ",
        "",
        "  ",
        "abc",
        make_resident_id("999999"),
        make_resident_id("810000"),
        make_resident_id("830000"),
        make_resident_id("990000"),
        make_resident_id(_district(rng), birth="20991231"),
        make_resident_id(_district(rng), birth="18991231"),
        make_resident_id(_district(rng), birth="19900231"),
        make_resident_id("330110", birth="19600101"),
        make_resident_id(_district(rng), seq=rng.randrange(1000)),
        "11010519900307123😀",
    ]
    p["id_number"] = rng.choice(choices)
    if rng.random() < 0.3 and doc["subject"]["nature"] == "individual":
        doc["subject"]["certificate"]["number"] = p["id_number"]


def _fpr(seq: int) -> str:
    body = f"9{156}{11}{19900307}{seq % 100:02d}"[:17]
    total = sum(int(c) * (2 ** (17 - i) % 11) for i, c in enumerate(body))
    check = (12 - total % 11) % 11
    return body + ("X" if check == 10 else str(check))


def m_id_type(doc: Doc, rng: random.Random, facts: Facts) -> None:
    p = _someone(doc, rng)
    if p is None:
        return
    kind, numbers = rng.choice([
        ("passport", ["E12345678", "G12345678", "EA1234567", "ABCDE", "12345", "X1234567890123456789",
                      make_resident_id("110105"), "e1234567８"]),
        ("taiwan_travel_permit", ["12345678", "1234567890(B)", "1234567890（B）", "1234567", "A1234567"]),
        ("hk_macao_travel_permit", ["H12345678", "M1234567890", "h12345678", "K12345678", "H123"]),
        ("foreign_permanent_residence", [_fpr(1), _fpr(2), "USA123456789012", "812345678901234567", "9123",
                                         _fpr(3)[:-1] + "0"]),
        ("hk_macao_residence_permit", [make_resident_id("810000"), make_resident_id("820000"),
                                       make_resident_id("110105"), make_resident_id("999999"),
                                       make_resident_id("810000", birth="20990101")]),
        ("taiwan_residence_permit", [make_resident_id("830000"), make_resident_id("810000"),
                                     make_resident_id("830000")[:-1] + "Y"]),
        ("resident_id", [make_resident_id("110105"), "123"]),
    ])
    p["id_type"] = kind
    p["id_number"] = rng.choice(numbers)
    if rng.random() < 0.3 and doc["subject"]["nature"] == "individual":
        doc["subject"]["certificate"]["type"] = kind
        doc["subject"]["certificate"]["number"] = p["id_number"]


def m_mobile(doc: Doc, rng: random.Random, facts: Facts) -> None:
    p = _someone(doc, rng)
    if p is None:
        return
    p["mobile"] = rng.choice([
        "0571-88889999", "12012345678", "10012345678", "+86 138-0013-8000", "0086 13800138000",
        "8613800138000", "１３８００１３８０００", "", " ", "138001380", "1380013800012", "手机13800138000",
        "(138) 0013 8000", "13800138000\u00a0", "19912345678", "14012345678", "+8613800138000",
    ])


def m_emergency(doc: Doc, rng: random.Random, facts: Facts) -> None:
    p = _someone(doc, rng)
    if p is None:
        return
    p["emergency_phone"] = rng.choice([
        p["mobile"], "+86 " + str(p["mobile"]), "0571-88889999", "010-12345678", "88889999", "021 6123 4567",
        "+86 571 8888 9999", "0571-8888", "12012345678", "abc", "", "０５７１-88889999", "400-123-4567",
        "95555", "0086 10 12345678",
    ])
    if rng.random() < 0.3:
        p["emergency_contact_name"] = rng.choice(["张三", "", "  李四 "])


def m_email(doc: Doc, rng: random.Random, facts: Facts) -> None:
    p = _someone(doc, rng)
    if p is None:
        return
    p["email"] = rng.choice([
        "a@b", "user@example", "用户@例子.中国", "user＠example.com", "user@@example.com", "", " ",
        "first.last+tag@sub.example.co", "\"quoted\"@example.com", "user@exa--mple.com", "user@xn--fsq.com",
        "user@localhost", "user@example.test", "u@" + "a" * 70 + ".com", "a" * 70 + "@example.com",
        "user@example.com.", "user.@example.com", "user@-example.com", "USER@EXAMPLE.COM",
    ])


def m_person_validity(doc: Doc, rng: random.Random, facts: Facts) -> None:
    p = _someone(doc, rng)
    if p is None:
        return
    p["id_valid_from"] = rng.choice(["2018-03-01", "2027-01-01", "2026-11-22", "2026-11-23", "2010-01-01"])
    p["id_valid_to"] = rng.choice(["2038-03-01", "long_term", "长期", "2026-12-01", "2026-11-21", "2027-02-22",
                                   "2027-02-21", "2017-01-01", "2026-11-22"])


def m_cert_validity(doc: Doc, rng: random.Random, facts: Facts) -> None:
    cert = doc["subject"]["certificate"]
    cert["valid_from"] = rng.choice([None, "2019-05-01", "2027-01-01", "2030-01-01"])
    cert["valid_to"] = rng.choice([None, "long_term", "2026-12-01", "2025-01-01", "2027-03-01", "2040-01-01",
                                   "2018-01-01"])
    if cert["valid_from"] is None:
        del cert["valid_from"]


def m_uscc(doc: Doc, rng: random.Random, facts: Facts) -> None:
    cert = doc["subject"]["certificate"]
    number = str(cert["number"])
    district = _district(rng)
    cert["number"] = rng.choice([
        _flip_last(number),
        number[:5] + "O" + number[6:],
        number[:5] + "I" + number[6:],
        number[:15],
        "330106199001011",
        "Z" + number[1:],
        "94" + number[2:],
        make_uscc("999999", 7),
        make_uscc("100000", 8),
        make_uscc(district, rng.randrange(100), authority="1"),
        make_uscc(district, rng.randrange(100), authority="5"),
        make_uscc(district, rng.randrange(100), authority="9", kind="2"),
        make_uscc(district, rng.randrange(100), authority="N", kind="2"),
        make_uscc(district, rng.randrange(100), authority="Y"),
        make_uscc(district, rng.randrange(100)).lower(),
        "９" + number[1:],
        "",
    ])


def m_nature(doc: Doc, rng: random.Random, facts: Facts) -> None:
    doc["subject"]["nature"] = rng.choice(list(SubjectNature)).value


def m_cert_type(doc: Doc, rng: random.Random, facts: Facts) -> None:
    choices = [t.value for t in OrgCertificateType] + ["resident_id", "passport"]
    doc["subject"]["certificate"]["type"] = rng.choice(choices)


def m_address(doc: Doc, rng: random.Random, facts: Facts) -> None:
    addr = doc["subject"].get("address")
    if addr is None:
        if rng.random() < 0.5:
            d = _district(rng)
            doc["subject"]["address"] = {"province": d[:2] + "0000", "city": d[:4] + "00", "district": d,
                                         "detail": "某某路 1 号"}
        return
    options: list[Callable[[], None]] = [
        lambda: addr.update(province="999999"),
        lambda: addr.update(province="710000"),
        lambda: addr.update(province="330100"),
        lambda: addr.update(city="320100"),
        lambda: addr.update(district="330101"),
        lambda: addr.update(district="330100"),
        lambda: addr.update(district="330102"),
        lambda: addr.update(province="110000", city="110000", district="110105"),
        lambda: addr.update(province="110000", city="110100", district="110105"),
        lambda: addr.update(province="420000", city="429000", district="429004"),
        lambda: addr.update(province="420000", city="429004", district="429004"),
        lambda: addr.update(province="440000", city="441900", district="441900"),
        lambda: addr.update(province="440000", city="440300", district="440300"),
        lambda: addr.update(detail="浙江省杭州市西湖区文三路 90 号"),
        lambda: addr.update(detail="杭州西湖区文三路 90 号"),
        lambda: addr.update(detail="西湖文化广场 1 号"),
        lambda: addr.update(detail="1-2-03"),
        lambda: addr.update(detail="朝阳路 8 号院 1-2-03 室"),
        lambda: addr.update(detail="某某小区 3 号楼 2 单元 501 室"),
        lambda: addr.update(detail="某某路"),
        lambda: addr.update(detail="  "),
        lambda: addr.update(detail=""),
    ]
    rng.choice(options)()
    if rng.random() < 0.2:
        d = _district(rng)
        addr.update(province=d[:2] + "0000", city=d[:4] + "00", district=d)


@functools.cache
def _regions() -> RegionTable:
    from icpflow.bootstrap import load_regions

    return load_regions()


def m_detail_repeats(doc: Doc, rng: random.Random, facts: Facts) -> None:
    """The detail starts with the selected province, city or district, in full or short (or a near miss)."""
    addr = doc["subject"].get("address")
    if addr is None:
        return
    regions = _regions()
    names = [regions.name(addr[k]) or "" for k in ("province", "city", "district")]
    short = [n[:2] for n in names]
    addr["detail"] = rng.choice([
        "".join(names) + "文三路 90 号", names[1] + names[2] + "某路 1 号", names[2] + "某路 1 号",
        short[0] + short[1] + names[2] + "某路", short[1] + short[2] + "路 1 号", short[2] + "广场 1 号",
        " " + names[0] + "某路", short[0] + "路 3 号",
    ])


def m_tianjin_individual(doc: Doc, rng: random.Random, facts: Facts) -> None:
    if doc["subject"].get("address") is None or "program" not in doc:
        return
    doc["subject"]["address"].update(province="120000", city="120100", district="120101")
    doc["subject"]["address"]["detail"] = rng.choice(
        ["某某路 1 号", "某某小区 2 门 301", "某某里 3 号楼 5 户", "某某路"])
    if rng.random() < 0.7:
        doc["subject"]["nature"] = "individual"


def m_cert_address(doc: Doc, rng: random.Random, facts: Facts) -> None:
    doc["subject"]["certificate"]["address"] = rng.choice([
        "", "浙江省杭州市西湖区文三路 90 号", "广东深圳南山区", "内蒙古呼和浩特", "黑龙江哈尔滨", "某区某路",
        "  上海市黄浦区", "台湾省台北市",
    ])


def m_id_address(doc: Doc, rng: random.Random, facts: Facts) -> None:
    p = _someone(doc, rng)
    if p is None:
        return
    p["id_address"] = rng.choice(["", "湖南省长沙市芙蓉区", "广东省广州市", "四川成都", "某地"])


def m_move_person_home(doc: Doc, rng: random.Random, facts: Facts) -> None:
    """An individual whose ID was issued in another province (residence proof)."""
    p = _principal(doc)
    if p is None:
        return
    p["id_number"] = make_resident_id(_district(rng), seq=rng.randrange(1000))
    if doc["subject"]["nature"] == "individual":
        doc["subject"]["certificate"]["number"] = p["id_number"]
    if rng.random() < 0.5:
        doc["attachments"].append({"id": "residence", "kind": "residence_proof",
                                   "slot": rng.choice(["subject_supplementary", "program_supplementary"])})


def m_program_principal(doc: Doc, rng: random.Random, facts: Facts) -> None:
    if not _full(doc):
        return
    subj_p = doc["subject"]["principal"]
    d = _district(rng)
    person = make_person(d, name=rng.choice(["李某某", "王某某", subj_p["name"]]), seq=rng.randrange(900),
                         legal_rep=rng.random() < 0.3, phone_seed=rng.randrange(10**6))
    r = rng.random()
    if r < 0.2:
        person["mobile"] = subj_p["mobile"]
    elif r < 0.35:
        person["id_number"] = subj_p["id_number"]
    elif r < 0.45:
        person = copy.deepcopy(subj_p)
    if rng.random() < 0.3:
        person["face_verified"] = False
    doc["program"]["principal"] = person
    if rng.random() < 0.6:
        doc["attachments"] += [
            {"id": "pp-front", "slot": "program_principal_id", "kind": "id_front", "width": 1600, "height": 1000},
            {"id": "pp-back", "slot": rng.choice(["program_principal_id", "subject_principal_id"]),
             "kind": "id_back", "width": 1600, "height": 1000},
        ]
    if rng.random() < 0.5:
        doc["attachments"].append({"id": "pp-auth", "slot": rng.choice(["program_supplementary", "pre_approval"]),
                                   "kind": "program_principal_authorization", "signed_on": "2026-11-12"})


def m_legal_rep(doc: Doc, rng: random.Random, facts: Facts) -> None:
    subj = doc["subject"]
    p = subj.get("principal")
    r = rng.random()
    if r < 0.25:
        subj["legal_representative"] = None
    elif r < 0.5 and p is not None:
        subj["legal_representative"] = {"name": "赵某某", "id_type": "resident_id",
                                        "id_number": make_resident_id("110105", seq=9)}
    elif r < 0.65 and p is not None:
        subj["legal_representative"] = {"name": p["name"], "id_number": ""}
    elif r < 0.8 and p is not None:
        subj["legal_representative"] = {"name": " " + p["name"], "id_number": str(p["id_number"]).lower()}
    elif p is not None:
        p["is_legal_representative"] = not p.get("is_legal_representative", False)
    if rng.random() < 0.3 and _full(doc):
        doc["attachments"].append({"id": "sp-auth", "slot": "subject_supplementary",
                                   "kind": "subject_principal_authorization",
                                   "signed_on": rng.choice(["2026-11-12", "2026-12-01", "2026-01-01"])})


def m_face(doc: Doc, rng: random.Random, facts: Facts) -> None:
    p = _someone(doc, rng)
    if p is not None:
        p["face_verified"] = False


def m_scope(doc: Doc, rng: random.Random, facts: Facts) -> None:
    doc["subject"]["certificate"]["business_scope"] = rng.choice(SCOPES)


def m_subject_name(doc: Doc, rng: random.Random, facts: Facts) -> None:
    subj = doc["subject"]
    subj["name"] = rng.choice([subj["name"] + "教育", "某某网络金融服务有限公司", "新闻出版社", "某某科技有限公司1",
                               "", "王某某", "某某医疗器械有限公司", "ＡＢＣ文化传媒有限公司", subj["name"] + " "])


def m_program_text(doc: Doc, rng: random.Random, facts: Facts) -> None:
    if "program" not in doc:
        return
    prog = doc["program"]
    prog["name"] = rng.choice(NAMES) + rng.choice(["", "2", " Pro"])
    if "description" in prog or _full(doc):
        prog["description"] = rng.choice(DESCRIPTIONS)


def m_remark(doc: Doc, rng: random.Random, facts: Facts) -> None:
    if not _full(doc):
        return
    remark = rng.choice(REMARKS)
    if rng.random() < 0.3:
        phones = [p["emergency_phone"] for p in _people(doc)]
        company = str(doc["subject"]["name"]).removesuffix("公司")
        remark = "；".join(f"应急联系电话手机号{ph}使用人为{company}公司员工张某某" for ph in phones)
        remark += rng.choice(["", "，其他", "\n不涉及金融"])
    doc["program"]["remark"] = remark
    if rng.random() < 0.3:
        doc["subject"]["remark"] = rng.choice(["", "主体备注", "  "])


def m_pre_approvals(doc: Doc, rng: random.Random, facts: Facts) -> None:
    if not _full(doc):
        return
    declared = []
    for _ in range(rng.randrange(1, 3)):
        entry: Doc = {"category": rng.choice(["finance", "education", "publishing", "news", "medical",
                                              "drugs_devices", "ride_hailing"])}
        if rng.random() < 0.7:
            entry["number"] = rng.choice(["ISBN 978-7-498-01234-5", "京教审 2024 001", "", " "])
        if rng.random() < 0.8:
            entry["attachment"] = rng.choice(["pa-doc", "missing", "id-front", ""])
        declared.append(entry)
    doc["program"]["pre_approvals"] = declared
    if rng.random() < 0.7:
        doc["attachments"].append({"id": "pa-doc", "slot": rng.choice(["pre_approval", "program_supplementary",
                                                                       "subject_supplementary"]),
                                   "kind": "pre_approval_document"})


def m_game(doc: Doc, rng: random.Random, facts: Facts) -> None:
    if not _full(doc):
        return
    prog = doc["program"]
    prog["type"] = "mini_game"
    r = rng.random()
    if r < 0.15:
        prog.pop("game", None)
        return
    isbn = rng.choice([None, "", "ISBN 978-7-498-01234-5", "ISBN 978-7-498-09999-9"])
    prog["game"] = {"publication_number": isbn, "authorization_level": rng.choice([0, 0, 1, 2, 3]),
                    "mini_game_filing_approved": rng.random() < 0.5}
    if isbn and rng.random() < 0.6:
        prog["pre_approvals"] = [{"category": "publishing",
                                  "number": rng.choice(["ISBN 978-7-498-01234-5", ""]), "attachment": "pa-doc"}]
        doc["attachments"].append({"id": "pa-doc", "slot": "pre_approval", "kind": "pre_approval_document"})
    if rng.random() < 0.5:
        doc["attachments"].append({"id": "pub-auth", "slot": rng.choice(["pre_approval", "program_supplementary"]),
                                   "kind": "publication_authorization"})
    if rng.random() < 0.4:
        doc["attachments"].append({"id": "auth-exp", "slot": rng.choice(["pre_approval", "program_supplementary"]),
                                   "kind": "authorization_explanation"})


def m_program_type(doc: Doc, rng: random.Random, facts: Facts) -> None:
    if "program" in doc:
        doc["program"]["type"] = rng.choice(["mini_program", "mini_game"])


def m_count(doc: Doc, rng: random.Random, facts: Facts) -> None:
    if _full(doc):
        doc["program"]["count_under_subject"] = rng.choice([1, 2, 3, 4, 5, 6, 10, 30, 31, 50])
        if rng.random() < 0.4:
            doc["attachments"].append({"id": "plan", "slot": rng.choice(["subject_supplementary",
                                                                         "program_supplementary"]),
                                       "kind": rng.choice(["construction_plan", "site_screenshots", "other"]),
                                       "signed_on": rng.choice(["2026-11-12", "2025-01-01"])})


def m_attachments(doc: Doc, rng: random.Random, facts: Facts) -> None:
    atts: list[Doc] = doc["attachments"]
    r = rng.random()
    if atts and r < 0.2:
        atts.pop(rng.randrange(len(atts)))
    elif atts and r < 0.35:
        atts.append(dict(rng.choice(atts)))  # duplicate id
    elif atts and r < 0.5:
        rng.choice(atts)["slot"] = rng.choice(["subject_certificate", "subject_principal_id", "program_principal_id",
                                               "pre_approval", "subject_supplementary", "program_supplementary",
                                               "filing_commitment"])
    elif atts and r < 0.7:
        att = rng.choice(atts)
        att["width"], att["height"] = rng.choice([(1000, 1600), (300, 200), (1600, 1000), (800, 800)])
        if rng.random() < 0.3:
            att.pop("width", None)
    else:
        kind = rng.choice(["non_involvement_commitment", "guangdong_filing_commitment",
                           "chongqing_public_commitment", "subject_principal_authorization", "construction_plan",
                           "program_principal_authorization"])
        att = {"id": f"letter-{len(atts)}", "slot": rng.choice(["program_supplementary", "subject_supplementary",
                                                                  "filing_commitment"]), "kind": kind}
        signed = rng.choice([None, "2026-11-12", "2026-12-25", "2026-10-01", "2026-10-22", "2026-10-21"])
        if signed is not None:
            att["signed_on"] = signed
        atts.append(att)


def m_images(doc: Doc, rng: random.Random, facts: Facts) -> None:
    for i, att in enumerate(doc["attachments"]):
        if rng.random() < 0.6:
            att["file"] = f"file-{i}.{rng.choice(['jpg', 'png', 'pdf'])}"
            facts[att["file"]] = rng.choice([
                ImageFacts(format="JPEG", width=1600, height=1000, size_bytes=300_000),
                ImageFacts(format="JPEG", width=900, height=1600, size_bytes=300_000),
                ImageFacts(format="PNG", width=200, height=150, size_bytes=10_000),
                ImageFacts(format="PDF", size_bytes=100_000),
                ImageFacts(problem="无法读取图片"),
                ImageFacts(format="JPEG", width=4000, height=3000, size_bytes=12_000_000),
                ImageFacts(),
            ])


def m_description(doc: Doc, rng: random.Random, facts: Facts) -> None:
    if _full(doc):
        doc["program"]["description"] = rng.choice(["", "短描述", "很" * 19, "很" * 20, "很" * 200, "很" * 201,
                                                    "  " + "很" * 25 + "  "])


def m_blank(doc: Doc, rng: random.Random, facts: Facts) -> None:
    targets: list[tuple[Doc, str]] = [(doc["subject"], "name"), (doc["subject"]["certificate"], "number")]
    for p in _people(doc):
        targets += [(p, "name"), (p, "mobile"), (p, "email"), (p, "emergency_phone"), (p, "id_number")]
    if "program" in doc:
        targets += [(doc["program"], "name"), (doc["program"], "appid")]
    obj, key = rng.choice(targets)
    obj[key] = rng.choice(["", " ", "\u3000"])


def m_individual_name(doc: Doc, rng: random.Random, facts: Facts) -> None:
    p = _principal(doc)
    if p is not None:
        p["name"] = rng.choice(["张某", p["name"] + " ", "王某某"])


def m_submitted(doc: Doc, rng: random.Random, facts: Facts) -> None:
    day = rng.choice(DATES)
    if day is None:
        doc.pop("submitted_on", None)
    else:
        doc["submitted_on"] = day


def m_change(doc: Doc, rng: random.Random, facts: Facts) -> None:
    if _full(doc):
        doc["kind"] = "change"
        doc["record_number"] = rng.choice(RECORD_NUMBERS)


def _subject_ref(doc: Doc, rng: random.Random) -> Doc:
    subj = doc["subject"]
    ref: Doc = {"nature": subj["nature"], "name": subj["name"], "certificate": copy.deepcopy(subj["certificate"])}
    if rng.random() < 0.5 and subj.get("address") is not None:
        ref["address"] = subj["address"]
    if rng.random() < 0.4 and subj.get("principal") is not None:
        ref["principal"] = subj["principal"]
    return ref


def m_cancel(doc: Doc, rng: random.Random, facts: Facts) -> None:
    if not _full(doc):
        return
    kind = rng.choice(["cancel_subject", "cancel_program", "cancel_access"])
    new: Doc = {"schema_version": 1, "kind": kind, "subject": _subject_ref(doc, rng),
                "attachments": doc["attachments"] if rng.random() < 0.3 else []}
    if "submitted_on" in doc:
        new["submitted_on"] = doc["submitted_on"]
    if rng.random() < 0.7:
        new["reason"] = "停止运营"
    if kind == "cancel_subject":
        new["record_number"] = rng.choice(RECORD_NUMBERS)
    else:
        new["program"] = {"type": doc["program"]["type"], "appid": doc["program"]["appid"],
                          "name": doc["program"]["name"], "record_number": rng.choice(RECORD_NUMBERS)}
    doc.clear()
    doc.update(new)


MUTATIONS: list[Callable[[Doc, random.Random, Facts], None]] = [
    m_id_number, m_id_type, m_mobile, m_emergency, m_email, m_person_validity, m_cert_validity, m_uscc,
    m_nature, m_cert_type, m_address, m_cert_address, m_id_address, m_move_person_home, m_program_principal,
    m_legal_rep, m_face, m_detail_repeats, m_tianjin_individual, m_scope, m_subject_name, m_program_text,
    m_remark, m_pre_approvals, m_game, m_program_type, m_count, m_attachments, m_images, m_description,
    m_blank, m_individual_name, m_submitted, m_change, m_cancel,
]


def _examples() -> list[Doc]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(EXAMPLES.glob("*.json"))]


def _base(rng: random.Random, i: int, examples: list[Doc]) -> Doc:
    from icpflow.testing import make_filing

    if examples and rng.random() < 0.25:
        return copy.deepcopy(rng.choice(examples))
    nature = rng.choice(["enterprise", "enterprise", "individual", "individual_business", "public_institution",
                         "government", "social_organization"])
    doc = make_filing(rng.choice(PROVINCES), nature=nature, program_type=rng.choice(["mini_program", "mini_game"]),
                      seq=i + 1, submitted_on=rng.choice(["2026-11-22", "2026-11-22", "2026-06-30"]))
    if nature != "individual" and rng.random() < 0.5:
        doc["subject"]["certificate"]["business_scope"] = rng.choice(SCOPES)  # type: ignore[index]
    return doc


def _unreadable(doc: Doc, rng: random.Random) -> bytes:
    r = rng.random()
    if r < 0.25:
        return b'{"schema_version": 1, "kind": "new",'
    if r < 0.5:
        doc["subject"]["nature"] = "martian"
    elif r < 0.75:
        doc["subject"]["principal_name"] = "typo"
    else:
        doc["subject"].pop("name", None)
    return json.dumps(doc, ensure_ascii=False).encode()


def corpus(n: int, seed: int = 20261122) -> list[tuple[bytes, Facts | None]]:
    """`n` documents (JSON) with the image facts a probe would report (None: no probe)."""
    rng = random.Random(seed)
    examples = _examples()
    out: list[tuple[bytes, Facts | None]] = []
    for i in range(n):
        doc = _base(rng, i, examples)
        facts: Facts = {}
        for _ in range(rng.choice([0, 1, 1, 2, 2, 3, 4])):
            rng.choice(MUTATIONS)(doc, rng, facts)
        if rng.random() < 0.02:
            out.append((_unreadable(doc, rng), None))
            continue
        out.append((json.dumps(doc, ensure_ascii=False).encode(), facts or None))
    return out
