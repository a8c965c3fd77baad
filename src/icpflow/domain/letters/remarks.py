"""The remark (备注) texts: the pre-approval non-involvement statement (the very text the report suggests),
Tianjin's emergency-phone lines and the service-content remark.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..contacts import normalize_phone
from ..document import FullFiling, Person
from ..enums import ProgramType
from ..report import Report
from .model import _SEED, BLANK, UnknownLetterTemplate, _quoted, _service_text
from .report_reading import _as_dict, _open_hits, _suggested


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
