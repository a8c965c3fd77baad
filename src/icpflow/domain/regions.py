"""GB/T 2260 administrative-division codes (行政区划代码) and the 31 mainland provincial units.

The table is built from the mapping in `icpflow/data/regions.json` (written by
`scripts/refresh_regions.py` from python-stdnum's `cn/loc.dat`, which lists every code from the 1980
edition on with the years it was in use). The domain does no I/O: whoever loads the JSON hands the
parsed mapping to `RegionTable.from_mapping`.

Two questions are kept apart on purpose:

* "did this code exist in ANY year" — a resident ID keeps the area code it was issued with for life,
  even after the county is renamed, merged or re-coded, so ID checks accept historical codes;
* "is it a current code" — an address on a filing must use today's divisions.

This module owns the table (`RegionTable`: building it, single codes, provinces); what one code and one
province are is in `region_codes`, and the address checks the table offers are in `region_addresses`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .region_addresses import AddressChecks, AddressProblem
from .region_codes import _PLACEHOLDER_NAMES, MUNICIPALITIES, Province, Region, _is_code

__all__ = ["MUNICIPALITIES", "AddressProblem", "Province", "Region", "RegionTable"]


class RegionTable(AddressChecks):
    """Lookups over GB/T 2260 codes. Build once with `from_mapping`; every lookup is a dict access.

    Instances hash by identity so validators may cache results per table.
    """

    __slots__ = (
        "_childless",
        "_province_by_prefix",
        "_province_by_short",
        "_provinces",
        "_regions",
        "data_last_year",
        "source",
        "version",
    )

    def __init__(
        self,
        *,
        version: str,
        source: str,
        regions: Mapping[str, Region],
        provinces: Mapping[str, Province],
    ) -> None:
        self.version = version
        self.source = source
        self._regions: dict[str, Region] = dict(regions)
        self._provinces: dict[str, Province] = dict(provinces)
        self._province_by_prefix: dict[str, Province] = {code[:2]: p for code, p in self._provinces.items()}
        # Short names (2 or 3 characters) also cover full names, which all start with the short name.
        self._province_by_short: dict[str, str] = {p.short: p.code for p in self._provinces.values()}
        try:
            self.data_last_year: int | None = int(version)
        except ValueError:
            self.data_last_year = None
        # Current prefecture-level codes with no current county-level code under them: 东莞 441900,
        # 中山 442000, 儋州 460400, 嘉峪关 620200 are cities "without districts" (不设区的地级市), so a
        # filer's district is the city itself. Computed, not listed, so a data refresh keeps it right.
        with_children: set[str] = set()
        for code, region in self._regions.items():
            if region.is_current and code[4:] != "00" and region.name != "市辖区":
                with_children.add(code[:4])
        self._childless: frozenset[str] = frozenset(
            code
            for code, region in self._regions.items()
            if region.is_current
            and code[4:] == "00"
            and code[2:] != "0000"
            and code[:4] not in with_children
            and region.name not in _PLACEHOLDER_NAMES
        )

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> RegionTable:
        """Build from the parsed `regions.json`; raise ValueError when the mapping is malformed."""
        try:
            raw_regions = data["regions"]
            raw_provinces = data["provinces"]
            version = str(data["version"])
            source = str(data.get("source", ""))
            regions = {
                str(code): Region(
                    code=str(code),
                    name=str(entry["name"]),
                    first_year=None if entry.get("first") is None else int(entry["first"]),
                    last_year=None if entry.get("last") is None else int(entry["last"]),
                    former_names=tuple(str(n) for n in entry.get("former", ())),
                )
                for code, entry in raw_regions.items()
            }
            provinces = {
                str(code): Province(
                    code=str(code),
                    name=str(entry["name"]),
                    short=str(entry["short"]),
                    abbreviation=str(entry["abbreviation"]),
                    alt_abbreviation=(
                        None if entry.get("alt_abbreviation") is None else str(entry["alt_abbreviation"])
                    ),
                    bureau=str(entry["bureau"]),
                )
                for code, entry in raw_provinces.items()
            }
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise ValueError(f"malformed region table: {exc!r}") from exc
        for code in list(regions) + list(provinces):
            if not _is_code(code):
                raise ValueError(f"malformed region table: {code!r} is not a 6-digit code")
        for code in provinces:
            if code[2:] != "0000" or code not in regions:
                raise ValueError(f"malformed region table: province {code} is not a province-level region")
        return cls(version=version, source=source, regions=regions, provinces=provinces)

    # -- single codes ---------------------------------------------------------------------------------

    def region(self, code: str) -> Region | None:
        return self._regions.get(code)

    def exists_any_year(self, code: str) -> bool:
        """True when `code` was a GB/T 2260 code in any edition since 1980."""
        return code in self._regions

    def is_current(self, code: str) -> bool:
        region = self._regions.get(code)
        return region is not None and region.last_year is None

    def name(self, code: str) -> str | None:
        """Current name, or the last name a retired code had."""
        region = self._regions.get(code)
        return None if region is None else region.name

    def __len__(self) -> int:
        return len(self._regions)

    # -- provinces ------------------------------------------------------------------------------------

    @staticmethod
    def province_code(code: str) -> str:
        """The province-level code of any code: 330106 -> 330000 (the first two digits)."""
        return code[:2] + "0000"

    def provinces(self) -> tuple[Province, ...]:
        return tuple(self._provinces[code] for code in sorted(self._provinces))

    def subdivisions(self, code: str) -> tuple[Region, ...]:
        """The current regions one level below `code`, in code order, as a region picker lists them and
        `check_address` accepts them: a province's prefecture-level codes (xxyy00, including the
        municipalities' 市辖区/县 and 省直辖县级行政单位), a prefecture's counties (xxyyzz, without 市辖区
        summary codes). A city without districts (东莞 441900) lists itself; a county lists nothing."""
        if not _is_code(code) or not self.is_current(code):
            return ()
        if code in self._provinces:
            return tuple(r for c, r in sorted(self._regions.items())
                         if r.is_current and c[:2] == code[:2] and c[2:] != "0000" and c[4:] == "00")
        if code[4:] != "00":
            return ()
        if code in self._childless:
            return (self._regions[code],)
        return tuple(r for c, r in sorted(self._regions.items())
                     if r.is_current and c[:4] == code[:4] and c[4:] != "00" and r.name != "市辖区")

    def province(self, code: str) -> Province | None:
        """The mainland province containing `code` (any level), or None (台湾/香港/澳门, unknown)."""
        return self._province_by_prefix.get(code[:2])

    def is_province(self, code: str) -> bool:
        """True when `code` is itself one of the 31 mainland province-level codes (xx0000)."""
        return code in self._provinces

    def _province_or_raise(self, code: str) -> Province:
        province = self._province_by_prefix.get(code[:2])
        if province is None:
            raise KeyError(f"no mainland province for code {code!r}")
        return province

    def province_label(self, code: str) -> str:
        """The mainland province's name for any code in it; otherwise the region's own name (香港特别行政区)
        or the code itself. Never raises: for messages about codes that may be outside the 31."""
        province = self.province(code)
        if province is not None:
            return province.name
        return self.name(code) or code

    def province_name(self, code: str) -> str:
        """浙江省 for any code in Zhejiang. KeyError outside the 31 mainland units."""
        return self._province_or_raise(code).name

    def province_short(self, code: str) -> str:
        """浙江 (the name UI lists use). KeyError outside the 31 mainland units."""
        return self._province_or_raise(code).short

    def abbreviation(self, code: str) -> str:
        """The character in ICP filing numbers: 浙 (浙ICP备…), 蜀 for Sichuan. KeyError outside the 31."""
        return self._province_or_raise(code).abbreviation

    def alt_abbreviation(self, code: str) -> str | None:
        """The other official abbreviation (川 贵 云 甘 秦) or None. KeyError outside the 31."""
        return self._province_or_raise(code).alt_abbreviation

    def bureau(self, code: str) -> str:
        """The reviewing 通信管理局, e.g. 浙江省通信管理局. KeyError outside the 31."""
        return self._province_or_raise(code).bureau

    def province_from_text(self, text: str) -> str | None:
        """The province code whose full or short name starts `text` ("浙江省杭州市…" -> "330000")."""
        if not isinstance(text, str):
            return None
        text = text.lstrip()
        # Short names are 2 or 3 characters (内蒙古, 黑龙江) and no 2-character short name is a prefix
        # of a 3-character one, so two dict probes decide it.
        return self._province_by_short.get(text[:3]) or self._province_by_short.get(text[:2])
