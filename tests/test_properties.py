"""Property-based tests: arbitrary and mutated documents never crash the checker.

Whatever arrives — any JSON value, a valid filing with one leaf replaced by junk, a key deleted, any
Unicode in any text field — `check_raw` returns an outcome (exit code 0, 1 or 2) whose report obeys the
contract's invariants. It never raises.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from icpflow.bootstrap import build_checker
from icpflow.config import Settings
from icpflow.domain.rules.engine import Checker
from icpflow.services.precheck import check_raw
from icpflow.testing import PROVINCE_DISTRICTS, FrozenClock, make_filing

CLOCK = FrozenClock("2026-11-22")
NATURES = ["enterprise", "individual", "individual_business", "government", "public_institution"]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)

base_documents = st.builds(
    make_filing,
    st.sampled_from(sorted(PROVINCE_DISTRICTS)),
    nature=st.sampled_from(NATURES),
    program_type=st.sampled_from(["mini_program", "mini_game"]),
    seq=st.integers(1, 9999),
)


@pytest.fixture(scope="module")
def checker() -> Checker:
    return build_checker(Settings())


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*prefix, i))
    return out


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> None:
    for part in path[:-1]:
        doc = doc[part]
    doc[path[-1]] = value


def _delete(doc: Any, path: tuple[Any, ...]) -> None:
    for part in path[:-1]:
        doc = doc[part]
    del doc[path[-1]]


def _assert_contract(outcome: Any) -> None:
    assert outcome.exit_code in (0, 1, 2)
    body = outcome.to_dict()
    json.dumps(body, ensure_ascii=False)  # always serialisable
    if outcome.report is None:
        assert body["problems"], "an unreadable document must say why"
        return
    report = body["report"]
    blocking = any(f["severity"] == "error" for f in report["findings"]) or any(
        not r["met"] for r in report["requirements"])
    assert report["verdict"] == ("blocked" if blocking else "ready")
    for hit in report["pre_approval_hits"]:
        assert 0 <= hit["start"] < hit["end"]
    for finding in report["findings"]:
        assert finding["rule"] and finding["message"] and finding["source"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=json_values)
def test_any_json_value_gets_an_outcome(checker: Checker, value: Any) -> None:
    _assert_contract(check_raw(json.dumps(value), source="fuzz", checker=checker, clock=CLOCK))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=200))
def test_any_text_gets_an_outcome(checker: Checker, text: str) -> None:
    _assert_contract(check_raw(text, source="fuzz", checker=checker, clock=CLOCK))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=base_documents, data=st.data())
def test_a_filing_with_one_leaf_replaced_by_junk_gets_an_outcome(checker: Checker, doc: Any, data: Any) -> None:
    mutated = copy.deepcopy(doc)
    path = data.draw(st.sampled_from(_paths(mutated)))
    _set(mutated, path, data.draw(json_values))
    _assert_contract(check_raw(mutated, source="fuzz", checker=checker, clock=CLOCK))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=base_documents, data=st.data())
def test_a_filing_with_one_key_deleted_gets_an_outcome(checker: Checker, doc: Any, data: Any) -> None:
    mutated = copy.deepcopy(doc)
    path = data.draw(st.sampled_from([p for p in _paths(mutated) if p]))
    _delete(mutated, path)
    _assert_contract(check_raw(mutated, source="fuzz", checker=checker, clock=CLOCK))


TEXT_LEAVES = [
    ("subject", "name"), ("subject", "certificate", "number"), ("subject", "certificate", "business_scope"),
    ("subject", "address", "detail"), ("subject", "remark"), ("subject", "principal", "name"),
    ("subject", "principal", "id_number"), ("subject", "principal", "mobile"),
    ("subject", "principal", "emergency_phone"), ("subject", "principal", "email"),
    ("subject", "principal", "id_address"), ("program", "name"), ("program", "description"),
    ("program", "remark"), ("program", "appid"),
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=base_documents, leaf=st.sampled_from(TEXT_LEAVES), text=st.text(max_size=300))
def test_any_unicode_in_any_text_field_parses_and_is_judged(
    checker: Checker, doc: Any, leaf: tuple[str, ...], text: str
) -> None:
    mutated = copy.deepcopy(doc)
    _set(mutated, leaf, text)
    outcome = check_raw(mutated, source="fuzz", checker=checker, clock=CLOCK)
    assert outcome.report is not None, "text fields take any text; content problems are findings"
    _assert_contract(outcome)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=base_documents)
def test_generated_base_filings_are_ready_in_every_province(checker: Checker, doc: Any) -> None:
    outcome = check_raw(doc, source="base", checker=checker, clock=CLOCK)
    assert outcome.report is not None
    errors = [f.rule for f in outcome.report.findings if f.severity.value == "error"]
    assert outcome.report.verdict.value == "ready", (errors, outcome.report.requirements)
