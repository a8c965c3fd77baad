"""Addresses against the GB/T 2260 table: whether a filing's (province, city, district) selection is a
current, nested one (`check_address`, with the problems in Chinese), and whether the free-text detailed
address starts by repeating the selected regions (`detail_repeats_region`). `RegionTable` has these
methods through `AddressChecks`.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from .region_codes import _PLACEHOLDER_NAMES, MUNICIPALITIES, Province, Region, _is_code

if TYPE_CHECKING:
    from .regions import RegionTable

#: (json_field_suffix, message_zh, fix_zh), e.g. ("district", "区县…不属于…", "请重新选择…").
AddressProblem = tuple[str, str, str]

_FIELD_LABELS = {"province": "省份", "city": "城市", "district": "区县"}


def _short_form(name: str, suffixes: tuple[str, ...]) -> str | None:
    """杭州市 -> 杭州, 西湖区 -> 西湖; None when the stem would be a single character (和县) or the name is
    an autonomous unit (延边朝鲜族自治州), whose short form is not a mechanical cut."""
    if "自治" in name:
        return None
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


class AddressChecks:
    """The address methods of `RegionTable`, over the table's attributes (declared here, set there)."""

    __slots__ = ()

    if TYPE_CHECKING:
        _regions: dict[str, Region]
        _provinces: dict[str, Province]
        _childless: frozenset[str]

        def name(self, code: str) -> str | None: ...

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
