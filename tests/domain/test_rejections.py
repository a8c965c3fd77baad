"""The rejection-reason catalogue (驳回原因目录): what ships, how it is looked up, how bad data is refused."""

from __future__ import annotations

import functools
import re
import tomllib
from importlib import resources
from typing import Any

import pytest

from icpflow.domain.regulator import RejectionReason
from icpflow.domain.rejections import (
    RejectionCatalogue,
    RejectionCatalogueError,
    ReviewStage,
    UnknownRejectionReason,
)
from icpflow.testing import PROVINCE_DISTRICTS, make_filing

SEED_FILES = {
    "000_8838124d212bbbd1.txt",
    "001_edd01ed65df7a799.txt",
    "003_0f40c4fde18277ca.txt",
    "004_58a0f6ee9b17c945.txt",
}


@functools.cache
def shipped_data() -> dict[str, Any]:
    text = resources.files("icpflow").joinpath("data/rejection_reasons.toml").read_text("utf-8")
    return tomllib.loads(text)


@functools.cache
def catalogue() -> RejectionCatalogue:
    return RejectionCatalogue.from_mapping(shipped_data())


def entry(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "code": "photo_not_original",
        "message": "上传的证件为复印件，请上传原件照片。",
        "field": "attachments",
        "source": "004_58a0f6ee9b17c945.txt §1.2 主办信息 4",
        "stage": "bureau",
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def problems_of(data: Any) -> list[tuple[str, str]]:
    with pytest.raises(RejectionCatalogueError) as caught:
        RejectionCatalogue.from_mapping(data)
    return caught.value.problems


def paths_of(data: Any) -> list[str]:
    return [path for path, _ in problems_of(data)]


def resolve(document: Any, path: str) -> Any:
    current = document
    for part in path.split("."):
        assert isinstance(current, dict) and part in current, f"{path}: no {part!r}"
        current = current[part]
    return current


# ----- the shipped catalogue -----------------------------------------------------------------------


def test_the_shipped_catalogue_loads_with_between_twenty_and_thirty_reasons() -> None:
    assert 20 <= len(catalogue()) <= 30
    assert catalogue().version


def test_every_shipped_reason_names_a_seed_file_in_its_source() -> None:
    for cause in catalogue():
        named = set(re.findall(r"\d{3}_[0-9a-f]{16}\.txt", cause.source))
        assert named, cause.code
        assert named <= SEED_FILES, cause.code


def test_every_shipped_message_is_chinese_and_ends_as_a_sentence() -> None:
    for cause in catalogue():
        assert re.search(r"[\u4e00-\u9fff]", cause.message), cause.code
        assert cause.message.endswith("。"), cause.code


def test_every_shipped_reason_has_a_valid_stage() -> None:
    for cause in catalogue():
        assert cause.stages, cause.code
        assert cause.stages <= set(ReviewStage), cause.code


def test_every_shipped_field_is_a_path_a_complete_filing_document_has() -> None:
    document = make_filing("440000", program_type="mini_game")
    for cause in catalogue():
        if cause.field:
            resolve(document, cause.field)


def test_every_shipped_province_is_one_of_the_31_mainland_provinces() -> None:
    for cause in catalogue():
        assert cause.provinces is None or cause.provinces <= set(PROVINCE_DISTRICTS), cause.code


def test_both_stages_have_general_and_province_specific_reasons() -> None:
    for stage in ReviewStage:
        causes = catalogue().for_stage(stage)
        assert any(c.provinces is None for c in causes)
        assert any(c.provinces is not None for c in causes)


def test_the_legal_representative_rule_lists_the_22_provinces_of_the_seed() -> None:
    provinces = catalogue()["subject_principal_not_legal_rep"].provinces
    assert provinces is not None and len(provinces) == 22
    assert {"330000", "440000", "120000", "140000"} <= provinces
    assert not {"110000", "460000", "210000", "320000"} & provinces  # no letter, or a letter, instead


# ----- lookups -------------------------------------------------------------------------------------


def test_a_reason_is_found_by_its_code() -> None:
    cause = catalogue()["beijing_door_number_in_symbols"]
    assert cause.field == "subject.address.detail"
    assert cause.provinces == frozenset({"110000"})
    assert "beijing_door_number_in_symbols" in catalogue()
    assert catalogue().get("beijing_door_number_in_symbols") is cause


def test_a_reason_travels_as_a_rejection_reason_with_the_same_code_message_field_and_source() -> None:
    cause = catalogue()["emergency_phone_same_as_mobile"]
    assert catalogue().reason(cause.code) == RejectionReason(cause.code, cause.message, cause.field, cause.source)


def test_an_unknown_code_raises_a_key_error_that_carries_the_code() -> None:
    with pytest.raises(UnknownRejectionReason) as caught:
        catalogue()["no_such_reason"]
    assert caught.value.code == "no_such_reason"
    assert isinstance(caught.value, KeyError)
    assert catalogue().get("no_such_reason") is None


def test_the_platform_stage_lists_platform_reasons_only() -> None:
    codes = {c.code for c in catalogue().for_stage("platform")}
    assert "subject_mismatch_with_program" in codes
    assert "fujian_site_screenshots_missing" not in codes  # bureau only
    assert all(ReviewStage.PLATFORM in c.stages for c in catalogue().for_stage(ReviewStage.PLATFORM))


def test_the_bureau_stage_leaves_out_what_only_the_platform_checks() -> None:
    codes = {c.code for c in catalogue().for_stage("bureau")}
    assert "subject_mismatch_with_program" not in codes
    assert "fujian_site_screenshots_missing" in codes


def test_a_province_sees_the_general_reasons_and_its_own_but_not_other_provinces() -> None:
    codes = {c.code for c in catalogue().for_stage("bureau", province="110000")}
    assert "beijing_door_number_in_symbols" in codes
    assert "materials_inconsistent" in codes
    assert "tianjin_remark_format" not in codes
    assert "subject_principal_not_legal_rep" not in codes


def test_without_a_province_every_reason_of_the_stage_is_listed_in_catalogue_order() -> None:
    listed = catalogue().for_stage("bureau")
    expected = [c for c in catalogue() if ReviewStage.BUREAU in c.stages]
    assert listed == expected


def test_an_enterprise_does_not_see_reasons_meant_for_individuals() -> None:
    enterprise = {c.code for c in catalogue().for_stage("bureau", "440000", "enterprise")}
    individual = {c.code for c in catalogue().for_stage("bureau", "440000", "individual")}
    assert "non_local_residence_proof_missing" not in enterprise
    assert "non_local_residence_proof_missing" in individual
    assert "emergency_phone_not_responsible_person" in individual


def test_an_unknown_stage_is_refused() -> None:
    with pytest.raises(ValueError):
        catalogue().for_stage("ministry")


# ----- from_mapping --------------------------------------------------------------------------------


def test_a_stage_may_be_one_word_or_a_list_of_both() -> None:
    built = RejectionCatalogue.from_mapping(
        {"reason": [entry(), entry(code="materials_inconsistent", field="", stage=["platform", "bureau"])]}
    )
    assert built["photo_not_original"].stages == {ReviewStage.BUREAU}
    assert built["materials_inconsistent"].stages == {ReviewStage.PLATFORM, ReviewStage.BUREAU}


def test_a_catalogue_without_reasons_is_refused_at_the_reason_path() -> None:
    assert paths_of({"version": "1"}) == ["reason"]
    assert paths_of({"reason": []}) == ["reason"]
    assert paths_of(["not", "a", "table"]) == [""]


def test_an_unknown_stage_in_the_data_names_its_path() -> None:
    assert paths_of({"reason": [entry(), entry(code="other", stage="ministry")]}) == ["reason[1].stage"]
    assert paths_of({"reason": [entry(stage=["platform", "court"])]}) == ["reason[0].stage[1]"]


def test_a_missing_stage_or_message_names_its_path() -> None:
    problems = problems_of({"reason": [entry(stage=None, message=None)]})
    assert {path for path, _ in problems} == {"reason[0].stage", "reason[0].message"}
    assert all("missing" in message for _, message in problems)


def test_a_message_that_is_not_chinese_names_its_path() -> None:
    assert paths_of({"reason": [entry(message="Photo is a photocopy.")]}) == ["reason[0].message"]


def test_a_field_that_is_not_a_document_path_names_its_path() -> None:
    assert paths_of({"reason": [entry(field="Subject/Name")]}) == ["reason[0].field"]
    assert paths_of({"reason": [entry(field="applicant.name")]}) == ["reason[0].field"]


def test_a_bad_province_code_names_its_index() -> None:
    assert paths_of({"reason": [entry(provinces=["440000", "440300"])]}) == ["reason[0].provinces[1]"]
    assert paths_of({"reason": [entry(provinces=[])]}) == ["reason[0].provinces"]


def test_an_unknown_subject_nature_names_its_index() -> None:
    assert paths_of({"reason": [entry(natures=["person"])]}) == ["reason[0].natures[0]"]


def test_an_unknown_key_is_refused_with_its_path() -> None:
    assert paths_of({"reason": [entry(severity="error")]}) == ["reason[0].severity"]
    assert paths_of({"reasons": [entry()], "reason": [entry()]}) == ["reasons"]


def test_a_code_that_is_not_snake_case_or_repeated_names_its_path() -> None:
    assert paths_of({"reason": [entry(code="Photo-Copy")]}) == ["reason[0].code"]
    problems = problems_of({"reason": [entry(), entry()]})
    assert problems == [("reason[1].code", "duplicate of reason[0] (photo_not_original)")]


def test_every_problem_is_reported_at_once() -> None:
    data = {"reason": [entry(stage="x"), entry(code="b", source="")]}
    with pytest.raises(RejectionCatalogueError) as caught:
        RejectionCatalogue.from_mapping(data)
    error = caught.value
    assert [path for path, _ in error.problems] == ["reason[0].stage", "reason[1].source"]
    assert "reason[0].stage" in str(error) and "reason[1].source" in str(error)

