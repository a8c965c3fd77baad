"""The catalogue of letters (`SPECS`, `spec`), the templates a report needs (`templates_needed`), and
`compose`, which turns a template name and a filing into a `Letter`.

The pre-check report names, in `requirements[].template`, the letter a case needs (rules.toml: the
`template = "…"` and `templates = {…}` params, and the defaults of the evaluators in `rules/people.py`
and `rules/program.py`). Besides the eleven templates of the rule catalogue, `SPECS` holds the three
documents the platform provides (`platform_documents`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..document import FullFiling
from ..enums import AttachmentKind, Slot
from ..policy import add_months
from ..report import Report
from .authorizations import (
    _authorization_explanation,
    _authorization_explanation_guangdong,
    _program_principal_authorization,
    _program_principal_authorization_shanghai,
    _publication_authorization,
    _subject_principal_authorization,
)
from .commitments import (
    GUANGDONG_ACCESS_PROVIDER,
    _chongqing_public_commitment,
    _guangdong_filing_commitment,
    _non_involvement_commitment,
    _non_involvement_commitment_sichuan,
)
from .model import _SEED, _WECHAT, BLANK, Letter, LetterSpec, UnknownLetterTemplate, _cn_date, _Facts
from .plans import _construction_plan
from .platform_documents import (
    _anti_fraud_self_assessment,
    _authenticity_verification_sheet,
    _internet_information_service_commitment,
)
from .remarks import _REMARKS
from .report_reading import _as_dict, _open_hits, _suggested

if TYPE_CHECKING:
    from ..preapproval import Category

_SIGNATURE_NOTE = "法定代表人需手写正楷签名或签名章，不接受连笔签"


SPECS: dict[str, LetterSpec] = {
    spec.template: spec
    for spec in (
        LetterSpec(
            "subject_principal_authorization", "主办单位负责人授权书",
            f"{_SEED} §1.2 主办单位负责人信息 1 (可以不是法定代表人，但需提供授权书), §1.2 附件 1",
            "法定代表人签字（手写正楷或签名章）、被授权人签字、主办单位盖章", _subject_principal_authorization,
            kind=AttachmentKind.SUBJECT_PRINCIPAL_AUTHORIZATION, slot=Slot.SUBJECT_SUPPLEMENTARY,
            rules=("province.subject_principal.authorization_letter",), notes=(_SIGNATURE_NOTE,)),
        LetterSpec(
            "program_principal_authorization", "小程序负责人授权书",
            f"{_SEED} §1.2 小程序负责人信息 (可以不是法定代表人，但需提供授权书), §1.2 附件 2",
            "法定代表人签字（手写正楷或签名章）、被授权人签字、主办单位盖章", _program_principal_authorization,
            kind=AttachmentKind.PROGRAM_PRINCIPAL_AUTHORIZATION, slot=Slot.PROGRAM_SUPPLEMENTARY,
            rules=("province.program_principal.authorization_letter",), notes=(_SIGNATURE_NOTE,)),
        LetterSpec(
            "program_principal_authorization_shanghai", "小程序负责人授权书（上海）",
            f"{_SEED} §1.2 小程序负责人信息 (上海(需使用指定模板授权书)), §1.2 附件 2",
            "法定代表人签字（手写正楷或签名章）、被授权人签字、主办单位盖章",
            _program_principal_authorization_shanghai,
            kind=AttachmentKind.PROGRAM_PRINCIPAL_AUTHORIZATION, slot=Slot.PROGRAM_SUPPLEMENTARY,
            rules=("province.program_principal.authorization_letter",), province="310000",
            notes=(_SIGNATURE_NOTE,
                   "上海市通信管理局要求使用指定模板的授权书：本文件按该模板要求的信息预填，"
                   "如平台发布了上海的指定模板，以该模板为准")),
        LetterSpec(
            "non_involvement_commitment", "实际不从事相关内容的承诺书",
            f"{_SEED} §1.2 主办信息 12, 备案小程序信息 5, 附件 7; §附:前置审批说明",
            "法定代表人签字、主办单位盖章（个人主体：本人签字）", _non_involvement_commitment,
            kind=AttachmentKind.NON_INVOLVEMENT_COMMITMENT, slot=Slot.PROGRAM_SUPPLEMENTARY,
            rules=("nationwide.pre_approval_non_involvement",), notes=(_SIGNATURE_NOTE,)),
        LetterSpec(
            "non_involvement_commitment_sichuan", "不涉及前置审批承诺书",
            f"{_SEED} §1.3 四川 不涉及前置审批承诺书 (承诺书填写要求 1-11); §1.2 备案小程序信息 5b",
            "单位公章、法定代表人手写正楷签名（接受签名章）", _non_involvement_commitment_sichuan,
            kind=AttachmentKind.NON_INVOLVEMENT_COMMITMENT, slot=Slot.PROGRAM_SUPPLEMENTARY,
            rules=("nationwide.pre_approval_non_involvement",), province="510000"),
        LetterSpec(
            "guangdong_filing_commitment", "备案承诺书",
            f"{_SEED} §1.2 附件 3 (广东地区《备案承诺书》已更新，固定字段不可修改); §1.3 广东 1-4",
            "负责人手写正楷签名（或签名章）、手写日期", _guangdong_filing_commitment,
            kind=AttachmentKind.GUANGDONG_FILING_COMMITMENT, slot=Slot.FILING_COMMITMENT,
            rules=("province.guangdong.filing_commitment",), province="440000"),
        LetterSpec(
            "chongqing_public_commitment", "移动应用程序备案公开承诺书",
            f"{_SEED} §1.2 附件 4; §1.3 重庆 1-4",
            "法定代表人签名或签名章、加盖公司公章", _chongqing_public_commitment,
            kind=AttachmentKind.CHONGQING_PUBLIC_COMMITMENT, slot=Slot.FILING_COMMITMENT,
            rules=("province.chongqing.public_commitment",), province="500000"),
        LetterSpec(
            "construction_plan", "小程序建设方案书",
            f"{_SEED} §1.3 陕西 附件《小程序建设方案书》1-5",
            "法定代表人签名或签名章、加盖公司公章", _construction_plan,
            kind=AttachmentKind.CONSTRUCTION_PLAN, slot=Slot.PROGRAM_SUPPLEMENTARY,
            rules=("province.shaanxi.construction_plan",), province="610000", fields_at=0),
        LetterSpec(
            "publication_authorization", "游戏版号授权书",
            f"{_SEED} §1.2 备案小程序信息 4c-4d (版号文件及授权书), 4f (授权书有效期大于等于 3 个月)",
            "授权方盖章、被授权方盖章", _publication_authorization,
            kind=AttachmentKind.PUBLICATION_AUTHORIZATION, slot=Slot.PRE_APPROVAL,
            rules=("province.game.authorization_letter",), dated=False),
        LetterSpec(
            "authorization_explanation", "授权说明",
            f"{_SEED} §1.2 备案小程序信息 4d (如存在多级授权，需额外提供授权说明), 4e (授权说明模版、填写注意事项)",
            "单位名称处公司加盖公章（个人签名）、经办人（小程序负责人）签名", _authorization_explanation,
            kind=AttachmentKind.AUTHORIZATION_EXPLANATION, slot=Slot.PRE_APPROVAL,
            rules=("province.game.authorization_explanation",), dated=False),
        LetterSpec(
            "authorization_explanation_guangdong", "授权说明（广东）",
            f"{_SEED} §1.2 备案小程序信息 4d (广东(需使用指定授权说明模版)), 4e",
            "单位名称处公司加盖公章（个人签名）、经办人（小程序负责人）签名", _authorization_explanation_guangdong,
            kind=AttachmentKind.AUTHORIZATION_EXPLANATION, slot=Slot.PROGRAM_SUPPLEMENTARY,
            rules=("province.game.authorization_explanation",), province="440000", dated=False),
        LetterSpec(
            "internet_information_service_commitment", "互联网信息服务承诺书",
            f"{_WECHAT} §二(三)1 (互联网信息服务承诺书：平台提供，开发者确认)",
            "主办单位盖章、法定代表人签字（个人主体：本人签字）", _internet_information_service_commitment,
            dated=False),
        LetterSpec(
            "anti_fraud_self_assessment", "反电信网络诈骗风险自评估报告",
            f"{_WECHAT} §二(三)1 (反诈自评估报告：平台提供，开发者确认); {_SEED} §一 背景介绍 (反电信网络诈骗法)",
            "主办单位负责人签字、主办单位盖章", _anti_fraud_self_assessment, dated=False, fields_at=1),
        LetterSpec(
            "authenticity_verification_sheet", "小程序备案真实性核验单",
            f"{_WECHAT} §二(三)1 (小程序备案真实性核验单：平台提供)",
            "主办单位负责人签字、平台核验人签字", _authenticity_verification_sheet, dated=False, fields_at=1),
    )
}


def spec(template: str) -> LetterSpec:
    """The spec of a template; `UnknownLetterTemplate` (a `KeyError`) lists the ones that exist."""
    try:
        return SPECS[template]
    except KeyError:
        raise UnknownLetterTemplate(template, {name: s.title for name, s in SPECS.items()}) from None


def templates_needed(report: Mapping[str, Any] | Report) -> list[str]:
    """The letter templates the report's requirements name (unmet first), each once, known ones only."""
    data = _as_dict(report)
    reqs = sorted(data.get("requirements", []) or [], key=lambda r: bool(r.get("met")))
    seen: dict[str, None] = {}
    for req in reqs:
        name = req.get("template")
        if name and name in SPECS:
            seen.setdefault(str(name), None)
    return list(seen)


# --------------------------------------------------------------------------------------------------
# Composing
# --------------------------------------------------------------------------------------------------


def compose(
    template: str,
    document: FullFiling,
    report: Mapping[str, Any] | Report | None,
    *,
    today: dt.date,
    platform_name: str,
    categories: Mapping[str, Category] | None = None,
    access_provider: str = GUANGDONG_ACCESS_PROVIDER,
    letter_max_age_months: int = 1,
) -> Letter:
    """The letter `template` prefilled from `document` (and from `report`, the pre-check's JSON, when given).

    `today` stands in for the submission day when the document gives none; the signing window printed in
    the notes runs from `letter_max_age_months` before that day to that day. `categories` (the keyword
    table's `[categories]`, e.g. `checker.scanner.categories`) lets Sichuan's letter name the approving
    bodies and licences. Raises `UnknownLetterTemplate` for a name no letter has.
    """
    letter_spec = spec(template)
    data = _as_dict(report)
    submit_on = document.submitted_on or today
    requirements = data.get("requirements", []) or []
    requirement = next((r for r in requirements if r.get("template") == template), None)
    if requirement is None and letter_spec.kind is not None:
        requirement = next((r for r in requirements if r.get("kind") == letter_spec.kind.value), None)
    open_categories, keywords, where = _open_hits(document, data)
    province = str(data.get("province") or document.subject.address.province)
    bureau = str(data.get("bureau") or f"{BLANK}通信管理局")
    suggested = _suggested(data, _REMARKS["non_involvement"].rule)
    facts = _Facts(
        doc=document,
        platform_name=platform_name.strip() or BLANK,
        access_provider=access_provider,
        submit_on=submit_on,
        earliest=add_months(submit_on, -letter_max_age_months),
        months=letter_max_age_months,
        province=province,
        bureau=bureau,
        requirement=requirement,
        letter_only=requirement is not None and requirement.get("alternative_field") is None
        and letter_spec.kind is AttachmentKind.NON_INVOLVEMENT_COMMITMENT,
        open_categories=open_categories,
        keywords=keywords,
        hit_fields=where,
        categories=categories,
        suggested_non_involvement=suggested[0] if suggested else None,
    )
    paragraphs, fields, signatures, extra = letter_spec.build(facts)
    notes = list(letter_spec.notes)
    if letter_spec.dated:
        notes.append(
            f"签署日期须手写，应与提交备案日期一致或在其前 {letter_max_age_months} 个月内，不得晚于提交日期："
            f"按 {_cn_date(submit_on)} 提交，请写 {_cn_date(facts.earliest)} 至 {_cn_date(submit_on)} 之间的日期"
        )
    notes += extra
    slot = facts.slot_label(letter_spec.slot)
    if slot is not None:
        notes.append(f"签署后拍照或彩色扫描原件（不可用复印件），上传至【附件-{slot}】")
    if requirement is not None and requirement.get("reason"):
        notes.append(f"预检要求：{requirement['reason']}")
    notes.append(f"依据：{letter_spec.source}")
    return Letter(letter_spec.title, paragraphs, fields, signatures, notes, template=template,
                  source=letter_spec.source, fields_at=letter_spec.fields_at)
