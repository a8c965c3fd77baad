"""The platform policy changed by operators at runtime, on SQLite and PostgreSQL: every key takes effect in
the pre-check or the workflow, the deployment settings stay the base key by key, another process applies a
change after its refresh interval (and not before), and deadlines already stored are not recomputed."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from icpflow.adapters.db import tables
from icpflow.adapters.db.config_store import SqlConfigUnitOfWork
from icpflow.adapters.db.store import SqlUnitOfWork
from icpflow.adapters.regulator.simulator import RegulatorSimulator
from icpflow.bootstrap import build_live_config, load_regions, load_rejections, load_scanner
from icpflow.config import Settings
from icpflow.domain.enums import Verdict
from icpflow.domain.errors import InvalidRequest, NotFound, QuotaExhausted, SubmissionBlocked
from icpflow.domain.model import Application
from icpflow.domain.notifications import Channel, Notifier
from icpflow.domain.parsing import parse_mapping
from icpflow.domain.workflow import IllegalTransition, State
from icpflow.services import config, filings, policy_config, worker
from icpflow.services.config import Configuration
from icpflow.services.filings import Workflow
from icpflow.services.live_config import LiveCalendar, LiveChecker, LiveDeadlinePolicy, LivePlatformPolicy
from icpflow.testing import SteppingClock, fixed_cipher

from .conftest import BEIJING, FILER, START, Desk, RecordingNotifier, filing
from .test_config_live import TTL, Ticker


@dataclass
class Process:
    """One icpflow process on the shared database, wired as bootstrap wires it (every policy object live)."""

    cfg: Configuration
    desk: Desk
    ticker: Ticker

    @property
    def wf(self) -> Workflow:
        return self.desk.wf

    def set(self, **values: Any) -> list[policy_config.PolicyItem]:
        return policy_config.set_policy(self.cfg, values, actor="op-1", note="测试")

    def reset(self, key: str) -> None:
        policy_config.reset_policy(self.cfg, key, actor="op-1")

    def submit(self, app: Application) -> Application:
        return filings.submit(self.wf, app.id, actor=app.owner, expected_version=self.desk.get(app).version)

    def verdict(self, doc: dict[str, Any]) -> Verdict:
        return self.wf.checker.check(parse_mapping(doc), judged_on=self.wf.clock.today()).verdict


def _process(engine: Engine, clock: SteppingClock, settings: Settings | None = None) -> Process:
    settings = settings or Settings(face_task_required=False)
    ticker = Ticker()
    live = build_live_config(settings, engine, ticker=ticker)
    wf = Workflow(uow=SqlUnitOfWork(engine, fixed_cipher()), clock=clock,
                  checker=LiveChecker(live, load_regions(), load_scanner()), calendar=LiveCalendar(live),
                  deadlines=LiveDeadlinePolicy(live), policy=LivePlatformPolicy(live), gateway_name="simulator")
    gateway = RegulatorSimulator(load_rejections(), seed=7, approve_ratio=1.0,
                                 bureau_delay=(dt.timedelta(minutes=5), dt.timedelta(minutes=30)))
    notifiers: dict[Channel, Notifier] = {c: RecordingNotifier(c) for c in (Channel.EMAIL, Channel.SMS)}
    return Process(Configuration(SqlConfigUnitOfWork(engine), clock, live), Desk(wf, clock, gateway, notifiers),
                   ticker)


@pytest.fixture
def process(engine: Engine) -> Process:
    return _process(engine, SteppingClock(START))


def _at(day: str, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute), tzinfo=BEIJING)


def _end_of(day: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time.max, tzinfo=BEIJING)


def _listed(seq: int) -> dict[str, Any]:
    doc = filing(seq=seq)
    doc["program"]["listed"] = True
    return doc


# ----- the pre-check's policy ------------------------------------------------------------------------------

def test_a_one_month_certificate_window_lets_a_certificate_expiring_in_two_months_be_submitted(
        process: Process) -> None:
    doc = filing(seq=1)
    doc["subject"]["certificate"]["valid_to"] = "2027-01-23"  # two months after START
    assert process.verdict(doc) is Verdict.BLOCKED
    app = process.desk.new(doc)
    with pytest.raises(SubmissionBlocked) as info:
        process.submit(app)
    assert "nationwide.certificate_validity" in {f["rule"] for f in info.value.data["report"]["findings"]}

    process.set(certificate_validity_months=1)
    assert process.verdict(doc) is Verdict.READY
    assert process.submit(app).state is State.PLATFORM_REVIEW


def test_a_three_month_letter_window_accepts_a_letter_signed_two_months_before(process: Process) -> None:
    doc = filing("440000", seq=2)  # Guangdong asks for a signed commitment letter
    letter = next(a for a in doc["attachments"] if a["id"] == "commitment")
    letter["signed_on"] = "2026-09-23"

    def fired() -> set[str]:
        report = process.wf.checker.check(parse_mapping(doc), judged_on=dt.date(2026, 11, 23))
        return {f.rule for f in report.findings}

    assert "nationwide.letter_signed_window" in fired()
    process.set(letter_max_age_months=3)
    assert "nationwide.letter_signed_window" not in fired()


# ----- the workflow's platform policy ----------------------------------------------------------------------

def test_a_withdrawal_is_refused_once_operators_forbid_it_and_allowed_again_after_a_reset(
        process: Process) -> None:
    app = process.submit(process.desk.new())
    process.set(withdraw_allowed=False)
    with pytest.raises(IllegalTransition) as info:
        filings.withdraw(process.wf, app.id, actor=FILER, expected_version=app.version)
    assert "不可撤回" in info.value.reason
    process.reset("withdraw_allowed")
    assert filings.withdraw(process.wf, app.id, actor=FILER, expected_version=app.version).state is State.WITHDRAWN


def test_a_daily_quota_set_at_runtime_refuses_the_second_listed_submission_of_the_day(process: Process) -> None:
    assert process.submit(process.desk.new(_listed(1))).state is State.PLATFORM_REVIEW  # unlimited as deployed
    process.set(daily_quota=1)  # counted from now: nothing was counted while the quota was unlimited
    assert process.submit(process.desk.new(_listed(2))).state is State.PLATFORM_REVIEW
    with pytest.raises(QuotaExhausted):
        process.submit(process.desk.new(_listed(3)))


def test_moving_the_quota_refresh_hour_moves_the_quota_day(process: Process) -> None:
    process.desk.clock.set(_at("2026-11-23", 9, 30))  # before 10:00: still the quota day of the 22nd
    process.set(daily_quota=1)
    process.submit(process.desk.new(_listed(1)))
    waiting = process.desk.new(_listed(2))
    with pytest.raises(QuotaExhausted) as info:
        process.submit(waiting)
    assert dt.datetime.fromisoformat(info.value.data["refresh_at"]) == _at("2026-11-23", 10)
    process.set(quota_refresh_hour=9)  # the quota day of the 23rd began at 09:00
    assert process.submit(waiting).state is State.PLATFORM_REVIEW


def test_a_takedown_deadline_set_at_runtime_starts_the_reminders_and_its_notice_window_is_honoured(
        process: Process) -> None:
    process.desk.new(_listed(1))
    assert worker.flag_takedowns(process.wf) == 0  # no deadline deployed
    process.set(takedown_deadline="2026-12-01", takedown_notice_days=7)  # 8 days left: not yet
    assert worker.flag_takedowns(process.wf) == 0
    process.set(takedown_notice_days=10)
    assert worker.flag_takedowns(process.wf) == 1
    assert process.wf.policy.takedown_deadline == dt.date(2026, 12, 1)


def test_an_operator_can_clear_a_deployed_takedown_deadline(engine: Engine) -> None:
    process = _process(engine, SteppingClock(START),
                       Settings(face_task_required=False, takedown_deadline=dt.date(2026, 12, 1)))
    process.desk.new(_listed(1))
    process.set(takedown_deadline=None)  # null: no deadline, unlike a reset (back to the deployed one)
    assert process.wf.policy.takedown_deadline is None
    assert worker.flag_takedowns(process.wf) == 0
    process.reset("takedown_deadline")
    assert worker.flag_takedowns(process.wf) == 1


# ----- the deadlines ---------------------------------------------------------------------------------------

def test_a_new_platform_review_window_applies_to_new_submissions_and_a_stored_deadline_stays(
        process: Process) -> None:
    before = process.submit(process.desk.new(filing(seq=1)))
    assert before.due_at == _end_of("2026-11-26")  # Monday + 3 working days
    process.set(platform_review_days=1)
    after = process.submit(process.desk.new(filing(seq=2)))
    assert after.due_at == _end_of("2026-11-24")
    assert process.desk.get(before).due_at == _end_of("2026-11-26")
    with process.wf.uow() as store:  # and its timer still falls due when it did
        assert [t.application_id for t in store.claim_due_timers(_end_of("2026-11-25"), 10)] == [after.id]
        due = {t.application_id: t.due_at for t in store.claim_due_timers(_end_of("2026-11-26"), 10)}
    assert due == {after.id: _end_of("2026-11-24"), before.id: _end_of("2026-11-26")}


def test_a_new_bureau_review_window_applies_to_the_next_application_entering_the_bureau_review(
        process: Process) -> None:
    desk = process.desk
    process.set(bureau_review_days=5)
    app = desk.to_bureau(desk.new())
    assert app.state is State.BUREAU_REVIEW
    assert app.due_at == _end_of("2026-11-30")  # verified Monday 23rd: 24, 25, 26, 27, 30


# ----- layering, other processes, bad values ---------------------------------------------------------------

def test_the_operators_values_apply_on_top_of_the_deployment_settings_key_by_key(engine: Engine) -> None:
    process = _process(engine, SteppingClock(START),
                       Settings(face_task_required=False, daily_quota=5, withdraw_allowed=False))
    items = {i.key: i for i in process.set(daily_quota=9)}
    assert (process.wf.policy.daily_quota, process.wf.policy.withdraw_allowed) == (9, False)
    assert (items["daily_quota"].value, items["daily_quota"].deployed, items["daily_quota"].overridden) == (9, 5, True)
    assert (items["withdraw_allowed"].value, items["withdraw_allowed"].overridden) == (False, False)
    process.reset("daily_quota")
    assert process.wf.policy.daily_quota == 5
    assert process.wf.policy.face_task_required is False  # deployment-only keys are never touched


def test_a_policy_change_reaches_another_process_after_the_refresh_interval_and_not_before(engine: Engine) -> None:
    clock = SteppingClock(START)
    api, other = _process(engine, clock), _process(engine, clock)
    doc = filing(seq=1)
    doc["subject"]["certificate"]["valid_to"] = "2027-01-23"
    assert other.verdict(doc) is Verdict.BLOCKED

    api.set(certificate_validity_months=1, withdraw_allowed=False, platform_review_days=1)
    assert api.verdict(doc) is Verdict.READY  # the process that made the change: at once
    other.ticker.now += TTL - 0.5
    assert other.verdict(doc) is Verdict.BLOCKED  # the other: not before the interval …
    assert (other.wf.policy.withdraw_allowed, other.wf.deadlines.platform_review_days) == (True, 3)
    other.ticker.now += 1
    assert other.verdict(doc) is Verdict.READY  # … and after it
    assert (other.wf.policy.withdraw_allowed, other.wf.deadlines.platform_review_days) == (False, 1)

    api.reset("withdraw_allowed")
    other.ticker.now += TTL
    assert other.wf.policy.withdraw_allowed is True


def test_a_copy_of_the_workflow_reads_the_same_live_policy(process: Process) -> None:
    copy = dataclasses.replace(process.wf, probe=None)  # bootstrap makes one such copy
    process.set(daily_quota=7, bureau_review_days=10)
    assert (copy.policy.daily_quota, copy.deadlines.bureau_review_days) == (7, 10)
    assert copy.policy.in_force() is process.wf.policy.in_force()  # one snapshot: several fields, one version


def test_bad_values_are_refused_naming_each_key_and_nothing_is_saved(process: Process) -> None:
    with pytest.raises(InvalidRequest) as info:
        process.set(daily_quota=-1, platform_review_days=30, takedown_deadline="2027-02-30", colour="red",
                    withdraw_allowed="no")
    errors = {e["path"]: e["expected"] for e in info.value.data["errors"]}
    assert set(errors) == {"daily_quota", "platform_review_days", "takedown_deadline", "colour", "withdraw_allowed"}
    assert "1–3" in errors["platform_review_days"] and "平台初审期限" in errors["platform_review_days"]
    assert "没有名为“colour”的策略项" in errors["colour"]
    assert all(not i.overridden for i in policy_config.policy_items(process.cfg))
    assert config.history(process.cfg, kind="policy") == []
    with pytest.raises(NotFound):
        process.reset("daily_quota")  # nothing set: nothing to reset


def test_every_change_is_in_the_history_and_the_audit_log_with_before_and_after(
        process: Process, engine: Engine) -> None:
    process.set(daily_quota=3)
    process.set(daily_quota=3)  # the same value again: no change to record
    process.set(daily_quota=4)
    process.reset("daily_quota")
    changes = config.history(process.cfg, kind="policy")
    assert [(c.action, c.before, c.after) for c in reversed(changes)] == [
        ("set", {"daily_quota": 0, "source": "deployment"}, {"daily_quota": 3, "source": "operator"}),
        ("set", {"daily_quota": 3, "source": "operator"}, {"daily_quota": 4, "source": "operator"}),
        ("delete", {"daily_quota": 4, "source": "operator"}, {"daily_quota": 0, "source": "deployment"}),
    ]
    with engine.connect() as conn:
        audit = conn.execute(tables.audit_log.select().where(tables.audit_log.c.target == "daily_quota")
                             .order_by(tables.audit_log.c.id)).mappings().all()
    assert [a["action"] for a in audit] == ["policy_set", "policy_set", "policy_reset"]
    assert audit[0]["detail"] == {"before": {"daily_quota": 0, "source": "deployment"},
                                  "after": {"daily_quota": 3, "source": "operator"}, "note": "测试"}


def test_a_stored_value_a_later_deploy_no_longer_accepts_is_left_out(engine: Engine) -> None:
    with engine.begin() as conn:  # e.g. a key retired, or a range narrowed, by a deploy after it was set
        for key, value in (("platform_review_days", 7), ("retired_key", 1), ("daily_quota", 2)):
            conn.execute(tables.policy_overrides.insert().values(key=key, value=value, note="旧", updated_by="op-1",
                                                                 updated_at=START))
            conn.execute(tables.config_changes.insert().values(
                at=START, account_id="op-1", kind="policy", target=key, action="set", before=None,
                after={key: value}, note="旧"))
    process = _process(engine, SteppingClock(START))
    assert process.wf.deadlines.platform_review_days == 3  # the deployment's
    assert process.wf.policy.daily_quota == 2  # the others still apply
    items = {i.key: i for i in policy_config.policy_items(process.cfg)}
    assert (items["platform_review_days"].overridden, items["daily_quota"].overridden) == (False, True)
    policy_config.reset_policy(process.cfg, "platform_review_days", actor="op-1")  # the stale row can be removed
    assert process.submit(process.desk.new()).due_at == _end_of("2026-11-26")


def test_a_null_json_value_round_trips_through_the_database(process: Process) -> None:
    process.set(takedown_deadline="2027-06-30")
    process.set(takedown_deadline=None)
    stored = {p.key: p for p in process.cfg.live.refresh().policy_overrides.values()}
    assert stored["takedown_deadline"].value is None and stored["takedown_deadline"].updated_by == "op-1"
    assert process.wf.policy.takedown_deadline is None
