"""Typed settings (pydantic-settings, `ICPFLOW_` prefix), validated once at start-up.

Nothing here runs at import: entry points call `Settings()` (or `load_settings()`) and hand the result
to `bootstrap`. A bad value stops start-up with the variable's name and what it should be.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .domain.parsing import problems_from


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
    #: connections each process keeps to PostgreSQL, and how many more it may open under load; every API
    #: process and every worker has its own pool, so N processes may hold N × (size + overflow)
    db_pool_size: int = Field(default=20, ge=1, le=200)
    db_max_overflow: int = Field(default=20, ge=0, le=200)
    #: the regulator side: the built-in simulator, or manual (operators record the bureau's decisions)
    regulator: Literal["simulator", "manual"] = "simulator"
    simulator_seed: int = 2026
    simulator_approve_ratio: float = Field(default=0.8, ge=0.0, le=1.0)
    #: how long the simulated bureau takes (seconds): demos want minutes, not 20 working days
    simulator_min_delay_seconds: int = Field(default=30, ge=0)
    simulator_max_delay_seconds: int = Field(default=120, ge=0)
    #: platform policy (the deployment values: operators may change each at runtime, docs/operator-config.md)
    withdraw_allowed: bool = True
    daily_quota: int = Field(default=0, ge=0)
    #: the daily quota refreshes at this hour, Beijing time (seed 003 §二(一): 10:00)
    quota_refresh_hour: int = Field(default=10, ge=0, le=23)
    takedown_deadline: dt.date | None = None
    takedown_notice_days: int = Field(default=14, ge=0, le=90)
    platform_review_days: int = Field(default=3, ge=1, le=3)
    bureau_review_days: int = Field(default=20, ge=1, le=20)
    #: operator holiday table for years chinese-calendar does not know (TOML, see data/holidays.toml)
    holiday_file: Path | None = None
    #: how often (seconds) each process asks the database whether operators changed rule overrides,
    #: holidays or the platform policy (one small query at most this often; a change applies everywhere
    #: within this time)
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
    #: outbox items the worker performs in one transaction (services/worker.py: process_outbox)
    worker_batch: int = Field(default=50, ge=1, le=500)

    # ----- personal information (issue #4) ----------------------------------------------------------
    #: keys personal information is encrypted with at rest: "k2:<base64 of 32 bytes>,k1:<base64>", the
    #: first is current, the others still decrypt (rotation: docs/workflow.md). Required on PostgreSQL;
    #: the embedded SQLite demo generates one into data_dir/encryption.key when it is unset.
    encryption_keys: SecretStr | None = None
    #: the worker's log lines: "console" for people, "json" (one object a line) for log collectors
    log_format: Literal["console", "json"] = "console"
    #: one log line per API request (method, path, status, milliseconds, request id)
    access_log: bool = True
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
            raise ValueError("ICPFLOW_SIMULATOR_MIN_DELAY_SECONDS 不应大于 ICPFLOW_SIMULATOR_MAX_DELAY_SECONDS")
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
            raise ValueError(f"未知的时区 {value!r}，请使用 IANA 时区名，例如 Asia/Shanghai") from None
        return value

    @field_validator("rules_override_file", "holiday_file")
    @classmethod
    def _readable(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"文件 {value} 不存在或不可读")
        return value

    @model_validator(mode="after")
    def _s3_has_a_bucket(self) -> Settings:
        if self.storage == "s3" and not self.s3_bucket:
            raise ValueError("ICPFLOW_STORAGE=s3 时须设置 ICPFLOW_S3_BUCKET")
        return self

    def resolved_storage_dir(self) -> Path:
        return self.storage_dir if self.storage_dir is not None else self.data_dir / "attachments"


class SettingsInvalid(ValueError):
    """The environment holds a setting icpflow cannot start with: one Chinese line per problem, each naming
    the variable, the value found and what is expected."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def load_settings() -> Settings:
    """`Settings()` from the environment, or `SettingsInvalid` (never pydantic's English report)."""
    try:
        return Settings()
    except ValidationError as exc:
        lines = []
        for problem in problems_from(exc):
            if problem.path:
                variable = "ICPFLOW_" + problem.path.split(".")[0].split("[")[0].upper()
                lines.append(f"{variable}：当前值 {problem.found}，{problem.expected}")
            else:
                lines.append(problem.expected)
        raise SettingsInvalid(lines) from None
