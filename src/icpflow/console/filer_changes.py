"""Change filings, cancellations and the contact-only change of a filing, from the console."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
