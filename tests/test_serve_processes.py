"""`icpflow serve --processes 2` for real: the parent migrates and seeds once, two API processes answer on one
port, the parent's worker does the background work for both, and SIGTERM stops every process."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import typer

from icpflow.cli_serve import listen
from icpflow.testing import make_filing

pytestmark = pytest.mark.slow

V1 = "/api/v1"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _children(pid: int) -> list[int]:
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:  # the process ended while we looked
            continue
        if re.search(rf"^PPid:\s+{pid}$", text, re.MULTILINE):
            found.append(int(status.parent.name))
    return found


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes], Path]]:
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("ICPFLOW_")}
    env.update({"ICPFLOW_DATA_DIR": str(tmp_path / "data"), "ICPFLOW_SIMULATOR_MIN_DELAY_SECONDS": "0",
                "ICPFLOW_SIMULATOR_MAX_DELAY_SECONDS": "0", "ICPFLOW_WORKER_INTERVAL_SECONDS": "0.2",
                "ICPFLOW_FACE_TASK_REQUIRED": "false", "ICPFLOW_COOKIE_SECURE": "false"})
    log = tmp_path / "serve.log"
    command = [str(Path(sys.executable).with_name("icpflow")), "serve", "--processes", "2", "--port", str(port)]
    with log.open("wb") as out:
        proc = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert proc.poll() is None, log.read_text(errors="replace")
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            pytest.fail(f"not serving after 60 s:\n{log.read_text(errors='replace')}")
        yield base, proc, log
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


def test_two_api_processes_share_one_database_and_the_parent_works_for_both(
        server: tuple[str, subprocess.Popen[bytes], Path]) -> None:
    base, proc, log = server
    assert "API 进程：2 个" in log.read_text(encoding="utf-8")
    api_processes = [pid for pid in _children(proc.pid)
                     if "spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")]
    assert len(api_processes) == 2, api_processes

    with httpx.Client(base_url=base, timeout=10) as client:  # demo accounts seeded once, by the parent
        login = client.post(f"{V1}/auth/login", json={"username": "demo-filer", "password": "icpflow-demo-2026"})
        assert login.status_code == 200, login.text
        csrf = {"X-CSRF-Token": login.json()["csrf_token"]}
        doc = make_filing("330000")
        doc.pop("submitted_on")
        created = client.post(f"{V1}/filings", json={"document": doc}, headers=csrf)
        assert created.status_code == 201, created.text
        app = created.json()
        submitted = client.post(f"{V1}/filings/{app['id']}/submit", json={"version": app["version"]}, headers=csrf)
        assert submitted.status_code == 200, submitted.text
        # whichever process answers, it reads what another wrote (new connections spread over both)
        for _ in range(20):
            with httpx.Client(base_url=base, timeout=10, cookies=client.cookies) as other:
                assert other.get(f"{V1}/filings/{app['id']}").json()["state"] == "platform_review"
        deadline = time.monotonic() + 20  # the parent's worker delivers the in-site message
        while time.monotonic() < deadline:
            messages = client.get(f"{V1}/notifications").json()
            if any("平台初审中" in m["subject"] for m in messages):
                break
            time.sleep(0.2)
        else:
            pytest.fail(f"no notification from the worker: {messages}")

    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=20) == 0
    assert [pid for pid in api_processes if Path(f"/proc/{pid}").exists()] == []  # reaped before the parent left


def test_connections_to_the_processes_listener_get_tcp_nodelay() -> None:
    """What uvicorn's own `workers=N` socket misses (Kludex/uvicorn#3149): without TCP_NODELAY each keep-alive
    response after the first waits on the client's delayed ACK."""
    sock = listen("127.0.0.1", 0)
    seen: list[int] = []

    async def accept_one() -> None:
        def connected(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            seen.append(writer.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()
        server = await asyncio.start_server(connected, sock=sock)
        _, writer = await asyncio.open_connection(*sock.getsockname())
        for _ in range(100):
            if seen:
                break
            await asyncio.sleep(0.01)
        writer.close()
        server.close()

    # a thread of its own: other tests (Playwright's sync API) may leave an event loop in this one
    runner = threading.Thread(target=asyncio.run, args=(accept_one(),))
    try:
        runner.start()
        runner.join(timeout=30)
        assert sock.proto == socket.IPPROTO_TCP
        assert seen == [1]
    finally:
        sock.close()


def test_a_port_in_use_is_a_chinese_message_and_exit_code_two(capsys: pytest.CaptureFixture[str]) -> None:
    taken = listen("127.0.0.1", 0)
    taken.listen()
    try:
        with pytest.raises(typer.Exit) as stopped:
            listen("127.0.0.1", taken.getsockname()[1])
    finally:
        taken.close()
    assert stopped.value.exit_code == 2
    assert "无法监听 127.0.0.1:" in capsys.readouterr().err
