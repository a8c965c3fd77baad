"""Console sign-in, sign-out and the role's home page."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ..api.deps import SESSION_COOKIE
from ..services.accounts import LoginFailed, LoginLocked
from .common import (
    HOME,
    LOGIN_CSRF_COOKIE,
    error_page,
    page,
    posted_form,
    same_token,
    services,
    session_of,
)

router = APIRouter(include_in_schema=False)

@router.get("/")
def home(request: Request) -> Response:
    session = session_of(request)
    if session is None:
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse(HOME[session.who.role], status_code=303)


@router.get("/login")
def login_page(request: Request) -> Response:
    token = secrets.token_urlsafe(24)
    response = page(request, "login.html", None, login_csrf=token, next=request.query_params.get("next", ""))
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", max_age=3600, path="/login")
    return response


@router.post("/login")
async def login(request: Request) -> Response:
    form = await request.form()
    username, password = str(form.get("username", "")), str(form.get("password", ""))
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not same_token(str(form.get("csrf", "")), expected):
        return error_page(request, None, 403, "登录表单已过期，请刷新页面后重试")
    svc = services(request)
    try:
        account, token, _ = svc.accounts.login(username, password)
    except (LoginFailed, LoginLocked) as exc:
        fresh = secrets.token_urlsafe(24)
        response = page(request, "login.html", None, 401 if isinstance(exc, LoginFailed) else 429,
                         login_csrf=fresh, next=str(form.get("next", "")), failed=exc.message, username=username)
        response.set_cookie(LOGIN_CSRF_COOKIE, fresh, httponly=True, samesite="strict", max_age=3600, path="/login")
        return response
    target = str(form.get("next", ""))
    if not target.startswith("/") or target.startswith("//"):
        target = HOME[account.role]
    done = RedirectResponse(target, status_code=303)
    secure = request.url.scheme == "https" or svc.runtime.settings.cookie_secure
    done.set_cookie(SESSION_COOKIE, token, httponly=True, secure=secure, samesite="lax", max_age=12 * 3600, path="/")
    done.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return done


@router.post("/logout")
async def logout(request: Request) -> Response:
    posted = await posted_form(request)
    if not isinstance(posted, tuple):
        return posted
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        services(request).accounts.logout(token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
