"""Identity-number, credit-code, phone and e-mail validators."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric as stdnum_ric
from stdnum.cn import uscc as stdnum_uscc

from icpflow.domain.contacts import check_email, check_mobile, check_phone, normalize_phone
from icpflow.domain.credit_code import (
    USCC_AUTHORITIES,
    check_uscc,
    uscc_authority,
    uscc_check_char,
    uscc_institution_type,
    uscc_region,
)
from icpflow.domain.enums import PersonIdType
from icpflow.domain.identifiers import (
    IdProblem,
    check_person_id,
    check_resident_id,
    gb11643_check_char,
    is_chinese_ordinary_passport,
    resident_id_area,
    resident_id_birth_date,
)
from icpflow.domain.regions import RegionTable

TODAY = dt.date(2025, 6, 1)
REGIONS = RegionTable.from_mapping(
    json.loads((resources.files("icpflow") / "data" / "regions.json").read_text(encoding="utf-8"))
)


def with_check(body17: str) -> str:
    """A GB 11643 number with its check character, computed independently by python-stdnum."""
    return body17 + stdnum_ric.calc_check_digit(body17 + "0")


def with_uscc_check(body17: str) -> str:
    return body17 + stdnum_uscc.calc_check_digit(body17)


def wrong_last(number: str) -> str:
    return number[:-1] + ("1" if number[-1] != "1" else "2")


def code_of(problem: IdProblem | None) -> str | None:
    return None if problem is None else problem.code


# A real-world-shaped citizen number: 西湖区 330106, born 1990-03-07, sequence 123.
RESIDENT = with_check("33010619900307123")


# -- GB 11643 check character ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body", ["11010519491231002", "33010619900307123", "44030420000101001", "36042619910101007"]
)
def test_gb11643_check_char_agrees_with_stdnum(body: str) -> None:
    assert gb11643_check_char(body) == stdnum_ric.calc_check_digit(body + "0")


def test_gb11643_check_char_can_be_x() -> None:
    bodies = (f"11010519900101{i:03d}" for i in range(200))
    assert any(gb11643_check_char(b) == "X" for b in bodies)


# -- resident ID -----------------------------------------------------------------------------------------


def test_resident_id_with_correct_check_digit_is_accepted() -> None:
    assert check_resident_id(RESIDENT, REGIONS, TODAY) is None


def test_resident_id_with_wrong_check_digit_is_rejected() -> None:
    assert code_of(check_resident_id(wrong_last(RESIDENT), REGIONS, TODAY)) == "resident_id.checksum"


def test_resident_id_checksum_message_does_not_reveal_the_expected_digit() -> None:
    problem = check_resident_id(wrong_last(RESIDENT), REGIONS, TODAY)
    assert problem is not None
    assert not any(ch.isdigit() for ch in problem.message + problem.fix.replace("18", ""))


def test_resident_id_with_lowercase_x_check_character_is_accepted() -> None:
    number = next(n for n in (with_check(f"11010519900101{i:03d}") for i in range(200)) if n.endswith("X"))
    assert check_resident_id(number.lower(), REGIONS, TODAY) is None


def test_resident_id_with_surrounding_spaces_is_accepted() -> None:
    assert check_resident_id(f"  {RESIDENT} ", REGIONS, TODAY) is None


def test_old_fifteen_digit_resident_id_is_rejected_with_a_clear_message() -> None:
    problem = check_resident_id("330106900307123", REGIONS, TODAY)
    assert code_of(problem) == "resident_id.old_15_digit"
    assert problem is not None and "18 位" in problem.fix


def test_resident_id_of_wrong_length_is_rejected() -> None:
    assert code_of(check_resident_id(RESIDENT[:-2], REGIONS, TODAY)) == "resident_id.length"


def test_resident_id_with_a_letter_inside_is_rejected() -> None:
    assert code_of(check_resident_id("3301061990A307123X", REGIONS, TODAY)) == "resident_id.format"


def test_resident_id_with_impossible_birth_date_is_rejected() -> None:
    number = with_check("33010619900230123")  # 30 February
    assert code_of(check_resident_id(number, REGIONS, TODAY)) == "resident_id.birth_date"


def test_resident_id_born_after_today_is_rejected() -> None:
    number = with_check("33010620250602123")
    assert code_of(check_resident_id(number, REGIONS, TODAY)) == "resident_id.birth_date"


def test_resident_id_born_today_is_accepted() -> None:
    number = with_check("33010620250601123")
    assert check_resident_id(number, REGIONS, TODAY) is None


def test_resident_id_born_before_1900_is_rejected() -> None:
    number = with_check("33010618991231123")
    assert code_of(check_resident_id(number, REGIONS, TODAY)) == "resident_id.birth_date"


def test_resident_id_with_unknown_area_code_is_rejected() -> None:
    number = with_check("33999919900307123")
    assert code_of(check_resident_id(number, REGIONS, TODAY)) == "resident_id.area"


def test_resident_id_with_retired_area_code_is_accepted() -> None:
    # 崇文区 110103 was abolished in 2010; its residents keep their numbers.
    number = with_check("11010319800101123")
    assert check_resident_id(number, REGIONS, TODAY) is None


def test_resident_id_with_area_code_created_after_birth_is_accepted_although_stdnum_rejects_it() -> None:
    # Born 1960, first registered in 余杭区 (330110, a code created in 2001): a real shape of number,
    # because the number is assigned at first registration and kept. stdnum insists the code existed
    # in the birth year, which is why the validator does not gate on stdnum's is_valid.
    number = with_check("33011019600101123")
    assert not stdnum_ric.is_valid(number)
    assert check_resident_id(number, REGIONS, TODAY) is None


def test_resident_id_that_is_a_hong_kong_residence_permit_names_the_right_type() -> None:
    number = with_check("81000019900101123")
    assert code_of(check_resident_id(number, REGIONS, TODAY)) == "resident_id.is_hk_macao_residence_permit"


def test_resident_id_that_is_a_foreign_permanent_residence_card_names_the_right_type() -> None:
    number = with_check("91515619900101123")
    assert code_of(check_resident_id(number, REGIONS, TODAY)) == "resident_id.is_foreign_permanent_residence"


def test_resident_id_with_full_width_digits_is_rejected_as_full_width() -> None:
    full_width = RESIDENT.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    assert code_of(check_resident_id(full_width, REGIONS, TODAY)) == "resident_id.fullwidth"


def test_empty_resident_id_is_rejected_as_missing() -> None:
    assert code_of(check_resident_id("   ", REGIONS, TODAY)) == "resident_id.empty"


def test_resident_id_birth_date_is_read_from_characters_seven_to_fourteen() -> None:
    assert resident_id_birth_date(RESIDENT) == dt.date(1990, 3, 7)


def test_resident_id_birth_date_is_none_for_malformed_numbers() -> None:
    assert resident_id_birth_date("3301061990") is None
    assert resident_id_birth_date(with_check("33010619901332123")) is None


def test_resident_id_area_is_the_first_six_digits() -> None:
    assert resident_id_area(RESIDENT) == "330106"


def test_resident_id_area_is_none_for_malformed_numbers() -> None:
    assert resident_id_area("abc") is None


# -- the other personal documents ------------------------------------------------------------------------


def test_person_id_of_type_resident_id_uses_the_resident_id_check() -> None:
    assert check_person_id(PersonIdType.RESIDENT_ID, RESIDENT, REGIONS, TODAY) is None
    assert (
        code_of(check_person_id("resident_id", wrong_last(RESIDENT), REGIONS, TODAY))
        == "resident_id.checksum"
    )


def test_unknown_person_id_type_is_rejected() -> None:
    assert code_of(check_person_id("driving_licence", "X", REGIONS, TODAY)) == "person_id.unknown_type"


@pytest.mark.parametrize("number", ["E12345678", "EA1234567", "G12345678", "e12345678"])
def test_chinese_ordinary_passport_forms_are_accepted(number: str) -> None:
    assert is_chinese_ordinary_passport(number)
    assert check_person_id(PersonIdType.PASSPORT, number, REGIONS, TODAY) is None


@pytest.mark.parametrize("number", ["C01X00T47", "123456789", "AB1234567", "X1234"])
def test_foreign_passport_forms_are_accepted(number: str) -> None:
    assert check_person_id(PersonIdType.PASSPORT, number, REGIONS, TODAY) is None


def test_foreign_passport_forms_are_not_chinese_ordinary_passports() -> None:
    assert not is_chinese_ordinary_passport("C01X00T47")


@pytest.mark.parametrize("number", ["E123", "ABCDEFGH", "E1234-5678", "E12345678901234567"])
def test_malformed_passport_number_is_rejected(number: str) -> None:
    assert code_of(check_person_id(PersonIdType.PASSPORT, number, REGIONS, TODAY)) == "passport.format"


def test_resident_id_entered_as_passport_is_rejected_with_a_hint() -> None:
    problem = check_person_id(PersonIdType.PASSPORT, RESIDENT, REGIONS, TODAY)
    assert code_of(problem) == "passport.is_resident_id"


@pytest.mark.parametrize("number", ["12345678", "1234567890", "1234567890(B)", "1234567890（B）"])
def test_taiwan_travel_permit_forms_are_accepted(number: str) -> None:
    assert check_person_id(PersonIdType.TAIWAN_TRAVEL_PERMIT, number, REGIONS, TODAY) is None


@pytest.mark.parametrize("number", ["1234567", "123456789", "T12345678", "1234567890(BB)"])
def test_malformed_taiwan_travel_permit_is_rejected(number: str) -> None:
    problem = check_person_id(PersonIdType.TAIWAN_TRAVEL_PERMIT, number, REGIONS, TODAY)
    assert code_of(problem) == "taiwan_travel_permit.format"


@pytest.mark.parametrize("number", ["H12345678", "M12345678", "H1234567890", "h12345678"])
def test_hk_macao_travel_permit_forms_are_accepted(number: str) -> None:
    assert check_person_id(PersonIdType.HK_MACAO_TRAVEL_PERMIT, number, REGIONS, TODAY) is None


@pytest.mark.parametrize("number", ["K12345678", "H1234567", "H123456789", "12345678"])
def test_malformed_hk_macao_travel_permit_is_rejected(number: str) -> None:
    problem = check_person_id(PersonIdType.HK_MACAO_TRAVEL_PERMIT, number, REGIONS, TODAY)
    assert code_of(problem) == "hk_macao_travel_permit.format"


def test_old_foreign_permanent_residence_card_number_is_accepted() -> None:
    assert (
        check_person_id(PersonIdType.FOREIGN_PERMANENT_RESIDENCE, "USA110090101001", REGIONS, TODAY) is None
    )


def test_new_foreign_permanent_residence_card_number_with_checksum_is_accepted() -> None:
    number = with_check("93184019900101001")
    assert check_person_id(PersonIdType.FOREIGN_PERMANENT_RESIDENCE, number, REGIONS, TODAY) is None


def test_new_foreign_permanent_residence_card_number_with_wrong_checksum_is_rejected() -> None:
    number = wrong_last(with_check("93184019900101001"))
    problem = check_person_id(PersonIdType.FOREIGN_PERMANENT_RESIDENCE, number, REGIONS, TODAY)
    assert code_of(problem) == "foreign_permanent_residence.checksum"


def test_eighteen_digit_foreign_permanent_residence_number_must_start_with_nine() -> None:
    problem = check_person_id(PersonIdType.FOREIGN_PERMANENT_RESIDENCE, RESIDENT, REGIONS, TODAY)
    assert code_of(problem) == "foreign_permanent_residence.prefix"


def test_malformed_old_foreign_permanent_residence_number_is_rejected() -> None:
    problem = check_person_id(PersonIdType.FOREIGN_PERMANENT_RESIDENCE, "US110090101001", REGIONS, TODAY)
    assert code_of(problem) == "foreign_permanent_residence.format"


@pytest.mark.parametrize("prefix", ["810000", "820000"])
def test_hk_macao_residence_permit_with_checksum_is_accepted(prefix: str) -> None:
    number = with_check(prefix + "19900101001")
    assert check_person_id(PersonIdType.HK_MACAO_RESIDENCE_PERMIT, number, REGIONS, TODAY) is None


def test_hk_macao_residence_permit_with_wrong_checksum_is_rejected() -> None:
    number = wrong_last(with_check("81000019900101001"))
    problem = check_person_id(PersonIdType.HK_MACAO_RESIDENCE_PERMIT, number, REGIONS, TODAY)
    assert code_of(problem) == "hk_macao_residence_permit.checksum"


def test_hk_macao_residence_permit_with_a_mainland_prefix_is_rejected() -> None:
    problem = check_person_id(PersonIdType.HK_MACAO_RESIDENCE_PERMIT, RESIDENT, REGIONS, TODAY)
    assert code_of(problem) == "hk_macao_residence_permit.prefix"


def test_hk_macao_residence_permit_with_impossible_birth_date_is_rejected() -> None:
    number = with_check("81000019901301001")
    problem = check_person_id(PersonIdType.HK_MACAO_RESIDENCE_PERMIT, number, REGIONS, TODAY)
    assert code_of(problem) == "hk_macao_residence_permit.birth_date"


def test_taiwan_residence_permit_with_checksum_is_accepted() -> None:
    number = with_check("83000019900101001")
    assert check_person_id(PersonIdType.TAIWAN_RESIDENCE_PERMIT, number, REGIONS, TODAY) is None


def test_taiwan_residence_permit_with_hong_kong_prefix_is_rejected() -> None:
    number = with_check("81000019900101001")
    problem = check_person_id(PersonIdType.TAIWAN_RESIDENCE_PERMIT, number, REGIONS, TODAY)
    assert code_of(problem) == "taiwan_residence_permit.prefix"


# -- unified social credit code --------------------------------------------------------------------------


def test_uscc_check_char_agrees_with_stdnum() -> None:
    for body in ("91110000600037341", "92330106MA2AB1C2D", "12100000400000624", "N2330110MA12345K1"):
        assert uscc_check_char(body) == stdnum_uscc.calc_check_digit(body)


def test_known_enterprise_uscc_is_accepted() -> None:
    assert check_uscc("91110000600037341L", REGIONS) is None


def test_individual_business_uscc_is_accepted() -> None:
    assert check_uscc(with_uscc_check("92330106MA2AB1C2D"), REGIONS) is None


def test_lowercase_uscc_is_accepted() -> None:
    assert check_uscc("91110000600037341l", REGIONS) is None


def test_central_registration_uscc_is_accepted() -> None:
    assert check_uscc(with_uscc_check("12100000400000624"), REGIONS) is None


def test_agricultural_collective_uscc_is_accepted_although_stdnum_rejects_it() -> None:
    # Authority N (农业) is in GB 32100; stdnum wants eight leading digits.
    number = with_uscc_check("N2330110MA12345K1")
    assert not stdnum_uscc.is_valid(number)
    assert check_uscc(number, REGIONS) is None


def test_uscc_with_wrong_check_character_is_rejected() -> None:
    assert code_of(check_uscc("91110000600037341M", REGIONS)) == "uscc.checksum"


def test_uscc_of_wrong_length_is_rejected() -> None:
    assert code_of(check_uscc("91110000600037341", REGIONS)) == "uscc.length"


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
def test_uscc_with_a_letter_outside_the_alphabet_is_rejected(letter: str) -> None:
    assert code_of(check_uscc("9111000060003734" + letter + "L", REGIONS)) == "uscc.characters"


def test_uscc_with_unknown_registration_authority_is_rejected() -> None:
    number = with_uscc_check("B1110000600037341")
    assert code_of(check_uscc(number, REGIONS)) == "uscc.authority"


def test_uscc_with_institution_type_not_defined_for_the_authority_is_rejected() -> None:
    number = with_uscc_check("94110000600037341")  # 工商 has types 1, 2, 3 only
    assert code_of(check_uscc(number, REGIONS)) == "uscc.institution_type"


def test_uscc_with_unknown_region_is_rejected() -> None:
    number = with_uscc_check("91999999600037341")
    assert code_of(check_uscc(number, REGIONS)) == "uscc.region"


def test_uscc_with_retired_region_is_accepted() -> None:
    number = with_uscc_check("91110103600037341")  # 崇文区, abolished 2010
    assert check_uscc(number, REGIONS) is None


def test_uscc_authority_table_has_the_twelve_gb32100_codes() -> None:
    assert "".join(USCC_AUTHORITIES) == "123456789ANY"


def test_uscc_parts_are_extracted() -> None:
    assert uscc_authority("91110000600037341L") == "9"
    assert uscc_institution_type("92330106MA2AB1C2D0") == "2"
    assert uscc_region("91110000600037341L") == "110000"


def test_uscc_parts_are_none_for_malformed_codes() -> None:
    assert uscc_authority("9111") is None
    assert uscc_region("") is None


# -- phones ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number", ["13800138000", "+86 138 0013 8000", "86-138-0013-8000", "0086 13800138000", "19912345678"]
)
def test_mainland_mobile_number_is_accepted(number: str) -> None:
    assert check_mobile(number) is None


def test_mobile_number_with_unallocated_prefix_is_rejected() -> None:
    assert code_of(check_mobile("12345678901")) == "mobile.unassigned"


def test_mobile_number_of_wrong_length_is_rejected() -> None:
    assert code_of(check_mobile("1380013800")) == "mobile.format"


def test_landline_where_a_mobile_is_required_is_rejected() -> None:
    assert code_of(check_mobile("0571-88889999")) == "mobile.landline"


@pytest.mark.parametrize(
    "number", ["0571-88889999", "010-12345678", "(0571)88889999", "+86 571 8888 9999", "13800138000"]
)
def test_landline_with_area_code_or_mobile_is_accepted_as_phone(number: str) -> None:
    assert check_phone(number) is None


def test_landline_without_area_code_is_rejected() -> None:
    assert code_of(check_phone("88889999")) == "phone.area_code"


def test_landline_with_too_few_digits_is_rejected() -> None:
    assert code_of(check_phone("010-1234567")) == "phone.invalid"


def test_service_number_is_not_a_phone_of_a_person() -> None:
    assert check_phone("400-800-1234") is not None


def test_two_spellings_of_one_mobile_normalize_equal() -> None:
    assert normalize_phone("+86 138-0013-8000") == normalize_phone("13800138000") == "13800138000"


def test_two_spellings_of_one_landline_normalize_equal() -> None:
    assert normalize_phone("+86 571 8888 9999") == normalize_phone("0571-88889999") == "057188889999"


# -- e-mail ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("addr", ["someone@163.com", "first.last+tag@example.com.cn", " x@qq.com "])
def test_well_formed_email_is_accepted(addr: str) -> None:
    assert check_email(addr) is None


@pytest.mark.parametrize("addr", ["someone", "someone@qq", "a..b@qq.com", "a b@qq.com", "@qq.com"])
def test_malformed_email_is_rejected(addr: str) -> None:
    assert code_of(check_email(addr)) == "email.format"


def test_email_with_full_width_at_sign_is_rejected_as_full_width() -> None:
    assert code_of(check_email("someone＠qq.com")) == "email.fullwidth"


def test_empty_email_is_rejected_as_missing() -> None:
    assert code_of(check_email("")) == "email.empty"


# -- robustness --------------------------------------------------------------------------------------------

_ID_TYPES = st.sampled_from(list(PersonIdType))


@given(st.text(max_size=40), _ID_TYPES)
def test_no_validator_raises_on_arbitrary_text(text: str, id_type: PersonIdType) -> None:
    for result in (
        check_resident_id(text, REGIONS, TODAY),
        check_person_id(id_type, text, REGIONS, TODAY),
        check_uscc(text, REGIONS),
        check_mobile(text),
        check_phone(text),
        check_email(text),
    ):
        assert result is None or (isinstance(result, IdProblem) and result.message and result.fix)
    normalize_phone(text)
    resident_id_birth_date(text)
    resident_id_area(text)
    uscc_authority(text)
    uscc_region(text)
    uscc_institution_type(text)


@given(st.from_regex(r"[0-9Xx]{15,19}", fullmatch=True))
def test_no_validator_raises_on_id_shaped_text(text: str) -> None:
    check_resident_id(text, REGIONS, TODAY)
    check_uscc(text, REGIONS)
    for id_type in PersonIdType:
        check_person_id(id_type, text, REGIONS, TODAY)
