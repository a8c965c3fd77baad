"""The regulator simulator's tuning (模拟器设置) operators change at runtime: the share of bureau approvals and
the bureau decisions forced per application, as stored and as the simulator reads them.

The deployment setting `ICPFLOW_SIMULATOR_APPROVE_RATIO` stays the base; the operator's approve ratio replaces
it until reset. A forced decision (指定管局结果) applies to the application's submissions to the simulated
bureau until the operator clears it, or is applied at once to an application in bureau review. Both are kept
in the database, so every process (API, console, `icpflow worker`) decides with the same values and they
survive a restart (services/live_config.py, services/simulator_controls.py).

Pure: values and their checks, with Chinese messages.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from .config import ConfigProblem

#: the stored key of the operator's approve ratio (the only simulator setting an operator may change)
APPROVE_RATIO = "approve_ratio"
APPROVE_RATIO_LABEL = "模拟管局通过率"


@dataclass(frozen=True, slots=True)
class SimulatorSetting:
    """The operator's value of one simulator setting, as stored (`key` is `APPROVE_RATIO`)."""

    key: str
    value: float
    set_by: str = ""
    set_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class ForcedBureauDecision:
    """A bureau decision the operator forced for one application: True approves, False rejects."""

    application_id: str
    approved: bool
    set_by: str = ""
    set_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class SimulatorTuning:
    """What the simulator reads when it decides: the operator's approve ratio (None: the deployment's) and the
    forced decisions by application id."""

    approve_ratio: float | None = None
    forced: Mapping[str, bool] = field(default_factory=dict)


def approve_ratio_problem(value: object) -> str | None:
    """Why `value` cannot be an approve ratio (in Chinese, naming the field), or None."""
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value) \
            and 0.0 <= value <= 1.0:
        return None
    return (f"{APPROVE_RATIO_LABEL}（{APPROVE_RATIO}）应为 0 到 1 之间的数（如 0.8 表示 80% 通过），"
            f"收到 {value!r}")


def check_approve_ratio(value: object) -> float:
    """`value` as an approve ratio; ConfigProblem naming the field when it is not a number from 0 to 1."""
    problem = approve_ratio_problem(value)
    if problem is not None:
        raise ConfigProblem([(APPROVE_RATIO, problem)])
    assert isinstance(value, int | float)
    return float(value)
