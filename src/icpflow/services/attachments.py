"""Use case: attachments (附件) — upload a file, check it, store it, and let the pre-check measure it.

An upload is refused unless it is within the size limit, is JPEG, PNG or PDF by its magic bytes (the
name says nothing), and, for an image, decodes within the pixel cap (read from the header before any
pixel is decoded). Width and height are measured after EXIF rotation, the way the bureaus see a photo.

Files are content-addressed: the object id is the SHA-256 of the bytes, so the same file uploaded twice
is stored once. Who may read it is recorded separately (the metadata store, one row per owner), and
the filing document names the file as `stored:<object id>`.

The ports: `Storage` (a local directory or S3-compatible object storage), `ImageMeasurer` (Pillow, in
`adapters.images.probe_bytes`: services import no imaging library) and `AttachmentMetaStore`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from ..domain.errors import DomainError, NotFound
from ..domain.rules.context import ImageFacts
from .ports import Clock

#: how a filing document names an uploaded file: `attachments[].file = "stored:<object id>"`
STORED_PREFIX = "stored:"
#: an object id is the SHA-256 of the file's bytes, in lowercase hex
OBJECT_ID = re.compile(r"[0-9a-f]{64}")
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "PDF": "application/pdf"}


class Storage(Protocol):
    """Where files live. `put` is idempotent (content-addressed); `get` raises `NotFound` for an id it
    does not hold, including one that is not a well-formed object id."""

    def put(self, data: bytes, *, content_type: str) -> str: ...
    def get(self, object_id: str) -> bytes: ...
    def exists(self, object_id: str) -> bool: ...


class ImageMeasurer(Protocol):
    """Type by magic bytes, size, and for images width/height after EXIF rotation within a pixel cap."""

    def __call__(self, data: bytes, *, max_pixels: int) -> ImageFacts: ...


class AttachmentMetaStore(Protocol):
    """Who uploaded which object, with its facts (`adapters/db/attachments_store.py`)."""

    def add(self, *, object_id: str, owner: str, format: str, width: int | None, height: int | None,
            size_bytes: int, now: dt.datetime) -> None: ...
    def find(self, object_id: str, *, owner: str | None) -> Mapping[str, Any] | None: ...


class AttachmentRefused(DomainError):
    """The upload cannot be used; `reason` says why for programs: too_large, unsupported_type,
    undecodable or too_many_pixels."""

    code = "attachment_refused"


@dataclass(frozen=True, slots=True)
class StoredAttachment:
    object_id: str
    format: str  # JPEG | PNG | PDF
    width: int | None
    height: int | None
    size_bytes: int

    @property
    def file(self) -> str:
        """What the filing document's `attachments[].file` holds."""
        return STORED_PREFIX + self.object_id

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "format": self.format, "width": self.width, "height": self.height,
                "size_bytes": self.size_bytes}


def object_id_of(file: str) -> str | None:
    """The object id in a `stored:<id>` file reference; None for anything else (a path, a URL)."""
    if not file.startswith(STORED_PREFIX):
        return None
    candidate = file.removeprefix(STORED_PREFIX)
    return candidate if OBJECT_ID.fullmatch(candidate) else None


def _mb(size: int) -> str:
    return f"{size / 1048576:.1f}".removesuffix(".0")


def upload(storage: Storage, data: bytes, *, filename: str, max_bytes: int, max_pixels: int,
           measure: ImageMeasurer) -> StoredAttachment:
    """Check `data` and store it; `AttachmentRefused` (a Chinese message naming the limit) otherwise."""
    name = filename or "未命名文件"
    if len(data) > max_bytes:
        raise AttachmentRefused(f"附件“{name}”大小 {len(data)} 字节（约 {_mb(len(data))} MB），"
                                f"超过上限 {_mb(max_bytes)} MB（{max_bytes} 字节）",
                                reason="too_large", size_bytes=len(data), max_bytes=max_bytes)
    if not data:
        raise AttachmentRefused(f"附件“{name}”是空文件", reason="unsupported_type")
    facts = measure(data, max_pixels=max_pixels)
    if facts.format is None:
        raise AttachmentRefused(f"附件“{name}”的文件类型不支持，应为 JPG、PNG 或 PDF（按文件内容判断，而非扩展名）",
                                reason="unsupported_type")
    if facts.problem:
        too_many = "像素过大" in facts.problem
        limit = f"（上限 {max_pixels} 像素）" if too_many and str(max_pixels) not in facts.problem else ""
        raise AttachmentRefused(f"附件“{name}”无法使用：{facts.problem}{limit}",
                                reason="too_many_pixels" if too_many else "undecodable", max_pixels=max_pixels)
    object_id = storage.put(data, content_type=CONTENT_TYPES[facts.format])
    return StoredAttachment(object_id=object_id, format=facts.format, width=facts.width, height=facts.height,
                            size_bytes=len(data))


class StorageImageProbe:
    """The pre-check's `ImageProbe` for uploaded files: measures `stored:<id>` objects from storage.
    Anything else (a path, a URL) is not read — a server never opens paths a document names — so the
    document's own width/height are judged instead."""

    def __init__(self, storage: Storage, *, measure: ImageMeasurer, max_pixels: int) -> None:
        self.storage = storage
        self.measure = measure
        self.max_pixels = max_pixels

    def probe(self, file: str) -> ImageFacts | None:
        if not file.startswith(STORED_PREFIX):
            return None
        object_id = object_id_of(file)
        if object_id is None:
            return ImageFacts(problem=f"“{file}”不是有效的已上传文件编号（应为 stored: 加 64 位十六进制）")
        try:
            data = self.storage.get(object_id)
        except NotFound:
            return ImageFacts(problem="找不到该已上传文件，请重新上传")
        return self.measure(data, max_pixels=self.max_pixels)


@dataclass(frozen=True, slots=True)
class Attachments:
    """Uploads and reads with their owners recorded: what the API calls."""

    storage: Storage
    meta: AttachmentMetaStore
    clock: Clock
    measure: ImageMeasurer
    max_bytes: int
    max_pixels: int

    def upload(self, data: bytes, *, filename: str, owner: str) -> StoredAttachment:
        stored = upload(self.storage, data, filename=filename, max_bytes=self.max_bytes,
                        max_pixels=self.max_pixels, measure=self.measure)
        self.meta.add(object_id=stored.object_id, owner=owner, format=stored.format, width=stored.width,
                      height=stored.height, size_bytes=stored.size_bytes, now=self.clock.now())
        return stored

    def read(self, object_id: str, *, owner: str | None) -> tuple[StoredAttachment, bytes]:
        """The file and its facts; `owner=None` (staff) reads any. Someone else's file is `NotFound`:
        its existence is not confirmed."""
        found = self.meta.find(object_id, owner=owner) if OBJECT_ID.fullmatch(object_id) else None
        if found is None:
            raise NotFound("附件", object_id[:80])
        stored = StoredAttachment(object_id=str(found["object_id"]), format=str(found["format"]),
                                  width=found["width"], height=found["height"], size_bytes=int(found["size_bytes"]))
        return stored, self.storage.get(object_id)

    def probe(self) -> StorageImageProbe:
        return StorageImageProbe(self.storage, measure=self.measure, max_pixels=self.max_pixels)
