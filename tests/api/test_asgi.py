"""`icpflow.api.asgi.from_environment`, the factory ASGI servers' worker processes call."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from icpflow.api.asgi import from_environment
from icpflow.bootstrap import build_runtime
from icpflow.config import Settings


def test_the_factory_serves_the_database_the_deploy_migrated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ICPFLOW_DATA_DIR", str(tmp_path))
    build_runtime(Settings(data_dir=tmp_path)).engine.dispose()  # `icpflow db upgrade`: the factory migrates nothing
    with TestClient(from_environment()) as client:
        assert client.get("/healthz").json()["status"] == "ok"
        unknown = client.get("/api/v1/public/lookup", params={"appid": "wx0000000000000000"})  # read from the tables
        assert (unknown.status_code, unknown.json()["code"]) == (404, "not_found")


def test_a_bad_setting_ends_the_process_with_its_name_in_chinese(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ICPFLOW_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ICPFLOW_MAX_UPLOAD_BYTES", "12")
    with pytest.raises(SystemExit) as stopped:
        from_environment()
    assert stopped.value.code == 2
    assert "配置错误 ICPFLOW_MAX_UPLOAD_BYTES：当前值 “12”，应不小于 1024" in capsys.readouterr().err
