"""Operator configuration applied live across processes, on SQLite and PostgreSQL: a change made by one
process reaches another after the refresh interval (and not before), without a query per use; the
database applies on top of the files; a new deadline uses the new calendar, a stored one stays."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from icpflow.adapters.db import tables
from icpflow.adapters.db.config_store import SqlConfigStore, SqlConfigUnitOfWork
from icpflow.adapters.db.store import SqlUnitOfWork
from icpflow.bootstrap import build_live_config, build_policy, load_regions, load_scanner
from icpflow.config import Settings
from icpflow.domain.config import HolidayKind
from icpflow.domain.deadlines import DeadlinePolicy
from icpflow.domain.enums import Severity
from icpflow.domain.parsing import parse_mapping
from icpflow.services import config, filings
from icpflow.services.config import Configuration
from icpflow.services.filings import PlatformPolicy, Workflow
from icpflow.services.live_config import LiveCalendar, LiveChecker, LiveConfig
from icpflow.testing import SteppingClock, fixed_cipher, make_filing

from .conftest import BEIJING, FILER, START

RULE = "nationwide.emergency_phone_differs"
TTL = Settings().config_refresh_seconds


class Ticker:
    """A monotonic clock the test moves (the refresh interval is measured on it)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Process:
    """One icpflow process (an API server or a worker) on the shared database."""

    cfg: Configuration
    wf: Workflow
    ticker: Ticker

    @property
    def live(self) -> LiveConfig:
        return self.cfg.live

    def fired(self, doc: dict[str, Any], on: str = "2026-11-23") -> set[str]:
        report = self.wf.checker.check(parse_mapping(doc), judged_on=dt.date.fromisoformat(on))
        return {f.rule for f in report.findings}


def _process(engine: Engine, clock: SteppingClock, settings: Settings | None = None) -> Process:
    settings = settings or Settings()
    ticker = Ticker()
    live = build_live_config(settings, engine, ticker=ticker)
    wf = Workflow(uow=SqlUnitOfWork(engine, fixed_cipher()), clock=clock,
                  checker=LiveChecker(live, load_regions(), load_scanner(), build_policy(settings)),
                  calendar=LiveCalendar(live), deadlines=DeadlinePolicy(),
                  policy=PlatformPolicy(face_task_required=False), gateway_name="simulator")
    return Process(Configuration(SqlConfigUnitOfWork(engine), clock, live), wf, ticker)


def _phones_shared(on: str = "2026-11-23") -> dict[str, Any]:
    doc = make_filing("330000", submitted_on=on)
    doc.pop("submitted_on")
    principal = doc["subject"]["principal"]  # type: ignore[index]
    principal["emergency_phone"] = principal["mobile"]  # type: ignore[index]
    return doc


def test_a_change_reaches_another_process_after_the_refresh_interval_and_not_before(engine: Engine) -> None:
    clock = SteppingClock(START)
    api, worker = _process(engine, clock), _process(engine, clock)
    assert RULE in worker.fired(_phones_shared())

    config.set_rule_override(api.cfg, RULE, actor="op-1", enabled=False, note="管局取消")
    assert RULE not in api.fired(_phones_shared())  # the process that made the change: at once
    worker.ticker.now += TTL - 0.5
    assert RULE in worker.fired(_phones_shared())  # the other: not before the interval …
    worker.ticker.now += 1
    assert RULE not in worker.fired(_phones_shared())  # … and after it

    config.clear_rule_override(api.cfg, RULE, actor="op-1")
    worker.ticker.now += TTL
    assert RULE in worker.fired(_phones_shared())


def test_a_holiday_reaches_another_process_after_the_refresh_interval(engine: Engine) -> None:
    clock = SteppingClock(START)
    api, worker = _process(engine, clock), _process(engine, clock)
    day = dt.date(2027, 3, 3)
    assert worker.wf.calendar.is_working_day(day)
    config.set_holidays(api.cfg, [(day, HolidayKind.HOLIDAY, "测试假日")], actor="op-1")
    assert worker.wf.calendar.is_working_day(day)
    worker.ticker.now += TTL
    assert not worker.wf.calendar.is_working_day(day)


class CountingReader:
    """The configuration store, counting how often it is opened; `broken` makes it fail like a lost database."""

    def __init__(self, engine: Engine) -> None:
        self.inner = SqlConfigUnitOfWork(engine)
        self.opened = 0
        self.broken = False

    @contextmanager
    def __call__(self) -> Iterator[SqlConfigStore]:
        self.opened += 1
        if self.broken:
            raise sa.exc.OperationalError("SELECT count(*) FROM config_changes", {}, Exception("connection lost"))
        with self.inner() as store:
            yield store


def test_the_database_is_asked_at_most_once_per_interval_and_nothing_is_rebuilt_without_a_change(
        engine: Engine) -> None:
    base = build_live_config(Settings(), engine)
    reader = CountingReader(engine)
    ticker = Ticker()
    live = LiveConfig(reader, rules=base._rules, known_checks=base._known_checks, file_overrides=None, file_origin="",
                      holidays=base.base_holidays, ttl=TTL, ticker=ticker)
    first = live.current()
    for _ in range(100):
        assert live.current() is first
    assert reader.opened == 1
    ticker.now += TTL
    assert live.current() is first  # asked again, nothing changed: the same snapshot, caches kept
    assert reader.opened == 2

    writer = _process(engine, SteppingClock(START))
    config.set_year_complete(writer.cfg, 2027, True, actor="op-1")
    ticker.now += TTL
    assert live.current() is not first
    assert live.current().calendar.year_status(2027) == "operator"


def test_a_new_deadline_uses_the_new_calendar_and_a_stored_one_is_not_recomputed(engine: Engine) -> None:
    monday = dt.datetime(2027, 3, 1, 10, 0, tzinfo=BEIJING)  # 2027: chinese-calendar has no data
    clock = SteppingClock(monday)
    api, worker = _process(engine, clock), _process(engine, clock)

    def submitted(seq: int) -> dt.datetime:
        doc = make_filing("330000", submitted_on="2027-03-01", seq=seq)
        doc.pop("submitted_on")
        app = filings.create_application(worker.wf, owner=FILER, document=doc)
        app = filings.submit(worker.wf, app.id, actor=FILER, expected_version=app.version)
        assert app.due_at is not None
        return app.due_at

    before = submitted(1)
    assert before.astimezone(BEIJING).date() == dt.date(2027, 3, 4)  # 3 working days: Tue, Wed, Thu
    config.set_holidays(api.cfg, [(dt.date(2027, 3, 3), HolidayKind.HOLIDAY, "测试假日")], actor="op-1")
    worker.ticker.now += TTL
    assert submitted(2).astimezone(BEIJING).date() == dt.date(2027, 3, 5)  # Wednesday is now a day off
    with worker.wf.uow() as store:
        stored = [a.due_at for a in store.list_applications(owner=FILER)]
    assert before in stored  # the first deadline stays as it was computed


def test_the_database_applies_on_top_of_the_override_file_field_by_field(engine: Engine, tmp_path: Path) -> None:
    file = tmp_path / "overrides.toml"
    file.write_text(f'[rules."{RULE}"]\nseverity = "warning"\nreason = "文件覆盖"\n', encoding="utf-8")
    process = _process(engine, SteppingClock(START), Settings(rules_override_file=file))
    assert process.wf.checker.catalogue.by_id[RULE].severity == "warning"

    config.set_rule_override(process.cfg, RULE, actor="op-1", effective_from=dt.date(2027, 1, 1), note="明年起")
    rule = process.wf.checker.catalogue.by_id[RULE]
    assert (rule.severity, rule.effective_from) == ("warning", dt.date(2027, 1, 1))  # the file's, the database's
    assert "明年起" in rule.overridden
    config.set_rule_override(process.cfg, RULE, actor="op-1", severity=Severity.ERROR, note="恢复为错误")
    assert process.wf.checker.catalogue.by_id[RULE].severity == "error"
    config.clear_rule_override(process.cfg, RULE, actor="op-1")
    rule = process.wf.checker.catalogue.by_id[RULE]
    assert (rule.severity, rule.overridden) == ("warning", "文件覆盖")


def test_a_database_entry_replaces_the_holiday_files_answer_for_its_day(engine: Engine, tmp_path: Path) -> None:
    file = tmp_path / "holidays.toml"
    file.write_text('[workdays.2027]\n"2027-02-06" = "春节调休（文件）"\n', encoding="utf-8")
    process = _process(engine, SteppingClock(START), Settings(holiday_file=file))
    saturday = dt.date(2027, 2, 6)
    assert process.wf.calendar.is_working_day(saturday)
    config.set_holidays(process.cfg, [(saturday, HolidayKind.HOLIDAY, "更正")], actor="op-1")
    assert not process.wf.calendar.is_working_day(saturday)
    config.remove_holiday(process.cfg, saturday, actor="op-1")
    assert process.wf.calendar.is_working_day(saturday)


def test_an_override_of_a_rule_the_catalogue_no_longer_has_is_left_out(engine: Engine) -> None:
    with engine.begin() as conn:  # e.g. a rule retired by a deploy after it was overridden
        conn.execute(tables.rule_overrides.insert().values(
            rule_id="province.retired.rule", enabled=False, note="旧", updated_by="op-1", updated_at=START))
        conn.execute(tables.config_changes.insert().values(
            at=START, account_id="op-1", kind="rule_override", target="province.retired.rule", action="set",
            before=None, after={"enabled": False}, note="旧"))
    process = _process(engine, SteppingClock(START))
    config.set_rule_override(process.cfg, RULE, actor="op-1", enabled=False, note="停用")
    assert RULE not in process.fired(_phones_shared())
    assert "province.retired.rule" not in process.wf.checker.catalogue.by_id


def test_a_database_failure_keeps_the_configuration_in_force(engine: Engine) -> None:
    writer = _process(engine, SteppingClock(START))
    config.set_rule_override(writer.cfg, RULE, actor="op-1", enabled=False, note="停用")
    base = writer.live
    reader = CountingReader(engine)
    ticker = Ticker()
    live = LiveConfig(reader, rules=base._rules, known_checks=base._known_checks, file_overrides=None, file_origin="",
                      holidays=base.base_holidays, ttl=TTL, ticker=ticker)
    assert live.current().catalogue.by_id[RULE].enabled is False
    reader.broken = True
    ticker.now += TTL
    assert live.current().catalogue.by_id[RULE].enabled is False  # the last good configuration, no exception
    assert reader.opened == 2
    reader.broken = False
    config.clear_rule_override(writer.cfg, RULE, actor="op-1")
    ticker.now += TTL  # tried again after the interval
    assert live.current().catalogue.by_id[RULE].enabled is True
