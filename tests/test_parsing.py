"""Reading filing documents: every malformed input becomes problems with a JSON path, never a traceback."""

from __future__ import annotations

import json

import pytest

from icpflow.domain.document import LONG_TERM, FullFiling
from icpflow.domain.parsing import DocumentUnreadable, format_path, parse_document, parse_mapping
from icpflow.testing import make_filing


def _problems(doc: object) -> dict[str, str]:
    with pytest.raises(DocumentUnreadable) as info:
        parse_document(json.dumps(doc, ensure_ascii=False))
    return {p.path: p.expected for p in info.value.problems}


def test_a_complete_filing_parses_into_the_new_filing_model() -> None:
    doc = parse_document(json.dumps(make_filing()))
    assert isinstance(doc, FullFiling)
    assert doc.subject.certificate.valid_to == LONG_TERM


def test_text_that_is_not_json_reports_line_and_column() -> None:
    with pytest.raises(DocumentUnreadable) as info:
        parse_document('{"schema_version": 1,\n "kind": }')
    (problem,) = info.value.problems
    assert problem.path == ""
    assert "第 2 行" in problem.expected


def test_a_missing_required_field_is_named_by_its_json_path() -> None:
    doc = make_filing()
    del doc["subject"]["principal"]["mobile"]  # type: ignore[index]
    assert _problems(doc) == {"subject.principal.mobile": "缺少必填字段"}


def test_an_unknown_key_is_refused_with_a_spelling_suggestion() -> None:
    doc = make_filing()
    principal = doc["subject"]["principal"]  # type: ignore[index]
    principal["emergency_phon"] = principal.pop("emergency_phone")
    problems = _problems(doc)
    assert "“emergency_phone”" in problems["subject.principal.emergency_phon"]
    assert problems["subject.principal.emergency_phone"] == "缺少必填字段"


def test_an_unknown_enumeration_value_lists_the_allowed_codes() -> None:
    doc = make_filing()
    doc["attachments"][0]["slot"] = "subject_cert"  # type: ignore[index]
    expected = _problems(doc)["attachments[0].slot"]
    assert "subject_certificate" in expected and "filing_commitment" in expected


def test_an_unknown_certificate_type_gets_one_problem_not_one_per_union_member() -> None:
    doc = make_filing()
    doc["subject"]["certificate"]["type"] = "licence"  # type: ignore[index]
    problems = _problems(doc)
    assert list(problems) == ["subject.certificate.type"]
    assert "business_license" in problems["subject.certificate.type"]
    assert "resident_id" in problems["subject.certificate.type"]


@pytest.mark.parametrize("value", ["2026/11/22", "20261122", 20261122, "2026-02-30"])
def test_dates_must_be_real_iso_days(value: object) -> None:
    doc = make_filing()
    doc["subject"]["principal"]["id_valid_from"] = value  # type: ignore[index]
    assert "subject.principal.id_valid_from" in _problems(doc)


def test_the_chinese_word_for_long_term_is_read_as_long_term() -> None:
    doc = make_filing()
    doc["subject"]["principal"]["id_valid_to"] = "长期"  # type: ignore[index]
    parsed = parse_mapping(doc)
    assert parsed.subject.principal.id_valid_to == LONG_TERM  # type: ignore[union-attr]


def test_region_codes_must_be_six_digits() -> None:
    doc = make_filing()
    doc["subject"]["address"]["district"] = "3301"  # type: ignore[index]
    assert "GB/T 2260" in _problems(doc)["subject.address.district"]


def test_an_unsupported_schema_version_is_named() -> None:
    doc = make_filing()
    doc["schema_version"] = 2
    assert "schema_version" in _problems(doc)["schema_version"]


def test_an_unknown_kind_lists_the_five_filing_kinds() -> None:
    doc = make_filing()
    doc["kind"] = "renew"
    (expected,) = _problems(doc).values()
    assert "cancel_access" in expected


def test_a_principal_string_other_than_same_as_subject_principal_is_refused() -> None:
    doc = make_filing()
    doc["program"]["principal"] = "same"  # type: ignore[index]
    assert "program.principal" in _problems(doc)


def test_a_top_level_array_is_not_a_filing_document() -> None:
    assert list(_problems([1, 2])) == [""]


def test_union_tags_never_leak_into_paths() -> None:
    assert format_path(("new", "program", "principal", "person", "mobile")) == "program.principal.mobile"
    assert format_path(("cancel_program", "attachments", 3, "slot")) == "attachments[3].slot"
