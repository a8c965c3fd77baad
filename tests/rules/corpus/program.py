"""Mutations of the mini-program (备案小程序信息): name, description, remarks, pre-approvals, mini-game licences and
the count under the subject. Each mutation edits `doc` in place (and may add image facts).
"""

from __future__ import annotations

import random

from .common import Doc, Facts, _full, _people

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


def m_description(doc: Doc, rng: random.Random, facts: Facts) -> None:
    if _full(doc):
        doc["program"]["description"] = rng.choice(["", "短描述", "很" * 19, "很" * 20, "很" * 200, "很" * 201,
                                                    "  " + "很" * 25 + "  "])
