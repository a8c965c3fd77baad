"""The API in-process (FastAPI's TestClient over the real app, real SQLite, the simulator)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher, profiles
from fastapi.testclient import TestClient

from icpflow.api.app import create_app
from icpflow.bootstrap import Runtime, build_accounts, build_runtime
from icpflow.config import Settings
from icpflow.domain.accounts import Role
from icpflow.services.accounts import Accounts
from icpflow.testing import SteppingClock, make_filing

START = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
PASSWORD = "correct horse battery"


@dataclass
class User:
    name: str
    role: Role
    client: TestClient
    account_id: str
    headers: dict[str, str] = field(default_factory=dict)

    def get(self, url: str, **kw: Any) -> Any:
        return self.client.get(url, headers=self.headers, **kw)

    def post(self, url: str, json: Any = None, **kw: Any) -> Any:
        return self.client.post(url, json=json, headers={**self.headers, **kw.pop("headers", {})}, **kw)

    def put(self, url: str, json: Any = None, **kw: Any) -> Any:
        return self.client.put(url, json=json, headers=self.headers, **kw)

    def delete(self, url: str, **kw: Any) -> Any:
        return self.client.delete(url, headers=self.headers, **kw)


@dataclass
class Api:
    runtime: Runtime
    accounts: Accounts
    clock: SteppingClock
    app: Any
    users: dict[str, User]

    def anonymous(self) -> TestClient:
        return TestClient(self.app)


def filing_doc(seq: int = 1, province: str = "330000") -> dict[str, Any]:
    doc = make_filing(province, submitted_on="2026-11-23", seq=seq)
    doc.pop("submitted_on")
    return doc


#: argon2's cheapest profile: the tests log in dozens of times; production keeps the library default.
CHEAP = PasswordHasher.from_parameters(profiles.CHEAPEST)


def _build(data_dir: Path) -> Iterator[Api]:
    settings = Settings(data_dir=data_dir, simulator_min_delay_seconds=0, simulator_max_delay_seconds=0,
                        simulator_approve_ratio=1.0, cookie_secure=False)
    clock = SteppingClock(START)
    runtime = build_runtime(settings, clock=clock)
    accounts = build_accounts(runtime, hasher=CHEAP)
    app = create_app(runtime, accounts)
    users: dict[str, User] = {}
    for name, role in [("filer-a", Role.FILER), ("filer-b", Role.FILER), ("reviewer", Role.REVIEWER),
                       ("operator", Role.OPERATOR), ("auditor", Role.AUDITOR)]:
        account = accounts.create(name, role, password=PASSWORD)
        client = TestClient(app)
        login = client.post("/api/v1/auth/login", json={"username": name, "password": PASSWORD})
        assert login.status_code == 200, login.text
        users[name] = User(name, role, client, account.id, {"X-CSRF-Token": login.json()["csrf_token"]})
    provider = accounts.create("provider", Role.SERVICE_PROVIDER)
    key = accounts.create_api_key(provider, [])
    users["provider"] = User("provider", Role.SERVICE_PROVIDER, TestClient(app), provider.id,
                             {"Authorization": f"Bearer {key}"})
    yield Api(runtime, accounts, clock, app, users)
    runtime.engine.dispose()


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    yield from _build(tmp_path / "data")


@pytest.fixture(scope="module")
def shared_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """One API for a whole module whose tests each create what they use (the authorization matrix)."""
    yield from _build(tmp_path_factory.mktemp("shared") / "data")
