"""Step 5 of the wizard (附件): upload a file into a slot of the filing, replace or remove one, correct an
attachment's slot, kind or signing date, and the previews the cards show.

An upload is a plain `multipart/form-data` form (no JavaScript needed). Its body is read by hand, like
the API's (`api/routes_attachments.py`): the session and the filing are checked before a byte is read,
and the file is never spooled whole past the size limit. An oversized body is read to its end and
dropped, so the browser gets the Chinese error page instead of a reset connection. Every form field is
checked (CSRF, draft, version, slot, kind, date) before the file is stored; the file goes through
`services.attachments` (size, magic bytes, Pillow within the pixel cap) and only then into the document,
as a new version (`services.filings.update_document`), so the pre-check measures it at once.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import AsyncGenerator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from ..adapters.previews import Thumbnail, thumbnail
from ..domain.enums import AttachmentKind, Slot, label
from ..domain.errors import NotFound
from ..domain.model import Application
from ..domain.parsing import parse_mapping
from ..domain.workflow import State
from ..services import filings
from ..services.attachments import OBJECT_ID, STORED_PREFIX, StoredAttachment
from .common import (
    ACTION_ERRORS,
    REVIEWERS,
    TENANTS,
    Session,
    error_page,
    go,
    guard,
    load_application,
    message_of,
    posted_form_for,
    same_token,
    services,
)
from .upload_panel import KINDS, LETTER_KINDS, PREVIEW_SIDE, SLOTS, Memo, landscape_rule

router = APIRouter(include_in_schema=False)

#: room for the multipart envelope and the form's small fields around the file itself
ENVELOPE = 64 * 1024
#: an oversized body is read and dropped up to this many times the limit; past it the connection is cut
DRAIN_FACTOR = 8
_THUMBNAILS: Memo[tuple[str, int], Thumbnail | None] = Memo(128)


class Refused(ValueError):
    """A posted upload or edit that cannot be applied; the message is the filer's, in Chinese."""


@dataclass(frozen=True, slots=True)
class Posted:
    session: Session
    app: Application
    form: dict[str, str]
    filename: str
    data: bytes | None  # None: no file chosen


def _step5(app_id: str, **query: str) -> str:
    return f"/filings/{app_id}?" + urlencode({"step": 5, **{k: v for k, v in query.items() if v}})


async def _body(request: Request, max_bytes: int) -> tuple[bytes | None, bytes]:
    """The request body, or None when it is longer than the file limit plus the envelope (then it has been
    read to its end, up to `DRAIN_FACTOR` times the limit, and dropped); and the body's first bytes, where a
    browser puts the form's small fields (they come before the file in the form)."""
    allowed = max_bytes + ENVELOPE
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > allowed * DRAIN_FACTOR:
        return None, b""
    received = bytearray()
    head = b""
    seen = 0
    async for chunk in request.stream():
        seen += len(chunk)
        if len(head) < ENVELOPE:
            head += chunk[: ENVELOPE - len(head)]
        if seen > allowed * DRAIN_FACTOR:
            break
        if seen <= allowed:
            received += chunk
        elif received:
            received = bytearray()  # over the limit: keep reading (and dropping) to the end
    return (bytes(received) if seen <= allowed else None), head


def _leading_fields(head: bytes) -> dict[str, str]:
    """The slot, kind and signing date of a body too big to parse, so the form comes back as it was chosen
    (the page shows them only if they are valid codes)."""
    found = {}
    for name in ("slot", "kind", "signed_on"):
        value = re.search(rb'name="' + name.encode() + rb'"\r\n\r\n([0-9A-Za-z_-]{1,40})\r\n', head)
        if value:
            found[name] = value.group(1).decode()
    return found


async def posted_upload(request: Request, application_id: str) -> Posted | Response:
    """A POSTed upload form about one filing: signed in as a tenant, the filing theirs, the body within the
    limit, a well-formed multipart body and the session's CSRF token in `csrf`."""
    session = guard(request, TENANTS)
    if not isinstance(session, Session):
        return session
    app = load_application(request, session, application_id, write=True)
    if not isinstance(app, Application):
        return app
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        return error_page(request, session, 415, "上传表单应以 multipart/form-data 提交，请从附件页面上传")
    limit = services(request).runtime.attachments.max_bytes
    body, head = await _body(request, limit)
    if body is None:  # nothing was read that could change anything: no CSRF token is needed to say so
        return go(_step5(app.id, **_leading_fields(head)), anchor="upload",
                  error=f"上传的文件超过上限 {limit / 1048576:.0f} MB，请压缩或分页后再上传")

    async def once() -> AsyncGenerator[bytes, None]:
        yield body

    try:
        parsed = await MultiPartParser(request.headers, once(), max_files=1, max_fields=16).parse()
    except MultiPartException as exc:
        return error_page(request, session, 400, f"上传内容不是有效的表单：{exc.message}")
    try:
        form = {k: v for k, v in parsed.multi_items() if isinstance(v, str)}
        if not same_token(form.get("csrf", ""), session.csrf):
            return error_page(request, session, 403, "表单已过期或缺少 CSRF 令牌，请刷新页面后重试")
        part = parsed.get("file")
        filename, data = "", None
        if isinstance(part, UploadFile) and (part.filename or part.size):
            filename, data = (part.filename or "")[:200], await part.read()
    finally:
        await parsed.close()
    return Posted(session, app, form, filename, data)


def _anchor(form: Mapping[str, str]) -> str:
    index = form.get("index", "")
    return f"att-{index}" if index.isdigit() and len(index) < 6 else "uploads"


def _editable(app: Application, form: Mapping[str, str]) -> int:
    if app.state is not State.DRAFT:
        raise Refused("只有草稿可以修改附件，请先“回到草稿修改”")
    try:
        version = int(form.get("version", ""))
    except ValueError:
        raise Refused("表单缺少版本号，请刷新页面后重试") from None
    if version != app.version:
        raise Refused("备案已在别处修改（页面已过期），请刷新页面后重试")
    return version


def _slot_kind(form: Mapping[str, str]) -> tuple[str, str]:
    slot, kind = form.get("slot", ""), form.get("kind", "")
    if slot not in SLOTS:
        raise Refused("请选择上传位置")
    if kind not in KINDS:
        raise Refused("请选择材料类型")
    return slot, kind


def _signed_on(form: Mapping[str, str], kind: str) -> str | None:
    """The letter's signing date (YYYY-MM-DD), None when not given; other kinds carry none."""
    raw = form.get("signed_on", "").strip()
    if kind not in LETTER_KINDS or not raw:
        return None
    try:
        return dt.date.fromisoformat(raw).isoformat()
    except ValueError:
        raise Refused(f"签署日期“{raw[:20]}”不是有效日期，应为 YYYY-MM-DD") from None


def _target(document: Mapping[str, Any], form: Mapping[str, str]) -> int:
    """The index of the attachment a card's form is about: its position and its id must both still match."""
    items = document.get("attachments")
    try:
        index = int(form.get("index", ""))
    except ValueError:
        index = -1
    if not isinstance(items, list) or not 0 <= index < len(items) or not isinstance(items[index], dict) \
            or str(items[index].get("id", "")) != form.get("att", ""):
        raise Refused("附件清单已变化，请刷新页面后重试")
    return index


def _new_id(kind: str, items: list[Any]) -> str:
    taken = {str(a.get("id")) for a in items if isinstance(a, dict)}
    base = kind.replace("_", "-")
    n = 1
    while (candidate := base if n == 1 else f"{base}-{n}") in taken:
        n += 1
    return candidate


def _with_file(entry: dict[str, Any], stored: StoredAttachment | None) -> None:
    """Point `entry` at the stored file, with its measured size (images) or none (a PDF has no pixels)."""
    entry["file"] = stored.file if stored else STORED_PREFIX + "0" * 64  # placeholder while validating
    entry.pop("width", None)
    entry.pop("height", None)
    if stored and stored.width and stored.height:
        entry["width"], entry["height"] = stored.width, stored.height


def _facts(stored: StoredAttachment) -> str:
    if stored.format == "PDF":
        return "PDF"
    w, h = stored.width or 0, stored.height or 0
    return f"{stored.format}，{w}×{h}，{'横向' if w > h else '竖向' if w < h else '方形'}"


async def _store_and_save(request: Request, posted: Posted, document: dict[str, Any], index: int) -> Response:
    """Store the posted file and save `document` with `attachments[index]` pointing at it; the document was
    already validated with a placeholder, so a refusal here leaves nothing behind."""
    svc = services(request)
    app, session = posted.app, posted.session
    if posted.data is None:
        raise Refused("请选择要上传的文件")
    entry = document["attachments"][index]
    stored = await run_in_threadpool(svc.runtime.attachments.upload, posted.data, filename=posted.filename,
                                     owner=session.who.account.id)
    _with_file(entry, stored)
    await run_in_threadpool(filings.update_document, svc.runtime.workflow, app.id, document,
                            actor=session.who.account.id, expected_version=app.version)
    warning = ""
    landscape = landscape_rule(request, document)
    if landscape and stored.format != "PDF" and (stored.width or 0) <= (stored.height or 0):
        warning = (f"{landscape.bureau}要求附件照片横向展示，这张照片不是横向的（{stored.width}×{stored.height}）。"
                   f"修改：{landscape.fix}")
    return go(_step5(app.id), notice=f"已上传“{label(AttachmentKind(entry['kind']))}”（{_facts(stored)}）",
              error=warning, anchor=f"att-{index}")


@router.post("/filings/{application_id}/attachments")
async def upload_attachment(request: Request, application_id: str) -> Response:
    """A new attachment: the file into the chosen slot as the chosen kind (with its signing date if a letter)."""
    posted = await posted_upload(request, application_id)
    if not isinstance(posted, Posted):
        return posted
    form, app = posted.form, posted.app
    back = _step5(app.id, slot=form.get("slot", ""), kind=form.get("kind", ""), signed_on=form.get("signed_on", ""))
    try:
        _editable(app, form)
        slot, kind = _slot_kind(form)
        signed_on = _signed_on(form, kind)
        document = copy.deepcopy(app.document)
        items = document.setdefault("attachments", [])
        if not isinstance(items, list):
            raise Refused("附件清单格式不正确，请通过 API 修正文档")
        entry: dict[str, Any] = {"id": _new_id(kind, items), "slot": slot, "kind": kind}
        if signed_on:
            entry["signed_on"] = signed_on
        _with_file(entry, None)
        items.append(entry)
        parse_mapping(document)
        return await _store_and_save(request, posted, document, len(items) - 1)
    except (Refused, ValueError, *ACTION_ERRORS) as exc:
        return go(back, error=message_of(exc), anchor="upload")


@router.post("/filings/{application_id}/attachments/replace")
async def replace_attachment(request: Request, application_id: str) -> Response:
    """Another file for an attachment: same id (references to it stay valid), slot and kind; a letter may get
    a new signing date with it."""
    posted = await posted_upload(request, application_id)
    if not isinstance(posted, Posted):
        return posted
    form, app = posted.form, posted.app
    try:
        _editable(app, form)
        document = copy.deepcopy(app.document)
        index = _target(document, form)
        entry = document["attachments"][index]
        signed_on = _signed_on(form, str(entry.get("kind", "")))
        if signed_on:
            entry["signed_on"] = signed_on
        _with_file(entry, None)
        parse_mapping(document)
        return await _store_and_save(request, posted, document, index)
    except (Refused, ValueError, *ACTION_ERRORS) as exc:
        return go(_step5(app.id), error=message_of(exc), anchor=_anchor(form))


@router.post("/filings/{application_id}/attachments/edit")
async def edit_attachment(request: Request, application_id: str) -> Response:
    """Correct an attachment's slot, kind or signing date (the file stays)."""
    found = await posted_form_for(request, application_id)
    if not isinstance(found, tuple):
        return found
    session, form, app = found
    try:
        _editable(app, form)
        document = copy.deepcopy(app.document)
        index = _target(document, form)
        slot, kind = _slot_kind(form)
        entry = document["attachments"][index]
        entry.update(slot=slot, kind=kind)
        signed_on = _signed_on(form, kind)
        if signed_on:
            entry["signed_on"] = signed_on
        else:
            entry.pop("signed_on", None)
        filings.update_document(services(request).runtime.workflow, app.id, document, actor=session.who.account.id,
                                expected_version=app.version)
    except (Refused, ValueError, *ACTION_ERRORS) as exc:
        return go(_step5(app.id), error=message_of(exc), anchor=_anchor(form))
    return go(_step5(app.id), notice=f"已修改“{label(Slot(slot))}”中的“{label(AttachmentKind(kind))}”",
              anchor=f"att-{index}")


@router.post("/filings/{application_id}/attachments/remove")
async def remove_attachment(request: Request, application_id: str) -> Response:
    """Take an attachment out of the document (the stored file stays with its owner)."""
    found = await posted_form_for(request, application_id)
    if not isinstance(found, tuple):
        return found
    session, form, app = found
    try:
        _editable(app, form)
        document = copy.deepcopy(app.document)
        index = _target(document, form)
        removed = document["attachments"].pop(index)
        filings.update_document(services(request).runtime.workflow, app.id, document, actor=session.who.account.id,
                                expected_version=app.version)
    except (Refused, ValueError, *ACTION_ERRORS) as exc:
        return go(_step5(app.id), error=message_of(exc), anchor="uploads")
    return go(_step5(app.id), notice=f"已移除附件“{removed.get('id', '')}”", anchor="uploads")


@router.get("/filings/{application_id}/attachments/{object_id}/preview")
def preview(request: Request, application_id: str, object_id: str) -> Response:
    """A small JPEG/PNG of an image the filing's document names, drawn as it displays (EXIF rotation).
    The filing's owner, reviewers and operators (audited, as the API's downloads); not auditors."""
    session = guard(request, (*TENANTS, *REVIEWERS))
    if not isinstance(session, Session):
        return session
    app = load_application(request, session, application_id, write=False)
    if not isinstance(app, Application):
        return app
    items = app.document.get("attachments")
    named = isinstance(items, list) and any(
        isinstance(a, dict) and a.get("file") == STORED_PREFIX + object_id for a in items)
    attachments = services(request).runtime.attachments
    # the document names it and the filing's owner uploaded it (a pasted id of someone else's file is not shown)
    if not (named and OBJECT_ID.fullmatch(object_id) and attachments.meta.find(object_id, owner=app.owner)):
        return error_page(request, session, 404, "该备案没有这个附件")

    def make() -> Thumbnail | None:
        try:
            return thumbnail(attachments.storage.get(object_id), max_side=PREVIEW_SIDE,
                             max_pixels=attachments.max_pixels)
        except NotFound:
            return None

    made = _THUMBNAILS.get((object_id, PREVIEW_SIDE), make)
    if made is None:
        return error_page(request, session, 404, "该附件没有可显示的预览（PDF 或无法解码的文件）")
    if session.who.is_staff:
        services(request).accounts.audit(session.who, "attachment_read", object_id, via="console_preview",
                                         application=app.id)
    return Response(made.data, media_type=made.content_type, headers={
        "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"})
