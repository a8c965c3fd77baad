"""GB/T 2260 administrative-division codes (行政区划代码) and the 31 mainland provincial units.

The table is built from the mapping in `icpflow/data/regions.json` (written by
`scripts/refresh_regions.py` from python-stdnum's `cn/loc.dat`, which lists every code from the 1980
edition on with the years it was in use). The domain does no I/O: whoever loads the JSON hands the
parsed mapping to `RegionTable.from_mapping`.

Two questions are kept apart on purpose:

* "did this code exist in ANY year" — a resident ID keeps the area code it was issued with for life,
  even after the county is renamed, merged or re-coded, so ID checks accept historical codes;
* "is it a current code" — an address on a filing must use today's divisions.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

#: (json_field_suffix, message_zh, fix_zh), e.g. ("district", "区县…不属于…", "请重新选择…").
AddressProblem = tuple[str, str, str]

#: The four municipalities (直辖市): their prefecture level is a placeholder (110100 市辖区, 500200 县).
MUNICIPALITIES: frozenset[str] = frozenset({"110000", "120000", "310000", "500000"})

#: Names GB/T 2260 gives to grouping codes rather than to places: never part of an address text.
_PLACEHOLDER_NAMES: frozenset[str] = frozenset(
    {"市辖区", "县", "市", "省直辖县级行政单位", "自治区直辖县级行政单位", "省直辖行政单位"}
)

_FIELD_LABELS = {"province": "省份", "city": "城市", "district": "区县"}


@dataclass(frozen=True, slots=True)
class Region:
    """One 6-digit code: its current (or last) name and the inclusive years it was in use."""

    code: str
    name: str
    first_year: int | None  # None: in use since the first edition in the data (1980) or earlier
    last_year: int | None  # None: still current
    former_names: tuple[str, ...] = ()

    @property
    def is_current(self) -> bool:
        return self.last_year is None


@dataclass(frozen=True, slots=True)
class Province:
    """A mainland provincial unit as the ICP filing system names it."""

    code: str  # "330000"
    name: str  # 浙江省
    short: str  # 浙江
    abbreviation: str  # 浙 — printed in ICP filing numbers (浙ICP备…); 蜀 黔 滇 陇 for 川 贵 云 甘
    alt_abbreviation: str | None  # the other official abbreviation (川 贵 云 甘 秦), if any
    bureau: str  # 浙江省通信管理局


def _is_code(value: str) -> bool:
    return len(value) == 6 and value.isascii() and value.isdigit()


def _short_form(name: str, suffixes: tuple[str, ...]) -> str | None:
    """杭州市 -> 杭州, 西湖区 -> 西湖; None when the stem would be a single character (和县) or the name is
    an autonomous unit (延边朝鲜族自治州), whose short form is not a mechanical cut."""
    if "自治" in name:
        return None
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


class RegionTable:
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

    # -- addresses ------------------------------------------------------------------------------------

    def _describe(self, code: str) -> str:
        name = self.name(code)
        return f"{code}({name})" if name else code

    def _code_problem(self, field: str, code: str) -> AddressProblem | None:
        label = _FIELD_LABELS[field]
        if not _is_code(code):
            return (
                field,
                f"{label}代码“{code}”不是 6 位数字的行政区划代码",
                f"请从{label}列表中重新选择，代码应为 GB/T 2260 的 6 位数字",
            )
        region = self._regions.get(code)
        if region is None:
            return (
                field,
                f"{label}代码 {code} 不是任何年份的 GB/T 2260 行政区划代码",
                f"请从{label}列表中重新选择",
            )
        if region.last_year is not None:
            return (
                field,
                f"{label}代码 {self._describe(code)} 已停用，最后见于 {region.last_year} 年的行政区划代码",
                f"请按现行行政区划重新选择{label}",
            )
        return None

    def check_address(self, province: str, city: str | None, district: str | None) -> list[AddressProblem]:
        """Problems with a (province, city, district) selection; empty when it is a current, nested one.

        A None city or district is "not given" and is skipped. Accepted shapes besides the plain
        province xx0000 / prefecture xxyy00 / county xxyyzz nesting:

        * municipalities: 110000 / 110100 (市辖区) / 1101xx, or the province code repeated as the city;
        * county-level units directly under a province: 429000 (省直辖县级行政单位) / 429004 (仙桃市),
          or the unit itself as both city and district (429004 / 429004), as many region pickers do;
        * cities without districts (东莞 441900, 中山 442000, 儋州 460400, 嘉峪关 620200): district == city.
        """
        problems: list[AddressProblem] = []
        fields = (("province", province), ("city", city), ("district", district))
        known: dict[str, str] = {}  # field -> code, for codes that exist (current or not)
        for field, code in fields:
            if code is None:
                continue
            if not isinstance(code, str):
                code = str(code)
            problem = self._code_problem(field, code)
            if problem is not None:
                problems.append(problem)
            if _is_code(code) and code in self._regions:
                known[field] = code

        p = known.get("province")
        c = known.get("city")
        d = known.get("district")

        if p is not None and p not in self._provinces:
            if p[2:] == "0000":
                problems.append(
                    (
                        "province",
                        f"{self._describe(p)} 不在 ICP 备案受理范围内",
                        "ICP 备案只受理内地 31 个省、自治区、直辖市，请重新选择省份",
                    )
                )
            else:
                problems.append(
                    (
                        "province",
                        f"省份代码 {self._describe(p)} 不是省级代码",
                        "省份应选择以 0000 结尾的省级代码，例如 330000（浙江省）",
                    )
                )
            p = None

        municipality_city = c is not None and c == p and p in MUNICIPALITIES
        direct_county_city = c is not None and c[2:4] == "90" and c[4:] != "00" and d == c
        if c is not None and not municipality_city and not direct_county_city:
            if c[2:] == "0000" or c[4:] != "00":
                problems.append(
                    (
                        "city",
                        f"城市代码 {self._describe(c)} 不是地级代码",
                        "城市应选择地级市、地区、自治州或盟（代码末两位为 00），直辖市选择“市辖区”或“县”",
                    )
                )
            elif p is not None and c[:2] != p[:2]:
                problems.append(
                    (
                        "city",
                        f"城市 {self._describe(c)} 不属于所选省份 {self._describe(p)}",
                        "请改正省份，或在该省份下重新选择城市",
                    )
                )

        if d is not None:
            if d == c and (c in self._childless or direct_county_city):
                pass
            elif d == c:
                problems.append(
                    ("district", f"区县与城市相同：{self._describe(d)} 下设区县", "请选择具体的区、县或县级市")
                )
            elif d[4:] == "00":
                problems.append(
                    (
                        "district",
                        f"区县代码 {self._describe(d)} 不是县级代码",
                        "请选择具体的区、县或县级市（代码末两位不为 00）",
                    )
                )
            elif self._regions[d].name == "市辖区":
                problems.append(
                    (
                        "district",
                        f"区县代码 {d} 是“市辖区”汇总码，不是具体的区县",
                        "请选择具体的区、县或县级市",
                    )
                )
            elif c is not None and d[: 2 if municipality_city else 4] != c[: 2 if municipality_city else 4]:
                problems.append(
                    (
                        "district",
                        f"区县 {self._describe(d)} 不属于所选城市 {self._describe(c)}",
                        "请改正城市，或在该城市下重新选择区县",
                    )
                )
            elif c is None and p is not None and d[:2] != p[:2]:
                problems.append(
                    (
                        "district",
                        f"区县 {self._describe(d)} 不属于所选省份 {self._describe(p)}",
                        "请改正省份，或在该省份下重新选择区县",
                    )
                )
        return problems

    def _levels(self, province: str, city: str | None, district: str | None) -> tuple[tuple[str, str | None], ...]:
        """(full name, short name or None) of the selected province, city and district that an address
        detail might repeat, in that order (cached: a handful of codes recur across a batch)."""
        try:
            return _region_levels(self, province, city, district)
        except TypeError:  # an unhashable argument: not cached
            return _region_levels.__wrapped__(self, province, city, district)

    def detail_repeats_region(
        self, detail: str, province: str, city: str | None, district: str | None
    ) -> bool:
        """True when the detailed address starts by repeating the selected province/city/district.

        "浙江省杭州市西湖区文三路", "杭州市西湖区…", "西湖区文三路…", "浙江杭州西湖区…" all repeat. A
        short name alone is not enough ("中山路1号" in 中山市，"西湖文化广场" in 西湖区 are street and
        place names): it counts only when followed by another region name, or when a full name
        (浙江省, 杭州市, 西湖区) appears.
        """
        if not isinstance(detail, str):
            return False
        text = detail.lstrip()
        if not text:
            return False
        levels = self._levels(province, city, district)
        pos = 0
        matched = 0
        full_hit = False
        for full, short in levels:
            if text.startswith(full, pos):
                pos += len(full)
                matched += 1
                full_hit = True
            elif short is not None and text.startswith(short, pos):
                pos += len(short)
                matched += 1
        return full_hit or matched >= 2


@functools.lru_cache(maxsize=4096)
def _region_levels(
    table: RegionTable, province: str, city: str | None, district: str | None
) -> tuple[tuple[str, str | None], ...]:
    levels: list[tuple[str, str | None]] = []
    prov = table._provinces.get(province) if isinstance(province, str) else None
    if prov is not None:
        levels.append((prov.name, prov.short))
    for code, suffixes in ((city, ("地区", "市", "盟")), (district, ("区", "县", "市", "旗"))):
        if not isinstance(code, str):
            continue
        region = table._regions.get(code)
        if region is None or region.name in _PLACEHOLDER_NAMES:
            continue
        if levels and levels[-1][0] == region.name:  # 东莞市 as both city and district
            continue
        levels.append((region.name, _short_form(region.name, suffixes)))
    return tuple(levels)
