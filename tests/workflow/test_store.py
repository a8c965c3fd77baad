"""The store on SQLite and PostgreSQL: the migrations, versions, unique keys, counters, claims, times."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import Engine

from icpflow.adapters.db import tables as t
from icpflow.adapters.db.config_store import SqlConfigUnitOfWork
from icpflow.adapters.db.engine import alembic_config, create_engine, upgrade
from icpflow.adapters.db.store import SqlUnitOfWork
from icpflow.domain.config import ConfigChange
from icpflow.domain.errors import ConcurrentUpdate, NotFound
from icpflow.domain.model import (
    Application,
    ApplicationKind,
    InboxMessage,
    OutboxItem,
    SmsInboxEntry,
    Subject,
    Timer,
    TimerKind,
)
from icpflow.domain.policy_config import PolicyOverride
from icpflow.domain.simulator_config import ForcedBureauDecision, SimulatorSetting
from icpflow.testing import fixed_cipher

from .conftest import PG_URL

T0 = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)


def _seed(uow: SqlUnitOfWork) -> Application:
    with uow() as store:
        store.add_subject(Subject("s1", "91330106MA0000001X", "某某有限公司", "enterprise", "330000", "acme",
                                  created_at=T0))
        app = Application("a1", ApplicationKind.NEW, "acme", "s1", None, "330000", {"k": "值"},
                          created_at=T0, updated_at=T0)
        store.add_application(app)
        store.commit()
    return app


def test_the_schema_matches_the_migrations(engine: Engine) -> None:
    config = alembic_config(engine)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.check(config)  # raises when tables.py and the migrations disagree


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A database of its own, with no schema yet (the migrations are run by the test, up and down)."""
    if request.param == "sqlite":
        eng = create_engine(f"sqlite+pysqlite:///{tmp_path / 'migrations.db'}")
        yield eng
        eng.dispose()
        return
    request.getfixturevalue("postgres_url")  # skips (or fails under CI) when PostgreSQL is not reachable
    schema = f"icpflow_migrations_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_URL)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in PG_URL else "?"
    eng = create_engine(f"{PG_URL}{sep}options=-csearch_path%3D{schema}")
    yield eng
    eng.dispose()
    with admin.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    admin.dispose()


def _downgrade(engine: Engine, revision: str) -> None:
    config = alembic_config(engine)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, revision)


def test_migration_0007_adds_the_policy_table_keeps_the_history_and_goes_back_down(empty_database: Engine) -> None:
    engine = empty_database
    upgrade(engine, "0006")
    with engine.begin() as conn:  # configuration written before 0007
        conn.execute(t.rule_overrides.insert().values(rule_id="field.email", enabled=False, note="旧", updated_by="op",
                                                      updated_at=T0))
        conn.execute(t.config_changes.insert().values(at=T0, account_id="op", kind="rule_override",
                                                      target="field.email", action="set", before=None,
                                                      after={"enabled": False}, note="旧"))
    upgrade(engine)
    uow = SqlConfigUnitOfWork(engine)
    with uow() as store:
        assert [o.rule_id for o in store.rule_overrides()] == ["field.email"]
        assert store.policy_overrides() == []
        for key, value in (("daily_quota", 5), ("withdraw_allowed", False), ("takedown_deadline", "2027-06-30"),
                           ("takedown_deadline", None)):
            store.put_policy_override(PolicyOverride(key, value, "", "op", T0))
            store.record_change(ConfigChange("policy", key, "set", None, {key: value}, "", "op", T0))
        store.commit()
    with uow() as store:
        assert {o.key: o.value for o in store.policy_overrides()} == {
            "daily_quota": 5, "takedown_deadline": None, "withdraw_allowed": False}
        assert store.version() == 5
    _downgrade(engine, "0006")
    assert "policy_overrides" not in sa.inspect(engine).get_table_names()
    with uow() as store:
        assert store.version() == 5  # the history is append-only: its policy rows stay, the version never drops
    upgrade(engine)
    with uow() as store:
        assert store.policy_overrides() == [] and [o.rule_id for o in store.rule_overrides()] == ["field.email"]


def test_migration_0008_adds_the_simulator_tables_keeps_the_history_and_goes_back_down(
        empty_database: Engine) -> None:
    engine = empty_database
    upgrade(engine, "0007")
    with engine.begin() as conn:  # configuration written before 0008
        conn.execute(t.config_changes.insert().values(at=T0, account_id="op", kind="policy", target="daily_quota",
                                                      action="set", before=None, after={"daily_quota": 5}, note=""))
    upgrade(engine)
    _seed(SqlUnitOfWork(engine, fixed_cipher()))  # application a1: a forced decision names an application
    uow = SqlConfigUnitOfWork(engine)
    with uow() as store:
        assert store.simulator_settings() == [] and store.forced_decisions() == []
        store.put_simulator_setting(SimulatorSetting("approve_ratio", 0.25, "op", T0))
        store.put_forced_decision(ForcedBureauDecision("a1", False, "op", T0))
        store.record_change(ConfigChange("simulator", "approve_ratio", "set", None, {"approve_ratio": 0.25}, "", "op",
                                         T0))
        store.commit()
    with uow() as store:
        store.put_simulator_setting(SimulatorSetting("approve_ratio", 0.5, "op2", T0))  # an upsert
        store.put_forced_decision(ForcedBureauDecision("a1", True, "op2", T0))
        store.commit()
    with uow() as store:
        assert store.simulator_settings() == [SimulatorSetting("approve_ratio", 0.5, "op2", T0)]
        assert store.forced_decisions() == [ForcedBureauDecision("a1", True, "op2", T0)]
        assert store.version() == 2
    with pytest.raises(sa.exc.IntegrityError), uow() as store:  # only an existing application
        store.put_forced_decision(ForcedBureauDecision("no-such-application", True, "op", T0))
        store.commit()
    _downgrade(engine, "0007")
    assert {"simulator_settings", "simulator_forced_decisions"}.isdisjoint(sa.inspect(engine).get_table_names())
    with uow() as store:
        assert store.version() == 2  # the history is append-only: its simulator rows stay
    upgrade(engine)
    with uow() as store:
        assert store.simulator_settings() == [] and store.forced_decisions() == []


def test_saving_with_a_stale_version_is_a_conflict(engine: Engine) -> None:
    uow = SqlUnitOfWork(engine, fixed_cipher())
    _seed(uow)
    with uow() as store:
        app = store.get_application("a1")
        store.save_application(app, 1)
        store.commit()
    with uow() as store:
        stale = store.get_application("a1")
        stale.version = 1
        with pytest.raises(ConcurrentUpdate):
            store.save_application(stale, 1)


def test_an_uncommitted_transaction_leaves_nothing_behind(engine: Engine) -> None:
    uow = SqlUnitOfWork(engine, fixed_cipher())
    _seed(uow)
    with uow() as store:
        store.add_inbox_message(InboxMessage("k1", "acme", "主题", "正文", T0))
    with uow() as store:
        assert store.inbox_of("acme") == []


def test_a_missing_application_is_not_found(engine: Engine) -> None:
    with SqlUnitOfWork(engine, fixed_cipher())() as store, pytest.raises(NotFound):
        store.get_application("nope")


def test_times_come_back_aware_and_in_utc(engine: Engine) -> None:
    uow = SqlUnitOfWork(engine, fixed_cipher())
    _seed(uow)
    beijing = T0.astimezone(dt.timezone(dt.timedelta(hours=8)))
    with uow() as store:
        app = store.get_application("a1")
        app.due_at = beijing
        store.save_application(app, app.version)
        store.commit()
    with uow() as store:
        due = store.get_application("a1").due_at
    assert due == T0 and due.tzinfo is not None


def test_outbox_and_inbox_keys_are_unique(engine: Engine) -> None:
    uow = SqlUnitOfWork(engine, fixed_cipher())
    _seed(uow)
    with uow() as store:
        assert store.add_outbox(OutboxItem("key-1", "notify", {}, T0))
        assert not store.add_outbox(OutboxItem("key-1", "notify", {"other": 1}, T0))
        assert store.add_inbox_message(InboxMessage("m-1", "acme", "s", "b", T0))
        assert not store.add_inbox_message(InboxMessage("m-1", "acme", "s", "b", T0))
        assert store.add_sms(SmsInboxEntry("a1", "13800000000", "t", "123456", 1, T0, True))
        assert not store.add_sms(SmsInboxEntry("a1", "13800000000", "t", "654321", 1, T0, True))
        store.commit()


def test_serials_count_up_per_province_and_year(engine: Engine) -> None:
    uow = SqlUnitOfWork(engine, fixed_cipher())
    with uow() as store:
        got = [store.next_serial("330000", 2026) for _ in range(3)]
        got.append(store.next_serial("440000", 2026))
        got.append(store.next_serial("330000", 2027))
        store.commit()
    assert got == [1, 2, 3, 1, 1]


def test_due_timers_are_claimed_oldest_first_and_fired_ones_never_again(engine: Engine) -> None:
    uow = SqlUnitOfWork(engine, fixed_cipher())
    _seed(uow)
    with uow() as store:
        for i, minutes in enumerate([30, 10, 20, -5]):
            store.add_timer(Timer(f"t{i}", "a1", TimerKind.SMS_EXPIRY, T0 + dt.timedelta(minutes=minutes)))
        store.commit()
    with uow() as store:
        due = store.claim_due_timers(T0 + dt.timedelta(minutes=25), 10)
        assert [t.id for t in due] == ["t3", "t1", "t2"]
        store.mark_timer_fired("t3", T0)
        store.commit()
    with uow() as store:
        assert [t.id for t in store.claim_due_timers(T0 + dt.timedelta(minutes=25), 10)] == ["t1", "t2"]


def test_the_daily_quota_is_counted_per_day(engine: Engine) -> None:
    uow = SqlUnitOfWork(engine, fixed_cipher())
    day = dt.date(2026, 11, 23)
    with uow() as store:
        assert [store.use_quota(day, 2) for _ in range(3)] == [True, True, False]
        assert store.use_quota(day + dt.timedelta(days=1), 2)
        store.commit()
