"""axe-core (bundled by axe-playwright-python) on every console page, in Debian's Chromium: no violation of
impact "serious" or "critical". The pages are shown in the states a person meets them in: a draft with a
finding beside a field, a filing in the review queue, one waiting for the SMS code and one with its number."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from .conftest import SignIn

pytestmark = pytest.mark.browser

BLOCKING = ("serious", "critical")
UNKNOWN_NUMBER = "浙ICP备2026999999号-1X"


@dataclass
class Console:
    pages: dict[str | None, Page]
    draft: str = ""
    in_review: str = ""
    in_sms: str = ""
    number: str = ""
    sms_violations: str = "not checked"


def _create(filer: Page) -> str:
    filer.goto("/filings/new")
    filer.get_by_text("粘贴备案申请文档（JSON）").click()  # the advanced section: its example is a complete filing
    filer.get_by_role("button", name="从 JSON 创建草稿").click()
    expect(filer.locator(".flash.ok")).to_contain_text("草稿已创建")
    found = re.search(r"/filings/([0-9a-f-]{36})", filer.url)
    assert found, filer.url
    return found.group(1)


def _submit(filer: Page, filing_id: str) -> None:
    filer.goto(f"/filings/{filing_id}?step=4")
    filer.get_by_role("button", name="发起人脸核身").click()
    expect(filer.locator("#face")).to_contain_text("已通过")
    filer.get_by_role("button", name="提交平台初审").click()
    expect(filer.locator(".status")).to_contain_text("平台初审中")


def _reload_until(page: Page, ready: Callable[[], bool], what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {seconds} s waiting for {what}")
        page.wait_for_timeout(300)
        page.reload()


@pytest.fixture(scope="module")
def console(sign_in: SignIn) -> Console:
    """Filings in each state the pages show, made through the console itself."""
    pages = {name: sign_in(name) for name in ("demo-filer", "demo-reviewer", "demo-operator", "demo-auditor")}
    pages[None] = sign_in(None)
    filer, reviewer = pages["demo-filer"], pages["demo-reviewer"]
    made = Console(pages)
    # a draft whose step 2 shows an error finding beside the emergency phone
    made.draft = _create(filer)
    filer.goto(f"/filings/{made.draft}?step=2")
    filer.get_by_label("应急联系电话").fill(filer.get_by_label("手机号码").input_value())
    filer.get_by_role("button", name="保存本步").click()
    expect(filer.locator("#fd-subject-principal-emergency_phone .finding.error")).to_be_visible()
    # one waiting in the review queue, one taken through to its number (its SMS page seen on the way)
    made.in_review = _create(filer)
    _submit(filer, made.in_review)
    made.in_sms = _create(filer)
    _submit(filer, made.in_sms)
    reviewer.goto(f"/review/{made.in_sms}")
    reviewer.get_by_role("button", name="通过", exact=True).click()
    expect(reviewer.locator(".flash.ok")).to_contain_text("已通过平台初审")
    filer.goto(f"/filings/{made.in_sms}")
    sms = filer.locator("#sms")
    _reload_until(filer, lambda: sms.count() > 0 and re.search(r"验证码\d{6}", sms.inner_text()) is not None,
                  "the simulated SMS")
    code = re.search(r"验证码(\d{6})", sms.inner_text())
    assert code
    # axe on the SMS step now, before the code is entered: the filing moves on once it is
    found = _blocking(filer)
    made.sms_violations = _report(filer.url, found) if found else ""
    filer.get_by_label("验证码").fill(code.group(1))
    filer.get_by_role("button", name="提交验证码").click()
    issued = filer.locator("#issued-number")
    _reload_until(filer, lambda: issued.count() > 0, "the simulated bureau's approval")
    made.number = issued.inner_text().strip()
    return made


def _blocking(page: Page) -> list[dict[str, Any]]:
    page.wait_for_load_state("load")
    violations: list[dict[str, Any]] = Axe().run(page).response["violations"]
    return [v for v in violations if v.get("impact") in BLOCKING]


def _report(url: str, found: list[dict[str, Any]]) -> str:
    lines = [f"{len(found)} serious/critical axe violation(s) on {url}:"]
    for v in found:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} {v.get('helpUrl', '')}")
        lines.extend(f"    {', '.join(map(str, n['target']))}: {n['html'][:200]}\n      {n.get('failureSummary', '')}"
                     for n in v["nodes"])
    return "\n".join(lines)


PAGES: list[tuple[str, str | None, Callable[[Console], str]]] = [
    ("login", None, lambda c: "/login"),
    ("filings", "demo-filer", lambda c: "/filings"),
    ("filing-new", "demo-filer", lambda c: "/filings/new"),
    *[(f"wizard-step-{n}", "demo-filer", lambda c, n=n: f"/filings/{c.draft}?step={n}") for n in range(1, 6)],
    ("filing-submitted", "demo-filer", lambda c: f"/filings/{c.in_review}"),
    ("filing-number", "demo-filer", lambda c: f"/filings/{c.in_sms}"),
    ("review-queue", "demo-reviewer", lambda c: "/review"),
    ("review-page", "demo-reviewer", lambda c: f"/review/{c.in_review}"),
    ("cancel-program", "demo-filer", lambda c: f"/filings/{c.in_sms}/cancel/program"),
    ("cancel-access", "demo-filer", lambda c: f"/filings/{c.in_sms}/cancel/access"),
    ("cancel-subject", "demo-filer", lambda c: f"/filings/{c.in_sms}/cancel/subject"),
    ("notifications-filer", "demo-filer", lambda c: "/notifications"),
    ("notifications-operator", "demo-operator", lambda c: "/notifications"),
    ("operator", "demo-operator", lambda c: "/operator"),
    ("operator-filtered", "demo-operator", lambda c: "/operator?province=330000&from=2026-01-01&to=2026-12-31"),
    ("operator-policy", "demo-operator", lambda c: "/operator/policy"),
    ("operator-rules", "demo-operator", lambda c: "/operator/rules"),
    ("operator-holidays", "demo-operator", lambda c: "/operator/holidays"),
    ("operator-simulator", "demo-operator", lambda c: "/operator/simulator"),
    ("operator-audit", "demo-operator", lambda c: "/operator/audit"),
    ("auditor-audit", "demo-auditor", lambda c: "/operator/audit"),
    ("auditor-review-queue", "demo-auditor", lambda c: "/review"),
    ("lookup", None, lambda c: "/lookup"),
    ("lookup-found", None, lambda c: f"/lookup?number={c.number}"),
    ("lookup-not-found", None, lambda c: f"/lookup?number={UNKNOWN_NUMBER}"),
]


@pytest.mark.parametrize(("name", "user", "url"), PAGES, ids=[p[0] for p in PAGES])
def test_a_console_page_has_no_serious_accessibility_violation(
        console: Console, name: str, user: str | None, url: Callable[[Console], str]) -> None:
    page = console.pages[user]
    target = url(console)
    page.goto(target)
    if name == "lookup-found":
        expect(page.locator("main")).to_contain_text(console.number)
    elif name == "lookup-not-found":
        expect(page.locator(".flash.bad")).to_contain_text("未查询到")
    elif name == "wizard-step-2":
        expect(page.locator(".finding.error").first).to_be_visible()
    elif name == "review-page":
        expect(page.get_by_role("button", name="驳回")).to_be_visible()
    elif name.startswith("cancel-"):
        expect(page.locator("main form").last).to_be_visible()
    elif name == "operator-holidays":
        expect(page.locator("main")).to_contain_text("2027")
    found = _blocking(page)
    assert not found, _report(target, found)


def test_the_sms_step_has_no_serious_accessibility_violation(console: Console) -> None:
    """Checked while the filing waited for its code (it has moved on since)."""
    assert console.sms_violations == "", console.sms_violations
