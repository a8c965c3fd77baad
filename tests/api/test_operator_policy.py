"""The platform policy over the API: GET shows each key's value in force, deployment value and whether an
operator set it; PUT sets some keys and the pre-check and workflow follow; DELETE restores the deployment
value; bad input is a 422 problem naming each field; every change is audited; another runtime follows
after its refresh interval."""

from __future__ import annotations

import datetime as dt
from typing import Any

from icpflow.bootstrap import build_runtime
from icpflow.domain.parsing import parse_mapping
from icpflow.domain.policy_config import KEYS

from .conftest import Api, filing_doc
from .test_flow import _face

V1 = "/api/v1"
URL = f"{V1}/operator/policy"


def _expiring_in_two_months() -> dict[str, Any]:
    doc = filing_doc(seq=7)
    doc["subject"]["certificate"]["valid_to"] = "2027-01-23"
    return doc


def _verdict(api: Api, doc: dict[str, Any]) -> str:
    verdict: str = api.users["filer-a"].post(f"{V1}/precheck", json={"document": doc}).json()["verdict"]
    return verdict


def _errors(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return {e["path"]: e["expected"] for e in response.json()["errors"]}


def test_get_shows_every_key_with_its_value_deployment_value_and_whether_overridden(api: Api) -> None:
    body = api.users["operator"].get(URL).json()
    assert list(body["keys"]) == list(KEYS)
    quota = body["keys"]["daily_quota"]
    assert (quota["value"], quota["deployment_value"], quota["overridden"], quota["override"]) == (0, 0, False, None)
    assert quota["label"] == "存量小程序每日提交配额" and "0–100000" in quota["allowed"]
    assert body["daily_quota"] == 0 and body["platform_review_days"] == 3  # the values in force, flat, as before
    assert body["regulator"] == "simulator" and isinstance(body["calendar_warnings"], list)


def test_put_sets_some_keys_and_the_precheck_follows_at_once(api: Api) -> None:
    operator = api.users["operator"]
    assert _verdict(api, _expiring_in_two_months()) == "blocked"
    put = operator.put(URL, json={"certificate_validity_months": 1, "takedown_deadline": "2027-06-30",
                                  "note": "改用微信的口径"})
    assert put.status_code == 200, put.text
    keys = put.json()["keys"]
    assert (keys["certificate_validity_months"]["value"], keys["certificate_validity_months"]["deployment_value"]) \
        == (1, 3)
    assert keys["certificate_validity_months"]["override"]["note"] == "改用微信的口径"
    assert keys["certificate_validity_months"]["override"]["updated_by"] == operator.account_id
    assert keys["takedown_deadline"]["value"] == "2027-06-30" and keys["takedown_deadline"]["overridden"]
    assert keys["withdraw_allowed"]["overridden"] is False  # partial: the others keep their values
    assert _verdict(api, _expiring_in_two_months()) == "ready"


def test_a_filer_cannot_withdraw_once_operators_forbid_it(api: Api) -> None:
    filer = api.users["filer-a"]
    app = filer.post(f"{V1}/filings", json={"document": filing_doc()}).json()
    _face(api, app["id"])
    submitted = filer.post(f"{V1}/filings/{app['id']}/submit", json={"version": app["version"]}).json()
    assert "withdraw" in submitted["allowed_events"]
    api.users["operator"].put(URL, json={"withdraw_allowed": False})
    assert "withdraw" not in filer.get(f"{V1}/filings/{app['id']}").json()["allowed_events"]
    refused = filer.post(f"{V1}/filings/{app['id']}/withdraw", json={"version": submitted["version"]})
    assert refused.status_code == 409 and "不可撤回" in refused.json()["detail"]


def test_a_new_platform_review_window_shortens_the_next_submissions_deadline(api: Api) -> None:
    filer = api.users["filer-a"]
    api.users["operator"].put(URL, json={"platform_review_days": 1})
    app = filer.post(f"{V1}/filings", json={"document": filing_doc(seq=3)}).json()
    _face(api, app["id"])
    submitted = filer.post(f"{V1}/filings/{app['id']}/submit", json={"version": app["version"]}).json()
    assert submitted["remaining_working_days"] == 1


def test_delete_restores_the_deployment_value_and_a_second_delete_is_404(api: Api) -> None:
    operator = api.users["operator"]
    operator.put(URL, json={"daily_quota": 10})
    removed = operator.delete(f"{URL}/daily_quota", params={"note": "恢复"})
    assert removed.status_code == 200
    assert removed.json()["keys"]["daily_quota"] | {"label": "", "allowed": ""} == {
        "key": "daily_quota", "label": "", "allowed": "", "value": 0, "deployment_value": 0, "overridden": False,
        "override": None}
    again = operator.delete(f"{URL}/daily_quota")
    assert again.status_code == 404 and again.headers["content-type"].startswith("application/problem+json")
    assert "运营设置" in again.json()["detail"]
    unknown = operator.delete(f"{URL}/colour")
    assert unknown.status_code == 404 and "策略项" in unknown.json()["detail"]


def test_bad_values_are_a_422_naming_each_field_in_chinese_and_nothing_is_saved(api: Api) -> None:
    put = api.users["operator"].put
    errors = _errors(put(URL, json={"daily_quota": "3", "platform_review_days": 30, "quota_refresh_hour": 24,
                                    "certificate_validity_months": 2.5, "withdraw_allowed": "no",
                                    "takedown_deadline": "2027-02-30", "colour": "red"}))
    assert set(errors) == {"daily_quota", "platform_review_days", "quota_refresh_hour", "certificate_validity_months",
                           "withdraw_allowed", "takedown_deadline", "colour"}
    assert "平台初审期限" in errors["platform_review_days"] and "1–3" in errors["platform_review_days"]
    assert "0–23" in errors["quota_refresh_hour"]
    assert "0–24" in errors["certificate_validity_months"]
    assert "没有名为“colour”的策略项" in errors["colour"]
    assert "" in _errors(put(URL, json={}))
    assert "note" in _errors(put(URL, json={"daily_quota": 1, "note": "长" * 501}))
    assert "" in _errors(put(URL, json=[1]))  # not an object at all
    body = api.users["operator"].get(URL).json()
    assert not any(k["overridden"] for k in body["keys"].values())


def test_every_change_is_in_the_audit_log_with_before_and_after(api: Api) -> None:
    operator = api.users["operator"]
    operator.put(URL, json={"bureau_review_days": 10, "note": "管局通知"})
    operator.delete(f"{URL}/bureau_review_days", params={"note": "撤销"})
    entries = [e for e in api.users["auditor"].get(f"{V1}/audit").json() if e["target"] == "bureau_review_days"]
    assert [e["action"] for e in entries] == ["policy_reset", "policy_set"]
    reset, first = entries
    assert first["account_id"] == operator.account_id
    assert first["detail"] == {"before": {"bureau_review_days": 20, "source": "deployment"},
                               "after": {"bureau_review_days": 10, "source": "operator"}, "note": "管局通知"}
    assert reset["detail"]["after"] == {"bureau_review_days": 20, "source": "deployment"}


def test_only_operators_read_or_change_the_policy(api: Api) -> None:
    for who in ("auditor", "reviewer", "filer-a", "provider"):
        user = api.users[who]
        assert user.get(URL).status_code == 403
        assert user.put(URL, json={"daily_quota": 1}).status_code == 403
        assert user.delete(f"{URL}/daily_quota").status_code == 403
    assert api.anonymous().get(URL).status_code == 401


def test_a_second_runtime_on_the_same_database_applies_the_policy_after_its_refresh_interval(api: Api) -> None:
    """A worker (or another API server) is another Runtime on the same database, with its own snapshot."""
    now = [0.0]
    worker = build_runtime(api.runtime.settings, clock=api.clock, ticker=lambda: now[0])
    try:
        def verdict() -> str:
            report = worker.workflow.checker.check(parse_mapping(_expiring_in_two_months()),
                                                   judged_on=dt.date(2026, 11, 23))
            return report.verdict.value

        assert verdict() == "blocked"
        api.users["operator"].put(URL, json={"certificate_validity_months": 1, "daily_quota": 4})
        assert _verdict(api, _expiring_in_two_months()) == "ready"  # the API that made the change: at once
        now[0] += worker.settings.config_refresh_seconds - 0.1
        assert verdict() == "blocked" and worker.workflow.policy.daily_quota == 0  # not before its interval
        now[0] += 0.1
        assert verdict() == "ready" and worker.workflow.policy.daily_quota == 4
    finally:
        worker.engine.dispose()
