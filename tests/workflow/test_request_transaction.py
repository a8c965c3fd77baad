"""A write request in one transaction (the API's creation and submission with their Idempotency-Key), and
the short-lived cache of verified API keys, on SQLite and PostgreSQL (docs/benchmarks.md, the API)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from icpflow.adapters.db import tables
from icpflow.adapters.db.accounts_store import SqlAccountsUnitOfWork
from icpflow.adapters.db.store import SqlUnitOfWork
from icpflow.api.app import create_app
from icpflow.bootstrap import build_accounts, build_runtime
from icpflow.config import Settings
from icpflow.domain.accounts import Role
from icpflow.domain.model import Subject
from icpflow.services.accounts import Accounts, ApiKeyCache
from icpflow.testing import TEST_ENCRYPTION_KEYS, SteppingClock, fixed_cipher, make_filing

BEIJING = dt.timezone(dt.timedelta(hours=8))
START = dt.datetime(2026, 11, 23, 10, 0, tzinfo=BEIJING)
V1 = "/api/v1"
CERTIFICATE = "91330106MA0000001X"


def _subject(subject_id: str = "s1") -> Subject:
    return Subject(subject_id, CERTIFICATE, "某某有限公司", "enterprise", "330000", "acme", created_at=START)


def test_the_work_and_the_idempotency_record_of_a_request_commit_together(engine: Engine) -> None:
    uow = SqlUnitOfWork(engine, fixed_cipher())
    with uow.with_accounts() as (store, ledger):
        store.add_subject(_subject())
        assert ledger.remember_new("acct-1", "key-1", "digest", 201, {"id": "s1"}, START)
        # leaving without commit: neither is kept
    with uow.with_accounts() as (store, ledger):
        assert store.find_subject(CERTIFICATE) is None and ledger.idempotent("acct-1", "key-1") is None
        store.add_subject(_subject())
        ledger.remember_new("acct-1", "key-1", "digest", 201, {"id": "s1"}, START)
        store.commit()  # one commit for both
    with uow.with_accounts() as (store, ledger):
        assert store.find_subject(CERTIFICATE) is not None
        assert ledger.idempotent("acct-1", "key-1") == ("digest", 201, {"id": "s1"})


def test_an_idempotency_key_is_recorded_once_and_keeps_the_first_answer(engine: Engine) -> None:
    uow = SqlUnitOfWork(engine, fixed_cipher())
    with uow.with_accounts() as (_store, ledger):
        assert ledger.remember_new("acct-1", "key-1", "first", 201, {"n": 1}, START)
        assert not ledger.remember_new("acct-1", "key-1", "second", 200, {"n": 2}, START)
        assert ledger.remember_new("acct-2", "key-1", "other account", 201, {"n": 3}, START)
        assert ledger.idempotent("acct-1", "key-1") == ("first", 201, {"n": 1})


@pytest.fixture
def api(engine: Engine, tmp_path: Path) -> Iterator[tuple[TestClient, Engine]]:
    url = engine.url.render_as_string(hide_password=False)
    runtime = build_runtime(Settings(database_url=url, data_dir=tmp_path, encryption_keys=TEST_ENCRYPTION_KEYS,
                                     face_task_required=False), clock=SteppingClock(START))
    accounts = build_accounts(runtime)
    key = accounts.create_api_key(accounts.create("filer-a", Role.FILER), [])
    with TestClient(create_app(runtime, accounts), headers={"Authorization": f"Bearer {key}"}) as client:
        yield client, runtime.engine
    runtime.engine.dispose()


def _document(seq: int = 1) -> dict[str, Any]:
    doc = make_filing("330000", submitted_on="2026-11-23", seq=seq)
    doc.pop("submitted_on")
    return doc


def _count(engine: Engine, table: sa.Table) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def test_a_filing_is_created_and_submitted_once_per_idempotency_key(api: tuple[TestClient, Engine]) -> None:
    client, engine = api
    body = {"document": _document()}
    created = client.post(f"{V1}/filings", json=body, headers={"Idempotency-Key": "create-1"})
    again = client.post(f"{V1}/filings", json=body, headers={"Idempotency-Key": "create-1"})
    assert created.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true" and again.json()["id"] == created.json()["id"]
    app_id, version = created.json()["id"], created.json()["version"]
    assert client.get(f"{V1}/filings/{app_id}").json()["state"] == "draft"  # committed, not only answered

    submitted = client.post(f"{V1}/filings/{app_id}/submit", json={"version": version},
                            headers={"Idempotency-Key": "submit-1"})
    resubmitted = client.post(f"{V1}/filings/{app_id}/submit", json={"version": version},
                              headers={"Idempotency-Key": "submit-1"})
    assert submitted.status_code == resubmitted.status_code == 200, submitted.text
    assert submitted.json()["state"] == "platform_review" and resubmitted.headers["Idempotent-Replayed"] == "true"
    assert client.get(f"{V1}/filings/{app_id}").json()["version"] == version + 1
    assert _count(engine, tables.applications) == 1 and _count(engine, tables.idempotency_keys) == 2
    assert _count(engine, tables.events) == 2  # create, submit: the replays wrote nothing


def test_a_request_that_loses_the_race_for_its_key_keeps_nothing_and_answers_as_the_first(
        api: tuple[TestClient, Engine], monkeypatch: pytest.MonkeyPatch) -> None:
    client, engine = api
    first = client.post(f"{V1}/filings", json={"document": _document()}, headers={"Idempotency-Key": "create-1"})
    looked_up: list[str] = []
    replay = Accounts.replay

    def late(self: Accounts, *args: Any, **kwargs: Any) -> Any:
        looked_up.append(args[1])
        # the first look-up misses, as when a concurrent request records the key just after it
        return None if len(looked_up) == 1 else replay(self, *args, **kwargs)

    monkeypatch.setattr(Accounts, "replay", late)
    second = client.post(f"{V1}/filings", json={"document": _document()}, headers={"Idempotency-Key": "create-1"})
    assert looked_up == ["create-1", "create-1"]
    assert second.status_code == 201 and second.headers["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()
    assert _count(engine, tables.applications) == 1  # the second creation was rolled back


def test_a_verified_api_key_is_reused_for_its_ttl_and_a_revoked_one_refused_after_it(engine: Engine) -> None:
    seconds = [0.0]
    accounts = Accounts(SqlAccountsUnitOfWork(engine), SteppingClock(START),
                        api_keys=ApiKeyCache(ttl=10.0, clock=lambda: seconds[0]))
    filer = accounts.create("filer-a", Role.FILER)
    key = accounts.create_api_key(filer, ["wx_one"])
    assert accounts.cached_api_key(key) is None  # not verified yet
    found = accounts.api_key(key)
    assert found is not None and found.account.id == filer.id and found.scopes == frozenset({"wx_one"})
    with engine.begin() as conn:
        conn.execute(tables.api_keys.update().values(revoked_at=START))
    seconds[0] = 9.9
    assert accounts.cached_api_key(key) is not None and accounts.api_key(key) is not None  # within the TTL
    seconds[0] = 10.0
    assert accounts.cached_api_key(key) is None and accounts.api_key(key) is None


def test_without_the_cache_a_revoked_api_key_is_refused_at_once(engine: Engine) -> None:
    accounts = Accounts(SqlAccountsUnitOfWork(engine), SteppingClock(START), api_keys=ApiKeyCache(ttl=0))
    key = accounts.create_api_key(accounts.create("filer-a", Role.FILER), [])
    assert accounts.api_key(key) is not None
    with engine.begin() as conn:
        conn.execute(tables.api_keys.update().values(revoked_at=START))
    assert accounts.api_key(key) is None


def test_a_cached_principal_is_a_copy_no_request_can_change_for_another(engine: Engine) -> None:
    accounts = Accounts(SqlAccountsUnitOfWork(engine), SteppingClock(START))
    key = accounts.create_api_key(accounts.create("filer-a", Role.FILER), [])
    first = accounts.api_key(key)
    assert first is not None
    first.account.display_name = "changed by one request"
    second = accounts.cached_api_key(key)
    assert second is not None and second.account.display_name == "filer-a"
    assert second.account is not first.account
