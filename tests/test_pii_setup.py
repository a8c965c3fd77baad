"""Setting up encryption of personal information: keys from the environment, a generated key for the
embedded demo, a refusal on PostgreSQL without one; `icpflow db rotate-keys`; the worker's masked logs."""

from __future__ import annotations

import base64
import json
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog
from typer.testing import CliRunner

from icpflow.bootstrap import KEY_FILE, build_runtime
from icpflow.cli import app
from icpflow.config import Settings
from icpflow.testing import TEST_ENCRYPTION_KEYS, make_filing

runner = CliRunner()


@pytest.fixture(autouse=True)
def _environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in list(os.environ):
        if name.startswith("ICPFLOW_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("ICPFLOW_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COLUMNS", "200")
    yield
    structlog.reset_defaults()  # the worker command configures logging for the process


def test_the_embedded_demo_generates_a_private_key_once_and_says_so(tmp_path: Path) -> None:
    first = build_runtime(Settings())
    key_file = tmp_path / "data" / KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert any("ICPFLOW_ENCRYPTION_KEYS" in n and "已生成" in n for n in first.notices)
    token = first.uow.cipher.encrypt("13800138000")
    content = key_file.read_text()
    second = build_runtime(Settings())
    assert key_file.read_text() == content and any("正在使用" in n for n in second.notices)
    assert second.uow.cipher.decrypt(token) == "13800138000"
    first.engine.dispose()
    second.engine.dispose()


def test_configured_keys_are_used_and_no_key_file_is_written(tmp_path: Path) -> None:
    runtime = build_runtime(Settings(encryption_keys=TEST_ENCRYPTION_KEYS))
    assert runtime.uow.cipher.current == "test1" and runtime.notices == []
    assert not (tmp_path / "data" / KEY_FILE).exists()
    runtime.engine.dispose()


def test_postgresql_without_a_key_refuses_to_start_in_both_languages() -> None:
    with pytest.raises(ValueError, match="ICPFLOW_ENCRYPTION_KEYS") as caught:
        build_runtime(Settings(database_url="postgresql+psycopg://nobody@127.0.0.1:1/none"))
    assert "拒绝启动" in str(caught.value) and "refusing to start" in str(caught.value)


def test_a_malformed_key_setting_names_the_variable_and_not_the_key() -> None:
    secret = base64.b64encode(b"sixteen byte key").decode()
    with pytest.raises(ValueError, match="ICPFLOW_ENCRYPTION_KEYS") as caught:
        build_runtime(Settings(encryption_keys=f"k1:{secret}"))
    assert secret not in str(caught.value)


def test_the_cli_says_why_it_will_not_start_on_postgresql_without_a_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ICPFLOW_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 2 and "ICPFLOW_ENCRYPTION_KEYS" in result.output


def test_rotate_keys_re_encrypts_under_the_new_key_from_the_command_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ICPFLOW_ENCRYPTION_KEYS", TEST_ENCRYPTION_KEYS)
    doc = make_filing()
    doc.pop("submitted_on")
    path = tmp_path / "filing.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert runner.invoke(app, ["filings", "create", str(path), "--as", "acme"]).exit_code == 0
    new_key = "k2:" + base64.b64encode(os.urandom(32)).decode()
    monkeypatch.setenv("ICPFLOW_ENCRYPTION_KEYS", f"{new_key},{TEST_ENCRYPTION_KEYS}")
    result = runner.invoke(app, ["db", "rotate-keys"])
    assert result.exit_code == 0, result.output
    assert re.search(r"已用密钥 k2 重新加密 2 行", result.stdout)  # the subject and the application
    monkeypatch.setenv("ICPFLOW_ENCRYPTION_KEYS", new_key)  # the old key dropped
    listed = runner.invoke(app, ["filings", "list"])
    assert listed.exit_code == 0 and "鲜果日记" in listed.stdout


def test_the_worker_logs_json_lines_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ICPFLOW_LOG_FORMAT", "json")
    result = runner.invoke(app, ["worker", "--once"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert lines[0]["event"] == "icpflow worker 已启动" and lines[0]["regulator"] == "模拟器"
    assert any("本地加密密钥" in line["event"] and line["level"] == "warning" for line in lines)
