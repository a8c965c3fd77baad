"""Step 5 of the wizard: attachment uploads with previews and orientation warnings."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
