"""The worker's outbox batches, on SQLite and PostgreSQL: many items per transaction, one bad item never
holding up the others, and nothing delivered twice when a batch has to be done again item by item."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from icpflow.adapters.db import tables as t
from icpflow.config import Settings
from icpflow.domain.model import OutboxItem
from icpflow.domain.notifications import Channel
from icpflow.services import filings, worker

from .conftest import FILER, Desk, RecordingNotifier


@contextmanager
def counting_commits(engine: Engine) -> Iterator[list[int]]:
    """Counts the transactions committed on `engine` (the real connection events, not a stand-in)."""
    commits = [0]

    def on_commit(_conn: Any) -> None:
        commits[0] += 1
    sa.event.listen(engine, "commit", on_commit)
    try:
        yield commits
    finally:
        sa.event.remove(engine, "commit", on_commit)


def _submit(desk: Desk, count: int) -> list[str]:
    ids = []
    for _ in range(count):
        app = desk.new()
        ids.append(filings.submit(desk.wf, app.id, actor=FILER, expected_version=app.version).id)
    return ids


def _pending(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return [r.key for r in conn.execute(sa.select(t.outbox.c.key).where(t.outbox.c.done_at.is_(None)))]


def _delivered(desk: Desk, channel: Channel) -> Counter[str]:
    notifier = desk.notifiers[channel]
    assert isinstance(notifier, RecordingNotifier)
    return Counter(n.key for n in notifier.delivered)


def test_a_state_change_writes_its_notifications_and_the_worker_does_them_in_batches(
        desk: Desk, engine: Engine) -> None:
    _submit(desk, 5)  # each submission: in-site message, e-mail and SMS to the filer
    assert len(_pending(engine)) == 15

    with counting_commits(engine) as commits:
        done, failures = worker.process_outbox(desk.wf, desk.gateway, desk.notifiers, batch=4)
    assert (done, failures) == (15, [])
    assert commits[0] == 4  # 4 + 4 + 4 + 3 items; the claim that finds nothing due commits nothing
    assert _pending(engine) == []
    with desk.wf.uow() as store:
        assert len(store.inbox_of(FILER)) == 5
    assert sorted(_delivered(desk, Channel.EMAIL).values()) == [1] * 5
    assert sorted(_delivered(desk, Channel.SMS).values()) == [1] * 5


def test_the_limit_bounds_a_pass_across_batches(desk: Desk, engine: Engine) -> None:
    _submit(desk, 3)
    done, failures = worker.process_outbox(desk.wf, desk.gateway, desk.notifiers, limit=5, batch=2)
    assert (done, failures) == (5, [])
    assert len(_pending(engine)) == 4


def test_an_item_that_fails_the_batch_is_done_alone_and_nothing_goes_out_twice(desk: Desk, engine: Engine) -> None:
    _submit(desk, 2)
    with desk.wf.uow() as store:  # an in-site message the database refuses (no subject: NOT NULL)
        store.add_outbox(OutboxItem("notify:poison:inbox", "notify", {
            "channel": Channel.INBOX.value, "recipient": FILER, "subject": None, "body": "x"}, desk.clock.now()))
        store.commit()

    done, failures = worker.process_outbox(desk.wf, desk.gateway, desk.notifiers)
    assert done == 6
    assert len(failures) == 1 and failures[0].startswith("notify:poison:inbox: IntegrityError")
    assert _pending(engine) == ["notify:poison:inbox"]
    with engine.connect() as conn:
        poison = conn.execute(sa.select(t.outbox).where(t.outbox.c.key == "notify:poison:inbox")).one()
    assert (poison.attempts, poison.failed_at) == (1, None)  # one failed attempt recorded, due again later
    # the batch failed before its outside deliveries, and the item-by-item pass made each once
    assert sorted(_delivered(desk, Channel.EMAIL).values()) == [1, 1]
    assert sorted(_delivered(desk, Channel.SMS).values()) == [1, 1]
    with desk.wf.uow() as store:
        assert len(store.inbox_of(FILER)) == 2


def test_a_failing_regulator_call_rolls_back_only_its_own_writes(desk: Desk, engine: Engine) -> None:
    ids = _submit(desk, 2)
    for application_id in ids:
        app = filings.get_application(desk.wf, application_id, actor=FILER)
        filings.platform_approve(desk.wf, application_id, reviewer="reviewer-1", expected_version=app.version)

    class HalfBrokenGateway:  # the simulator, except for the first application's SMS call
        name, is_simulator = desk.gateway.name, desk.gateway.is_simulator

        def send_sms(self, application_id: str, *args: Any) -> Any:
            if application_id == ids[0]:
                raise RuntimeError("连接被重置")
            return desk.gateway.send_sms(application_id, *args)

        def submit_to_bureau(self, *args: Any) -> Any:
            return desk.gateway.submit_to_bureau(*args)

    with counting_commits(engine) as commits:
        done, failures = worker.process_outbox(desk.wf, HalfBrokenGateway(), desk.notifiers)  # type: ignore[arg-type]
    assert commits[0] == 1  # one batch: the failure stayed inside its savepoint
    assert len(failures) == 1 and failures[0].startswith(f"regulator_sms:{ids[0]}:1: RuntimeError")
    with desk.wf.uow() as store:
        assert store.sms_of(ids[0]) == []
        assert len(store.sms_of(ids[1])) >= 1
    assert done == 13  # 2 × 3 notifications of the submissions, 2 × 3 of the approvals, one SMS call


def test_the_deployment_default_is_the_workers_default() -> None:
    """`ICPFLOW_WORKER_BATCH` unset gives the batch `process_outbox` uses when called without one."""
    assert Settings.model_fields["worker_batch"].default == worker.OUTBOX_BATCH
