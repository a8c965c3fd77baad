"""Working days (工作日) in mainland China, and the operator's holiday table (节假日表).

Platform review (1–3 working days) and bureau review (1–20 working days) are counted in working days,
which are not simply Monday to Friday: each year the State Council (国务院办公厅《关于 XXXX 年部分节假日
安排的通知》) publishes the statutory holidays (法定节假日, e.g. 国庆节 10-01..07) and the adjusted working
days (调休上班日: a Saturday or Sunday that is a working day, e.g. 2026-02-14 for 春节).

A day is answered from three sources, first match wins:

1. the operator's `HolidayTable` — when it names the day, or declares the day's whole year complete
   (then an unnamed day is a working day exactly when it is Monday to Friday);
2. the `chinese_calendar` package, for the years it carries data for (2004–2026 in version 1.11.0;
   it raises NotImplementedError outside them);
3. a fallback for any other year: Monday to Friday, minus the statutory holidays whose Gregorian dates
   are fixed by 《全国年节及纪念日放假办法》 (2024 revision, in force since 2025-01-01, art. 2):
   元旦 1 Jan, 劳动节 1–2 May, 国庆节 1–3 Oct. The lunar holidays (春节, 清明, 端午, 中秋), the
   adjusted working days and the make-up days for a holiday falling on a weekend are NOT guessed: they
   are only known once the State Council publishes the year. Every year answered this way is recorded in
   `WorkingCalendar.fallback_years` so that the operator is warned (`WorkingCalendar.warnings()`).

Why `chinese_calendar` may be imported in the domain: it is pure data — a dict of dates generated from
the State Council notices — plus pure functions over it. It reads no file, opens no connection and, as
used here (`is_workday` only; never `find_workday`, whose default start is `date.today()`), reads no
clock. Like `calendar` from the standard library, it is a lookup table, not an adapter.

Times: a deadline is the end of a working day on the wall clock of the datetime it is computed from.
Working days are Beijing days, so callers pass Beijing time (the clock adapter's Asia/Shanghai; China has
kept UTC+8 without daylight saving since 1991).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

import chinese_calendar

#: China has one time zone and no daylight saving (since 1991): every "day" icpflow counts is a Beijing day.
BEIJING = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")

YearStatus = Literal["library", "operator", "fallback"]

#: The statutory holidays whose Gregorian dates are fixed (《全国年节及纪念日放假办法》 2024 revision, art. 2).
FIXED_DATE_HOLIDAYS: Mapping[tuple[int, int], str] = {
    (1, 1): "元旦",
    (5, 1): "劳动节",
    (5, 2): "劳动节",
    (10, 1): "国庆节",
    (10, 2): "国庆节",
    (10, 3): "国庆节",
}

_END_OF_DAY = dt.time.max  # 23:59:59.999999


@dataclass(frozen=True, slots=True)
class HolidayTable:
    """The operator's holiday table: the years the library does not know, and corrections for years it does.

    `holidays` maps a day to its holiday's name (春节); `workdays` maps an adjusted working day to its
    label (春节调休). `years` are the years the table declares complete: every holiday and adjusted working
    day of such a year is listed, so the library and the fallback are not consulted for it. A day named in
    a year that is not declared complete is a correction that overrides the library for that day only.
    """

    holidays: dict[dt.date, str] = field(default_factory=dict)
    workdays: dict[dt.date, str] = field(default_factory=dict)
    years: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        both = sorted(self.holidays.keys() & self.workdays.keys())
        if both:
            raise ValueError(f"days listed both as holiday and as working day: {', '.join(map(str, both))}")

    @classmethod
    def empty(cls) -> HolidayTable:
        return _EMPTY_TABLE

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> HolidayTable:
        """Build from the parsed `holidays.toml`; raise ValueError naming the path of every mistake.

        Shape::

            years = [2027]                    # years declared complete
            [holidays.2027]
            "2027-01-01" = "元旦"
            [workdays.2027]
            "2027-02-06" = "春节调休"
        """
        errors: list[str] = []
        unknown = sorted(str(key) for key in data if key not in ("years", "holidays", "workdays"))
        errors.extend(f"{key}: unknown key (expected years, holidays, workdays)" for key in unknown)

        years: set[int] = set()
        raw_years = data.get("years", [])
        if not isinstance(raw_years, list | tuple):
            errors.append("years: expected a list of years")
        else:
            for index, raw in enumerate(raw_years):
                year = _year(raw)
                if year is None:
                    errors.append(f"years[{index}]: {raw!r} is not a year")
                else:
                    years.add(year)

        holidays = _days(data, "holidays", errors)
        workdays = _days(data, "workdays", errors)
        for day in sorted(holidays.keys() & workdays.keys()):
            errors.append(f"holidays.{day.year}.{day} and workdays.{day.year}.{day}: both a holiday and a working day")
        if errors:
            raise ValueError("invalid holiday table: " + "; ".join(errors))
        return cls(holidays=holidays, workdays=workdays, years=frozenset(years))


_EMPTY_TABLE = HolidayTable()


def _year(raw: object) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        year = raw
    elif isinstance(raw, str) and raw.isascii() and raw.isdigit():
        year = int(raw)
    else:
        return None
    return year if dt.MINYEAR <= year <= dt.MAXYEAR else None


def _day(raw: object) -> dt.date | None:
    if isinstance(raw, dt.datetime):
        return None
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, str) and len(raw) == 10:
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            return None
    return None


def _days(data: Mapping[str, Any], section: str, errors: list[str]) -> dict[dt.date, str]:
    """Parse `[<section>.<year>]` tables of `"YYYY-MM-DD" = "name"`, appending any mistake to `errors`."""
    out: dict[dt.date, str] = {}
    by_year = data.get(section, {})
    if not isinstance(by_year, Mapping):
        errors.append(f"{section}: expected a table of years")
        return out
    for raw_year, entries in by_year.items():
        path = f"{section}.{raw_year}"
        year = _year(raw_year)
        if year is None:
            errors.append(f"{path}: {raw_year!r} is not a year")
            continue
        if not isinstance(entries, Mapping):
            errors.append(f'{path}: expected a table of "YYYY-MM-DD" = "name"')
            continue
        for raw_day, name in entries.items():
            day_path = f"{path}.{raw_day}"
            day = _day(raw_day)
            if day is None:
                errors.append(f"{day_path}: {raw_day!r} is not a date (expected YYYY-MM-DD)")
            elif day.year != year:
                errors.append(f"{day_path}: the date is not in {year}")
            elif not isinstance(name, str) or not name.strip():
                errors.append(f"{day_path}: the name must be a non-empty string")
            else:
                out[day] = name.strip()
    return out


@cache  # a handful of years per process; the answer never changes for a given install
def _library_covers(year: int) -> bool:
    """Whether chinese_calendar has data for `year` (it raises NotImplementedError outside its range)."""
    try:
        chinese_calendar.is_workday(dt.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def _fallback_is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and (day.month, day.day) not in FIXED_DATE_HOLIDAYS


class WorkingCalendar:
    """Answers "is this a working day?" and counts working days, caching every per-day answer.

    One instance is meant to live as long as its holiday table (built once at start-up and shared): the
    caches make `is_working_day` a dict access and `add_working_days` a dict access for a repeated start.
    The caches only ever gain entries whose value never changes, so concurrent use is safe under the GIL.
    """

    __slots__ = ("_days", "_due", "_library", "_table", "fallback_years")

    def __init__(self, table: HolidayTable = _EMPTY_TABLE, *, library: bool = True) -> None:
        self._table = table
        self._library = library
        self._days: dict[dt.date, bool] = {}
        self._due: dict[tuple[dt.date, int], dt.date] = {}
        #: every year a day was answered by the fallback (weekdays minus fixed-date holidays)
        self.fallback_years: set[int] = set()

    @property
    def table(self) -> HolidayTable:
        return self._table

    def year_status(self, year: int) -> YearStatus:
        """Where the answers for `year` come from: the operator's table, the library, or the fallback.

        Per-day corrections in a year that is not declared complete leave the year's status unchanged.
        """
        if year in self._table.years:
            return "operator"
        if self._library and _library_covers(year):
            return "library"
        return "fallback"

    def is_working_day(self, day: dt.date) -> bool:
        if isinstance(day, dt.datetime):  # a datetime is a date: take its (wall-clock) day
            day = day.date()
        try:
            return self._days[day]
        except KeyError:
            pass
        answer = self._compute(day)
        self._days[day] = answer
        return answer

    def _compute(self, day: dt.date) -> bool:
        table = self._table
        if day in table.holidays:
            return False
        if day in table.workdays:
            return True
        status = self.year_status(day.year)
        if status == "operator":
            return day.weekday() < 5
        if status == "library":
            return bool(chinese_calendar.is_workday(day))
        self.fallback_years.add(day.year)
        return _fallback_is_working_day(day)

    def working_day_after(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after `day` (n >= 1); `day` itself never counts, working day or not."""
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        key = (day, n)
        cached = self._due.get(key)
        if cached is not None:
            return cached
        current, left = day, n
        while left:
            current += dt.timedelta(days=1)
            if self.is_working_day(current):
                left -= 1
        self._due[key] = current
        return current

    def add_working_days(self, start: dt.datetime, n: int) -> dt.datetime:
        """The deadline n working days after `start`: the end (23:59:59.999999) of the n-th working day
        after the start's day, with the start's tzinfo.

        The start day never counts (a Friday submission with n=1 is due at the end of Monday, if Monday
        is a working day); a start on a holiday or weekend therefore counts from the next working day.
        """
        due_day = self.working_day_after(start.date(), n)
        return dt.datetime.combine(due_day, _END_OF_DAY, tzinfo=start.tzinfo)

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end`; negative (the count the other way) when
        `end` is before `start`, so that `between(a, b) == -between(b, a)`."""
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        current = start
        while current < end:
            current += dt.timedelta(days=1)
            if self.is_working_day(current):
                count += 1
        return count

    def warnings(self) -> list[str]:
        """One message for the operator per year that had to fall back on the weekday estimate."""
        return [
            f"{year} 年的节假日安排尚未录入，工作日按周一至周五估算（已计元旦、劳动节、国庆节的固定日期，"
            "未计农历节日和调休），请运营人员在节假日表中补录"
            for year in sorted(self.fallback_years)
        ]
