"""The filing workflow (备案流程): states, events and the one transition table.

PRODUCT.md "The workflow", both seed platforms unified:

    draft ─submit─▶ platform_review ─approve─▶ sms_verification ─verified─▶ bureau_review ─approve─▶ filed
                       │ reject │ withdraw*          │ 24 h expiry               │ reject
                       ▼        ▼                    ▼                           ▼
               platform_rejected  withdrawn      sms_expired            bureau_rejected
                       └─edit─▶ draft ◀─edit───────────┴── resend / contact-only change ─▶ sms_verification

A cancellation application (注销主体 / 注销小程序 / 取消接入) takes the same road and ends `cancelled`.
`advance()` is the only way a state changes; it raises `IllegalTransition` (with the state and event)
for anything the table does not allow, and returns what the transition implies (timers to set or clear,
whether the pre-check must pass), so services never decide a status themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum


class State(StrEnum):
    DRAFT = "draft"
    PLATFORM_REVIEW = "platform_review"
    PLATFORM_REJECTED = "platform_rejected"
    WITHDRAWN = "withdrawn"
    SMS_VERIFICATION = "sms_verification"
    SMS_EXPIRED = "sms_expired"
    BUREAU_REVIEW = "bureau_review"
    BUREAU_REJECTED = "bureau_rejected"
    FILED = "filed"  # a new or change filing: the number is issued (已备案)
    CANCELLED = "cancelled"  # a cancellation application: the record is cancelled (已注销)


class Event(StrEnum):
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    PLATFORM_APPROVE = "platform_approve"
    PLATFORM_REJECT = "platform_reject"
    SMS_VERIFIED = "sms_verified"
    SMS_EXPIRE = "sms_expire"
    SMS_RESEND = "sms_resend"
    CONTACT_CHANGE = "contact_change"
    BUREAU_APPROVE = "bureau_approve"
    BUREAU_REJECT = "bureau_reject"
    EDIT = "edit"


STATE_LABELS: dict[State, str] = {
    State.DRAFT: "草稿",
    State.PLATFORM_REVIEW: "平台初审中",
    State.PLATFORM_REJECTED: "平台初审驳回",
    State.WITHDRAWN: "已撤回",
    State.SMS_VERIFICATION: "待工信部短信核验",
    State.SMS_EXPIRED: "短信核验超时",
    State.BUREAU_REVIEW: "管局审核中",
    State.BUREAU_REJECTED: "管局审核驳回",
    State.FILED: "已备案",
    State.CANCELLED: "已注销",
}

TERMINAL: frozenset[State] = frozenset({State.FILED, State.CANCELLED})


@dataclass(frozen=True, slots=True)
class Situation:
    """What guards may look at: facts about the application, never the clock or storage."""

    is_cancellation: bool = False
    withdraw_allowed: bool = True
    sms_resends_left: int = 1


@dataclass(frozen=True, slots=True)
class Effects:
    """What a transition implies; the service turns these into timers, outbox rows and records."""

    precheck_required: bool = False  # submission: a blocked pre-check refuses it
    start_platform_review: bool = False
    start_sms: bool = False  # send the MIIT SMS and start the 24 h window
    consume_resend: bool = False
    start_bureau_review: bool = False
    issue_record: bool = False  # filed: issue the number, or (cancellation) cancel the record(s)
    clear_timers: bool = False


@dataclass(frozen=True, slots=True)
class Transition:
    source: State
    event: Event
    target: State
    guard: Callable[[Situation], bool] | None = None
    guard_reason: str = ""  # Chinese, shown when the guard says no
    effects: Effects = Effects()


class IllegalTransition(Exception):
    """`event` is not allowed in `state` (or its guard said no: `reason`)."""

    def __init__(self, state: State, event: Event, reason: str = "") -> None:
        self.state = state
        self.event = event
        self.reason = reason or f"当前状态“{STATE_LABELS[state]}”不能执行“{event.value}”"
        super().__init__(f"{event.value} not allowed in {state.value}: {self.reason}")


def _new_or_change(s: Situation) -> bool:
    return not s.is_cancellation


def _cancellation(s: Situation) -> bool:
    return s.is_cancellation


def _withdraw_allowed(s: Situation) -> bool:
    return s.withdraw_allowed


def _resend_left(s: Situation) -> bool:
    return s.sms_resends_left > 0


_SUBMIT = Effects(precheck_required=True, start_platform_review=True, clear_timers=True)

TRANSITIONS: tuple[Transition, ...] = (
    Transition(State.DRAFT, Event.SUBMIT, State.PLATFORM_REVIEW, effects=_SUBMIT),
    # Withdrawal is platform policy: Douyin forbids it after submission (seed 004 §二 特别提醒 2),
    # WeChat allows it until the platform review ends (reference §4.1 cancel_apply_icp_filing).
    Transition(State.PLATFORM_REVIEW, Event.WITHDRAW, State.WITHDRAWN, _withdraw_allowed,
               "平台设置为提交后不可撤回", Effects(clear_timers=True)),
    Transition(State.PLATFORM_REVIEW, Event.PLATFORM_APPROVE, State.SMS_VERIFICATION,
               effects=Effects(start_sms=True, clear_timers=True)),
    Transition(State.PLATFORM_REVIEW, Event.PLATFORM_REJECT, State.PLATFORM_REJECTED,
               effects=Effects(clear_timers=True)),
    Transition(State.SMS_VERIFICATION, Event.SMS_VERIFIED, State.BUREAU_REVIEW,
               effects=Effects(start_bureau_review=True, clear_timers=True)),
    # Seed 001 §五: 24 h to verify, one resend; seed 004 §3.1: on expiry resend, or change only the
    # contact details without a new platform review.
    Transition(State.SMS_VERIFICATION, Event.SMS_EXPIRE, State.SMS_EXPIRED, effects=Effects(clear_timers=True)),
    Transition(State.SMS_VERIFICATION, Event.SMS_RESEND, State.SMS_VERIFICATION, _resend_left,
               "短信只能重发一次", Effects(start_sms=True, consume_resend=True, clear_timers=True)),
    Transition(State.SMS_EXPIRED, Event.SMS_RESEND, State.SMS_VERIFICATION,
               effects=Effects(start_sms=True, clear_timers=True)),
    Transition(State.SMS_EXPIRED, Event.CONTACT_CHANGE, State.SMS_VERIFICATION,
               effects=Effects(start_sms=True, clear_timers=True)),
    Transition(State.BUREAU_REVIEW, Event.BUREAU_APPROVE, State.FILED, _new_or_change, "注销申请不能下发备案号",
               Effects(issue_record=True, clear_timers=True)),
    Transition(State.BUREAU_REVIEW, Event.BUREAU_APPROVE, State.CANCELLED, _cancellation, "",
               Effects(issue_record=True, clear_timers=True)),
    Transition(State.BUREAU_REVIEW, Event.BUREAU_REJECT, State.BUREAU_REJECTED, effects=Effects(clear_timers=True)),
    Transition(State.PLATFORM_REJECTED, Event.EDIT, State.DRAFT),
    Transition(State.BUREAU_REJECTED, Event.EDIT, State.DRAFT),
    Transition(State.WITHDRAWN, Event.EDIT, State.DRAFT),
)

_BY_KEY: dict[tuple[State, Event], tuple[Transition, ...]] = {}
for _t in TRANSITIONS:
    _BY_KEY[(_t.source, _t.event)] = (*_BY_KEY.get((_t.source, _t.event), ()), _t)


def advance(state: State, event: Event, situation: Situation) -> Transition:
    """The transition `event` makes from `state`, or `IllegalTransition`. The only state-changing rule."""
    candidates = _BY_KEY.get((state, event), ())
    if not candidates:
        raise IllegalTransition(state, event)
    refusals = []
    for transition in candidates:
        if transition.guard is None or transition.guard(situation):
            return transition
        refusals.append(transition.guard_reason)
    raise IllegalTransition(state, event, "；".join(r for r in refusals if r))


def allowed_events(state: State, situation: Situation) -> list[Event]:
    """The events the filer, reviewer or regulator may cause now (for buttons and API hints)."""
    return [t.event for t in TRANSITIONS
            if t.source is state and (t.guard is None or t.guard(situation))]
