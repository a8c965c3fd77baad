"""The REST API application: `create_app(runtime)` — nothing is built at import."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from ..adapters.db.engine import head_revision, readiness_problem
from ..bootstrap import Runtime
from ..console import routes as console
from ..services.accounts import Accounts
from . import (
    errors,
    observability,
    routes_attachments,
    routes_config,
    routes_documents,
    routes_filings,
    routes_misc,
    routes_staff,
)
from .deps import Services
from .errors import ApiError


def create_app(runtime: Runtime, accounts: Accounts) -> FastAPI:
    app = FastAPI(
        title="icpflow API",
        version="1.0",
        description=(
            "小程序 ICP 备案：预检、提交、平台初审、工信部短信核验、管局审核、备案号。"
            "认证：控制台会话（Cookie + X-CSRF-Token）或服务商 API 密钥（Authorization: Bearer）。"
            "错误为 application/problem+json。" + ("（监管侧为模拟器）" if runtime.gateway.is_simulator else "")
        ),
    )
    app.state.services = Services(runtime, accounts)
    errors.install(app)
    app.include_router(routes_misc.router)
    app.include_router(routes_misc.public)
    app.include_router(routes_filings.router)
    app.include_router(routes_staff.router)
    app.include_router(routes_config.router)
    app.include_router(routes_documents.router)
    app.include_router(routes_attachments.router)
    app.include_router(console.router)
    app.mount("/static/console", StaticFiles(directory=console.STATIC_DIR), name="console-static")

    @app.get("/healthz", tags=["ops"], summary="健康检查（进程存活）")
    def healthz() -> dict[str, str]:
        return {"status": "ok", "regulator": runtime.gateway.name}

    @app.get("/readyz", tags=["ops"], summary="就绪检查：数据库可达且结构为最新",
             responses={503: {"description": "未就绪（原因见 detail）"}})
    def readyz() -> dict[str, str]:
        problem = readiness_problem(runtime.engine)
        if problem is not None:
            raise ApiError(503, "not_ready", problem)
        return {"status": "ready", "schema": head_revision(), "regulator": runtime.gateway.name}

    observability.install(app, access_log=runtime.settings.access_log)  # last added: outermost of ours

    return app
