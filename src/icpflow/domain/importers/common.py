"""What the WeChat and Douyin importers share: the results (`ImportResult`, `Unmapped`), the run-time
`PlatformDictionaries`, matching dictionary names to our codes, and `_Importer`, the state of one import
(attachments collected, unmapped values, warnings) with the readers of values both bodies use.

The platform code tables live with their importer (`wechat`, `douyin`); the package docstring says why they
hold only documented ids. Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final, TypeVar, cast

from ..credit_code import uscc_authority, uscc_institution_type
from ..document import SCHEMA_VERSION
from ..enums import (
    SIGNED_LETTER_KINDS,
    AttachmentKind,
    FilingKind,
    OrgCertificateType,
    PersonIdType,
    PreApprovalCategory,
    Slot,
    SubjectNature,
    label,
)

__all__ = ["CertificateType", "ImportResult", "PlatformDictionaries", "Unmapped"]

CertificateType = OrgCertificateType | PersonIdType

# -- name matching (see docs/importers.md for the sources) -----------------------------------------------

#: Dictionary names that are not our labels but mean one of our codes (platform spellings).
_NAME_ALIASES: Final[Mapping[str, StrEnum]] = {
    "营业执照（个人或企业）": OrgCertificateType.BUSINESS_LICENSE,
    "营业执照": OrgCertificateType.BUSINESS_LICENSE,
    "港澳居民来往内陆通行证": PersonIdType.HK_MACAO_TRAVEL_PERMIT,
    "身份证": PersonIdType.RESIDENT_ID,
    "校外培训": PreApprovalCategory.TUTORING,
    "网络预约车": PreApprovalCategory.RIDE_HAILING,
}

#: Dictionary names of documents that exist on the platforms but have no counterpart in our vocabulary.
_NAMES_WITHOUT_COUNTERPART: Final[frozenset[str]] = frozenset(
    {"组织机构代码证", "部队代号", "电子公告服务", "社会服务机构登记证书", "民办学校办学许可证", "境外机构证件"}
)

_NONE_OF_THE_ABOVE: Final = "以上都不涉及"


# -- results ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Unmapped:
    """A source value with no place in the filing document: where it was, what it was, why (Chinese)."""

    path: str
    value: Any
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "value": self.value, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class ImportResult:
    """The imported document (a dict in schema version 1, not yet validated), what could not be mapped,
    and the defaults and inferences to confirm."""

    document: dict[str, Any]
    unmapped: list[Unmapped]
    warnings: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "unmapped": [u.to_dict() for u in self.unmapped],
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True, slots=True)
class PlatformDictionaries:
    """The platform's own dictionaries as fetched at run time (id → Chinese name), all optional.

    WeChat: `query_icp_subject_types`, `query_icp_certificate_types`, `query_icp_nrlx_types`,
    `query_icp_service_content_types`. Douyin: `query_corp_type_list` (corp and credential types),
    `query_incharge_people_credentials_type_list`, `query_pre_approval_item_type_list`,
    `query_service_content_type_list`; `languages` for `app_language`. An id found here is mapped by its
    name (our Chinese labels, e.g. 民办非企业单位 → private_non_enterprise) before the built-in tables;
    service-content names are used as given (e.g. "生活服务-生活缴费").
    """

    subject_types: Mapping[int, str] = field(default_factory=dict)
    certificate_types: Mapping[int, str] = field(default_factory=dict)
    pre_approval_types: Mapping[int, str] = field(default_factory=dict)
    service_content_types: Mapping[int, str] = field(default_factory=dict)
    languages: Mapping[int, str] = field(default_factory=dict)


# -- helpers ---------------------------------------------------------------------------------------------

E = TypeVar("E", bound=StrEnum)


def _normalize_name(name: str) -> str:
    return re.sub(r"\s+", "", name).replace("（", "(").replace("）", ")")


def _by_label(enum: type[E]) -> dict[str, E]:
    table = {_normalize_name(label(member)): member for member in enum}
    for alias, member in _NAME_ALIASES.items():
        if isinstance(member, enum):
            table[_normalize_name(alias)] = member
    return table


_NATURE_BY_NAME: Final = _by_label(SubjectNature)
_CERTIFICATE_BY_NAME: Final[dict[str, CertificateType]] = {**_by_label(OrgCertificateType), **_by_label(PersonIdType)}
_CATEGORY_BY_NAME: Final = _by_label(PreApprovalCategory)
_UNMATCHED = {_normalize_name(n) for n in _NAMES_WITHOUT_COUNTERPART}


def _join(path: str, key: object) -> str:
    return f"{path}.{key}" if path else str(key)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _int_text(value: object) -> str | None:
    """An integer's decimal text; None for a non-integer or one too long to print."""
    if not _is_int(value):
        return None
    try:
        return str(value)
    except ValueError:  # more digits than sys.get_int_max_str_digits()
        return None


def _name_of(live: Mapping[int, str], code: int) -> str | None:
    """The name of `code` in a run-time dictionary (whose keys may be strings when decoded from JSON)."""
    name = live.get(code)
    if name is None:
        name = cast(Mapping[Any, Any], live).get(str(code))
    return name if isinstance(name, str) else None


def _compact(value: Any) -> Any:
    """The source value as reported in `unmapped`: as is, except very long text (cut at 200 characters)."""
    if isinstance(value, str) and len(value) > 200:
        return value[:199] + "…"
    return value


class _Importer:
    """State of one import: the attachments collected so far, unmapped values and warnings."""

    def __init__(self, platform: str, dictionaries: PlatformDictionaries | None) -> None:
        self.platform = platform
        self.dicts = dictionaries or PlatformDictionaries()
        self.unmapped: list[Unmapped] = []
        self.warnings: list[str] = []
        self.attachments: list[dict[str, Any]] = []

    # reporting

    def miss(self, path: str, value: Any, reason: str) -> None:
        self.unmapped.append(Unmapped(path, _compact(value), reason))

    def warn(self, text: str) -> None:
        if text not in self.warnings:
            self.warnings.append(text)

    def result(self, document: dict[str, Any]) -> ImportResult:
        if any(a["kind"] in SIGNED_LETTER_KINDS for a in self.attachments):
            self.warn("attachments[].signed_on：平台请求体不含授权书、承诺书的签署日期，请补填（多数管局要求提交前一个月内签署）")
        return ImportResult(document, self.unmapped, self.warnings)

    # structure

    def obj(self, value: Any, path: str, known: Iterable[str], *, extra: Mapping[str, str] | None = None
            ) -> Mapping[str, Any] | None:
        """`value` as an object (None when absent); reports a non-object and every key not in `known`.

        `extra` names keys that are understood but deliberately not imported, with the reason."""
        if value is None:
            return None
        if not isinstance(value, Mapping):
            self.miss(path, value, "应为 JSON 对象，已忽略")
            return None
        allowed = set(known)
        for key, item in value.items():
            if extra is not None and key in extra:
                if item not in (None, "", [], {}):
                    self.miss(_join(path, key), item, extra[key])
            elif key not in allowed:
                self.miss(_join(path, key), item, "未知字段，不在该平台请求体的字段表中，未导入")
        return value

    def seq(self, value: Any, path: str) -> list[Any]:
        if value is None:
            return []
        if isinstance(value, list | tuple):
            return list(value)
        self.miss(path, value, "应为数组，已忽略")
        return []

    def text(self, obj: Mapping[str, Any] | None, key: str, path: str) -> str | None:
        if obj is None:
            return None
        value = obj.get(key)
        if value is None or isinstance(value, str):
            return value
        number = _int_text(value)  # a phone or number sent as a JSON number
        if number is not None:
            return number
        self.miss(_join(path, key), value, "应为字符串，已忽略")
        return None

    def integer(self, obj: Mapping[str, Any] | None, key: str, path: str) -> int | None:
        if obj is None:
            return None
        return self.as_int(obj.get(key), _join(path, key))

    def as_int(self, value: Any, path: str) -> int | None:
        if value is None:
            return None
        if _is_int(value):
            return int(value)
        if isinstance(value, str) and value.strip().isdecimal() and value.strip().isascii():
            return int(value.strip())
        self.miss(path, value, "应为整数编号，已忽略")
        return None

    def boolean(self, obj: Mapping[str, Any] | None, key: str, path: str) -> bool | None:
        if obj is None:
            return None
        value = obj.get(key)
        if value is None or isinstance(value, bool):
            return value
        if _is_int(value) and value in (0, 1):
            return bool(value)
        self.miss(_join(path, key), value, "应为 true 或 false，已忽略")
        return None

    # values

    def region(self, obj: Mapping[str, Any] | None, key: str, path: str) -> str | None:
        """A province/city/district code (string or number) as a six-digit GB/T 2260 string."""
        if obj is None or obj.get(key) is None:
            return None
        value = obj[key]
        where = _join(path, key)
        text = value.strip() if isinstance(value, str) else _int_text(value)
        if text is not None and text.isascii() and text.isdecimal():
            if len(text) == 6 and not text.startswith("0"):
                return text
            if len(text) in (9, 12) and text[6:] == "0" * (len(text) - 6) and not text.startswith("0"):
                self.warn(f"{where}：{len(text)} 位统计区划代码“{text}”已截为 6 位“{text[:6]}”")
                return text[:6]
        self.miss(where, value, "应为 6 位数字的行政区划代码（GB/T 2260），例如 330106")
        return None

    # dictionaries

    def resolve(
        self,
        code: int | None,
        where: str,
        *,
        what: str,
        live: Mapping[int, str],
        builtin: Mapping[int, E | None],
        by_name: Mapping[str, E],
        no_counterpart: Mapping[int, str],
    ) -> tuple[bool, E | None]:
        """(found, code) for a platform id: the live dictionary's name first, then the built-in table.
        (True, None) is a documented "none" sentinel; (False, None) was reported in `unmapped`."""
        if code is None:
            return False, None
        name = _name_of(live, code)
        if name is not None:
            key = _normalize_name(name)
            if key == _normalize_name(_NONE_OF_THE_ABOVE):
                return True, None
            if key in by_name:
                return True, by_name[key]
            reason = (f"{what}“{name}”在备案文档中没有对应项" if key in _UNMATCHED
                      else f"{what}“{name}”无法对应到备案文档的取值")
            self.miss(where, code, reason)
            return False, None
        if code in builtin:
            return True, builtin[code]
        if code in no_counterpart:
            self.miss(where, code, f"{what}“{no_counterpart[code]}”在备案文档中没有对应项")
            return False, None
        self.miss(where, code, f"{what}编号 {code} 不在{self.platform}已公开的代码表中（平台字典需运行时查询），"
                               "请传入 PlatformDictionaries 或人工选择")
        return False, None

    def service_contents(self, items: list[Any], path: str) -> list[str]:
        out: list[str] = []
        by_number = False
        for i, item in enumerate(items):
            code = self.as_int(item, f"{path}[{i}]")
            if code is None:
                continue
            name = _name_of(self.dicts.service_content_types, code)
            if name is not None and name.strip():
                out.append(name.strip())
            else:
                out.append(str(code))
                by_number = True
        if by_number:
            self.warn(f"program.service_content_types：{path} 只有编号，离线无法得知名称，已按编号字符串保留；"
                      "可用平台的服务内容类型字典（PlatformDictionaries.service_content_types）换成名称")
        return out

    # attachments

    def attach(self, media: str, slot: Slot, kind: AttachmentKind) -> str:
        att_id = f"att-{len(self.attachments) + 1}"
        self.attachments.append({"id": att_id, "slot": slot.value, "kind": kind.value, "file": media})
        return att_id


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    """Set a field only when the source had it, so that parsing names what is missing."""
    if value is not None:
        target[key] = value


def _commitment_kind(province: str | None) -> AttachmentKind:
    """The filing commitment letter our vocabulary knows by province (seed 004 §1.3)."""
    return {
        "440000": AttachmentKind.GUANGDONG_FILING_COMMITMENT,
        "500000": AttachmentKind.CHONGQING_PUBLIC_COMMITMENT,
    }.get(province or "", AttachmentKind.OTHER)


def _refine_nature(imp: _Importer, nature: SubjectNature | None, certificate: dict[str, Any], name: str | None,
                   where: str) -> SubjectNature | None:
    """Platforms file an individual business (个体工商户) under 企业: its credit code (92…) or name tells."""
    if nature is not SubjectNature.ENTERPRISE:
        return nature
    number = certificate.get("number")
    by_code = isinstance(number, str) and uscc_authority(number) == "9" and uscc_institution_type(number) == "2"
    by_name = isinstance(name, str) and "个体工商户" in name
    if by_code or by_name:
        why = "统一社会信用代码以 92 开头" if by_code else "名称含“个体工商户”"
        imp.warn(f"subject.nature：{where} 为“企业”，但{why}，按个体工商户（individual_business）导入，请核对")
        return SubjectNature.INDIVIDUAL_BUSINESS
    return nature


def _defaults(imp: _Importer, program: dict[str, Any]) -> None:
    imp.warn("kind：平台请求体是新增备案申请，默认为 new（变更备案请改为 change）")
    imp.warn("program.type：平台请求体不区分小程序与小游戏，默认为 mini_program（小游戏请改为 mini_game 并填写 game）")
    imp.warn("program.listed、program.count_under_subject：平台请求体不含，默认为未上线（false）、本主体第 1 个小程序")
    program.setdefault("listed", False)
    program.setdefault("count_under_subject", 1)


def _description_from_remark(imp: _Importer, program: dict[str, Any], where: str) -> None:
    remark = program.get("remark")
    if isinstance(remark, str) and remark.strip():
        program["description"] = remark
        imp.warn(f"program.description：平台没有单独的服务内容描述，已复制 {where}（备注），请核对")
    else:
        program["description"] = ""
        imp.warn("program.description：平台请求体不含服务内容描述，已留空，请补写（20–200 字）")


def _skeleton(program: dict[str, Any], subject: dict[str, Any], attachments: list[dict[str, Any]]
              ) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": FilingKind.NEW.value,
        "program": program,
        "subject": subject,
        "attachments": attachments,
    }


def _same_person_certificate(imp: _Importer, certificate: dict[str, Any], principal: dict[str, Any],
                             where: str) -> None:
    """An individual's certificate is the principal's ID: share validity and registered address."""
    number, id_number = certificate.get("number"), principal.get("id_number")
    if isinstance(number, str) and isinstance(id_number, str) and number.strip().upper() == id_number.strip().upper():
        _put(certificate, "valid_from", principal.get("id_valid_from"))
        _put(certificate, "valid_to", principal.get("id_valid_to"))
        if certificate.get("address"):
            principal["id_address"] = certificate["address"]
    elif number is not None and id_number is not None:
        imp.warn(f"subject.certificate.number：个人主体的证件号（{where}）与主体负责人证件号不一致，请核对")
