"""The things the workflow stores: subjects, mini-programs, applications, filing records, and the
append-only history, timers and outbox that carry an application from draft to filing number.

Plain dataclasses: the service layer loads them from a store, changes them through the workflow's
transition table (`workflow.advance`), and saves them with a version check (compare-and-set).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .regulator import RejectionReason
from .workflow import State


class ApplicationKind(StrEnum):
    NEW = "new"
    CHANGE = "change"
    CANCEL_SUBJECT = "cancel_subject"
    CANCEL_PROGRAM = "cancel_program"
    CANCEL_ACCESS = "cancel_access"

    @property
    def is_cancellation(self) -> bool:
        return self in (ApplicationKind.CANCEL_SUBJECT, ApplicationKind.CANCEL_PROGRAM, ApplicationKind.CANCEL_ACCESS)


class RecordStatus(StrEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"


class TimerKind(StrEnum):
    PLATFORM_REVIEW_DUE = "platform_review_due"  # alert: the platform review is overdue
    SMS_EXPIRY = "sms_expiry"  # the 24 h SMS window closes: the application returns
    BUREAU_REVIEW_DUE = "bureau_review_due"  # alert: the bureau is past its 20 working days
    BUREAU_DECISION = "bureau_decision"  # the simulator's planned decision falls due


@dataclass(slots=True)
class Subject:
    """A subject (主办单位): one per certificate number. Keeps one filing serial for all its services."""

    id: str
    certificate_number: str
    name: str
    nature: str
    province: str
    owner: str  # the account (tenant) that files for it
    serial: str | None = None  # assigned by the bureau with the first filing
    next_service: int = 1  # the next `-n` for its services
    version: int = 1
    created_at: dt.datetime | None = None


@dataclass(slots=True)
class Program:
    """A mini-program or mini-game (小程序/小游戏), by appid."""

    id: str
    subject_id: str
    appid: str
    name: str
    type: str
    listed: bool  # already published before filing (存量)
    owner: str
    created_at: dt.datetime | None = None


@dataclass(slots=True)
class Application:
    """One filing application (备案申请): new, change, or a cancellation, and where it stands."""

    id: str
    kind: ApplicationKind
    owner: str
    subject_id: str
    program_id: str | None
    province: str
    document: dict[str, Any]
    state: State = State.DRAFT
    version: int = 1
    record_number: str = ""  # the record a change or cancellation refers to
    sms_attempt: int = 0
    sms_resends_left: int = 1
    gateway: str = ""  # the regulator gateway that carries it ("simulator", "manual")
    gateway_reference: str = ""
    reasons: list[RejectionReason] = field(default_factory=list)
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    submitted_at: dt.datetime | None = None
    due_at: dt.datetime | None = None  # the current stage's deadline (platform / SMS / bureau)
    issued_number: str = ""


@dataclass(slots=True)
class FilingRecord:
    """An issued filing number (备案号) and whether it is still in force."""

    id: str
    subject_id: str
    program_id: str | None  # None: the subject's own record
    number: str
    status: RecordStatus
    application_id: str
    issued_at: dt.datetime
    cancelled_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class EventRecord:
    """One line of an application's history (append-only)."""

    application_id: str
    event: str
    from_state: str
    to_state: str
    actor: str
    at: dt.datetime
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Timer:
    id: str
    application_id: str
    kind: TimerKind
    due_at: dt.datetime
    payload: dict[str, Any] = field(default_factory=dict)
    fired_at: dt.datetime | None = None


@dataclass(slots=True)
class OutboxItem:
    """A side effect to perform after commit: a notification or a regulator call. `key` is unique."""

    key: str
    kind: str  # "notify" | "regulator_sms" | "regulator_submit"
    payload: dict[str, Any]
    available_at: dt.datetime
    id: int | None = None
    attempts: int = 0
    done_at: dt.datetime | None = None
    failed_at: dt.datetime | None = None
    last_error: str = ""


@dataclass(frozen=True, slots=True)
class InboxMessage:
    """An in-site message (站内信) to an account."""

    key: str
    recipient: str
    subject: str
    body: str
    created_at: dt.datetime
    application_id: str = ""
    id: int | None = None  # set by the store; what "mark as read" names
    read_at: dt.datetime | None = None  # None: unread


@dataclass(frozen=True, slots=True)
class SmsInboxEntry:
    """A verification SMS the (simulated) MIIT sent, readable by the filer in the console and CLI."""

    application_id: str
    phone: str
    text: str
    code: str
    attempt: int
    sent_at: dt.datetime
    simulated: bool
