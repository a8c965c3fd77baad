"""The worker's failure handling, in-process on SQLite and PostgreSQL: retries at the backoff times,
permanent failures, rollback of unexpected errors, once-per-key delivery, and stale timers."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine, Row

from icpflow.adapters.db import tables as t
from icpflow.domain.model import Application, Timer, TimerKind
from icpflow.domain.notifications import Channel, DeliveryFailed, Notification
from icpflow.domain.regulator import SmsMessage
from icpflow.domain.workflow import State
from icpflow.services import filings, worker

from .conftest import FILER, REVIEWER, Desk, RecordingNotifier


class FailingNotifier:
    """Fails its first `failures` calls with `error`, then delivers."""

    def __init__(self, channel: Channel, error: Exception, failures: int = 1_000_000) -> None:
        self.channel = channel
        self.error = error
        self.failures = failures
        self.calls: list[str] = []
        self.delivered: list[str] = []

    def deliver(self, notification: Notification) -> None:
        self.calls.append(notification.key)
        if self.failures > 0:
            self.failures -= 1
            raise self.error
        self.delivered.append(notification.key)


class CrashingGateway:
    """The simulator, except that its SMS call dies after the first message has been handed over."""

    def __init__(self, desk: Desk) -> None:
        self.inner = desk.gateway
        self.name = desk.gateway.name
        self.is_simulator = desk.gateway.is_simulator

    def send_sms(self, application_id: str, phones: Sequence[str], attempt: int,
                 now: dt.datetime) -> Iterator[SmsMessage]:
        yield from self.inner.send_sms(application_id, phones, attempt, now)[:1]
        raise RuntimeError("connection reset by peer")

    def submit_to_bureau(self, *args: Any) -> Any:
        return self.inner.submit_to_bureau(*args)


def _item(engine: Engine, key_pattern: str) -> Row[Any]:
    with engine.connect() as conn:
        rows = conn.execute(sa.select(t.outbox).where(t.outbox.c.key.like(key_pattern))).all()
    assert len(rows) == 1, [r.key for r in rows]
    return rows[0]


def _submitted(desk: Desk) -> Application:
    app = desk.new()
    return filings.submit(desk.wf, app.id, actor=FILER, expected_version=app.version)


def test_a_retryable_failure_is_retried_at_the_backoff_times_and_done_on_the_third_attempt(
        desk: Desk, engine: Engine) -> None:
    email = FailingNotifier(Channel.EMAIL, DeliveryFailed("SMTP 服务器暂时不可用"), failures=2)
    desk.notifiers[Channel.EMAIL] = email
    app = _submitted(desk)
    key = f"notify:{app.id}:%:email"

    first = desk.clock.now()
    assert any("SMTP 服务器暂时不可用" in f for f in desk.sweep().failures)
    item = _item(engine, key)
    assert (item.attempts, item.available_at, item.done_at, item.failed_at) == (1, first + dt.timedelta(seconds=30),
                                                                                 None, None)
    assert item.last_error == "SMTP 服务器暂时不可用"
    desk.clock.advance(seconds=29)
    desk.sweep()
    assert len(email.calls) == 1  # not before its time

    second = desk.clock.advance(seconds=1)
    desk.sweep()
    item = _item(engine, key)
    assert len(email.calls) == 2
    assert (item.attempts, item.available_at, item.done_at) == (2, second + dt.timedelta(minutes=1), None)
    desk.clock.advance(seconds=59)
    desk.sweep()
    assert len(email.calls) == 2

    third = desk.clock.advance(seconds=1)
    assert desk.sweep().failures == []
    item = _item(engine, key)
    assert (item.attempts, item.done_at, item.failed_at, item.last_error) == (3, third, None, "")
    assert len(email.delivered) == 1
    desk.clock.advance(hours=2)
    desk.sweep()
    assert len(email.calls) == 3


def test_a_permanent_failure_gives_the_item_up_at_once(desk: Desk, engine: Engine) -> None:
    sms = FailingNotifier(Channel.SMS, DeliveryFailed("号码已停机", permanent=True))
    desk.notifiers[Channel.SMS] = sms
    app = _submitted(desk)

    failures = desk.sweep().failures
    assert len(failures) == 1 and "号码已停机" in failures[0]
    item = _item(engine, f"notify:{app.id}:%:sms")
    assert (item.attempts, item.failed_at, item.done_at, item.last_error) == (1, desk.clock.now(), None, "号码已停机")
    desk.clock.advance(hours=2)
    assert desk.sweep().failures == []
    assert len(sms.calls) == 1
    assert _item(engine, f"notify:{app.id}:%:inbox").done_at is not None  # the other channels went out


def test_an_unexpected_error_in_a_notifier_is_rolled_back_and_retried(desk: Desk, engine: Engine) -> None:
    email = FailingNotifier(Channel.EMAIL, RuntimeError("connection pool exhausted"), failures=1)
    desk.notifiers[Channel.EMAIL] = email
    app = _submitted(desk)

    failures = desk.sweep().failures
    assert len(failures) == 1 and "RuntimeError: connection pool exhausted" in failures[0]
    item = _item(engine, f"notify:{app.id}:%:email")
    assert (item.attempts, item.done_at, item.failed_at) == (1, None, None)  # an attempt, not given up
    assert item.available_at == desk.clock.now() + dt.timedelta(seconds=30)
    desk.clock.advance(seconds=30)
    assert desk.sweep().failures == []
    item = _item(engine, f"notify:{app.id}:%:email")
    assert (item.attempts, item.done_at is not None, item.last_error) == (2, True, "")
    assert email.delivered == [item.key]


def test_a_regulator_call_that_crashes_half_way_leaves_nothing_behind(desk: Desk, engine: Engine) -> None:
    app = _submitted(desk)
    app = filings.platform_approve(desk.wf, app.id, reviewer=REVIEWER, expected_version=app.version)

    done, failures = worker.process_outbox(desk.wf, CrashingGateway(desk), desk.notifiers)
    assert [f.split(":")[0] for f in failures] == ["regulator_sms"] and "connection reset" in failures[0]
    with desk.wf.uow() as store:
        assert store.sms_of(app.id) == []  # the first message's row was written, then rolled back
        assert not any(m.key.startswith("sms-sent:") for m in store.inbox_of(FILER))
    item = _item(engine, f"regulator_sms:{app.id}:%")
    assert (item.attempts, item.done_at, item.failed_at) == (1, None, None)

    desk.clock.advance(seconds=30)
    assert desk.sweep().failures == []
    with desk.wf.uow() as store:
        sms = store.sms_of(app.id)
        sent = [m.key for m in store.inbox_of(FILER) if m.key.startswith("sms-sent:")]
    assert [(e.attempt, e.phone) for e in sms] == [(1, app.document["subject"]["principal"]["mobile"])]
    assert sent == [f"sms-sent:{app.id}:1"]
    assert done > 0  # the notifications went out in the first pass all the same


def test_a_notification_key_reaches_a_notifier_at_most_once(desk: Desk, engine: Engine) -> None:
    app = desk.let_bureau_decide(desk.to_bureau(desk.new()))
    assert app.state is State.FILED
    for _ in range(3):
        desk.clock.advance(hours=1)
        desk.sweep()
        worker.process_outbox(desk.wf, desk.gateway, desk.notifiers)
    with engine.connect() as conn:
        keys = {r.key for r in conn.execute(sa.select(t.outbox.c.key))}
    for channel in (Channel.EMAIL, Channel.SMS):
        notifier = desk.notifiers[channel]
        assert isinstance(notifier, RecordingNotifier)
        delivered = Counter(n.key for n in notifier.delivered)
        assert set(delivered) == {k for k in keys if k.endswith(f":{channel.value}")}
        assert len(delivered) == 4 and set(delivered.values()) == {1}  # four changes of state, once each


def _stale_expiry(desk: Desk, app: Application, attempt: int) -> None:
    with desk.wf.uow() as store:
        store.add_timer(Timer(str(uuid.uuid4()), app.id, TimerKind.SMS_EXPIRY, desk.clock.now(), {"attempt": attempt}))
        store.commit()


def _snapshot(desk: Desk, engine: Engine, app: Application) -> tuple[Any, ...]:
    current = desk.get(app)
    with engine.connect() as conn:
        outbox = conn.execute(sa.select(sa.func.count()).select_from(t.outbox)).scalar_one()
        pending_timers = conn.execute(sa.select(sa.func.count()).select_from(t.timers)
                                      .where(t.timers.c.fired_at.is_(None))).scalar_one()
    return current.state, current.version, len(filings.history(desk.wf, app.id, actor=FILER)), outbox, pending_timers


def test_a_stale_sms_expiry_timer_fires_without_effect(desk: Desk, engine: Engine) -> None:
    app = desk.to_bureau(desk.new())  # verified: the real expiry timer was cancelled
    _stale_expiry(desk, app, app.sms_attempt)
    before = _snapshot(desk, engine, app)
    desk.clock.advance(seconds=1)
    assert worker.fire_due_timers(desk.wf) == 1
    state, version, events, outbox, pending = _snapshot(desk, engine, app)
    assert (state, version, events, outbox) == before[:4] and state is State.BUREAU_REVIEW
    assert pending == before[4] - 1  # spent
    app = desk.let_bureau_decide(app)
    assert [e.event for e in filings.history(desk.wf, app.id, actor=FILER)] == [
        "create", "submit", "platform_approve", "sms_verified", "bureau_approve"]


def test_an_expiry_timer_of_an_earlier_attempt_fires_without_effect(desk: Desk, engine: Engine) -> None:
    app = desk.to_sms(desk.new())
    app = filings.resend_sms(desk.wf, app.id, actor=FILER, expected_version=app.version)
    desk.sweep()
    _stale_expiry(desk, app, 1)
    before = _snapshot(desk, engine, app)
    desk.clock.advance(seconds=1)
    assert worker.fire_due_timers(desk.wf) == 1
    assert _snapshot(desk, engine, app)[:4] == before[:4] and desk.get(app).state is State.SMS_VERIFICATION
    desk.clock.advance(hours=24)  # the current attempt's own expiry still counts, once
    desk.sweep()
    desk.sweep()
    events = [e.event for e in filings.history(desk.wf, app.id, actor=FILER)]
    assert desk.get(app).state is State.SMS_EXPIRED and events.count("sms_expire") == 1
