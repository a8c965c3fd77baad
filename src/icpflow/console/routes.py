"""The console's router: one module per audience (sign-in, filer, reviewer, operator, public), shared pieces in
`common`. `icpflow.api.app` mounts `router` and serves `STATIC_DIR`."""

from __future__ import annotations

from fastapi import APIRouter

from . import (
    auth,
    filer,
    filer_changes,
    notifications,
    operator,
    operator_admin,
    operator_config,
    operator_policy,
    public,
    reviewer,
    uploads,
)
from .common import STATIC_DIR

router = APIRouter(include_in_schema=False)
for part in (auth, filer, filer_changes, uploads, notifications, reviewer, operator, operator_admin, operator_config,
             operator_policy, public):
    router.include_router(part.router)

__all__ = ["STATIC_DIR", "router"]
