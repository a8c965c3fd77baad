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
