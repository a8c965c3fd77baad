"""`icpflow serve`: the API, the worker and the regulator simulator in one process, on the embedded
SQLite default, with demo accounts and filings — what a newcomer runs first. `--processes N` serves the
API from N processes (one Python process uses one core), the worker staying in the parent."""

from __future__ import annotations

import socket
import threading
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from . import demo, render
from .adapters.db.engine import max_connections
from .bootstrap import build_accounts, build_runtime
from .config import Settings, load_settings
from .logging import configure_logging
from .services import worker


def serve_command(
    host: Annotated[str, typer.Option(help="监听地址")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="端口")] = 8000,
    with_demo: Annotated[bool, typer.Option("--demo/--no-demo", help="创建演示账号和演示备案")] = True,
    processes: Annotated[int, typer.Option(
        min=1, max=64, help="API 进程数（多核时大于 1；后台任务仍在主进程中运行）")] = 1,
) -> None:
    """启动 icpflow：REST API、后台任务和监管模拟器（默认一个进程）。"""
    import uvicorn  # the web stack is loaded only by the command that serves it

    from .api.app import create_app

    console = Console(highlight=False)
    try:
        runtime = build_runtime(load_settings())
    except ValueError as exc:  # SettingsInvalid among them: one line per bad setting
        render.report_config_error(exc, Console(stderr=True))
        raise typer.Exit(2) from None
    configure_logging(runtime.settings.log_format)  # the worker thread's and the API's lines, masked
    accounts = build_accounts(runtime)
    logins = demo.seed(runtime.workflow, accounts) if with_demo else []
    sockets = [listen(host, port)] if processes > 1 else []  # before anything says it started
    stop = threading.Event()

    def run_worker() -> None:
        while not stop.is_set():
            worker.sweep(runtime.workflow, runtime.gateway, runtime.notifiers,
                         batch=runtime.settings.worker_batch)
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
    if processes > 1:
        console.print(f"API 进程：{processes} 个（后台任务与监管模拟器在主进程）")
        warning = connection_budget_warning(runtime.settings, max_connections(runtime.engine), processes)
        if warning:
            console.print(f"[yellow]警告[/yellow] {warning}")
    try:
        if processes == 1:
            uvicorn.run(create_app(runtime, accounts), host=host, port=port, log_level="warning")
        else:  # each process builds its app from the same environment; this one migrated and seeded above
            _serve_processes(sockets[0], host, port, processes)
    finally:
        stop.set()
        thread.join(timeout=10)



def listen(host: str, port: int) -> socket.socket:
    """The listening socket of `--processes N`, bound here for uvicorn's supervisor to hand down.

    `uvicorn.run(..., workers=N)` binds its own with protocol 0; accepted connections inherit it and asyncio
    then leaves TCP_NODELAY off, so every keep-alive request after the first waits ~40 ms on the client's
    delayed ACK (Kludex/uvicorn#3149; 43 ms a request here). Bound with IPPROTO_TCP, every connection gets
    TCP_NODELAY as in the single-process server. A port in use is a Chinese message and exit code 2.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        Console(stderr=True, highlight=False).print(f"[red]无法监听[/red] {escape(f'{host}:{port}')}：{exc.strerror}")
        raise typer.Exit(2) from None
    sock.set_inheritable(True)
    return sock


def _serve_processes(sock: socket.socket, host: str, port: int, processes: int) -> None:
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config("icpflow.api.asgi:from_environment", factory=True, workers=processes, host=host,
                            port=port, log_level="warning")
    Multiprocess(config, sockets=[sock]).run()


def connection_budget_warning(settings: Settings, limit: int | None, processes: int) -> str | None:
    """A warning when the API processes and their parent could together open more PostgreSQL connections
    than the server accepts (each process has its own pool: size + overflow), else None."""
    if limit is None:
        return None
    needed = (processes + 1) * (settings.db_pool_size + settings.db_max_overflow)
    if needed <= limit:
        return None
    return (f"{processes} 个 API 进程与主进程最多会打开 {needed} 个数据库连接，超过 PostgreSQL 允许的 {limit} 个；"
            "负载高时新请求将连接失败。请调小 ICPFLOW_DB_POOL_SIZE / ICPFLOW_DB_MAX_OVERFLOW，或调大 max_connections")
