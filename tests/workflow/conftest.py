"""Workflow tests run on real databases: SQLite always, PostgreSQL (127.0.0.1:5432, database `test`)
whenever it is reachable. Under CI (`CI=true`) an unreachable PostgreSQL fails the run instead of
skipping, so CI always exercises it.

Each PostgreSQL test session works in its own schema (dropped afterwards) and every test starts from
empty tables, so runs never see each other's data.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from icpflow.adapters.db import tables
from icpflow.adapters.db.engine import create_engine, upgrade

PG_URL = os.environ.get("ICPFLOW_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _postgres_reachable() -> bool:
    try:
        engine = sa.create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.exec_driver_sql("select 1")
        engine.dispose()
        return True
    except Exception:  # any failure to connect means "not here"
        return False


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    if not _postgres_reachable():
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is not reachable at {PG_URL}; CI must exercise it")
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}")
    schema = f"icpflow_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_URL)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    admin.dispose()


@pytest.fixture(scope="session")
def pg_engine(postgres_url: str) -> Iterator[Engine]:
    engine = create_engine(postgres_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("db") / "icpflow.db"
        eng = create_engine(f"sqlite+pysqlite:///{path}")
        upgrade(eng)
        yield eng
        eng.dispose()
        return
    eng = request.getfixturevalue("pg_engine")
    with eng.begin() as conn:
        names = ", ".join(t.name for t in reversed(tables.metadata.sorted_tables))
        conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    yield eng


# ----- a workflow on that engine, with a clock the test moves ------------------------------------------

import datetime as dt  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from typing import Any  # noqa: E402

from icpflow.adapters.db.store import SqlUnitOfWork  # noqa: E402
from icpflow.adapters.regulator.simulator import RegulatorSimulator  # noqa: E402
from icpflow.bootstrap import build_checker, load_calendar, load_rejections  # noqa: E402
from icpflow.config import Settings  # noqa: E402
from icpflow.domain.deadlines import DeadlinePolicy  # noqa: E402
from icpflow.domain.model import Application  # noqa: E402
from icpflow.domain.notifications import Channel, Notification, Notifier  # noqa: E402
from icpflow.services import filings, worker  # noqa: E402
from icpflow.services.filings import PlatformPolicy, Workflow  # noqa: E402
from icpflow.testing import SteppingClock, fixed_cipher, make_filing  # noqa: E402

BEIJING = dt.timezone(dt.timedelta(hours=8))
#: Monday 2026-11-23 10:00 Beijing time: an ordinary working day.
START = dt.datetime(2026, 11, 23, 10, 0, tzinfo=BEIJING)
FILER = "filer-1"
REVIEWER = "reviewer-1"


class RecordingNotifier:
    """Counts deliveries per key: effects must be once per key however often the worker retries."""

    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        self.delivered: list[Notification] = []

    def deliver(self, notification: Notification) -> None:
        self.delivered.append(notification)


@dataclass
class Desk:
    """A workflow plus its simulator, clock and notifiers, and shortcuts tests read like the product."""

    wf: Workflow
    clock: SteppingClock
    gateway: RegulatorSimulator
    notifiers: dict[Channel, Notifier]

    def sweep(self) -> worker.SweepResult:
        return worker.sweep(self.wf, self.gateway, self.notifiers)

    def new(self, doc: dict[str, Any] | None = None, owner: str = FILER) -> Application:
        return filings.create_application(self.wf, owner=owner, document=doc or filing())

    def get(self, app: Application) -> Application:
        return filings.get_application(self.wf, app.id, actor=app.owner)

    def sms_code(self, app: Application) -> str:
        with self.wf.uow() as store:
            current = store.get_application(app.id)
            codes = [e.code for e in store.sms_of(app.id) if e.attempt == current.sms_attempt]
        assert codes, "no SMS was sent for the current attempt"
        return codes[0]

    def to_sms(self, app: Application) -> Application:
        """Submit, approve on the platform, and let the worker send the SMS."""
        app = filings.submit(self.wf, app.id, actor=app.owner, expected_version=self.get(app).version)
        app = filings.platform_approve(self.wf, app.id, reviewer=REVIEWER, expected_version=app.version)
        self.sweep()
        return self.get(app)

    def to_bureau(self, app: Application) -> Application:
        app = self.to_sms(app)
        app = filings.verify_sms(self.wf, app.id, self.sms_code(app), actor=app.owner, expected_version=app.version)
        self.sweep()  # submits to the (simulated) bureau, which plans its decision
        return self.get(app)

    def let_bureau_decide(self, app: Application) -> Application:
        self.clock.advance(seconds=self.gateway.bureau_delay[1].total_seconds() + 1)
        self.sweep()  # the planned decision falls due
        self.sweep()  # notifications it wrote
        return self.get(app)


def filing(province: str = "330000", **kwargs: Any) -> dict[str, Any]:
    """make_filing() judged on the workflow's own clock (no `submitted_on`)."""
    doc = make_filing(province, submitted_on="2026-11-23", **kwargs)
    doc.pop("submitted_on")
    return doc


@pytest.fixture
def desk(engine: Engine) -> Desk:
    settings = Settings()
    clock = SteppingClock(START)
    gateway = RegulatorSimulator(load_rejections(), seed=7, approve_ratio=1.0,
                                 bureau_delay=(dt.timedelta(minutes=5), dt.timedelta(minutes=30)))
    wf = Workflow(uow=SqlUnitOfWork(engine, fixed_cipher()), clock=clock, checker=build_checker(settings),
                  calendar=load_calendar(settings), deadlines=DeadlinePolicy(),
                  policy=PlatformPolicy(face_task_required=False),  # face tasks: test_face.py
                  gateway_name=gateway.name)
    notifiers: dict[Channel, Notifier] = {c: RecordingNotifier(c) for c in (Channel.EMAIL, Channel.SMS)}
    return Desk(wf, clock, gateway, notifiers)
