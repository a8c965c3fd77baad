"""Build `src/icpflow/data/regions.json` (GB/T 2260 region codes) from python-stdnum's `cn/loc.dat`.

Why loc.dat: python-stdnum ships every GB/T 2260 code from the 1980 edition onwards, compiled from the
zh.wikipedia.org tables 中华人民共和国行政区划代码 (1区–8区), with the years each name was in use, e.g.

    33 province="浙江省"
      0110 county="[2001-]余杭区"
      0103 county="[-2010]崇文区"            (11 prefix)
      0110 county="[-1991]东郊区,[1992-]东丽区"  (12 prefix)

`[a-b]` is the inclusive span of editions a code carried a name; a missing bound is open (before the
first edition, or still in use). A line without brackets has been in use throughout. We keep, per code,
its last known name, earlier names, the first year and the last year (null = open), which is exactly
what the domain needs: "did this code exist in ANY year" (ID numbers keep the area code they were issued
with) and "is it a current code" (addresses must use today's divisions).

The 31 mainland provincial units get a hand-written table (below): names, the abbreviation printed in
ICP filing numbers (京ICP备…; 蜀 黔 滇 陇 rather than 川 贵 云 甘), the other official abbreviation, and the
provincial communications administration (通信管理局) that reviews the filing.

Usage:
    python scripts/refresh_regions.py            # rewrite the JSON
    python scripts/refresh_regions.py --check    # exit 1 if the committed JSON is stale

The output is deterministic: keys sorted, one region per line, no timestamps.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from importlib import resources
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "src" / "icpflow" / "data" / "regions.json"
GENERATED_BY = "scripts/refresh_regions.py"

# (code, full name, short name, ICP-number abbreviation, other official abbreviation or None).
# Abbreviations: State Council list of provincial abbreviations (行政区划简称); the ICP filing number uses
# the first character of the MIIT bureau's prefix, which for Sichuan/Guizhou/Yunnan/Gansu is the
# alternative 蜀/黔/滇/陇 (e.g. 蜀ICP备, 黔ICP备, 滇ICP备, 陇ICP备), and for Shaanxi 陕 (alt. 秦).
PROVINCES: tuple[tuple[str, str, str, str, str | None], ...] = (
    ("110000", "北京市", "北京", "京", None),
    ("120000", "天津市", "天津", "津", None),
    ("130000", "河北省", "河北", "冀", None),
    ("140000", "山西省", "山西", "晋", None),
    ("150000", "内蒙古自治区", "内蒙古", "蒙", None),
    ("210000", "辽宁省", "辽宁", "辽", None),
    ("220000", "吉林省", "吉林", "吉", None),
    ("230000", "黑龙江省", "黑龙江", "黑", None),
    ("310000", "上海市", "上海", "沪", None),
    ("320000", "江苏省", "江苏", "苏", None),
    ("330000", "浙江省", "浙江", "浙", None),
    ("340000", "安徽省", "安徽", "皖", None),
    ("350000", "福建省", "福建", "闽", None),
    ("360000", "江西省", "江西", "赣", None),
    ("370000", "山东省", "山东", "鲁", None),
    ("410000", "河南省", "河南", "豫", None),
    ("420000", "湖北省", "湖北", "鄂", None),
    ("430000", "湖南省", "湖南", "湘", None),
    ("440000", "广东省", "广东", "粤", None),
    ("450000", "广西壮族自治区", "广西", "桂", None),
    ("460000", "海南省", "海南", "琼", None),
    ("500000", "重庆市", "重庆", "渝", None),
    ("510000", "四川省", "四川", "蜀", "川"),
    ("520000", "贵州省", "贵州", "黔", "贵"),
    ("530000", "云南省", "云南", "滇", "云"),
    ("540000", "西藏自治区", "西藏", "藏", None),
    ("610000", "陕西省", "陕西", "陕", "秦"),
    ("620000", "甘肃省", "甘肃", "陇", "甘"),
    ("630000", "青海省", "青海", "青", None),
    ("640000", "宁夏回族自治区", "宁夏", "宁", None),
    ("650000", "新疆维吾尔自治区", "新疆", "新", None),
)

_PROVINCE_LINE = re.compile(r'^(\d{2}) province="([^"]*)"$')
_COUNTY_LINE = re.compile(r'^  (\d{4}) county="([^"]*)"$')
_SPAN = re.compile(r"^\[(\d{4})?-(\d{4})?\](.+)$")


def loc_dat_text() -> str:
    """The text of the installed python-stdnum `cn/loc.dat`."""
    return (resources.files("stdnum") / "cn" / "loc.dat").read_text(encoding="utf-8")


def parse_loc_dat(text: str) -> dict[str, dict[str, Any]]:
    """Parse loc.dat into {code: {"name", "former", "first", "last"}}; raise ValueError on surprises."""
    regions: dict[str, dict[str, Any]] = {}
    prefix: str | None = None
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        if m := _PROVINCE_LINE.match(line):
            prefix = m.group(1)
            continue
        m = _COUNTY_LINE.match(line)
        if m is None or prefix is None:
            raise ValueError(f"loc.dat line {lineno}: unexpected line {line!r}")
        code = prefix + m.group(1)
        if code in regions:
            raise ValueError(f"loc.dat line {lineno}: duplicate code {code}")
        regions[code] = _parse_spans(m.group(2), f"loc.dat line {lineno}")
    return regions


def _parse_spans(value: str, where: str) -> dict[str, Any]:
    names: list[str] = []
    firsts: list[int | None] = []
    lasts: list[int | None] = []
    for part in value.split(","):
        if m := _SPAN.match(part):
            first = int(m.group(1)) if m.group(1) else None
            last = int(m.group(2)) if m.group(2) else None
            name = m.group(3)
        elif "[" in part or "]" in part:
            raise ValueError(f"{where}: cannot read year span in {part!r}")
        else:
            first, last, name = None, None, part
        names.append(name)
        firsts.append(first)
        lasts.append(last)
    # Open bounds win: a code with any open-ended span is current / existed from the first edition.
    first_year = None if None in firsts else min(y for y in firsts if y is not None)
    last_year = None if None in lasts else max(y for y in lasts if y is not None)
    current = names[-1]  # loc.dat lists spans oldest first, so the last name is the current/last one
    former: list[str] = []
    for name in names[:-1]:
        if name != current and name not in former:
            former.append(name)
    entry: dict[str, Any] = {"name": current, "first": first_year, "last": last_year}
    if former:
        entry["former"] = former
    return entry


def _span_years(text: str) -> list[int]:
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    return [int(y) for y in re.findall(r"(?<=[\[-])(\d{4})(?=[\]-])", body)]


def data_last_year(text: str) -> int:
    """The latest edition year in loc.dat's spans: its header names no revision, so this is the best
    statement of how far the data goes (a change in that year is the newest one it knows)."""
    return max(_span_years(text))


def data_first_year(text: str) -> int:
    return min(_span_years(text))


def build(text: str) -> dict[str, Any]:
    regions = parse_loc_dat(text)
    provinces: dict[str, dict[str, Any]] = {}
    for code, name, short, abbreviation, alt in PROVINCES:
        if code not in regions:
            raise ValueError(f"province {code} ({name}) missing from loc.dat")
        if regions[code]["name"] != name:
            raise ValueError(f"province {code}: loc.dat says {regions[code]['name']!r}, table says {name!r}")
        provinces[code] = {
            "name": name,
            "short": short,
            "abbreviation": abbreviation,
            "alt_abbreviation": alt,
            # Every provincial communications administration is named "<full name>通信管理局"
            # (MIIT directory of 各省、自治区、直辖市通信管理局), e.g. 广西壮族自治区通信管理局.
            "bureau": f"{name}通信管理局",
        }
    first, last = data_first_year(text), data_last_year(text)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return {
        "version": str(last),
        "source": (
            "python-stdnum stdnum/cn/loc.dat (sha256 "
            f"{digest}…), compiled from zh.wikipedia.org 中华人民共和国行政区划代码 (1区–8区); "
            f"GB/T 2260 editions {first}–{last}; first/last = inclusive years a code was in use, "
            f"null = open (in use since the {first} edition or earlier / still current)"
        ),
        "generated_by": GENERATED_BY,
        "regions": regions,
        "provinces": provinces,
    }


def render(data: dict[str, Any]) -> str:
    """Serialise with sorted keys and one region (or province) per line, for reviewable diffs."""

    def dumps(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    out: list[str] = ["{"]
    keys = sorted(data)
    for i, key in enumerate(keys):
        comma = "," if i < len(keys) - 1 else ""
        value = data[key]
        if isinstance(value, dict):
            out.append(f"{dumps(key)}:{{")
            items = sorted(value.items())
            for j, (sub_key, sub_value) in enumerate(items):
                sub_comma = "," if j < len(items) - 1 else ""
                out.append(f"{dumps(sub_key)}:{dumps(sub_value)}{sub_comma}")
            out.append("}" + comma)
        else:
            out.append(f"{dumps(key)}:{dumps(value)}{comma}")
    out.append("}")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="exit 1 if the output file is not up to date")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="JSON file to write or check")
    parser.add_argument(
        "--source", type=Path, default=None, help="loc.dat to read (default: installed stdnum)"
    )
    args = parser.parse_args(argv)

    text = args.source.read_text(encoding="utf-8") if args.source else loc_dat_text()
    rendered = render(build(text))
    # Guard the contract: what we write must read back to exactly what we built.
    json.loads(rendered)

    output: Path = args.output
    if args.check:
        current = output.read_text(encoding="utf-8") if output.exists() else None
        if current != rendered:
            print(f"{output} is out of date; run: python {GENERATED_BY}", file=sys.stderr)
            return 1
        print(f"{output} is up to date")
        return 0
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(rendered, encoding="utf-8")
    print(f"wrote {output} ({len(rendered.encode('utf-8'))} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
