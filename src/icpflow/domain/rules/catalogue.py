"""The rule catalogue (规则目录): rules as data, with operator overrides.

Each rule in `icpflow/data/rules.toml` names the evaluator (`check`) that runs it, where it applies
(`scope`), its severity, Chinese message and fix, the seed section it comes from and its effective
dates. An operator override file may change any of those fields of any rule, or disable it, without a
deploy. Parsing is strict: an unknown key, evaluator or rule id is refused at start-up, with its path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..enums import FilingKind, ProgramType, Severity, SubjectNature


class CatalogueError(ValueError):
    """The catalogue or an override file is not valid; `problems` lists `(path, message)`."""

    def __init__(self, origin: str, problems: list[tuple[str, str]]) -> None:
        self.origin = origin
        self.problems = problems
        lines = "; ".join(f"{path}: {msg}" for path, msg in problems)
        super().__init__(f"{origin}: {lines}")


class _ScopeSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    provinces: list[str] | None = None
    provinces_excluded: list[str] = Field(default_factory=list)
    natures: list[SubjectNature] | None = None
    natures_excluded: list[SubjectNature] = Field(default_factory=list)
    program_types: list[ProgramType] | None = None
    kinds: list[FilingKind] | None = None


class _RuleSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z_]+(\.[a-z0-9_]+)+$")
    check: str
    title: str
    severity: Severity = Severity.ERROR
    scope: _ScopeSpec = Field(default_factory=_ScopeSpec)
    source: str = Field(min_length=8)
    effective_from: dt.date
    effective_to: dt.date | None = None
    message: str
    fix: str
    note: str = ""
    enabled: bool = True
    params: dict[str, Any] = Field(default_factory=dict)


class _CatalogueSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: str
    rule: list[_RuleSpec]


class _OverrideSpec(BaseModel):
    """Every field optional: only what the operator sets changes. `params` keys are merged."""

    model_config = ConfigDict(extra="forbid")
    enabled: bool | None = None
    severity: Severity | None = None
    scope: _ScopeSpec | None = None
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    message: str | None = None
    fix: str | None = None
    source: str | None = None
    note: str | None = None
    params: dict[str, Any] | None = None
    reason: str = ""


class _OverridesFileSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rules: dict[str, _OverrideSpec] = Field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Scope:
    provinces: frozenset[str] | None = None
    provinces_excluded: frozenset[str] = frozenset()
    natures: frozenset[str] | None = None
    natures_excluded: frozenset[str] = frozenset()
    program_types: frozenset[str] | None = None
    kinds: frozenset[str] | None = None

    def covers(self, province: str, nature: str, program_type: str, kind: str) -> bool:
        if self.provinces is not None and province not in self.provinces:
            return False
        if province in self.provinces_excluded:
            return False
        if self.natures is not None and nature not in self.natures:
            return False
        if nature in self.natures_excluded:
            return False
        if self.program_types is not None and program_type not in self.program_types:
            return False
        return self.kinds is None or kind in self.kinds


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    check: str
    title: str
    severity: Severity
    scope: Scope
    source: str
    effective_from: dt.date
    effective_to: dt.date | None
    message: str
    fix: str
    note: str = ""
    enabled: bool = True
    params: Mapping[str, Any] = field(default_factory=dict)
    overridden: str = ""

    def in_force(self, day: dt.date) -> bool:
        if not self.enabled or day < self.effective_from:
            return False
        return self.effective_to is None or day <= self.effective_to


def _scope(spec: _ScopeSpec) -> Scope:
    def opt(values: list[Any] | None) -> frozenset[str] | None:
        return None if values is None else frozenset(str(v) for v in values)

    return Scope(
        provinces=opt(spec.provinces),
        provinces_excluded=frozenset(spec.provinces_excluded),
        natures=opt(spec.natures),
        natures_excluded=frozenset(str(n) for n in spec.natures_excluded),
        program_types=opt(spec.program_types),
        kinds=opt(spec.kinds),
    )


def _problems(exc: ValidationError) -> list[tuple[str, str]]:
    return [(".".join(str(p) for p in err["loc"]), err["msg"]) for err in exc.errors()]


class Case:
    """The rules in force for one (province, nature, program type, kind, day), in catalogue order, by id.

    `plan` is for the engine: what it derives from `rules` once per case (the evaluator of each rule), kept
    here so that it lives and dies with the catalogue it was derived from.
    """

    __slots__ = ("plan", "rules")

    def __init__(self, rules: dict[str, Rule]) -> None:
        self.rules = rules
        self.plan: Any = None


class Catalogue:
    """The rules in force, indexed by where they apply. Built once; `applicable()` is cached per case."""

    def __init__(self, version: str, rules: list[Rule]) -> None:
        self.version = version
        self.rules: tuple[Rule, ...] = tuple(rules)
        self.by_id: dict[str, Rule] = {r.id: r for r in rules}
        self._cache: dict[tuple[str, str, str, str, dt.date], Case] = {}

    @classmethod
    def from_mapping(
        cls,
        data: Mapping[str, Any],
        *,
        known_checks: frozenset[str],
        overrides: Mapping[str, Any] | None = None,
        origin: str = "rules.toml",
        overrides_origin: str = "overrides",
    ) -> Catalogue:
        try:
            spec = _CatalogueSpec.model_validate(data)
        except ValidationError as exc:
            raise CatalogueError(origin, _problems(exc)) from None
        problems: list[tuple[str, str]] = []
        seen: set[str] = set()
        for i, r in enumerate(spec.rule):
            if r.id in seen:
                problems.append((f"rule[{i}].id", f"duplicate rule id {r.id}"))
            seen.add(r.id)
            if r.check not in known_checks:
                problems.append((f"rule[{i}].check", f"unknown evaluator {r.check!r}"))
        if problems:
            raise CatalogueError(origin, problems)
        rules = [
            Rule(
                id=r.id,
                check=r.check,
                title=r.title,
                severity=r.severity,
                scope=_scope(r.scope),
                source=r.source,
                effective_from=r.effective_from,
                effective_to=r.effective_to,
                message=r.message,
                fix=r.fix,
                note=r.note,
                enabled=r.enabled,
                params=dict(r.params),
            )
            for r in spec.rule
        ]
        if overrides:
            rules = _apply_overrides(rules, overrides, overrides_origin)
        return cls(spec.version, rules)

    def applicable(
        self, province: str, nature: str, program_type: str, kind: str, day: dt.date
    ) -> dict[str, Rule]:
        """The rules in force for this case, by id, in catalogue order (cached: a batch repeats cases)."""
        return self.case(province, nature, program_type, kind, day).rules

    def case(self, province: str, nature: str, program_type: str, kind: str, day: dt.date) -> Case:
        """`applicable()` with the engine's plan for it (cached: a batch repeats cases)."""
        key = (province, nature, program_type, kind, day)
        found = self._cache.get(key)
        if found is None:
            found = Case({
                r.id: r
                for r in self.rules
                if r.in_force(day) and r.scope.covers(province, nature, program_type, kind)
            })
            if len(self._cache) > 4096:
                self._cache.clear()
            self._cache[key] = found
        return found


def _apply_overrides(rules: list[Rule], data: Mapping[str, Any], origin: str) -> list[Rule]:
    try:
        spec = _OverridesFileSpec.model_validate(data)
    except ValidationError as exc:
        raise CatalogueError(origin, _problems(exc)) from None
    known = {r.id for r in rules}
    unknown = [rid for rid in spec.rules if rid not in known]
    if unknown:
        raise CatalogueError(origin, [(f"rules.{rid}", "no such rule in the catalogue") for rid in unknown])
    out: list[Rule] = []
    for rule in rules:
        o = spec.rules.get(rule.id)
        if o is None:
            out.append(rule)
            continue
        params = dict(rule.params)
        if o.params:
            params.update(o.params)
        out.append(
            Rule(
                id=rule.id,
                check=rule.check,
                title=rule.title,
                severity=o.severity or rule.severity,
                scope=_scope(o.scope) if o.scope is not None else rule.scope,
                source=o.source or rule.source,
                effective_from=o.effective_from or rule.effective_from,
                effective_to=o.effective_to if o.effective_to is not None else rule.effective_to,
                message=o.message or rule.message,
                fix=o.fix or rule.fix,
                note=o.note if o.note is not None else rule.note,
                enabled=rule.enabled if o.enabled is None else o.enabled,
                params=params,
                overridden=o.reason or origin,
            )
        )
    return out
