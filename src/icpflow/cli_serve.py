"""`icpflow serve`: the API, the worker and the regulator simulator in one process, on the embedded
SQLite default, with demo accounts and filings — what a newcomer runs first."""

from __future__ import annotations

import threading
from typing import Annotated

import typer
from rich.console import Console

from . import demo
from .bootstrap import build_accounts, build_runtime
from .config import Settings
from .services import worker


def serve_command(
    host: Annotated[str, typer.Option(help="监听地址")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="端口")] = 8000,
    with_demo: Annotated[bool, typer.Option("--demo/--no-demo", help="创建演示账号和演示备案")] = True,
) -> None:
    """启动 icpflow：REST API、后台任务和监管模拟器，一个进程。"""
    import uvicorn  # the web stack is loaded only by the command that serves it

    from .api.app import create_app

    console = Console(highlight=False)
    runtime = build_runtime(Settings())
    accounts = build_accounts(runtime)
    logins = demo.seed(runtime.workflow, accounts) if with_demo else []
    app = create_app(runtime, accounts)
    stop = threading.Event()

    def run_worker() -> None:
        while not stop.is_set():
            worker.sweep(runtime.workflow, runtime.gateway, runtime.notifiers)
            worker.flag_takedowns(runtime.workflow)
            stop.wait(runtime.settings.worker_interval_seconds)

    thread = threading.Thread(target=run_worker, name="icpflow-worker", daemon=True)
    thread.start()
    base = f"http://{host}:{port}"
    console.print(f"[bold]icpflow[/bold] 已启动：{base}   API 文档：{base}/docs")
    if runtime.gateway.is_simulator:
        console.print("监管侧：[yellow]模拟器[/yellow]（工信部短信与管局审核均为模拟，界面和消息中标注【模拟】）")
    console.print(f"数据库：{runtime.engine.url.render_as_string(hide_password=True)}")
    if logins:
        console.print(f"演示账号（密码均为 [bold]{demo.DEMO_PASSWORD}[/bold]）：")
        for login in logins:
            console.print(f"  {login.username:<15} {login.label}（{login.role.value}）")
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        stop.set()
        thread.join(timeout=10)
