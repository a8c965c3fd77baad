"""The rule catalogue as data: loading, operator overrides, effective dates, and what every rule must carry."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from icpflow.adapters.reference_data import package_data
from icpflow.bootstrap import load_catalogue, load_regions, load_scanner
from icpflow.config import Settings
from icpflow.domain.policy import Policy
from icpflow.domain.rules.catalogue import Catalogue, CatalogueError
from icpflow.domain.rules.engine import Checker, known_evaluators
from icpflow.testing import StaticImageProbe

from .conftest import (
    attach,
    filing,
    findings_of,
    fired,
    non_legal_subject_principal,
    requirements_of,
    run,
    without_attachment,
)
from .test_every_rule import CASES

REPO_ROOT = Path(__file__).resolve().parents[2]
LEGAL_REP_ONLY = "province.subject_principal.legal_rep_only"
CHONGQING = "province.chongqing.public_commitment"
#: The seed documents (shared/seeds/README.md); a source naming any other seed file is a typo.
SEEDS = frozenset({"000_8838124d212bbbd1.txt", "001_edd01ed65df7a799.txt", "003_0f40c4fde18277ca.txt",
                   "004_58a0f6ee9b17c945.txt"})
CJK = re.compile(r"[\u4e00-\u9fff]")


def catalogue_with(overrides: dict[str, Any]) -> Catalogue:
    return Catalogue.from_mapping(package_data("rules.toml"), known_checks=known_evaluators(), overrides=overrides)


def checker_of(catalogue: Catalogue) -> Checker:
    return Checker(catalogue, load_regions(), load_scanner(), Policy())


def zhejiang_principal_not_legal_rep() -> dict[str, Any]:
    return non_legal_subject_principal(filing("330000"))


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "overrides.toml"
    path.write_text(text, encoding="utf-8")
    return path


# ----- overrides change behaviour ----------------------------------------------------------------------


def test_the_shipped_catalogue_fires_legal_rep_only_in_zhejiang(checker: Checker) -> None:
    """The baseline the override tests below change."""
    report = run(zhejiang_principal_not_legal_rep(), checker=checker)
    assert (fired(report), report["verdict"]) == ({LEGAL_REP_ONLY}, "blocked")


def test_an_override_that_disables_a_rule_stops_it_firing() -> None:
    checker = checker_of(catalogue_with({"rules": {LEGAL_REP_ONLY: {"enabled": False}}}))
    assert LEGAL_REP_ONLY not in fired(run(zhejiang_principal_not_legal_rep(), checker=checker))


def test_an_override_to_warning_severity_turns_a_blocked_verdict_ready() -> None:
    checker = checker_of(catalogue_with({"rules": {LEGAL_REP_ONLY: {"severity": "warning"}}}))
    report = run(zhejiang_principal_not_legal_rep(), checker=checker)
    assert [f["severity"] for f in findings_of(report, LEGAL_REP_ONLY)] == ["warning"]
    assert report["verdict"] == "ready"


def test_an_override_of_scope_provinces_moves_the_rule_to_those_provinces() -> None:
    scope = {"provinces": ["110000"], "natures_excluded": ["individual"], "kinds": ["new", "change"]}
    checker = checker_of(catalogue_with({"rules": {LEGAL_REP_ONLY: {"scope": scope}}}))
    beijing = run(non_legal_subject_principal(filing("110000")), checker=checker)
    zhejiang = run(zhejiang_principal_not_legal_rep(), checker=checker)
    assert (LEGAL_REP_ONLY in fired(beijing), LEGAL_REP_ONLY in fired(zhejiang)) == (True, False)


def test_an_override_keeps_the_rules_it_does_not_name() -> None:
    catalogue = catalogue_with({"rules": {LEGAL_REP_ONLY: {"enabled": False}}})
    shipped = catalogue_with({})
    changed = {r.id for r in catalogue.rules if r != shipped.by_id[r.id]}
    assert changed == {LEGAL_REP_ONLY}


def test_an_override_records_its_reason_on_the_rule() -> None:
    catalogue = catalogue_with({"rules": {LEGAL_REP_ONLY: {"enabled": False, "reason": "管局已放宽"}}})
    assert catalogue.by_id[LEGAL_REP_ONLY].overridden == "管局已放宽"


def test_chongqing_letter_is_required_in_the_filing_commitment_slot_by_default(checker: Checker) -> None:
    report = run(without_attachment(filing("500000"), "commitment"), checker=checker)
    assert [r["slot"] for r in requirements_of(report, CHONGQING)] == ["filing_commitment"]


def test_an_override_file_moves_the_chongqing_letter_to_subject_supplementary(tmp_path: Path) -> None:
    path = write(tmp_path, f'[rules."{CHONGQING}"]\nparams = {{ slot = "subject_supplementary" }}\n')
    checker = checker_of(load_catalogue(Settings(rules_override_file=path)))
    in_old_slot = run(filing("500000"), checker=checker)  # make_filing uploads it to 备案承诺书
    in_new_slot = run(attach(without_attachment(filing("500000"), "commitment"), "chongqing_public_commitment",
                             "subject_supplementary"), checker=checker)
    assert [(r["slot"], r["met"]) for r in requirements_of(in_old_slot, CHONGQING)] == [
        ("subject_supplementary", False)]
    assert [(r["slot"], r["met"]) for r in requirements_of(in_new_slot, CHONGQING)] == [
        ("subject_supplementary", True)]


def test_an_override_merges_params_and_keeps_the_ones_it_does_not_set() -> None:
    catalogue = catalogue_with({"rules": {CHONGQING: {"params": {"slot": "subject_supplementary"}}}})
    params = catalogue.by_id[CHONGQING].params
    assert (params["slot"], params["kind"]) == ("subject_supplementary", "chongqing_public_commitment")


@pytest.mark.parametrize("path", sorted((REPO_ROOT / "examples" / "overrides").glob("*.toml")), ids=lambda p: p.name)
def test_every_example_override_file_loads(path: Path) -> None:
    catalogue = load_catalogue(Settings(rules_override_file=path))
    assert any(r.overridden for r in catalogue.rules)


# ----- bad overrides are refused, naming where -------------------------------------------------------


def test_an_override_naming_an_unknown_rule_is_refused_with_its_path() -> None:
    with pytest.raises(CatalogueError) as caught:
        catalogue_with({"rules": {"province.atlantis.anything": {"enabled": False}}})
    assert [path for path, _ in caught.value.problems] == ["rules.province.atlantis.anything"]


def test_an_override_with_an_unknown_key_is_refused_with_its_path() -> None:
    with pytest.raises(CatalogueError) as caught:
        catalogue_with({"rules": {LEGAL_REP_ONLY: {"colour": "red"}}})
    assert [path for path, _ in caught.value.problems] == [f"rules.{LEGAL_REP_ONLY}.colour"]


def test_an_override_with_a_bad_severity_is_refused_with_its_path() -> None:
    with pytest.raises(CatalogueError) as caught:
        catalogue_with({"rules": {LEGAL_REP_ONLY: {"severity": "fatal"}}})
    assert [path for path, _ in caught.value.problems] == [f"rules.{LEGAL_REP_ONLY}.severity"]


def test_a_bad_override_file_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, f'[rules."{LEGAL_REP_ONLY}"]\nseverity = "fatal"\n')
    with pytest.raises(CatalogueError, match=re.escape(str(path))):
        load_catalogue(Settings(rules_override_file=path))


def test_a_catalogue_naming_an_unknown_evaluator_is_refused_with_its_path() -> None:
    data = package_data("rules.toml")
    data["rule"][0]["check"] = "no_such_evaluator"
    with pytest.raises(CatalogueError) as caught:
        Catalogue.from_mapping(data, known_checks=known_evaluators())
    assert [path for path, _ in caught.value.problems] == ["rule[0].check"]


# ----- effective dates ----------------------------------------------------------------------------------


def test_a_rule_does_not_fire_the_day_before_it_takes_effect(checker: Checker) -> None:
    day = checker.catalogue.by_id[LEGAL_REP_ONLY].effective_from - dt.timedelta(days=1)
    doc = non_legal_subject_principal(filing("330000", submitted_on=day.isoformat()))
    assert LEGAL_REP_ONLY not in fired(run(doc, checker=checker))


def test_a_rule_fires_on_the_day_it_takes_effect(checker: Checker) -> None:
    day = checker.catalogue.by_id[LEGAL_REP_ONLY].effective_from
    doc = non_legal_subject_principal(filing("330000", submitted_on=day.isoformat()))
    assert LEGAL_REP_ONLY in fired(run(doc, checker=checker))


def test_an_override_that_postpones_a_rule_keeps_it_quiet_until_then() -> None:
    checker = checker_of(catalogue_with({"rules": {LEGAL_REP_ONLY: {"effective_from": dt.date(2026, 12, 1)}}}))
    before = non_legal_subject_principal(filing("330000", submitted_on="2026-11-30"))
    after = non_legal_subject_principal(filing("330000", submitted_on="2026-12-01"))
    assert (LEGAL_REP_ONLY in fired(run(before, checker=checker)),
            LEGAL_REP_ONLY in fired(run(after, checker=checker))) == (False, True)


def test_a_rule_stops_firing_after_its_effective_to_day() -> None:
    checker = checker_of(catalogue_with({"rules": {LEGAL_REP_ONLY: {"effective_to": dt.date(2026, 11, 30)}}}))
    last = non_legal_subject_principal(filing("330000", submitted_on="2026-11-30"))
    after = non_legal_subject_principal(filing("330000", submitted_on="2026-12-01"))
    assert (LEGAL_REP_ONLY in fired(run(last, checker=checker)),
            LEGAL_REP_ONLY in fired(run(after, checker=checker))) == (True, False)


# ----- what every rule carries ---------------------------------------------------------------------------


def _cited_documents(source: str) -> set[str]:
    seeds = set(re.findall(r"\b\d{3}_[0-9a-f]{16}\.txt\b", source))
    docs = set(re.findall(r"\breference/[\w.-]+\.md\b|\bfiling-document\.md\b", source))
    return seeds | docs


def test_every_rule_cites_a_seed_file_or_a_reference_document(checker: Checker) -> None:
    uncited = [r.id for r in checker.catalogue.rules if not _cited_documents(r.source)]
    assert uncited == []


def test_every_seed_file_a_rule_cites_exists(checker: Checker) -> None:
    cited = {doc for r in checker.catalogue.rules for doc in _cited_documents(r.source) if doc.endswith(".txt")}
    assert cited - SEEDS == set()


def test_every_rule_has_a_chinese_message_and_fix(checker: Checker) -> None:
    """Templates may be made of placeholders (`{detail}`); the rendered text must be Chinese and complete."""
    rendered: dict[str, list[str]] = {}
    for case in CASES:
        if not case.fires or case.settings:
            continue
        probe = StaticImageProbe(case.images) if case.images is not None else None
        report = run(case.build(), checker=checker, probe=probe)
        texts = [t for f in findings_of(report, case.rule_id) for t in (f["message"], f["fix"])]
        texts += [r["reason"] for r in requirements_of(report, case.rule_id) if not r["met"]]
        rendered.setdefault(case.rule_id, []).extend(texts)
    bad = sorted(rule_id for rule_id, texts in rendered.items()
                 if not texts or any(not CJK.search(t) or re.search(r"\{\w+\}", t) for t in texts))
    assert (bad, set(rendered)) == ([], {r.id for r in checker.catalogue.rules})
