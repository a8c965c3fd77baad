"""The WeChat importer: a third-party `wxa/icp/apply_icp_filing` body (`icp_subject` / `icp_applets` /
`icp_materials`, `shared/reference/platform-filing-apis.md` §2) → our filing document.

`import_wechat(body)` returns an `ImportResult` and never raises (see the package docstring). The code tables
below hold only the ids WeChat documents; pass the live dictionaries as `PlatformDictionaries`. Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Final

from ..document import LONG_TERM
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
    _int_text,
    _join,
    _put,
    _refine_nature,
    _same_person_certificate,
    _skeleton,
)

__all__ = ["WECHAT_CERTIFICATE_TYPES", "WECHAT_NRLX_TYPES", "WECHAT_SUBJECT_TYPES", "import_wechat"]

# -- mapping tables (only what WeChat documents; see docs/importers.md for the sources) ------------------

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


class _WxImporter(_Importer):
    """One WeChat import: `_Importer` plus WeChat's date and media_id formats."""

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


def _wx_person(imp: _WxImporter, info: Mapping[str, Any] | None, path: str, *, program: bool) -> dict[str, Any]:
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


def _wx_subject(imp: _WxImporter, body: Mapping[str, Any]) -> dict[str, Any]:
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


def _wx_legal_rep(imp: _WxImporter, legal_in: Mapping[str, Any] | None, principal: dict[str, Any], where: str
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


def _wx_program(imp: _WxImporter, body: Mapping[str, Any]) -> dict[str, Any]:
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


def _wx_pre_approvals(imp: _WxImporter, value: Any, path: str) -> list[dict[str, Any]]:
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


def _wx_materials(imp: _WxImporter, body: Mapping[str, Any], province: str | None) -> None:
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
    imp = _WxImporter("微信", dictionaries)
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
