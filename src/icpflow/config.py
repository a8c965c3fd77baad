"""Typed settings (pydantic-settings, `ICPFLOW_` prefix), validated once at start-up.

Nothing here runs at import: entry points call `Settings()` (or `load_settings()`) and hand the result
to `bootstrap`. A bad value stops start-up with the variable's name and what it should be.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
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


    # ----- the workflow (issue #3) ------------------------------------------------------------------
    #: where the embedded SQLite database and the simulated SMS log live
    data_dir: Path = Path(".icpflow")
    #: SQLAlchemy URL; default: the embedded SQLite file in data_dir, created and migrated on first start
    database_url: str | None = None
    #: the regulator side: the built-in simulator, or manual (operators record the bureau's decisions)
    regulator: Literal["simulator", "manual"] = "simulator"
    simulator_seed: int = 2026
    simulator_approve_ratio: float = Field(default=0.8, ge=0.0, le=1.0)
    #: how long the simulated bureau takes (seconds): demos want minutes, not 20 working days
    simulator_min_delay_seconds: int = Field(default=30, ge=0)
    simulator_max_delay_seconds: int = Field(default=120, ge=0)
    #: platform policy
    withdraw_allowed: bool = True
    daily_quota: int = Field(default=0, ge=0)
    takedown_deadline: dt.date | None = None
    takedown_notice_days: int = Field(default=14, ge=0, le=90)
    platform_review_days: int = Field(default=3, ge=1, le=3)
    bureau_review_days: int = Field(default=20, ge=1, le=20)
    #: operator holiday table for years chinese-calendar does not know (TOML, see data/holidays.toml)
    holiday_file: Path | None = None
    #: how often (seconds) each process asks the database whether operators changed rule overrides or
    #: holidays (one small query at most this often; a change applies everywhere within this time)
    config_refresh_seconds: float = Field(default=5.0, ge=1.0, le=300.0)
    #: e-mail notifications: on when smtp_host is set
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_sender: str = "icpflow@localhost"
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    #: the key webhooks are signed with (HMAC-SHA256); webhooks are off without it
    webhook_secret: SecretStr | None = None
    worker_interval_seconds: float = Field(default=2.0, gt=0, le=300)

    # ----- personal information (issue #4) ----------------------------------------------------------
    #: keys personal information is encrypted with at rest: "k2:<base64 of 32 bytes>,k1:<base64>", the
    #: first is current, the others still decrypt (rotation: docs/workflow.md). Required on PostgreSQL;
    #: the embedded SQLite demo generates one into data_dir/encryption.key when it is unset.
    encryption_keys: SecretStr | None = None
    #: the worker's log lines: "console" for people, "json" (one object a line) for log collectors
    log_format: Literal["console", "json"] = "console"
    #: submission needs a passed face-verification task of the mini-program principal (人脸核身)
    face_task_required: bool = True
    #: session cookies carry the Secure flag (browsers accept it on http://localhost too)
    cookie_secure: bool = True

    # ----- attachments (issue #4) -------------------------------------------------------------------
    #: where uploaded attachments are kept: a local directory, or S3-compatible object storage (boto3;
    #: credentials from boto3's usual sources: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a profile, a role)
    storage: Literal["local", "s3"] = "local"
    #: the local directory; default data_dir/attachments
    storage_dir: Path | None = None
    s3_bucket: str | None = None
    #: for S3-compatible services other than AWS (MinIO, OSS, COS …); None = AWS
    s3_endpoint_url: str | None = None
    #: uploads larger than this are refused (10 MiB; nationwide.attachment_readable judges the same limit)
    max_upload_bytes: int = Field(default=10 * 1024 * 1024, ge=1024, le=100 * 1024 * 1024)

    @model_validator(mode="after")
    def _delays_ordered(self) -> Settings:
        if self.simulator_min_delay_seconds > self.simulator_max_delay_seconds:
            raise ValueError("simulator_min_delay_seconds must not exceed simulator_max_delay_seconds")
        return self

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+pysqlite:///{(self.data_dir / 'icpflow.db').resolve()}"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}; use an IANA name such as Asia/Shanghai") from None
        return value

    @field_validator("rules_override_file", "holiday_file")
    @classmethod
    def _readable(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"override file {value} does not exist")
        return value

    @model_validator(mode="after")
    def _s3_has_a_bucket(self) -> Settings:
        if self.storage == "s3" and not self.s3_bucket:
            raise ValueError("storage = s3 needs s3_bucket (ICPFLOW_S3_BUCKET)")
        return self

    def resolved_storage_dir(self) -> Path:
        return self.storage_dir if self.storage_dir is not None else self.data_dir / "attachments"
