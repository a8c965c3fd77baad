"""`icpflow db …` and `icpflow worker`: the database and the background worker that move filings along,
and what every workflow command shares (cli_filings.py, cli_config.py): the runtime built from settings,
and domain errors printed as a red line with exit code 1 (an unreadable document exits 2 with its problems).
"""

from __future__ import annotations

import signal
import time
from typing import Annotated

import structlog
import typer
from rich.console import Console

from . import render
from .adapters.db.engine import compact
from .adapters.db.rotation import SqlKeyRotationUnitOfWork
from .bootstrap import Runtime, build_runtime
from .config import load_settings
from .domain.errors import DomainError
from .domain.parsing import DocumentUnreadable
from .domain.workflow import IllegalTransition
from .logging import configure_logging
from .services import worker
from .services.pii_admin import rotate_keys

db_app = typer.Typer(help="数据库：创建与迁移。", no_args_is_help=True)


def _console() -> Console:
    return Console(highlight=False)


def _runtime() -> Runtime:
    """The runtime from the environment's settings, or exit 2 with each bad setting named in Chinese."""
    try:
        return build_runtime(load_settings())
    except ValueError as exc:  # SettingsInvalid among them: one line per bad setting
        render.report_config_error(exc, Console(stderr=True))
        raise typer.Exit(2) from None


def _fail(exc: Exception) -> typer.Exit:
    err = Console(stderr=True, highlight=False)
    if isinstance(exc, DocumentUnreadable):
        render.problems(err, "", [p.to_dict() for p in exc.problems])
        return typer.Exit(2)
    if isinstance(exc, IllegalTransition):
        err.print(f"[red]不能执行[/red] {exc.reason}")
    elif isinstance(exc, DomainError):
        err.print(f"[red]{exc.message}[/red]")
        report = exc.data.get("report")
        if report:
            render.report(err, report)
    else:
        raise exc
    return typer.Exit(1)


# ----- db ----------------------------------------------------------------------------------------------

@db_app.command("upgrade")
def db_upgrade() -> None:
    """创建或升级数据库结构（SQLite 默认在 .icpflow/icpflow.db；ICPFLOW_DATABASE_URL 指定 PostgreSQL）。"""
    runtime = _runtime()
    _console().print(f"数据库已是最新结构：{runtime.engine.url.render_as_string(hide_password=True)}")
    for notice in runtime.notices:
        Console(stderr=True).print(f"[yellow]{notice}[/yellow]")


# ----- worker ------------------------------------------------------------------------------------------

def worker_command(
    once: Annotated[bool, typer.Option("--once", help="只处理一轮后退出")] = False,
    interval: Annotated[float | None, typer.Option(help="轮询间隔（秒）")] = None,
) -> None:
    """后台任务：定时器（短信过期、审核超时提醒、模拟管局结果）与发件箱（通知、监管接口调用）。"""
    stop = {"now": False}

    def _stop(signum: int, _frame: object) -> None:
        stop["now"] = True

    # first, so a stop asked for while starting (migrations, keys) is a clean exit, not a kill
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    runtime = _runtime()
    configure_logging(runtime.settings.log_format)  # every line masked: no plaintext ID, phone or e-mail
    log = structlog.get_logger("icpflow.worker")
    pause = interval or runtime.settings.worker_interval_seconds
    label = "模拟器" if runtime.gateway.is_simulator else runtime.gateway.name
    log.info("icpflow worker 已启动", regulator=label, interval=pause)
    for warning in [*runtime.notices, *runtime.workflow.calendar.warnings()]:
        log.warning(warning)
    while not stop["now"]:
        result = worker.sweep(runtime.workflow, runtime.gateway, runtime.notifiers,
                              batch=runtime.settings.worker_batch)
        flagged = worker.flag_takedowns(runtime.workflow)
        if result.timers or result.outbox or result.failures or flagged:
            # each failure was logged where it happened (services/worker.py); this is the pass's summary
            log.info("本轮完成", timers=result.timers, outbox=result.outbox, failures=len(result.failures),
                     takedowns=flagged)
        if once:
            break
        time.sleep(pause)


# ----- db: personal information (issue #4) ---------------------------------------------------------------

@db_app.command("rotate-keys")
def db_rotate_keys() -> None:
    """用当前密钥（ICPFLOW_ENCRYPTION_KEYS 的第一个）重新加密全部个人信息，并加密 0004 之前写入的明文。
    完成后即可从配置中删除旧密钥。"""
    runtime = _runtime()
    rewritten = rotate_keys(SqlKeyRotationUnitOfWork(runtime.engine, runtime.uow.cipher))
    compact(runtime.engine)  # SQLite: no old copy of a rewritten row stays in the file
    _console().print(f"已用密钥 {runtime.uow.cipher.current} 重新加密 {rewritten} 行")
