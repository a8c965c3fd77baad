"""Request ids, access log lines and unexpected errors, as one pure ASGI middleware (the outermost of ours).

Every request gets an id: the caller's `X-Request-ID` when it is a plain token (letters, digits, `-`, `_`,
`.`, at most 64), else a new one. It is returned in `X-Request-ID`, bound to every log line written while
the request runs (structlog context variables) and, with `ICPFLOW_ACCESS_LOG`, logged once per request
with the method, the path (never the query string), the status and the milliseconds taken.

An exception no handler turned into a response is logged here — through structlog, so its message and
traceback are masked like every other line (icpflow/logging.py) — and answered with a problem+json 500
naming the request id. It is not re-raised: the server would log it again, unmasked.
"""

from __future__ import annotations

import re
import time
import uuid

import structlog
from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import problem

HEADER = "x-request-id"
_TOKEN = re.compile(r"[A-Za-z0-9._-]{1,64}")


class RequestLog:
    def __init__(self, app: ASGIApp, *, access_log: bool = True) -> None:
        self.app = app
        self.access_log = access_log
        self.log = structlog.get_logger("icpflow.api")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        started = time.perf_counter()
        status = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (HEADER.encode(), request_id.encode())]
            await send(message)

        with structlog.contextvars.bound_contextvars(request_id=request_id):
            try:
                await self.app(scope, receive, send_with_id)
            except Exception:
                self.log.exception("请求处理出错", method=scope["method"], path=scope["path"])
                if status == 0:  # nothing sent yet: answer in the API's way
                    response = problem(500, "internal_error", "internal_error",
                                       f"服务器内部错误，请稍后重试；如需协助请提供请求编号 {request_id}",
                                       request_id=request_id)
                    await response(scope, receive, send_with_id)
                else:
                    status = 500  # the response was cut off; the server closes the connection
            finally:
                if self.access_log:
                    self.log.info("请求", method=scope["method"], path=scope["path"], status=status,
                                  ms=round((time.perf_counter() - started) * 1000, 1))


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == HEADER.encode():
            given = bytes(value).decode("latin-1")
            if _TOKEN.fullmatch(given):
                return given
            break
    return uuid.uuid4().hex


def install(app: FastAPI, *, access_log: bool) -> None:
    app.add_middleware(RequestLog, access_log=access_log)
