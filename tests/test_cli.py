"""`icpflow check` end to end, in-process: inputs, formats, exit codes, parallel runs, summaries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from icpflow.cli import app
from icpflow.testing import make_filing

runner = CliRunner()


def _write(path: Path, doc: object) -> Path:
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def _blocked() -> dict[str, object]:
    doc = make_filing("330000")
    doc["subject"]["principal"]["emergency_phone"] = doc["subject"]["principal"]["mobile"]  # type: ignore[index]
    return doc


def test_a_ready_filing_exits_zero_with_the_report_in_json(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(_write(tmp_path / "a.json", make_filing())), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["verdict"] == "ready"
    assert report["bureau"] == "浙江省通信管理局"


def test_a_blocked_filing_exits_one_and_names_the_rule(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(_write(tmp_path / "b.json", _blocked())), "-f", "json"])
    assert result.exit_code == 1
    rules = {f["rule"] for f in json.loads(result.stdout)["findings"]}
    assert "nationwide.emergency_phone_differs" in rules


def test_human_output_is_in_chinese(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(_write(tmp_path / "b.json", _blocked()))])
    assert result.exit_code == 1
    assert "不能提交" in result.stdout
    assert "应急电话与手机号码相同" in result.stdout


def test_an_unreadable_document_exits_two_with_paths_and_no_traceback(tmp_path: Path) -> None:
    doc = make_filing()
    doc["subject"]["nature"] = "company"  # type: ignore[index]
    result = runner.invoke(app, ["check", str(_write(tmp_path / "bad.json", doc)), "-f", "json"])
    assert result.exit_code == 2
    body = json.loads(result.stdout)
    assert [p["path"] for p in body["problems"]] == ["subject.nature"]
    assert "Traceback" not in result.output


def test_a_missing_file_exits_two_and_says_so(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(tmp_path / "none.json")])
    assert result.exit_code == 2
    assert "找不到文件" in result.stdout


def test_a_file_that_is_not_utf8_exits_two(tmp_path: Path) -> None:
    path = tmp_path / "gbk.json"
    path.write_bytes('{"name": "鲜果"}'.encode("gbk"))
    result = runner.invoke(app, ["check", str(path), "-f", "json"])
    assert result.exit_code == 2
    assert "UTF-8" in json.loads(result.stdout)["problems"][0]["expected"]


def test_a_directory_is_checked_file_by_file_with_a_summary(tmp_path: Path) -> None:
    _write(tmp_path / "1.json", make_filing("110000"))
    _write(tmp_path / "2.json", _blocked())
    (tmp_path / "sub").mkdir()
    _write(tmp_path / "sub" / "3.json", make_filing("440000", seq=3))
    result = runner.invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == 1
    assert "预检汇总（共 3 份）" in result.stdout
    assert "nationwide.emergency_phone_differs" in result.stdout


def test_jsonl_gives_one_outcome_per_line_and_a_bad_line_does_not_stop_the_rest(tmp_path: Path) -> None:
    lines = [json.dumps(make_filing(seq=1)), "{not json", json.dumps(_blocked())]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["check", str(path), "-f", "json"])
    assert result.exit_code == 2
    outcomes = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["exit_code"] for o in outcomes] == [0, 2, 1]
    assert outcomes[1]["source"].endswith("batch.jsonl:2")


def test_stdin_takes_one_document(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", "-", "-f", "json"], input=json.dumps(make_filing()))
    assert result.exit_code == 0
    assert json.loads(result.stdout)["verdict"] == "ready"


def test_stdin_takes_jsonl() -> None:
    text = json.dumps(make_filing(seq=1)) + "\n" + json.dumps(make_filing(seq=2)) + "\n"
    result = runner.invoke(app, ["check", "-", "-f", "json"], input=text)
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 2


def test_two_jobs_give_the_same_reports_as_one(tmp_path: Path) -> None:
    provinces = ["110000", "120000", "310000", "440000", "510000", "610000"]
    docs = [make_filing(provinces[i % len(provinces)], seq=i + 1) for i in range(80)]
    docs[7] = _blocked()
    path = tmp_path / "many.jsonl"
    path.write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in docs), encoding="utf-8")
    one = runner.invoke(app, ["check", str(path), "-f", "json", "--jobs", "1"])
    two = runner.invoke(app, ["check", str(path), "-f", "json", "--jobs", "2"])
    assert one.exit_code == two.exit_code == 1
    assert one.stdout == two.stdout


def test_a_broken_override_file_stops_before_any_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    override = tmp_path / "override.toml"
    override.write_text('[rules."no.such_rule"]\nenabled = false\n', encoding="utf-8")
    monkeypatch.setenv("ICPFLOW_RULES_OVERRIDE_FILE", str(override))
    result = runner.invoke(app, ["check", str(_write(tmp_path / "a.json", make_filing()))])
    assert result.exit_code == 2
    assert "no.such_rule" in result.output


def test_a_bad_setting_names_the_environment_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ICPFLOW_CERTIFICATE_VALIDITY_MONTHS", "many")
    result = runner.invoke(app, ["check", str(_write(tmp_path / "a.json", make_filing()))])
    assert result.exit_code == 2
    assert "ICPFLOW_CERTIFICATE_VALIDITY_MONTHS" in result.output


def test_the_validity_window_follows_platform_policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = make_filing()
    doc["subject"]["principal"]["id_valid_to"] = "2027-01-10"  # type: ignore[index]  # 7 weeks left
    path = _write(tmp_path / "a.json", doc)
    assert runner.invoke(app, ["check", str(path)]).exit_code == 1  # default: 3 months
    monkeypatch.setenv("ICPFLOW_CERTIFICATE_VALIDITY_MONTHS", "1")
    assert runner.invoke(app, ["check", str(path)]).exit_code == 0  # WeChat's 1 month


def test_rules_lists_the_catalogue_with_sources() -> None:
    result = runner.invoke(app, ["rules", "--format", "json", "--province", "120000"])
    assert result.exit_code == 0
    rules = {r["id"]: r for r in json.loads(result.stdout)}
    assert "province.tianjin.emergency_phone_remark" in rules
    assert "province.beijing.address_in_words" not in rules
    assert all(r["source"] for r in rules.values())
