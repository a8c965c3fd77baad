"""Request ids, access log lines and unexpected errors (api/observability.py), with the real logging setup."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import structlog
from fastapi import FastAPI
from fastapi.testclient import TestClient

from icpflow.api.app import create_app
from icpflow.bootstrap import build_accounts, build_runtime
from icpflow.config import Settings
from icpflow.domain.pii import contains_pii
from icpflow.logging import configure_logging

RESIDENT_ID = "11010519491231002X"


@pytest.fixture
def log() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    configure_logging("json", stream=stream)
    yield stream
    structlog.reset_defaults()


def _app(tmp_path: Path, **settings: Any) -> FastAPI:
    runtime = build_runtime(Settings(data_dir=tmp_path, **settings))
    app = create_app(runtime, build_accounts(runtime))

    @app.get("/boom")
    def boom() -> None:  # a bug whose message carries personal information
        raise RuntimeError(f"身份证号 {RESIDENT_ID} 校验时出错")

    return app


def _lines(log: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.getvalue().splitlines()]


def test_every_request_gets_an_id_and_one_access_line(tmp_path: Path, log: io.StringIO) -> None:
    client = TestClient(_app(tmp_path))
    given = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a.12_x"})
    assert given.headers["x-request-id"] == "lb-7f3a.12_x"
    made = client.get("/api/v1/public/lookup", params={"appid": "wx0000000000000000"},
                      headers={"X-Request-ID": "bad id; drop table"})
    assert made.headers["x-request-id"] != "bad id; drop table" and len(made.headers["x-request-id"]) == 32
    access = [line for line in _lines(log) if line["event"] == "请求"]
    assert [(a["method"], a["path"], a["status"], a["request_id"]) for a in access] == [
        ("GET", "/healthz", 200, "lb-7f3a.12_x"),
        ("GET", "/api/v1/public/lookup", 404, made.headers["x-request-id"]),  # the query string is not logged
    ]
    assert all(isinstance(a["ms"], float) and a["ms"] >= 0 for a in access)


def test_the_access_log_can_be_turned_off(tmp_path: Path, log: io.StringIO) -> None:
    client = TestClient(_app(tmp_path, access_log=False))
    assert client.get("/healthz").headers["x-request-id"]
    assert [line for line in _lines(log) if line["event"] == "请求"] == []


def test_an_unexpected_error_is_a_problem_with_the_request_id_and_a_masked_log_line(
        tmp_path: Path, log: io.StringIO, capsys: pytest.CaptureFixture[str]) -> None:
    client = TestClient(_app(tmp_path), raise_server_exceptions=False)
    answer = client.get("/boom", headers={"X-Request-ID": "case-42"})
    assert answer.status_code == 500
    assert answer.headers["content-type"].startswith("application/problem+json")
    body = answer.json()
    assert (body["code"], body["request_id"]) == ("internal_error", "case-42")
    assert "case-42" in body["detail"] and RESIDENT_ID not in answer.text
    error = next(line for line in _lines(log) if line["event"] == "请求处理出错")
    assert error["request_id"] == "case-42" and error["path"] == "/boom"
    assert "RuntimeError" in error["exception"] and "110***********002X" in error["exception"]
    assert not contains_pii(log.getvalue())
    assert RESIDENT_ID not in capsys.readouterr().err  # handled here: nothing re-raised to the server's logger
