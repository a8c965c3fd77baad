"""Filing numbers (备案号): `<省简称>ICP备<serial>号[-<n><suffix>]`.

Seed 000 §备案完成: a mini-program's number is `[省份]ICP备[备案号]号-[N]X`. The subject keeps one serial;
each of its services gets the next `-n`; the suffix says the kind of service (none for websites,
`A` for apps, `K` for quick apps, `X` for mini-programs and mini-games). Serials have 8 digits
(older) or 10 digits (year + sequence).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ABBREVIATIONS = "京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝蜀川黔贵滇云藏陕陇甘青宁新"

_PATTERN = re.compile(
    rf"^(?P<abbr>[{ABBREVIATIONS}])ICP备(?P<serial>\d{{8}}|\d{{10}})号(?:-(?P<n>[1-9]\d{{0,3}})(?P<suffix>[AXK]?))?$"
)


@dataclass(frozen=True, slots=True)
class FilingNumber:
    abbreviation: str
    serial: str
    service: int | None  # None: the subject's own number
    suffix: str  # "" website, "A" app, "K" quick app, "X" mini-program

    def __str__(self) -> str:
        base = f"{self.abbreviation}ICP备{self.serial}号"
        return base if self.service is None else f"{base}-{self.service}{self.suffix}"


def parse_filing_number(text: str) -> FilingNumber | None:
    """The parts of a filing number, or None when `text` is not one (surrounding spaces are ignored)."""
    m = _PATTERN.match(text.strip())
    if m is None:
        return None
    n = m.group("n")
    return FilingNumber(m.group("abbr"), m.group("serial"), int(n) if n else None, m.group("suffix") or "")
