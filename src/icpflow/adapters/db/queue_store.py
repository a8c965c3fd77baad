"""The worker's queues in the store: timers (deadlines of a stage), the outbox of side effects sent after
commit, the in-site inbox messages the worker delivers, and the webhook subscriptions notifications go to.
Timers and the outbox are claimed with `FOR UPDATE SKIP LOCKED` on PostgreSQL so several workers share
the load (on SQLite the clause is ignored and a single worker runs); outbox items and inbox messages are
deduplicated by key. The recipients of e-mail and SMS notifications are encrypted at rest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ...domain.model import InboxMessage, OutboxItem, Timer, TimerKind
from . import tables as t
from .store_base import StoreBase

#: notification channels whose recipient is personal (an e-mail address, a mobile number)
PERSONAL_CHANNELS = frozenset({"email", "sms"})

# ----- statements of the worker and request paths, built once (why: applications_store.py) ---------
_INSERT_TIMER = t.timers.insert()
_CANCEL_TIMERS = (t.timers.update()
                  .where(t.timers.c.application_id == sa.bindparam("where_application_id"),
                         t.timers.c.fired_at.is_(None))
                  .values(fired_at=sa.bindparam("now")))
_OUTBOX_KEY_EXISTS = sa.select(t.outbox.c.id).where(t.outbox.c.key == sa.bindparam("key"))
_INSERT_OUTBOX = t.outbox.insert().inline()
#: `INSERT … ON CONFLICT (key) DO NOTHING`: one statement instead of a look-up then an insert, and a
#: concurrent insert of the same key waits and is skipped instead of failing the transaction
_INSERT_OUTBOX_NEW: dict[str, sa.Insert] = {
    name: insert(t.outbox).inline().on_conflict_do_nothing(index_elements=["key"])
    .execution_options(preserve_rowcount=True)  # SQLAlchemy reports an INSERT's rowcount only when asked
    for name, insert in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert))
}
_O = t.outbox.c
_CLAIM_OUTBOX = (sa.select(t.outbox)
                 .where(_O.done_at.is_(None), _O.failed_at.is_(None), _O.available_at <= sa.bindparam("now"))
                 .order_by(_O.available_at, _O.id).limit(sa.bindparam("limit", type_=sa.Integer)))
_CLAIM_OUTBOX_SKIP_LOCKED = _CLAIM_OUTBOX.with_for_update(skip_locked=True)
_FINISH_OUTBOX = t.outbox.update().where(_O.id == sa.bindparam("where_id"))
_T = t.timers.c
_CLAIM_TIMERS = (sa.select(t.timers).where(_T.fired_at.is_(None), _T.due_at <= sa.bindparam("now"))
                 .order_by(_T.due_at).limit(sa.bindparam("limit", type_=sa.Integer)))
_CLAIM_TIMERS_SKIP_LOCKED = _CLAIM_TIMERS.with_for_update(skip_locked=True)
_MARK_TIMER_FIRED = t.timers.update().where(_T.id == sa.bindparam("where_id")).values(fired_at=sa.bindparam("now"))
#: the worker delivers every in-site message this way (one statement, as for the outbox)
_INSERT_INBOX_NEW: dict[str, sa.Insert] = {
    name: insert(t.inbox_messages).inline().on_conflict_do_nothing(index_elements=["key"])
    .execution_options(preserve_rowcount=True)
    for name, insert in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert))
}
_W = t.webhook_subscriptions.c
_WEBHOOKS_OF = (sa.select(_W.url).where(_W.owner == sa.bindparam("owner"), _W.active.is_(True))
                .order_by(_W.created_at, _W.url))


class QueueMixin(StoreBase):
    _insert_outbox_new: sa.Insert | None

    # ----- personal information at rest ------------------------------------------------------------
    def _seal_payload(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        recipient = payload.get("recipient")
        if kind == "notify" and payload.get("channel") in PERSONAL_CHANNELS and isinstance(recipient, str) \
                and recipient:
            return {**payload, "recipient": self.cipher.encrypt(recipient)}
        return payload

    def _open_payload(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        recipient = payload.get("recipient")
        if kind == "notify" and payload.get("channel") in PERSONAL_CHANNELS and isinstance(recipient, str):
            return {**payload, "recipient": self.cipher.reveal(recipient)}
        return payload

    # ----- timers --------------------------------------------------------------------------------
    def add_timer(self, timer: Timer) -> None:
        self.conn.execute(_INSERT_TIMER, {
            "id": timer.id, "application_id": timer.application_id, "kind": timer.kind.value, "due_at": timer.due_at,
            "payload": timer.payload, "fired_at": timer.fired_at})

    def cancel_timers(self, application_id: str, now: dt.datetime) -> None:
        """A new stage replaces the old stage's timers: they are marked fired without effect."""
        self.conn.execute(_CANCEL_TIMERS, {"where_application_id": application_id, "now": now})

    def claim_due_timers(self, now: dt.datetime, limit: int) -> list[Timer]:
        stmt = _CLAIM_TIMERS_SKIP_LOCKED if self._postgres else _CLAIM_TIMERS
        return [Timer(id=r["id"], application_id=r["application_id"], kind=TimerKind(r["kind"]),
                      due_at=r["due_at"], payload=dict(r["payload"]), fired_at=r["fired_at"])
                for r in self.conn.execute(stmt, {"now": now, "limit": limit}).mappings()]

    def mark_timer_fired(self, timer_id: str, now: dt.datetime) -> None:
        self.conn.execute(_MARK_TIMER_FIRED, {"where_id": timer_id, "now": now})

    # ----- outbox --------------------------------------------------------------------------------
    def _outbox_values(self, item: OutboxItem) -> dict[str, Any]:
        return {"key": item.key, "kind": item.kind, "payload": self._seal_payload(item.kind, item.payload),
                "available_at": item.available_at, "attempts": item.attempts, "last_error": item.last_error}

    def add_outbox(self, item: OutboxItem) -> bool:
        """Adds the item unless one with its key exists (idempotent); True when added."""
        values = self._outbox_values(item)
        if self._insert_outbox_new is not None:
            return self.conn.execute(self._insert_outbox_new, values).rowcount == 1
        if self.conn.execute(_OUTBOX_KEY_EXISTS, {"key": item.key}).first() is not None:
            return False
        self.conn.execute(_INSERT_OUTBOX, values)
        return True

    def claim_outbox(self, now: dt.datetime, limit: int) -> list[OutboxItem]:
        stmt = _CLAIM_OUTBOX_SKIP_LOCKED if self._postgres else _CLAIM_OUTBOX
        return [OutboxItem(id=r["id"], key=r["key"], kind=r["kind"],
                           payload=self._open_payload(r["kind"], dict(r["payload"])), available_at=r["available_at"],
                           attempts=r["attempts"], done_at=r["done_at"], failed_at=r["failed_at"],
                           last_error=r["last_error"])
                for r in self.conn.execute(stmt, {"now": now, "limit": limit}).mappings()]

    def add_outboxes(self, items: Sequence[OutboxItem]) -> None:
        """Adds each item unless one with its key exists, in one statement (one round trip for the
        notifications of a state change, instead of one per channel)."""
        if not items:
            return
        if self._insert_outbox_new is None:
            for item in items:
                self.add_outbox(item)
            return
        self.conn.execute(self._insert_outbox_new, [self._outbox_values(item) for item in items])

    def finish_outbox(self, item: OutboxItem) -> None:
        self.finish_outboxes([item])

    def finish_outboxes(self, items: Sequence[OutboxItem]) -> None:
        """Records each item's attempt (done, failed or due again), in one statement."""
        if items:
            self.conn.execute(_FINISH_OUTBOX, [{
                "where_id": item.id, "attempts": item.attempts, "available_at": item.available_at,
                "done_at": item.done_at, "failed_at": item.failed_at, "last_error": item.last_error[:2000]}
                for item in items])

    # ----- messages ------------------------------------------------------------------------------
    @staticmethod
    def _inbox_values(message: InboxMessage) -> dict[str, Any]:
        return {"key": message.key, "recipient": message.recipient, "application_id": message.application_id,
                "subject": message.subject, "body": message.body, "created_at": message.created_at}

    def add_inbox_messages(self, messages: Sequence[InboxMessage]) -> None:
        """Adds each message unless one with its key exists, in one statement (the worker's batches)."""
        stmt = _INSERT_INBOX_NEW.get(self.conn.dialect.name)
        if stmt is None:
            for message in messages:
                self.add_inbox_message(message)
        elif messages:
            self.conn.execute(stmt, [self._inbox_values(message) for message in messages])

    def add_inbox_message(self, message: InboxMessage) -> bool:
        values = self._inbox_values(message)
        stmt = _INSERT_INBOX_NEW.get(self.conn.dialect.name)
        if stmt is not None:
            return self.conn.execute(stmt, values).rowcount == 1
        if self._one(sa.select(t.inbox_messages.c.id).where(t.inbox_messages.c.key == message.key)):
            return False
        self.conn.execute(t.inbox_messages.insert().values(**values))
        return True

    def inbox_of(self, recipient: str, limit: int = 50, offset: int = 0) -> list[InboxMessage]:
        stmt = (sa.select(t.inbox_messages).where(t.inbox_messages.c.recipient == recipient)
                .order_by(t.inbox_messages.c.id.desc()).limit(limit).offset(offset))
        return [InboxMessage(key=r["key"], recipient=r["recipient"], subject=r["subject"], body=r["body"],
                             created_at=r["created_at"], application_id=r["application_id"], id=r["id"],
                             read_at=r["read_at"])
                for r in self.conn.execute(stmt).mappings()]

    def count_inbox(self, recipient: str) -> tuple[int, int]:
        c = t.inbox_messages.c
        row = self.conn.execute(sa.select(sa.func.count().label("total"),
                                          sa.func.count(sa.case((c.read_at.is_(None), 1))).label("unread"))
                                .where(c.recipient == recipient)).mappings().first()
        return (int(row["total"]), int(row["unread"])) if row is not None else (0, 0)

    def mark_inbox_read(self, recipient: str, now: dt.datetime, message_id: int | None = None) -> int:
        """Mark all unread messages of `recipient` read (how many), or one message (1 if the inbox holds
        it, read before or not; a message read before keeps its first read time)."""
        c = t.inbox_messages.c
        if message_id is None:
            stmt = t.inbox_messages.update().where(c.recipient == recipient, c.read_at.is_(None))
            return int(self.conn.execute(stmt.values(read_at=now)).rowcount)
        if self._one(sa.select(c.id).where(c.recipient == recipient, c.id == message_id)) is None:
            return 0
        self.conn.execute(t.inbox_messages.update().where(c.id == message_id, c.read_at.is_(None)).values(read_at=now))
        return 1

    # ----- webhook subscriptions -----------------------------------------------------------------
    def add_webhook(self, subscription_id: str, owner: str, url: str, now: dt.datetime) -> bool:
        c = t.webhook_subscriptions.c
        if self._one(sa.select(c.id).where(c.owner == owner, c.url == url)):
            return False
        self.conn.execute(t.webhook_subscriptions.insert().values(id=subscription_id, owner=owner, url=url,
                                                                  active=True, created_at=now))
        return True

    def webhooks_of(self, owner: str) -> list[str]:
        return [str(url) for url in self.conn.execute(_WEBHOOKS_OF, {"owner": owner}).scalars()]
