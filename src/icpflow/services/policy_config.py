"""Use cases of the platform policy operators change at runtime (运营调整平台策略): the policy in force key by
key, setting keys, and resetting a key to its deployment value.

As with rule overrides (services/config.py), each change is one transaction that writes the stored value,
an entry of the append-only change history (kind `policy`, one per key) and an entry of the audit log
(`policy_set` / `policy_reset`, with `detail.before/after`: the value in force and where it came from).
The process that made the change applies it at once, the others within `ICPFLOW_CONFIG_REFRESH_SECONDS`.

Deadlines already computed and stored are not recomputed when a review-day value changes; a daily quota
already used today stays used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..domain.config import ConfigChange, ConfigProblem
from ..domain.errors import InvalidRequest, NotFound
from ..domain.policy_config import (
    KEYS,
    POLICY_KEYS,
    JsonValue,
    PolicyKey,
    PolicyOverride,
    PolicyValue,
    check_note,
    check_policy_values,
    to_json,
)
from .config import Configuration
from .live_config import Policies


@dataclass(frozen=True, slots=True)
class PolicyItem:
    """One key of the platform policy: the value in force in this process, the deployment value, and the
    operator's stored value when there is one."""

    spec: PolicyKey
    value: PolicyValue
    deployed: PolicyValue
    override: PolicyOverride | None

    @property
    def key(self) -> str:
        return self.spec.name

    @property
    def overridden(self) -> bool:
        return self.override is not None


def policy_items(cfg: Configuration) -> list[PolicyItem]:
    """Every key, in the order the console shows them."""
    snapshot = cfg.live.current()
    base = cfg.live.base_policies
    return [PolicyItem(spec, snapshot.policies.value(spec.name), base.value(spec.name),
                       snapshot.policy_overrides.get(spec.name)) for spec in POLICY_KEYS]


def _invalid(exc: ConfigProblem, given: Mapping[str, object]) -> InvalidRequest:
    errors = [{"path": path, "found": str(given.get(path, ""))[:60], "expected": message}
              for path, message in exc.problems]
    return InvalidRequest("平台策略有误：" + str(exc), errors=errors)


def _state(key: str, override: PolicyOverride | None, base: Policies) -> dict[str, JsonValue]:
    """A key's value in force, as recorded in the history: the operator's, or the deployment's."""
    if override is not None:
        return {key: override.value, "source": "operator"}
    return {key: to_json(base.value(key)), "source": "deployment"}


def set_policy(cfg: Configuration, values: Mapping[str, object], *, actor: str, note: object = "",
               text: bool = False) -> list[PolicyItem]:
    """Set the keys of `values` (JSON values, or text typed by a person when `text`), in one transaction;
    the other keys keep their values. Every value is checked first: one bad value changes nothing."""
    try:
        reason = check_note(note)
        parsed = check_policy_values(values, text=text)
    except ConfigProblem as exc:
        raise _invalid(exc, {**values, "note": note}) from None
    now = cfg.clock.now()
    base = cfg.live.base_policies
    with cfg.uow() as store:
        for key, value in parsed.items():
            before = store.policy_override(key)
            override = PolicyOverride(key, to_json(value), reason, updated_by=actor, updated_at=now)
            if before is not None and before.value == override.value:
                continue  # already so: no change to record
            store.put_policy_override(override)
            store.record_change(ConfigChange("policy", key, "set", _state(key, before, base),
                                             _state(key, override, base), reason, actor, now))
        store.commit()
    cfg.live.refresh()
    return policy_items(cfg)


def reset_policy(cfg: Configuration, key: str, *, actor: str, note: str = "") -> list[PolicyItem]:
    """Remove the operator's value of `key`: the deployment setting applies again."""
    if key not in KEYS:
        raise NotFound("策略项", key)
    try:
        reason = check_note(note)
    except ConfigProblem as exc:
        raise _invalid(exc, {"note": note}) from None
    now = cfg.clock.now()
    base = cfg.live.base_policies
    with cfg.uow() as store:
        before = store.policy_override(key)
        if before is None:
            raise NotFound("策略项的运营设置", key)
        store.delete_policy_override(key)
        store.record_change(ConfigChange("policy", key, "delete", _state(key, before, base),
                                         _state(key, None, base), reason, actor, now))
        store.commit()
    cfg.live.refresh()
    return policy_items(cfg)


def item_dict(item: PolicyItem) -> dict[str, Any]:
    """A key as the API and the CLI's JSON show it."""
    override = item.override
    return {
        "key": item.key, "label": item.spec.label, "allowed": item.spec.allowed,
        "value": to_json(item.value), "deployment_value": to_json(item.deployed), "overridden": item.overridden,
        "override": None if override is None else {
            "value": override.value, "note": override.note, "updated_by": override.updated_by,
            "updated_at": override.updated_at.isoformat() if override.updated_at else None},
    }
