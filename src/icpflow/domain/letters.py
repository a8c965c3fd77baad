"""Prefilled letters (备案函件) for every material the pre-check can ask for, and the remark texts.

The pre-check report names, in `requirements[].template`, the letter a case needs (rules.toml: the
`template = "…"` and `templates = {…}` params, and the defaults of the evaluators in `rules/people.py`
and `rules/program.py`). `compose` turns a template name and a filing into a `Letter`: a title, body
paragraphs, a two-column table of fields, the lines to sign, stamp and date, and the seed's notes. The
renderers in `icpflow.adapters.letters` print it to DOCX and PDF.

What the filing knows is filled in: the subject's name and credit code, the legal representative, the
principals with their full ID numbers (the letter is signed by that person, so nothing is masked here;
never log a `Letter`'s content — its `repr` shows only the title and counts). What it cannot know is left
blank (`BLANK`): the handwritten signature, the stamp, and the date, which the seeds require to be
written by hand within one month before submission and never after it (seed 004 §1.2 主办单位负责人信息 1,
附件 3, §1.3 陕西/重庆/四川). Each `LetterSpec` cites the seed section the letter comes from.

Besides the eleven templates of the rule catalogue, three documents the WeChat seed says the platform
provides for the filer to confirm (seed 001 §二(三)1) are composed here: 互联网信息服务承诺书,
反诈自评估报告, 小程序备案真实性核验单.

`remark_text` gives the remark (备注) texts: the pre-approval non-involvement statement (the very text the
report suggests), Tianjin's emergency-phone lines and the service-content remark.

The domain does no I/O: the pre-approval category table (approving bodies and licences, used by
Sichuan's letter) is handed in by the caller (`categories=checker.scanner.categories`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .contacts import normalize_phone
from .document import FullFiling, Person, program_principal
from .enums import (
    AttachmentKind,
    OrgCertificateType,
    PersonIdType,
    PreApprovalCategory,
    ProgramType,
    Slot,
    SubjectNature,
    label,
)
from .errors import DomainError
from .policy import add_months
from .report import Report

if TYPE_CHECKING:
    from .preapproval import Category

#: What the signer writes by hand (or stamps): never prefilled.
BLANK = "＿＿＿＿"
#: The handwritten date.
DATE_BLANK = "＿＿＿＿年＿＿月＿＿日"
#: The renderers put the notes on a page of their own under this heading: they guide the signer and are
#: not part of the letter the bureau receives.
NOTES_HEADING = "填写说明（本页供填写参考，无需打印和提交）"

#: The fixed fields of Guangdong's 备案承诺书 (seed 004 §1.2 附件 3: 授权书内“北京深极智能科技有限公司”、
#: “广东省”为固定字段，不可修改). The company is the access provider of the seed's platform; another
#: platform passes its own as `access_provider`.
GUANGDONG_ACCESS_PROVIDER = "北京深极智能科技有限公司"
GUANGDONG_PROVINCE = "广东省"

#: Sichuan accepts no letter for these categories: the approval itself is required
#: (seed 004 §1.2 备案小程序信息 5b-ii, rules.toml province.sichuan.finance_approval_required).
SICHUAN_APPROVAL_ONLY: tuple[str, ...] = (PreApprovalCategory.FINANCE.value,)

_SIGNATURE_NOTE = "法定代表人需手写正楷签名或签名章，不接受连笔签"
_HIT_FIELDS = {
    "subject.name": "主体名称",
    "subject.certificate.business_scope": "经营范围",
    "program.name": "小程序名称",
    "program.description": "小程序描述",
}


# --------------------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, repr=False)
class Letter:
    """A letter ready to print: the renderers lay it out, nothing here knows about pages or fonts."""

    title: str
    paragraphs: list[str]
    fields: list[tuple[str, str]]
    signature_lines: list[str]
    notes: list[str]
    template: str = ""
    source: str = ""
    #: the field table goes before `paragraphs[fields_at]`; None: after the whole body
    fields_at: int | None = None

    def __repr__(self) -> str:  # the content holds full ID numbers: keep it out of logs and tracebacks
        return (f"Letter(template={self.template!r}, title={self.title!r}, paragraphs={len(self.paragraphs)}, "
                f"fields={len(self.fields)})")

    def blocks(self) -> list[str | list[tuple[str, str]]]:
        """The body in print order: paragraphs, with the field table (a list of pairs) in its place."""
        out: list[str | list[tuple[str, str]]] = list(self.paragraphs)
        if self.fields:
            at = len(out) if self.fields_at is None else max(0, min(self.fields_at, len(out)))
            out.insert(at, list(self.fields))
        return out

    def text(self) -> str:
        """The whole letter as plain text, in reading order (title, body, fields, signatures, notes)."""
        lines = [self.title]
        for block in self.blocks():
            lines += [block] if isinstance(block, str) else [f"{name}：{value}" for name, value in block]
        lines += self.signature_lines
        lines += self.notes
        return "\n".join(lines)


class UnknownLetterTemplate(DomainError, KeyError):
    """No letter has this template name; the message lists, in Chinese, the letters that exist."""

    code = "unknown_letter_template"

    def __init__(self, template: str, available: Mapping[str, str], what: str = "信函模板") -> None:
        listing = "、".join(f"{title}（{name}）" for name, title in available.items())
        super().__init__(f"没有名为“{template}”的{what}，现有：{listing}", template=template,
                         available=list(available))

    def __str__(self) -> str:  # KeyError would print the repr of the message
        return self.message


@dataclass(frozen=True, slots=True)
class _Facts:
    """What a letter may say about the filing, gathered once."""

    doc: FullFiling
    platform_name: str
    access_provider: str
    submit_on: dt.date
    earliest: dt.date
    months: int
    province: str
    bureau: str
    requirement: dict[str, Any] | None
    letter_only: bool
    open_categories: list[str]
    keywords: dict[str, list[str]]
    hit_fields: list[str]
    categories: Mapping[str, Category] | None
    suggested_non_involvement: str | None

    # ----- derived -------------------------------------------------------------------------------
    @property
    def is_org(self) -> bool:
        return self.doc.subject.nature is not SubjectNature.INDIVIDUAL

    @property
    def we(self) -> str:
        return "我单位" if self.is_org else "本人"

    @property
    def subject(self) -> str:
        return _v(self.doc.subject.name)

    @property
    def platform(self) -> str:
        """The platform as the body names it: "抖音开放平台", "微信" -> "微信平台" (never "平台平台")."""
        name = self.platform_name
        return name if name.endswith("平台") or name == BLANK else f"{name}平台"

    @property
    def code_label(self) -> str:
        cert = self.doc.subject.certificate.type
        if isinstance(cert, PersonIdType):
            return f"{label(cert)}号码"
        if cert in (OrgCertificateType.FOREIGN_ENTERPRISE_REPRESENTATIVE,
                    OrgCertificateType.FOREIGN_CULTURAL_CENTER_CERTIFICATE):
            return f"{label(cert)}号码"
        return "统一社会信用代码"

    @property
    def code(self) -> str:
        return _v(self.doc.subject.certificate.number)

    @property
    def kind(self) -> str:
        return label(self.doc.program.type)

    @property
    def program(self) -> str:
        return _v(self.doc.program.name)

    @property
    def appid(self) -> str:
        return _v(self.doc.program.appid)

    @property
    def sp(self) -> Person:
        return self.doc.subject.principal

    @property
    def pp(self) -> Person:
        return program_principal(self.doc.program, self.doc.subject)

    @property
    def service(self) -> str:
        return _service_text(self.doc)

    def legal_rep(self) -> tuple[str, str, str]:
        """(name, ID type, ID number) of the legal representative, blanks where the filing does not say."""
        rep = self.doc.subject.legal_representative
        if rep is not None and rep.name.strip():
            return rep.name.strip(), label(rep.id_type), _v(rep.id_number)
        if self.sp.is_legal_representative:
            return self.sp.name, label(self.sp.id_type), _v(self.sp.id_number)
        return BLANK, BLANK, BLANK

    def slot_label(self, default: Slot | None) -> str | None:
        slot = (self.requirement or {}).get("slot") or (default.value if default is not None else None)
        return label(str(slot), Slot) if slot else None


_Body = tuple[list[str], list[tuple[str, str]], list[str], list[str]]


@dataclass(frozen=True, slots=True)
class LetterSpec:
    """One letter: its title, what it becomes on upload, who signs it, and where the seeds ask for it.

    `rules` are the catalogue rules whose requirement names this template (empty for the documents the
    platform provides); `slot` is the default upload slot (the report's requirement, when given, wins);
    `province` is set for a province's own template.
    """

    template: str
    title: str
    source: str
    signer: str
    build: Callable[[_Facts], _Body] = field(repr=False)
    kind: AttachmentKind | None = None
    slot: Slot | None = None
    rules: tuple[str, ...] = ()
    province: str | None = None
    notes: tuple[str, ...] = ()
    #: signed and dated by hand within the window (seed 004 §1.2 附件 3); adds the date-window note
    dated: bool = True
    #: where the field table goes (`Letter.fields_at`)
    fields_at: int | None = None


# --------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------


def is_addressee(paragraph: str) -> bool:
    """A salutation line such as "四川省通信管理局：" (printed without the first-line indent)."""
    return paragraph.endswith("：") and len(paragraph) <= 20 and "，" not in paragraph


def is_heading(paragraph: str) -> bool:
    """A section heading such as "一、公司主营业务介绍" (kept with what follows, not indented)."""
    return len(paragraph) <= 20 and paragraph[:1] in "一二三四五六七八九十" and "、" in paragraph[:3]


def _v(value: str | None) -> str:
    text = (value or "").strip()
    return text or BLANK


def _cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _service_text(doc: FullFiling) -> str:
    """The same words the pre-check uses (rules/program.py `_service_text`)."""
    text = doc.program.description.strip().rstrip("。.；;，,")
    return text or f"《{doc.program.name}》相关服务"


def _quoted(categories: Sequence[str]) -> str:
    return "、".join(f"“{label(c, PreApprovalCategory)}”" for c in categories)


def _plain(categories: Sequence[str]) -> str:
    return "、".join(label(c, PreApprovalCategory) for c in categories) or BLANK


def _person_fields(role: str, person: Person) -> list[tuple[str, str]]:
    return [
        (f"{role}姓名", _v(person.name)),
        (f"{role}证件", f"{label(person.id_type)}：{_v(person.id_number)}"),
        (f"{role}手机号码", _v(person.mobile)),
    ]


def _subject_fields(f: _Facts) -> list[tuple[str, str]]:
    out = [("主办单位名称", f.subject), (f.code_label, f.code)]
    if f.is_org:
        name, id_type, number = f.legal_rep()
        out += [("法定代表人", name), ("法定代表人证件", number if number == BLANK else f"{id_type}：{number}")]
    return out


def _program_fields(f: _Facts) -> list[tuple[str, str]]:
    return [(f"{f.kind}名称", f.program), ("AppID", f.appid)]


def _signatures(f: _Facts, *, signer: str = "法定代表人（签字）", stamp: str = "主办单位（盖章）",
                extra: Sequence[str] = ()) -> list[str]:
    """Signature, stamp and date lines; an individual signs as 本人 and has no stamp."""
    lines = [f"{signer}：{BLANK}", *extra, f"{stamp}：{BLANK}"] if f.is_org else [f"本人（签字）：{BLANK}", *extra]
    return [*lines, f"日期：{DATE_BLANK}"]


# --------------------------------------------------------------------------------------------------
# The letters
# --------------------------------------------------------------------------------------------------


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


def _internet_information_service_commitment(f: _Facts) -> _Body:
    paragraphs = [
        f"{f.we}{f.subject}（{f.code_label}：{f.code}）就在{f.platform}开办的{f.kind}《{f.program}》"
        f"（AppID：{f.appid}）提供互联网信息服务，郑重承诺：",
        "一、遵守《中华人民共和国网络安全法》《互联网信息服务管理办法》等法律法规，不制作、复制、发布、传播含有下列内容的信息："
        "反对宪法所确定的基本原则的；危害国家安全，泄露国家秘密，颠覆国家政权，破坏国家统一的；损害国家荣誉和利益的；"
        "煽动民族仇恨、民族歧视，破坏民族团结的；破坏国家宗教政策，宣扬邪教和封建迷信的；散布谣言，扰乱社会秩序，"
        "破坏社会稳定的；散布淫秽、色情、赌博、暴力、凶杀、恐怖或者教唆犯罪的；侮辱或者诽谤他人，侵害他人合法权益的；"
        "含有法律、行政法规禁止的其他内容的。",
        "二、所填报的备案信息真实、准确、完整，发生变化时及时办理变更；",
        "三、从事依法须经有关主管部门审核同意的互联网信息服务的，取得审核同意后方开展；",
        "四、建立健全信息安全管理制度，发现法律法规禁止的信息立即停止传输，保存有关记录，并向国家有关机关报告；",
        "五、按照法律法规的要求留存有关记录，在国家有关机关依法查询时予以提供。",
        f"如违反上述承诺，{f.we}愿承担相应的法律责任。",
    ]
    fields = [*_subject_fields(f), *_program_fields(f), ("服务平台", f.platform_name)]
    notes = ["本承诺书由平台提供，开发者确认（001_edd01ed65df7a799.txt §二(三)1 小程序备案材料）"]
    return paragraphs, fields, _signatures(f), notes


def _anti_fraud_self_assessment(f: _Facts) -> _Body:
    types = "、".join(f.doc.program.service_content_types) or BLANK
    yes_no = "□是　□否"
    paragraphs = [
        "一、基本情况",
        f"{f.kind}《{f.program}》（AppID：{f.appid}）由{f.subject}主办，在{f.platform}提供服务。"
        f"提供的服务是：{f.service}。服务内容类型：{types}。",
        "二、涉诈风险自查",
        f"1. 是否提供支付、转账、充值、提现等资金类功能：{yes_no}",
        f"2. 是否提供借贷、理财、投资、虚拟货币等金融类功能：{yes_no}",
        f"3. 是否提供即时通信、社交、交友、直播等互动功能：{yes_no}",
        f"4. 是否提供兼职招聘、刷单返利、账号或虚拟物品交易等功能：{yes_no}",
        f"5. 是否收集身份证件、银行卡等敏感个人信息：{yes_no}",
        f"6. 是否向第三方跳转、导流或引导下载其他应用：{yes_no}",
        "三、风险防范措施",
        "用户真实身份信息登记：□已落实　□不涉及；涉诈信息监测与内容审核：□已落实　□不涉及；"
        "用户举报受理与处置：□已落实　□不涉及；涉诈风险提示：□已落实　□不涉及。",
        f"具体措施：{BLANK}",
        "四、自评估结论",
        f"经自评估，该{f.kind}的涉诈风险等级为：□低　□中　□高。{f.we}将依照《中华人民共和国反电信网络诈骗法》"
        "落实风险防控责任，发现涉诈异常情况及时处置并向有关部门报告。",
    ]
    fields = [*_subject_fields(f), *_program_fields(f),
              ("主办单位负责人", _v(f.sp.name)), ("联系电话", _v(f.sp.mobile))]
    signatures = _signatures(f, signer="主办单位负责人（签字）", stamp="评估单位（盖章）")
    notes = [
        "本报告由平台提供，开发者确认（001_edd01ed65df7a799.txt §二(三)1 小程序备案材料）",
        "依据《中华人民共和国反电信网络诈骗法》（004_58a0f6ee9b17c945.txt §一 背景介绍）；请按实际情况勾选并补充＿＿处",
    ]
    return paragraphs, fields, signatures, notes


def _authenticity_verification_sheet(f: _Facts) -> _Body:
    sp, pp = f.sp, f.pp
    cert = f.doc.subject.certificate
    paragraphs = [
        f"根据工业和信息化部移动互联网应用程序备案的要求，{f.platform_name}对以下备案信息进行真实性核验。",
        "主办单位负责人承诺：以上信息真实、准确、完整，所提交的证件为原件拍照或彩色扫描件；"
        "本人知悉并同意平台将上述备案信息报送通信管理局审核。",
    ]
    fields = [
        ("主办单位名称", f.subject), ("主办单位性质", label(f.doc.subject.nature)),
        ("主办单位证件类型", label(cert.type)), ("主办单位证件号码", f.code),
        *_person_fields("主办单位负责人", sp),
        *_program_fields(f),
        *_person_fields("小程序负责人", pp),
        ("人脸核身", "已完成" if pp.face_verified else "未完成"),
        ("接入服务平台", f.platform_name),
        ("核验方式", "平台在线核验（人脸核身）"),
    ]
    signatures = [f"主办单位负责人（签字）：{BLANK}", f"核验人（平台）：{BLANK}", f"核验日期：{DATE_BLANK}"]
    notes = ["本核验单由平台提供（001_edd01ed65df7a799.txt §二(三)1 小程序备案材料）：请核对信息无误后签字"]
    return paragraphs, fields, signatures, notes


_SEED = "004_58a0f6ee9b17c945.txt"
_WECHAT = "001_edd01ed65df7a799.txt"

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


# --------------------------------------------------------------------------------------------------
# Reading the report
# --------------------------------------------------------------------------------------------------


def _as_dict(report: Mapping[str, Any] | Report | None) -> dict[str, Any]:
    if report is None:
        return {}
    if isinstance(report, Report):
        return report.to_dict()
    return dict(report)


def _open_hits(doc: FullFiling, report: Mapping[str, Any]) -> tuple[list[str], dict[str, list[str]], list[str]]:
    """Categories hit outside exclusion clauses and not declared, in first-hit order; their keywords; where."""
    declared = {p.category.value for p in doc.program.pre_approvals}
    categories: dict[str, None] = {}
    keywords: dict[str, list[str]] = {}
    where: dict[str, None] = {}
    for hit in report.get("pre_approval_hits", []) or []:
        category = str(hit.get("category", ""))
        if hit.get("excluded") or not category or category in declared:
            continue
        categories.setdefault(category, None)
        words = keywords.setdefault(category, [])
        if hit.get("keyword") and hit["keyword"] not in words:
            words.append(str(hit["keyword"]))
        where.setdefault(_HIT_FIELDS.get(str(hit.get("field", "")), str(hit.get("field", ""))), None)
    return list(categories), keywords, [w for w in where if w]


def _suggested(report: Mapping[str, Any], rule: str) -> list[str]:
    return [str(s["text"]) for s in report.get("suggested_remarks", []) or [] if s.get("rule") == rule]


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


# --------------------------------------------------------------------------------------------------
# Remarks (备注)
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RemarkSpec:
    """A remark text: where it is pasted, the rule that asks for it, and its template (as in rules.toml)."""

    kind: str
    title: str
    field: str
    rule: str
    template: str
    source: str


_REMARKS: dict[str, RemarkSpec] = {
    r.kind: r
    for r in (
        RemarkSpec(
            "non_involvement", "不涉及前置审批的备注说明", "program.remark", "nationwide.pre_approval_non_involvement",
            "该小程序提供的服务是：{service}，承诺不涉及{categories}相关前置审批项内容，如果有违规情况，一切后果自行承担。",
            f"{_SEED} §1.2 备案小程序信息 5a (备注说明示例)"),
        RemarkSpec(
            "tianjin_emergency_phone", "天津应急电话备注", "program.remark", "province.tianjin.emergency_phone_remark",
            "应急联系电话手机号{phone}使用人为{company}公司员工{name}",
            f"{_SEED} §1.3 天津 备注 1 (备注位置「备案小程序信息-前置审批备注」；2 个应急联系电话需分别备注 2 条)"),
        RemarkSpec(
            "service_content", "小程序服务内容备注", "program.remark", "province.service_content_remark",
            "该{kind}是《{name}》，{service}。",
            f"{_SEED} §1.3 河南/福建/广东/河北 小程序服务内容备注 1-4"),
    )
}
REMARKS: Mapping[str, RemarkSpec] = _REMARKS


def _non_involvement_remark(doc: FullFiling, categories: Sequence[str]) -> str:
    quoted = _quoted(categories) or BLANK
    return _REMARKS["non_involvement"].template.format(service=_service_text(doc), categories=quoted)


def _tianjin_lines(doc: FullFiling) -> list[str]:
    """One line per distinct emergency phone (subject principal, then a written-out program principal)."""
    people = [doc.subject.principal]
    if isinstance(doc.program.principal, Person):
        people.append(doc.program.principal)
    company = doc.subject.name.strip()
    company = company[:-2] if company.endswith("公司") else company
    seen: set[str] = set()
    lines: list[str] = []
    for person in people:
        phone = person.emergency_phone.strip()
        if not phone or normalize_phone(phone) in seen:
            continue
        seen.add(normalize_phone(phone))
        lines.append(_REMARKS["tianjin_emergency_phone"].template.format(
            phone=phone, company=company, name=person.emergency_contact_name.strip() or "（使用人姓名）"))
    return lines


def remark_text(kind: str, document: FullFiling, report: Mapping[str, Any] | Report | None = None) -> str:
    """The text to paste into a remark field (`REMARKS[kind].field`).

    * `non_involvement`: the pre-approval non-involvement statement — the report's suggestion when it makes
      one, else built the same way from the report's keyword hits (categories left blank without a report);
    * `tianjin_emergency_phone`: one line per emergency phone, joined by newlines (the whole remark);
    * `service_content`: what the mini-program does (Henan, Fujian, Guangdong, Hebei), the report's
      suggestion when it makes one.
    """
    if kind not in _REMARKS:
        raise UnknownLetterTemplate(kind, {k: r.title for k, r in _REMARKS.items()}, what="备注")
    data = _as_dict(report)
    remark = _REMARKS[kind]
    if kind == "tianjin_emergency_phone":
        return "\n".join(_tianjin_lines(document))
    suggested = _suggested(data, remark.rule)
    if suggested:
        return suggested[0]
    if kind == "non_involvement":
        return _non_involvement_remark(document, _open_hits(document, data)[0])
    program_kind = "游戏" if document.program.type is ProgramType.MINI_GAME else "小程序"
    return remark.template.format(kind=program_kind, name=document.program.name, service=_service_text(document))
