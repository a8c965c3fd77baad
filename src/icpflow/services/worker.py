"""The worker's use cases: fire due timers, perform outbox items, flag listed mini-programs for take-down.

Each timer is handled in its own transaction, and outbox items in batches of one transaction each
(`process_outbox`), that claims them (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so several workers share
the load) and records their effect together with "done".
A worker killed at any point leaves the item unclaimed and uncommitted: another worker does it again,
and the effect counts once because every effect is keyed (outbox keys, inbox keys, SMS per attempt,
state transitions guarded by the transition table and the timer's payload).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import structlog

from ..domain.errors import ConcurrentUpdate
from ..domain.model import Application, EventRecord, InboxMessage, OutboxItem, SmsInboxEntry, Timer, TimerKind
from ..domain.notifications import Channel, DeliveryFailed, Notification, Notifier, next_attempt_at
from ..domain.pii import mask_text
from ..domain.regulator import BureauDecision, RegulatorGateway, RejectionReason
from ..domain.workflow import Event, IllegalTransition, State
from .filings import apply_bureau_decision
from .notify import OPERATORS, alert_operators
from .ports import Store
from .workflow import Workflow, _apply


@dataclass(slots=True)
class SweepResult:
    timers: int = 0
    outbox: int = 0
    failures: list[str] = field(default_factory=list)


# ----- timers ----------------------------------------------------------------------------------------

def _fire(wf: Workflow, store: Store, timer: Timer, now: dt.datetime) -> str:
    """The effect of one due timer; a timer whose moment has passed (state moved on) does nothing."""
    app = store.get_application(timer.application_id, lock=True)
    kind, state = timer.kind, app.state
    if kind is TimerKind.SMS_EXPIRY and state is State.SMS_VERIFICATION \
            and timer.payload.get("attempt") == app.sms_attempt:
        _apply(wf, store, app, Event.SMS_EXPIRE, "system:timer", now)
        return "sms_expired"
    if kind is TimerKind.PLATFORM_REVIEW_DUE and state is State.PLATFORM_REVIEW:
        alert_operators(store, app, "平台初审已超过期限", now)
        store.append_event(_alert_event(app, "platform_review_overdue", now))
        return "alert"
    if kind is TimerKind.BUREAU_REVIEW_DUE and state is State.BUREAU_REVIEW:
        alert_operators(store, app, "管局审核已超过 20 个工作日", now)
        store.append_event(_alert_event(app, "bureau_review_overdue", now))
        return "alert"
    if kind is TimerKind.BUREAU_DECISION and state is State.BUREAU_REVIEW \
            and timer.payload.get("reference") == app.gateway_reference:
        decision = BureauDecision(
            approved=bool(timer.payload["approved"]),
            reasons=tuple(RejectionReason(**r) for r in timer.payload.get("reasons", [])),
            number=timer.payload.get("number"),
        )
        apply_bureau_decision(wf, app.id, decision, actor=f"regulator:{app.gateway}", store=store)
        return "decided"
    return "stale"


def _alert_event(app: Application, what: str, now: dt.datetime) -> EventRecord:
    due = app.due_at.isoformat() if app.due_at else ""
    return EventRecord(app.id, what, app.state.value, app.state.value, "system:timer", now, {"due_at": due})


def fire_due_timers(wf: Workflow, *, limit: int = 500) -> int:
    """Fire up to `limit` due timers, one transaction each. Returns how many were handled.

    A timer whose application moved on (the transition table refuses the event) is spent. One that lost a
    race (`ConcurrentUpdate`) is rolled back and left due, so the next pass judges it against the new
    state. Anything unexpected is rolled back too, and the timer is then retired with the error in the
    application's history, so one bad timer cannot stall the sweep.
    """
    handled = 0
    while handled < limit:
        now = wf.clock.now()
        failed: tuple[Timer, str] | None = None
        with wf.uow() as store:
            claimed = store.claim_due_timers(now, 1)
            if not claimed:
                return handled
            timer = claimed[0]
            try:
                _fire(wf, store, timer, now)
            except IllegalTransition:
                pass  # the application moved on: the timer is spent, nothing was written
            except ConcurrentUpdate:
                handled += 1
                continue  # rolled back on leaving the block; due again on the next pass
            except Exception as exc:  # rolled back on leaving the block; retired below
                failed = (timer, mask_text(f"{type(exc).__name__}: {exc}"))  # history is no place for PII
            if failed is None:
                store.mark_timer_fired(timer.id, now)
                store.commit()
        if failed is not None:
            _retire_timer(wf, *failed, now)
        handled += 1
    return handled


def _retire_timer(wf: Workflow, timer: Timer, error: str, now: dt.datetime) -> None:
    structlog.get_logger("icpflow.worker").error("定时器处理失败，已停用", timer=timer.id, kind=timer.kind.value,
                                                 application_id=timer.application_id, error=error)
    with wf.uow() as store:
        store.mark_timer_fired(timer.id, now)
        app = store.get_application(timer.application_id)
        store.append_event(EventRecord(app.id, "timer_failed", app.state.value, app.state.value, "system:timer",
                                       now, {"timer": timer.kind.value, "error": error[:500]}))
        store.commit()


# ----- the outbox --------------------------------------------------------------------------------------

def _inbox_message(item: OutboxItem, now: dt.datetime) -> InboxMessage | None:
    """The in-site message an outbox item stands for, or None when it is something else."""
    payload = item.payload
    if item.kind != "notify" or payload.get("channel") != Channel.INBOX.value:
        return None
    return InboxMessage(item.key, payload["recipient"], payload["subject"], payload["body"], now,
                        payload.get("application_id", ""))


def _deliver(item: OutboxItem, notifiers: Mapping[Channel, Notifier]) -> None:
    """A notification through an outside channel (e-mail, SMS, webhook): no database write."""
    payload = item.payload
    notifier = notifiers.get(Channel(payload["channel"]))
    if notifier is None:
        return  # the channel is not configured on this platform: nothing to send
    notifier.deliver(Notification(item.key, Channel(payload["channel"]), payload["recipient"], payload["subject"],
                                  payload["body"], payload.get("payload", {})))


def _perform(wf: Workflow, store: Store, item: OutboxItem, gateway: RegulatorGateway,
             notifiers: Mapping[Channel, Notifier], now: dt.datetime) -> None:
    if item.kind == "notify":
        message = _inbox_message(item, now)
        if message is not None:
            store.add_inbox_message(message)
        else:
            _deliver(item, notifiers)
        return
    _call_regulator(store, item, gateway, now)


def _call_regulator(store: Store, item: OutboxItem, gateway: RegulatorGateway, now: dt.datetime) -> None:
    payload = item.payload
    app = store.get_application(payload["application_id"], lock=True)
    if payload.get("attempt") != app.sms_attempt:
        return  # a newer attempt superseded this call
    if item.kind == "regulator_sms" and app.state is State.SMS_VERIFICATION:
        phones = _principal_mobiles(app.document)
        for message in gateway.send_sms(app.id, phones, app.sms_attempt, now):
            store.add_sms(SmsInboxEntry(app.id, message.phone, message.text, message.code, app.sms_attempt,
                                        message.sent_at, gateway.is_simulator))
        if gateway.is_simulator:
            store.add_inbox_message(InboxMessage(
                f"sms-sent:{app.id}:{app.sms_attempt}", app.owner, "【模拟】工信部核验短信已发送",
                "模拟器已向负责人手机发送核验短信，可在“短信收件箱（模拟）”中查看验证码，24 小时内有效。", now, app.id))
    elif item.kind == "regulator_submit" and app.state is State.BUREAU_REVIEW:
        submission = gateway.submit_to_bureau(app.id, app.province, app.document, now)
        app.gateway_reference = submission.reference
        store.save_application(app, app.version)
        if submission.planned is not None:
            decision = submission.planned.decision
            store.add_timer(Timer(str(uuid.uuid4()), app.id, TimerKind.BUREAU_DECISION, submission.planned.due_at, {
                "reference": submission.reference, "approved": decision.approved, "number": decision.number,
                "reasons": [{"code": r.code, "message": r.message, "field": r.field, "source": r.source}
                            for r in decision.reasons],
            }))


def _principal_mobiles(document: dict[str, Any]) -> list[str]:
    phones: list[str] = []
    for section in ("subject", "program"):
        person = (document.get(section) or {}).get("principal")
        if isinstance(person, dict) and person.get("mobile") and person["mobile"] not in phones:
            phones.append(str(person["mobile"]))
    return phones


#: outbox items one worker transaction claims and records together, by default (the default of
#: `ICPFLOW_WORKER_BATCH` in config.py too; a test checks they agree):
#: every state change makes three or more notifications, and one transaction each cost the claim, the
#: record and the commit (three round trips) per item
OUTBOX_BATCH = 50


def _settle(item: OutboxItem, error: tuple[str, bool] | None, now: dt.datetime) -> dt.datetime | None:
    """Records the attempt on the item: done, or due again later (returned), or given up."""
    if error is None:
        item.done_at = now
        item.last_error = ""
        return None
    reason, permanent = error
    retry = None if permanent else next_attempt_at(item.attempts, now)
    item.last_error = reason
    if retry is None:
        item.failed_at = now
    else:
        item.available_at = retry
    return retry


def _failed(item: OutboxItem, retry: dt.datetime | None) -> str:
    structlog.get_logger("icpflow.worker").warning(
        "发件箱投递失败" if retry is None else "发件箱投递失败，稍后重试", key=item.key, kind=item.kind,
        attempts=item.attempts, error=item.last_error, retry_at=retry.isoformat() if retry else None)
    return f"{item.key}: {item.last_error}"


def _attempt(work: Callable[[], None]) -> tuple[str, bool] | None:
    """Runs `work()`; a failure as (masked reason, permanent)."""
    try:
        work()
    except DeliveryFailed as exc:
        return mask_text(exc.reason), exc.permanent
    except Exception as exc:
        return mask_text(f"{type(exc).__name__}: {exc}"), False
    return None


def _process_batch(wf: Workflow, gateway: RegulatorGateway, notifiers: Mapping[Channel, Notifier],
                   size: int) -> tuple[int, list[str]] | None:
    """Claims up to `size` due items and performs them in one transaction; None when none is due.

    The order keeps what cannot be undone last: regulator calls first, each in a savepoint (a failure
    rolls back that item's writes only), then the in-site messages in one statement, then the outside
    deliveries (e-mail, SMS, webhooks: no database writes), then every item's attempt in one statement and
    the commit. A database error before the outside deliveries leaves nothing delivered twice: the caller
    does the batch again one item at a time. After them, only the final statement and the commit can
    fail: those deliveries are made again, with the same key, as when a one-item transaction's commit fails.
    """
    now = wf.clock.now()
    retries: list[tuple[OutboxItem, dt.datetime | None]] = []
    with wf.uow() as store:
        claimed = store.claim_outbox(now, size)
        if not claimed:
            return None
        messages: list[InboxMessage] = []
        outside: list[OutboxItem] = []
        for item in claimed:
            item.attempts += 1
            if item.kind == "notify":
                message = _inbox_message(item, now)
                if message is None:
                    outside.append(item)
                else:
                    messages.append(message)
                    _settle(item, None, now)
                continue

            def call(item: OutboxItem = item) -> None:
                with store.savepoint():
                    _call_regulator(store, item, gateway, now)
            if (error := _attempt(call)) is not None:
                retries.append((item, _settle(item, error, now)))
            else:
                _settle(item, None, now)
        store.add_inbox_messages(messages)
        for item in outside:
            if (error := _attempt(partial(_deliver, item, notifiers))) is not None:
                retries.append((item, _settle(item, error, now)))
            else:
                _settle(item, None, now)
        store.finish_outboxes(claimed)
        store.commit()
    return len(claimed) - len(retries), [_failed(item, retry) for item, retry in retries]


def _process_one(wf: Workflow, gateway: RegulatorGateway, notifiers: Mapping[Channel, Notifier]
                 ) -> tuple[int, list[str]] | None:
    """Claims one due item and performs it in a transaction of its own; None when none is due. An
    unexpected error rolls back whatever the item wrote and counts as a failed attempt, recorded in a
    transaction of its own."""
    now = wf.clock.now()
    with wf.uow() as store:
        claimed = store.claim_outbox(now, 1)
        if not claimed:
            return None
        item = claimed[0]
        item.attempts += 1
        error = _attempt(lambda: _perform(wf, store, item, gateway, notifiers, now))
        if error is None:
            _settle(item, None, now)
            store.finish_outbox(item)
            store.commit()
            return 1, []
    retry = _settle(item, error, now)
    with wf.uow() as store:
        store.finish_outbox(item)
        store.commit()
    return 0, [_failed(item, retry)]


def process_outbox(wf: Workflow, gateway: RegulatorGateway, notifiers: Mapping[Channel, Notifier], *,
                   limit: int = 200, batch: int = OUTBOX_BATCH) -> tuple[int, list[str]]:
    """Perform up to `limit` due outbox items, `batch` per transaction. Returns (done, failure messages).

    A failed delivery is retried with backoff (`next_attempt_at`) and given up after MAX_ATTEMPTS; a
    permanent one is given up at once. When a batch's transaction fails as a whole (an item's in-site
    message cannot be stored, say), it is rolled back and its items are done again one per transaction,
    so one bad item never holds up the others.
    """
    done = 0
    failures: list[str] = []
    while (left := limit - done - len(failures)) > 0:
        size = min(batch, left)
        try:
            outcome = _process_batch(wf, gateway, notifiers, size)
        except Exception as exc:  # rolled back: nothing of the batch was recorded
            structlog.get_logger("icpflow.worker").warning(
                "发件箱批量处理失败，逐条重做", error=mask_text(f"{type(exc).__name__}: {exc}"), items=size)
            outcome = _process_singly(wf, gateway, notifiers, size)
        if outcome is None:
            break
        done += outcome[0]
        failures += outcome[1]
    return done, failures


def _process_singly(wf: Workflow, gateway: RegulatorGateway, notifiers: Mapping[Channel, Notifier],
                    size: int) -> tuple[int, list[str]] | None:
    done, failures = 0, list[str]()
    for _ in range(size):
        outcome = _process_one(wf, gateway, notifiers)
        if outcome is None:
            return (done, failures) if done or failures else None
        done += outcome[0]
        failures += outcome[1]
    return done, failures


def sweep(wf: Workflow, gateway: RegulatorGateway, notifiers: Mapping[Channel, Notifier], *,
          batch: int = OUTBOX_BATCH) -> SweepResult:
    """One pass of the worker: timers first (they write outbox rows), then the outbox."""
    result = SweepResult()
    result.timers = fire_due_timers(wf)
    result.outbox, result.failures = process_outbox(wf, gateway, notifiers, batch=batch)
    return result


# ----- take-down of listed mini-programs without a filing ---------------------------------------------

def flag_takedowns(wf: Workflow, *, limit: int = 1000) -> int:
    """Listed (存量) mini-programs still without a number: notices before the platform's deadline, a
    take-down flag (下线处理) after it (seed 000 §备案前: 逾期未完成备案，平台将…进行下线处理)."""
    policy = wf.policy.in_force()  # the deadline and the notice period of one version
    deadline = policy.takedown_deadline
    if deadline is None:
        return 0
    now = wf.clock.now()
    today = wf.clock.today()
    days_left = (deadline - today).days
    if days_left > policy.takedown_notice_days:
        return 0
    count = 0
    with wf.uow() as store:
        for program in store.listed_programs_without_record(limit):
            if days_left >= 0:
                key = f"takedown-notice:{program.id}:{today.isoformat()}"
                subject = f"存量小程序备案提醒：剩余 {days_left} 天"
                body = (f"小程序“{program.name}”（{program.appid}）尚未取得 ICP 备案号。请在 {deadline} 前完成备案，"
                        "逾期平台将对小程序进行下线处理。")
            else:
                key = f"takedown:{program.id}"
                subject = "存量小程序已逾期未备案：下线处理"
                body = f"小程序“{program.name}”（{program.appid}）在 {deadline} 前未完成 ICP 备案，已标记下线处理。"
            if store.add_outbox(OutboxItem(key, "notify", {"channel": Channel.INBOX.value, "recipient": program.owner,
                                                           "subject": subject, "body": body}, now)):
                count += 1
                if days_left < 0:
                    store.add_outbox(OutboxItem(f"{key}:operators", "notify", {
                        "channel": Channel.INBOX.value, "recipient": OPERATORS, "subject": subject, "body": body,
                    }, now))
        store.commit()
    return count
