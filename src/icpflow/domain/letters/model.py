"""The values every letter shares: `Letter` (what the renderers print), `LetterSpec` (one letter of the
catalogue), `UnknownLetterTemplate`, the facts a letter may state about a filing (`_Facts`), and the small
wording helpers the letter bodies use.

What the filing knows is filled in: the subject's name and credit code, the legal representative, the
principals with their full ID numbers (the letter is signed by that person, so nothing is masked here;
never log a `Letter`'s content — its `repr` shows only the title and counts). What it cannot know is left
blank (`BLANK`): the handwritten signature, the stamp, and the date, which the seeds require to be
written by hand within one month before submission and never after it (seed 004 §1.2 主办单位负责人信息 1,
附件 3, §1.3 陕西/重庆/四川). Each `LetterSpec` cites the seed section the letter comes from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..document import FullFiling, Person, program_principal
from ..enums import (
    AttachmentKind,
    OrgCertificateType,
    PersonIdType,
    PreApprovalCategory,
    Slot,
    SubjectNature,
    label,
)
from ..errors import DomainError

if TYPE_CHECKING:
    from ..preapproval import Category

#: What the signer writes by hand (or stamps): never prefilled.
BLANK = "＿＿＿＿"
#: The handwritten date.
DATE_BLANK = "＿＿＿＿年＿＿月＿＿日"
#: The renderers put the notes on a page of their own under this heading: they guide the signer and are
#: not part of the letter the bureau receives.
NOTES_HEADING = "填写说明（本页供填写参考，无需打印和提交）"

#: The seeds the letters cite (`LetterSpec.source`, notes).
_SEED = "004_58a0f6ee9b17c945.txt"
_WECHAT = "001_edd01ed65df7a799.txt"

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
