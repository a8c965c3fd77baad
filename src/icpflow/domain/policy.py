"""Platform policy (平台策略) that the pre-check depends on, and date arithmetic in calendar months.

The two seed platforms disagree on the certificate validity window: Douyin asks for at least 3 months
(seed 004 §1.2 主办信息 2), WeChat for more than 1 month (seed 001 §三(一)1 提示). It is therefore policy,
not a rule constant.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

#: the ranges `Policy` accepts (operators changing the policy at runtime are held to the same: policy_config.py)
CERTIFICATE_VALIDITY_MONTHS = (0, 24)
LETTER_MAX_AGE_MONTHS = (1, 12)


@dataclass(frozen=True, slots=True)
class Policy:
    #: certificates and IDs must stay valid at least this many months after submission
    certificate_validity_months: int = 3
    #: signed letters must be dated within this many months before submission (and never after it)
    letter_max_age_months: int = 1

    def __post_init__(self) -> None:
        low, high = CERTIFICATE_VALIDITY_MONTHS
        if not low <= self.certificate_validity_months <= high:
            raise ValueError(f"certificate_validity_months must be between {low} and {high}")
        low, high = LETTER_MAX_AGE_MONTHS
        if not low <= self.letter_max_age_months <= high:
            raise ValueError(f"letter_max_age_months must be between {low} and {high}")


@lru_cache(maxsize=1024)  # a batch is judged on a handful of days: each window is computed once
def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole calendar months, clamped to the month's last day (1-31 + 1 month → 2-28)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return dt.date(year, month0 + 1, min(day.day, last))
