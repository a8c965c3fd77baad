"""Shaanxi's construction plan (小程序建设方案书, seed 004 §1.3 陕西 附件《小程序建设方案书》): the outline
every plan must cover, prefilled with what the filing knows.
"""

from __future__ import annotations

from .model import _SEED, BLANK, _Body, _Facts, _program_fields, _signatures, _subject_fields, _v


def _construction_plan(f: _Facts) -> _Body:
    doc = f.doc
    scope = doc.subject.certificate.business_scope.strip().rstrip("。") or BLANK
    types = "、".join(doc.program.service_content_types) or BLANK
    pp, sp = f.pp, f.sp
    paragraphs = [
        "一、公司主营业务介绍",
        f"{f.subject}（{f.code_label}：{f.code}），经营范围：{scope}。主营业务：{BLANK}",
        "二、小程序内容及栏目介绍",
        f"{f.kind}《{f.program}》（AppID：{f.appid}）提供的服务是：{f.service}。服务内容类型：{types}。"
        f"主要栏目及功能：{BLANK}（请逐一介绍各栏目，并配上设计图）",
        "三、人员及资金安排",
        f"小程序负责人：{_v(pp.name)}。运营人员：{BLANK}人，人员的资质、能力、背景：{BLANK}。"
        f"资金来源及投入安排：{BLANK}",
        "四、内容管理制度",
        f"{BLANK}（信息发布审核、用户信息管理、违法违规信息处置、日志留存等制度）",
        "五、网络部署方案",
        f"使用的技术：{BLANK}；部署位置（服务器或云服务商及所在地）：{BLANK}",
        "六、网络信息安全技术措施",
        f"{BLANK}（访问控制、数据加密与备份、防攻击、日志留存等措施）",
        "七、应急处置方案",
        f"应急联系人：{_v(sp.name)}，应急电话：{_v(sp.emergency_phone)}。应急处置流程：{BLANK}",
    ]
    fields = [*_subject_fields(f), *_program_fields(f),
              ("本主体备案小程序数量", f"{doc.program.count_under_subject} 个（含本小程序）")]
    signatures = _signatures(f, signer="法定代表人（签名或签名章）", stamp="单位公章")
    notes = [
        "陕西：同一主体下备案小程序超过 30 个时，每个小程序都须提交本方案书"
        f"（{_SEED} §1.3 陕西 附件《小程序建设方案书》1）",
        "方案书无具体模板，根据小程序实际情况撰写，须包含一至七项全部内容；＿＿处请补充",
        "法定代表人签名或签名章，加盖公司公章",
    ]
    return paragraphs, fields, signatures, notes
