"""The regulator simulator's tuning shared by every process, on SQLite and PostgreSQL: an approve ratio set and a
decision forced through one runtime decide the submissions of another (the worker) after its refresh interval,
and not before; both survive a restart; resetting returns to ICPFLOW_SIMULATOR_APPROVE_RATIO; every change is
range-checked in Chinese, recorded in the configuration history and audited."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from icpflow.adapters.regulator.simulator import RegulatorSimulator
from icpflow.bootstrap import Runtime, build_accounts, build_runtime
from icpflow.config import Settings
from icpflow.domain.accounts import Role
from icpflow.domain.config import ConfigChange
from icpflow.domain.errors import InvalidRequest
from icpflow.domain.model import Application
from icpflow.domain.simulator_config import SimulatorSetting
from icpflow.domain.workflow import State
from icpflow.services import config, filings, simulator_controls
from icpflow.testing import TEST_ENCRYPTION_KEYS, SteppingClock

from .conftest import START, filing
from .test_config_live import TTL, Ticker

OPERATOR = "op-1"
REVIEWER = "reviewer-1"


@dataclass
class Process:
    """One icpflow process (an API process, a worker) on the shared database, built as `icpflow` builds it."""

    runtime: Runtime
    ticker: Ticker

    @property
    def simulator(self) -> RegulatorSimulator:
        gateway = self.runtime.gateway
        assert isinstance(gateway, RegulatorSimulator)
        return gateway

    def wait_refresh(self) -> None:
        self.ticker.now += TTL

    def set_ratio(self, ratio: float) -> float:
        return simulator_controls.set_approve_ratio(self.runtime.config, self.simulator, ratio, actor=OPERATOR)

    def force(self, app: Application, approved: bool) -> simulator_controls.ForcedDecision:
        return simulator_controls.force_bureau_decision(self.runtime.workflow, self.runtime.config, self.simulator,
                                                        app.id, approved, actor=OPERATOR)

    def decide(self, application_id: str, name: str = "鲜果日记") -> tuple[bool, str]:
        """What this process's simulator plans for a submission to the bureau now."""
        doc = filing()
        doc["program"]["name"] = name
        submission = self.simulator.submit_to_bureau(application_id, "330000", doc, self.runtime.workflow.clock.now())
        assert submission.planned is not None
        return submission.planned.decision.approved, str(submission.extra["decided_by"])


class Desk:
    """Processes on one database: `start()` is a process starting (or restarting) with the same settings."""

    def __init__(self, engine: Engine, tmp_path: Path) -> None:
        self.settings = Settings(database_url=engine.url.render_as_string(hide_password=False), data_dir=tmp_path,
                                 encryption_keys=TEST_ENCRYPTION_KEYS, simulator_approve_ratio=1.0,
                                 simulator_min_delay_seconds=0, simulator_max_delay_seconds=0,
                                 face_task_required=False)
        self.clock = SteppingClock(START)
        self.started: list[Process] = []

    def start(self) -> Process:
        ticker = Ticker()
        process = Process(build_runtime(self.settings, clock=self.clock, ticker=ticker), ticker)
        self.started.append(process)
        return process

    def stop(self) -> None:
        for process in self.started:
            process.runtime.engine.dispose()


@pytest.fixture
def desk(engine: Engine, tmp_path: Path) -> Iterator[Desk]:
    desk = Desk(engine, tmp_path)
    yield desk
    desk.stop()


def _draft(process: Process, seq: int = 1) -> Application:
    return filings.create_application(process.runtime.workflow, owner="filer-1", document=filing(seq=seq))


def _to_bureau_review(process: Process, app: Application) -> Application:
    """Submitted, approved on the platform, SMS verification recorded: waiting for the worker to submit it to the
    (simulated) bureau."""
    wf = process.runtime.workflow
    app = filings.submit(wf, app.id, actor=app.owner, expected_version=app.version)
    app = filings.platform_approve(wf, app.id, reviewer=REVIEWER, expected_version=app.version)
    return filings.record_sms_verified(wf, app.id, operator=OPERATOR, expected_version=app.version)


def _state(process: Process, app: Application) -> State:
    return filings.get_application(process.runtime.workflow, app.id, actor=app.owner).state


# ----- the approve ratio -------------------------------------------------------------------------------------

def test_a_ratio_set_through_one_process_decides_the_workers_submissions_after_its_refresh_interval(
        desk: Desk) -> None:
    api, worker = desk.start(), desk.start()
    assert worker.decide("app-1") == (True, "draw")  # the deployment's ratio: 1.0

    assert api.set_ratio(0.0) == 1.0  # the ratio in force before
    assert api.decide("app-1") == (False, "draw")  # the process that made the change: at once
    worker.ticker.now += TTL - 0.5
    assert worker.decide("app-1") == (True, "draw")  # the other: not before its interval …
    worker.ticker.now += 0.5
    assert worker.decide("app-1") == (False, "draw")  # … and after it
    assert worker.simulator.approve_ratio == 1.0  # the deployment's value stays the base


def test_the_ratio_survives_a_restart_and_a_reset_returns_every_process_to_the_deployment_value(desk: Desk) -> None:
    api, worker = desk.start(), desk.start()
    api.set_ratio(0.0)
    restarted = desk.start()
    assert restarted.simulator.tuning().approve_ratio == 0.0 and restarted.decide("app-1") == (False, "draw")

    assert simulator_controls.reset_approve_ratio(restarted.runtime.config, restarted.simulator,
                                                  actor=OPERATOR) == 0.0
    assert restarted.decide("app-1") == (True, "draw")
    worker.wait_refresh()
    assert worker.simulator.tuning().approve_ratio is None and worker.decide("app-1") == (True, "draw")
    state = simulator_controls.simulator_state(api.runtime.config, api.simulator)
    assert (state.approve_ratio, state.overridden, state.deployed_ratio) == (1.0, False, 1.0)
    assert simulator_controls.reset_approve_ratio(api.runtime.config, api.simulator, actor=OPERATOR) is None


@pytest.mark.parametrize("wrong", [1.5, -0.1, math.nan, math.inf])
def test_a_ratio_out_of_range_is_refused_in_chinese_naming_the_field(desk: Desk, wrong: float) -> None:
    api = desk.start()
    with pytest.raises(InvalidRequest) as info:
        api.set_ratio(wrong)
    assert info.value.message.startswith("模拟管局通过率（approve_ratio）应为 0 到 1 之间的数")
    assert [e["path"] for e in info.value.data["errors"]] == ["approve_ratio"]
    assert simulator_controls.simulator_state(api.runtime.config, api.simulator).ratio_setting is None
    assert config.history(api.runtime.config, kind=simulator_controls.HISTORY_KINDS) == []


def test_each_change_is_recorded_in_the_history_and_audited_with_before_and_after(desk: Desk) -> None:
    api = desk.start()
    accounts = build_accounts(api.runtime)
    operator = accounts.create("operator", Role.OPERATOR)
    simulator_controls.set_approve_ratio(api.runtime.config, api.simulator, 0.4, actor=operator.id)
    simulator_controls.set_approve_ratio(api.runtime.config, api.simulator, 0.4, actor=operator.id)  # already so
    simulator_controls.reset_approve_ratio(api.runtime.config, api.simulator, actor=operator.id)
    changes = config.history(api.runtime.config, kind="simulator")
    assert [(c.action, c.before, c.after, c.actor) for c in changes] == [
        ("delete", {"approve_ratio": 0.4, "source": "operator"}, {"approve_ratio": 1.0, "source": "deployment"},
         "operator"),
        ("set", {"approve_ratio": 1.0, "source": "deployment"}, {"approve_ratio": 0.4, "source": "operator"},
         "operator"),
    ]
    audit = accounts.audit_entries(10, 0, actor="operator")
    assert [(e["action"], e["target"]) for e in audit] == [
        ("simulator_approve_ratio_reset", "approve_ratio"), ("simulator_approve_ratio_changed", "approve_ratio")]
    assert audit[1]["detail"]["after"] == {"approve_ratio": 0.4, "source": "operator"}


# ----- forced decisions --------------------------------------------------------------------------------------

def test_a_decision_forced_through_one_process_is_used_by_the_worker_that_submits_to_the_bureau(desk: Desk) -> None:
    api, worker = desk.start(), desk.start()
    app = _draft(api)
    outcome = api.force(app, False)
    assert not outcome.applied and api.simulator.tuning().forced == {app.id: False}
    app = _to_bureau_review(api, app)

    worker.wait_refresh()
    assert worker.simulator.tuning().forced == {app.id: False}
    simulator_controls.run_due_work(worker.runtime.workflow, worker.simulator, worker.runtime.notifiers)
    decided = filings.get_application(worker.runtime.workflow, app.id, actor=app.owner)
    assert decided.state is State.BUREAU_REJECTED and decided.reasons  # the ratio (1.0) would have approved
    # remembered for the application's later submissions, until the operator clears it
    assert worker.simulator.tuning().forced == {app.id: False}


def test_a_forced_decision_survives_a_restart_and_clearing_it_reaches_every_process(desk: Desk) -> None:
    api, worker = desk.start(), desk.start()
    app = _draft(api)
    api.force(app, False)
    restarted = desk.start()
    assert restarted.decide(app.id) == (False, "force")
    with restarted.runtime.config.uow() as store:
        [stored] = store.forced_decisions()
    assert (stored.application_id, stored.approved, stored.set_by) == (app.id, False, OPERATOR)

    assert simulator_controls.clear_forced(restarted.runtime.config, f" {app.id} ", actor=OPERATOR)
    assert restarted.decide(app.id) == (True, "draw")
    worker.wait_refresh()
    assert worker.decide(app.id) == (True, "draw")
    assert not simulator_controls.clear_forced(api.runtime.config, app.id, actor=OPERATOR)  # nothing left
    kinds = [(c.kind, c.action) for c in config.history(api.runtime.config, kind=simulator_controls.HISTORY_KINDS)]
    assert kinds == [("simulator_force", "delete"), ("simulator_force", "set")]


def test_a_decision_forced_in_bureau_review_is_applied_at_once_and_not_kept(desk: Desk) -> None:
    api, worker = desk.start(), desk.start()
    app = _draft(api)
    api.force(app, True)  # remembered first …
    app = _to_bureau_review(api, app)
    outcome = api.force(app, False)  # … then decided at once, the other way
    assert outcome.applied and outcome.application.state is State.BUREAU_REJECTED
    assert _state(api, app) is State.BUREAU_REJECTED
    assert api.simulator.tuning().forced == {}
    worker.wait_refresh()
    assert worker.simulator.tuning().forced == {}  # a resubmission is drawn anew, in every process
    [applied, remembered] = config.history(api.runtime.config, kind="simulator_force")
    assert (applied.action, applied.before, applied.after) == ("apply", {"approved": True},
                                                               {"approved": False, "applied": True})
    assert remembered.action == "set"


def test_a_simulator_change_rebuilds_neither_the_catalogue_nor_the_calendar(desk: Desk) -> None:
    api, worker = desk.start(), desk.start()
    before = worker.runtime.config.live.current()
    api.set_ratio(0.5)
    worker.wait_refresh()
    after = worker.runtime.config.live.current()
    assert after.version == before.version + 1 and after.simulator.approve_ratio == 0.5
    assert after.catalogue is before.catalogue and after.calendar is before.calendar


def test_a_stored_ratio_out_of_range_is_ignored_and_the_deployment_value_applies(desk: Desk) -> None:
    api = desk.start()
    now = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)
    with api.runtime.config.uow() as store:  # written around the use cases (a hand edit)
        store.put_simulator_setting(SimulatorSetting("approve_ratio", 7.0, OPERATOR, now))
        store.record_change(ConfigChange("simulator", "approve_ratio", "set", None, {"approve_ratio": 7.0}, "",
                                         OPERATOR, now))
        store.commit()
    api.wait_refresh()
    assert api.simulator.tuning().approve_ratio is None and api.decide("app-1") == (True, "draw")
