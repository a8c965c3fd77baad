"""`icpflow db/worker/filings` end to end on the embedded SQLite default, with the simulator."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from icpflow.cli import app
from icpflow.testing import make_filing

runner = CliRunner()
ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture(autouse=True)
def _environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ICPFLOW_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ICPFLOW_SIMULATOR_MIN_DELAY_SECONDS", "0")
    monkeypatch.setenv("ICPFLOW_SIMULATOR_MAX_DELAY_SECONDS", "0")
    monkeypatch.setenv("ICPFLOW_SIMULATOR_APPROVE_RATIO", "1")
    monkeypatch.setenv("COLUMNS", "200")


def _doc(tmp_path: Path, **changes: object) -> Path:
    doc = make_filing()
    doc.pop("submitted_on")
    doc.update(changes)
    path = tmp_path / "filing.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def _run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_db_upgrade_creates_the_embedded_database(tmp_path: Path) -> None:
    out = _run("db", "upgrade")
    assert (tmp_path / "data" / "icpflow.db").is_file()
    assert "数据库已是最新结构" in out


def test_a_filing_goes_from_draft_to_number_with_the_simulator(tmp_path: Path) -> None:
    created = _run("filings", "create", str(_doc(tmp_path)), "--as", "acme")
    (application_id,) = set(ID.findall(created))
    assert "核验中" in _run("filings", "face", application_id, "--start", "--as", "acme")
    assert "已通过" in _run("filings", "face", application_id, "--as", "acme")
    assert "平台初审中" in _run("filings", "submit", application_id, "--as", "acme")
    assert "待工信部短信核验" in _run("filings", "approve", application_id, "--reviewer", "li")
    _run("worker", "--once")
    sms = _run("filings", "sms", application_id)
    assert "【模拟】" in sms
    code = re.search(r"验证码(\d{6})", sms).group(1)  # type: ignore[union-attr]
    assert "管局审核中" in _run("filings", "verify", application_id, code, "--as", "acme")
    _run("worker", "--once")  # submits to the simulated bureau
    _run("worker", "--once")  # its decision, due at once here
    shown = _run("filings", "show", application_id)
    number = re.search(r"浙ICP备\d{10}号-1X", shown)
    assert number is not None, shown
    appid = make_filing()["program"]["appid"]  # type: ignore[index]
    gate = runner.invoke(app, ["filings", "publishable", str(appid)])
    assert gate.exit_code == 0 and number.group(0) in gate.stdout
    assert "已备案" in _run("filings", "inbox", "--as", "acme")


def test_a_blocked_submission_exits_one_with_the_precheck_report(tmp_path: Path) -> None:
    doc = make_filing()
    doc.pop("submitted_on")
    doc["subject"]["principal"]["emergency_phone"] = doc["subject"]["principal"]["mobile"]  # type: ignore[index]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    (application_id,) = set(ID.findall(_run("filings", "create", str(path), "--as", "acme")))
    _run("filings", "face", application_id, "--start", "--as", "acme")
    result = runner.invoke(app, ["filings", "submit", application_id, "--as", "acme"])
    assert result.exit_code == 1
    assert "预检未通过" in result.output and "nationwide.emergency_phone_differs" in result.output


def test_an_unreadable_document_exits_two_naming_the_path(tmp_path: Path) -> None:
    result = runner.invoke(app, ["filings", "create", str(_doc(tmp_path, kind="renew")), "--as", "acme"])
    assert result.exit_code == 2
    assert "kind" in result.output


def test_a_rejection_needs_a_reason_from_the_catalogue(tmp_path: Path) -> None:
    (application_id,) = set(ID.findall(_run("filings", "create", str(_doc(tmp_path)), "--as", "acme")))
    _run("filings", "face", application_id, "--start", "--as", "acme")
    _run("filings", "submit", application_id, "--as", "acme")
    unknown = runner.invoke(app, ["filings", "reject", application_id, "--reason", "no_such_reason"])
    assert unknown.exit_code == 2
    rejected = _run("filings", "reject", application_id, "--reason", "materials_inconsistent")
    assert "平台初审驳回" in rejected and "备案信息与所上传的证件材料不一致" in rejected


def test_an_illegal_step_says_why_and_exits_one(tmp_path: Path) -> None:
    (application_id,) = set(ID.findall(_run("filings", "create", str(_doc(tmp_path)), "--as", "acme")))
    result = runner.invoke(app, ["filings", "approve", application_id])
    assert result.exit_code == 1
    assert "不能执行" in result.output


def test_submission_without_face_verification_says_so(tmp_path: Path) -> None:
    (application_id,) = set(ID.findall(_run("filings", "create", str(_doc(tmp_path)), "--as", "acme")))
    result = runner.invoke(app, ["filings", "submit", application_id, "--as", "acme"])
    assert result.exit_code == 1 and "人脸核身" in result.output


def test_the_publish_gate_refuses_a_mini_program_without_a_number() -> None:
    result = runner.invoke(app, ["filings", "publishable", "wx_never_filed"])
    assert result.exit_code == 1
    assert "不能发布" in result.stdout


@pytest.mark.parametrize("value", ["0", "501", "many"])
def test_a_worker_batch_out_of_range_is_a_configuration_error_naming_the_setting(
        value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ICPFLOW_WORKER_BATCH", value)
    result = runner.invoke(app, ["worker", "--once"])
    assert result.exit_code == 2, result.output
    expected = {"0": "应不小于 1", "501": "应不大于 500", "many": "应为整数"}[value]
    assert f"配置错误 ICPFLOW_WORKER_BATCH：当前值 “{value}”，{expected}" in result.output
    assert "validation error" not in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("command", [["worker", "--once"], ["check", "-"], ["serve", "--no-demo"]])
def test_every_entry_point_names_a_bad_setting_in_chinese(command: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ICPFLOW_TIMEZONE", "Mars/Olympus")
    monkeypatch.setenv("ICPFLOW_SIMULATOR_MIN_DELAY_SECONDS", "9")
    monkeypatch.setenv("ICPFLOW_SIMULATOR_MAX_DELAY_SECONDS", "3")
    result = runner.invoke(app, command, input="{}")
    assert result.exit_code == 2, result.output
    assert "配置错误 ICPFLOW_TIMEZONE：当前值 “Mars/Olympus”，未知的时区 'Mars/Olympus'" in result.output
    assert "validation error" not in result.output and "Traceback" not in result.output


def test_the_worker_performs_the_outbox_in_batches_of_the_setting(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ICPFLOW_WORKER_BATCH", "2")
    created = _run("filings", "create", str(_doc(tmp_path)), "--as", "acme")
    application_id = re.search(r"[0-9a-f-]{36}", created).group(0)  # type: ignore[union-attr]
    _run("filings", "face", application_id, "--start", "--as", "acme")
    assert "已通过" in _run("filings", "face", application_id, "--as", "acme")
    _run("filings", "submit", application_id, "--as", "acme")
    result = runner.invoke(app, ["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "outbox=3" in result.output, result.output  # the submission's three notifications, in two batches
    assert "草稿 → 平台初审中" in _run("filings", "inbox", "--as", "acme")
