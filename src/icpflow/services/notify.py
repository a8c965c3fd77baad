"""Notifying the filer of every change of state (PRODUCT.md: in-site message, e-mail, SMS).

Notifications are outbox rows written in the transaction that changes the state, keyed by application
and version, so a retried worker never sends the same one twice in effect.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..domain.model import Application, OutboxItem
from ..domain.notifications import Channel
from ..domain.workflow import STATE_LABELS, State
from .ports import Store

OPERATORS = "operators"  # the inbox every operator reads (alerts)


def _program_name(app: Application) -> str:
    program = app.document.get("program")
    if isinstance(program, dict) and program.get("name"):
        return str(program["name"])
    return str(app.document.get("subject", {}).get("name", app.id))


def _contacts(app: Application) -> tuple[str, str]:
    """The subject principal's e-mail and mobile (the filer's contact on record)."""
    principal = app.document.get("subject", {}).get("principal") or {}
    if not isinstance(principal, dict):
        return "", ""
    return str(principal.get("email", "")), str(principal.get("mobile", ""))


def _body(app: Application, before: State) -> str:
    lines = [f"您的备案申请“{_program_name(app)}”状态已更新：{STATE_LABELS[before]} → {STATE_LABELS[app.state]}。"]
    if app.state in (State.PLATFORM_REJECTED, State.BUREAU_REJECTED) and app.reasons:
        lines.append("驳回原因：" + "；".join(r.message for r in app.reasons))
        lines.append("请按原因修改后重新提交。")
    elif app.state is State.SMS_VERIFICATION:
        lines.append("工信部将向负责人手机发送核验短信，请在 24 小时内完成短信核验。")
    elif app.state is State.FILED and app.issued_number:
        lines.append(f"备案号：{app.issued_number}。")
    elif app.state is State.CANCELLED:
        lines.append("备案已注销。")
    return "\n".join(lines)


def _notification(key: str, channel: Channel, recipient: str, subject: str, body: str, now: dt.datetime,
                  application_id: str, payload: dict[str, Any] | None = None) -> OutboxItem:
    return OutboxItem(key, "notify", {
        "channel": channel.value, "recipient": recipient, "subject": subject, "body": body,
        "application_id": application_id, "payload": payload or {},
    }, now)


def notify_state_change(store: Store, app: Application, before: State, now: dt.datetime) -> None:
    """The filer's in-site message, e-mail and SMS, and one event per webhook subscription: outbox rows
    written together (one statement), in the transaction that changed the state."""
    subject = f"备案状态更新：{STATE_LABELS[app.state]}"
    body = _body(app, before)
    email, mobile = _contacts(app)
    base = f"notify:{app.id}:{app.version}"
    items = [_notification(f"{base}:{channel.value}", channel, recipient, subject, text, now, app.id)
             for channel, recipient, text in ((Channel.INBOX, app.owner, body), (Channel.EMAIL, email, body),
                                              (Channel.SMS, mobile, body.split("\n")[0]))
             if recipient]
    event = webhook_event(app, before, now)
    for i, url in enumerate(store.webhooks_of(app.owner)):
        items.append(_notification(f"{base}:webhook:{i}", Channel.WEBHOOK, url, subject, body, now, app.id, event))
    store.add_outboxes(items)


def webhook_event(app: Application, before: State, now: dt.datetime) -> dict[str, Any]:
    """The JSON a service provider receives on every state change (signed; see adapters/notify/webhook.py)."""
    program = app.document.get("program") if isinstance(app.document.get("program"), dict) else {}
    return {
        "event": "filing.state_changed",
        "application_id": app.id,
        "kind": app.kind.value,
        "appid": (program or {}).get("appid", ""),
        "previous_state": before.value,
        "state": app.state.value,
        "state_label": STATE_LABELS[app.state],
        "version": app.version,
        "number": app.issued_number,
        "reasons": [{"code": r.code, "message": r.message, "field": r.field} for r in app.reasons],
        "due_at": app.due_at.isoformat() if app.due_at else None,
        "at": now.isoformat(),
    }


def alert_operators(store: Store, app: Application, what: str, now: dt.datetime) -> None:
    """An overdue review: every operator sees it in the operators' inbox."""
    store.add_outbox(_notification(
        f"alert:{app.id}:{what}:{app.version}", Channel.INBOX, OPERATORS, f"超时提醒：{what}",
        f"备案申请“{_program_name(app)}”（{app.id}）{what}，截止时间 {app.due_at:%Y-%m-%d %H:%M}。", now, app.id))
