"""Log lines (structlog): JSON lines for collectors or a console format for people, never with
personal information in them.

`configure_logging` is called by entry points (`icpflow worker`), never at import. Every event passes
`mask_pii`, which applies `domain.pii.mask_text` to every string in it — values, nested values, keys and
the formatted traceback — so a resident ID, a mainland mobile or an e-mail address that reaches a log
call (in an error message, say) is written masked.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping
from typing import Any, Literal, TextIO, cast

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

from .domain.pii import mask_text

LogFormat = Literal["console", "json"]


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return value
    if isinstance(value, Mapping):
        return {_masked(k): _masked(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_masked(v) for v in value]
    try:  # numbers (an int can be a phone number) and objects rendered with str()/repr() later
        text = str(value)
    except Exception:
        return "[unprintable]"
    masked = mask_text(text)
    return value if masked == text else masked


def mask_pii(_logger: WrappedLogger, _method: str, event_dict: EventDict) -> EventDict:
    """The structlog processor: every string of the event masked (see `domain.pii.mask_text`)."""
    return {_masked(key): _masked(value) for key, value in event_dict.items()}


def processors(fmt: LogFormat, *, colors: bool = False) -> list[Processor]:
    renderer: Processor = (structlog.processors.JSONRenderer(ensure_ascii=False) if fmt == "json"
                           else structlog.dev.ConsoleRenderer(colors=colors))
    return [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
        structlog.processors.format_exc_info,  # the traceback becomes a string, so it is masked too
        mask_pii,
        renderer,
    ]


class _StandardError:
    """`sys.stderr` as it is when a line is written, not when logging was configured: a test runner or a
    program embedding the CLI may swap it for a stream of its own and close that one afterwards."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def configure_logging(fmt: LogFormat = "console", *, stream: TextIO | None = None, level: int = logging.INFO) -> None:
    """Route structlog's loggers to `stream` (standard error by default), one line per event."""
    # the two methods PrintLogger calls are all _StandardError has of TextIO
    out = stream if stream is not None else cast(TextIO, _StandardError())
    colors = fmt == "console" and (stream if stream is not None else sys.stderr).isatty()
    structlog.configure(
        processors=processors(fmt, colors=colors),
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(file=out),
        cache_logger_on_first_use=False,
    )
