"""Commitment letters (承诺书): the pre-approval non-involvement commitment (nationwide and Sichuan's own,
seed 004 §1.2 附件 7, §1.3 四川), Guangdong's filing commitment with its fixed fields (§1.2 附件 3) and
Chongqing's public commitment (§1.2 附件 4, §1.3 重庆).

The domain does no I/O: the pre-approval category table (approving bodies and licences, used by
Sichuan's letter) is handed in by the caller (`categories=checker.scanner.categories`).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..enums import PreApprovalCategory, Slot, label
from .model import (
    _SEED,
    BLANK,
    DATE_BLANK,
    _Body,
    _Facts,
    _person_fields,
    _plain,
    _program_fields,
    _quoted,
    _signatures,
    _subject_fields,
)
from .remarks import _non_involvement_remark

#: The fixed fields of Guangdong's 备案承诺书 (seed 004 §1.2 附件 3: 授权书内“北京深极智能科技有限公司”、
#: “广东省”为固定字段，不可修改). The company is the access provider of the seed's platform; another
#: platform passes its own as `access_provider`.
GUANGDONG_ACCESS_PROVIDER = "北京深极智能科技有限公司"
GUANGDONG_PROVINCE = "广东省"

#: Sichuan accepts no letter for these categories: the approval itself is required
#: (seed 004 §1.2 备案小程序信息 5b-ii, rules.toml province.sichuan.finance_approval_required).
SICHUAN_APPROVAL_ONLY: tuple[str, ...] = (PreApprovalCategory.FINANCE.value,)


def _hit_words(f: _Facts, categories: Sequence[str]) -> str:
    words: dict[str, None] = {}
    for code in categories:
        for word in f.keywords.get(code, []):
            words.setdefault(word, None)
    return "、".join(f"“{w}”" for w in words) or BLANK


def _non_involvement_commitment(f: _Facts) -> _Body:
    cats = f.open_categories
    quoted = _quoted(cats) or BLANK
    where = "、".join(f.hit_fields) or "主体名称/经营范围"
    paragraphs = [
        f"{f.bureau}：",
        f"{f.we}{f.subject}（{f.code_label}：{f.code}）在{f.platform}备案{f.kind}《{f.program}》"
        f"（AppID：{f.appid}）。该{f.kind}提供的服务是：{f.service}。",
        f"因{f.we}的{where}中含有{_hit_words(f, cats)}等字样，命中{quoted}前置审批项。经自查，该{f.kind}实际不从事、"
        f"不涉及{quoted}相关内容，不提供依法须经有关主管部门审核同意的{quoted}互联网信息服务。",
        f"{f.we}承诺：如今后开展上述相关业务，将依法取得有关主管部门的审批文件后方可开展，并及时办理备案变更；"
        "如有违规情况，一切后果自行承担。",
    ]
    fields = [("主办单位名称", f.subject), (f.code_label, f.code), *_program_fields(f),
              ("命中的前置审批项", _plain(cats)), ("命中的关键字", _hit_words(f, cats)), ("服务内容", f.service)]
    notes: list[str] = []
    if not cats:
        notes.append("未提供预检报告或未发现命中的前置审批关键字：请填写命中的前置审批项名称")
    if f.letter_only:
        notes.append("本省管局只接受承诺书，不接受在备注中说明")
    elif f.suggested_non_involvement or cats:
        remark = f.suggested_non_involvement or _non_involvement_remark(f.doc, cats)
        notes.append(f"也可不交承诺书，改在【备案小程序信息-备注】中写明（四川、天津除外）：{remark}")
    return paragraphs, fields, _signatures(f), notes


def _category_values(f: _Facts, categories: Sequence[str], attr: str) -> str:
    if f.categories is None or not categories:
        return BLANK
    out: list[str] = []
    for code in categories:
        cat = f.categories.get(code)
        if cat is None:
            out.append(BLANK)
            continue
        value = str(getattr(cat, attr)).strip()
        if value in ("", "/"):
            value = f"无（{cat.note}）" if cat.note else BLANK
        out.append(f"{label(code, PreApprovalCategory)}：{value}" if len(categories) > 1 else value)
    return "；".join(out)


def _approvals_phrase(f: _Facts, categories: Sequence[str]) -> str:
    """"省级文化和旅游部门核发的《网络文化经营许可证》、…" for the categories whose approval still exists."""
    parts: list[str] = []
    for code in categories:
        cat = (f.categories or {}).get(code)
        if cat is None:
            parts.append(f"{BLANK}核发的{BLANK}")
        elif cat.approving_body.strip() not in ("", "/") and cat.licence.strip() not in ("", "/"):
            parts.append(f"{cat.approving_body.strip()}核发的{cat.licence.strip()}")
    return "、".join(parts) or "相关主管部门的审批文件"


def _non_involvement_commitment_sichuan(f: _Facts) -> _Body:
    cats = [c for c in f.open_categories if c not in SICHUAN_APPROVAL_ONLY]
    dropped = [c for c in f.open_categories if c in SICHUAN_APPROVAL_ONLY]
    items = _plain(cats)
    bodies = _category_values(f, cats, "approving_body")
    licences = _category_values(f, cats, "licence")
    paragraphs = [
        "四川省通信管理局：",
        f"关于“{items}”前置审批项，{f.we}{f.subject}（{f.code_label}：{f.code}）备案的{f.kind}《{f.program}》"
        f"（AppID：{f.appid}），主要运营内容为：{f.service}。",
        f"{f.we}郑重承诺：该{f.kind}不涉及“{items}”相关内容，不从事“{items}”相关互联网信息服务，不开展须经“{items}”"
        f"前置审批的业务，无需取得{_approvals_phrase(f, cats)}。如今后需开展相关业务，将依法申请并取得相应审批后"
        "方可开展，并及时办理备案变更。",
        f"以上承诺真实有效，如有违反，{f.we}自愿承担由此产生的一切法律责任。",
    ]
    fields = [
        ("1. 命中的前置审批项名称", items),
        ("2. 备案小程序主办单位名称", f.subject),
        (f"2. 主办单位{f.code_label}", f.code),
        ("2. 小程序名称", f.program),
        ("3. 小程序主要运营内容", f.service),
        ("4、5、6. 命中的前置审批项名称", items),
        ("7. 前置审批涉及的相关部门名称（批复单位）", bodies),
        ("8. 前置审批涉及的相关资质证件名称（前置审批文件名称）", licences),
    ]
    # Items 9-11 are what the signer adds by hand: they are the signature lines, numbered as in the seed.
    signatures = [f"9. 单位公章：{BLANK}", f"10. 法定代表人签名：{BLANK}"] if f.is_org else [f"10. 本人签名：{BLANK}"]
    signatures.append(f"11. 日期：{DATE_BLANK}")
    notes = [
        "四川省通信管理局不涉及前置审批时仅接受本承诺书，不接受备注说明"
        "（004_58a0f6ee9b17c945.txt §1.3 四川 不涉及前置审批承诺书 1）",
        "第 3 项小程序主要运营内容应描述具体且有实际意义；第 7、8 项参考【前置审批说明】中的批复单位和前置审批文件名称",
        "第 9 项加盖单位公章（不接受合同章、项目章等）；第 10 项单位法定代表人签名（需手写正楷签名，接受签名章，"
        "不接受连笔签）；第 11 项填写日期应与提交备案日期一致，或小于 1 个月",
    ]
    if dropped:
        notes.append(f"命中{_quoted(dropped)}的，四川省通信管理局不接受承诺书，必须提交相关前置审批文件"
                     "（004_58a0f6ee9b17c945.txt §1.2 备案小程序信息 5b-ii），故未列入本承诺书")
    if not cats:
        notes.append("未提供预检报告或未发现命中的前置审批关键字："
                     "请手写命中的前置审批项名称（第 1、4、5、6 项）及第 7、8 项")
    elif f.categories is None:
        notes.append("第 7、8 项未能预填（未提供前置审批项目表）：请按【前置审批说明】手写")
    return paragraphs, fields, signatures, notes


def _guangdong_filing_commitment(f: _Facts) -> _Body:
    paragraphs = [
        "广东省通信管理局：",
        f"{f.we}{f.subject}（{f.code_label}：{f.code}）通过{f.access_provider}提供的接入服务，在{GUANGDONG_PROVINCE}"
        f"办理{f.kind}《{f.program}》（AppID：{f.appid}）的互联网信息服务备案，现郑重承诺：",
        "一、所提交的备案信息和材料真实、准确、完整，主办单位负责人和小程序负责人的证件及联系方式均真实有效；",
        "二、遵守《中华人民共和国网络安全法》《中华人民共和国反电信网络诈骗法》《互联网信息服务管理办法》等法律法规，"
        "不利用该小程序制作、复制、发布、传播法律法规禁止的信息；",
        "三、落实网络与信息安全管理责任，建立信息安全管理制度和应急处置机制，保持应急联系电话畅通，"
        "发生安全事件时及时处置并报告；",
        "四、备案信息发生变化时及时办理变更，不再提供服务时及时办理注销；",
        "五、未经有关主管部门审核同意，不从事依法须经前置审批的互联网信息服务。",
        f"如违反上述承诺，{f.we}愿承担相应的法律责任。",
    ]
    fields = [
        ("主办单位名称", f.subject), (f.code_label, f.code),
        *_person_fields("负责人", f.sp), *_program_fields(f),
        ("接入服务单位（固定字段）", f.access_provider), ("备案省份（固定字段）", GUANGDONG_PROVINCE),
    ]
    if f.is_org:
        signatures = [f"负责人签名：{BLANK}", f"主办单位（盖章）：{BLANK}", f"日期（手写）：{DATE_BLANK}"]
    else:
        signatures = [f"负责人签名：{BLANK}", f"日期（手写）：{DATE_BLANK}"]
    notes = [
        f"“{f.access_provider}”、“{GUANGDONG_PROVINCE}”为固定字段，不可修改"
        f"（{_SEED} §1.2 附件 3，§1.3 广东 1-2）",
        "广东地区备案必须按最新模板提交，否则退回：本文件按种子所列要求预填，如平台发布了更新的模板，以最新模板为准",
        "负责人在签名处手写正楷签名或使用签名章，不接受连笔签",
    ]
    return paragraphs, fields, signatures, notes


def _chongqing_public_commitment(f: _Facts) -> _Body:
    paragraphs = [
        "重庆市通信管理局：",
        f"{f.we}{f.subject}（{f.code_label}：{f.code}）作为{f.kind}《{f.program}》（AppID：{f.appid}）的主办者，"
        "在办理移动互联网应用程序备案时，向社会公开承诺如下：",
        "一、遵守《中华人民共和国网络安全法》《中华人民共和国数据安全法》《中华人民共和国个人信息保护法》"
        "《中华人民共和国反电信网络诈骗法》《互联网信息服务管理办法》等法律法规及移动互联网应用程序备案的有关规定；",
        "二、所提交的备案信息真实、准确、完整，信息发生变化时及时办理变更，不再提供服务时及时办理注销；",
        "三、涉及依法须经前置审批的互联网信息服务的，取得有关主管部门审核同意后方开展相关业务；",
        "四、落实网络安全和数据安全保护责任，依法收集、使用个人信息，建立信息内容审核、用户投诉处理和应急处置制度；",
        "五、不利用该应用程序从事电信网络诈骗等违法犯罪活动，发现相关风险及时处置并报告；",
        f"六、自觉接受通信管理部门和社会公众的监督。如违反上述承诺，{f.we}愿承担相应的法律责任。",
    ]
    fields = [*_subject_fields(f), *_program_fields(f)]
    signatures = _signatures(f, signer="法定代表人（签名或签名章）", stamp="主办单位（公章）")
    notes = ["法定代表人签名或签名章，并加盖公司公章（004_58a0f6ee9b17c945.txt §1.3 重庆 2）"]
    if (f.requirement or {}).get("slot") in (None, Slot.FILING_COMMITMENT.value):
        notes.append("种子对上传位置说法不一：§1.2 附件 4 为【备案承诺书】，§1.3 重庆 4 为【主体补充材料】；"
                     "以平台页面提示为准")
    return paragraphs, fields, signatures, notes
