"""E-mail notifier (邮件通知): sends a notification through an SMTP relay with the standard library.

The worker retries on `DeliveryFailed` unless it is permanent, so the mapping of SMTP outcomes matters:

* connection errors, time-outs, TLS failures and 4xx replies (greylisting, a full queue) are retryable;
* a 5xx refusal of the recipient (RCPT) or of the message (DATA) is permanent: the address or the
  message is rejected and sending it again cannot help;
* any other 5xx (the relay refuses our sender, our login, or STARTTLS) is our configuration, not this
  notification's fault: retryable, so the backlog drains once an operator fixes the settings.

A retried send cannot be taken back by SMTP, so every copy carries the same `Message-ID` (derived from
the notification key) and an `X-Icpflow-Key` header: mail clients and the filer can tell it is one message.
"""

from __future__ import annotations

import hashlib
import smtplib
import ssl
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

from icpflow.domain.notifications import Channel, DeliveryFailed, Notification
from icpflow.domain.pii import mask_value

__all__ = ["KEY_HEADER", "SmtpNotifier", "message_id_for"]

KEY_HEADER = "X-Icpflow-Key"


def message_id_for(key: str, domain: str) -> str:
    """The `Message-ID` of every copy of the notification with this key.

    The key is hashed because it may hold characters a Message-ID may not (spaces, ':', '@', non-ASCII).
    """
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]
    return f"<icpflow.{digest}@{domain}>"


class SmtpNotifier:
    """Delivers `Channel.EMAIL` notifications through one SMTP relay, one connection per message."""

    channel: Channel = Channel.EMAIL

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        *,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        timeout: float = 10.0,
    ) -> None:
        envelope_from = parseaddr(sender)[1]
        if "@" not in envelope_from:
            raise ValueError(f"sender {sender!r} has no e-mail address")
        self._host = host
        self._port = port
        self._sender = sender  # may carry a display name: "ICP备案服务 <noreply@example.cn>"
        self._envelope_from = envelope_from
        self._domain = envelope_from.rpartition("@")[2]
        self._username = username
        self._password = password
        self._starttls = starttls
        self._timeout = timeout

    def build_message(self, notification: Notification) -> EmailMessage:
        """The message as it goes on the wire (UTF-8 subject and body). Raises `DeliveryFailed`
        (permanent) when the recipient cannot be put in a header."""
        message = EmailMessage()
        message["From"] = self._sender
        try:
            message["To"] = Address(addr_spec=notification.recipient.strip())
        except (ValueError, IndexError, MessageError) as exc:  # what the header parser raises
            masked = mask_value("email", notification.recipient)  # errors are logged and stored: no PII
            raise DeliveryFailed(f"邮件地址无法使用：{masked!r}（{exc}）", permanent=True) from exc
        try:
            message["Subject"] = notification.subject
        except ValueError as exc:  # a line break in the subject
            raise DeliveryFailed(f"邮件主题无法使用：{notification.subject!r}（{exc}）", permanent=True) from exc
        message["Date"] = formatdate(localtime=True)
        message["Message-ID"] = message_id_for(notification.key, self._domain)
        message[KEY_HEADER] = notification.key
        message["Auto-Submitted"] = "auto-generated"  # RFC 3834: auto-responders should not reply
        # base64 keeps the Chinese body 7-bit clean, so relays without 8BITMIME carry it unchanged.
        message.set_content(notification.body, charset="utf-8", cte="base64")
        return message

    def deliver(self, notification: Notification) -> None:
        message = self.build_message(notification)
        recipient = notification.recipient.strip()
        try:
            with smtplib.SMTP(self._host, self._port, timeout=self._timeout) as smtp:
                if self._starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self._username is not None:
                    smtp.login(self._username, self._password or "")
                refused = smtp.send_message(message, from_addr=self._envelope_from, to_addrs=[recipient])
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = exc.recipients.get(recipient, next(iter(exc.recipients.values()), (0, b"")))
            raise _refused("收件人被拒收", code, reply, permanent_on_5xx=True) from exc
        except smtplib.SMTPDataError as exc:
            raise _refused("邮件内容被拒收", exc.smtp_code, exc.smtp_error, permanent_on_5xx=True) from exc
        except smtplib.SMTPResponseException as exc:  # sender, HELO, AUTH, STARTTLS refused
            raise _refused("邮件服务器拒绝", exc.smtp_code, exc.smtp_error, permanent_on_5xx=False) from exc
        except (smtplib.SMTPException, OSError) as exc:  # connection refused/reset, time-out, TLS, DNS
            raise DeliveryFailed(f"邮件服务器 {self._host}:{self._port} 无法连接：{exc!r}") from exc
        if refused:  # only some recipients refused; with one recipient this cannot happen, but be safe
            code, reply = next(iter(refused.values()))
            raise _refused("收件人被拒收", code, reply, permanent_on_5xx=True)


def _refused(what: str, code: int, reply: bytes | str, *, permanent_on_5xx: bool) -> DeliveryFailed:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return DeliveryFailed(f"{what}：{code} {text}", permanent=permanent_on_5xx and 500 <= code < 600)
