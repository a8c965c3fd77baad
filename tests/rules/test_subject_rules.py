"""Rules about the subject (主办单位): its certificate, nature and address, and required fields.

Their evaluators are in `icpflow/domain/rules/subject.py`. Each case triggers its rule or is a near miss that
does not (`test_every_rule.py` checks every rule has both).
"""

from __future__ import annotations

from collections.abc import Callable

from icpflow.testing import PROVINCE_DISTRICTS, make_uscc

from .cases import Case, Doc, bad_check_char
from .conftest import attach, cancellation, filing, individual, patch, separate_program_principal


def enterprise_address_in(province: str) -> Callable[[], Doc]:
    def build() -> Doc:
        district = PROVINCE_DISTRICTS[province]
        return filing("330000", {"subject.address.province": province, "subject.address.city": district[:4] + "00",
                                 "subject.address.district": district})
    return build


def province_unknown(certificate_address: str) -> Doc:
    return patch(individual("330000"), {
        "subject.address": {"province": "990000", "city": "990100", "district": "990101", "detail": "某路 1 号 101 室"},
        "subject.certificate.address": certificate_address,
    })


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
    Case("field.certificate_number", "uscc-bad-check-character",
         lambda: patch(filing(), {"subject.certificate.number": bad_check_char(make_uscc("330106"))}), True),
    Case("field.certificate_number", "uscc-good-check-character",
         lambda: patch(filing(), {"subject.certificate.number": make_uscc("330106")}), False),
    Case("field.uscc_authority", "enterprise-with-social-organisation-code",
         lambda: patch(filing(), {"subject.certificate.number": make_uscc("330106", authority="5")}), True),
    Case("field.uscc_authority", "social-organisation-with-its-code",
         lambda: patch(filing(nature="social_organization"),
                       {"subject.certificate.number": make_uscc("330106", authority="5")}), False),
    Case("field.address_region", "city-of-another-province",
         lambda: filing("330000", {"subject.address.city": "320100"}), True),
    Case("field.address_region", "city-of-the-province", lambda: filing("330000", {"subject.address.city": "330100"}),
         False),
    Case("field.address_detail_repeats_region", "detail-starts-with-province-city-district",
         lambda: filing("330000", {"subject.address.detail": "浙江省杭州市西湖区文三路 90 号"}), True),
    Case("field.address_detail_repeats_region", "place-name-that-only-contains-the-district-short-name",
         lambda: filing("330000", {"subject.address.detail": "西湖文化广场 3 号 501 室"}), False),
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
    Case("nationwide.address_in_certificate_province", "zhejiang-company-writes-from-jiangsu",
         enterprise_address_in("320000"), True),
    Case("nationwide.address_in_certificate_province", "zhejiang-company-writes-from-zhejiang",
         enterprise_address_in("330000"), False),
    # --- Tianjin (seed 004 §1.3 天津) ----------------------------------------------------------------------
    Case("province.tianjin.individual_home_address", "individual-address-without-room",
         lambda: filing("120000", {"subject.address.detail": "某某路 90 号"}, nature="individual"), True),
    Case("province.tianjin.individual_home_address", "individual-address-down-to-the-room",
         lambda: filing("120000", {"subject.address.detail": "某某路阳光小区 3 号楼 2 门 501 室"},
                        nature="individual"), False),
    Case("province.tianjin.individual_home_address", "company-address-without-room",
         lambda: filing("120000", {"subject.address.detail": "某某路 90 号"}), False),
    # --- other provinces (seed 004 §1.3) -----------------------------------------------------------------
    Case("province.beijing.address_in_words", "door-number-as-1-2-03",
         lambda: filing("110000", {"subject.address.detail": "某某路 8 号院 1-2-03"}), True),
    Case("province.beijing.address_in_words", "door-number-in-words",
         lambda: filing("110000", {"subject.address.detail": "某某路 8 号院 1 单元 2 号楼 03 室"}), False),
    Case("province.beijing.address_in_words", "zhejiang-may-write-1-2-03",
         lambda: filing("330000", {"subject.address.detail": "某某路 8 号院 1-2-03"}), False),
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
]

