"""The closed vocabularies of the filing document (codes are English; labels are the Chinese shown to users).

Every enumeration here is part of the public contract `shared/spec/filing-document.md`: codes may be
added, never renamed. `LABELS` maps each code to the Chinese a filer sees.
"""

from __future__ import annotations

from enum import StrEnum


class FilingKind(StrEnum):
    """Filing type (备案类型), seed 001 §二(二)."""

    NEW = "new"
    CHANGE = "change"
    CANCEL_SUBJECT = "cancel_subject"
    CANCEL_PROGRAM = "cancel_program"
    CANCEL_ACCESS = "cancel_access"


class ProgramType(StrEnum):
    MINI_PROGRAM = "mini_program"
    MINI_GAME = "mini_game"


class SubjectNature(StrEnum):
    """Subject nature (单位性质)."""

    ENTERPRISE = "enterprise"
    INDIVIDUAL_BUSINESS = "individual_business"
    INDIVIDUAL = "individual"
    GOVERNMENT = "government"
    PUBLIC_INSTITUTION = "public_institution"
    SOCIAL_ORGANIZATION = "social_organization"
    PRIVATE_NON_ENTERPRISE = "private_non_enterprise"
    FOUNDATION = "foundation"
    LAW_FIRM = "law_firm"
    MILITARY = "military"
    FOREIGN_CULTURAL_CENTER = "foreign_cultural_center"
    MASS_ORGANIZATION = "mass_organization"
    JUDICIAL_EXPERTISE = "judicial_expertise"
    RELIGIOUS = "religious"
    OVERSEAS = "overseas"
    MEDICAL = "medical"
    NOTARY = "notary"
    COLLECTIVE_ECONOMY = "collective_economy"
    ARBITRATION = "arbitration"


class PersonIdType(StrEnum):
    """The seven accepted personal identity documents, seed 001 §二(三)3."""

    RESIDENT_ID = "resident_id"
    PASSPORT = "passport"
    TAIWAN_TRAVEL_PERMIT = "taiwan_travel_permit"
    HK_MACAO_TRAVEL_PERMIT = "hk_macao_travel_permit"
    FOREIGN_PERMANENT_RESIDENCE = "foreign_permanent_residence"
    HK_MACAO_RESIDENCE_PERMIT = "hk_macao_residence_permit"
    TAIWAN_RESIDENCE_PERMIT = "taiwan_residence_permit"


class OrgCertificateType(StrEnum):
    """Organisation certificates (主办单位证件类型)."""

    BUSINESS_LICENSE = "business_license"
    USCC_CERTIFICATE = "uscc_certificate"
    PUBLIC_INSTITUTION_CERTIFICATE = "public_institution_certificate"
    SOCIAL_ORGANIZATION_CERTIFICATE = "social_organization_certificate"
    PRIVATE_NON_ENTERPRISE_CERTIFICATE = "private_non_enterprise_certificate"
    FOUNDATION_CERTIFICATE = "foundation_certificate"
    LAW_FIRM_LICENSE = "law_firm_license"
    MEDICAL_INSTITUTION_LICENSE = "medical_institution_license"
    RELIGIOUS_VENUE_CERTIFICATE = "religious_venue_certificate"
    FOREIGN_ENTERPRISE_REPRESENTATIVE = "foreign_enterprise_representative"
    MILITARY_PAID_SERVICE_LICENSE = "military_paid_service_license"
    FOREIGN_CULTURAL_CENTER_CERTIFICATE = "foreign_cultural_center_certificate"
    JUDICIAL_EXPERTISE_LICENSE = "judicial_expertise_license"
    NOTARY_LICENSE = "notary_license"
    ARBITRATION_CERTIFICATE = "arbitration_certificate"
    COLLECTIVE_ECONOMY_CERTIFICATE = "collective_economy_certificate"


class PreApprovalCategory(StrEnum):
    """Pre-approval items (前置审批项), seed 004 附:前置审批说明."""

    NEWS = "news"
    PUBLISHING = "publishing"
    EDUCATION = "education"
    MEDICAL = "medical"
    DRUGS_DEVICES = "drugs_devices"
    CULTURE = "culture"
    BROADCASTING = "broadcasting"
    RIDE_HAILING = "ride_hailing"
    FINANCE = "finance"
    TUTORING = "tutoring"
    RELIGION = "religion"


class Slot(StrEnum):
    """Where a file is uploaded in the form."""

    SUBJECT_CERTIFICATE = "subject_certificate"
    SUBJECT_PRINCIPAL_ID = "subject_principal_id"
    PROGRAM_PRINCIPAL_ID = "program_principal_id"
    PRE_APPROVAL = "pre_approval"
    SUBJECT_SUPPLEMENTARY = "subject_supplementary"
    PROGRAM_SUPPLEMENTARY = "program_supplementary"
    FILING_COMMITMENT = "filing_commitment"


class AttachmentKind(StrEnum):
    CERTIFICATE_PHOTO = "certificate_photo"
    ID_FRONT = "id_front"
    ID_BACK = "id_back"
    SUBJECT_PRINCIPAL_AUTHORIZATION = "subject_principal_authorization"
    PROGRAM_PRINCIPAL_AUTHORIZATION = "program_principal_authorization"
    NON_INVOLVEMENT_COMMITMENT = "non_involvement_commitment"
    PRE_APPROVAL_DOCUMENT = "pre_approval_document"
    PUBLICATION_AUTHORIZATION = "publication_authorization"
    AUTHORIZATION_EXPLANATION = "authorization_explanation"
    RESIDENCE_PROOF = "residence_proof"
    GUANGDONG_FILING_COMMITMENT = "guangdong_filing_commitment"
    CHONGQING_PUBLIC_COMMITMENT = "chongqing_public_commitment"
    CONSTRUCTION_PLAN = "construction_plan"
    SITE_SCREENSHOTS = "site_screenshots"
    OTHER = "other"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Verdict(StrEnum):
    READY = "ready"
    BLOCKED = "blocked"


#: Letters a person signs and dates: seed 004 §1.2 附件 and §1.3 require them signed within one month
#: before submission and never after it.
SIGNED_LETTER_KINDS: frozenset[AttachmentKind] = frozenset(
    {
        AttachmentKind.SUBJECT_PRINCIPAL_AUTHORIZATION,
        AttachmentKind.PROGRAM_PRINCIPAL_AUTHORIZATION,
        AttachmentKind.NON_INVOLVEMENT_COMMITMENT,
        AttachmentKind.GUANGDONG_FILING_COMMITMENT,
        AttachmentKind.CHONGQING_PUBLIC_COMMITMENT,
        AttachmentKind.CONSTRUCTION_PLAN,
    }
)

ORGANISATION_NATURES: frozenset[SubjectNature] = frozenset(SubjectNature) - {SubjectNature.INDIVIDUAL}

_LABELS: dict[type[StrEnum], dict[str, str]] = {
    FilingKind: {
        "new": "新增备案",
        "change": "变更备案",
        "cancel_subject": "注销主体",
        "cancel_program": "注销小程序",
        "cancel_access": "取消接入",
    },
    ProgramType: {
        "mini_program": "小程序",
        "mini_game": "小游戏",
    },
    SubjectNature: {
        "enterprise": "企业",
        "individual_business": "个体工商户",
        "individual": "个人",
        "government": "政府机关",
        "public_institution": "事业单位",
        "social_organization": "社会团体",
        "private_non_enterprise": "民办非企业单位",
        "foundation": "基金会",
        "law_firm": "律师执业机构",
        "military": "国防机构",
        "foreign_cultural_center": "外国在华文化中心",
        "mass_organization": "群众性团体组织",
        "judicial_expertise": "司法鉴定机构",
        "religious": "宗教团体",
        "overseas": "境外机构",
        "medical": "医疗机构",
        "notary": "公证机构",
        "collective_economy": "集体经济",
        "arbitration": "仲裁机构",
    },
    PersonIdType: {
        "resident_id": "居民身份证",
        "passport": "护照",
        "taiwan_travel_permit": "台湾居民来往大陆通行证",
        "hk_macao_travel_permit": "港澳居民来往内地通行证",
        "foreign_permanent_residence": "外国人永久居留身份证",
        "hk_macao_residence_permit": "港澳居民居住证",
        "taiwan_residence_permit": "台湾居民居住证",
    },
    OrgCertificateType: {
        "business_license": "营业执照",
        "uscc_certificate": "统一社会信用代码证书",
        "public_institution_certificate": "事业单位法人证书",
        "social_organization_certificate": "社会团体法人登记证书",
        "private_non_enterprise_certificate": "民办非企业单位登记证书",
        "foundation_certificate": "基金会法人登记证书",
        "law_firm_license": "律师事务所执业许可证",
        "medical_institution_license": "医疗机构执业许可证",
        "religious_venue_certificate": "宗教活动场所登记证",
        "foreign_enterprise_representative": "外国企业常驻代表机构登记证",
        "military_paid_service_license": "军队单位对外有偿服务许可证",
        "foreign_cultural_center_certificate": "外国在华文化中心登记证",
        "judicial_expertise_license": "司法鉴定许可证",
        "notary_license": "公证机构执业证",
        "arbitration_certificate": "仲裁委员会登记证",
        "collective_economy_certificate": "农村集体经济组织登记证",
    },
    PreApprovalCategory: {
        "news": "新闻",
        "publishing": "出版",
        "education": "教育",
        "medical": "医疗保健",
        "drugs_devices": "药品和医疗器械",
        "culture": "文化",
        "broadcasting": "广播电影电视节目",
        "ride_hailing": "网络预约车",
        "finance": "互联网金融",
        "tutoring": "校外培训(高中及以下阶段)",
        "religion": "宗教",
    },
    Slot: {
        "subject_certificate": "主办单位证件",
        "subject_principal_id": "主体负责人证件",
        "program_principal_id": "小程序负责人证件",
        "pre_approval": "前置审批",
        "subject_supplementary": "主体补充材料",
        "program_supplementary": "小程序补充材料",
        "filing_commitment": "备案承诺书",
    },
    AttachmentKind: {
        "certificate_photo": "证件照片",
        "id_front": "证件人像面",
        "id_back": "证件国徽面",
        "subject_principal_authorization": "主体负责人授权书",
        "program_principal_authorization": "小程序负责人授权书",
        "non_involvement_commitment": "实际不从事/不涉及前置审批承诺书",
        "pre_approval_document": "前置审批文件",
        "publication_authorization": "版号授权书",
        "authorization_explanation": "授权说明",
        "residence_proof": "居住证明(居住证/暂住证/房产证/社保证明)",
        "guangdong_filing_commitment": "广东省备案承诺书",
        "chongqing_public_commitment": "移动应用程序备案公开承诺书(重庆)",
        "construction_plan": "小程序建设方案书",
        "site_screenshots": "小程序建站说明/页面截图",
        "other": "其他材料",
    },
    Severity: {"error": "错误", "warning": "警告", "info": "提示"},
    Verdict: {"ready": "可以提交", "blocked": "不能提交"},
}


def _flat() -> dict[str, str]:
    """Codes that mean one thing across all vocabularies ("medical" does not: nature and category)."""
    seen: dict[str, str] = {}
    clash: set[str] = set()
    for table in _LABELS.values():
        for code, text in table.items():
            if code in seen and seen[code] != text:
                clash.add(code)
            seen[code] = text
    return {k: v for k, v in seen.items() if k not in clash}


_FLAT = _flat()


def label(code: StrEnum | str, of: type[StrEnum] | None = None) -> str:
    """The Chinese label of a code. Enum members know their vocabulary; for a bare string pass `of`
    when the code is ambiguous (`medical` is both 医疗机构 and 医疗保健). Unknown codes come back as is."""
    if isinstance(code, StrEnum):
        return _LABELS.get(type(code), {}).get(code.value, code.value)
    if of is not None:
        return _LABELS[of].get(code, code)
    return _FLAT.get(code, code)

