"""The in-site notifications page (站内通知) of every signed-in user: newest first, unread marked, paginated,
mark one or all as read. Operators read the shared operators' inbox (as in `GET /api/v1/notifications`)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..domain.accounts import TENANT_ROLES
from ..services import inbox
from .common import Session, error_page, go, guard, page, posted_form, services

router = APIRouter(include_in_schema=False)


def _page_number(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1


@router.get("/notifications")
def notifications_page(request: Request) -> Response:
    session = guard(request)
    if not isinstance(session, Session):
        return session
    found = inbox.read_page(services(request).runtime.workflow, inbox.recipient_of(session.who),
                            _page_number(request.query_params.get("page")))
    # tenants open their own filing; staff open the review page, where reading is role-checked again
    filing_base = "/filings/" if session.who.role in TENANT_ROLES else "/review/"
    return page(request, "notifications.html", session, inbox=found, filing_base=filing_base)


@router.post("/notifications/read-all")
async def mark_all_read(request: Request) -> Response:
    posted = await posted_form(request)
    if not isinstance(posted, tuple):
        return posted
    session, _ = posted
    count = inbox.mark_all_read(services(request).runtime.workflow, inbox.recipient_of(session.who))
    return go("/notifications", notice=f"已将 {count} 条通知标为已读" if count else "没有未读通知")


@router.post("/notifications/{message_id}/read")
async def mark_read(request: Request, message_id: str) -> Response:
    posted = await posted_form(request)
    if not isinstance(posted, tuple):
        return posted
    session, form = posted
    try:
        number = int(message_id)
    except ValueError:
        number = -1
    wf = services(request).runtime.workflow
    if not 0 < number < 2**31 or not inbox.mark_read(wf, inbox.recipient_of(session.who), number):
        return error_page(request, session, 404, "找不到这条通知")
    back = f"/notifications?page={_page_number(form.get('page'))}"
    return go(back, notice="已标为已读", anchor=f"msg-{number}")
