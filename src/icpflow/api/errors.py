"""Errors as `application/problem+json` (RFC 9457), in Chinese, mapped in this one place.

Every domain error carries its data; here it becomes `{type, title, status, detail, code, …}` with the
data as extension members: `errors` (JSON paths) for an unreadable document, `report` for a blocked
pre-check, `reason` for an illegal transition.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..domain.errors import (
    ClaimedByOther,
    ConcurrentUpdate,
    DomainError,
    FaceVerificationRequired,
    InvalidRequest,
    NotFound,
    NotOwner,
    QuotaExhausted,
    SubmissionBlocked,
    WrongSmsCode,
)
from ..domain.parsing import DocumentUnreadable, format_path
from ..domain.workflow import IllegalTransition
from ..services.accounts import LoginFailed, LoginLocked

PROBLEM = "application/problem+json"

_STATUS: dict[type[DomainError], int] = {
    NotFound: 404,
    NotOwner: 403,
    ConcurrentUpdate: 409,
    ClaimedByOther: 409,
    SubmissionBlocked: 422,
    FaceVerificationRequired: 422,
    QuotaExhausted: 429,
    WrongSmsCode: 422,
    InvalidRequest: 422,
    LoginFailed: 401,
    LoginLocked: 429,
}


def problem(status: int, code: str, title: str, detail: str, **extra: Any) -> JSONResponse:
    body = {"type": f"https://icpflow.dev/problems/{code}", "title": title, "status": status, "detail": detail,
            "code": code, **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


class ApiError(Exception):
    """An error raised by the API layer itself (authentication, authorisation, headers)."""

    def __init__(self, status: int, code: str, detail: str, **extra: Any) -> None:
        self.status = status
        self.code = code
        self.detail = detail
        self.extra = extra
        super().__init__(detail)


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return problem(exc.status, exc.code, exc.code, exc.detail, **exc.extra)

    @app.exception_handler(DomainError)
    async def _domain(_: Request, exc: DomainError) -> JSONResponse:
        status = next((s for cls, s in _STATUS.items() if isinstance(exc, cls)), 422)
        data = {k: v for k, v in exc.data.items() if k not in ("type", "title", "status", "detail", "code")}
        if isinstance(exc, InvalidRequest) and "code" in exc.data:
            return problem(status, str(exc.data["code"]), exc.code, exc.message, **data)
        return problem(status, exc.code, exc.code, exc.message, **data)

    @app.exception_handler(IllegalTransition)
    async def _illegal(_: Request, exc: IllegalTransition) -> JSONResponse:
        return problem(409, "illegal_transition", "illegal_transition", exc.reason, state=exc.state.value,
                       event=exc.event.value)

    @app.exception_handler(DocumentUnreadable)
    async def _unreadable(_: Request, exc: DocumentUnreadable) -> JSONResponse:
        return problem(422, "document_unreadable", "document_unreadable", "备案文档无法读取，请按 errors 修改",
                       errors=[p.to_dict() for p in exc.problems])

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"path": format_path(tuple(e["loc"][1:])) if e["loc"] and e["loc"][0] == "body"
                   else ".".join(str(p) for p in e["loc"]),
                   "found": str(e.get("input", ""))[:60], "expected": _chinese(e)} for e in exc.errors()]
        return problem(422, "invalid_request", "invalid_request", "请求参数有误，请按 errors 修改", errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = {404: "找不到该地址", 405: "不支持该请求方法"}.get(exc.status_code, str(exc.detail))
        return problem(exc.status_code, f"http_{exc.status_code}", f"http_{exc.status_code}", detail)


def _chinese(error: Any) -> str:
    kind = error.get("type", "")
    if kind == "missing":
        return "缺少必填字段"
    if kind in ("string_type", "int_type", "int_parsing", "bool_type", "bool_parsing", "list_type", "dict_type",
                "model_attributes_type", "json_invalid"):
        return {"string_type": "应为字符串", "int_type": "应为整数", "int_parsing": "应为整数",
                "bool_type": "应为 true 或 false", "bool_parsing": "应为 true 或 false", "list_type": "应为数组",
                "dict_type": "应为对象", "model_attributes_type": "应为对象",
                "json_invalid": "不是有效的 JSON"}[kind]
    if kind == "enum":
        return "应为以下之一：" + str(error.get("ctx", {}).get("expected", ""))
    if kind.startswith("date_"):
        return "应为有效日期（YYYY-MM-DD）"
    return str(error.get("msg", "取值无效"))
