"""A filing through the REST API, from draft to number, and the errors a client meets on the way."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import sqlalchemy as sa

from icpflow.services import worker

from .conftest import PASSWORD, Api, filing_doc

V1 = "/api/v1"


def _sweep(api: Api) -> None:
    worker.sweep(api.runtime.workflow, api.runtime.gateway, api.runtime.notifiers)


def _face(api: Api, application_id: str, who: str = "filer-a") -> None:
    """The mini-program principal passes the (simulated) face verification."""
    started = api.users[who].post(f"{V1}/filings/{application_id}/face")
    assert started.status_code == 201 and started.json()["status"] == "pending", started.text
    assert started.json()["simulated"] and started.json()["verify_url"]
    assert api.users[who].get(f"{V1}/filings/{application_id}/face").json()["status"] == "passed"


def _created(api: Api, who: str = "filer-a", seq: int = 1) -> dict[str, Any]:
    response = api.users[who].post(f"{V1}/filings", json={"document": filing_doc(seq)})
    assert response.status_code == 201, response.text
    return response.json()


def test_a_filing_goes_from_draft_to_number_through_the_api(api: Api) -> None:
    filer, reviewer = api.users["filer-a"], api.users["reviewer"]
    app = _created(api)
    assert app["state"] == "draft" and "submit" in app["allowed_events"]
    _face(api, app["id"])
    submitted = filer.post(f"{V1}/filings/{app['id']}/submit", json={"version": app["version"]}).json()
    assert submitted["state"] == "platform_review" and submitted["remaining_working_days"] == 3
    queue = reviewer.get(f"{V1}/review/queue").json()["items"]
    assert [item["id"] for item in queue] == [app["id"]]
    approved = reviewer.post(f"{V1}/review/{app['id']}/approve", json={"version": submitted["version"]}).json()
    assert approved["state"] == "sms_verification" and approved["simulated"] is True
    _sweep(api)
    sms = filer.get(f"{V1}/filings/{app['id']}/sms").json()
    assert sms and sms[0]["simulated"] and "*" in sms[0]["phone"]
    code = re.search(r"验证码(\d{6})", sms[0]["text"]).group(1)  # type: ignore[union-attr]
    verified = filer.post(f"{V1}/filings/{app['id']}/sms/verify", json={"version": approved["version"], "code": code})
    assert verified.json()["state"] == "bureau_review", verified.text
    _sweep(api)
    _sweep(api)
    final = filer.get(f"{V1}/filings/{app['id']}").json()
    assert final["state"] == "filed" and final["issued_number"].endswith("号-1X")
    lookup = api.anonymous().get(f"{V1}/public/lookup", params={"number": final["issued_number"]})
    assert lookup.status_code == 200 and lookup.json()["status"] == "有效"
    by_appid = api.anonymous().get(f"{V1}/public/lookup", params={"appid": final["appid"]}).json()
    assert by_appid["number"] == final["issued_number"]
    gate = filer.get(f"{V1}/programs/{final['appid']}/publishable").json()
    assert gate["allowed"] and gate["number"] == final["issued_number"]
    events = [e["event"] for e in filer.get(f"{V1}/filings/{app['id']}/events").json()]
    assert events == ["create", "submit", "platform_approve", "sms_verified", "bureau_approve"]
    assert any("已备案" in m["subject"] for m in filer.get(f"{V1}/notifications").json())


def test_an_unreadable_document_is_a_problem_with_json_paths(api: Api) -> None:
    doc = filing_doc()
    doc["subject"]["nature"] = "company"
    response = api.users["filer-a"].post(f"{V1}/filings", json={"document": doc})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == "document_unreadable"
    assert [e["path"] for e in body["errors"]] == ["subject.nature"]


def test_a_blocked_submission_returns_the_precheck_report(api: Api) -> None:
    doc = filing_doc()
    doc["subject"]["principal"]["emergency_phone"] = doc["subject"]["principal"]["mobile"]
    app = api.users["filer-a"].post(f"{V1}/filings", json={"document": doc}).json()
    _face(api, app["id"])
    response = api.users["filer-a"].post(f"{V1}/filings/{app['id']}/submit", json={"version": app["version"]})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "precheck_blocked" and body["report"]["verdict"] == "blocked"
    assert any(f["rule"] == "nationwide.emergency_phone_differs" for f in body["report"]["findings"])


def test_acting_on_a_stale_version_is_a_conflict(api: Api) -> None:
    app = _created(api)
    filer = api.users["filer-a"]
    _face(api, app["id"])
    assert filer.post(f"{V1}/filings/{app['id']}/submit", json={"version": app["version"]}).status_code == 200
    again = api.users["reviewer"].post(f"{V1}/review/{app['id']}/approve", json={"version": app["version"]})
    assert again.status_code == 409 and again.json()["code"] == "conflict"


def test_an_event_the_state_does_not_allow_says_why(api: Api) -> None:
    app = _created(api)
    response = api.users["reviewer"].post(f"{V1}/review/{app['id']}/approve", json={"version": app["version"]})
    assert response.status_code == 409
    assert response.json()["code"] == "illegal_transition" and "草稿" in response.json()["detail"]


def test_a_rejection_uses_reasons_from_the_catalogue(api: Api) -> None:
    app = _created(api)
    filer, reviewer = api.users["filer-a"], api.users["reviewer"]
    _face(api, app["id"])
    submitted = filer.post(f"{V1}/filings/{app['id']}/submit", json={"version": app["version"]}).json()
    unknown = reviewer.post(f"{V1}/review/{app['id']}/reject", json={"version": submitted["version"],
                                                                      "reasons": ["nope"]})
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_reason"
    codes = [r["code"] for r in reviewer.get(f"{V1}/review/reasons").json()]
    rejected = reviewer.post(f"{V1}/review/{app['id']}/reject", json={"version": submitted["version"],
                                                                       "reasons": codes[:1]}).json()
    assert rejected["state"] == "platform_rejected" and rejected["reasons"][0]["code"] == codes[0]


def test_the_same_idempotency_key_creates_once_and_replays_the_response(api: Api) -> None:
    filer = api.users["filer-a"]
    body = {"document": filing_doc()}
    first = filer.post(f"{V1}/filings", json=body, headers={"Idempotency-Key": "create-1"})
    second = filer.post(f"{V1}/filings", json=body, headers={"Idempotency-Key": "create-1"})
    assert first.status_code == second.status_code == 201
    assert second.json()["id"] == first.json()["id"] and second.headers["Idempotent-Replayed"] == "true"
    assert len(filer.get(f"{V1}/filings").json()["items"]) == 1
    other = filer.post(f"{V1}/filings", json={"document": filing_doc(seq=2)}, headers={"Idempotency-Key": "create-1"})
    assert other.status_code == 422 and other.json()["code"] == "idempotency_mismatch"


def test_personal_information_is_masked_unless_revealed_and_every_reveal_is_audited(api: Api) -> None:
    app = _created(api)
    reviewer, auditor = api.users["reviewer"], api.users["auditor"]
    mobile = filing_doc()["subject"]["principal"]["mobile"]
    masked = reviewer.get(f"{V1}/filings/{app['id']}").json()
    assert masked["masked"] and masked["document"]["subject"]["principal"]["mobile"] != mobile
    revealed = reviewer.get(f"{V1}/filings/{app['id']}", params={"reveal": "true"}).json()
    assert revealed["document"]["subject"]["principal"]["mobile"] == mobile
    assert auditor.get(f"{V1}/filings/{app['id']}", params={"reveal": "true"}).status_code == 403
    log = auditor.get(f"{V1}/audit").json()
    assert any(e["action"] == "pii_read" and e["target"] == app["id"]
               and e["account_id"] == reviewer.account_id for e in log)


def test_a_cookie_session_needs_the_csrf_token_for_unsafe_requests(api: Api) -> None:
    filer = api.users["filer-a"]
    without = filer.client.post(f"{V1}/filings", json={"document": filing_doc()})
    assert without.status_code == 403 and without.json()["code"] == "csrf"
    token = filer.headers["X-CSRF-Token"]
    wrongs: list[str | bytes] = [token[:-1], token + "x", "ä".encode("latin-1") + token[1:].encode(), ""]
    for wrong in wrongs:  # one byte that is not ASCII: compared as bytes, still refused
        headers: dict[str, Any] = {"X-CSRF-Token": wrong}
        refused = filer.client.post(f"{V1}/filings", json={"document": filing_doc()}, headers=headers)
        assert refused.status_code == 403 and refused.json()["code"] == "csrf", wrong
    assert filer.client.get(f"{V1}/filings").status_code == 200  # safe methods need no token
    right = filer.client.post(f"{V1}/filings", json={"document": filing_doc()}, headers={"X-CSRF-Token": token})
    assert right.status_code == 201


def test_five_wrong_passwords_lock_the_login(api: Api) -> None:
    client = api.anonymous()
    codes = [client.post(f"{V1}/auth/login", json={"username": "filer-b", "password": "wrong password!"}).status_code
             for _ in range(5)]
    assert codes == [401, 401, 401, 401, 429]
    locked = client.post(f"{V1}/auth/login", json={"username": "filer-b", "password": PASSWORD})
    assert locked.status_code == 429
    api.clock.advance(minutes=16)
    assert client.post(f"{V1}/auth/login", json={"username": "filer-b", "password": PASSWORD}).status_code == 200


def test_an_unknown_api_key_is_refused(api: Api) -> None:
    response = api.anonymous().get(f"{V1}/filings", headers={"Authorization": "Bearer icpf_nope_nope"})
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"


def test_a_scoped_api_key_files_only_for_its_mini_programs(api: Api) -> None:
    provider = api.accounts.by_username("provider")
    assert provider is not None
    key = api.accounts.create_api_key(provider, ["wx_only_this_one"])
    client = api.anonymous()
    response = client.post(f"{V1}/filings", json={"document": filing_doc()}, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 403


def test_the_public_lookup_answers_not_found_for_unknown_numbers(api: Api) -> None:
    client = api.anonymous()
    assert client.get(f"{V1}/public/lookup", params={"number": "浙ICP备2026999999号-1X"}).status_code == 404
    assert client.get(f"{V1}/public/lookup", params={"number": "nonsense"}).status_code == 422
    assert client.get(f"{V1}/public/lookup").status_code == 422


def test_submission_without_a_passed_face_verification_is_refused(api: Api) -> None:
    app = _created(api)
    response = api.users["filer-a"].post(f"{V1}/filings/{app['id']}/submit", json={"version": app["version"]})
    assert response.status_code == 422 and response.json()["code"] == "face_verification_required"
    assert "未发起" in response.json()["detail"]


def test_a_claimed_application_is_reviewed_only_by_its_claimant(api: Api) -> None:
    app = _created(api)
    _face(api, app["id"])
    submitted = api.users["filer-a"].post(f"{V1}/filings/{app['id']}/submit", json={"version": app["version"]}).json()
    claimed = api.users["reviewer"].post(f"{V1}/review/{app['id']}/claim", json={"version": submitted["version"]})
    assert claimed.status_code == 200
    other = api.users["operator"].post(f"{V1}/review/{app['id']}/approve", json={"version": claimed.json()["version"]})
    assert other.status_code == 409 and other.json()["code"] == "claimed"
    mine = api.users["reviewer"].post(f"{V1}/review/{app['id']}/approve", json={"version": claimed.json()["version"]})
    assert mine.status_code == 200 and mine.json()["state"] == "sms_verification"


def test_a_section_of_a_draft_is_replaced_on_its_own(api: Api) -> None:
    app = _created(api)
    program = {**filing_doc()["program"], "name": "鲜果日记Pro"}
    response = api.users["filer-a"].put(f"{V1}/filings/{app['id']}/sections/program",
                                        json={"content": program, "version": app["version"]})
    assert response.status_code == 200 and response.json()["program_name"] == "鲜果日记Pro"
    assert response.json()["subject_name"] == app["subject_name"]


def test_subjects_list_their_programs_with_publish_status_for_their_owner_only(api: Api) -> None:
    _created(api)
    mine = api.users["filer-a"].get(f"{V1}/subjects").json()
    assert len(mine) == 1 and mine[0]["programs"][0]["publishable"] is False
    assert "*" in mine[0]["certificate_number"]
    assert api.users["filer-b"].get(f"{V1}/subjects").json() == []


def test_stored_idempotent_responses_hold_no_plaintext_personal_information(api: Api) -> None:
    doc = filing_doc()
    api.users["filer-a"].post(f"{V1}/filings", json={"document": doc}, headers={"Idempotency-Key": "pii-1"})
    with api.runtime.engine.connect() as conn:
        stored = " ".join(str(row) for row in conn.execute(sa.text("SELECT body FROM idempotency_keys")))
    principal = doc["subject"]["principal"]
    for value in (principal["mobile"], principal["id_number"], principal["email"], principal["emergency_phone"]):
        assert value not in stored


def test_the_audit_log_filters_by_action_actor_target_and_period(api: Api) -> None:
    app = _created(api)
    reviewer, auditor = api.users["reviewer"], api.users["auditor"]
    reviewer.get(f"{V1}/filings/{app['id']}", params={"reveal": "true"})
    other = _created(api)
    reviewer.get(f"{V1}/filings/{other['id']}", params={"reveal": "true"})
    mine = auditor.get(f"{V1}/audit", params={"action": "pii_read", "target": app["id"]}).json()
    assert mine and all(e["action"] == "pii_read" and e["target"] == app["id"] for e in mine)
    by_actor = auditor.get(f"{V1}/audit", params={"actor": reviewer.account_id, "action": "pii_read"}).json()
    assert {e["target"] for e in by_actor} >= {app["id"], other["id"]}
    assert all(e["account_id"] == reviewer.account_id for e in by_actor)
    now = api.clock.now()
    later = (now + dt.timedelta(hours=1)).replace(tzinfo=None).isoformat()  # a naive time is Beijing time
    assert auditor.get(f"{V1}/audit", params={"since": later}).json() == []
    assert auditor.get(f"{V1}/audit", params={"until": later, "target": app["id"]}).json()
    bad = auditor.get(f"{V1}/audit", params={"since": "yesterday"})
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")
