"""A material a rule asks for meets the requirement in its slot, and leaves it unmet (位置不对) in another.

The materials come from rules of every domain noun; their firing and quiet cases are with the noun
(`test_every_rule.py` lists the modules).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from icpflow.domain.rules.engine import Checker

from .cases import FINANCE_SCOPE, Doc, count_under_subject, game_with, missing_id_back
from .conftest import (
    attach,
    filing,
    individual,
    non_legal_subject_principal,
    requirements_of,
    run,
    separate_program_principal,
    with_scope,
    without_attachment,
)


@dataclass(frozen=True)
class Material:
    rule_id: str
    build: Callable[[], Doc]  # the case that needs the material, without it
    kind: str
    slot: str
    wrong_slot: str


MATERIALS = [
    Material("province.subject_principal.authorization_letter", lambda: non_legal_subject_principal(filing("320000")),
             "subject_principal_authorization", "subject_supplementary", "program_supplementary"),
    Material("province.program_principal.authorization_letter", lambda: separate_program_principal(filing("310000")),
             "program_principal_authorization", "program_supplementary", "subject_supplementary"),
    Material("province.shaanxi.construction_plan", count_under_subject("610000", 31),
             "construction_plan", "program_supplementary", "subject_supplementary"),
    Material("province.fujian.site_screenshots", count_under_subject("350000", 2),
             "site_screenshots", "program_supplementary", "subject_supplementary"),
    Material("province.guangdong.filing_commitment",
             lambda: without_attachment(filing("440000"), "commitment"),
             "guangdong_filing_commitment", "filing_commitment", "subject_supplementary"),
    Material("province.chongqing.public_commitment",
             lambda: without_attachment(filing("500000"), "commitment"),
             "chongqing_public_commitment", "filing_commitment", "subject_supplementary"),
    Material("province.individual.residence_proof", lambda: individual("440000", home_area="330106"),
             "residence_proof", "subject_supplementary", "program_supplementary"),
    Material("nationwide.pre_approval_non_involvement", lambda: with_scope(filing(), FINANCE_SCOPE),
             "non_involvement_commitment", "program_supplementary", "subject_supplementary"),
    Material("province.game.authorization_letter", game_with("610000", 1),
             "publication_authorization", "program_supplementary", "pre_approval"),
    Material("province.game.authorization_letter", game_with("330000", 1),
             "publication_authorization", "pre_approval", "program_supplementary"),
    Material("province.game.authorization_explanation",
             game_with("440000", 2, ("publication_authorization", "program_supplementary")),
             "authorization_explanation", "program_supplementary", "pre_approval"),
    Material("province.game.authorization_explanation",
             game_with("120000", 2, ("publication_authorization", "pre_approval")),
             "authorization_explanation", "pre_approval", "program_supplementary"),
    Material("nationwide.identity_photos", missing_id_back, "id_back", "subject_principal_id", "program_principal_id"),
]
_MATERIAL_IDS = [f"{m.rule_id}-{m.kind}-{m.slot}" for m in MATERIALS]


def _requirement(report: Doc, material: Material) -> list[Doc]:
    return [r for r in requirements_of(report, material.rule_id) if r["kind"] == material.kind]


@pytest.mark.parametrize("material", MATERIALS, ids=_MATERIAL_IDS)
def test_material_in_its_slot_meets_the_requirement(material: Material, checker: Checker) -> None:
    report = run(attach(material.build(), material.kind, material.slot), checker=checker)
    assert [(r["slot"], r["met"]) for r in _requirement(report, material)] == [(material.slot, True)]


@pytest.mark.parametrize("material", MATERIALS, ids=_MATERIAL_IDS)
def test_material_in_another_slot_leaves_the_requirement_unmet(material: Material, checker: Checker) -> None:
    report = run(attach(material.build(), material.kind, material.wrong_slot), checker=checker)
    [requirement] = _requirement(report, material)
    assert (requirement["slot"], requirement["met"]) == (material.slot, False)
    assert "位置不对" in requirement["reason"]
