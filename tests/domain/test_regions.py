"""RegionTable over the real GB/T 2260 data file, and the script that generates it."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from icpflow.domain.regions import RegionTable

REPO_ROOT = Path(__file__).resolve().parents[2]


def _load_data() -> dict:
    return json.loads((resources.files("icpflow") / "data" / "regions.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def data() -> dict:
    return _load_data()


@pytest.fixture(scope="module")
def regions(data: dict) -> RegionTable:
    return RegionTable.from_mapping(data)


_TABLE = RegionTable.from_mapping(_load_data())  # for hypothesis tests, which cannot take fixtures


# -- the data file ----------------------------------------------------------------------------------------


def test_committed_regions_json_is_what_the_script_generates() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / "refresh_regions.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO_ROOT,
    )
    assert result.returncode == 0, result.stderr


def test_check_mode_fails_when_the_file_differs(tmp_path: Path) -> None:
    stale = tmp_path / "regions.json"
    stale.write_text("{}\n", encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            str(REPO_ROOT / "scripts" / "refresh_regions.py"),
            "--check",
            "--output",
            str(stale),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO_ROOT,
    )
    assert result.returncode == 1


def test_data_file_is_versioned_with_the_last_year_of_the_data(data: dict) -> None:
    assert set(data) == {"version", "source", "generated_by", "regions", "provinces"}
    assert data["generated_by"] == "scripts/refresh_regions.py"
    assert data["version"].isdigit() and int(data["version"]) >= 2024
    assert "loc.dat" in data["source"]


def test_data_file_stays_small() -> None:
    size = len((resources.files("icpflow") / "data" / "regions.json").read_bytes())
    assert size < 1_000_000


def test_data_file_lists_thirty_one_mainland_provinces(regions: RegionTable) -> None:
    assert len(regions.provinces()) == 31


def test_malformed_mapping_is_refused_with_value_error() -> None:
    with pytest.raises(ValueError, match="malformed"):
        RegionTable.from_mapping({"version": "2025", "regions": {}})


# -- single codes -----------------------------------------------------------------------------------------


def test_current_district_exists_and_is_current(regions: RegionTable) -> None:
    assert regions.exists_any_year("330106")
    assert regions.is_current("330106")
    assert regions.name("330106") == "西湖区"


def test_retired_district_exists_in_some_year_but_is_not_current(regions: RegionTable) -> None:
    # 崇文区 (110103) was merged into 东城区 in 2010.
    assert regions.exists_any_year("110103")
    assert not regions.is_current("110103")
    assert regions.name("110103") == "崇文区"


def test_code_created_later_is_current(regions: RegionTable) -> None:
    region = regions.region("330110")  # 余杭区, since 2001
    assert region is not None
    assert region.first_year == 2001
    assert region.is_current


def test_renamed_code_keeps_its_former_names(regions: RegionTable) -> None:
    region = regions.region("120110")  # 东郊区 -> 东丽区 in 1992
    assert region is not None
    assert region.name == "东丽区"
    assert "东郊区" in region.former_names


def test_unknown_code_does_not_exist(regions: RegionTable) -> None:
    assert not regions.exists_any_year("999999")
    assert not regions.is_current("999999")
    assert regions.name("999999") is None


def test_province_level_and_prefecture_level_codes_are_in_the_table(regions: RegionTable) -> None:
    assert regions.is_current("330000")
    assert regions.is_current("330100")


def test_hong_kong_and_macao_codes_exist_but_are_not_mainland_provinces(regions: RegionTable) -> None:
    assert regions.exists_any_year("810000")
    assert regions.exists_any_year("820000")
    assert not regions.is_province("810000")
    assert regions.province("810000") is None


# -- provinces --------------------------------------------------------------------------------------------


def test_province_code_is_first_two_digits_and_four_zeros(regions: RegionTable) -> None:
    assert regions.province_code("330106") == "330000"


def test_is_province_is_true_only_for_province_level_codes(regions: RegionTable) -> None:
    assert regions.is_province("330000")
    assert not regions.is_province("330100")


def test_province_names_short_names_and_bureau(regions: RegionTable) -> None:
    assert regions.province_name("330106") == "浙江省"
    assert regions.province_short("330106") == "浙江"
    assert regions.bureau("330106") == "浙江省通信管理局"


def test_autonomous_region_bureau_uses_the_full_name(regions: RegionTable) -> None:
    assert regions.bureau("450000") == "广西壮族自治区通信管理局"
    assert regions.bureau("650000") == "新疆维吾尔自治区通信管理局"
    assert regions.bureau("110000") == "北京市通信管理局"


def test_icp_abbreviations_cover_all_provinces_in_order(regions: RegionTable) -> None:
    abbreviations = "".join(p.abbreviation for p in regions.provinces())
    assert abbreviations == "京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝蜀黔滇藏陕陇青宁新"


def test_icp_abbreviation_of_sichuan_is_shu_and_its_other_abbreviation_is_chuan(regions: RegionTable) -> None:
    assert regions.abbreviation("510100") == "蜀"
    assert regions.alt_abbreviation("510100") == "川"


def test_guizhou_yunnan_gansu_use_their_classical_abbreviations(regions: RegionTable) -> None:
    assert (regions.abbreviation("520000"), regions.alt_abbreviation("520000")) == ("黔", "贵")
    assert (regions.abbreviation("530000"), regions.alt_abbreviation("530000")) == ("滇", "云")
    assert (regions.abbreviation("620000"), regions.alt_abbreviation("620000")) == ("陇", "甘")


def test_province_without_other_abbreviation_returns_none(regions: RegionTable) -> None:
    assert regions.alt_abbreviation("330000") is None


def test_province_lookup_outside_the_mainland_raises_key_error(regions: RegionTable) -> None:
    with pytest.raises(KeyError):
        regions.province_name("810000")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("浙江省杭州市西湖区文三路", "330000"),
        ("内蒙古自治区呼和浩特市", "150000"),
        ("广西南宁市", "450000"),
        ("黑龙江省哈尔滨市", "230000"),
        ("北京市朝阳区", "110000"),
        ("  上海市浦东新区", "310000"),
    ],
)
def test_province_from_text_finds_the_leading_province_name(
    regions: RegionTable, text: str, expected: str
) -> None:
    assert regions.province_from_text(text) == expected


def test_province_from_text_is_none_without_a_leading_province_name(regions: RegionTable) -> None:
    assert regions.province_from_text("杭州市西湖区") is None
    assert regions.province_from_text("") is None


# -- addresses --------------------------------------------------------------------------------------------


def test_ordinary_nested_address_has_no_problems(regions: RegionTable) -> None:
    assert regions.check_address("330000", "330100", "330106") == []


def test_municipality_address_through_its_city_districts_code_is_accepted(regions: RegionTable) -> None:
    assert regions.check_address("110000", "110100", "110105") == []


def test_municipality_address_with_the_province_code_as_city_is_accepted(regions: RegionTable) -> None:
    assert regions.check_address("110000", "110000", "110105") == []


def test_chongqing_county_under_its_county_grouping_is_accepted(regions: RegionTable) -> None:
    assert regions.check_address("500000", "500200", "500229") == []  # 城口县


def test_county_level_city_under_the_province_grouping_is_accepted(regions: RegionTable) -> None:
    assert regions.check_address("420000", "429000", "429004") == []  # 仙桃市


def test_county_level_city_chosen_as_both_city_and_district_is_accepted(regions: RegionTable) -> None:
    assert regions.check_address("420000", "429004", "429004") == []


@pytest.mark.parametrize("city", ["441900", "442000", "460400", "620200"])
def test_city_without_districts_may_be_its_own_district(regions: RegionTable, city: str) -> None:
    assert regions.check_address(city[:2] + "0000", city, city) == []


def test_city_with_districts_may_not_be_its_own_district(regions: RegionTable) -> None:
    problems = regions.check_address("330000", "330100", "330100")
    assert [p[0] for p in problems] == ["district"]


def test_retired_district_is_reported_as_not_current(regions: RegionTable) -> None:
    problems = regions.check_address("110000", "110100", "110103")
    assert len(problems) == 1
    field, message, fix = problems[0]
    assert field == "district"
    assert "崇文区" in message and "已停用" in message
    assert "现行" in fix


def test_city_not_under_the_province_is_reported(regions: RegionTable) -> None:
    problems = regions.check_address("330000", "320100", "320102")
    assert [p[0] for p in problems] == ["city"]
    assert "南京市" in problems[0][1] and "浙江省" in problems[0][1]


def test_district_not_under_the_city_is_reported(regions: RegionTable) -> None:
    problems = regions.check_address("330000", "330100", "330203")  # 海曙区 is in 宁波
    assert [p[0] for p in problems] == ["district"]
    assert "杭州市" in problems[0][1]


def test_unknown_code_is_reported(regions: RegionTable) -> None:
    problems = regions.check_address("330000", "330100", "339999")
    assert [p[0] for p in problems] == ["district"]


def test_malformed_code_is_reported(regions: RegionTable) -> None:
    problems = regions.check_address("浙江", "330100", "330106")
    assert [p[0] for p in problems] == ["province"]
    assert "6 位数字" in problems[0][1]


def test_prefecture_code_as_province_is_reported(regions: RegionTable) -> None:
    problems = regions.check_address("330100", "330100", "330106")
    assert [p[0] for p in problems] == ["province"]


def test_taiwan_hong_kong_macao_are_outside_icp_filing(regions: RegionTable) -> None:
    problems = regions.check_address("810000", None, None)
    assert [p[0] for p in problems] == ["province"]
    assert "31" in problems[0][2]


def test_county_code_as_city_is_reported(regions: RegionTable) -> None:
    problems = regions.check_address("330000", "330106", "330106")
    assert "city" in [p[0] for p in problems]


def test_municipal_districts_grouping_code_is_not_a_district(regions: RegionTable) -> None:
    problems = regions.check_address("330000", "330100", "330101")  # 市辖区
    assert [p[0] for p in problems] == ["district"]


def test_missing_city_and_district_are_skipped(regions: RegionTable) -> None:
    assert regions.check_address("330000", None, None) == []


# -- address detail -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "detail",
    [
        "浙江省杭州市西湖区文三路 90 号",
        "杭州市西湖区文三路 90 号",
        "西湖区文三路 90 号",
        "浙江杭州西湖区文三路",
        "杭州西湖区文三路",
    ],
)
def test_detail_repeating_the_region_is_detected(regions: RegionTable, detail: str) -> None:
    assert regions.detail_repeats_region(detail, "330000", "330100", "330106")


def test_detail_starting_with_the_street_does_not_repeat_the_region(regions: RegionTable) -> None:
    assert not regions.detail_repeats_region("文三路 90 号", "330000", "330100", "330106")


def test_place_name_sharing_a_short_region_name_is_not_a_repeat(regions: RegionTable) -> None:
    assert not regions.detail_repeats_region("西湖文化广场 1 号", "330000", "330100", "330106")
    assert not regions.detail_repeats_region("中山路 1 号", "440000", "442000", "442000")


def test_municipality_detail_repeating_the_city_is_detected(regions: RegionTable) -> None:
    assert regions.detail_repeats_region("北京市朝阳区建国路 1 号", "110000", "110100", "110105")
    assert regions.detail_repeats_region("北京朝阳区建国路 1 号", "110000", "110100", "110105")


# -- robustness -----------------------------------------------------------------------------------------


@given(st.text(max_size=20), st.text(max_size=8), st.text(max_size=8), st.text(max_size=8))
def test_region_lookups_never_raise_on_arbitrary_text(detail: str, p: str, c: str, d: str) -> None:
    _TABLE.check_address(p, c, d)
    _TABLE.detail_repeats_region(detail, p, c, d)
    _TABLE.province_from_text(detail)
    _TABLE.exists_any_year(p)
    _TABLE.is_current(p)
    _TABLE.name(p)
    _TABLE.province(p)
