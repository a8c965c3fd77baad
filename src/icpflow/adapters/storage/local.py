"""Attachments in a local directory: `<root>/<id[:2]>/<id[2:4]>/<id>`, written atomically, owner-only."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from ...domain.errors import NotFound
from . import checked_id, is_object_id, object_id


class LocalStorage:
    """Content-addressed files under `root` (created on first write, mode 0700; files 0600)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, oid: str) -> Path:
        oid = checked_id(oid)  # 64 hex digits: the path below cannot leave root
        return self.root / oid[:2] / oid[2:4] / oid

    def put(self, data: bytes, *, content_type: str) -> str:
        """Store `data` (the content type is not kept: the metadata's format says it); its id."""
        oid = object_id(data)
        path = self._path(oid)
        if path.is_file():
            return oid  # the same bytes are already there
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")  # mode 0600
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            Path(temporary).replace(path)  # atomic: a reader sees the whole file or none
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                Path(temporary).unlink()
            raise
        return oid

    def get(self, oid: str) -> bytes:
        try:
            return self._path(oid).read_bytes()
        except FileNotFoundError:
            raise NotFound("附件", oid) from None

    def exists(self, oid: str) -> bool:
        return is_object_id(oid) and self._path(oid).is_file()
