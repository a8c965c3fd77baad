"""Every rule of the catalogue has a case that triggers it and a near miss that does not.

A rule "fires" when the report has a finding with its id or a requirement with its id that is not met.
The quiet case is always a near miss: the same province and case with the condition just not met, or
with the material supplied, so a rule that fires on everything (or on nothing) fails here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest

from icpflow.domain.rules.context import ImageFacts
from icpflow.domain.rules.engine import Checker
from icpflow.testing import PROVINCE_DISTRICTS, StaticImageProbe, make_uscc

from .conftest import (
    DELETE,
    SIGNED_ON,
    attach,
    attachment,
    cancellation,
    checker_with,
    employee,
    filing,
    findings_of,
    fired,
    game,
    individual,
    non_legal_subject_principal,
    patch,
    requirements_of,
    run,
    separate_program_principal,
    with_scope,
    without_attachment,
)

Doc = dict[str, Any]


@dataclass(frozen=True)
class Case:
    rule_id: str
    name: str
    build: Callable[[], Doc]
    fires: bool
    #: file name -> what the image probe measures (None: no probe)
    images: Mapping[str, ImageFacts] | None = None
    #: non-default Settings for the checker
    settings: Mapping[str, Any] = field(default_factory=dict)


# ----- builders used by several cases ---------------------------------------------------------------------

FINANCE_SCOPE = "投资管理；技术开发、技术服务。"
EDUCATION_SCOPE = "技术开发；教育咨询服务。"
NON_INVOLVEMENT_REMARK = (
    "该小程序提供的服务是：饮食记录，承诺不涉及“互联网金融”相关前置审批项内容，如果有违规情况，一切后果自行承担。"
)


def enterprise_address_in(province: str) -> Callable[[], Doc]:
    def build() -> Doc:
        district = PROVINCE_DISTRICTS[province]
        return filing("330000", {"subject.address.province": province, "subject.address.city": district[:4] + "00",
                                 "subject.address.district": district})
    return build


def shared_mobile() -> Doc:
    doc = separate_program_principal(filing())
    doc["program"]["principal"]["mobile"] = doc["subject"]["principal"]["mobile"]
    return doc


def same_person_twice(name: str) -> Doc:
    """The subject principal written out again as program principal, perhaps under another name."""
    doc = filing()
    person = dict(doc["subject"]["principal"], name=name, is_legal_representative=False)
    return separate_program_principal(doc, person)


def individual_with_program_principal(name: str) -> Doc:
    doc = individual("330000")
    person = dict(doc["subject"]["principal"])
    if name != person["name"]:
        person = employee(doc, name=name)
    return separate_program_principal(doc, person)


def declared_finance(number: str = "沪金审〔2026〕12 号", slot: str = "pre_approval",
                     attachment_id: str | None = "fin") -> Doc:
    doc = with_scope(filing(), FINANCE_SCOPE)
    attach(doc, "pre_approval_document", slot, id="fin")
    doc["program"]["pre_approvals"] = [{"category": "finance", "number": number, "attachment": attachment_id}]
    return doc


def with_letter(doc: Doc, kind: str, slot: str) -> Doc:
    return attach(doc, kind, slot)


def individual_business(province: str, *, principal_is_legal_rep: bool) -> Doc:
    doc = filing(province, nature="individual_business")
    if not principal_is_legal_rep:
        non_legal_subject_principal(doc)
    return doc


def tianjin_remark(transform: Callable[[str], str]) -> Callable[[], Doc]:
    def build() -> Doc:
        doc = filing("120000")
        doc["program"]["remark"] = transform(doc["program"]["remark"])
        return doc
    return build


def landscape(province: str, width: int, height: int) -> Callable[[], Doc]:
    return lambda: filing(province, {"attachments.0.width": width, "attachments.0.height": height})


def probed(province: str) -> Doc:
    """The certificate photo has a file and no size in the document: only the probe can measure it."""
    return filing(province, {"attachments.0.file": "cert.jpg", "attachments.0.width": DELETE,
                             "attachments.0.height": DELETE})


def count_under_subject(province: str, count: int, material: str | None = None) -> Callable[[], Doc]:
    def build() -> Doc:
        doc = filing(province, {"program.count_under_subject": count})
        return attach(doc, material, "program_supplementary") if material else doc
    return build


def sichuan_with_letter(remark: str) -> Doc:
    doc = with_scope(filing("510000"), EDUCATION_SCOPE)
    attach(doc, "non_involvement_commitment", "program_supplementary")
    doc["program"]["remark"] = remark
    return doc


def game_with(province: str, level: int, *materials: tuple[str, str]) -> Callable[[], Doc]:
    def build() -> Doc:
        doc = game(province, level=level)
        for kind, slot in materials:
            attach(doc, kind, slot)
        return doc
    return build


def letter_signed(signed_on: str | None) -> Doc:
    doc = filing("440000")
    letter = attachment(doc, "commitment")
    if signed_on is None:
        del letter["signed_on"]
    else:
        letter["signed_on"] = signed_on
    return doc


def bad_check_char(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


def bad_principal_id() -> Doc:
    doc = filing()
    doc["subject"]["principal"]["id_number"] = bad_check_char(doc["subject"]["principal"]["id_number"])
    return doc


def bad_legal_rep_id() -> Doc:
    doc = filing()
    doc["subject"]["legal_representative"]["id_number"] = bad_check_char(
        doc["subject"]["legal_representative"]["id_number"])
    return doc


def province_unknown(certificate_address: str) -> Doc:
    return patch(individual("330000"), {
        "subject.address": {"province": "990000", "city": "990100", "district": "990101", "detail": "某路 1 号 101 室"},
        "subject.certificate.address": certificate_address,
    })


def passport_principal(with_back: bool) -> Doc:
    doc = filing()
    person = employee(doc, id_type="passport", id_number="E12345678")
    doc["program"]["principal"] = person
    attach(doc, "id_front", "program_principal_id", id="pp-front")
    if with_back:
        attach(doc, "id_back", "program_principal_id", id="pp-back")
    return doc


def missing_id_back() -> Doc:
    return without_attachment(filing(), "id-back")


# ----- the table -------------------------------------------------------------------------------------------

CASES: list[Case] = [
    # --- field formats ----------------------------------------------------------------------------------------
    Case("field.required", "subject-principal-email-blank",
         lambda: filing("330000", {"subject.principal.email": "  "}), True),
    Case("field.required", "program-principal-emergency-phone-empty",
         lambda: patch(separate_program_principal(filing()), {"program.principal.emergency_phone": ""}), True),
    Case("field.required", "program-principal-same-as-subject-asks-nothing-more",
         lambda: filing("330000", {"program.principal": "same_as_subject_principal"}), False),
    Case("field.required_cancel", "cancel-program-without-appid",
         lambda: patch(cancellation("cancel_program", "浙ICP备2023012345号-1X"), {"program.appid": ""}), True),
    Case("field.required_cancel", "cancel-subject-names-no-program",
         lambda: cancellation("cancel_subject", "浙ICP备2023012345号"), False),
    Case("field.required_cancel", "cancel-program-with-appid",
         lambda: cancellation("cancel_program", "浙ICP备2023012345号-1X"), False),
    Case("field.person_id", "resident-id-bad-checksum", bad_principal_id, True),
    Case("field.person_id", "legal-representative-id-bad-checksum", bad_legal_rep_id, True),
    Case("field.person_id", "resident-id-good-checksum", lambda: filing(), False),
    Case("field.certificate_number", "uscc-bad-check-character",
         lambda: patch(filing(), {"subject.certificate.number": bad_check_char(make_uscc("330106"))}), True),
    Case("field.certificate_number", "uscc-good-check-character",
         lambda: patch(filing(), {"subject.certificate.number": make_uscc("330106")}), False),
    Case("field.uscc_authority", "enterprise-with-social-organisation-code",
         lambda: patch(filing(), {"subject.certificate.number": make_uscc("330106", authority="5")}), True),
    Case("field.uscc_authority", "social-organisation-with-its-code",
         lambda: patch(filing(nature="social_organization"),
                       {"subject.certificate.number": make_uscc("330106", authority="5")}), False),
    Case("field.mobile", "landline-as-mobile", lambda: filing("330000", {"subject.principal.mobile": "057188886666"}),
         True),
    Case("field.mobile", "mobile-with-country-code-and-spaces",
         lambda: filing("330000", {"subject.principal.mobile": "+86 138 0000 0004"}), False),
    Case("field.emergency_phone", "five-digit-number",
         lambda: filing("330000", {"subject.principal.emergency_phone": "12345"}), True),
    Case("field.emergency_phone", "landline-is-fine-for-emergency",
         lambda: filing("330000", {"subject.principal.emergency_phone": "0571-88886666"}), False),
    Case("field.email", "double-at", lambda: filing("330000", {"subject.principal.email": "li@@example"}), True),
    Case("field.email", "well-formed", lambda: filing("330000", {"subject.principal.email": "li.mou@example.com.cn"}),
         False),
    Case("field.address_region", "city-of-another-province",
         lambda: filing("330000", {"subject.address.city": "320100"}), True),
    Case("field.address_region", "city-of-the-province", lambda: filing("330000", {"subject.address.city": "330100"}),
         False),
    Case("field.address_detail_repeats_region", "detail-starts-with-province-city-district",
         lambda: filing("330000", {"subject.address.detail": "浙江省杭州市西湖区文三路 90 号"}), True),
    Case("field.address_detail_repeats_region", "place-name-that-only-contains-the-district-short-name",
         lambda: filing("330000", {"subject.address.detail": "西湖文化广场 3 号 501 室"}), False),
    Case("field.attachment_ids_unique", "two-attachments-one-id",
         lambda: filing("330000", {"attachments.1.id": "cert"}), True),
    Case("field.attachment_ids_unique", "ids-differ", lambda: filing("330000", {"attachments.1.id": "cert-2"}), False),
    *[Case("field.description_length", f"{n}-characters",
           lambda n=n: filing("330000", {"program.description": "记" * n}), not 20 <= n <= 200)
      for n in (19, 20, 200, 201)],
    # --- nationwide ----------------------------------------------------------------------------------------
    Case("nationwide.province_known", "individual-with-no-province-anywhere",
         lambda: province_unknown("某市某区某路 1 号"), True),
    Case("nationwide.province_known", "individual-whose-certificate-address-names-the-province",
         lambda: province_unknown("浙江省杭州市西湖区某路 1 号"), False),
    Case("nationwide.certificate_matches_nature", "enterprise-with-public-institution-certificate",
         lambda: filing("330000", {"subject.certificate.type": "public_institution_certificate"}), True),
    Case("nationwide.certificate_matches_nature", "enterprise-with-uscc-certificate",
         lambda: filing("330000", {"subject.certificate.type": "uscc_certificate"}), False),
    Case("nationwide.certificate_matches_nature", "government-with-business-license",
         lambda: filing("330000", {"subject.certificate.type": "business_license"}, nature="government"), True),
    Case("nationwide.certificate_matches_nature", "individual-with-business-license",
         lambda: filing("330000", {"subject.certificate.type": "business_license"}, nature="individual"), True),
    Case("nationwide.certificate_matches_nature", "individual-with-resident-id",
         lambda: filing("330000", nature="individual"), False),
    Case("nationwide.certificate_validity", "valid-a-day-short-of-three-months",
         lambda: filing("330000", {"subject.certificate.valid_to": "2027-02-21"}), True),
    Case("nationwide.certificate_validity", "valid-exactly-three-months",
         lambda: filing("330000", {"subject.certificate.valid_to": "2027-02-22"}), False),
    Case("nationwide.certificate_validity", "no-end-date",
         lambda: filing("330000", {"subject.certificate.valid_to": None}), True),
    Case("nationwide.certificate_validity", "valid-from-after-submission",
         lambda: filing("330000", {"subject.certificate.valid_from": "2026-12-01"}), True),
    Case("nationwide.certificate_validity", "seven-weeks-left-under-one-month-policy",
         lambda: filing("330000", {"subject.certificate.valid_to": "2027-01-10"}), False,
         settings={"certificate_validity_months": 1}),
    Case("nationwide.certificate_validity", "four-weeks-left-under-one-month-policy",
         lambda: filing("330000", {"subject.certificate.valid_to": "2026-12-21"}), True,
         settings={"certificate_validity_months": 1}),
    Case("nationwide.person_id_validity", "id-expires-within-three-months",
         lambda: filing("330000", {"subject.principal.id_valid_to": "2027-01-10"}), True),
    Case("nationwide.person_id_validity", "id-long-term",
         lambda: filing("330000", {"subject.principal.id_valid_to": "long_term"}), False),
    Case("nationwide.person_id_validity", "same-id-under-one-month-policy",
         lambda: filing("330000", {"subject.principal.id_valid_to": "2027-01-10"}), False,
         settings={"certificate_validity_months": 1}),
    Case("nationwide.letter_signed_window", "signed-the-day-after-submission", lambda: letter_signed("2026-11-23"),
         True),
    Case("nationwide.letter_signed_window", "signed-on-the-day-of-submission", lambda: letter_signed("2026-11-22"),
         False),
    Case("nationwide.letter_signed_window", "signed-a-month-and-a-day-before", lambda: letter_signed("2026-10-21"),
         True),
    Case("nationwide.letter_signed_window", "signed-exactly-a-month-before", lambda: letter_signed("2026-10-22"),
         False),
    Case("nationwide.letter_signed_window", "letter-without-date", lambda: letter_signed(None), True),
    Case("nationwide.emergency_phone_differs", "emergency-equals-mobile",
         lambda: filing("330000", {"subject.principal.emergency_phone": "13800000004"}), True),
    Case("nationwide.emergency_phone_differs", "emergency-equals-mobile-written-with-country-code",
         lambda: filing("330000", {"subject.principal.emergency_phone": "+86 138 0000 0004"}), True),
    Case("nationwide.emergency_phone_differs", "emergency-one-digit-off",
         lambda: filing("330000", {"subject.principal.emergency_phone": "13800000005"}), False),
    Case("nationwide.phones_not_shared", "two-people-one-mobile", shared_mobile, True),
    Case("nationwide.phones_not_shared", "one-person-written-twice", lambda: same_person_twice("王某某"), False),
    Case("nationwide.same_id_same_name", "same-id-two-names", lambda: same_person_twice("王某"), True),
    Case("nationwide.same_id_same_name", "same-id-same-name", lambda: same_person_twice("王某某"), False),
    Case("nationwide.individual_principal_is_self", "individual-whose-subject-principal-is-someone-else",
         lambda: filing("330000", {"subject.principal.name": "李某"}, nature="individual"), True),
    Case("nationwide.individual_principal_is_self", "individual-whose-program-principal-is-someone-else",
         lambda: individual_with_program_principal("李某某"), True),
    Case("nationwide.individual_principal_is_self", "individual-who-writes-themself-out-as-program-principal",
         lambda: individual_with_program_principal("王某某"), False),
    Case("nationwide.legal_rep_consistency", "claims-legal-rep-but-name-differs",
         lambda: filing("330000", {"subject.legal_representative.name": "赵某某"}), True),
    Case("nationwide.legal_rep_consistency", "claims-legal-rep-but-none-on-record",
         lambda: filing("330000", {"subject.legal_representative": None}), True),
    Case("nationwide.legal_rep_consistency", "does-not-claim-but-matches-record",
         lambda: filing("330000", {"subject.principal.is_legal_representative": False}), False),
    Case("nationwide.program_principal_face_verified", "not-verified",
         lambda: filing("330000", {"subject.principal.face_verified": False}), True),
    Case("nationwide.program_principal_face_verified", "subject-principal-unverified-but-program-principal-is-not-them",
         lambda: patch(separate_program_principal(filing()), {"subject.principal.face_verified": False}), False),
    Case("nationwide.program_principal_individual_business", "individual-business-with-employee-as-program-principal",
         lambda: separate_program_principal(filing("330000", nature="individual_business")), True),
    Case("nationwide.program_principal_individual_business", "enterprise-with-employee-as-program-principal",
         lambda: separate_program_principal(filing("330000")), False),
    Case("nationwide.address_in_certificate_province", "zhejiang-company-writes-from-jiangsu",
         enterprise_address_in("320000"), True),
    Case("nationwide.address_in_certificate_province", "zhejiang-company-writes-from-zhejiang",
         enterprise_address_in("330000"), False),
    Case("nationwide.pre_approval_declared", "declared-without-number", lambda: declared_finance(number=""), True),
    Case("nationwide.pre_approval_declared", "declared-without-document",
         lambda: declared_finance(attachment_id=None), True),
    Case("nationwide.pre_approval_declared", "document-in-subject-supplementary",
         lambda: declared_finance(slot="subject_supplementary"), True),
    Case("nationwide.pre_approval_declared", "declared-with-number-and-document", declared_finance, False),
    Case("nationwide.pre_approval_non_involvement", "finance-keyword-no-remark-no-letter",
         lambda: with_scope(filing(), FINANCE_SCOPE), True),
    Case("nationwide.pre_approval_non_involvement", "finance-keyword-with-non-involvement-remark",
         lambda: with_scope(filing("330000", {"program.remark": NON_INVOLVEMENT_REMARK}), FINANCE_SCOPE), False),
    Case("nationwide.pre_approval_non_involvement", "finance-keyword-with-letter",
         lambda: with_letter(with_scope(filing(), FINANCE_SCOPE), "non_involvement_commitment",
                             "program_supplementary"), False),
    Case("nationwide.pre_approval_non_involvement", "finance-keyword-with-letter-in-subject-supplementary",
         lambda: with_letter(with_scope(filing(), FINANCE_SCOPE), "non_involvement_commitment",
                             "subject_supplementary"), True),
    Case("nationwide.pre_approval_non_involvement", "finance-keyword-inside-exclusion-clause",
         lambda: with_scope(filing(), "技术开发、技术服务（不含金融业务）。"), False),
    Case("nationwide.pre_approval_non_involvement", "tianjin-refuses-the-remark",
         lambda: with_scope(filing("120000"), FINANCE_SCOPE), True),
    Case("nationwide.pre_approval_non_involvement", "tianjin-takes-the-letter",
         lambda: with_letter(with_scope(filing("120000"), FINANCE_SCOPE), "non_involvement_commitment",
                             "program_supplementary"), False),
    Case("nationwide.identity_photos", "subject-principal-id-back-missing", missing_id_back, True),
    Case("nationwide.identity_photos", "passport-has-no-back", lambda: passport_principal(with_back=False), False),
    Case("nationwide.identity_photos", "certificate-photo-in-wrong-slot",
         lambda: filing("330000", {"attachments.0.slot": "subject_supplementary"}), True),
    Case("nationwide.attachment_readable", "file-cannot-be-decoded", lambda: probed("330000"), True,
         images={"cert.jpg": ImageFacts(problem="无法解码图片")}),
    Case("nationwide.attachment_readable", "file-over-10-mb", lambda: probed("330000"), True,
         images={"cert.jpg": ImageFacts(format="JPEG", width=1600, height=1200, size_bytes=11 * 1048576)}),
    Case("nationwide.attachment_readable", "file-of-9-mb", lambda: probed("330000"), False,
         images={"cert.jpg": ImageFacts(format="JPEG", width=1600, height=1200, size_bytes=9 * 1048576)}),
    Case("nationwide.attachment_resolution", "short-side-599", landscape("330000", 1600, 599), True),
    Case("nationwide.attachment_resolution", "short-side-600", landscape("330000", 1600, 600), False),
    Case("nationwide.attachment_resolution", "probe-measures-small-photo", lambda: probed("330000"), True,
         images={"cert.jpg": ImageFacts(format="JPEG", width=400, height=300)}),
    Case("nationwide.game_details", "no-publication-number-and-no-mini-game-filing",
         lambda: game("330000", isbn=None, filing_approved=False), True),
    Case("nationwide.game_details", "no-publication-number-but-mini-game-filing-approved",
         lambda: game("330000", isbn=None, filing_approved=True), False),
    Case("nationwide.game_details", "mini-game-without-game-section",
         lambda: patch(game("330000", isbn=None, filing_approved=True), {"program.game": None}), True),
    Case("nationwide.game_publishing_pre_approval", "publication-number-without-publishing-pre-approval",
         lambda: game("330000", declared=False), True),
    Case("nationwide.game_publishing_pre_approval", "publishing-pre-approval-with-another-number",
         lambda: patch(game("330000"), {"program.pre_approvals.0.number": "ISBN 978-7-498-09999-9"}), True),
    Case("nationwide.game_publishing_pre_approval", "publishing-pre-approval-with-the-number", lambda: game("330000"),
         False),
    Case("nationwide.cancel_record_number", "cancel-subject-with-program-number",
         lambda: cancellation("cancel_subject", "浙ICP备2023012345号-1X"), True),
    Case("nationwide.cancel_record_number", "cancel-subject-with-subject-number",
         lambda: cancellation("cancel_subject", "浙ICP备2023012345号"), False),
    Case("nationwide.cancel_record_number", "cancel-subject-with-other-province-number",
         lambda: cancellation("cancel_subject", "粤ICP备2023012345号"), True),
    Case("nationwide.cancel_record_number", "cancel-subject-with-short-serial",
         lambda: cancellation("cancel_subject", "浙ICP备123号"), True),
    Case("nationwide.cancel_record_number", "cancel-program-with-subject-number",
         lambda: cancellation("cancel_program", "浙ICP备2023012345号"), True),
    Case("nationwide.cancel_record_number", "cancel-program-with-app-number",
         lambda: cancellation("cancel_program", "浙ICP备2023012345号-1A"), True),
    Case("nationwide.cancel_record_number", "cancel-program-with-mini-program-number",
         lambda: cancellation("cancel_program", "浙ICP备2023012345号-1X"), False),
    Case("nationwide.cancel_record_number", "cancel-access-with-mini-program-number",
         lambda: cancellation("cancel_access", "浙ICP备2023012345号-2X"), False),
    Case("nationwide.cancel_record_number", "cancel-access-with-empty-number",
         lambda: cancellation("cancel_access", ""), True),
    Case("nationwide.change_record_number", "change-without-the-number-it-changes",
         lambda: filing("330000", {"kind": "change"}), True),
    Case("nationwide.change_record_number", "change-naming-an-app-number",
         lambda: filing("330000", {"kind": "change", "record_number": "浙ICP备2023012345号-1A"}), True),
    Case("nationwide.change_record_number", "change-naming-a-malformed-number",
         lambda: filing("330000", {"kind": "change", "record_number": "浙ICP2023012345"}), True),
    Case("nationwide.change_record_number", "change-naming-the-mini-program-number",
         lambda: filing("330000", {"kind": "change", "record_number": "浙ICP备2023012345号-1X"}), False),
    Case("nationwide.change_record_number", "change-naming-the-subject-number",
         lambda: filing("330000", {"kind": "change", "record_number": "浙ICP备2023012345号"}), False),
    Case("nationwide.change_record_number", "new-filing-needs-no-number", lambda: filing("330000"), False),
    # --- subject principal groups (seed 004 §1.2 主办单位负责人信息 1) -------------------------------------
    Case("province.subject_principal.legal_rep_only", "zhejiang-principal-not-legal-rep",
         lambda: non_legal_subject_principal(filing("330000")), True),
    Case("province.subject_principal.legal_rep_only", "zhejiang-principal-is-legal-rep", lambda: filing("330000"),
         False),
    Case("province.subject_principal.legal_rep_only", "guangdong-principal-not-legal-rep",
         lambda: non_legal_subject_principal(filing("440000")), True),
    Case("province.subject_principal.legal_rep_only", "beijing-principal-not-legal-rep",
         lambda: non_legal_subject_principal(filing("110000")), False),
    Case("province.subject_principal.legal_rep_only", "hainan-principal-not-legal-rep",
         lambda: non_legal_subject_principal(filing("460000")), False),
    Case("province.subject_principal.legal_rep_only", "liaoning-principal-not-legal-rep",
         lambda: non_legal_subject_principal(filing("210000")), False),
    Case("province.subject_principal.legal_rep_only", "jiangsu-principal-not-legal-rep",
         lambda: non_legal_subject_principal(filing("320000")), False),
    Case("province.subject_principal.legal_rep_only_shanxi", "shanxi-enterprise-principal-not-legal-rep",
         lambda: non_legal_subject_principal(filing("140000")), True),
    Case("province.subject_principal.legal_rep_only_shanxi", "shanxi-government-principal-not-legal-rep",
         lambda: non_legal_subject_principal(filing("140000", nature="government")), False),
    Case("province.subject_principal.legal_rep_only_shanxi", "shanxi-public-institution-principal-not-legal-rep",
         lambda: non_legal_subject_principal(filing("140000", nature="public_institution")), False),
    Case("province.subject_principal.authorization_letter", "jiangsu-principal-not-legal-rep-no-letter",
         lambda: non_legal_subject_principal(filing("320000")), True),
    Case("province.subject_principal.authorization_letter", "jiangsu-principal-not-legal-rep-with-letter",
         lambda: with_letter(non_legal_subject_principal(filing("320000")), "subject_principal_authorization",
                             "subject_supplementary"), False),
    Case("province.subject_principal.authorization_letter", "jiangsu-letter-in-program-supplementary",
         lambda: with_letter(non_legal_subject_principal(filing("320000")), "subject_principal_authorization",
                             "program_supplementary"), True),
    Case("province.subject_principal.authorization_letter", "beijing-principal-not-legal-rep-no-letter",
         lambda: non_legal_subject_principal(filing("110000")), False),
    Case("province.subject_principal.authorization_letter", "sichuan-individual-business-needs-operator-not-letter",
         lambda: individual_business("510000", principal_is_legal_rep=False), False),
    Case("province.subject_principal.individual_business_legal_rep", "sichuan-individual-business-not-legal-rep",
         lambda: individual_business("510000", principal_is_legal_rep=False), True),
    Case("province.subject_principal.individual_business_legal_rep", "liaoning-individual-business-not-legal-rep",
         lambda: individual_business("210000", principal_is_legal_rep=False), True),
    Case("province.subject_principal.individual_business_legal_rep", "sichuan-individual-business-legal-rep",
         lambda: individual_business("510000", principal_is_legal_rep=True), False),
    Case("province.subject_principal.individual_business_legal_rep", "beijing-individual-business-not-legal-rep",
         lambda: individual_business("110000", principal_is_legal_rep=False), False),
    # --- program principal letter (seed 004 §1.2 小程序负责人信息) -----------------------------------------
    Case("province.program_principal.authorization_letter", "shanghai-employee-without-letter",
         lambda: separate_program_principal(filing("310000")), True),
    Case("province.program_principal.authorization_letter", "shanghai-employee-with-letter",
         lambda: with_letter(separate_program_principal(filing("310000")), "program_principal_authorization",
                             "program_supplementary"), False),
    Case("province.program_principal.authorization_letter", "shanghai-letter-in-subject-supplementary",
         lambda: with_letter(separate_program_principal(filing("310000")), "program_principal_authorization",
                             "subject_supplementary"), True),
    Case("province.program_principal.authorization_letter", "zhejiang-employee-without-letter",
         lambda: separate_program_principal(filing("330000")), False),
    Case("province.program_principal.authorization_letter", "jiangsu-individual-business-needs-operator-not-letter",
         lambda: separate_program_principal(filing("320000", nature="individual_business")), False),
    # --- Tianjin (seed 004 §1.3 天津) ----------------------------------------------------------------------
    Case("province.tianjin.program_principal_not_legal_rep", "legal-rep-as-program-principal",
         lambda: filing("120000", {"program.principal": "same_as_subject_principal"}), True),
    Case("province.tianjin.program_principal_not_legal_rep", "employee-as-program-principal", lambda: filing("120000"),
         False),
    Case("province.tianjin.program_principal_not_legal_rep", "individual-business-operator-as-program-principal",
         lambda: filing("120000", {"program.principal": "same_as_subject_principal"}, nature="individual_business"),
         False),
    Case("province.tianjin.individual_home_address", "individual-address-without-room",
         lambda: filing("120000", {"subject.address.detail": "某某路 90 号"}, nature="individual"), True),
    Case("province.tianjin.individual_home_address", "individual-address-down-to-the-room",
         lambda: filing("120000", {"subject.address.detail": "某某路阳光小区 3 号楼 2 门 501 室"},
                        nature="individual"), False),
    Case("province.tianjin.individual_home_address", "company-address-without-room",
         lambda: filing("120000", {"subject.address.detail": "某某路 90 号"}), False),
    Case("province.tianjin.emergency_phone_remark", "second-emergency-phone-not-explained",
         tianjin_remark(lambda r: r.splitlines()[0]), True),
    Case("province.tianjin.emergency_phone_remark", "no-remark-at-all", tianjin_remark(lambda r: ""), True),
    Case("province.tianjin.emergency_phone_remark", "one-line-per-emergency-phone", tianjin_remark(lambda r: r), False),
    Case("province.tianjin.emergency_phone_remark", "lines-separated-by-semicolon",
         tianjin_remark(lambda r: r.replace("\n", "；")), False),
    Case("province.tianjin.no_other_remarks", "subject-remark-filled",
         lambda: filing("120000", {"subject.remark": "该地址已为最详细"}), True),
    Case("province.tianjin.no_other_remarks", "another-line-in-program-remark",
         tianjin_remark(lambda r: r + "\n本小程序不涉及前置审批"), True),
    Case("province.tianjin.no_other_remarks", "another-sentence-after-a-comma",
         tianjin_remark(lambda r: r + "，本小程序不涉及前置审批"), True),
    Case("province.tianjin.no_other_remarks", "only-emergency-phone-lines", tianjin_remark(lambda r: r), False),
    # --- other provinces (seed 004 §1.3) -----------------------------------------------------------------
    Case("province.beijing.address_in_words", "door-number-as-1-2-03",
         lambda: filing("110000", {"subject.address.detail": "某某路 8 号院 1-2-03"}), True),
    Case("province.beijing.address_in_words", "door-number-in-words",
         lambda: filing("110000", {"subject.address.detail": "某某路 8 号院 1 单元 2 号楼 03 室"}), False),
    Case("province.beijing.address_in_words", "zhejiang-may-write-1-2-03",
         lambda: filing("330000", {"subject.address.detail": "某某路 8 号院 1-2-03"}), False),
    Case("province.shaanxi.construction_plan", "31-mini-programs-no-plan", count_under_subject("610000", 31), True),
    Case("province.shaanxi.construction_plan", "30-mini-programs-no-plan", count_under_subject("610000", 30), False),
    Case("province.shaanxi.construction_plan", "31-mini-programs-with-plan",
         count_under_subject("610000", 31, "construction_plan"), False),
    Case("province.fujian.site_screenshots", "2-mini-programs-no-screenshots", count_under_subject("350000", 2), True),
    Case("province.fujian.site_screenshots", "1-mini-program-no-screenshots", count_under_subject("350000", 1), False),
    Case("province.fujian.site_screenshots", "2-mini-programs-with-screenshots",
         count_under_subject("350000", 2, "site_screenshots"), False),
    *[Case("province.attachments.landscape", f"{p}-portrait-photo", landscape(p, 1000, 1600), True)
      for p in ("610000", "310000", "370000", "460000")],
    Case("province.attachments.landscape", "shanghai-landscape-photo", landscape("310000", 1600, 1000), False),
    Case("province.attachments.landscape", "zhejiang-portrait-photo", landscape("330000", 1000, 1600), False),
    Case("province.attachments.landscape", "shanghai-probe-measures-portrait", lambda: probed("310000"), True,
         images={"cert.jpg": ImageFacts(format="JPEG", width=1200, height=1600)}),
    Case("province.attachments.landscape", "shanghai-pdf-has-no-orientation", lambda: probed("310000"), False,
         images={"cert.jpg": ImageFacts(format="PDF", size_bytes=20_000)}),
    Case("province.attachments.landscape_unverified", "shanghai-photo-of-unknown-size", lambda: probed("310000"), True),
    Case("province.attachments.landscape_unverified", "shanghai-probe-measures-the-photo", lambda: probed("310000"),
         False, images={"cert.jpg": ImageFacts(format="JPEG", width=1600, height=1200)}),
    Case("province.attachments.landscape_unverified", "zhejiang-photo-of-unknown-size", lambda: probed("330000"),
         False),
    *[Case("province.service_content_remark", f"{p}-short-remark",
           lambda p=p: filing(p, {"program.remark": "饮食记录工具"}), True)
      for p in ("410000", "350000", "440000", "130000")],
    Case("province.service_content_remark", "henan-detailed-remark", lambda: filing("410000"), False),
    Case("province.service_content_remark", "zhejiang-short-remark",
         lambda: filing("330000", {"program.remark": "饮食记录工具"}), False),
    Case("province.guangdong.filing_commitment", "guangdong-without-letter",
         lambda: without_attachment(filing("440000"), "commitment"), True),
    Case("province.guangdong.filing_commitment", "guangdong-letter-in-subject-supplementary",
         lambda: filing("440000", {"attachments.3.slot": "subject_supplementary"}), True),
    Case("province.guangdong.filing_commitment", "guangdong-with-letter", lambda: filing("440000"), False),
    Case("province.chongqing.public_commitment", "chongqing-without-letter",
         lambda: without_attachment(filing("500000"), "commitment"), True),
    Case("province.chongqing.public_commitment", "chongqing-with-letter", lambda: filing("500000"), False),
    Case("province.individual.residence_proof", "guangdong-individual-with-zhejiang-resident-id",
         lambda: individual("440000", home_area="330106"), True),
    Case("province.individual.residence_proof", "guangdong-individual-with-zhejiang-id-address",
         lambda: individual("440000", id_address="浙江省杭州市西湖区某路 1 号"), True),
    Case("province.individual.residence_proof", "guangdong-individual-with-guangdong-id-address",
         lambda: individual("440000", home_area="330106", id_address="广东省深圳市南山区某路 1 号"), False),
    Case("province.individual.residence_proof", "guangdong-local-individual", lambda: individual("440000"), False),
    Case("province.individual.residence_proof", "guangdong-non-local-with-proof",
         lambda: attach(individual("440000", home_area="330106"), "residence_proof", "subject_supplementary"), False),
    Case("province.individual.residence_proof", "shanghai-individual-from-zhejiang",
         lambda: individual("310000", home_area="330106"), True),
    Case("province.individual.emergency_contact", "guangdong-individual", lambda: individual("440000"), True),
    Case("province.individual.emergency_contact", "hunan-individual", lambda: individual("430000"), True),
    Case("province.individual.emergency_contact", "guangdong-enterprise", lambda: filing("440000"), False),
    Case("province.individual.emergency_contact", "zhejiang-individual", lambda: individual("330000"), False),
    # --- Sichuan pre-approval (seed 004 §1.2 备案小程序信息 5b, §1.3 四川) ----------------------------------
    Case("province.sichuan.non_involvement_letter_only", "suggested-remark-in-sichuan",
         lambda: sichuan_with_letter(NON_INVOLVEMENT_REMARK), True),
    Case("province.sichuan.non_involvement_letter_only", "plain-non-involvement-remark-in-sichuan",
         lambda: sichuan_with_letter("本小程序不涉及教育相关内容。"), True),
    Case("province.sichuan.non_involvement_letter_only", "letter-and-no-remark-in-sichuan",
         lambda: sichuan_with_letter(""), False),
    Case("province.sichuan.non_involvement_letter_only", "service-description-remark-in-sichuan",
         lambda: sichuan_with_letter("该小程序提供饮食记录、打卡和提醒功能，不收取费用。"), False),
    Case("province.sichuan.finance_approval_required", "sichuan-finance-keyword",
         lambda: with_scope(filing("510000"), FINANCE_SCOPE), True),
    Case("province.sichuan.finance_approval_required", "sichuan-finance-keyword-with-letter",
         lambda: with_letter(with_scope(filing("510000"), FINANCE_SCOPE), "non_involvement_commitment",
                             "program_supplementary"), True),
    Case("province.sichuan.finance_approval_required", "sichuan-finance-approval-declared",
         lambda: patch(declared_finance(), {"subject.certificate.number": make_uscc("510104"),
                                            "subject.address.province": "510000", "subject.address.city": "510100",
                                            "subject.address.district": "510104"}), False),
    Case("province.sichuan.finance_approval_required", "sichuan-education-keyword",
         lambda: with_scope(filing("510000"), EDUCATION_SCOPE), False),
    # --- mini-games (seed 004 §1.2 备案小程序信息 4) --------------------------------------------------------
    *[Case("province.game.authorization_level", f"{p}-level-{lv}", game_with(p, lv), lv > limit)
      for p, limit in (("340000", 1), ("430000", 1), ("620000", 2), ("610000", 3))
      for lv in (limit, limit + 1)],
    Case("province.game.authorization_level", "zhejiang-level-5", game_with("330000", 5), False),
    Case("province.game.authorization_letter", "zhejiang-level-1-without-letter", game_with("330000", 1), True),
    Case("province.game.authorization_letter", "zhejiang-level-1-letter-in-pre-approval",
         game_with("330000", 1, ("publication_authorization", "pre_approval")), False),
    Case("province.game.authorization_letter", "zhejiang-level-0-owns-the-number", game_with("330000", 0), False),
    Case("province.game.authorization_letter", "shaanxi-letter-in-pre-approval",
         game_with("610000", 1, ("publication_authorization", "pre_approval")), True),
    Case("province.game.authorization_letter", "shaanxi-letter-in-program-supplementary",
         game_with("610000", 1, ("publication_authorization", "program_supplementary")), False),
    Case("province.game.authorization_letter", "henan-letter-in-pre-approval",
         game_with("410000", 1, ("publication_authorization", "pre_approval")), True),
    Case("province.game.authorization_explanation", "jiangsu-level-2-without-explanation",
         game_with("320000", 2, ("publication_authorization", "pre_approval")), True),
    Case("province.game.authorization_explanation", "jiangsu-level-1",
         game_with("320000", 1, ("publication_authorization", "pre_approval")), False),
    Case("province.game.authorization_explanation", "jiangsu-level-2-with-explanation",
         game_with("320000", 2, ("publication_authorization", "pre_approval"),
                   ("authorization_explanation", "pre_approval")), False),
    Case("province.game.authorization_explanation", "zhejiang-level-2",
         game_with("330000", 2, ("publication_authorization", "pre_approval")), False),
    Case("province.game.authorization_explanation", "guangdong-explanation-in-pre-approval",
         game_with("440000", 2, ("publication_authorization", "program_supplementary"),
                   ("authorization_explanation", "pre_approval")), True),
]


def _checker_for(case: Case, default: Checker) -> Checker:
    return checker_with(**case.settings) if case.settings else default


@pytest.mark.parametrize("case", [pytest.param(c, id=f"{c.rule_id}-{c.name}") for c in CASES])
def test_rule_fires_exactly_when_its_condition_holds(case: Case, checker: Checker) -> None:
    probe = StaticImageProbe(case.images) if case.images is not None else None
    report = run(case.build(), checker=_checker_for(case, checker), probe=probe)
    assert (case.rule_id in fired(report)) is case.fires, sorted(fired(report))


def test_every_catalogue_rule_has_a_firing_and_a_quiet_case(checker: Checker) -> None:
    catalogue = {r.id for r in checker.catalogue.rules}
    firing = {c.rule_id for c in CASES if c.fires}
    quiet = {c.rule_id for c in CASES if not c.fires}
    problems = {
        "no firing case": sorted(catalogue - firing),
        "no quiet case": sorted(catalogue - quiet),
        "not in the catalogue": sorted(({c.rule_id for c in CASES}) - catalogue),
    }
    assert problems == {"no firing case": [], "no quiet case": [], "not in the catalogue": []}


def test_case_ids_are_unique() -> None:
    ids = [f"{c.rule_id}-{c.name}" for c in CASES]
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


# ----- requirements: met in the right slot, unmet in the wrong one ---------------------------------------


@dataclass(frozen=True)
class Material:
    rule_id: str
    build: Callable[[], Doc]  # the case that needs the material, without it
    kind: str
    slot: str
    wrong_slot: str


MATERIALS = [
    Material("province.subject_principal.authorization_letter", lambda: non_legal_subject_principal(filing("320000")),
             "subject_principal_authorization", "subject_supplementary", "program_supplementary"),
    Material("province.program_principal.authorization_letter", lambda: separate_program_principal(filing("310000")),
             "program_principal_authorization", "program_supplementary", "subject_supplementary"),
    Material("province.shaanxi.construction_plan", count_under_subject("610000", 31),
             "construction_plan", "program_supplementary", "subject_supplementary"),
    Material("province.fujian.site_screenshots", count_under_subject("350000", 2),
             "site_screenshots", "program_supplementary", "subject_supplementary"),
    Material("province.guangdong.filing_commitment",
             lambda: without_attachment(filing("440000"), "commitment"),
             "guangdong_filing_commitment", "filing_commitment", "subject_supplementary"),
    Material("province.chongqing.public_commitment",
             lambda: without_attachment(filing("500000"), "commitment"),
             "chongqing_public_commitment", "filing_commitment", "subject_supplementary"),
    Material("province.individual.residence_proof", lambda: individual("440000", home_area="330106"),
             "residence_proof", "subject_supplementary", "program_supplementary"),
    Material("nationwide.pre_approval_non_involvement", lambda: with_scope(filing(), FINANCE_SCOPE),
             "non_involvement_commitment", "program_supplementary", "subject_supplementary"),
    Material("province.game.authorization_letter", game_with("610000", 1),
             "publication_authorization", "program_supplementary", "pre_approval"),
    Material("province.game.authorization_letter", game_with("330000", 1),
             "publication_authorization", "pre_approval", "program_supplementary"),
    Material("province.game.authorization_explanation",
             game_with("440000", 2, ("publication_authorization", "program_supplementary")),
             "authorization_explanation", "program_supplementary", "pre_approval"),
    Material("province.game.authorization_explanation",
             game_with("120000", 2, ("publication_authorization", "pre_approval")),
             "authorization_explanation", "pre_approval", "program_supplementary"),
    Material("nationwide.identity_photos", missing_id_back, "id_back", "subject_principal_id", "program_principal_id"),
]
_MATERIAL_IDS = [f"{m.rule_id}-{m.kind}-{m.slot}" for m in MATERIALS]


def _requirement(report: Doc, material: Material) -> list[Doc]:
    return [r for r in requirements_of(report, material.rule_id) if r["kind"] == material.kind]


@pytest.mark.parametrize("material", MATERIALS, ids=_MATERIAL_IDS)
def test_material_in_its_slot_meets_the_requirement(material: Material, checker: Checker) -> None:
    report = run(attach(material.build(), material.kind, material.slot), checker=checker)
    assert [(r["slot"], r["met"]) for r in _requirement(report, material)] == [(material.slot, True)]


@pytest.mark.parametrize("material", MATERIALS, ids=_MATERIAL_IDS)
def test_material_in_another_slot_leaves_the_requirement_unmet(material: Material, checker: Checker) -> None:
    report = run(attach(material.build(), material.kind, material.wrong_slot), checker=checker)
    [requirement] = _requirement(report, material)
    assert (requirement["slot"], requirement["met"]) == (material.slot, False)
    assert "位置不对" in requirement["reason"]


# ----- what the reports say, beyond firing -----------------------------------------------------------------


def test_shanghai_program_principal_letter_names_the_shanghai_template(checker: Checker) -> None:
    report = run(separate_program_principal(filing("310000")), checker=checker)
    [req] = requirements_of(report, "province.program_principal.authorization_letter")
    assert req["template"] == "program_principal_authorization_shanghai"


def test_other_provinces_program_principal_letter_names_the_common_template(checker: Checker) -> None:
    report = run(separate_program_principal(filing("320000")), checker=checker)
    [req] = requirements_of(report, "province.program_principal.authorization_letter")
    assert req["template"] == "program_principal_authorization"


def test_finance_keyword_asks_for_remark_or_letter_and_suggests_the_remark(checker: Checker) -> None:
    report = run(with_scope(filing(), FINANCE_SCOPE), checker=checker)
    [req] = requirements_of(report, "nationwide.pre_approval_non_involvement")
    suggested = [s for s in report["suggested_remarks"] if s["rule"] == "nationwide.pre_approval_non_involvement"]
    assert (req["met"], req["slot"], req["alternative_field"]) == (False, "program_supplementary", "program.remark")
    assert [s["field"] for s in suggested] == ["program.remark"]
    assert "承诺不涉及“互联网金融”相关前置审批项内容" in suggested[0]["text"]


def test_pasting_the_suggested_remark_meets_the_non_involvement_requirement(checker: Checker) -> None:
    doc = with_scope(filing(), FINANCE_SCOPE)
    [suggested] = [s for s in run(doc, checker=checker)["suggested_remarks"]
                   if s["rule"] == "nationwide.pre_approval_non_involvement"]
    doc["program"]["remark"] = suggested["text"]
    report = run(doc, checker=checker)
    assert [r["met"] for r in requirements_of(report, "nationwide.pre_approval_non_involvement")] == [True]
    assert report["verdict"] == "ready"


def test_keyword_inside_exclusion_clause_creates_no_requirement(checker: Checker) -> None:
    report = run(with_scope(filing(), "技术开发、技术服务（不含金融业务）。"), checker=checker)
    assert requirements_of(report, "nationwide.pre_approval_non_involvement") == []
    assert [(h["category"], h["excluded"]) for h in report["pre_approval_hits"]] == [("finance", True)]


def test_sichuan_suggests_no_remark_and_names_its_letter_template(checker: Checker) -> None:
    report = run(with_scope(filing("510000"), EDUCATION_SCOPE), checker=checker)
    [req] = requirements_of(report, "nationwide.pre_approval_non_involvement")
    assert (req["template"], "alternative_field" in req) == ("non_involvement_commitment_sichuan", False)
    assert report["suggested_remarks"] == []


def test_sichuan_remark_does_not_meet_the_non_involvement_requirement(checker: Checker) -> None:
    doc = with_scope(filing("510000", {"program.remark": NON_INVOLVEMENT_REMARK.replace("互联网金融", "校外培训")}),
                     EDUCATION_SCOPE)
    report = run(doc, checker=checker)
    assert [r["met"] for r in requirements_of(report, "nationwide.pre_approval_non_involvement")] == [False]


def test_sichuan_finance_keyword_asks_for_the_approval_not_a_letter(checker: Checker) -> None:
    report = run(with_scope(filing("510000"), FINANCE_SCOPE), checker=checker)
    assert requirements_of(report, "nationwide.pre_approval_non_involvement") == []
    assert len(findings_of(report, "province.sichuan.finance_approval_required")) == 1


def test_tianjin_suggests_the_fixed_emergency_phone_line_for_each_unexplained_phone(checker: Checker) -> None:
    doc = filing("120000", {"program.remark": ""})
    doc["program"]["principal"]["emergency_contact_name"] = "张三"
    report = run(doc, checker=checker)
    texts = [s["text"] for s in report["suggested_remarks"] if s["rule"] == "province.tianjin.emergency_phone_remark"]
    assert texts == ["应急联系电话手机号13900000004使用人为某某科技有限公司1公司员工（使用人姓名）",
                     "应急联系电话手机号13900000005使用人为某某科技有限公司1公司员工张三"]


def test_service_content_remark_suggests_a_description_of_the_mini_program(checker: Checker) -> None:
    report = run(filing("410000", {"program.remark": ""}), checker=checker)
    [suggested] = [s for s in report["suggested_remarks"] if s["rule"] == "province.service_content_remark"]
    assert suggested["text"].startswith("该小程序是《鲜果日记》，记录每日饮食")


def test_landscape_warning_for_unknown_size_does_not_block(checker: Checker) -> None:
    report = run(probed("310000"), checker=checker)
    [finding] = findings_of(report, "province.attachments.landscape_unverified")
    assert (finding["severity"], report["verdict"]) == ("warning", "ready")


def test_letter_window_is_judged_against_submitted_on_not_the_clock(checker: Checker) -> None:
    doc = filing("440000", submitted_on="2026-12-01")
    attachment(doc, "commitment")["signed_on"] = SIGNED_ON  # 19 days before submission, 10 before the clock
    assert "nationwide.letter_signed_window" not in fired(run(doc, checker=checker))
    doc["submitted_on"] = "2026-12-13"  # one month and a day after signing
    assert "nationwide.letter_signed_window" in fired(run(doc, checker=checker))
