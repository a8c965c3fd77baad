"""The operator's dashboard figures, aggregated by the database, on SQLite and on PostgreSQL.

One known history (`_history`): six filings created on Monday 2026-11-23 10:00, submitted an hour
apart, rejected with known reasons in two provinces, one filed, one left in platform review past its
deadline. Every figure the dashboard shows is checked against what that history must give.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from icpflow.adapters.db.stats_store import SqlStatsUnitOfWork
from icpflow.adapters.db.store import SqlUnitOfWork
from icpflow.bootstrap import load_rejections
from icpflow.domain.dashboard import ReasonCount, StatsFilter
from icpflow.domain.model import Application
from icpflow.domain.regulator import BureauDecision
from icpflow.domain.workflow import State
from icpflow.services import dashboard, face, filings

from .conftest import BEIJING, REVIEWER, START, Desk, filing

HOUR = 3600
PHOTO = "photo_incomplete_or_unclear"
MATERIALS = "materials_inconsistent"


@dataclass
class History:
    zhejiang: list[Application]
    guangdong: Application


def _reject(desk: Desk, app: Application, *codes: str) -> Application:
    reasons = [load_rejections().reason(c) for c in codes]
    current = desk.get(app)
    return filings.platform_reject(desk.wf, app.id, reasons, reviewer=REVIEWER, expected_version=current.version)


def _history(desk: Desk) -> History:
    """Draft stays of 1–6 hours; platform rejections 330000: 2 (photo+materials, photo), 440000: 1 (photo);
    one bureau rejection (materials) and one filing in 330000; one 330000 filing overdue in platform review
    since Thursday 2026-11-26 24:00, the clock left on Friday 2026-11-27 12:00."""
    zhejiang = [desk.new(filing(seq=i)) for i in range(1, 6)]
    guangdong = desk.new(filing("440000", seq=6))
    for app in [*zhejiang, guangdong]:
        desk.clock.advance(hours=1)
        filings.submit(desk.wf, app.id, actor=app.owner, expected_version=desk.get(app).version)
    _reject(desk, zhejiang[0], PHOTO, MATERIALS)
    _reject(desk, zhejiang[1], PHOTO)
    _reject(desk, guangdong, PHOTO)
    for app in zhejiang[2:4]:
        current = desk.get(app)
        filings.platform_approve(desk.wf, app.id, reviewer=REVIEWER, expected_version=current.version)
    desk.sweep()
    for app in zhejiang[2:4]:
        current = desk.get(app)
        filings.verify_sms(desk.wf, app.id, desk.sms_code(app), actor=app.owner, expected_version=current.version)
    desk.sweep()
    rejection = BureauDecision(False, (load_rejections().reason(MATERIALS),))
    filings.apply_bureau_decision(desk.wf, zhejiang[2].id, rejection, actor="operator-1")
    desk.let_bureau_decide(zhejiang[3])
    assert desk.get(zhejiang[3]).state is State.FILED
    desk.clock.set(dt.datetime(2026, 11, 27, 12, 0, tzinfo=BEIJING))
    desk.sweep()  # the platform-review deadline of zhejiang[4] has passed: the worker records the breach
    return History(zhejiang, guangdong)


def _board(desk: Desk, flt: StatsFilter | None = None) -> dashboard.Dashboard:
    return dashboard.dashboard(_stats(desk), desk.clock, flt or StatsFilter())


def _stats(desk: Desk) -> SqlStatsUnitOfWork:
    uow = desk.wf.uow
    assert isinstance(uow, SqlUnitOfWork)
    return SqlStatsUnitOfWork(uow.engine)


def test_filings_are_counted_by_state_and_by_province(desk: Desk) -> None:
    _history(desk)
    board = _board(desk)
    counts = {s.state: s.count for s in board.states}
    assert counts == {"draft": 0, "platform_review": 1, "platform_rejected": 3, "withdrawn": 0,
                      "sms_verification": 0, "sms_expired": 0, "bureau_review": 0, "bureau_rejected": 1,
                      "filed": 1, "cancelled": 0}
    assert board.total == 6 and board.provinces == ["330000", "440000"]
    guangdong = _board(desk, StatsFilter(province="440000"))
    assert {s.state: s.count for s in guangdong.states if s.count} == {"platform_rejected": 1}


def test_the_time_spent_in_a_state_is_the_median_and_p90_of_completed_stays(desk: Desk) -> None:
    _history(desk)
    durations = {d.state: d for d in _board(desk).durations}
    draft = durations["draft"]
    assert (draft.stays, draft.median_seconds, draft.p90_seconds) == (6, 3 * HOUR, 6 * HOUR)  # 1..6 h
    zhejiang = {d.state: d for d in _board(desk, StatsFilter(province="330000")).durations}["draft"]
    assert (zhejiang.stays, zhejiang.median_seconds, zhejiang.p90_seconds) == (5, 3 * HOUR, 5 * HOUR)
    bureau = durations["bureau_review"]  # one rejected at once, one decided after the simulator's 30 min + 1 s
    assert bureau.stays == 2 and bureau.median_seconds == 0 and bureau.p90_seconds == 1801
    assert "filed" not in durations  # nobody has left it


def test_rejections_are_counted_by_province_and_by_reason_code(desk: Desk) -> None:
    _history(desk)
    board = _board(desk)
    assert [(r.province, r.platform, r.bureau) for r in board.rejections] == [("330000", 2, 1), ("440000", 1, 0)]
    assert board.reasons == [ReasonCount("platform", PHOTO, 3), ReasonCount("bureau", MATERIALS, 1),
                             ReasonCount("platform", MATERIALS, 1)]
    guangdong = _board(desk, StatsFilter(province="440000"))
    assert guangdong.reasons == [ReasonCount("platform", PHOTO, 1)]


def test_a_period_filter_counts_only_what_happened_in_it(desk: Desk) -> None:
    _history(desk)
    monday = dt.datetime(2026, 11, 23, tzinfo=BEIJING)
    before = _board(desk, StatsFilter(since=monday - dt.timedelta(days=7), until=monday))
    assert before.total == 0 and before.reasons == [] and before.rejections == [] and before.durations == []
    assert [w.total for w in before.weeks] == [0]
    later = _board(desk, StatsFilter(since=monday + dt.timedelta(days=1)))
    assert later.total == 0 and later.reasons == []  # created and rejected on Monday
    assert [d.state for d in later.durations] == []


def test_sla_breaches_are_shown_now_and_week_by_week(desk: Desk) -> None:
    history = _history(desk)
    board = _board(desk)
    assert board.overdue_counts == {"platform": 1, "bureau": 0}
    [overdue] = board.overdue
    assert overdue.application_id == history.zhejiang[4].id and overdue.stage == "platform"
    assert overdue.appid == history.zhejiang[4].document["program"]["appid"]
    assert overdue.due_at < desk.clock.now()
    assert len(board.weeks) == 8 and board.weeks[-1].start == dt.date(2026, 11, 23)
    assert [(w.platform, w.bureau) for w in board.weeks] == [(0, 0)] * 7 + [(1, 0)]
    # a week later the breach is in the previous week's column
    desk.clock.advance(days=7)
    assert [w.platform for w in _board(desk).weeks] == [0] * 6 + [1, 0]
    assert _board(desk, StatsFilter(province="440000")).overdue_counts == {"platform": 0, "bureau": 0}


def test_a_pending_face_task_is_listed_until_the_simulator_completes_it(desk: Desk) -> None:
    app = desk.new()
    record = face.start(desk.wf, desk.gateway, app.id, actor=app.owner)
    stats = _stats(desk)
    [pending] = dashboard.pending_face_tasks(stats, desk.clock)
    assert pending.application_id == app.id and pending.task_id == record.task_id
    assert pending.appid == app.document["program"]["appid"]
    desk.clock.advance(minutes=6)  # the simulator's shortest delay is 5 minutes
    assert dashboard.pending_face_tasks(stats, desk.clock) == []


@pytest.mark.parametrize(("end", "since", "weeks"), [
    (dt.date(2026, 11, 27), None, [dt.date(2026, 10, 5) + dt.timedelta(weeks=i) for i in range(8)]),
    (dt.date(2026, 11, 27), dt.date(2026, 11, 18), [dt.date(2026, 11, 16), dt.date(2026, 11, 23)]),
    (dt.date(2026, 11, 23), dt.date(2026, 11, 23), [dt.date(2026, 11, 23)]),
    (dt.date(2027, 11, 27), dt.date(2020, 1, 1), [dt.date(2027, 11, 22) - dt.timedelta(weeks=25 - i)
                                                   for i in range(26)]),
])
def test_the_breach_chart_covers_whole_weeks_of_the_period(end: dt.date, since: dt.date | None,
                                                           weeks: list[dt.date]) -> None:
    assert dashboard.week_starts(end, since) == weeks


def test_an_empty_database_gives_an_empty_dashboard(desk: Desk) -> None:
    board = _board(desk)
    assert board.total == 0 and board.durations == [] and board.overdue == [] and board.provinces == []
    assert START.date() == board.weeks[-1].start


def test_a_breach_counts_in_the_week_its_deadline_passed_even_when_recorded_later(desk: Desk) -> None:
    app = desk.new()
    filings.submit(desk.wf, app.id, actor=app.owner, expected_version=app.version)  # due Thursday 2026-11-26
    desk.clock.set(dt.datetime(2026, 12, 9, 12, 0, tzinfo=BEIJING))  # the worker was down for two weeks
    desk.sweep()
    assert [w.platform for w in _board(desk).weeks] == [0] * 5 + [1, 0, 0]  # weeks of 10-19 … 12-07
    after_deadline_week = StatsFilter(since=dt.datetime(2026, 11, 30, tzinfo=BEIJING))
    assert sum(w.total for w in _board(desk, after_deadline_week).weeks) == 0
