"""Authorisation letters (授权书) and the game's authorisation explanation (授权说明): the subject and
program principals' authorisations (seed 004 §1.2 附件 1-2, Shanghai's own template), the game's
publication-number authorisation and the explanation of a multi-level authorisation chain (§1.2 备案小程序信息
4c-4f, Guangdong's own template).
"""

from __future__ import annotations

from ..enums import label
from .model import BLANK, DATE_BLANK, _Body, _Facts, _person_fields, _program_fields, _signatures, _subject_fields, _v


def _subject_principal_authorization(f: _Facts) -> _Body:
    sp = f.sp
    paragraphs = [
        f"{f.bureau}：",
        f"兹授权{_v(sp.name)}（{label(sp.id_type)}：{_v(sp.id_number)}）为{f.we}{f.subject}（{f.code_label}：{f.code}）"
        f"的主办单位负责人，代表{f.we}办理在{f.platform}的{f.kind}《{f.program}》（AppID：{f.appid}）的"
        "互联网信息服务备案（ICP备案）相关事宜，包括填写、提交和变更备案信息，接收并完成工业和信息化部备案系统的"
        "短信核验，配合通信管理局核查，以及处理与该小程序有关的应急事件。",
        f"被授权人在上述授权范围内办理的事项和签署的文件，{f.we}均予以认可，并承担相应的法律责任。",
        "授权期限：自本授权书签署之日起至上述备案事项办结之日止。",
    ]
    fields = [*_subject_fields(f), *_person_fields("被授权人", sp),
              ("被授权人电子邮箱", _v(sp.email)), *_program_fields(f)]
    signatures = _signatures(f, extra=[f"被授权人（签字）：{BLANK}"])
    return paragraphs, fields, signatures, []


def _program_principal_paragraphs(f: _Facts, addressee: str) -> list[str]:
    pp = f.pp
    return [
        f"{addressee}：",
        f"兹授权{_v(pp.name)}（{label(pp.id_type)}：{_v(pp.id_number)}）为{f.we}{f.subject}（{f.code_label}：{f.code}）"
        f"在{f.platform}的{f.kind}《{f.program}》（AppID：{f.appid}）的小程序负责人，负责该{f.kind}的建设、"
        f"运营与管理，代表{f.we}办理该{f.kind}的互联网信息服务备案（ICP备案）相关事宜，包括完成人脸核身，接收并"
        "完成工业和信息化部备案系统的短信核验，配合通信管理局核查，以及处理与该小程序有关的应急事件。",
        f"被授权人在上述授权范围内办理的事项和签署的文件，{f.we}均予以认可，并承担相应的法律责任。",
        "授权期限：自本授权书签署之日起至上述备案事项办结之日止。",
    ]


def _program_principal_fields(f: _Facts) -> list[tuple[str, str]]:
    pp = f.pp
    return [*_subject_fields(f), *_person_fields("被授权人", pp),
            ("被授权人电子邮箱", _v(pp.email)), *_program_fields(f)]


def _program_principal_authorization(f: _Facts) -> _Body:
    notes = []
    if f.province == "120000":
        notes.append("天津：小程序负责人须为法定代表人以外、负责该小程序维护/运营/管理等相关工作的员工"
                     "（004_58a0f6ee9b17c945.txt §1.3 天津 小程序负责人 1）")
    signatures = _signatures(f, extra=[f"被授权人（签字）：{BLANK}"])
    return _program_principal_paragraphs(f, f.bureau), _program_principal_fields(f), signatures, notes


def _program_principal_authorization_shanghai(f: _Facts) -> _Body:
    paragraphs = _program_principal_paragraphs(f, "上海市通信管理局")
    paragraphs.insert(2, f"{f.we}确认，被授权人是切实负责该{f.kind}建设或运营的人员，"
                         "其提供的身份信息和联系方式真实有效。")
    signatures = _signatures(f, extra=[f"被授权人（签字）：{BLANK}"])
    return paragraphs, _program_principal_fields(f), signatures, []


def _game_number(f: _Facts) -> str:
    game = f.doc.program.game
    return _v(game.publication_number if game is not None else None)


def _game_level(f: _Facts) -> int:
    game = f.doc.program.game
    return game.authorization_level if game is not None else 0


def _publication_authorization(f: _Facts) -> _Body:
    level = _game_level(f)
    paragraphs = [
        f"授权方：{BLANK}（以下简称“授权方”）",
        f"被授权方：{f.subject}（{f.code_label}：{f.code}）（以下简称“被授权方”）",
        f"授权方系游戏《{f.program}》（版号/ISBN：{_game_number(f)}，出版单位：{BLANK}，批准文号：{BLANK}）的"
        f"{BLANK}（著作权人/出版运营单位/上一级被授权方）。现授权被授权方在{f.platform}以小游戏形式运营该游戏"
        f"（AppID：{f.appid}），并以该版号办理互联网信息服务备案（ICP备案）的“出版”前置审批。",
        f"本授权为第 {level if level >= 1 else BLANK} 级授权。授权期限：自{DATE_BLANK}起至{DATE_BLANK}止。",
        "被授权方应在授权范围内使用上述版号，未经授权方书面同意，不得转授权他人。",
    ]
    fields = [
        ("游戏名称", f.program), ("版号（ISBN）", _game_number(f)), ("授权方", BLANK),
        ("被授权方（运营单位）", f.subject), (f"被授权方{f.code_label}", f.code),
        ("运营平台", f.platform_name), ("AppID", f.appid),
        ("授权级别", f"第 {level} 级" if level >= 1 else BLANK), ("授权期限", f"{DATE_BLANK}至{DATE_BLANK}"),
    ]
    signatures = [f"授权方（盖章）：{BLANK}", f"被授权方（盖章）：{BLANK}", f"日期：{DATE_BLANK}"]
    notes = [
        "授权书须在有效期内，且剩余有效期不少于 3 个月（004_58a0f6ee9b17c945.txt §1.2 备案小程序信息 4f-i）",
        "多级授权须逐级提供授权书（完整授权链）；安徽、湖南仅接受一级授权，甘肃二级及以下，陕西三级及以下"
        "（§1.2 备案小程序信息 4d）",
        "拍照或彩色扫描原件上传，不可为复印件或打印件，边角完整、内容清晰、无反光（§1.2 备案小程序信息 4f-ii~iv）",
    ]
    return paragraphs, fields, signatures, notes


def _explanation_body(f: _Facts, addressee: str | None) -> _Body:
    level = _game_level(f)
    pp = f.pp
    paragraphs = [f"{addressee}："] if addressee else []
    paragraphs += [
        f"游戏《{f.program}》（版号/ISBN：{_game_number(f)}）的版号权利方为{BLANK}，"
        f"经 {level if level >= 1 else BLANK} 级授权，"
        f"由{f.we}{f.subject}（{f.code_label}：{f.code}）在{f.platform}以小游戏形式运营（AppID：{f.appid}）。"
        "授权链如下：",
    ]
    for i in range(1, max(level, 1) + 1):
        grantee = f.subject if i == level else BLANK
        paragraphs.append(f"第 {i} 级授权：{BLANK}授权{grantee}，授权书有效期至{DATE_BLANK}。")
    paragraphs.append("以上各级授权真实有效，相关授权书已一并提交。特此说明。")
    fields = [
        ("游戏名称", f.program), ("版号（ISBN）", _game_number(f)), ("授权级别", f"{level} 级" if level else BLANK),
        ("运营单位", f.subject), (f.code_label, f.code), ("AppID", f.appid),
        ("经办人（小程序负责人）", _v(pp.name)),
    ]
    stamp = "（公司加盖公章）" if f.is_org else "（个人签名）"
    signatures = [f"单位名称：{f.subject}{stamp}{BLANK}", f"经办人签名：{BLANK}（小程序负责人{_v(pp.name)}签名）",
                  f"日期：{DATE_BLANK}"]
    notes = [
        "一级授权无需提供授权说明（004_58a0f6ee9b17c945.txt §1.2 备案小程序信息 4e-i）",
        "单位名称：公司加盖公章，个人签名；经办人签名：小程序负责人签名（§1.2 备案小程序信息 4e-iii）",
    ]
    return paragraphs, fields, signatures, notes


def _authorization_explanation(f: _Facts) -> _Body:
    return _explanation_body(f, None)


def _authorization_explanation_guangdong(f: _Facts) -> _Body:
    paragraphs, fields, signatures, notes = _explanation_body(f, "广东省通信管理局")
    notes.append("广东须使用指定的授权说明模板（§1.2 备案小程序信息 4d）：本文件按模板要求的字段预填，"
                 "如平台发布了更新的模板，以最新模板为准")
    return paragraphs, fields, signatures, notes
