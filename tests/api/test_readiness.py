"""`GET /readyz`: 200 when the database is reachable and migrated, 503 problem+json naming why otherwise."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from icpflow.adapters.db.engine import head_revision
from icpflow.api.app import create_app
from icpflow.bootstrap import build_accounts, build_runtime
from icpflow.config import Settings


def _client(tmp_path: Path, *, migrate: bool) -> TestClient:
    runtime = build_runtime(Settings(data_dir=tmp_path), migrate=migrate)
    return TestClient(create_app(runtime, build_accounts(runtime)))


def test_a_migrated_server_is_ready(tmp_path: Path) -> None:
    answer = _client(tmp_path, migrate=True).get("/readyz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ready", "schema": head_revision(), "regulator": "simulator"}


def test_a_server_on_an_unmigrated_database_is_alive_but_not_ready(tmp_path: Path) -> None:
    client = _client(tmp_path, migrate=False)
    assert client.get("/healthz").status_code == 200  # alive: do not restart it
    answer = client.get("/readyz")  # not ready: send it no traffic
    assert answer.status_code == 503
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["code"] == "not_ready"
    assert "请先运行 icpflow db upgrade" in answer.json()["detail"]
