"""The validators' fast paths agree with the libraries they stand in for (phonenumbers, email-validator)."""

from __future__ import annotations

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from hypothesis import given, settings
from hypothesis import strategies as st

from icpflow.domain.contacts import _cn_number_type, _email_plainly_valid, check_email, check_mobile


def _library_type(national: str) -> int:
    return phonenumbers.number_type(phonenumbers.PhoneNumber(country_code=86, national_number=int(national)))


@settings(max_examples=800, deadline=None)
@given(st.from_regex(r"1[0-9]{10}", fullmatch=True))
def test_cn_number_type_matches_phonenumbers_for_mobile_shaped_numbers(national: str) -> None:
    assert _cn_number_type(national) == _library_type(national)


@settings(max_examples=800, deadline=None)
@given(st.from_regex(r"[1-9][0-9]{6,11}", fullmatch=True))
def test_cn_number_type_matches_phonenumbers_for_landline_shaped_numbers(national: str) -> None:
    assert _cn_number_type(national) == _library_type(national)


def test_every_mobile_prefix_from_130_to_199_is_typed_like_phonenumbers() -> None:
    for prefix in range(130, 200):
        for middle in ("0000", "5555", "9999"):
            national = f"{prefix}{middle}1234"
            assert _cn_number_type(national) == _library_type(national), national


def test_an_unallocated_mobile_prefix_is_still_rejected() -> None:
    assert check_mobile("14000000000") is not None
    assert check_mobile("13800138000") is None


local = st.from_regex(r"[A-Za-z0-9._%+!#-]{1,70}", fullmatch=True)
domain = st.from_regex(r"([A-Za-z0-9-]{1,20}\.){1,3}[A-Za-z0-9]{1,8}", fullmatch=True)


@settings(max_examples=800, deadline=None)
@given(local, domain)
def test_an_address_the_fast_path_accepts_is_accepted_by_email_validator(user: str, host: str) -> None:
    address = f"{user}@{host}"
    if _email_plainly_valid(address):
        try:
            validate_email(address, check_deliverability=False)
        except EmailNotValidError as exc:  # pragma: no cover - the failure this test exists for
            raise AssertionError(f"fast path accepted {address!r}: {exc}") from None


def test_addresses_the_fast_path_does_not_take_still_go_through_the_library() -> None:
    assert check_email("a..b@example.com") is not None  # consecutive dots
    assert check_email("name@mail.test") is not None  # special-use domain
    assert check_email("名字@例子.中国") is None  # internationalised: library accepts
