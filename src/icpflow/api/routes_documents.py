"""Documents around a filing: the letters its case needs (DOCX/PDF, to print, sign and stamp), and the
importers from the WeChat and Douyin filing bodies."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path
from fastapi.responses import Response

from ..adapters.letters.docx import render_docx
from ..adapters.letters.pdf import render_pdf
from ..domain.document import FullFiling
from ..domain.importers import import_douyin, import_wechat
from ..domain.letters import SPECS, compose, templates_needed
from ..domain.parsing import parse_mapping
from ..services.precheck import check_document
from .deps import PrincipalDep, ServicesDep
from .errors import ApiError
from .routes_filings import load

router = APIRouter(prefix="/api/v1", tags=["documents"])

_MEDIA = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "pdf": "application/pdf"}


@router.get("/filings/{application_id}/letters", summary="该申请需要的信函（来自预检的材料要求）")
def letters(application_id: str, svc: ServicesDep, who: PrincipalDep) -> list[dict[str, Any]]:
    app = load(svc, who, application_id, write=False)
    doc = parse_mapping(app.document)
    if not isinstance(doc, FullFiling):
        return []
    report = check_document(doc, checker=svc.runtime.workflow.checker, clock=svc.runtime.workflow.clock)
    return [{"template": name, "title": SPECS[name].title, "docx": f"letters/{name}.docx",
             "pdf": f"letters/{name}.pdf"} for name in templates_needed(report)]


@router.get("/filings/{application_id}/letters/{template}.{fmt}", summary="生成信函（DOCX 或 PDF，预填本申请的信息）")
def letter(application_id: str, template: str, fmt: Annotated[Literal["docx", "pdf"], Path()],
           svc: ServicesDep, who: PrincipalDep) -> Response:
    app = load(svc, who, application_id, write=False)
    doc = parse_mapping(app.document)
    if not isinstance(doc, FullFiling):
        raise ApiError(422, "invalid_request", "注销申请不需要生成信函")
    wf = svc.runtime.workflow
    report = check_document(doc, checker=wf.checker, clock=wf.clock)
    composed = compose(template, doc, report.to_dict(), today=wf.clock.today(), platform_name="icpflow",
                       categories=wf.checker.scanner.categories)
    svc.accounts.audit(who, "letter_generated", app.id, template=template, format=fmt)
    data = render_docx(composed) if fmt == "docx" else render_pdf(composed)
    return Response(data, media_type=_MEDIA[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{template}.{fmt}"'})


@router.post("/import/{platform}", summary="导入微信 apply_icp_filing 或抖音 submit_record_info 请求体")
def import_body(platform: Literal["wechat", "douyin"], body: dict[str, Any], who: PrincipalDep) -> dict[str, Any]:
    result = import_wechat(body) if platform == "wechat" else import_douyin(body)
    return result.to_dict()
