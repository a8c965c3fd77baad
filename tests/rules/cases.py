"""A firing or quiet case of one catalogue rule, how it is judged, and the builders several case tables share.

The tables are in the test module of the domain noun whose evaluator the rule uses (`test_subject_rules.py`,
`test_people_rules.py`, `test_program_rules.py`, `test_attachment_rules.py`, after the modules of
`icpflow/domain/rules/`); `test_every_rule.py` gathers them, runs them and checks every rule has both kinds of case.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest

from icpflow.domain.rules.context import ImageFacts
from icpflow.domain.rules.engine import Checker
from icpflow.testing import StaticImageProbe

from .conftest import attach, checker_with, filing, fired, game, run, without_attachment

Doc = dict[str, Any]


@dataclass(frozen=True)
class Case:
    rule_id: str
    name: str
    build: Callable[[], Doc]
    fires: bool
    #: file name -> what the image probe measures (None: no probe)
    images: Mapping[str, ImageFacts] | None = None
    #: non-default Settings for the checker
    settings: Mapping[str, Any] = field(default_factory=dict)


def case_params(cases: Iterable[Case]) -> list[Any]:
    """The cases as pytest parameters, each named `rule_id-name`."""
    return [pytest.param(c, id=f"{c.rule_id}-{c.name}") for c in cases]


def _checker_for(case: Case, default: Checker) -> Checker:
    return checker_with(**case.settings) if case.settings else default


def fired_by(case: Case, checker: Checker) -> set[str]:
    """The rules that fire on the case's document (with its settings and image facts, if it has any)."""
    probe = StaticImageProbe(case.images) if case.images is not None else None
    return fired(run(case.build(), checker=_checker_for(case, checker), probe=probe))


# ----- builders used by several modules -------------------------------------------------------------------

FINANCE_SCOPE = "投资管理；技术开发、技术服务。"


def with_letter(doc: Doc, kind: str, slot: str) -> Doc:
    return attach(doc, kind, slot)


def count_under_subject(province: str, count: int, material: str | None = None) -> Callable[[], Doc]:
    def build() -> Doc:
        doc = filing(province, {"program.count_under_subject": count})
        return attach(doc, material, "program_supplementary") if material else doc
    return build


def game_with(province: str, level: int, *materials: tuple[str, str]) -> Callable[[], Doc]:
    def build() -> Doc:
        doc = game(province, level=level)
        for kind, slot in materials:
            attach(doc, kind, slot)
        return doc
    return build


def bad_check_char(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


def missing_id_back() -> Doc:
    return without_attachment(filing(), "id-back")
