"""Importers: a platform's filing body → our filing document (`shared/spec/filing-document.md`).

Two bodies are understood (`shared/reference/platform-filing-apis.md` §2 and §6):

- WeChat third-party `wxa/icp/apply_icp_filing` (`icp_subject` / `icp_applets` / `icp_materials`);
- Douyin `apps/v1/icp_record/submit_record_info` (`corp_info` / `app_info`).

`import_wechat(body)` and `import_douyin(body)` return an `ImportResult`: the `document` as a plain dict
(validation is the caller's: `parsing.parse_mapping`), `unmapped` — every source value that has no place in
the document, with its source path and a Chinese reason — and `warnings` — every default or inference the
importer made that a person should confirm. They never raise, whatever the body: a value of the wrong
shape is reported in `unmapped` and left out of the document, so that parsing then names the missing field.

The platforms' dictionaries (单位性质, 证件类型, 前置审批, 服务内容, 语种) are fetched at run time and "updated
irregularly — do not hard-code them" (WXDOC queryIcpSubjectTypes 注意事项). The tables below therefore hold
only the ids the platforms document; pass the live dictionaries as `PlatformDictionaries` to map the rest
by their Chinese names. Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final, TypeVar, cast

from .credit_code import uscc_authority, uscc_institution_type
from .document import LONG_TERM, SAME_AS_SUBJECT_PRINCIPAL, SCHEMA_VERSION
from .enums import (
    SIGNED_LETTER_KINDS,
    AttachmentKind,
    FilingKind,
    OrgCertificateType,
    PersonIdType,
    PreApprovalCategory,
    ProgramType,
    Slot,
    SubjectNature,
    label,
)

__all__ = [
    "DOUYIN_CORP_TYPES",
    "DOUYIN_CREDENTIAL_TYPES",
    "DOUYIN_PRE_APPROVAL_ITEMS",
    "WECHAT_CERTIFICATE_TYPES",
    "WECHAT_NRLX_TYPES",
    "WECHAT_SUBJECT_TYPES",
    "ImportResult",
    "PlatformDictionaries",
    "Unmapped",
    "import_douyin",
    "import_wechat",
]

CertificateType = OrgCertificateType | PersonIdType

# -- mapping tables (only what the platforms document; see docs/importers.md for the sources) ---------------

#: WeChat 单位性质 (`icp_subject.base_info.type`, dictionary `query_icp_subject_types`). 1–3: the doc's sample
#: response (WXDOC queryIcpSubjectTypes; SKIT sample). 4 and 5: the certificate-type sample (营业执照（个人或企业）
#: → subject_type 4, 居民身份证 → subject_type 5, WXDOC queryIcpCertificateTypes) and the apply sample
#: (`type: 5, name: "张三"`). No public WeChat list of the other ids was found, so they are not guessed.
WECHAT_SUBJECT_TYPES: Final[Mapping[int, SubjectNature]] = {
    1: SubjectNature.MILITARY,
    2: SubjectNature.GOVERNMENT,
    3: SubjectNature.PUBLIC_INSTITUTION,
    4: SubjectNature.ENTERPRISE,
    5: SubjectNature.INDIVIDUAL,
}

#: WeChat 证件类型 (`organize_info.certificate_type`, `principal_info.certificate_type`), dictionary
#: `query_icp_certificate_types`: the doc's sample (WXDOC queryIcpCertificateTypes; SKIT sample).
WECHAT_CERTIFICATE_TYPES: Final[Mapping[int, CertificateType]] = {
    1: OrgCertificateType.BUSINESS_LICENSE,  # 营业执照（个人或企业）
    2: PersonIdType.RESIDENT_ID,  # 居民身份证
}

#: WeChat 前置审批项 (`nrlx_details[].type`, dictionary `query_icp_nrlx_types`): the full list of the doc's
#: sample (WXDOC queryIcpNrlxTypes; SKIT sample). None = 24 以上都不涉及 (no pre-approval).
WECHAT_NRLX_TYPES: Final[Mapping[int, PreApprovalCategory | None]] = {
    1: PreApprovalCategory.NEWS,
    2: PreApprovalCategory.PUBLISHING,
    3: PreApprovalCategory.EDUCATION,
    4: PreApprovalCategory.MEDICAL,
    5: PreApprovalCategory.DRUGS_DEVICES,
    9: PreApprovalCategory.CULTURE,
    10: PreApprovalCategory.BROADCASTING,
    11: PreApprovalCategory.RIDE_HAILING,
    13: PreApprovalCategory.FINANCE,
    14: PreApprovalCategory.TUTORING,
    15: PreApprovalCategory.RELIGION,
    24: None,
}

#: Documented WeChat pre-approval ids with no counterpart in our vocabulary.
WECHAT_NRLX_WITHOUT_COUNTERPART: Final[Mapping[int, str]] = {6: "电子公告服务"}

#: Douyin 主体类型 (`corp_info.corp_type`, `query_corp_type_list`): the doc's sample (DYDOC; SKIT-BD sample).
DOUYIN_CORP_TYPES: Final[Mapping[int, SubjectNature]] = {4: SubjectNature.ENTERPRISE}

#: Douyin 证件类型 (`credentials_type`, `incharge_people_credentials_type`): the samples of
#: `query_corp_type_list` and `query_incharge_people_credentials_type_list` (DYDOC; SKIT-BD samples).
DOUYIN_CREDENTIAL_TYPES: Final[Mapping[int, CertificateType]] = {
    1: OrgCertificateType.BUSINESS_LICENSE,  # 营业执照（个人或企业）
    2: PersonIdType.RESIDENT_ID,  # 居民身份证
    27: OrgCertificateType.FOREIGN_ENTERPRISE_REPRESENTATIVE,  # 外国企业常驻代表机构登记证
}

#: Documented Douyin certificate ids with no counterpart in our vocabulary.
DOUYIN_CREDENTIALS_WITHOUT_COUNTERPART: Final[Mapping[int, str]] = {12: "组织机构代码证"}

#: Douyin 前置审批项 (`pre_approval_item_id`, `query_pre_approval_item_type_list`): the sample (2 出版).
DOUYIN_PRE_APPROVAL_ITEMS: Final[Mapping[int, PreApprovalCategory]] = {2: PreApprovalCategory.PUBLISHING}

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

#: Language names (Douyin `app_language` dictionary) → the tags of `program.languages`.
_LANGUAGE_TAGS: Final[Mapping[str, str]] = {
    "中文简体": "zh-Hans", "简体中文": "zh-Hans", "中文": "zh-Hans",
    "中文繁体": "zh-Hant", "繁体中文": "zh-Hant",
    "英语": "en", "英文": "en", "日语": "ja", "韩语": "ko", "法语": "fr", "德语": "de", "俄语": "ru",
    "西班牙语": "es", "阿拉伯语": "ar", "葡萄牙语": "pt",
    "蒙古文": "mn", "藏文": "bo", "维吾尔文": "ug", "朝鲜文": "ko", "彝文": "ii", "壮文": "za",
}

_NONE_OF_THE_ABOVE: Final = "以上都不涉及"
_CHINA = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")  # fixed +08:00: no DST in China since 1991
_MS_THRESHOLD: Final = 100_000_000_000  # a timestamp above this is in milliseconds (year 5138 in seconds)


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

    def wechat_date(self, obj: Mapping[str, Any] | None, key: str, path: str, *, end: bool) -> str | None:
        """WeChat `YYYYmmdd` (or "长期" for an end) → ISO `YYYY-MM-DD` / `long_term`."""
        if obj is None or obj.get(key) is None:
            return None
        value = obj[key]
        where = _join(path, key)
        text = value.strip() if isinstance(value, str) else (_int_text(value) or "")
        if text in ("长期", LONG_TERM):
            if end:
                return LONG_TERM
            self.miss(where, value, "有效期开始日期不能是“长期”")
            return None
        digits = text.replace("-", "") if len(text) == 10 and text[4] == "-" and text[7] == "-" else text
        if len(digits) == 8 and digits.isascii() and digits.isdecimal():
            try:
                return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:])).isoformat()
            except ValueError:
                self.miss(where, value, f"日期“{text}”不存在")
                return None
        expected = "应为 YYYYmmdd 格式的日期，或“长期”" if end else "应为 YYYYmmdd 格式的日期"
        self.miss(where, value, expected)
        return None

    def timestamp(self, obj: Mapping[str, Any] | None, key: str, path: str) -> str | None:
        """Douyin unix timestamp (seconds; milliseconds tolerated) → ISO date in Asia/Shanghai (+08:00)."""
        if obj is None or obj.get(key) is None:
            return None
        value = obj[key]
        where = _join(path, key)
        number: float | None = None
        try:
            if _is_int(value) or isinstance(value, float):
                number = float(value)
            elif isinstance(value, str) and value.strip().isascii() and value.strip().isdecimal():
                number = float(value.strip())
        except (OverflowError, ValueError):
            self.miss(where, value, "时间戳超出合理范围（1900–2200 年）")
            return None
        if number is None or number != number:  # NaN
            self.miss(where, value, "应为 Unix 时间戳（秒）")
            return None
        if number == 0:
            self.miss(where, value, "时间戳为 0，视为未填写")
            return None
        if abs(number) >= _MS_THRESHOLD:
            number /= 1000
            self.warn(f"{where}：时间戳按毫秒换算")
        try:
            day = dt.datetime.fromtimestamp(number, tz=_CHINA).date()
        except (OverflowError, OSError, ValueError):
            day = None
        if day is None or not 1900 <= day.year <= 2200:
            self.miss(where, value, "时间戳超出合理范围（1900–2200 年）")
            return None
        return day.isoformat()

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

    def wechat_media(self, value: Any, where: str, slot: Slot, kind: AttachmentKind) -> str | None:
        """A WeChat media_id → an attachment; its id, or None."""
        if value is None or value == "":
            return None
        if isinstance(value, str) and value.strip():
            return self.attach(value.strip(), slot, kind)
        self.miss(where, value, "应为 media_id 字符串，已忽略")
        return None

    def wechat_media_list(self, value: Any, where: str, slot: Slot, kind: AttachmentKind) -> list[str]:
        if isinstance(value, str):
            found = self.wechat_media(value, where, slot, kind)
            return [found] if found else []
        return [att for i, item in enumerate(self.seq(value, where))
                if (att := self.wechat_media(item, f"{where}[{i}]", slot, kind)) is not None]

    def douyin_material(self, value: Any, where: str, slot: Slot, kind: AttachmentKind) -> str | None:
        """A Douyin material `{"path": …}` (a bare path string is tolerated) → an attachment id."""
        if value is None:
            return None
        if isinstance(value, str):
            return self.attach(value.strip(), slot, kind) if value.strip() else None
        material = self.obj(value, where, ("path",))
        if material is None:
            return None
        file = self.text(material, "path", where)
        if file is None or not file.strip():
            if "path" in material and file is not None:
                self.miss(_join(where, "path"), material.get("path"), "图片路径为空，已忽略")
            return None
        return self.attach(file.strip(), slot, kind)

    def douyin_materials(self, value: Any, where: str, slot: Slot, kind: AttachmentKind) -> list[str]:
        if isinstance(value, Mapping):  # one material instead of a list
            found = self.douyin_material(value, where, slot, kind)
            return [found] if found else []
        return [att for i, item in enumerate(self.seq(value, where))
                if (att := self.douyin_material(item, f"{where}[{i}]", slot, kind)) is not None]


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


# -- WeChat ----------------------------------------------------------------------------------------------

_WX_PERSON_KEYS: Final = (
    "name", "mobile", "email", "emergency_contact", "certificate_type", "certificate_number",
    "certificate_validity_date_start", "certificate_validity_date_end", "certificate_photo_front",
    "certificate_photo_back", "authorization_letter", "verify_task_id",
)

#: `icp_materials` key → (slot, kind); None = the province's commitment letter. Absent keys: see below.
_WX_MATERIALS: Final[Mapping[str, tuple[Slot, AttachmentKind | None]]] = {
    "commitment_letter": (Slot.FILING_COMMITMENT, None),  # 互联网信息服务承诺书
    "authenticity_responsibility_letter": (Slot.FILING_COMMITMENT, AttachmentKind.OTHER),  # 真实性责任告知书
    "authenticity_commitment_letter": (Slot.FILING_COMMITMENT, AttachmentKind.OTHER),  # 真实性承诺书
    "business_name_change_letter": (Slot.SUBJECT_SUPPLEMENTARY, AttachmentKind.OTHER),  # 主体更名函
    "party_building_confirmation_letter": (Slot.SUBJECT_SUPPLEMENTARY, AttachmentKind.OTHER),  # 党建确认函
    "subject_other_materials": (Slot.SUBJECT_SUPPLEMENTARY, AttachmentKind.OTHER),
    "holding_certificate_photo": (Slot.SUBJECT_PRINCIPAL_ID, AttachmentKind.OTHER),  # 手持证件照
    "website_construction_proposal": (Slot.PROGRAM_SUPPLEMENTARY, AttachmentKind.CONSTRUCTION_PLAN),
    "applets_other_materials": (Slot.PROGRAM_SUPPLEMENTARY, AttachmentKind.OTHER),
}
_WX_MATERIALS_NOT_IMPORTED: Final[Mapping[str, str]] = {
    "promise_video": "承诺视频是视频材料，备案文档的附件槽位中没有对应项（请在平台侧提交）",
}


def _wx_person(imp: _Importer, info: Mapping[str, Any] | None, path: str, *, program: bool) -> dict[str, Any]:
    person: dict[str, Any] = {}
    if info is None:
        return person
    _put(person, "name", imp.text(info, "name", path))
    code = imp.integer(info, "certificate_type", path)
    found, id_type = imp.resolve(
        code, _join(path, "certificate_type"), what="证件类型", live=imp.dicts.certificate_types,
        builtin=WECHAT_CERTIFICATE_TYPES, by_name=_CERTIFICATE_BY_NAME, no_counterpart={})
    if found and isinstance(id_type, PersonIdType):
        person["id_type"] = id_type.value
    elif found:
        imp.miss(_join(path, "certificate_type"), code, f"负责人证件应为个人证件，“{label(id_type or '')}”不是")
    _put(person, "id_number", imp.text(info, "certificate_number", path))
    _put(person, "id_valid_from", imp.wechat_date(info, "certificate_validity_date_start", path, end=False))
    _put(person, "id_valid_to", imp.wechat_date(info, "certificate_validity_date_end", path, end=True))
    _put(person, "mobile", imp.text(info, "mobile", path))
    _put(person, "emergency_phone", imp.text(info, "emergency_contact", path))
    _put(person, "email", imp.text(info, "email", path))
    id_slot = Slot.PROGRAM_PRINCIPAL_ID if program else Slot.SUBJECT_PRINCIPAL_ID
    imp.wechat_media(info.get("certificate_photo_front"), _join(path, "certificate_photo_front"), id_slot,
                     AttachmentKind.ID_FRONT)
    imp.wechat_media(info.get("certificate_photo_back"), _join(path, "certificate_photo_back"), id_slot,
                     AttachmentKind.ID_BACK)
    letter_slot, letter_kind = (
        (Slot.PROGRAM_SUPPLEMENTARY, AttachmentKind.PROGRAM_PRINCIPAL_AUTHORIZATION) if program
        else (Slot.SUBJECT_SUPPLEMENTARY, AttachmentKind.SUBJECT_PRINCIPAL_AUTHORIZATION))
    imp.wechat_media(info.get("authorization_letter"), _join(path, "authorization_letter"), letter_slot, letter_kind)
    task = imp.text(info, "verify_task_id", path)
    if program:
        person["face_verified"] = bool(task and task.strip())
        if person["face_verified"]:
            imp.warn(f"program.principal.face_verified：{path}.verify_task_id 已填写，按已完成人脸核身导入"
                     "（提交前请确认 query_icp_verifytask 返回 face_status=3）")
    elif task:
        imp.miss(_join(path, "verify_task_id"), task, "主体负责人无需人脸核身，备案文档不记录其核验任务号")
    return person


def _wx_subject(imp: _Importer, body: Mapping[str, Any]) -> dict[str, Any]:
    path = "icp_subject"
    subject_in = imp.obj(body.get(path), path,
                         ("base_info", "personal_info", "organize_info", "principal_info", "legal_person_info"))
    subject: dict[str, Any] = {}
    if subject_in is None:
        return subject
    base = imp.obj(subject_in.get("base_info"), f"{path}.base_info",
                   ("type", "name", "province", "city", "district", "address", "comment"),
                   extra={"record_number": "主体备案号只在已备案详情（get_online_icp_order）中返回，"
                                           "新增备案文档不使用"})
    org = imp.obj(subject_in.get("organize_info"), f"{path}.organize_info",
                  ("certificate_type", "certificate_number", "certificate_address", "certificate_photo"))
    personal = imp.obj(subject_in.get("personal_info"), f"{path}.personal_info", ("residence_permit",))
    principal_in = imp.obj(subject_in.get("principal_info"), f"{path}.principal_info", _WX_PERSON_KEYS)
    legal_in = imp.obj(subject_in.get("legal_person_info"), f"{path}.legal_person_info",
                       ("name", "certificate_number"))

    bp = f"{path}.base_info"
    found, nature = imp.resolve(
        imp.integer(base, "type", bp), f"{bp}.type", what="单位性质", live=imp.dicts.subject_types,
        builtin=WECHAT_SUBJECT_TYPES, by_name=_NATURE_BY_NAME, no_counterpart={})
    name = imp.text(base, "name", bp)

    op = f"{path}.organize_info"
    certificate: dict[str, Any] = {}
    cert_code = imp.integer(org, "certificate_type", op)
    cfound, cert_type = imp.resolve(
        cert_code, f"{op}.certificate_type", what="证件类型", live=imp.dicts.certificate_types,
        builtin=WECHAT_CERTIFICATE_TYPES, by_name=_CERTIFICATE_BY_NAME, no_counterpart={})
    if cfound and cert_type is not None:
        certificate["type"] = cert_type.value
    _put(certificate, "number", imp.text(org, "certificate_number", op))
    _put(certificate, "address", imp.text(org, "certificate_address", op))
    if org is not None:
        imp.wechat_media(org.get("certificate_photo"), f"{op}.certificate_photo", Slot.SUBJECT_CERTIFICATE,
                         AttachmentKind.CERTIFICATE_PHOTO)

    nature = _refine_nature(imp, nature, certificate, name, f"{bp}.type") if found else None
    if nature is not None:
        subject["nature"] = nature.value
    _put(subject, "name", name)
    subject["certificate"] = certificate

    address: dict[str, Any] = {}
    for key in ("province", "city", "district"):
        _put(address, key, imp.region(base, key, bp))
    _put(address, "detail", imp.text(base, "address", bp))
    subject["address"] = address
    subject["remark"] = imp.text(base, "comment", bp) or ""

    principal = _wx_person(imp, principal_in, f"{path}.principal_info", program=False)
    individual = nature is SubjectNature.INDIVIDUAL
    if personal is not None:
        imp.wechat_media(personal.get("residence_permit"), f"{path}.personal_info.residence_permit",
                         Slot.SUBJECT_SUPPLEMENTARY, AttachmentKind.RESIDENCE_PROOF)
    if individual:
        _same_person_certificate(imp, certificate, principal, f"{op}.certificate_number")
        if legal_in:
            imp.miss(f"{path}.legal_person_info", dict(legal_in), "个人主体没有法定代表人，未导入")
    else:
        subject["legal_representative"] = _wx_legal_rep(imp, legal_in, principal, f"{path}.legal_person_info")
        imp.warn("subject.certificate.valid_from/valid_to、business_scope：微信请求体不含主办单位证件有效期和经营范围，"
                 "请补填（经营范围用于前置审批关键词检查）")
    subject["principal"] = principal
    return subject


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


def _wx_legal_rep(imp: _Importer, legal_in: Mapping[str, Any] | None, principal: dict[str, Any], where: str
                  ) -> dict[str, Any]:
    """`legal_person_info` is required exactly when the principal is not the legal representative
    (WXDOC api_applyicpfiling), so its absence says the principal is."""
    if legal_in is None:
        principal["is_legal_representative"] = True
        imp.warn(f"subject.principal.is_legal_representative：请求体没有 {where}（主体负责人不是法人时必填），"
                 "推定主体负责人即法定代表人")
        legal: dict[str, Any] = {}
        _put(legal, "name", principal.get("name"))
        legal["id_type"] = principal.get("id_type", PersonIdType.RESIDENT_ID.value)
        _put(legal, "id_number", principal.get("id_number"))
        return legal
    legal = {}
    _put(legal, "name", imp.text(legal_in, "name", where))
    legal["id_type"] = PersonIdType.RESIDENT_ID.value
    _put(legal, "id_number", imp.text(legal_in, "certificate_number", where))
    imp.warn(f"subject.legal_representative.id_type：{where} 不含证件类型，默认为居民身份证")
    same_name = str(legal.get("name", "")).strip() == str(principal.get("name", "")).strip()
    same_id = str(legal.get("id_number", "")).strip().upper() == str(principal.get("id_number", "")).strip().upper()
    principal["is_legal_representative"] = bool(legal.get("name")) and same_name and same_id
    return legal


def _wx_program(imp: _Importer, body: Mapping[str, Any]) -> dict[str, Any]:
    path = "icp_applets"
    raw = body.get(path)
    if isinstance(raw, list):  # get_online_icp_order documents an objarray
        for i, extra in enumerate(raw[1:], start=1):
            imp.miss(f"{path}[{i}]", extra, "一份备案文档只对应一个小程序，只导入了第一个")
        raw = raw[0] if raw else None
        path = f"{path}[0]"
    applets = imp.obj(raw, path, ("base_info", "principal_info"))
    program: dict[str, Any] = {"type": ProgramType.MINI_PROGRAM.value}
    base = imp.obj(applets.get("base_info") if applets else None, f"{path}.base_info",
                   ("appid", "name", "service_content_types", "nrlx_details", "comment"),
                   extra={"record_number": "小程序备案号只在已备案详情中返回，新增备案文档不使用"})
    bp = f"{path}.base_info"
    appid, name = imp.text(base, "appid", bp), imp.text(base, "name", bp)
    if not appid or not name:
        imp.warn("program.appid、program.name：微信由后台自动拉取，请求体通常不含，已留空，请补填")
    program["appid"] = appid or ""
    program["name"] = name or ""
    program["languages"] = ["zh-Hans"]
    imp.warn("program.languages：微信请求体不含语种，默认为 [\"zh-Hans\"]")
    contents = imp.service_contents(imp.seq(base.get("service_content_types") if base else None,
                                            f"{bp}.service_content_types"), f"{bp}.service_content_types")
    program["service_content_types"] = contents
    program["remark"] = imp.text(base, "comment", bp) or ""
    _description_from_remark(imp, program, f"{bp}.comment")
    program["pre_approvals"] = _wx_pre_approvals(imp, base.get("nrlx_details") if base else None,
                                                 f"{bp}.nrlx_details")
    principal_in = imp.obj(applets.get("principal_info") if applets else None, f"{path}.principal_info",
                           _WX_PERSON_KEYS)
    program["principal"] = _wx_person(imp, principal_in, f"{path}.principal_info", program=True)
    _defaults(imp, program)
    return program


def _wx_pre_approvals(imp: _Importer, value: Any, path: str) -> list[dict[str, Any]]:
    items = imp.seq(value, path)
    if value is None:
        imp.warn(f"program.pre_approvals：请求体没有 {path}，按不涉及前置审批导入（微信要求此时提交“以上都不涉及”）")
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    none_of_the_above = False
    for i, raw in enumerate(items):
        where = f"{path}[{i}]"
        item = imp.obj(raw, where, ("type", "code", "media"))
        if item is None:
            if raw is None:
                imp.miss(where, raw, "前置审批项为空，已忽略")
            continue
        found, category = imp.resolve(
            imp.integer(item, "type", where), f"{where}.type", what="前置审批类型",
            live=imp.dicts.pre_approval_types, builtin=WECHAT_NRLX_TYPES, by_name=_CATEGORY_BY_NAME,
            no_counterpart=WECHAT_NRLX_WITHOUT_COUNTERPART)
        if not found:
            for key in ("code", "media"):
                if item.get(key) not in (None, ""):
                    imp.miss(f"{where}.{key}", item[key], "所属前置审批类型无法导入，随之未导入")
            continue
        if category is None:
            none_of_the_above = True
            continue
        if category.value in seen:
            imp.miss(f"{where}.type", item.get("type"), f"前置审批类型“{label(category)}”重复，只导入了第一项")
            continue
        seen.add(category.value)
        entry: dict[str, Any] = {"category": category.value, "number": imp.text(item, "code", where) or ""}
        entry["attachment"] = imp.wechat_media(item.get("media"), f"{where}.media", Slot.PRE_APPROVAL,
                                               AttachmentKind.PRE_APPROVAL_DOCUMENT)
        out.append(entry)
    if none_of_the_above and out:
        imp.warn(f"program.pre_approvals：{path} 同时有“以上都不涉及”和具体前置审批项，已按具体项导入，请核对")
    return out


def _wx_materials(imp: _Importer, body: Mapping[str, Any], province: str | None) -> None:
    path = "icp_materials"
    materials = imp.obj(body.get(path), path, _WX_MATERIALS, extra=_WX_MATERIALS_NOT_IMPORTED)
    if materials is None:
        return
    for key, (slot, kind) in _WX_MATERIALS.items():
        if key not in materials:
            continue
        chosen = kind or _commitment_kind(province)
        found = imp.wechat_media_list(materials[key], f"{path}.{key}", slot, chosen)
        if found and kind is None and chosen is AttachmentKind.OTHER:
            imp.warn(f"attachments：{path}.{key}（互联网信息服务承诺书）导入为备案承诺书槽位的 other；"
                     "只有广东、重庆的承诺书有专门的 kind")


def import_wechat(body: Mapping[str, Any], dictionaries: PlatformDictionaries | None = None) -> ImportResult:
    """The filing document of a WeChat `apply_icp_filing` (or `submit_auth_and_icp`) request body.

    Never raises: whatever cannot be mapped is in `unmapped`, every default and inference in `warnings`.
    """
    imp = _Importer("微信", dictionaries)
    if not isinstance(body, Mapping):
        imp.miss("", body, "请求体应为 JSON 对象")
        body = {}
    imp.obj(body, "", ("icp_subject", "icp_applets", "icp_materials"),
            extra={"auth_data": "微信认证数据（submit_auth_and_icp）不属于备案文档"})
    subject = _wx_subject(imp, body)
    province = subject.get("address", {}).get("province")
    program = _wx_program(imp, body)
    _wx_materials(imp, body, province)
    return imp.result(_skeleton(program, subject, imp.attachments))


# -- Douyin ----------------------------------------------------------------------------------------------

_DY_CORP_KEYS: Final = (
    "corp_type", "credentials_type", "credentials_name", "credentials_number", "credentials_pic",
    "credentials_address", "province_code", "province_name", "city_code", "city_name", "region_code",
    "region_name", "communication_address", "incharge_people_name", "incharge_people_credentials_type",
    "incharge_people_credentials_number", "incharge_people_credentials_front", "incharge_people_credentials_back",
    "incharge_people_credentials_has_end_time", "incharge_people_credentials_valid_start_time",
    "incharge_people_credentials_valid_end_time", "incharge_people_email", "incharge_people_phone",
    "incharge_people_emergency_phone", "corp_authority_letter", "corp_commitment", "corp_other_materials", "remark",
)
_DY_APP_KEYS: Final = (
    "app_language", "service_content_type_list", "involve_pre_approval", "pre_approval_list",
    "incharge_people_email", "incharge_people_phone", "incharge_people_emergency_phone",
    "facial_recognition_token", "app_authority_letter", "app_other_materials", "remark",
)


def _dy_validity(imp: _Importer, corp: Mapping[str, Any], path: str, person: dict[str, Any]) -> None:
    _put(person, "id_valid_from", imp.timestamp(corp, "incharge_people_credentials_valid_start_time", path))
    has_end = imp.boolean(corp, "incharge_people_credentials_has_end_time", path)
    end_key = "incharge_people_credentials_valid_end_time"
    if has_end is False:
        person["id_valid_to"] = LONG_TERM
        if corp.get(end_key) not in (None, 0, "", "0"):
            imp.miss(f"{path}.{end_key}", corp[end_key], "has_end_time 为 false（长期有效），结束时间未使用")
        return
    _put(person, "id_valid_to", imp.timestamp(corp, end_key, path))
    if has_end is None and "id_valid_to" in person:
        imp.warn(f"subject.principal.id_valid_to：{path}.incharge_people_credentials_has_end_time 缺失，按结束时间导入")


def _dy_subject(imp: _Importer, corp: Mapping[str, Any] | None, path: str) -> dict[str, Any]:
    subject: dict[str, Any] = {}
    if corp is None:
        return subject
    found, nature = imp.resolve(
        imp.integer(corp, "corp_type", path), f"{path}.corp_type", what="主体类型", live=imp.dicts.subject_types,
        builtin=DOUYIN_CORP_TYPES, by_name=_NATURE_BY_NAME, no_counterpart={})
    certificate: dict[str, Any] = {}
    cfound, cert_type = imp.resolve(
        imp.integer(corp, "credentials_type", path), f"{path}.credentials_type", what="证件类型",
        live=imp.dicts.certificate_types, builtin=DOUYIN_CREDENTIAL_TYPES, by_name=_CERTIFICATE_BY_NAME,
        no_counterpart=DOUYIN_CREDENTIALS_WITHOUT_COUNTERPART)
    if cfound and cert_type is not None:
        certificate["type"] = cert_type.value
    _put(certificate, "number", imp.text(corp, "credentials_number", path))
    _put(certificate, "address", imp.text(corp, "credentials_address", path))
    imp.douyin_material(corp.get("credentials_pic"), f"{path}.credentials_pic", Slot.SUBJECT_CERTIFICATE,
                        AttachmentKind.CERTIFICATE_PHOTO)

    person: dict[str, Any] = {}
    _put(person, "name", imp.text(corp, "incharge_people_name", path))
    pfound, id_type = imp.resolve(
        imp.integer(corp, "incharge_people_credentials_type", path), f"{path}.incharge_people_credentials_type",
        what="负责人证件类型", live=imp.dicts.certificate_types, builtin=DOUYIN_CREDENTIAL_TYPES,
        by_name=_CERTIFICATE_BY_NAME, no_counterpart=DOUYIN_CREDENTIALS_WITHOUT_COUNTERPART)
    if pfound and isinstance(id_type, PersonIdType):
        person["id_type"] = id_type.value
    elif pfound:
        imp.miss(f"{path}.incharge_people_credentials_type", corp.get("incharge_people_credentials_type"),
                 f"负责人证件应为个人证件，“{label(id_type or '')}”不是")
    _put(person, "id_number", imp.text(corp, "incharge_people_credentials_number", path))
    _dy_validity(imp, corp, path, person)
    _put(person, "mobile", imp.text(corp, "incharge_people_phone", path))
    _put(person, "emergency_phone", imp.text(corp, "incharge_people_emergency_phone", path))
    _put(person, "email", imp.text(corp, "incharge_people_email", path))
    imp.douyin_material(corp.get("incharge_people_credentials_front"), f"{path}.incharge_people_credentials_front",
                        Slot.SUBJECT_PRINCIPAL_ID, AttachmentKind.ID_FRONT)
    imp.douyin_material(corp.get("incharge_people_credentials_back"), f"{path}.incharge_people_credentials_back",
                        Slot.SUBJECT_PRINCIPAL_ID, AttachmentKind.ID_BACK)
    letters = imp.douyin_materials(corp.get("corp_authority_letter"), f"{path}.corp_authority_letter",
                                   Slot.SUBJECT_SUPPLEMENTARY, AttachmentKind.SUBJECT_PRINCIPAL_AUTHORIZATION)
    imp.douyin_materials(corp.get("corp_other_materials"), f"{path}.corp_other_materials",
                         Slot.SUBJECT_SUPPLEMENTARY, AttachmentKind.OTHER)

    name = imp.text(corp, "credentials_name", path)
    if name is not None:
        imp.warn(f"subject.name：按 {path}.credentials_name（证件上的名称）导入为主办单位名称，请核对")
    nature = _refine_nature(imp, nature, certificate, name, f"{path}.corp_type") if found else None
    individual = nature is SubjectNature.INDIVIDUAL
    if name is None and individual:
        name = person.get("name")
    if nature is not None:
        subject["nature"] = nature.value
    _put(subject, "name", name)
    subject["certificate"] = certificate
    address: dict[str, Any] = {}
    for ours, theirs in (("province", "province_code"), ("city", "city_code"), ("district", "region_code")):
        _put(address, ours, imp.region(corp, theirs, path))
    _put(address, "detail", imp.text(corp, "communication_address", path))
    subject["address"] = address
    subject["remark"] = imp.text(corp, "remark", path) or ""
    if individual:
        _same_person_certificate(imp, certificate, person, f"{path}.credentials_number")
    elif nature is not None:
        person["is_legal_representative"] = not letters
        imp.warn("subject.principal.is_legal_representative：抖音请求体不说明负责人是否为法定代表人，"
                 f"按{'有授权书推定不是' if letters else '没有授权书推定是'}法定代表人导入；"
                 "subject.legal_representative 未填写，请补填")
        imp.warn("subject.certificate.valid_from/valid_to、business_scope：抖音请求体不含主办单位证件有效期和经营范围，"
                 "请补填（经营范围用于前置审批关键词检查）")
    subject["principal"] = person
    return subject


def _dy_languages(imp: _Importer, value: Any, path: str) -> list[str]:
    items = imp.seq(value, path)
    tags: list[str] = []
    for i, raw in enumerate(items):
        code = imp.as_int(raw, f"{path}[{i}]")
        if code is None:
            continue
        name = _name_of(imp.dicts.languages, code)
        tag = _LANGUAGE_TAGS.get(_normalize_name(name)) if name is not None else None
        if tag is None:
            why = (f"语种“{name}”无法对应到语言标签" if name is not None
                   else f"语种编号 {code} 的含义未公开（抖音语种字典需运行时查询），"
                        "请传入 PlatformDictionaries.languages")
            imp.miss(f"{path}[{i}]", raw, why)
        elif tag not in tags:
            tags.append(tag)
    if not tags:
        tags = ["zh-Hans"]
        imp.warn("program.languages：没有可识别的语种，默认为 [\"zh-Hans\"]")
    return tags


def _dy_pre_approvals(imp: _Importer, app: Mapping[str, Any], path: str) -> list[dict[str, Any]]:
    involve = imp.boolean(app, "involve_pre_approval", path)
    items = imp.seq(app.get("pre_approval_list"), f"{path}.pre_approval_list")
    if involve is False and items:
        imp.warn(f"program.pre_approvals：{path}.involve_pre_approval 为 false 却填写了 pre_approval_list，"
                 "已按列表导入")
    if involve is True and not items:
        imp.warn(f"program.pre_approvals：{path}.involve_pre_approval 为 true 但 pre_approval_list 为空")
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, raw in enumerate(items):
        where = f"{path}.pre_approval_list[{i}]"
        item = imp.obj(raw, where, ("pre_approval_item_id", "pre_approval_number", "pre_approval_files"))
        if item is None:
            continue
        found, category = imp.resolve(
            imp.integer(item, "pre_approval_item_id", where), f"{where}.pre_approval_item_id", what="前置审批类型",
            live=imp.dicts.pre_approval_types, builtin=DOUYIN_PRE_APPROVAL_ITEMS, by_name=_CATEGORY_BY_NAME,
            no_counterpart={})
        if not found or category is None:
            for key in ("pre_approval_number", "pre_approval_files"):
                if item.get(key) not in (None, "", []):
                    imp.miss(f"{where}.{key}", item[key], "所属前置审批类型无法导入，随之未导入")
            continue
        if category.value in seen:
            imp.miss(f"{where}.pre_approval_item_id", item.get("pre_approval_item_id"),
                     f"前置审批类型“{label(category)}”重复，只导入了第一项")
            continue
        seen.add(category.value)
        files = imp.douyin_materials(item.get("pre_approval_files"), f"{where}.pre_approval_files",
                                     Slot.PRE_APPROVAL, AttachmentKind.PRE_APPROVAL_DOCUMENT)
        out.append({"category": category.value, "number": imp.text(item, "pre_approval_number", where) or "",
                    "attachment": files[0] if files else None})
    return out


def _dy_program_principal(imp: _Importer, app: Mapping[str, Any], path: str, subject: dict[str, Any]
                          ) -> dict[str, Any] | str:
    """The app principal: Douyin sends only contacts and the face-verification token, no name or ID.

    Contacts equal to the subject principal's (or absent) say it is the same person:
    `same_as_subject_principal`, with the face verification recorded on the subject principal. Other
    contacts are a person whose identity the body does not give: written out with the subject principal's
    identity as a placeholder and a warning."""
    subject_principal: dict[str, Any] = subject.get("principal", {})
    contacts: dict[str, str] = {}
    for ours, theirs in (("mobile", "incharge_people_phone"), ("emergency_phone", "incharge_people_emergency_phone"),
                         ("email", "incharge_people_email")):
        _put(contacts, ours, imp.text(app, theirs, path))
    token = imp.text(app, "facial_recognition_token", path)
    verified = bool(token and token.strip())
    if verified:
        imp.warn(f"program.principal.face_verified：{path}.facial_recognition_token 已填写，按已完成人证核验导入"
                 "（提交前请用 query_facial_recognition_status 确认）")
    same = all(str(subject_principal.get(k, "")).strip() == v.strip() for k, v in contacts.items())
    if same:
        subject_principal["face_verified"] = verified
        imp.warn(f"program.principal：{path} 的负责人联系方式与主体负责人相同，"
                 f"按同一人导入（{SAME_AS_SUBJECT_PRINCIPAL}）")
        return SAME_AS_SUBJECT_PRINCIPAL
    person: dict[str, Any] = {k: subject_principal[k] for k in
                              ("name", "id_type", "id_number", "id_valid_from", "id_valid_to", "id_address",
                               "is_legal_representative") if k in subject_principal}
    for ours in ("mobile", "emergency_phone", "email"):
        _put(person, ours, contacts.get(ours, subject_principal.get(ours)))
    person["face_verified"] = verified
    imp.warn(f"program.principal：{path} 的负责人联系方式与主体负责人不同，但抖音请求体不含小程序负责人的姓名和证件；"
             "已暂用主体负责人的身份，请改写为小程序负责人本人的信息并补传其证件照片")
    return person


def _dy_program(imp: _Importer, app: Mapping[str, Any] | None, path: str, subject: dict[str, Any]
                ) -> dict[str, Any]:
    program: dict[str, Any] = {"type": ProgramType.MINI_PROGRAM.value, "appid": "", "name": ""}
    imp.warn("program.appid、program.name：抖音请求体不含小程序 appid 和名称，已留空，请补填")
    app = app or {}
    program["languages"] = _dy_languages(imp, app.get("app_language"), f"{path}.app_language")
    program["service_content_types"] = imp.service_contents(
        imp.seq(app.get("service_content_type_list"), f"{path}.service_content_type_list"),
        f"{path}.service_content_type_list")
    program["remark"] = imp.text(app, "remark", path) or ""
    _description_from_remark(imp, program, f"{path}.remark")
    program["pre_approvals"] = _dy_pre_approvals(imp, app, path)

    program["principal"] = _dy_program_principal(imp, app, path, subject)
    imp.douyin_materials(app.get("app_authority_letter"), f"{path}.app_authority_letter",
                         Slot.PROGRAM_SUPPLEMENTARY, AttachmentKind.PROGRAM_PRINCIPAL_AUTHORIZATION)
    imp.douyin_materials(app.get("app_other_materials"), f"{path}.app_other_materials",
                         Slot.PROGRAM_SUPPLEMENTARY, AttachmentKind.OTHER)
    _defaults(imp, program)
    return program


def import_douyin(body: Mapping[str, Any], dictionaries: PlatformDictionaries | None = None) -> ImportResult:
    """The filing document of a Douyin `submit_record_info` (or `alter_record_info`) request body.

    Never raises: whatever cannot be mapped is in `unmapped`, every default and inference in `warnings`.
    """
    imp = _Importer("抖音", dictionaries)
    if not isinstance(body, Mapping):
        imp.miss("", body, "请求体应为 JSON 对象")
        body = {}
    imp.obj(body, "", ("corp_info", "app_info"))
    corp = imp.obj(body.get("corp_info"), "corp_info", _DY_CORP_KEYS)
    app = imp.obj(body.get("app_info"), "app_info", _DY_APP_KEYS)
    subject = _dy_subject(imp, corp, "corp_info")
    province = subject.get("address", {}).get("province")
    if corp is not None:
        kind = _commitment_kind(province)
        found = imp.douyin_materials(corp.get("corp_commitment"), "corp_info.corp_commitment",
                                     Slot.FILING_COMMITMENT, kind)
        if found and kind is AttachmentKind.OTHER:
            imp.warn("attachments：corp_info.corp_commitment（主办单位备案承诺书）导入为备案承诺书槽位的 other；"
                     "只有广东、重庆的承诺书有专门的 kind")
    program = _dy_program(imp, app, "app_info", subject)
    return imp.result(_skeleton(program, subject, imp.attachments))
