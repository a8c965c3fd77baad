"""Every endpoint × every role × own and foreign tenant: nobody reaches what is not theirs.

The table below is checked against the application's routes, so a new endpoint without a line here
fails the meta-test. Outcomes: a role the endpoint is not for gets 403; a tenant asking for another
tenant's filing gets 404 (its existence is not confirmed); everyone else gets past access control (any
answer but 401/403/404 — a domain answer such as 409 for an illegal step is fine).
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from .conftest import PASSWORD, Api, User, filing_doc

V1 = "/api/v1"
TENANTS = {"filer", "service_provider"}
STAFF_REVIEW = {"reviewer", "operator"}
EVERYONE = {"filer", "service_provider", "reviewer", "operator", "auditor"}

#: (method, path, roles allowed, filing-scoped: tenants see only their own, body)
ENDPOINTS: list[tuple[str, str, set[str], bool, Any]] = [
    ("POST", "/auth/logout", EVERYONE, False, None),
    ("GET", "/auth/me", EVERYONE, False, None),
    ("POST", "/api-keys", {"filer"}, False, {"scopes": []}),  # sessions only: a key cannot mint keys
    ("GET", "/notifications", EVERYONE, False, None),
    ("POST", "/webhooks", TENANTS, False, {"url": "https://example.com/hook"}),
    ("GET", "/programs/{appid}/publishable", EVERYONE, True, None),
    ("POST", "/precheck", EVERYONE, False, "doc"),
    ("POST", "/filings", TENANTS, False, "doc"),
    ("GET", "/filings", EVERYONE, False, None),
    ("GET", "/filings/{id}", EVERYONE, True, None),
    ("PUT", "/filings/{id}/document", TENANTS, True, "doc+version"),
    ("PUT", "/filings/{id}/sections/{section}", TENANTS, True, "section"),
    ("GET", "/subjects", EVERYONE, False, None),
    ("GET", "/filings/{id}/precheck", EVERYONE, True, None),
    ("POST", "/filings/{id}/submit", TENANTS, True, "version"),
    ("POST", "/filings/{id}/withdraw", TENANTS, True, "version"),
    ("POST", "/filings/{id}/edit", TENANTS, True, "version"),
    ("POST", "/filings/{id}/sms/resend", TENANTS, True, "version"),
    ("POST", "/filings/{id}/sms/verify", TENANTS, True, {"version": 1, "code": "123456"}),
    ("POST", "/filings/{id}/contacts", TENANTS, True, "doc+version"),
    ("GET", "/filings/{id}/events", EVERYONE, True, None),
    ("GET", "/filings/{id}/sms", TENANTS, True, None),
    ("POST", "/filings/{id}/face", TENANTS, True, None),
    ("GET", "/filings/{id}/face", EVERYONE, True, None),
    ("POST", "/operator/filings/{id}/face-result", {"operator"}, False, {"passed": True}),
    ("GET", "/review/queue", STAFF_REVIEW, False, None),
    ("GET", "/review/reasons", STAFF_REVIEW, False, None),
    ("POST", "/review/{id}/claim", STAFF_REVIEW, False, "version"),
    ("POST", "/review/{id}/approve", STAFF_REVIEW, False, "version"),
    ("POST", "/review/{id}/reject", STAFF_REVIEW, False, {"version": 1, "reasons": ["materials_inconsistent"]}),
    ("POST", "/operator/filings/{id}/sms-verified", {"operator"}, False, "version"),
    ("POST", "/operator/filings/{id}/bureau-decision", {"operator"}, False, {"version": 1, "approved": True}),
    ("GET", "/operator/policy", {"operator"}, False, None),
    ("PUT", "/operator/policy", {"operator"}, False, {"daily_quota": 0, "note": "矩阵"}),
    ("DELETE", "/operator/policy/{key}", {"operator"}, False, None),
    ("GET", "/operator/rules", {"operator", "auditor"}, False, None),
    ("PUT", "/operator/rules/{rule_id}/override", {"operator"}, False, {"severity": "info", "note": "矩阵"}),
    ("DELETE", "/operator/rules/{rule_id}/override", {"operator"}, False, None),
    ("GET", "/operator/holidays", {"operator", "auditor"}, False, None),
    ("POST", "/operator/holidays", {"operator"}, False, {"date": "2027-06-02", "kind": "holiday", "name": "矩阵"}),
    ("DELETE", "/operator/holidays/{date}", {"operator"}, False, None),
    ("PUT", "/operator/holidays/years/{year}", {"operator"}, False, {"complete": False}),
    ("GET", "/audit", {"auditor", "operator"}, False, None),
    ("GET", "/filings/{id}/letters", EVERYONE, True, None),
    ("GET", "/filings/{id}/letters/{template}.{fmt}", EVERYONE, True, None),
    ("POST", "/import/{platform}", EVERYONE, False, {"icp_subject": {}}),
    ("POST", "/attachments", TENANTS, False, "upload"),
    # the uploader, or staff who may see personal information (an ID photo is; auditors see masked data only)
    ("GET", "/attachments/{attachment_id}", TENANTS | STAFF_REVIEW, True, None),
]
PUBLIC = {("POST", "/auth/login"), ("GET", "/public/lookup"), ("GET", "/healthz"), ("GET", "/readyz")}
#: the rule the operator-configuration lines override (a warning the matrix's filings never trigger)
CONFIG_RULE = "field.description_length"
USERS = ["filer-a", "filer-b", "provider", "reviewer", "operator", "auditor"]


def test_the_matrix_lists_every_endpoint_of_the_application(api: Api) -> None:
    paths = api.app.openapi()["paths"]
    routes = {(method.upper(), path.removeprefix(V1).replace("{application_id}", "{id}"))
              for path, operations in paths.items() for method in operations}
    listed = {(m, p) for m, p, *_ in ENDPOINTS} | PUBLIC
    assert routes == listed


def _body(spec: Any, version: int, who: str) -> Any:
    if spec == "doc":  # a subject of the caller's own: another tenant's subject would be refused
        return {"document": filing_doc(seq=100 + USERS.index(who))}
    if spec == "version":
        return {"version": version}
    if spec == "section":
        return {"content": filing_doc(seq=1)["program"], "version": version}
    if spec == "doc+version":
        return {"document": filing_doc(seq=1), "version": version}
    if isinstance(spec, dict) and "version" in spec:
        return {**spec, "version": version}
    return spec


def _fresh_session(api: Api, who: str) -> User:
    client = TestClient(api.app)
    login = client.post(f"{V1}/auth/login", json={"username": who, "password": PASSWORD})
    assert login.status_code == 200, login.text
    base = api.users[who]
    return User(who, base.role, client, base.account_id, {"X-CSRF-Token": login.json()["csrf_token"]})


@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize(("method", "path", "roles", "scoped", "body"), ENDPOINTS,
                         ids=[f"{m} {p}" for m, p, *_ in ENDPOINTS])
def test_access_is_granted_exactly_to_the_roles_and_tenants_it_belongs_to(
    shared_api: Api, who: str, method: str, path: str, roles: set[str], scoped: bool, body: Any
) -> None:
    api = shared_api
    owner = api.users["filer-a"]
    created = owner.post(f"{V1}/filings", json={"document": filing_doc()}).json()
    user = api.users[who]
    if path == "/auth/logout" and "Authorization" not in user.headers:
        user = _fresh_session(api, who)  # logging out must not end the session the other tests share
    url = V1 + path.replace("{id}", created["id"]).replace("{appid}", created["appid"]).replace(
        "{template}.{fmt}", "subject_principal_authorization.pdf").replace("{platform}", "wechat").replace(
        "{section}", "program").replace("{rule_id}", CONFIG_RULE).replace("{date}", "2027-06-01").replace(
        "{year}", "2028").replace("{key}", "daily_quota")
    if method == "DELETE":  # something for an operator to delete (their answer must not be a 404)
        operator = api.users["operator"]
        operator.put(f"{V1}/operator/rules/{CONFIG_RULE}/override", json={"severity": "info", "note": "矩阵"})
        operator.post(f"{V1}/operator/holidays", json={"date": "2027-06-01", "kind": "holiday", "name": "矩阵"})
        operator.put(f"{V1}/operator/policy", json={"daily_quota": 0, "note": "矩阵"})
    if "{attachment_id}" in url:  # a file only filer-a uploaded (the same bytes by another make it theirs too)
        pdf = b"%PDF-1.7\n% filer-a only\n%%EOF\n"
        upload = owner.post(f"{V1}/attachments", files={"file": ("a.pdf", pdf, "application/pdf")})
        url = url.replace("{attachment_id}", upload.json()["file"])
    payload = _body(body, created["version"], who)
    kwargs: dict[str, Any] = {} if payload is None else {"json": payload}
    if body == "upload":
        kwargs = {"files": {"file": ("a.pdf", b"%PDF-1.7\n%%EOF\n", "application/pdf")}}
    response = {"GET": user.get, "POST": user.post, "PUT": user.put, "DELETE": user.delete}[method](url, **kwargs)
    role = user.role.value
    if role not in roles:
        assert response.status_code == 403, (who, method, path, response.text)
    elif scoped and role in TENANTS and who != "filer-a":
        assert response.status_code == 404, (who, method, path, response.text)
    else:
        assert response.status_code not in (401, 403, 404), (who, method, path, response.text)


@pytest.mark.parametrize("who", ["filer-b", "provider"])
def test_a_tenant_never_lists_another_tenants_filings(api: Api, who: str) -> None:
    api.users["filer-a"].post(f"{V1}/filings", json={"document": filing_doc()})
    assert api.users[who].get(f"{V1}/filings").json()["items"] == []
    assert len(api.users["reviewer"].get(f"{V1}/filings").json()["items"]) == 1


def test_an_anonymous_client_reaches_only_the_public_endpoints(api: Api) -> None:
    client = api.anonymous()
    for method, path, *_ in ENDPOINTS:
        url = V1 + path.replace("{id}", "x").replace("{appid}", "x").replace("{template}.{fmt}", "t.pdf").replace(
            "{platform}", "wechat").replace("{section}", "program")
        response = client.request(method, url, json={})
        assert response.status_code == 401, (method, path, response.status_code)
    assert client.get("/healthz").status_code == 200
