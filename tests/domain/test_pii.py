"""Personal information in filings: which paths hold it, and masking for views and log lines."""

from __future__ import annotations

import json
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from icpflow.domain.pii import _mask_found, contains_pii, mask_document, mask_text, mask_value, pii_paths
from icpflow.testing import make_filing, make_resident_id

RESIDENT_ID = "33010619900307123X"


# ----- mask_value ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "value", "masked"), [
    ("id", RESIDENT_ID, "330***********123X"),
    ("id", "330106900307123", "330********7123"),  # the old 15-digit form
    ("phone", "13800138000", "138****8000"),
    ("phone", "+86 138-0013-8000", "138****8000"),
    ("phone", "0086 13800138000", "138****8000"),
    ("phone", "0571-88886666", "057*****6666"),
    ("email", "li@example.com", "l***@example.com"),
    ("email", "王某@例子.中国", "王***@例子.中国"),
])
def test_values_keep_only_their_ends(kind: str, value: str, masked: str) -> None:
    assert mask_value(kind, value) == masked  # type: ignore[arg-type]


@pytest.mark.parametrize(("kind", "value", "masked"), [
    ("id", "E1234567", "********"),  # a passport: too short to show any of it
    ("id", "3301 0619 9003 0712 3X", "**********************"),
    ("phone", "12345", "*****"),
    ("phone", "138001", "******"),
    ("email", "no-at-sign", "**********"),
    ("email", "@example.com", "************"),
    ("email", "user@", "*****"),
    ("id", "", ""),
    ("phone", "   ", ""),
])
def test_short_or_odd_values_are_masked_entirely(kind: str, value: str, masked: str) -> None:
    assert mask_value(kind, value) == masked  # type: ignore[arg-type]


def test_a_very_long_value_gives_at_most_32_stars() -> None:
    assert mask_value("id", "x" * 10_000) == "*" * 32


@given(kind=st.sampled_from(["id", "phone", "email"]), value=st.text())
def test_mask_value_never_raises_and_reveals_at_most_seven_characters(kind: str, value: str) -> None:
    masked = mask_value(kind, value)  # type: ignore[arg-type]
    assert isinstance(masked, str)
    if kind == "email" and "@" in masked:
        assert masked.split("@")[0].strip("*") == masked[:1]  # only the local part's first character
    else:
        assert len(masked.replace("*", "")) <= 7


def test_a_value_that_is_no_string_is_masked_without_raising() -> None:
    assert mask_value("phone", 13800138000) == "138****8000"  # type: ignore[arg-type]


# ----- which paths are personal ----------------------------------------------------------------------

def _paths(doc: dict[str, object]) -> set[str]:
    return {".".join(path) + f":{kind}" for path, kind in pii_paths(doc)}


def test_an_organisation_filing_has_its_principal_and_legal_representative_as_personal_information() -> None:
    assert _paths(make_filing()) == {
        "subject.principal.id_number:id", "subject.principal.mobile:phone",
        "subject.principal.emergency_phone:phone", "subject.principal.email:email",
        "subject.legal_representative.id_number:id", "subject.remark:text", "program.remark:text",
    }  # the credit code is not personal; the program principal is "same_as_subject_principal"


def test_remarks_are_personal_because_tianjin_puts_the_emergency_phones_there() -> None:
    doc = make_filing("120000")
    assert doc["subject"]["principal"]["emergency_phone"] in doc["program"]["remark"]  # type: ignore[index]
    assert "program.remark:text" in _paths(doc)
    assert (("reason",), "text") in pii_paths({"kind": "cancel_subject", "reason": "不再运营"})


def test_an_individuals_certificate_number_is_their_id_number() -> None:
    assert "subject.certificate.number:id" in _paths(make_filing(nature="individual"))


def test_a_personal_id_as_certificate_is_personal_whatever_the_nature() -> None:
    doc = make_filing(nature="individual_business")
    doc["subject"]["certificate"]["type"] = "passport"  # type: ignore[index]
    assert "subject.certificate.number:id" in _paths(doc)


def test_a_mini_program_principal_of_their_own_is_personal_information_too() -> None:
    paths = _paths(make_filing("120000"))  # Tianjin: an employee is the mini-program principal
    assert {"program.principal.id_number:id", "program.principal.mobile:phone",
            "program.principal.emergency_phone:phone", "program.principal.email:email"} <= paths


@pytest.mark.parametrize("doc", [{}, {"subject": "x"}, {"subject": {"principal": None}}, {"program": []},
                                 {"k": "值"}])
def test_documents_of_any_shape_are_read_without_raising(doc: dict[str, object]) -> None:
    assert pii_paths(doc) == []


# ----- mask_document ---------------------------------------------------------------------------------

def test_mask_document_masks_every_personal_value_in_a_copy() -> None:
    doc = make_filing("120000", nature="individual")
    original = json.dumps(doc, ensure_ascii=False, sort_keys=True)
    masked = mask_document(doc)
    assert json.dumps(doc, ensure_ascii=False, sort_keys=True) == original  # untouched
    person = doc["subject"]["principal"]  # type: ignore[index]
    shown = masked["subject"]["principal"]
    assert shown["id_number"] == mask_value("id", person["id_number"])  # type: ignore[index]
    assert shown["mobile"] == mask_value("phone", person["mobile"])  # type: ignore[index]
    assert shown["emergency_phone"] == mask_value("phone", person["emergency_phone"])  # type: ignore[index]
    assert shown["email"] == mask_value("email", person["email"])  # type: ignore[index]
    assert masked["subject"]["certificate"]["number"] == mask_value("id", person["id_number"])  # type: ignore[index]
    assert shown["name"] == person["name"]  # type: ignore[index]
    assert masked["program"]["remark"] == mask_text(doc["program"]["remark"])  # type: ignore[index]
    assert masked["program"]["appid"] == doc["program"]["appid"]  # type: ignore[index]
    assert not contains_pii(json.dumps(masked, ensure_ascii=False))


def test_mask_document_copies_deeply_so_a_view_that_edits_its_copy_never_touches_the_document() -> None:
    doc = make_filing("440000")
    doc["attachments"] = [{"slot": "id_front", "tags": ["a"]}]
    original = json.dumps(doc, ensure_ascii=False, sort_keys=True)
    masked = mask_document(doc)
    masked["attachments"][0]["tags"].append("b")
    masked["attachments"].append({"slot": "x"})
    masked["program"]["name"] = "改过"
    assert json.dumps(doc, ensure_ascii=False, sort_keys=True) == original


# ----- mask_text -------------------------------------------------------------------------------------

def test_ids_phones_and_emails_in_free_text_are_masked() -> None:
    text = f"负责人身份证号{RESIDENT_ID}，手机13800138000，应急电话 +86 139-0013-9000，邮箱 li.si@example.com。"
    assert mask_text(text) == ("负责人身份证号330***********123X，手机138****8000，应急电话 139****9000，"
                               "邮箱 l***@example.com。")


def test_an_id_or_phone_inside_a_repr_or_json_is_masked() -> None:
    id_number = make_resident_id("330106")
    text = json.dumps({"mobile": "13800138000", "id_number": id_number, "to": "<a@b.cn>"}) + repr(("13800138000",))
    masked = mask_text(text)
    assert "13800138000" not in masked and id_number not in masked and "a@b.cn" not in masked


def test_a_qq_mailbox_made_of_a_mobile_is_masked_whole() -> None:
    assert mask_text("13800138000@qq.com") == "1***@qq.com"


@pytest.mark.parametrize("text", [
    "浙ICP备2026000123号-1X", "2026-11-23T10:00:00+08:00", str(uuid.UUID(int=12345678901234567890)),
    "wx0000000000000001", "attempts=3 retry_at=2026-11-23", "91330106MA00000010", "order 123456789012345678901",
    "version 12", "备案申请“鲜果日记”状态已更新",
])
def test_text_without_personal_information_is_left_alone(text: str) -> None:
    assert mask_text(text) == text


@given(st.text())
def test_mask_text_never_raises_and_leaves_nothing_that_looks_personal(text: str) -> None:
    masked = mask_text(text)
    assert isinstance(masked, str)
    assert not contains_pii(masked)
    assert mask_text(masked) == masked


@given(before=st.text(), after=st.text(), seq=st.integers(0, 999), phone=st.integers(0, 10**8 - 1),
       user=st.from_regex(r"[a-z][a-z0-9._]{0,20}", fullmatch=True))
def test_personal_values_written_into_any_text_do_not_survive(before: str, after: str, seq: int, phone: int,
                                                              user: str) -> None:
    id_number = make_resident_id("330106", seq=seq)
    mobile = f"138{phone:08d}"
    email = f"{user}@example.com"
    masked = mask_text(f"{before} {id_number} {after} {mobile}，{email} {before}")
    assert id_number not in masked and mobile not in masked and email not in masked


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet="0123456789 -+@.xX_abc中文号（）", max_size=60))
def test_the_quick_look_for_pii_never_skips_a_string_the_patterns_would_change(text: str) -> None:
    assert mask_text(text) == _mask_found(text)


def test_strings_without_an_at_or_eleven_digits_are_returned_as_they_are() -> None:
    for text in ("path", "/api/v1/filings/2c2010ea-bff7-41a4-a861-fabc0c5e45e1", "2026-11-22T18:49:29Z", "1380013800"):
        assert mask_text(text) is text
    assert mask_text("手机 138 0013 8000") == "手机 138****8000"  # eleven digits, a space between some of them
