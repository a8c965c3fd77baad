"""Log lines never carry a plaintext ID number, phone number or e-mail address (icpflow.logging)."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator

import pytest
import structlog

from icpflow.logging import configure_logging

ID_NUMBER = "33010619900307123X"
MOBILE = "13800138000"
EMAIL = "li.si@example.com"


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    out = io.StringIO()
    yield out
    structlog.reset_defaults()


def _plaintext(text: str) -> list[str]:
    return [value for value in (ID_NUMBER, MOBILE, EMAIL) if value in text]


@pytest.mark.parametrize("fmt", ["json", "console"])
def test_every_string_of_an_event_is_masked(fmt: str, stream: io.StringIO) -> None:
    configure_logging(fmt, stream=stream)  # type: ignore[arg-type]
    log = structlog.get_logger("test")
    log.warning(f"投递失败：{EMAIL}", recipient=MOBILE, detail={"id_number": ID_NUMBER, "phones": [MOBILE]},
                number=int(MOBILE), **{f"to_{EMAIL}": 1})
    out = stream.getvalue()
    assert _plaintext(out) == [] and "l***@example.com" in out and "138****8000" in out


def test_a_json_line_stays_json_with_its_other_values_as_they_were(stream: io.StringIO) -> None:
    configure_logging("json", stream=stream)
    structlog.get_logger().info("本轮完成", timers=3, outbox=12, failures=0, ratio=0.5, ok=True, phone=MOBILE)
    line = json.loads(stream.getvalue())
    assert (line["timers"], line["outbox"], line["ratio"], line["ok"], line["phone"]) == (3, 12, 0.5, True,
                                                                                         "138****8000")
    assert line["level"] == "info" and line["event"] == "本轮完成" and line["timestamp"].endswith("Z")


@pytest.mark.parametrize("fmt", ["json", "console"])
def test_a_traceback_is_masked_too(fmt: str, stream: io.StringIO) -> None:
    configure_logging(fmt, stream=stream)  # type: ignore[arg-type]
    try:
        raise ValueError(f"手机号码 {MOBILE} 与证件号 {ID_NUMBER} 不匹配")
    except ValueError:
        structlog.get_logger().exception("处理失败")
    out = stream.getvalue()
    assert "ValueError" in out and _plaintext(out) == []


def test_lines_below_the_level_are_dropped(stream: io.StringIO) -> None:
    configure_logging("json", stream=stream, level=30)
    structlog.get_logger().info("not shown")
    assert stream.getvalue() == ""


def test_the_default_stream_is_standard_error_as_it_is_when_a_line_is_written(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A CLI run inside a test runner configures logging while `sys.stderr` is the runner's stream, which is
    closed after the run: later lines go to the standard error of their own time, not to the closed one."""
    during = io.StringIO()
    monkeypatch.setattr(sys, "stderr", during)
    configure_logging("json")
    structlog.get_logger().info("during")
    during.close()
    after = io.StringIO()
    monkeypatch.setattr(sys, "stderr", after)
    try:
        structlog.get_logger().info("after", phone=MOBILE)
    finally:
        structlog.reset_defaults()
    line = json.loads(after.getvalue())
    assert line["event"] == "after" and line["phone"] == "138****8000"
