"""Shared fixtures and document builders for the rule tests.

Every builder starts from `make_filing`, which is READY in its province, and changes as little as possible
so that one rule fires (or, for a near miss, just does not).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import pytest

from icpflow.bootstrap import build_checker
from icpflow.config import Settings
from icpflow.domain.enums import SIGNED_LETTER_KINDS, AttachmentKind
from icpflow.domain.rules.engine import Checker
from icpflow.services.precheck import ImageProbe, check_raw
from icpflow.testing import PROVINCE_DISTRICTS, FrozenClock, make_filing, make_person, make_resident_id

#: The day every test document is judged on (make_filing's `submitted_on` is the same day).
JUDGED_ON = "2026-11-22"
#: A letter signed ten days before JUDGED_ON: inside the one-month window.
SIGNED_ON = "2026-11-12"
ISBN = "ISBN 978-7-498-01234-5"


@pytest.fixture(scope="session")
def checker() -> Checker:
    return build_checker(Settings())


@functools.cache
def checker_with(**settings: Any) -> Checker:
    """A checker built from non-default settings (built once per distinct settings)."""
    return build_checker(Settings(**settings))


def run(doc: dict[str, Any], *, checker: Checker, probe: ImageProbe | None = None) -> dict[str, Any]:
    """The report of `doc` as the JSON contract (`report.to_dict()`); the document must parse."""
    outcome = check_raw(doc, source="test", checker=checker, clock=FrozenClock(JUDGED_ON), probe=probe)
    assert outcome.report is not None, [p.to_dict() for p in outcome.problems]
    return outcome.report.to_dict()


def fired(report: dict[str, Any]) -> set[str]:
    """Rules that fired: a finding, or a requirement that is not met."""
    return {f["rule"] for f in report["findings"]} | {r["rule"] for r in report["requirements"] if not r["met"]}


def requirements_of(report: dict[str, Any], rule_id: str) -> list[dict[str, Any]]:
    return [r for r in report["requirements"] if r["rule"] == rule_id]


def findings_of(report: dict[str, Any], rule_id: str) -> list[dict[str, Any]]:
    return [f for f in report["findings"] if f["rule"] == rule_id]


# ----- editing documents -------------------------------------------------------------------------------

DELETE = object()


def patch(doc: dict[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """Set (or, with DELETE, remove) dotted paths such as `subject.principal.mobile` or `attachments.0.width`."""
    for path, value in changes.items():
        *parents, last = path.split(".")
        node: Any = doc
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        key: Any = int(last) if isinstance(node, list) else last
        if value is DELETE:
            del node[key]
        else:
            node[key] = value
    return doc


def filing(province: str = "330000", changes: Mapping[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
    """make_filing(province, **kwargs) with `changes` applied."""
    return patch(make_filing(province, **kwargs), changes or {})


def attach(doc: dict[str, Any], kind: str, slot: str, **fields: Any) -> dict[str, Any]:
    """Add an attachment (landscape, and signed ten days ago when it is a letter)."""
    att: dict[str, Any] = {"id": f"{kind}@{slot}", "slot": slot, "kind": kind, "width": 1600, "height": 1200}
    if AttachmentKind(kind) in SIGNED_LETTER_KINDS:
        att["signed_on"] = SIGNED_ON
    att.update(fields)
    doc["attachments"].append(att)
    return doc


def attachment(doc: dict[str, Any], att_id: str) -> dict[str, Any]:
    return next(a for a in doc["attachments"] if a["id"] == att_id)


def without_attachment(doc: dict[str, Any], att_id: str) -> dict[str, Any]:
    doc["attachments"] = [a for a in doc["attachments"] if a["id"] != att_id]
    return doc


def province_of(doc: dict[str, Any]) -> str:
    return str(doc["subject"]["address"]["province"])


def non_legal_subject_principal(doc: dict[str, Any]) -> dict[str, Any]:
    """The subject principal stays, but the certificate names someone else as legal representative."""
    district = PROVINCE_DISTRICTS[province_of(doc)]
    doc["subject"]["principal"]["is_legal_representative"] = False
    doc["subject"]["legal_representative"] = {
        "name": "赵某某", "id_type": "resident_id", "id_number": make_resident_id(district, seq=777)}
    return doc


def employee(doc: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A person of the subject's province who is not the legal representative (distinct ID and phones)."""
    person = make_person(PROVINCE_DISTRICTS[province_of(doc)], name="李某某", seq=600, legal_rep=False,
                         phone_seed=90)
    person.update(changes)
    return person


def separate_program_principal(doc: dict[str, Any], person: dict[str, Any] | None = None) -> dict[str, Any]:
    """Write out a mini-program principal (an employee unless `person` is given) with their ID photos."""
    doc["program"]["principal"] = employee(doc) if person is None else person
    attach(doc, "id_front", "program_principal_id", id="pp-front")
    attach(doc, "id_back", "program_principal_id", id="pp-back")
    return doc


def individual(province: str, *, home_area: str | None = None, id_address: str = "") -> dict[str, Any]:
    """An individual filing in `province` whose resident ID was issued in `home_area` (default: local)."""
    doc = make_filing(province, nature="individual")
    person = doc["subject"]["principal"]
    if home_area is not None:
        person["id_number"] = make_resident_id(home_area)
        doc["subject"]["certificate"]["number"] = person["id_number"]
    person["id_address"] = id_address
    return doc


def with_scope(doc: dict[str, Any], business_scope: str) -> dict[str, Any]:
    doc["subject"]["certificate"]["business_scope"] = business_scope
    return doc


def game(province: str, *, level: int = 0, isbn: str | None = ISBN, declared: bool = True,
         filing_approved: bool = False) -> dict[str, Any]:
    """A mini-game with a 版号 (declared as the 出版 pre-approval) at authorisation `level`."""
    doc = make_filing(province, program_type="mini_game")
    doc["program"]["game"] = {"publication_number": isbn, "authorization_level": level,
                              "mini_game_filing_approved": filing_approved}
    if isbn and declared:
        attach(doc, "pre_approval_document", "pre_approval", id="isbn")
        doc["program"]["pre_approvals"] = [{"category": "publishing", "number": isbn, "attachment": "isbn"}]
    return doc


def cancellation(kind: str, record_number: str, province: str = "330000") -> dict[str, Any]:
    """A cancel_subject / cancel_program / cancel_access document for make_filing's subject and program."""
    full = make_filing(province)
    s = full["subject"]
    doc: dict[str, Any] = {
        "schema_version": 1, "kind": kind, "submitted_on": JUDGED_ON,
        "subject": {"nature": s["nature"], "name": s["name"], "certificate": s["certificate"],
                    "address": s["address"]},
    }
    if kind == "cancel_subject":
        doc["record_number"] = record_number
    else:
        doc["program"] = {"type": "mini_program", "appid": full["program"]["appid"],
                          "name": full["program"]["name"], "record_number": record_number}
    return doc
