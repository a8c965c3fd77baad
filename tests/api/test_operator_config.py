"""Operator configuration over the API: rule overrides change what the pre-check reports, the holiday
table changes working days, bad input is a 422 naming the field, and every change is audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from icpflow.bootstrap import build_runtime
from icpflow.domain.parsing import parse_mapping

from .conftest import Api, filing_doc

V1 = "/api/v1"
RULE = "nationwide.emergency_phone_differs"


def _phones_shared() -> dict[str, Any]:
    """A filing whose subject principal's emergency phone is their mobile: `RULE` fires (an error)."""
    doc = filing_doc()
    principal = doc["subject"]["principal"]
    principal["emergency_phone"] = principal["mobile"]
    return doc


def _rules_fired(api: Api, doc: dict[str, Any]) -> tuple[set[str], str]:
    report = api.users["filer-a"].post(f"{V1}/precheck", json={"document": doc}).json()
    return {f["rule"] for f in report["findings"]}, report["verdict"]


def _errors(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return {e["path"]: e["expected"] for e in response.json()["errors"]}


def test_disabling_a_rule_stops_the_precheck_reporting_it_and_removing_the_override_restores_it(api: Api) -> None:
    operator = api.users["operator"]
    assert _rules_fired(api, _phones_shared()) == ({RULE}, "blocked")

    put = operator.put(f"{V1}/operator/rules/{RULE}/override", json={"enabled": False, "note": "管局已取消该要求"})
    assert put.status_code == 200, put.text
    assert put.json()["enabled"] is False and put.json()["base"]["enabled"] is True
    assert _rules_fired(api, _phones_shared()) == (set(), "ready")

    removed = operator.client.delete(f"{V1}/operator/rules/{RULE}/override", headers=operator.headers)
    assert removed.status_code == 200 and removed.json()["override"] is None
    assert _rules_fired(api, _phones_shared()) == ({RULE}, "blocked")


def test_re_enabling_a_rule_by_override_restores_its_finding(api: Api) -> None:
    operator = api.users["operator"]
    operator.put(f"{V1}/operator/rules/{RULE}/override", json={"enabled": False, "note": "暂停"})
    assert _rules_fired(api, _phones_shared())[0] == set()
    operator.put(f"{V1}/operator/rules/{RULE}/override", json={"enabled": True, "note": "恢复"})
    assert _rules_fired(api, _phones_shared())[0] == {RULE}


def test_a_lower_severity_lets_the_filing_pass_with_a_warning(api: Api) -> None:
    put = api.users["operator"].put(f"{V1}/operator/rules/{RULE}/override",
                                    json={"severity": "warning", "note": "改为提示"})
    assert put.status_code == 200 and put.json()["severity"] == "warning"
    report = api.users["filer-a"].post(f"{V1}/precheck", json={"document": _phones_shared()}).json()
    assert report["verdict"] == "ready"
    assert [f["severity"] for f in report["findings"] if f["rule"] == RULE] == ["warning"]


def test_a_rule_not_yet_in_force_is_not_reported(api: Api) -> None:
    api.users["operator"].put(f"{V1}/operator/rules/{RULE}/override",
                              json={"effective_from": "2027-01-01", "note": "明年起执行"})
    assert _rules_fired(api, _phones_shared())[0] == set()  # judged on 2026-11-23


def test_the_rule_list_shows_the_override_with_who_and_why(api: Api) -> None:
    operator = api.users["operator"]
    operator.put(f"{V1}/operator/rules/{RULE}/override", json={"enabled": False, "note": "管局已取消该要求"})
    rules = {r["id"]: r for r in api.users["auditor"].get(f"{V1}/operator/rules").json()}
    assert rules[RULE]["override"]["enabled"] is False
    assert rules[RULE]["override"]["note"] == "管局已取消该要求"
    assert rules[RULE]["override"]["updated_by"] == operator.account_id
    assert "管局已取消该要求" in rules[RULE]["overridden"]
    assert rules["field.email"]["override"] is None and rules["field.email"]["overridden"] == ""


def test_an_unknown_rule_is_a_404_in_chinese(api: Api) -> None:
    response = api.users["operator"].put(f"{V1}/operator/rules/province.atlantis.anything/override",
                                         json={"enabled": False, "note": "x"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "找不到规则" in response.json()["detail"]
    missing = api.users["operator"].client.delete(f"{V1}/operator/rules/{RULE}/override",
                                                  headers=api.users["operator"].headers)
    assert missing.status_code == 404 and "运营覆盖" in missing.json()["detail"]


def test_bad_override_input_is_a_422_naming_the_field(api: Api) -> None:
    put = api.users["operator"].put
    url = f"{V1}/operator/rules/{RULE}/override"
    assert _errors(put(url, json={"severity": "fatal", "note": "x"}))["severity"].startswith("应为以下之一")
    bad_date = _errors(put(url, json={"effective_from": "2027-02-30", "note": "x"}))
    assert bad_date["effective_from"] == "应为有效日期（YYYY-MM-DD）"
    assert "effective_to" in _errors(put(url, json={"effective_to": "2020-01-01", "note": "x"}))
    assert "note" in _errors(put(url, json={"enabled": False}))
    assert "message" in _errors(put(url, json={"message": "号码 {0:d} 重复", "note": "x"}))
    assert "" in _errors(put(url, json={"note": "什么也不改"}))
    assert "colour" in _errors(put(url, json={"colour": "red", "note": "x"}))
    rules = {r["id"]: r for r in api.users["operator"].get(f"{V1}/operator/rules").json()}
    assert rules[RULE]["override"] is None  # nothing was saved


def test_every_change_is_in_the_audit_log_with_before_and_after(api: Api) -> None:
    operator = api.users["operator"]
    url = f"{V1}/operator/rules/{RULE}/override"
    operator.put(url, json={"enabled": False, "note": "第一次"})
    operator.put(url, json={"severity": "info", "note": "第二次"})
    operator.client.delete(url, params={"note": "撤销"}, headers=operator.headers)
    entries = [e for e in api.users["auditor"].get(f"{V1}/audit").json() if e["target"] == RULE]
    assert [e["action"] for e in entries] == ["rule_override_removed", "rule_override_set", "rule_override_set"]
    removed, second, first = entries
    assert first["account_id"] == operator.account_id
    assert first["detail"] == {"before": None, "after": {"enabled": False, "note": "第一次"}, "note": "第一次"}
    assert second["detail"]["before"] == {"enabled": False, "note": "第一次"}
    assert second["detail"]["after"] == {"severity": "info", "note": "第二次"}
    assert removed["detail"]["before"] == {"severity": "info", "note": "第二次"} and removed["detail"]["after"] is None


def test_a_2027_holiday_entry_is_listed_and_makes_the_day_a_day_off(api: Api) -> None:
    operator = api.users["operator"]
    before = {y["year"]: y for y in operator.get(f"{V1}/operator/holidays").json()["years"]}
    assert before[2027]["status"] == "fallback" and before[2027]["library_covers"] is False
    assert "2027 年" in before[2027]["warning"]
    assert before[2026]["status"] == "library" and before[2026]["warning"] == ""

    added = operator.post(f"{V1}/operator/holidays", json={"date": "2027-03-02", "kind": "holiday", "name": "测试假日"})
    assert added.status_code == 201 and added.json()["source"] == "operator"
    assert api.runtime.workflow.calendar.is_working_day(dt.date(2027, 3, 2)) is False
    year = operator.get(f"{V1}/operator/holidays", params={"year": 2027}).json()["years"]
    assert [e["date"] for e in year[0]["entries"]] == ["2027-03-02"]
    assert year[0]["status"] == "fallback"  # one day entered does not make the year complete


def test_declaring_a_year_complete_replaces_its_entries_and_ends_the_warning(api: Api) -> None:
    operator = api.users["operator"]
    operator.post(f"{V1}/operator/holidays", json={"date": "2027-03-02", "kind": "holiday", "name": "旧条目"})
    body = {"complete": True, "note": "国办发明电", "entries": [
        {"date": "2027-01-01", "kind": "holiday", "name": "元旦"},
        {"date": "2027-02-06", "kind": "workday", "name": "春节调休"}]}
    year = operator.put(f"{V1}/operator/holidays/years/2027", json=body)
    assert year.status_code == 200, year.text
    assert year.json()["status"] == "operator" and year.json()["warning"] == ""
    assert [e["date"] for e in year.json()["entries"]] == ["2027-01-01", "2027-02-06"]
    calendar = api.runtime.workflow.calendar
    assert calendar.year_status(2027) == "operator"
    assert calendar.is_working_day(dt.date(2027, 2, 6)) is True  # a Saturday


def test_bad_holiday_input_is_a_422_naming_the_field(api: Api) -> None:
    post = api.users["operator"].post
    assert "date" in _errors(post(f"{V1}/operator/holidays", json={"date": "2027-13-01", "kind": "holiday",
                                                                    "name": "x"}))
    assert "kind" in _errors(post(f"{V1}/operator/holidays", json={"date": "2027-03-03", "kind": "half",
                                                                    "name": "x"}))
    # an adjusted working day (调休上班日) is a weekend day: a Wednesday is refused, naming the field
    assert "kind" in _errors(post(f"{V1}/operator/holidays", json={"date": "2027-03-03", "kind": "workday",
                                                                    "name": "x"}))
    assert "date" in _errors(post(f"{V1}/operator/holidays", json={"date": "1999-03-03", "kind": "holiday",
                                                                    "name": "x"}))
    assert "name" in _errors(post(f"{V1}/operator/holidays", json={"date": "2027-03-03", "kind": "holiday",
                                                                    "name": "   "}))
    put = api.users["operator"].put(f"{V1}/operator/holidays/years/2027", json={"complete": True, "entries": [
        {"date": "2028-01-01", "kind": "holiday", "name": "元旦"}]})
    assert "entries[0].date" in _errors(put)


def test_removing_a_holiday_is_204_then_404(api: Api) -> None:
    operator = api.users["operator"]
    operator.post(f"{V1}/operator/holidays", json={"date": "2027-03-02", "kind": "holiday", "name": "测试"})
    first = operator.client.delete(f"{V1}/operator/holidays/2027-03-02", headers=operator.headers)
    assert first.status_code == 204
    again = operator.client.delete(f"{V1}/operator/holidays/2027-03-02", headers=operator.headers)
    assert again.status_code == 404 and "节假日" in again.json()["detail"]
    actions = [e["action"] for e in api.users["auditor"].get(f"{V1}/audit").json() if e["target"] == "2027-03-02"]
    assert actions == ["holiday_removed", "holiday_set"]


def test_auditors_read_the_configuration_but_cannot_change_it(api: Api) -> None:
    auditor = api.users["auditor"]
    assert auditor.get(f"{V1}/operator/rules").status_code == 200
    assert auditor.get(f"{V1}/operator/holidays").status_code == 200
    assert auditor.put(f"{V1}/operator/rules/{RULE}/override", json={"enabled": False, "note": "x"}).status_code == 403
    assert auditor.post(f"{V1}/operator/holidays", json={"date": "2027-03-02", "kind": "holiday",
                                                         "name": "x"}).status_code == 403


def test_a_second_runtime_on_the_same_database_applies_the_change_after_its_refresh_interval(api: Api) -> None:
    """A worker (or another API server) is another Runtime on the same database, with its own snapshot."""
    now = [0.0]
    worker = build_runtime(api.runtime.settings, clock=api.clock, ticker=lambda: now[0])
    try:
        def fired() -> bool:
            report = worker.workflow.checker.check(parse_mapping(_phones_shared()), judged_on=dt.date(2026, 11, 23))
            return any(f.rule == RULE for f in report.findings)

        assert fired()
        api.users["operator"].put(f"{V1}/operator/rules/{RULE}/override", json={"enabled": False, "note": "停用"})
        assert _rules_fired(api, _phones_shared())[0] == set()  # the API that made the change: at once
        now[0] += worker.settings.config_refresh_seconds - 0.1
        assert fired()  # the worker: not before its interval
        now[0] += 0.1
        assert not fired()
    finally:
        worker.engine.dispose()
