"""The real clock: today's date in the platform's time zone (Asia/Shanghai by default)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


class SystemClock:
    def __init__(self, timezone: str = "Asia/Shanghai") -> None:
        self._zone = ZoneInfo(timezone)

    def now(self) -> dt.datetime:
        return dt.datetime.now(self._zone)

    def today(self) -> dt.date:
        return self.now().date()
