"""Attachments (附件): tenants upload JPEG, PNG or PDF files and put the returned `file` ("stored:<id>")
into their filing document's `attachments[].file`; the pre-check then measures the real file.

The upload body is read by hand, not by FastAPI's form parsing: authentication runs first, and the body
is refused as soon as it passes the size limit (plus the multipart envelope), so an anonymous or
oversized request is never buffered or spooled to disk whole.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from ..domain.accounts import MAY_REVEAL
from ..services.attachments import STORED_PREFIX, AttachmentRefused
from .deps import PrincipalDep, ServicesDep, TenantDep
from .errors import ApiError

router = APIRouter(prefix="/api/v1", tags=["attachments"])

#: room for the multipart envelope (boundaries, part headers, a long file name) around the file itself
ENVELOPE = 64 * 1024
_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "PDF": "pdf"}
_UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"multipart/form-data": {"schema": {
            "type": "object", "required": ["file"],
            "properties": {"file": {"type": "string", "format": "binary",
                                    "description": "JPG、PNG 或 PDF（按文件内容判断类型），不超过上传大小上限"}},
        }}},
    },
}


class AttachmentOut(BaseModel):
    file: str  # "stored:<object id>": put it into attachments[].file
    format: str  # JPEG | PNG | PDF
    width: int | None  # after EXIF rotation; null for a PDF
    height: int | None
    size_bytes: int


def _too_large(limit: int) -> ApiError:
    return ApiError(413, "attachment_too_large", f"上传内容超过上限 {limit / 1048576:.0f} MB", max_bytes=limit)


async def _body(request: Request, max_bytes: int) -> bytes:
    """The request body, refused (413) as soon as it is longer than the file limit plus the envelope."""
    allowed = max_bytes + ENVELOPE
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > allowed:
        raise _too_large(max_bytes)
    received = bytearray()
    async for chunk in request.stream():
        received += chunk
        if len(received) > allowed:
            raise _too_large(max_bytes)
    return bytes(received)


async def _file_part(request: Request, max_bytes: int) -> tuple[str, bytes]:
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        raise ApiError(415, "unsupported_media_type", "请以 multipart/form-data 上传，文件放在 file 字段")
    body = await _body(request, max_bytes)

    async def once() -> AsyncGenerator[bytes, None]:
        yield body

    try:
        form = await MultiPartParser(request.headers, once(), max_files=1, max_fields=10).parse()
    except MultiPartException as exc:
        raise ApiError(422, "invalid_request", f"上传内容不是有效的 multipart/form-data：{exc.message}") from None
    try:
        part = form.get("file")
        if not isinstance(part, UploadFile):
            raise ApiError(422, "invalid_request", "缺少文件字段 file", errors=[
                {"path": "file", "found": "", "expected": "缺少必填字段"}])
        return part.filename or "", await part.read()
    finally:
        await form.close()


@router.post("/attachments", status_code=201, response_model=AttachmentOut, openapi_extra=_UPLOAD_BODY,
             summary="上传附件（JPG、PNG 或 PDF；返回的 file 填入备案文档 attachments[].file）")
async def upload(request: Request, svc: ServicesDep, who: TenantDep) -> AttachmentOut:
    attachments = svc.runtime.attachments
    filename, data = await _file_part(request, attachments.max_bytes)
    try:
        stored = await run_in_threadpool(attachments.upload, data, filename=filename[:200], owner=who.account.id)
    except AttachmentRefused as exc:
        if exc.data.get("reason") == "too_large":
            raise ApiError(413, "attachment_too_large", exc.message, max_bytes=attachments.max_bytes) from None
        raise
    return AttachmentOut(**stored.to_dict())


@router.get("/attachments/{attachment_id}", response_class=Response,
            responses={200: {"content": {"image/jpeg": {}, "image/png": {}, "application/pdf": {}},
                             "description": "附件原件"}},
            summary="下载附件原件（上传者本人；平台审核员、运营可看全部，记入审计日志）")
def download(attachment_id: Annotated[str, Path(description="上传时返回的 file（stored:<id>）或其中的 id")],
             svc: ServicesDep, who: PrincipalDep) -> Response:
    if who.is_staff and who.role not in MAY_REVEAL:
        raise ApiError(403, "forbidden", "审计员只能查看脱敏信息，不能查看附件原件")
    object_id = attachment_id.removeprefix(STORED_PREFIX)
    stored, data = svc.runtime.attachments.read(object_id, owner=None if who.is_staff else who.account.id)
    if who.is_staff:
        svc.accounts.audit(who, "attachment_read", object_id, via=who.via)
    name = f"{object_id}.{_EXTENSIONS[stored.format]}"
    return Response(data, media_type=stored.content_type, headers={
        "Content-Disposition": f'inline; filename="{name}"',
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox",  # a PDF opened in the browser runs no script with our origin
        "Cache-Control": "private, no-store",
    })
