"""The API for an ASGI server's worker processes, each building its own runtime from the environment:

    uvicorn --factory icpflow.api.asgi:from_environment --workers 4 --host 0.0.0.0 --port 8000

No migration here (several processes start at once): the deploy runs `icpflow db upgrade` first, and
`icpflow serve --processes N` migrates in its parent before it starts them. Neither the worker nor demo
data run in these processes: `icpflow worker` (one or more) does the background work.
"""

from __future__ import annotations

from fastapi import FastAPI
from rich.console import Console

from ..bootstrap import build_accounts, build_runtime
from ..config import load_settings
from ..logging import configure_logging
from ..render import report_config_error
from .app import create_app


def from_environment() -> FastAPI:
    """A new application on the `ICPFLOW_*` settings. A bad setting ends the process with exit code 2 and
    each problem on standard error in Chinese, naming the variable — not a traceback."""
    try:
        runtime = build_runtime(load_settings(), migrate=False)
    except ValueError as exc:  # SettingsInvalid among them: one line per bad setting
        report_config_error(exc, Console(stderr=True))
        raise SystemExit(2) from None
    configure_logging(runtime.settings.log_format)  # every line masked (icpflow/logging.py)
    return create_app(runtime, build_accounts(runtime))
