"""The pre-check's fast paths give exactly what the paths they short-cut give.

Each fast path answers only the common case (a well-formed valid number, a text normalisation leaves
alone, a template with plain fields) and must agree with the full path on it; everything else still takes
the full path. A leading space defeats every identifier fast path (they take the text as typed) while the
full path strips it, so `check(" " + x)` is the full path's answer for `x`.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from icpflow.bootstrap import build_checker, load_regions, load_scanner
from icpflow.config import Settings
from icpflow.domain import contacts, credit_code, identifiers
from icpflow.domain.enums import Severity
from icpflow.domain.parsing import parse_mapping
from icpflow.domain.preapproval import KeywordScanner
from icpflow.domain.regions import RegionTable
from icpflow.domain.report import Finding, PreApprovalHit, Report, Requirement, SuggestedRemark
from icpflow.domain.rules.context import Context, _FormatDict
from icpflow.domain.text import _normalise_slowly, normalise
from icpflow.testing import PROVINCE_DISTRICTS, make_filing, make_resident_id, make_uscc

TODAY = dt.date(2026, 11, 22)


@functools.cache
def regions() -> RegionTable:
    return load_regions()


@functools.cache
def scanner() -> KeywordScanner:
    return load_scanner()


# ----- check characters ------------------------------------------------------------------------------------


@settings(max_examples=500)
@given(st.from_regex(r"[0-9]{17}", fullmatch=True))
def test_the_resident_id_check_character_in_one_call_is_the_weighted_sum_one(body: str) -> None:
    assert identifiers._gb11643_check_fast(body) == identifiers.gb11643_check_char(body)


@settings(max_examples=500)
@given(st.text(alphabet=credit_code._USCC_ALPHABET, min_size=17, max_size=17))
def test_the_credit_code_check_character_in_one_call_is_the_weighted_sum_one(body: str) -> None:
    assert credit_code._uscc_check_fast(body) == credit_code.uscc_check_char(body)


# ----- identifiers, as typed versus stripped ----------------------------------------------------------------

areas = st.sampled_from([*PROVINCE_DISTRICTS.values(), "810000", "820000", "830000", "999999", "330110", "110000"])
births = st.sampled_from(["19900307", "20261122", "20261123", "18991231", "19000101", "19900230", "20000229"])


@st.composite
def resident_ids(draw: st.DrawFn) -> str:
    number = make_resident_id(draw(areas), birth=draw(births), seq=draw(st.integers(0, 999)))
    if draw(st.booleans()):  # a typo somewhere
        i = draw(st.integers(0, 17))
        number = number[:i] + draw(st.sampled_from("0123456789Xx")) + number[i + 1:]
    return number


@settings(max_examples=1500)
@given(resident_ids())
def test_a_resident_id_gets_the_same_answer_from_the_fast_path_as_from_the_full_one(number: str) -> None:
    check = identifiers._check_resident_id.__wrapped__
    assert check(number, regions(), TODAY) == check(" " + number, regions(), TODAY)


@st.composite
def credit_codes(draw: st.DrawFn) -> str:
    code = make_uscc(draw(areas), draw(st.integers(0, 10**6)), authority=draw(st.sampled_from("1259ANY")),
                     kind=draw(st.sampled_from("1239")))
    if draw(st.booleans()):
        i = draw(st.integers(0, 17))
        code = code[:i] + draw(st.sampled_from(credit_code._USCC_ALPHABET + "IOSVZ")) + code[i + 1:]
    return code


@settings(max_examples=1500)
@given(credit_codes())
def test_a_credit_code_gets_the_same_answer_from_the_fast_path_as_from_the_full_one(code: str) -> None:
    check = credit_code._check_uscc.__wrapped__
    assert check(code, regions()) == check(" " + code, regions())


phones = st.from_regex(r"(\+86|0086|86)?1[0-9]{9,11}", fullmatch=True) | st.from_regex(r"0[1-9][0-9]{8,11}",
                                                                                         fullmatch=True)


@settings(max_examples=1500)
@given(phones)
def test_a_phone_number_gets_the_same_answer_from_the_fast_paths_as_from_the_full_ones(number: str) -> None:
    assert contacts._check_mobile.__wrapped__(number) == contacts._check_mobile.__wrapped__(" " + number)
    assert contacts._check_phone.__wrapped__(number) == contacts._check_phone.__wrapped__(" " + number)
    assert contacts._normalize_phone.__wrapped__(number) == contacts._normalize_phone.__wrapped__(" " + number)


@settings(max_examples=1500)
@given(st.text(alphabet="0123456789", min_size=1, max_size=17))
def test_the_number_type_in_one_regex_call_is_the_descriptor_by_descriptor_one(national: str) -> None:
    assert contacts._cn_number_type(national) == contacts._cn_number_type_by_descriptor(national)


# ----- normalisation and keyword scanning ------------------------------------------------------------------

_PIECES = st.sampled_from(["金融", "教育", "不含", "（", "）", "；", "，", "Ａ", "Ｐ２Ｐ", " ", "\n", "\u3000",
                           "\u200b", "\u00ad", "…", "Ⅱ", "㈱", "𝐏", "𠀀", "\ud840", "\udc00", "互 联 网", "p2p",
                           "A"])
_TEXTS = st.lists(st.one_of(_PIECES, st.text(max_size=4)), max_size=24).map("".join)


@settings(max_examples=2000)
@given(_TEXTS)
def test_normalise_maps_every_span_and_line_break_as_character_by_character_normalisation(text: str) -> None:
    slow, fast = _normalise_slowly(text), normalise(text)
    assert fast.text == slow.text
    assert fast.line_breaks == slow.line_breaks
    n = len(fast.text)
    spans = [(i, j) for i in range(n) for j in range(i + 1, min(n, i + 6) + 1)]
    assert [fast.original_span(i, j) for i, j in spans] == [slow.original_span(i, j) for i, j in spans]


@settings(max_examples=1500)
@given(_TEXTS)
def test_the_prefilter_never_hides_a_hit(text: str) -> None:
    unfiltered = KeywordScanner(scanner().categories)
    unfiltered._prefilter = None
    assert scanner().scan("f", text) == unfiltered.scan("f", text)


def test_a_scanner_with_many_prefixes_goes_without_a_prefilter() -> None:
    many = KeywordScanner.from_keywords([(chr(0x4E00 + i) + chr(0x4E00 + i + 1), "finance") for i in range(600)])
    assert many._prefilter is None
    assert [hit.keyword for hit in many.scan("f", "一丁")] == ["一丁"]


# ----- message templates -------------------------------------------------------------------------------------

_TEMPLATES = st.lists(st.one_of(
    st.text(alphabet="ab{}:!r0. 的", max_size=4),
    st.sampled_from(["{role}", "{detail}", "{bureau}", "{missing}", "{role!r}", "{count:03d}", "{0}", "{}",
                     "{a.b}", "{a[0]}", "{{", "}}", "{ role }"]),
), max_size=6).map("".join)


@functools.cache
def context() -> Context:
    checker = build_checker(Settings())
    doc = parse_mapping(make_filing("330000"))
    report = Report(TODAY, "330000", "浙江省通信管理局")
    return Context(doc, judged_on=TODAY, province="330000", policy=checker.policy, regions=checker.regions,
                   scanner=checker.scanner, report=report)


@settings(max_examples=2000)
@given(_TEMPLATES)
def test_a_message_is_formatted_exactly_as_format_map_formats_it(text: str) -> None:
    ctx = context()
    values: dict[str, Any] = {"role": "主办单位负责人", "detail": 3, "count": 7, "nature": "覆盖"}
    try:
        expected: str | type[Exception] = text.format_map(_FormatDict({**ctx._base(), **values}))
    except Exception as exc:  # a malformed template must fail the same way
        expected = type(exc)
    try:
        got: str | type[Exception] = ctx._fmt(text, values)
    except Exception as exc:
        got = type(exc)
    assert got == expected if "{" in text else got == text


# ----- the report's JSON ------------------------------------------------------------------------------------


def test_the_report_writes_each_item_as_its_own_to_dict_does() -> None:
    report = Report(TODAY, "330000", "浙江省通信管理局")
    report.findings += [Finding("a.b", Severity.ERROR, "f", "m", "x", "s"),
                        Finding("c.d", Severity.WARNING, "g", "n", "y", "t")]
    report.requirements += [Requirement("id_front", "subject_principal_id", True, "r", "why"),
                            Requirement("id_back", "subject_principal_id", False, "r", "why", "tpl", "program.remark",
                                        "src")]
    report.pre_approval_hits.append(PreApprovalHit("finance", "金融", "program.name", 0, 2, True))
    report.suggested_remarks.append(SuggestedRemark("program.remark", "文本", "r"))
    body = report.to_dict()
    assert body["findings"] == [f.to_dict() for f in report.findings]
    assert body["requirements"] == [r.to_dict() for r in report.requirements]
    assert list(map(list, body["requirements"])) == [list(r.to_dict()) for r in report.requirements]  # key order
    assert body["pre_approval_hits"] == [h.to_dict() for h in report.pre_approval_hits]
    assert body["suggested_remarks"] == [s.to_dict() for s in report.suggested_remarks]
    assert [list(f) for f in body["findings"]] == [list(f.to_dict()) for f in report.findings]
