"""The in-site notifications page (站内通知) of every signed-in user."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
