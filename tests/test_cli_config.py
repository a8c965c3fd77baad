"""`icpflow operator rules …` and `icpflow operator holidays …` on the embedded SQLite default."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from icpflow.cli import app

runner = CliRunner()
RULE = "nationwide.emergency_phone_differs"


@pytest.fixture(autouse=True)
def _environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ICPFLOW_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COLUMNS", "200")


def _run(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output


def test_an_operator_disables_a_rule_and_clears_the_override() -> None:
    assert "停用" in _run("operator", "rules", "override", RULE, "--disable", "--note", "管局取消")
    listed = _run("operator", "rules", "list", "--overridden")
    assert RULE in listed and "enabled=False" in listed and "管局取消" in listed
    assert "已删除" in _run("operator", "rules", "clear", RULE)
    assert RULE not in _run("operator", "rules", "list", "--overridden")


def test_an_unknown_rule_or_a_bad_date_is_refused_in_chinese() -> None:
    assert "找不到规则" in _run("operator", "rules", "override", "province.atlantis.x", "--disable", "--note", "x",
                               code=1)
    assert "不是有效日期" in _run("operator", "rules", "override", RULE, "--from", "2027-02-30", "--note", "x", code=2)
    assert "失效日期" in _run("operator", "rules", "override", RULE, "--to", "2020-01-01", "--note", "x", code=1)


def test_holidays_are_added_imported_for_a_whole_year_and_removed(tmp_path: Path) -> None:
    assert "估算" in _run("operator", "holidays", "list", "--year", "2027")
    assert "已录入" in _run("operator", "holidays", "add", "2027-03-02", "holiday", "测试假日")
    assert "调休上班日应为星期六或星期日" in _run("operator", "holidays", "add", "2027-03-03", "workday", "x", code=1)
    notice = tmp_path / "2027.txt"
    notice.write_text("# 测试用\n2027-01-01 holiday 元旦\n2027-03-06 workday 测试调休\n", encoding="utf-8")
    assert "2027 年已声明完整录入" in _run("operator", "holidays", "import", str(notice), "--complete-year", "2027")
    listed = _run("operator", "holidays", "list", "--year", "2027")
    assert "已声明完整录入" in listed and "测试调休" in listed and "测试假日" not in listed  # the year was replaced
    assert "已删除" in _run("operator", "holidays", "remove", "2027-03-06")
    assert "找不到" in _run("operator", "holidays", "remove", "2027-03-06", code=1)
    assert "撤销" in _run("operator", "holidays", "complete", "2027", "--withdraw")


def test_an_operator_sets_shows_and_resets_a_policy_key() -> None:
    shown = _run("operator", "policy", "show")
    assert "daily_quota" in shown and "存量小程序每日提交配额" in shown and "不限" in shown and "部署值" in shown
    assert "已设置" in _run("operator", "policy", "set", "daily_quota", "50", "--note", "双十一限流")
    assert "已设置" in _run("operator", "policy", "set", "withdraw_allowed", "否")
    assert "已设置" in _run("operator", "policy", "set", "takedown_deadline", "2027-06-30")
    shown = _run("operator", "policy", "show")
    assert "50 件" in shown and "运营设置（双十一限流）" in shown and "2027-06-30" in shown
    assert "已恢复" in _run("operator", "policy", "reset", "daily_quota")
    assert "50 件" not in _run("operator", "policy", "show")
    assert "运营设置" in _run("operator", "policy", "reset", "daily_quota", code=1)  # nothing left to reset


def test_a_bad_policy_key_or_value_exits_2_with_the_field_and_the_allowed_range() -> None:
    unknown = _run("operator", "policy", "set", "colour", "red", code=2)
    assert "没有名为“colour”的策略项" in unknown and "daily_quota" in unknown
    assert "没有名为“colour”的策略项" in _run("operator", "policy", "reset", "colour", code=2)
    out_of_range = _run("operator", "policy", "set", "platform_review_days", "30", code=2)
    assert "平台初审期限" in out_of_range and "1–3" in out_of_range
    assert "0–23" in _run("operator", "policy", "set", "quota_refresh_hour", "abc", code=2)
    assert "YYYY-MM-DD" in _run("operator", "policy", "set", "takedown_deadline", "2027-02-30", code=2)
    assert "true" in _run("operator", "policy", "set", "withdraw_allowed", "maybe", code=2)
    assert "Traceback" not in _run("operator", "policy", "set", "daily_quota", "-5", code=2)
    assert "运营设置" not in _run("operator", "policy", "show")  # nothing was saved
