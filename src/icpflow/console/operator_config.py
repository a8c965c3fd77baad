"""Operator-editable configuration in the console: rule overrides and the holiday table."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
