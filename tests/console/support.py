"""Shared by the console tests of the new-filing form, change/cancel pages and notifications: a signed-in
browser-like client over the real app (TestClient, SQLite, the simulator) that checks every page it
loads for labelled controls, and shortcuts that move a filing through the workflow with the services."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from fastapi.testclient import TestClient

from icpflow.domain.model import Application
from icpflow.services import face, filings, worker

from ..api.conftest import PASSWORD, Api, filing_doc


class _Controls(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str | None]] = []
        self.label_for: set[str] = set()
        self.lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        elif tag == "label" and a.get("for"):
            self.label_for.add(str(a["for"]))
        elif tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            self.controls.append(a)


def check_page(html: str, *, simulated: bool = True) -> None:
    """zh-CN, every control labelled, and the simulator banner exactly when the simulator is in use."""
    parsed = _Controls()
    parsed.feed(html)
    assert parsed.lang == "zh-CN"
    unlabelled = [c for c in parsed.controls
                  if not c.get("aria-label") and (not c.get("id") or c["id"] not in parsed.label_for)]
    assert unlabelled == []
    assert ("监管侧：模拟器" in html) is simulated


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html[:500]
    return found.group(1)


class Client:
    """One signed-in user of the console."""

    def __init__(self, api: Api, username: str) -> None:
        self.api = api
        self.user = api.users[username]
        self.client = TestClient(api.app, follow_redirects=False)
        login = self.client.get("/login")
        done = self.client.post("/login", data={"username": username, "password": PASSWORD,
                                                "csrf": csrf_of(login.text)})
        assert done.status_code == 303, done.text
        self.csrf = ""

    def get(self, url: str, **kw: Any) -> Any:
        page = self.client.get(url, **kw)
        if page.status_code in (200, 422) and "<html" in page.text:
            check_page(page.text)
            found = re.search(r'name="csrf" value="([^"]+)"', page.text)
            if found:
                self.csrf = found.group(1)
        return page

    def post(self, url: str, data: dict[str, Any] | None = None, *, csrf: bool = True) -> Any:
        if csrf and not self.csrf:
            self.get("/notifications")
        answer = self.client.post(url, data={**({"csrf": self.csrf} if csrf else {}), **(data or {})})
        if answer.status_code in (200, 422) and "<html" in answer.text:
            check_page(answer.text)
        return answer

    def follow(self, answer: Any) -> Any:
        """The page a 303 leads to."""
        assert answer.status_code == 303, (answer.status_code, answer.text[:2000])
        return self.get(answer.headers["location"])


def sweep(api: Api) -> None:
    worker.sweep(api.runtime.workflow, api.runtime.gateway, api.runtime.notifiers)


def created(api: Api, owner: str = "filer-a", doc: dict[str, Any] | None = None, seq: int = 1) -> Application:
    return filings.create_application(api.runtime.workflow, owner=api.users[owner].account_id,
                                      document=doc or filing_doc(seq))


def to_sms(api: Api, app: Application) -> Application:
    """Face verification, submission, platform approval, and the simulated SMS sent."""
    wf, actor = api.runtime.workflow, app.owner
    face.start(wf, api.runtime.gateway, app.id, actor=actor)
    app = filings.get_application(wf, app.id, actor=actor)
    app = filings.submit(wf, app.id, actor=actor, expected_version=app.version)
    app = filings.platform_approve(wf, app.id, reviewer=api.users["reviewer"].account_id,
                                   expected_version=app.version)
    sweep(api)
    return filings.get_application(wf, app.id, actor=actor)


def sms_code(api: Api, app: Application) -> str:
    with api.runtime.workflow.uow() as store:
        current = store.get_application(app.id)
        codes = [e.code for e in store.sms_of(app.id) if e.attempt == current.sms_attempt]
    assert codes
    return codes[0]


def to_decision(api: Api, app: Application) -> Application:
    """From the SMS step: verified, handed to the simulated bureau, decided (approve ratio 1, no delay)."""
    wf, actor = api.runtime.workflow, app.owner
    app = filings.verify_sms(wf, app.id, sms_code(api, app), actor=actor, expected_version=app.version)
    sweep(api)
    api.clock.advance(seconds=5)
    sweep(api)
    sweep(api)
    return filings.get_application(wf, app.id, actor=actor)


def filed(api: Api, owner: str = "filer-a", doc: dict[str, Any] | None = None, seq: int = 1) -> Application:
    app = to_decision(api, to_sms(api, created(api, owner, doc, seq)))
    assert app.issued_number, app.state
    return app
