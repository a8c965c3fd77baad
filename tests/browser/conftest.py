"""Browser tests: Playwright drives Debian's Chromium against a real `icpflow serve` (API, console, worker,
regulator simulator and demo accounts in one subprocess, on a fresh embedded database).

Chromium comes from Debian's `chromium` package (scripts/test installs it); Playwright's own browser
download is never used. Without /usr/bin/chromium the tests skip locally but fail under CI=true.
Screenshots go to test-artifacts/screenshots/NN-step.png (gitignored).
"""

from __future__ import annotations

import itertools
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    # without these Chromium's own background connections are refused here and slow every page down
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
DEMO_PASSWORD = "icpflow-demo-2026"  # icpflow.demo.DEMO_PASSWORD
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
TIMEOUT_MS = 15_000  # any single wait on a page

Shoot = Callable[[Page, str], Path]
SignIn = Callable[[str | None], Page]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing: install Debian's chromium package (scripts/test does)"
    if os.environ.get("CI") == "true":
        pytest.fail(message + " — CI must run the browser tests")
    pytest.skip(message)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of `icpflow serve` on a free loopback port, stopped (SIGTERM, then kill) at the end."""
    _require_chromium()
    data = tmp_path_factory.mktemp("serve")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ICPFLOW_")}
    env.update({
        "ICPFLOW_DATA_DIR": str(data / "data"),
        "ICPFLOW_SIMULATOR_MIN_DELAY_SECONDS": "0",
        "ICPFLOW_SIMULATOR_MAX_DELAY_SECONDS": "1",
        "ICPFLOW_SIMULATOR_APPROVE_RATIO": "1",
        "ICPFLOW_WORKER_INTERVAL_SECONDS": "0.2",
        "ICPFLOW_COOKIE_SECURE": "false",
    })
    exe = Path(sys.executable).parent / "icpflow"
    log_path = data / "serve.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen([str(exe), "serve", "--host", "127.0.0.1", "--port", str(port)],
                                env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"icpflow serve exited with {proc.returncode}:\n{log_path.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"icpflow serve did not answer /healthz:\n{log_path.read_text(errors='replace')}")
            time.sleep(0.2)
        yield base
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


@pytest.fixture(scope="session")
def browser(server: str) -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright's sync API."""
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


_shots = itertools.count(1)


@pytest.fixture(scope="session")
def shoot() -> Shoot:
    """`shoot(page, "step-name")` saves a full-page screenshot as NN-step-name.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()

    def save(page: Page, name: str) -> Path:
        path = SCREENSHOTS / f"{next(_shots):02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


@pytest.fixture(scope="module")
def sign_in(browser: Browser, server: str) -> Iterator[SignIn]:
    """`sign_in("demo-filer")`: a page of a fresh browser context, signed in through the login form
    (`sign_in(None)`: a signed-out visitor's page). The contexts close at the end of the module."""
    contexts: list[BrowserContext] = []

    def login(username: str | None) -> Page:
        context = browser.new_context(base_url=server, locale="zh-CN", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        if username is None:
            return page
        page.goto("/login")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(lambda url: "/login" not in url)
        return page

    yield login
    for context in contexts:
        context.close()
