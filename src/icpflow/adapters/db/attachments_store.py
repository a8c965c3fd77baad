"""Attachment metadata (who uploaded which stored object) on SQLAlchemy Core."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from . import tables as t

_FACTS = ("object_id", "format", "width", "height", "size_bytes")


class SqlAttachmentStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(self, *, object_id: str, owner: str, format: str, width: int | None, height: int | None,
            size_bytes: int, now: dt.datetime) -> None:
        """Record that `owner` uploaded the object; uploading the same bytes again changes nothing."""
        c = t.attachments_meta.c
        with self.engine.begin() as conn:
            known = conn.execute(sa.select(c.object_id).where(c.object_id == object_id, c.owner == owner)).first()
            if known is None:
                conn.execute(t.attachments_meta.insert().values(
                    object_id=object_id, owner=owner, size_bytes=size_bytes, format=format, width=width,
                    height=height, created_at=now))

    def find(self, object_id: str, *, owner: str | None) -> dict[str, Any] | None:
        """The object's facts (object_id, format, width, height, size_bytes) if `owner` uploaded it, or
        anyone did when `owner` is None."""
        c = t.attachments_meta.c
        stmt = sa.select(*(c[name] for name in _FACTS)).where(c.object_id == object_id)
        if owner is not None:
            stmt = stmt.where(c.owner == owner)
        with self.engine.connect() as conn:
            row = conn.execute(stmt.order_by(c.created_at).limit(1)).mappings().first()
        return None if row is None else dict(row)
