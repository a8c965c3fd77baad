"""Filing numbers: `<省简称>ICP备<serial>号[-<n><suffix>]` (seed 000 §备案完成)."""

from __future__ import annotations

import pytest

from icpflow.domain.filing_number import FilingNumber, parse_filing_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("浙ICP备2023012345号-2X", FilingNumber("浙", "2023012345", 2, "X")),  # mini-program
        ("京ICP备12345678号-1", FilingNumber("京", "12345678", 1, "")),  # website, 8-digit serial
        ("粤ICP备2024000001号-3A", FilingNumber("粤", "2024000001", 3, "A")),  # app
        ("沪ICP备2025000042号-1K", FilingNumber("沪", "2025000042", 1, "K")),  # quick app
        ("蜀ICP备2026000001号", FilingNumber("蜀", "2026000001", None, "")),  # the subject's own number
        (" 黔ICP备2026000001号-10X ", FilingNumber("黔", "2026000001", 10, "X")),  # spaces around are ignored
    ],
)
def test_well_formed_numbers_are_parsed_into_their_parts(text: str, expected: FilingNumber) -> None:
    assert parse_filing_number(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "", "浙ICP备2023012345", "浙ICP2023012345号", "浙ICP备123号-1X", "浙ICP备20230123456号-1X",
        "浙ICP备2023012345号-0X", "浙ICP备2023012345号-1Y", "港ICP备2023012345号-1X", "浙ICP证2023012345号",
        "浙B2-20090059",
    ],
)
def test_malformed_numbers_are_refused(text: str) -> None:
    assert parse_filing_number(text) is None


def test_a_parsed_number_prints_as_it_was_written() -> None:
    for text in ("浙ICP备2023012345号-2X", "蜀ICP备2026000001号", "京ICP备12345678号-1"):
        assert str(parse_filing_number(text)) == text
