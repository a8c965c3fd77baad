"""The Douyin importer: an `apps/v1/icp_record/submit_record_info` body (`corp_info` / `app_info`,
`shared/reference/platform-filing-apis.md` §6) → our filing document.

`import_douyin(body)` returns an `ImportResult` and never raises (see the package docstring). The code tables
below hold only the ids Douyin documents; pass the live dictionaries as `PlatformDictionaries`. Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Final

from ..calendar import BEIJING
from ..document import LONG_TERM, SAME_AS_SUBJECT_PRINCIPAL
from ..enums import (
    AttachmentKind,
    OrgCertificateType,
    PersonIdType,
    PreApprovalCategory,
    ProgramType,
    Slot,
    SubjectNature,
    label,
)
from .common import (
    _CATEGORY_BY_NAME,
    _CERTIFICATE_BY_NAME,
    _NATURE_BY_NAME,
    CertificateType,
    ImportResult,
    PlatformDictionaries,
    _commitment_kind,
    _defaults,
    _description_from_remark,
    _Importer,
    _is_int,
    _join,
    _name_of,
    _normalize_name,
    _put,
    _refine_nature,
    _same_person_certificate,
    _skeleton,
)

__all__ = ["DOUYIN_CORP_TYPES", "DOUYIN_CREDENTIAL_TYPES", "DOUYIN_PRE_APPROVAL_ITEMS", "import_douyin"]

# -- mapping tables (only what Douyin documents; see docs/importers.md for the sources) ------------------

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

#: Language names (Douyin `app_language` dictionary) → the tags of `program.languages`.
_LANGUAGE_TAGS: Final[Mapping[str, str]] = {
    "中文简体": "zh-Hans", "简体中文": "zh-Hans", "中文": "zh-Hans",
    "中文繁体": "zh-Hant", "繁体中文": "zh-Hant",
    "英语": "en", "英文": "en", "日语": "ja", "韩语": "ko", "法语": "fr", "德语": "de", "俄语": "ru",
    "西班牙语": "es", "阿拉伯语": "ar", "葡萄牙语": "pt",
    "蒙古文": "mn", "藏文": "bo", "维吾尔文": "ug", "朝鲜文": "ko", "彝文": "ii", "壮文": "za",
}

_MS_THRESHOLD: Final = 100_000_000_000  # a timestamp above this is in milliseconds (year 5138 in seconds)


class _DyImporter(_Importer):
    """One Douyin import: `_Importer` plus Douyin's timestamps and `{"path": …}` materials."""

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
            day = dt.datetime.fromtimestamp(number, tz=BEIJING).date()
        except (OverflowError, OSError, ValueError):
            day = None
        if day is None or not 1900 <= day.year <= 2200:
            self.miss(where, value, "时间戳超出合理范围（1900–2200 年）")
            return None
        return day.isoformat()

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


def _dy_validity(imp: _DyImporter, corp: Mapping[str, Any], path: str, person: dict[str, Any]) -> None:
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


def _dy_subject(imp: _DyImporter, corp: Mapping[str, Any] | None, path: str) -> dict[str, Any]:
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


def _dy_languages(imp: _DyImporter, value: Any, path: str) -> list[str]:
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


def _dy_pre_approvals(imp: _DyImporter, app: Mapping[str, Any], path: str) -> list[dict[str, Any]]:
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


def _dy_program_principal(imp: _DyImporter, app: Mapping[str, Any], path: str, subject: dict[str, Any]
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


def _dy_program(imp: _DyImporter, app: Mapping[str, Any] | None, path: str, subject: dict[str, Any]
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
    imp = _DyImporter("抖音", dictionaries)
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
