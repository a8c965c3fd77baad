"""The filing workflow's wiring and its one way of moving an application: `Workflow` (what every use case
needs, built once by bootstrap), the platform's policy (平台策略), and `_apply` / `_transition`, which advance
an application through the transition table (`domain.workflow.advance`) and apply the event's effects.

Each use case opens one transaction, loads the application, asks the transition table what the event
does, applies its effects (timers, outbox rows, records), saves with a version check and commits. Side
effects — notifications, regulator calls — are outbox rows written in the same transaction and performed
by the worker after commit. The use cases are in drafts.py, platform_review.py, regulator_review.py and
filings.py, which re-exports them all.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..domain.calendar import BEIJING, WorkingCalendar
from ..domain.deadlines import DeadlinePolicy, bureau_review_due, platform_review_due, sms_expires_at
from ..domain.errors import ConcurrentUpdate, NotOwner
from ..domain.model import Application, EventRecord, OutboxItem, Timer, TimerKind
from ..domain.rules.engine import Checker
from ..domain.workflow import Event, Situation, State, Transition, advance
from . import records
from .notify import notify_state_change
from .ports import Clock, Store, UnitOfWork
from .precheck import ImageProbe


@dataclass(frozen=True, slots=True)
class PlatformPolicy:
    """The platform's own policy (平台策略), set by operators."""

    withdraw_allowed: bool = True  # WeChat: until the platform review ends; Douyin: never (seed 004 §二 2)
    daily_quota: int = 0  # listed (存量) mini-programs per day, 0 = unlimited (seed 003 §二(一))
    quota_refresh_hour: int = 10  # the quota refreshes at 10:00 Asia/Shanghai (seed 003 §二(一))
    takedown_deadline: dt.date | None = None  # listed mini-programs without a number after this day go offline
    takedown_notice_days: int = 14
    #: submission needs a passed face-verification task (True), or trusts the document's flag (False)
    face_task_required: bool = True

    def in_force(self) -> PlatformPolicy:
        """The policy in force now: this one. The live policy (services/live_config.py) answers with its
        current snapshot, so a use case reading several fields reads them from one version."""
        return self


@dataclass(frozen=True, slots=True)
class Workflow:
    """Everything the use cases need, built once by bootstrap."""

    uow: UnitOfWork
    clock: Clock
    checker: Checker
    calendar: WorkingCalendar
    deadlines: DeadlinePolicy
    policy: PlatformPolicy
    gateway_name: str = "simulator"
    #: measures uploaded attachments (`stored:<id>`) for the pre-check before submission; None = the
    #: document's own width/height are judged
    probe: ImageProbe | None = None


def _now(wf: Workflow) -> dt.datetime:
    return wf.clock.now().astimezone(BEIJING)


def _situation(wf: Workflow, app: Application) -> Situation:
    return Situation(
        is_cancellation=app.kind.is_cancellation,
        withdraw_allowed=wf.policy.withdraw_allowed,
        sms_resends_left=app.sms_resends_left,
    )


def _check_version(app: Application, expected_version: int | None) -> None:
    """The caller acted on the version it saw; a newer one means someone else acted first."""
    if expected_version is not None and expected_version != app.version:
        raise ConcurrentUpdate(app.id, expected_version)


def _check_owner(app: Application, actor: str, *, staff: bool) -> None:
    if not staff and app.owner != actor:
        raise NotOwner("备案申请", app.id)


def _record_event(store: Store, app: Application, event: str, before: State, actor: str, now: dt.datetime,
                  **data: Any) -> None:
    store.append_event(EventRecord(app.id, event, before.value, app.state.value, actor, now, data))


def _apply(wf: Workflow, store: Store, app: Application, event: Event, actor: str, now: dt.datetime,
           *, expected_version: int | None = None, **data: Any) -> Transition:
    """Advance `app` by `event`: the transition's effects on timers, then save, history, notifications."""
    _check_version(app, expected_version)
    transition = advance(app.state, event, _situation(wf, app))
    before = app.state
    app.state = transition.target
    app.updated_at = now
    effects = transition.effects
    if effects.clear_timers:
        store.cancel_timers(app.id, now)
        app.due_at = None
    if effects.start_platform_review:
        app.submitted_at = now
        app.reasons = []
        app.due_at = platform_review_due(now, wf.calendar, wf.deadlines)
        store.add_timer(Timer(str(uuid.uuid4()), app.id, TimerKind.PLATFORM_REVIEW_DUE, app.due_at))
    if effects.start_sms:
        if effects.consume_resend:
            app.sms_resends_left -= 1
        app.sms_attempt += 1
        app.due_at = sms_expires_at(now, wf.deadlines)
        store.add_timer(Timer(str(uuid.uuid4()), app.id, TimerKind.SMS_EXPIRY, app.due_at,
                              {"attempt": app.sms_attempt}))
        store.add_outbox(OutboxItem(f"regulator_sms:{app.id}:{app.sms_attempt}", "regulator_sms",
                                    {"application_id": app.id, "attempt": app.sms_attempt}, now))
    if effects.start_bureau_review:
        app.due_at = bureau_review_due(now, wf.calendar, wf.deadlines)
        store.add_timer(Timer(str(uuid.uuid4()), app.id, TimerKind.BUREAU_REVIEW_DUE, app.due_at))
        store.add_outbox(OutboxItem(f"regulator_submit:{app.id}:{app.sms_attempt}", "regulator_submit",
                                    {"application_id": app.id, "attempt": app.sms_attempt}, now))
    if effects.issue_record:
        records.issue(store, app, now, wf.checker.regions.abbreviation(app.province))
        data["number"] = app.issued_number  # the number just issued, not the one known before (often none)
    store.save_application(app, app.version if expected_version is None else expected_version)
    _record_event(store, app, event.value, before, actor, now, **data)
    notify_state_change(store, app, before, now)
    return transition


def _transition(wf: Workflow, application_id: str, event: Event, actor: str, expected_version: int, *,
                owner_only: bool, check: Callable[[Store], None] | None = None, **data: Any) -> Application:
    """A use case that is nothing but one event: load, check the actor, apply, commit. `check` runs in the
    same transaction, before the event (a reviewer's claim, say), so nothing changes between the two."""
    now = _now(wf)
    with wf.uow() as store:
        app = store.get_application(application_id, lock=check is not None)
        if owner_only:
            _check_owner(app, actor, staff=False)
        if check is not None:
            check(store)
        _apply(wf, store, app, event, actor, now, expected_version=expected_version, **data)
        store.commit()
        return app
