"""Every rule of the catalogue has a case that triggers it and a near miss that does not.

A rule "fires" when the report has a finding with its id or a requirement with its id that is not met.
The quiet case is always a near miss: the same province and case with the condition just not met, or
with the material supplied, so a rule that fires on everything (or on nothing) fails here.

The cases are in the test module of the domain noun whose evaluator the rule uses, after the modules of
`icpflow/domain/rules/`: `test_subject_rules.py`, `test_people_rules.py`, `test_program_rules.py` and
`test_attachment_rules.py` (`cases.py` holds the `Case` they share). This module gathers their tables and
runs every case.
"""

from __future__ import annotations

import pytest

from icpflow.domain.rules.engine import Checker

from .cases import Case, case_params, fired_by
from .test_attachment_rules import CASES as ATTACHMENT_CASES
from .test_people_rules import CASES as PEOPLE_CASES
from .test_program_rules import CASES as PROGRAM_CASES
from .test_subject_rules import CASES as SUBJECT_CASES

CASES: list[Case] = [*SUBJECT_CASES, *PEOPLE_CASES, *PROGRAM_CASES, *ATTACHMENT_CASES]


@pytest.mark.parametrize("case", case_params(CASES))
def test_rule_fires_exactly_when_its_condition_holds(case: Case, checker: Checker) -> None:
    rules = fired_by(case, checker)
    assert (case.rule_id in rules) is case.fires, sorted(rules)


def test_every_catalogue_rule_has_a_firing_and_a_quiet_case(checker: Checker) -> None:
    catalogue = {r.id for r in checker.catalogue.rules}
    firing = {c.rule_id for c in CASES if c.fires}
    quiet = {c.rule_id for c in CASES if not c.fires}
    problems = {
        "no firing case": sorted(catalogue - firing),
        "no quiet case": sorted(catalogue - quiet),
        "not in the catalogue": sorted(({c.rule_id for c in CASES}) - catalogue),
    }
    assert problems == {"no firing case": [], "no quiet case": [], "not in the catalogue": []}


def test_case_ids_are_unique() -> None:
    ids = [f"{c.rule_id}-{c.name}" for c in CASES]
    assert sorted({i for i in ids if ids.count(i) > 1}) == []
