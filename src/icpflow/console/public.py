"""The public look-up by filing number or appid (no sign-in)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..api.deps import Services
from ..domain.filing_number import parse_filing_number
from ..domain.model import RecordStatus
from .common import (
    page,
    services,
    session_of,
)

router = APIRouter(include_in_schema=False)

@router.get("/lookup")
def lookup(request: Request) -> Response:
    number = request.query_params.get("number", "").strip()[:40]
    appid = request.query_params.get("appid", "").strip()[:64]
    result: dict[str, str] | None = None
    message = ""
    status_code = 200
    if number or appid:
        svc = services(request)
        with svc.runtime.workflow.uow() as store:
            if number and parse_filing_number(number) is None:
                record, program, message, status_code = None, None, f"“{number}”不是有效的备案号格式", 422
            elif number:
                record = store.find_record(number)
                program = store.get_program(record.program_id) if record and record.program_id else None
            else:
                program = store.find_program(appid)
                found = store.active_records(program_id=program.id) if program else []
                record = found[0] if found else None
            if record is not None:
                subject = store.get_subject(record.subject_id)
                status = "有效" if record.status is RecordStatus.ACTIVE else "已注销"
                result = {"number": record.number, "status": status,
                          "appid": program.appid if program else "", "program_name": program.name if program else "",
                          "subject_name": subject.name, "province": label_province(svc, subject.province)}
            elif not message:
                message, status_code = "未查询到备案信息", 404
    return page(request, "lookup.html", session_of(request), status_code, number=number, appid=appid, result=result,
                 message=message)


def label_province(svc: Services, code: str) -> str:
    return svc.runtime.workflow.checker.regions.name(code) or code
