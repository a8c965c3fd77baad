"""Typed settings (pydantic-settings, `ICPFLOW_` prefix), validated once at start-up.

Nothing here runs at import: entry points call `Settings()` (or `load_settings()`) and hand the result
to `bootstrap`. A bad value stops start-up with the variable's name and what it should be.
"""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ICPFLOW_", extra="ignore")

    #: platform policy: certificates and IDs valid at least this many months after submission
    #: (3 on Douyin, seed 004 §1.2 主办信息 2; 1 on WeChat, seed 001 §三(一)1)
    certificate_validity_months: int = Field(default=3, ge=0, le=24)
    #: signed letters at most this many months old on the day of submission (seed 004 §1.2 附件 3)
    letter_max_age_months: int = Field(default=1, ge=1, le=12)
    #: operator override file for the rule catalogue (TOML); see docs/rules.md#overrides
    rules_override_file: Path | None = None
    #: images with more pixels than this are refused before decoding (decompression-bomb cap)
    max_image_pixels: int = Field(default=40_000_000, ge=1_000_000, le=300_000_000)
    #: the day a filing is judged on, when it does not say, is "today" in this time zone
    timezone: str = "Asia/Shanghai"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}; use an IANA name such as Asia/Shanghai") from None
        return value

    @field_validator("rules_override_file")
    @classmethod
    def _readable(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"override file {value} does not exist")
        return value
