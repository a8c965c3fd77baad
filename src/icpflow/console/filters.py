"""Filters of the operator's pages from a GET query (no JavaScript): a period in Beijing days, a province.

A value that does not parse is dropped with a Chinese message for the page, never a 500: the page still
shows everything else.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..domain.calendar import BEIJING

_PROVINCE = re.compile(r"^\d{2}0000$")


@dataclass(frozen=True, slots=True)
class Period:
    """`since` inclusive and `until` exclusive (aware), from the days typed (ISO dates, both inclusive)."""

    since: dt.datetime | None = None
    until: dt.datetime | None = None
    #: the values as typed, for the form
    start_text: str = ""
    end_text: str = ""
    problems: list[str] = field(default_factory=list)


def _day(text: str, what: str, problems: list[str]) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        problems.append(f"{what}“{text}”不是有效日期（格式 2026-11-23），已忽略")
        return None


def period(query: Mapping[str, str], start_key: str = "from", end_key: str = "to") -> Period:
    """The period of `query[start_key]`..`query[end_key]`, whole days in Beijing time."""
    problems: list[str] = []
    start_text, end_text = query.get(start_key, "").strip(), query.get(end_key, "").strip()
    start, end = _day(start_text, "开始日期", problems), _day(end_text, "结束日期", problems)
    if start is not None and end is not None and start > end:
        problems.append("开始日期晚于结束日期，已忽略日期范围")
        start = end = None
    since = dt.datetime.combine(start, dt.time(), tzinfo=BEIJING) if start else None
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=BEIJING) if end else None
    return Period(since, until, start_text, end_text, problems)


def province(query: Mapping[str, str], problems: list[str]) -> str | None:
    """A province-level GB/T 2260 code (xx0000), or None for every province."""
    value = query.get("province", "").strip()
    if not value:
        return None
    if not _PROVINCE.match(value):
        problems.append(f"省份“{value}”无效，已显示全部省份")
        return None
    return value


def local_time(moment: dt.datetime, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored (UTC) moment as Beijing time for the page."""
    return moment.astimezone(BEIJING).strftime(fmt)
