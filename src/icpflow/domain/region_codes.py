"""What one GB/T 2260 administrative-division code (行政区划代码) is: a `Region` with the years it was in
use, a mainland provincial unit (`Province`) as the ICP filing system names it, the shape of a code, and
the codes that group places rather than name them (municipalities' placeholders, 市辖区 and the like).
The table of them all is `regions.RegionTable`.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The four municipalities (直辖市): their prefecture level is a placeholder (110100 市辖区, 500200 县).
MUNICIPALITIES: frozenset[str] = frozenset({"110000", "120000", "310000", "500000"})

#: Names GB/T 2260 gives to grouping codes rather than to places: never part of an address text.
_PLACEHOLDER_NAMES: frozenset[str] = frozenset(
    {"市辖区", "县", "市", "省直辖县级行政单位", "自治区直辖县级行政单位", "省直辖行政单位"}
)


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
