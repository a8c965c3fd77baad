"""Use case: the in-site messages (站内信) of one inbox — read a page, mark one or all as read.

The worker writes the messages (`worker._perform`, from the outbox); this module only reads them and
records that they were read. Every signed-in account has its own inbox, keyed by account id, except
operators, who share the operators' inbox (`notify.OPERATORS`) where overdue alerts and take-down
notices land; a message one operator marks as read is read for all of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.accounts import Principal, Role
from ..domain.model import InboxMessage
from .filings import Workflow
from .notify import OPERATORS

PAGE_SIZE = 20


def recipient_of(who: Principal) -> str:
    """The inbox an account reads (the REST API's `GET /notifications` uses the same)."""
    return OPERATORS if who.role is Role.OPERATOR else who.account.id


@dataclass(frozen=True, slots=True)
class InboxPage:
    messages: list[InboxMessage]
    page: int  # 1-based, clamped to the pages there are
    pages: int  # at least 1
    total: int
    unread: int


def read_page(wf: Workflow, recipient: str, page: int = 1, *, size: int = PAGE_SIZE) -> InboxPage:
    """Page `page` of the inbox, newest first. A page past the end shows the last one."""
    with wf.uow() as store:
        total, unread = store.count_inbox(recipient)
        pages = max(1, -(-total // size))
        page = min(max(1, page), pages)
        messages = store.inbox_of(recipient, size, (page - 1) * size)
    return InboxPage(messages, page, pages, total, unread)


def mark_read(wf: Workflow, recipient: str, message_id: int) -> bool:
    """Mark one message of this inbox read (again is fine). False when this inbox holds no such message:
    another inbox's message is never touched."""
    with wf.uow() as store:
        changed = store.mark_inbox_read(recipient, wf.clock.now(), message_id)
        store.commit()
    return changed > 0


def mark_all_read(wf: Workflow, recipient: str) -> int:
    """Mark every unread message of this inbox read; how many there were."""
    with wf.uow() as store:
        changed = store.mark_inbox_read(recipient, wf.clock.now())
        store.commit()
    return changed
