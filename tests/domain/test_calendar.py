"""Working days (工作日): statutory holidays, adjusted working days, the operator's table and the fallback.

The 2025 and 2026 dates asserted here are those of the State Council notices 《国务院办公厅关于2025年部分节假日
安排的通知》 (国办发明电〔2024〕12号, 2024-11-12) and 《…关于2026年部分节假日安排的通知》 (2025-11-04), which
chinese-calendar 1.11.0 carries.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from importlib import resources
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from icpflow.domain.calendar import HolidayTable, WorkingCalendar

BEIJING = ZoneInfo("Asia/Shanghai")
END = dt.time.max


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=BEIJING)


def end_of(day: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), END, tzinfo=BEIJING)


def d(day: str) -> dt.date:
    return dt.date.fromisoformat(day)


def days(first: str, last: str) -> list[dt.date]:
    start, stop = d(first), d(last)
    return [start + dt.timedelta(days=i) for i in range((stop - start).days + 1)]


# --- the library years (2025, 2026) ---------------------------------------------------------------------


def test_saturday_14_february_2026_is_an_adjusted_working_day_for_the_spring_festival() -> None:
    day = d("2026-02-14")
    assert day.weekday() == 5
    assert chinese_calendar.get_holiday_detail(day) == (False, "Spring Festival")
    assert WorkingCalendar().is_working_day(day)


def test_the_spring_festival_2026_runs_from_15_to_23_february() -> None:
    calendar = WorkingCalendar()
    assert not any(calendar.is_working_day(day) for day in days("2026-02-15", "2026-02-23"))
    assert calendar.is_working_day(d("2026-02-24"))


def test_national_day_and_mid_autumn_2025_are_eight_days_off_from_1_to_8_october() -> None:
    calendar = WorkingCalendar()
    assert not any(calendar.is_working_day(day) for day in days("2025-10-01", "2025-10-08"))
    assert calendar.is_working_day(d("2025-09-30"))
    assert calendar.is_working_day(d("2025-10-09"))


def test_the_weekend_days_worked_for_national_day_2025_are_working_days() -> None:
    calendar = WorkingCalendar()
    assert d("2025-09-28").weekday() == 6
    assert d("2025-10-11").weekday() == 5
    assert calendar.is_working_day(d("2025-09-28"))
    assert calendar.is_working_day(d("2025-10-11"))


def test_an_ordinary_weekend_is_not_a_working_day() -> None:
    calendar = WorkingCalendar()
    assert not calendar.is_working_day(d("2026-11-21"))  # Saturday
    assert not calendar.is_working_day(d("2026-11-22"))  # Sunday


def test_a_datetime_is_judged_by_its_day() -> None:
    assert WorkingCalendar().is_working_day(at("2026-02-14"))


# --- add_working_days ------------------------------------------------------------------------------------


def test_a_friday_submission_with_one_working_day_is_due_at_the_end_of_monday() -> None:
    assert d("2026-11-20").weekday() == 4
    assert WorkingCalendar().add_working_days(at("2026-11-20", 16), 1) == end_of("2026-11-23")


def test_the_start_day_never_counts_even_when_it_is_a_working_day() -> None:
    assert WorkingCalendar().add_working_days(at("2026-11-23", 0), 1) == end_of("2026-11-24")


def test_a_submission_on_a_holiday_counts_from_the_next_working_day() -> None:
    # 2026-10-03 is inside National Day (10-01..07); 10-08 is the first working day after it.
    assert WorkingCalendar().add_working_days(at("2026-10-03"), 1) == end_of("2026-10-08")


def test_a_submission_on_the_mid_autumn_friday_2026_is_due_before_national_day() -> None:
    # 2026-09-25 (Friday) is 中秋节 itself, so the three working days are Monday 28 to Wednesday 30.
    calendar = WorkingCalendar()
    assert not calendar.is_working_day(d("2026-09-25"))
    assert calendar.add_working_days(at("2026-09-25"), 3) == end_of("2026-09-30")


def test_a_fourth_working_day_from_the_mid_autumn_friday_skips_the_national_day_week() -> None:
    assert WorkingCalendar().add_working_days(at("2026-09-25"), 4) == end_of("2026-10-08")


def test_three_working_days_from_tuesday_29_september_2026_skip_the_national_day_week() -> None:
    # 09-30 (1), 10-01..07 off, 10-08 (2), 10-09 (3)
    assert WorkingCalendar().add_working_days(at("2026-09-29"), 3) == end_of("2026-10-09")


def test_an_adjusted_saturday_can_be_the_due_day() -> None:
    # 10-08 (1), 10-09 (2), Saturday 10-10 worked for National Day (3)
    assert WorkingCalendar().add_working_days(at("2026-09-30"), 3) == end_of("2026-10-10")


def test_an_adjusted_sunday_counts_as_a_working_day() -> None:
    # Sunday 2026-09-20 is worked for National Day 2026: a Saturday submission is due at its end.
    assert d("2026-09-20").weekday() == 6
    assert WorkingCalendar().add_working_days(at("2026-09-19"), 1) == end_of("2026-09-20")


def test_the_deadline_is_the_last_microsecond_of_the_day_in_the_start_time_zone() -> None:
    due = WorkingCalendar().add_working_days(at("2026-11-20"), 1)
    assert due.tzinfo is BEIJING
    assert due.time() == dt.time(23, 59, 59, 999999)


def test_a_naive_start_gives_a_naive_deadline() -> None:
    due = WorkingCalendar().add_working_days(dt.datetime(2026, 11, 20, 9), 1)
    assert due == dt.datetime(2026, 11, 23, 23, 59, 59, 999999)
    assert due.tzinfo is None


def test_zero_working_days_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        WorkingCalendar().add_working_days(at("2026-11-20"), 0)


# --- working_days_between --------------------------------------------------------------------------------


def test_working_days_between_counts_the_days_after_the_start_up_to_the_end() -> None:
    calendar = WorkingCalendar()
    assert calendar.working_days_between(d("2025-09-30"), d("2025-10-09")) == 1
    assert calendar.working_days_between(d("2026-11-20"), d("2026-11-27")) == 5
    assert calendar.working_days_between(d("2026-11-20"), d("2026-11-20")) == 0


def test_working_days_between_is_negative_when_the_end_is_before_the_start() -> None:
    calendar = WorkingCalendar()
    assert calendar.working_days_between(d("2025-10-09"), d("2025-09-30")) == -1
    assert calendar.working_days_between(d("2026-11-27"), d("2026-11-20")) == -5


# --- the fallback for years the library does not know -----------------------------------------------------


def test_chinese_calendar_itself_refuses_2027() -> None:
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(d("2027-01-04"))


def test_2027_falls_back_on_weekdays_and_fixed_date_holidays_without_raising() -> None:
    calendar = WorkingCalendar()
    assert not calendar.is_working_day(d("2027-01-01"))  # 元旦, a Friday
    assert not calendar.is_working_day(d("2027-01-02"))  # Saturday
    assert calendar.is_working_day(d("2027-01-04"))  # Monday
    assert calendar.is_working_day(d("2027-05-03"))  # 劳动节 5-1..2 is a weekend: no make-up day is guessed
    assert not any(calendar.is_working_day(day) for day in days("2027-10-01", "2027-10-03"))
    assert calendar.year_status(2027) == "fallback"
    assert calendar.fallback_years == {2027}


def test_lunar_holidays_are_not_guessed_in_a_fallback_year() -> None:
    # Whatever 2027's 春节 turns out to be, a fallback calendar treats February weekdays as working days.
    calendar = WorkingCalendar()
    assert all(calendar.is_working_day(day) for day in days("2027-02-01", "2027-02-28") if day.weekday() < 5)


def test_a_deadline_crossing_into_2027_is_computed_and_records_the_fallback() -> None:
    calendar = WorkingCalendar()
    # Thursday 2026-12-31; 2027-01-01 is 元旦 (Friday), then the weekend.
    assert calendar.add_working_days(at("2026-12-31"), 1) == end_of("2027-01-04")
    assert calendar.fallback_years == {2027}


def test_warnings_name_each_fallback_year_for_the_operator() -> None:
    calendar = WorkingCalendar()
    calendar.is_working_day(d("2028-03-01"))
    calendar.is_working_day(d("2027-03-01"))
    warnings = calendar.warnings()
    assert len(warnings) == 2
    assert warnings[0].startswith("2027 年的节假日安排尚未录入")
    assert warnings[1].startswith("2028 年")
    assert all("请运营人员在节假日表中补录" in w for w in warnings)


def test_asking_for_a_year_status_does_not_count_as_falling_back() -> None:
    calendar = WorkingCalendar()
    assert calendar.year_status(2027) == "fallback"
    assert calendar.fallback_years == set()
    assert calendar.warnings() == []


def test_library_years_raise_no_warning() -> None:
    calendar = WorkingCalendar()
    calendar.add_working_days(at("2026-09-25"), 20)
    assert calendar.year_status(2026) == "library"
    assert calendar.fallback_years == set()
    assert calendar.warnings() == []


def test_without_the_library_even_2026_falls_back() -> None:
    calendar = WorkingCalendar(library=False)
    assert not calendar.is_working_day(d("2026-02-14"))  # a plain Saturday to the fallback
    assert calendar.is_working_day(d("2026-02-16"))  # 春节 is not guessed
    assert calendar.year_status(2026) == "fallback"
    assert calendar.fallback_years == {2026}


# --- the operator's table --------------------------------------------------------------------------------

#: test data in the operator's format, NOT the official 2027 arrangement (not published when written)
TABLE_2027 = {
    "years": [2027],
    "holidays": {"2027": {"2027-02-05": "春节", "2027-02-08": "春节", "2027-10-01": "国庆节"}},
    "workdays": {"2027": {"2027-02-06": "春节调休"}},
}


def test_an_operator_table_for_2027_takes_precedence_and_marks_the_year_operator() -> None:
    calendar = WorkingCalendar(HolidayTable.from_mapping(TABLE_2027))
    assert calendar.year_status(2027) == "operator"
    assert not calendar.is_working_day(d("2027-02-05"))  # Friday, listed as a holiday
    assert calendar.is_working_day(d("2027-02-06"))  # Saturday, listed as a working day
    assert calendar.fallback_years == set()
    assert calendar.warnings() == []


def test_a_year_the_operator_declares_complete_has_no_holiday_it_does_not_list() -> None:
    calendar = WorkingCalendar(HolidayTable.from_mapping(TABLE_2027))
    assert calendar.is_working_day(d("2027-01-01"))  # a Friday the table does not list
    assert not calendar.is_working_day(d("2027-01-02"))  # Saturday


def test_an_operator_correction_for_a_2026_day_overrides_the_library() -> None:
    table = HolidayTable.from_mapping(
        {"holidays": {"2026": {"2026-11-23": "临时假日"}}, "workdays": {"2026": {"2026-10-05": "更正"}}}
    )
    calendar = WorkingCalendar(table)
    assert not calendar.is_working_day(d("2026-11-23"))
    assert calendar.is_working_day(d("2026-10-05"))
    assert calendar.is_working_day(d("2026-02-14"))  # the other days still come from the library
    assert calendar.year_status(2026) == "library"
    assert calendar.add_working_days(at("2026-11-20"), 1) == end_of("2026-11-24")


def test_an_operator_day_in_a_fallback_year_is_not_a_fallback() -> None:
    calendar = WorkingCalendar(HolidayTable.from_mapping({"holidays": {"2027": {"2027-02-08": "春节"}}}))
    assert not calendar.is_working_day(d("2027-02-08"))
    assert calendar.fallback_years == set()
    assert calendar.is_working_day(d("2027-02-09"))
    assert calendar.fallback_years == {2027}


def test_the_shipped_holiday_table_parses_and_declares_no_year() -> None:
    text = (resources.files("icpflow") / "data" / "holidays.toml").read_text(encoding="utf-8")
    table = HolidayTable.from_mapping(tomllib.loads(text))
    assert table.years == frozenset()
    assert table.holidays == {}
    assert table.workdays == {}


def test_the_commented_example_in_the_shipped_table_has_the_documented_shape() -> None:
    text = (resources.files("icpflow") / "data" / "holidays.toml").read_text(encoding="utf-8")
    example = text[text.index("# [holidays.2027]") :]
    uncommented = "\n".join(line.removeprefix("#").strip() for line in example.splitlines())
    data = tomllib.loads(uncommented)
    # The placeholder date must stop anyone from shipping the example as it is.
    with pytest.raises(ValueError, match=re.escape("workdays.2027.2027-MM-DD")):
        HolidayTable.from_mapping(data)


# --- HolidayTable.from_mapping errors name the path ------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"holidays": {"2027": {"2027-02-30": "春节"}}}, "holidays.2027.2027-02-30"),
        ({"holidays": {"2027": {"27-2-8": "春节"}}}, "holidays.2027.27-2-8"),
        ({"workdays": {"2027": {"2026-02-14": "春节调休"}}}, "workdays.2027.2026-02-14"),
        ({"holidays": {"2027": {"2027-02-08": ""}}}, "holidays.2027.2027-02-08"),
        ({"holidays": {"2027": {"2027-02-08": 1}}}, "holidays.2027.2027-02-08"),
        ({"holidays": {"next": {}}}, "holidays.next"),
        ({"holidays": {"2027": ["2027-02-08"]}}, "holidays.2027"),
        ({"holidays": ["2027-02-08"]}, "holidays"),
        ({"years": [2027, "soon"]}, "years[1]"),
        ({"years": 2027}, "years"),
        ({"yeras": [2027]}, "yeras"),
    ],
)
def test_a_malformed_table_is_refused_with_the_path_of_the_mistake(data: dict[str, object], path: str) -> None:
    with pytest.raises(ValueError, match=re.escape(path)):
        HolidayTable.from_mapping(data)


def test_a_day_both_holiday_and_working_day_is_refused_with_both_paths() -> None:
    data = {"holidays": {"2027": {"2027-02-06": "春节"}}, "workdays": {"2027": {"2027-02-06": "春节调休"}}}
    with pytest.raises(ValueError) as raised:
        HolidayTable.from_mapping(data)
    assert "holidays.2027.2027-02-06" in str(raised.value)
    assert "workdays.2027.2027-02-06" in str(raised.value)


def test_every_mistake_is_reported_at_once() -> None:
    data = {"years": ["x"], "holidays": {"2027": {"2027-13-01": "a", "2028-01-01": "b"}}}
    with pytest.raises(ValueError) as raised:
        HolidayTable.from_mapping(data)
    message = str(raised.value)
    assert "years[0]" in message
    assert "holidays.2027.2027-13-01" in message
    assert "holidays.2027.2028-01-01" in message


def test_a_table_built_directly_refuses_a_day_both_holiday_and_working_day() -> None:
    with pytest.raises(ValueError, match="2027-02-06"):
        HolidayTable(holidays={d("2027-02-06"): "春节"}, workdays={d("2027-02-06"): "春节调休"})


def test_the_empty_table_is_the_default_and_declares_nothing() -> None:
    assert WorkingCalendar().table is HolidayTable.empty()
    assert HolidayTable.empty().years == frozenset()


# --- caching ---------------------------------------------------------------------------------------------


def test_a_day_is_looked_up_in_the_library_only_once(monkeypatch: pytest.MonkeyPatch) -> None:
    real = chinese_calendar.is_workday
    asked: list[dt.date] = []

    def counting(day: dt.date) -> bool:
        asked.append(day)
        return bool(real(day))

    calendar = WorkingCalendar()
    calendar.year_status(2026)  # the library's coverage of the year is known before counting
    monkeypatch.setattr(chinese_calendar, "is_workday", counting)
    for _ in range(50):
        calendar.add_working_days(at("2026-09-25"), 20)
        calendar.is_working_day(d("2026-10-10"))
    assert len(asked) == len(set(asked))


# --- properties ------------------------------------------------------------------------------------------

CALENDAR = WorkingCalendar()  # one shared instance: the property tests also exercise its caches

starts = st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2028, 12, 31, 23, 59))


@settings(max_examples=300, deadline=None)
@given(start=starts, n=st.integers(min_value=1, max_value=19))
def test_add_working_days_is_strictly_monotonic_in_n(start: dt.datetime, n: int) -> None:
    assert CALENDAR.add_working_days(start, n) < CALENDAR.add_working_days(start, n + 1)


@settings(max_examples=300, deadline=None)
@given(start=starts, n=st.integers(min_value=1, max_value=20))
def test_add_working_days_lands_at_the_end_of_the_nth_working_day(start: dt.datetime, n: int) -> None:
    due = CALENDAR.add_working_days(start, n)
    assert due.time() == dt.time.max
    assert due.date() > start.date()
    assert CALENDAR.is_working_day(due.date())
    assert CALENDAR.working_days_between(start.date(), due.date()) == n
