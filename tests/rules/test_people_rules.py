"""Rules about people (负责人): identity documents, phones, e-mail, and who may be a principal.

Their evaluators are in `icpflow/domain/rules/people.py`. Each case triggers its rule or is a near miss that
does not (`test_every_rule.py` checks every rule has both).
"""

from __future__ import annotations

from icpflow.domain.rules.engine import Checker

from .cases import Case, Doc, bad_check_char, with_letter
from .conftest import (
    employee,
    filing,
    individual,
    non_legal_subject_principal,
    patch,
    requirements_of,
    run,
    separate_program_principal,
)


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


def individual_business(province: str, *, principal_is_legal_rep: bool) -> Doc:
    doc = filing(province, nature="individual_business")
    if not principal_is_legal_rep:
        non_legal_subject_principal(doc)
    return doc


def bad_principal_id() -> Doc:
    doc = filing()
    doc["subject"]["principal"]["id_number"] = bad_check_char(doc["subject"]["principal"]["id_number"])
    return doc


def bad_legal_rep_id() -> Doc:
    doc = filing()
    doc["subject"]["legal_representative"]["id_number"] = bad_check_char(
        doc["subject"]["legal_representative"]["id_number"])
    return doc


CASES: list[Case] = [
    # --- field formats ----------------------------------------------------------------------------------------
    Case("field.person_id", "resident-id-bad-checksum", bad_principal_id, True),
    Case("field.person_id", "legal-representative-id-bad-checksum", bad_legal_rep_id, True),
    Case("field.person_id", "resident-id-good-checksum", lambda: filing(), False),
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
    # --- nationwide ----------------------------------------------------------------------------------------
    Case("nationwide.person_id_validity", "id-expires-within-three-months",
         lambda: filing("330000", {"subject.principal.id_valid_to": "2027-01-10"}), True),
    Case("nationwide.person_id_validity", "id-long-term",
         lambda: filing("330000", {"subject.principal.id_valid_to": "long_term"}), False),
    Case("nationwide.person_id_validity", "same-id-under-one-month-policy",
         lambda: filing("330000", {"subject.principal.id_valid_to": "2027-01-10"}), False,
         settings={"certificate_validity_months": 1}),
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
    # --- other provinces (seed 004 §1.3) -----------------------------------------------------------------
    Case("province.individual.emergency_contact", "guangdong-individual", lambda: individual("440000"), True),
    Case("province.individual.emergency_contact", "hunan-individual", lambda: individual("430000"), True),
    Case("province.individual.emergency_contact", "guangdong-enterprise", lambda: filing("440000"), False),
    Case("province.individual.emergency_contact", "zhejiang-individual", lambda: individual("330000"), False),
]



# ----- what the reports say, beyond firing -----------------------------------------------------------------


def test_shanghai_program_principal_letter_names_the_shanghai_template(checker: Checker) -> None:
    report = run(separate_program_principal(filing("310000")), checker=checker)
    [req] = requirements_of(report, "province.program_principal.authorization_letter")
    assert req["template"] == "program_principal_authorization_shanghai"


def test_other_provinces_program_principal_letter_names_the_common_template(checker: Checker) -> None:
    report = run(separate_program_principal(filing("320000")), checker=checker)
    [req] = requirements_of(report, "province.program_principal.authorization_letter")
    assert req["template"] == "program_principal_authorization"
