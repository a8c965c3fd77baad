"""Use cases of the filing workflow: create, edit, submit, review, SMS verification, bureau decision,
withdrawal, change and cancellation filings — under the one name callers use (`filings.submit(...)`).

They live by stage, on the wiring in workflow.py (`Workflow`, `PlatformPolicy`, how an event is applied):
drafts.py (create, edit, update), platform_review.py (submission and the platform review) and
regulator_review.py (MIIT SMS verification and the bureau). This module holds the reading use cases (an
application, its history, webhook subscriptions) and re-exports the others.
"""

from __future__ import annotations

import uuid

from ..domain.errors import InvalidRequest
from ..domain.model import Application, EventRecord
from .drafts import SECTIONS, create_application, edit, update_document, update_section
from .platform_review import claim, claimed_by, platform_approve, platform_reject, quota_day, submit, withdraw
from .ports import Store
from .regulator_review import (
    CONTACT_FIELDS,
    apply_bureau_decision,
    change_contacts,
    record_sms_verified,
    resend_sms,
    verify_sms,
)
from .workflow import PlatformPolicy, Workflow, _check_owner, _now

__all__ = [
    "CONTACT_FIELDS",
    "SECTIONS",
    "PlatformPolicy",
    "Workflow",
    "apply_bureau_decision",
    "change_contacts",
    "claim",
    "claimed_by",
    "create_application",
    "edit",
    "get_application",
    "history",
    "platform_approve",
    "platform_reject",
    "quota_day",
    "record_sms_verified",
    "resend_sms",
    "submit",
    "subscribe_webhook",
    "update_document",
    "update_section",
    "verify_sms",
    "withdraw",
]


# ----- reading -------------------------------------------------------------------------------------

def get_application(wf: Workflow, application_id: str, *, actor: str, staff: bool = False,
                    store: Store | None = None) -> Application:
    """The application (in `store`'s transaction when given, else in a transaction of its own)."""
    if store is not None:
        app = store.get_application(application_id)
        _check_owner(app, actor, staff=staff)
        return app
    with wf.uow() as own:
        app = own.get_application(application_id)
        _check_owner(app, actor, staff=staff)
        return app


def history(wf: Workflow, application_id: str, *, actor: str, staff: bool = False) -> list[EventRecord]:
    with wf.uow() as store:
        app = store.get_application(application_id)
        _check_owner(app, actor, staff=staff)
        return store.events_of(application_id)


def subscribe_webhook(wf: Workflow, *, owner: str, url: str) -> bool:
    """A service provider's endpoint for state-change events of its applications (http or https)."""
    if not url.startswith(("https://", "http://")) or len(url) > 500:
        raise InvalidRequest("回调地址须为 http:// 或 https:// 开头、不超过 500 个字符的 URL")
    with wf.uow() as store:
        added = store.add_webhook(str(uuid.uuid4()), owner, url, _now(wf))
        store.commit()
        return added
