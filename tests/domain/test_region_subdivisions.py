"""RegionTable.subdivisions: what a region picker lists one level down, and that it agrees with
check_address (the province / city / district a filer can pick is always accepted)."""

from __future__ import annotations

import pytest

from icpflow.bootstrap import load_regions
from icpflow.domain.regions import RegionTable


@pytest.fixture(scope="module")
def regions() -> RegionTable:
    return load_regions()


def _codes(regions: RegionTable, code: str) -> list[str]:
    return [r.code for r in regions.subdivisions(code)]


def test_a_province_lists_its_prefectures_and_a_prefecture_its_counties(regions: RegionTable) -> None:
    assert "330100" in _codes(regions, "330000") and "330106" not in _codes(regions, "330000")
    assert "330106" in _codes(regions, "330100") and "330206" not in _codes(regions, "330100")


def test_municipalities_and_directly_administered_counties_list_their_grouping_codes(regions: RegionTable) -> None:
    assert _codes(regions, "110000") == ["110100"]  # 北京市 → 市辖区 → its districts
    assert "110108" in _codes(regions, "110100")
    assert {"500100", "500200"} <= set(_codes(regions, "500000"))
    assert "429004" in _codes(regions, "429000")  # 省直辖县级行政单位 → 仙桃市


def test_a_city_without_districts_is_its_own_district(regions: RegionTable) -> None:
    assert _codes(regions, "441900") == ["441900"]
    assert regions.check_address("440000", "441900", "441900") == []


@pytest.mark.parametrize("code", ["330106", "429004", "999999", "", "33010", "330101"])
def test_a_county_an_unknown_or_a_retired_code_lists_nothing(regions: RegionTable, code: str) -> None:
    assert _codes(regions, code) == []


def test_every_pick_is_an_address_the_checker_accepts(regions: RegionTable) -> None:
    picks = [(p.code, c.code, d.code) for p in regions.provinces() for c in regions.subdivisions(p.code)
             for d in regions.subdivisions(c.code)]
    assert len(picks) > 2800
    assert [pick for pick in picks if regions.check_address(*pick)] == []
    assert all(regions.subdivisions(c.code) for p in regions.provinces() for c in regions.subdivisions(p.code))
