"""The reviewer's console pages: the queue sorted by deadline and the review of one filing."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..api.routes_filings import filing_out
from ..bootstrap import load_rejections
from ..domain.accounts import Role
from ..domain.model import Application
from ..domain.parsing import DocumentUnreadable
from ..domain.pii import mask_document
from ..domain.rejections import ReviewStage
from ..domain.workflow import State
from ..services import filings
from .common import (
    ACTION_ERRORS,
    EVENT_LABELS,
    REVIEWERS,
    Session,
    error_page,
    go,
    guard,
    load_application,
    message_of,
    page,
    posted_form,
    rejection_reasons,
    report_of,
    services,
    sla,
)

router = APIRouter(include_in_schema=False)

@router.get("/review")
def review_queue(request: Request) -> Response:
    session = guard(request, (*REVIEWERS, Role.AUDITOR))
    if not isinstance(session, Session):
        return session
    svc = services(request)
    with svc.runtime.workflow.uow() as store:
        apps = store.list_applications(states=[State.PLATFORM_REVIEW.value], limit=1000)
    apps.sort(key=lambda a: (a.due_at is None, a.due_at))
    now = svc.runtime.workflow.clock.now()
    items = [(out, sla(out, now)) for out in (filing_out(svc, a, document=False) for a in apps)]
    return page(request, "review_queue.html", session, items=items)


@router.get("/review/{application_id}")
def review_page(request: Request, application_id: str) -> Response:
    session = guard(request, (*REVIEWERS, Role.AUDITOR))
    if not isinstance(session, Session):
        return session
    app = load_application(request, session, application_id, write=False)
    if not isinstance(app, Application):
        return app
    svc = services(request)
    out = filing_out(svc, app, document=False)
    try:
        report: dict[str, Any] | None = report_of(request, app.document)
    except DocumentUnreadable:
        report = None
    history = filings.history(svc.runtime.workflow, app.id, actor=session.who.account.id, staff=True)
    catalogue = load_rejections().for_stage(ReviewStage.PLATFORM)
    return page(request, "review.html", session, app=app, out=out, report=report, masked=mask_document(app.document),
                 history=history, event_labels=EVENT_LABELS, catalogue=catalogue,
                 may_decide=session.who.role in REVIEWERS and app.state is State.PLATFORM_REVIEW)


@router.post("/review/{application_id}/{decision}")
async def review_decision(request: Request, application_id: str, decision: str) -> Response:
    posted = await posted_form(request, REVIEWERS)
    if not isinstance(posted, tuple):
        return posted
    session, form = posted
    if decision not in ("approve", "reject"):
        return error_page(request, session, 404, "找不到该页面")
    wf = services(request).runtime.workflow
    try:
        version = int(form.get("version", "-1"))
        if decision == "approve":
            filings.platform_approve(wf, application_id, reviewer=session.who.account.id, expected_version=version)
        else:
            filings.platform_reject(wf, application_id, rejection_reasons(form), reviewer=session.who.account.id,
                                    expected_version=version)
    except (ValueError, *ACTION_ERRORS) as exc:
        return go(f"/review/{application_id}", error=message_of(exc))
    return go("/review", notice="已通过平台初审" if decision == "approve" else "已驳回")
