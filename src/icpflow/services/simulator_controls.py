"""Use cases: the operator's controls of the regulator simulator (模拟器) — for demos and tests only.

The operator's approve ratio and the decisions forced per application are kept in the database, like the
platform policy (services/policy_config.py): each change is one transaction that writes the stored value, an
entry of the append-only change history (kinds `simulator` and `simulator_force`, whose length is the
configuration version every process polls) and an entry of the audit log. The simulator reads them at each
decision from the live configuration (services/live_config.py), so the process that made the change applies it
at once and every other one — API processes, `icpflow worker` — within `ICPFLOW_CONFIG_REFRESH_SECONDS`; they
survive a restart. The deployment setting `ICPFLOW_SIMULATOR_APPROVE_RATIO` stays the base: resetting the ratio
returns to it. A real or manual gateway has no such controls: `tunable()` returns None for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from ..domain.config import ConfigChange, ConfigProblem
from ..domain.errors import InvalidRequest
from ..domain.model import Application
from ..domain.notifications import Channel, Notifier
from ..domain.regulator import BureauSubmission, FaceTask, RegulatorGateway, SmsMessage
from ..domain.simulator_config import (
    APPROVE_RATIO,
    ForcedBureauDecision,
    SimulatorSetting,
    check_approve_ratio,
)
from ..domain.workflow import State
from . import worker
from .config import Configuration
from .filings import Workflow, apply_bureau_decision

#: `run_due_work` repeats the worker's pass while it finds work, at most this many times (a pass's
#: regulator call may plan a decision that is due at once, and that decision writes notifications)
MAX_PASSES = 5
#: the kinds of the change history the simulator's controls write
HISTORY_KINDS = ("simulator", "simulator_force")


@runtime_checkable
class TunableSimulator(Protocol):
    """A regulator gateway whose made-up decisions an operator may steer (the simulator)."""

    name: str
    is_simulator: bool
    seed: int
    #: the deployment's ratio (ICPFLOW_SIMULATOR_APPROVE_RATIO), used while the operator has set none
    approve_ratio: float
    bureau_delay: tuple[dt.timedelta, dt.timedelta]

    def send_sms(self, application_id: str, phones: Sequence[str], attempt: int,
                 now: dt.datetime) -> list[SmsMessage]: ...

    def submit_to_bureau(self, application_id: str, province: str, document: Mapping[str, Any],
                         now: dt.datetime, *, forced: bool | None = None) -> BureauSubmission: ...

    def create_face_task(self, application_id: str, principal_name: str, now: dt.datetime) -> FaceTask: ...


def tunable(gateway: RegulatorGateway) -> TunableSimulator | None:
    """The gateway as a simulator the operator may steer, or None (manual mode, a real channel)."""
    return gateway if gateway.is_simulator and isinstance(gateway, TunableSimulator) else None


# ----- what is in force ------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SimulatorState:
    """The simulator's tuning as stored: the deployment's ratio, the operator's (if set), the forced decisions."""

    deployed_ratio: float
    ratio_setting: SimulatorSetting | None
    forced: list[ForcedBureauDecision]

    @property
    def approve_ratio(self) -> float:
        return self.deployed_ratio if self.ratio_setting is None else self.ratio_setting.value

    @property
    def overridden(self) -> bool:
        return self.ratio_setting is not None


def simulator_state(cfg: Configuration, simulator: TunableSimulator) -> SimulatorState:
    """The values every process applies (within the refresh interval), read from the database."""
    with cfg.uow() as store:
        setting = next((s for s in store.simulator_settings() if s.key == APPROVE_RATIO), None)
        forced = store.forced_decisions()
    return SimulatorState(simulator.approve_ratio, setting, forced)


def _ratio(setting: SimulatorSetting | None, deployed: float) -> dict[str, Any]:
    """The ratio in force, as recorded in the history: the operator's, or the deployment's."""
    if setting is not None:
        return {APPROVE_RATIO: setting.value, "source": "operator"}
    return {APPROVE_RATIO: deployed, "source": "deployment"}


def _forced(decision: ForcedBureauDecision | None) -> dict[str, Any] | None:
    return None if decision is None else {"approved": decision.approved}


# ----- the approve ratio -------------------------------------------------------------------------------------

def set_approve_ratio(cfg: Configuration, simulator: TunableSimulator, ratio: float, *, actor: str) -> float:
    """Set the share of bureau approvals for submissions from now on, in every process; returns the ratio in
    force before."""
    try:
        value = check_approve_ratio(ratio)
    except ConfigProblem as exc:
        raise InvalidRequest(str(exc.problems[0][1]), errors=[
            {"path": APPROVE_RATIO, "found": str(ratio)[:60], "expected": exc.problems[0][1]}]) from None
    now = cfg.clock.now()
    deployed = simulator.approve_ratio
    with cfg.uow() as store:
        before = store.simulator_setting(APPROVE_RATIO)
        previous = deployed if before is None else before.value
        if before is None or before.value != value:
            setting = SimulatorSetting(APPROVE_RATIO, value, set_by=actor, set_at=now)
            store.put_simulator_setting(setting)
            store.record_change(ConfigChange("simulator", APPROVE_RATIO, "set", _ratio(before, deployed),
                                             _ratio(setting, deployed), "", actor, now))
            store.commit()
    cfg.live.refresh()
    return previous


def reset_approve_ratio(cfg: Configuration, simulator: TunableSimulator, *, actor: str) -> float | None:
    """Remove the operator's ratio: the deployment's (ICPFLOW_SIMULATOR_APPROVE_RATIO) applies again. Returns the
    operator's ratio removed, or None when there was none."""
    now = cfg.clock.now()
    with cfg.uow() as store:
        before = store.simulator_setting(APPROVE_RATIO)
        if before is None:
            return None
        store.delete_simulator_setting(APPROVE_RATIO)
        deployed = simulator.approve_ratio
        store.record_change(ConfigChange("simulator", APPROVE_RATIO, "delete", _ratio(before, deployed),
                                         _ratio(None, deployed), "", actor, now))
        store.commit()
    cfg.live.refresh()
    return before.value


# ----- forced decisions --------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ForcedDecision:
    application: Application
    #: True when the application was in bureau review and the decision was applied at once; False when it
    #: is remembered for the application's later submissions to the (simulated) bureau
    applied: bool


def force_bureau_decision(wf: Workflow, cfg: Configuration, simulator: TunableSimulator, application_id: str,
                          approved: bool, *, actor: str) -> ForcedDecision:
    """Make the simulated bureau approve or reject this application.

    In bureau review now: the simulator decides at once (a rejection carries reasons drawn from the
    catalogue as usual) and the decision is applied, so nobody waits for the planned delay; a decision
    remembered for the application is cleared, and a later resubmission is drawn as usual again. Otherwise the
    decision is remembered, in the database, for the application's submissions to the bureau (by whichever
    process makes them) until the operator clears it (`clear_forced`)."""
    with wf.uow() as store:
        app = store.get_application(application_id.strip())  # NotFound for a mistyped id
    if app.state is not State.BUREAU_REVIEW:
        _remember(cfg, app.id, approved, actor)
        return ForcedDecision(app, applied=False)
    submission = simulator.submit_to_bureau(app.id, app.province, app.document, wf.clock.now(), forced=approved)
    if submission.planned is None:  # a simulator always plans; anything else is left to the worker
        _remember(cfg, app.id, approved, actor)
        return ForcedDecision(app, applied=False)
    decided = apply_bureau_decision(wf, app.id, submission.planned.decision, actor=f"regulator:{simulator.name}")
    now = cfg.clock.now()
    with cfg.uow() as config_store:  # used: not kept for a later submission
        before = config_store.forced_decision(app.id)
        if before is not None:
            config_store.delete_forced_decision(app.id)
        config_store.record_change(ConfigChange("simulator_force", app.id, "apply", _forced(before),
                                                {"approved": approved, "applied": True}, "", actor, now))
        config_store.commit()
    cfg.live.refresh()
    return ForcedDecision(decided, applied=True)


def _remember(cfg: Configuration, application_id: str, approved: bool, actor: str) -> None:
    now = cfg.clock.now()
    with cfg.uow() as store:
        before = store.forced_decision(application_id)
        if before is not None and before.approved == approved:
            return  # already so: no change to record
        store.put_forced_decision(ForcedBureauDecision(application_id, approved, set_by=actor, set_at=now))
        store.record_change(ConfigChange("simulator_force", application_id, "set", _forced(before),
                                         {"approved": approved, "applied": False}, "", actor, now))
        store.commit()
    cfg.live.refresh()


def clear_forced(cfg: Configuration, application_id: str, *, actor: str) -> bool:
    """Forget a decision remembered for an application, in every process; False when there was none."""
    application_id = application_id.strip()
    now = cfg.clock.now()
    with cfg.uow() as store:
        before = store.forced_decision(application_id)
        if before is None:
            return False
        store.delete_forced_decision(application_id)
        store.record_change(ConfigChange("simulator_force", application_id, "delete", _forced(before), None, "",
                                         actor, now))
        store.commit()
    cfg.live.refresh()
    return True


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
