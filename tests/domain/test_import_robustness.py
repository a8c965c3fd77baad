"""Both importers on any JSON value or junk in any part of a sample body: never an exception, the document
plain JSON that parses or says why, every unknown key reported."""

from __future__ import annotations

import contextlib
import copy
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from icpflow.domain.importers import (
    ImportResult,
    import_douyin,
    import_wechat,
)
from icpflow.domain.parsing import DocumentUnreadable, parse_mapping

from .importer_bodies import (
    douyin_enterprise_body,
    wechat_enterprise_body,
    wechat_personal_body,
)

# -- never raises ----------------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=15,
)


def _leaf_paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            out += _leaf_paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _leaf_paths(value, (*prefix, i))
    return out


def _assert_sound(result: ImportResult) -> None:
    assert isinstance(result.document, dict)
    assert result.document["schema_version"] == 1
    for item in result.unmapped:
        assert isinstance(item.path, str) and item.reason
    assert all(isinstance(w, str) and w for w in result.warnings)
    json.dumps(result.document, ensure_ascii=False)  # plain JSON data
    with contextlib.suppress(DocumentUnreadable):  # parses, or says why: never another exception
        parse_mapping(result.document)


@settings(max_examples=200, deadline=None)
@given(body=json_values)
def test_any_json_value_as_a_body_never_raises(body: Any) -> None:
    _assert_sound(import_wechat(body))
    _assert_sound(import_douyin(body))


SAMPLES = [wechat_enterprise_body(), wechat_personal_body(), douyin_enterprise_body()]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(which=st.sampled_from(range(len(SAMPLES))), data=st.data(), junk=json_values)
def test_a_sample_body_with_any_part_replaced_by_junk_never_raises(which: int, data: Any, junk: Any) -> None:
    body = copy.deepcopy(SAMPLES[which])
    path = data.draw(st.sampled_from(_leaf_paths(body)))
    target = body
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = junk
    importer = import_douyin if "corp_info" in body else import_wechat
    _assert_sound(importer(body))


@settings(max_examples=100, deadline=None)
@given(extra=st.dictionaries(st.text(min_size=1, max_size=12), json_values, min_size=1, max_size=3))
def test_unknown_keys_anywhere_in_a_section_are_all_reported(extra: dict[str, Any]) -> None:
    body = wechat_enterprise_body()
    base = body["icp_applets"]["base_info"]
    known = {"appid", "name", "service_content_types", "nrlx_details", "comment", "record_number"}
    fresh = {k: v for k, v in extra.items() if k not in known}
    base.update(fresh)
    paths = {u.path for u in import_wechat(body).unmapped}
    assert {f"icp_applets.base_info.{k}" for k in fresh} <= paths
