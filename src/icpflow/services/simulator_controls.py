"""Use cases: the operator's controls of the regulator simulator (模拟器) — for demos and tests only.

The simulator (`adapters/regulator/simulator.py`) keeps its settings in memory, so a change applies to
the running process at once and is gone after a restart (the settings file stays the truth). A real or
manual gateway has no such controls: `tunable()` returns None for it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from ..domain.errors import InvalidRequest
from ..domain.model import Application
from ..domain.notifications import Channel, Notifier
from ..domain.regulator import BureauSubmission, FaceTask, RegulatorGateway, SmsMessage
from ..domain.workflow import State
from . import worker
from .filings import Workflow, apply_bureau_decision

#: `run_due_work` repeats the worker's pass while it finds work, at most this many times (a pass's
#: regulator call may plan a decision that is due at once, and that decision writes notifications)
MAX_PASSES = 5


@runtime_checkable
class TunableSimulator(Protocol):
    """A regulator gateway whose made-up decisions an operator may steer (the simulator)."""

    name: str
    is_simulator: bool
    seed: int
    approve_ratio: float
    bureau_delay: tuple[dt.timedelta, dt.timedelta]
    force: dict[str, bool]

    def send_sms(self, application_id: str, phones: Sequence[str], attempt: int,
                 now: dt.datetime) -> list[SmsMessage]: ...

    def submit_to_bureau(self, application_id: str, province: str, document: Mapping[str, Any],
                         now: dt.datetime) -> BureauSubmission: ...

    def create_face_task(self, application_id: str, principal_name: str, now: dt.datetime) -> FaceTask: ...


def tunable(gateway: RegulatorGateway) -> TunableSimulator | None:
    """The gateway as a simulator the operator may steer, or None (manual mode, a real channel)."""
    return gateway if gateway.is_simulator and isinstance(gateway, TunableSimulator) else None


def set_approve_ratio(simulator: TunableSimulator, ratio: float) -> float:
    """Change the share of bureau approvals for submissions from now on; returns the previous ratio."""
    if not math.isfinite(ratio) or not 0.0 <= ratio <= 1.0:
        raise InvalidRequest("通过率应为 0 到 1 之间的数（如 0.8 表示 80% 通过）", ratio=ratio)
    previous = simulator.approve_ratio
    simulator.approve_ratio = ratio
    return previous


@dataclass(frozen=True, slots=True)
class ForcedDecision:
    application: Application
    #: True when the application was in bureau review and the decision was applied at once; False when it
    #: is remembered for the application's later submissions to the (simulated) bureau
    applied: bool


def force_bureau_decision(wf: Workflow, simulator: TunableSimulator, application_id: str,
                          approved: bool) -> ForcedDecision:
    """Make the simulated bureau approve or reject this application.

    In bureau review now: the simulator decides at once (a rejection carries reasons drawn from the
    catalogue as usual) and the decision is applied, so nobody waits for the planned delay; a later
    resubmission is drawn as usual again. Otherwise the decision is remembered for the application's
    submissions to the bureau until it is cleared (`clear_forced`) or the process restarts."""
    with wf.uow() as store:
        app = store.get_application(application_id.strip())  # NotFound for a mistyped id
    simulator.force[app.id] = approved
    if app.state is not State.BUREAU_REVIEW:
        return ForcedDecision(app, applied=False)
    submission = simulator.submit_to_bureau(app.id, app.province, app.document, wf.clock.now())
    if submission.planned is None:  # a simulator always plans; anything else is left to the worker
        return ForcedDecision(app, applied=False)
    try:
        decided = apply_bureau_decision(wf, app.id, submission.planned.decision, actor=f"regulator:{simulator.name}")
    finally:
        simulator.force.pop(app.id, None)  # used (or the application moved on meanwhile): not kept for later
    return ForcedDecision(decided, applied=True)


def clear_forced(simulator: TunableSimulator, application_id: str) -> bool:
    """Forget a decision remembered for an application; False when there was none."""
    return simulator.force.pop(application_id.strip(), None) is not None


def run_due_work(wf: Workflow, gateway: RegulatorGateway, notifiers: Mapping[Channel, Notifier]) -> worker.SweepResult:
    """The worker's pass, now: due timers, then the outbox, repeated while it finds work."""
    total = worker.SweepResult()
    for _ in range(MAX_PASSES):
        result = worker.sweep(wf, gateway, notifiers)
        total.timers += result.timers
        total.outbox += result.outbox
        total.failures.extend(result.failures)
        if result.timers == 0 and result.outbox == 0:
            break
    return total
