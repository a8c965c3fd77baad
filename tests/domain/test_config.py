"""The operator configuration's pure core: validation in Chinese, the merge over the files, the paste format."""

from __future__ import annotations

import datetime as dt

import pytest

from icpflow.domain.calendar import HolidayTable, WorkingCalendar
from icpflow.domain.config import (
    ConfigProblem,
    HolidayEntry,
    HolidayKind,
    RuleOverride,
    check_rule_override,
    merged_holidays,
    merged_overrides,
    parse_holiday_lines,
    template_problem,
)
from icpflow.domain.enums import Severity

D = dt.date


def _fields(exc: pytest.ExceptionInfo[ConfigProblem]) -> set[str]:
    return {path for path, _ in exc.value.problems}


def test_a_range_expands_to_its_days_and_chinese_kinds_are_understood() -> None:
    entries = parse_holiday_lines("# 注释\n\n2027-10-01..2027-10-03 放假 国庆节\n2027-10-09 上班 国庆调休  # 周六\n")
    holiday, workday = HolidayKind.HOLIDAY, HolidayKind.WORKDAY
    assert entries == [(D(2027, 10, 1), holiday, "国庆节"), (D(2027, 10, 2), holiday, "国庆节"),
                       (D(2027, 10, 3), holiday, "国庆节"), (D(2027, 10, 9), workday, "国庆调休")]


@pytest.mark.parametrize(("line", "says"), [
    ("2027-01-01 元旦", "日期 类型 名称"),
    ("20270101 holiday 元旦", "不是日期"),
    ("2027-01-01 off 元旦", "holiday"),
    ("2027-01-05..2027-01-01 holiday x", "早于"),
    ("2027-01-01..2027-03-01 holiday x", "超过 31 天"),
    ("2027-01-06 workday x", "星期六或星期日"),
])
def test_every_bad_line_is_named_by_its_number(line: str, says: str) -> None:
    with pytest.raises(ConfigProblem) as exc:
        parse_holiday_lines(f"2027-05-01 holiday 劳动节\n{line}\n")
    assert exc.value.problems[0][0] == "第 2 行" and says in exc.value.problems[0][1]


def test_a_day_listed_twice_is_a_mistake() -> None:
    with pytest.raises(ConfigProblem, match="已在第 1 行列出"):
        parse_holiday_lines("2027-05-01 holiday 劳动节\n2027-04-30..2027-05-02 holiday 劳动节\n")


@pytest.mark.parametrize("text", ["{0}", "{a.b}", "{x:d}", "{x!r}", "unbalanced {", "}"])
def test_only_plain_named_placeholders_may_be_written(text: str) -> None:
    assert template_problem(text) is not None


def test_named_placeholders_and_escaped_braces_are_fine() -> None:
    assert template_problem("{province_name}要求{{承诺书}}") is None


def test_an_override_naming_dates_in_the_wrong_order_names_the_date_it_sets() -> None:
    with pytest.raises(ConfigProblem) as exc:
        check_rule_override(RuleOverride("r.x", "原因", effective_from=D(2030, 1, 1)), base_from=D(2023, 9, 1),
                            base_to=D(2025, 1, 1))
    assert _fields(exc) == {"effective_from"}
    with pytest.raises(ConfigProblem) as exc:
        check_rule_override(RuleOverride("r.x", "", enabled=None), base_from=D(2023, 9, 1), base_to=None)
    assert _fields(exc) == {"", "note"}


def test_the_database_replaces_only_the_fields_it_sets_and_keeps_the_files_others() -> None:
    file = {"rules": {"a.x": {"severity": "warning", "params": {"slot": "s"}, "reason": "文件"}}}
    merged = merged_overrides(file, [RuleOverride("a.x", "原因", enabled=False),
                                     RuleOverride("gone.rule", "旧", enabled=False)], ["a.x", "b.y"])
    assert merged == {"rules": {"a.x": {"severity": "warning", "params": {"slot": "s"}, "enabled": False,
                                        "reason": "运营覆盖：原因"}}}
    assert file["rules"]["a.x"]["reason"] == "文件"  # the file's mapping is not changed
    assert RuleOverride("a.x", "n", severity=Severity.INFO).fields() == {"severity": "info"}


def test_an_operator_entry_replaces_the_files_answer_for_its_day_and_declared_years_add_up() -> None:
    base = HolidayTable(holidays={D(2027, 1, 1): "元旦"}, workdays={D(2027, 2, 6): "调休"}, years=frozenset({2028}))
    table = merged_holidays(base, [HolidayEntry(D(2027, 2, 6), HolidayKind.HOLIDAY, "更正")], [2027])
    assert table.holidays == {D(2027, 1, 1): "元旦", D(2027, 2, 6): "更正"} and table.workdays == {}
    assert table.years == {2027, 2028}
    assert WorkingCalendar(table).year_status(2027) == "operator"
