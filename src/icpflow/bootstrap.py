"""The one place that builds adapters from settings and hands them to entry points."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import httpx
from argon2 import PasswordHasher
from sqlalchemy.engine import Engine

from .adapters.clock import SystemClock
from .adapters.crypto import FieldCipher, format_setting, generate_key
from .adapters.db.accounts_store import SqlAccountsUnitOfWork
from .adapters.db.attachments_store import SqlAttachmentStore
from .adapters.db.config_store import SqlConfigUnitOfWork, config_reader
from .adapters.db.engine import create_engine, upgrade
from .adapters.db.stats_store import SqlStatsUnitOfWork
from .adapters.db.store import SqlUnitOfWork
from .adapters.images import probe_bytes
from .adapters.notify.sms import SimulatedSmsProvider, SmsNotifier
from .adapters.notify.smtp import SmtpNotifier
from .adapters.notify.webhook import WebhookNotifier
from .adapters.reference_data import package_data, read_toml
from .adapters.regulator.manual import ManualGateway
from .adapters.regulator.simulator import RegulatorSimulator
from .adapters.storage.local import LocalStorage
from .config import Settings
from .domain.calendar import HolidayTable, WorkingCalendar
from .domain.deadlines import DeadlinePolicy
from .domain.notifications import Channel, Notifier
from .domain.policy import Policy
from .domain.preapproval import KeywordScanner
from .domain.regions import RegionTable
from .domain.regulator import RegulatorGateway
from .domain.rejections import RejectionCatalogue
from .domain.rules.catalogue import Catalogue
from .domain.rules.engine import Checker, known_evaluators
from .services.accounts import Accounts
from .services.attachments import Attachments, Storage
from .services.config import Configuration
from .services.filings import PlatformPolicy, Workflow
from .services.live_config import (
    LiveCalendar,
    LiveChecker,
    LiveConfig,
    LiveDeadlinePolicy,
    LivePlatformPolicy,
    Policies,
)
from .services.ports import Clock


def load_catalogue(settings: Settings) -> Catalogue:
    overrides = read_toml(settings.rules_override_file) if settings.rules_override_file else None
    return Catalogue.from_mapping(
        package_data("rules.toml"),
        known_checks=known_evaluators(),
        overrides=overrides,
        overrides_origin=str(settings.rules_override_file or ""),
    )


def load_regions() -> RegionTable:
    return RegionTable.from_mapping(package_data("regions.json"))


def load_scanner() -> KeywordScanner:
    return KeywordScanner.from_mapping(package_data("preapproval_keywords.toml"))


def build_policy(settings: Settings) -> Policy:
    return Policy(
        certificate_validity_months=settings.certificate_validity_months,
        letter_max_age_months=settings.letter_max_age_months,
    )


def build_policies(settings: Settings) -> Policies:
    """The platform policy as deployed: what operators' runtime values apply on top of, key by key."""
    return Policies(
        precheck=build_policy(settings),
        platform=PlatformPolicy(withdraw_allowed=settings.withdraw_allowed, daily_quota=settings.daily_quota,
                                quota_refresh_hour=settings.quota_refresh_hour,
                                takedown_deadline=settings.takedown_deadline,
                                takedown_notice_days=settings.takedown_notice_days,
                                face_task_required=settings.face_task_required),
        deadlines=DeadlinePolicy(platform_review_days=settings.platform_review_days,
                                 bureau_review_days=settings.bureau_review_days),
    )


def build_checker(settings: Settings) -> Checker:
    return Checker(load_catalogue(settings), load_regions(), load_scanner(), build_policy(settings))


# ----- the workflow (issue #3) ----------------------------------------------------------------------

@dataclass
class Runtime:
    """The workflow wired to its adapters: what `icpflow worker`, the CLI and the server share."""

    settings: Settings
    engine: Engine
    workflow: Workflow
    gateway: RegulatorGateway
    notifiers: dict[Channel, Notifier]
    sms_log: Path
    uow: SqlUnitOfWork
    #: uploads, their storage and owners; `workflow.probe` measures them for the pre-check
    attachments: Attachments
    #: the operator's rule overrides, holiday table, platform policy and simulator tuning, applied live
    #: (services/config.py, policy_config.py, simulator_controls.py, live_config.py)
    config: Configuration
    #: what entry points should tell the operator at start-up (e.g. a generated demo key)
    notices: list[str] = field(default_factory=list)


def load_calendar(settings: Settings) -> WorkingCalendar:
    """chinese-calendar, plus the shipped holiday table, plus the operator's file (which wins)."""
    shipped = package_data("holidays.toml")
    table = HolidayTable.from_mapping(shipped)
    if settings.holiday_file is not None:
        extra = HolidayTable.from_mapping(read_toml(settings.holiday_file))
        holidays = {d: n for d, n in table.holidays.items() if d not in extra.workdays} | extra.holidays
        workdays = {d: n for d, n in table.workdays.items() if d not in extra.holidays} | extra.workdays
        table = HolidayTable(holidays=holidays, workdays=workdays, years=table.years | extra.years)
    return WorkingCalendar(table)


def build_live_config(settings: Settings, engine: Engine, *,
                      ticker: Callable[[], float] = time.monotonic) -> LiveConfig:
    """The files (rules.toml + ICPFLOW_RULES_OVERRIDE_FILE, the holiday files) and the policy settings with the
    operator's database entries on top, re-read when they change (at most every ICPFLOW_CONFIG_REFRESH_SECONDS)."""
    overrides = read_toml(settings.rules_override_file) if settings.rules_override_file else None
    return LiveConfig(config_reader(engine), rules=package_data("rules.toml"), known_checks=known_evaluators(),
                      file_overrides=overrides, file_origin=str(settings.rules_override_file or ""),
                      holidays=load_calendar(settings).table, ttl=settings.config_refresh_seconds, ticker=ticker,
                      policies=build_policies(settings))


def load_rejections() -> RejectionCatalogue:
    return RejectionCatalogue.from_mapping(package_data("rejection_reasons.toml"))


def build_gateway(settings: Settings, live: LiveConfig | None = None) -> RegulatorGateway:
    """The regulator side. The simulator decides with the operator's values of `live` (the approve ratio over
    ICPFLOW_SIMULATOR_APPROVE_RATIO, forced decisions), kept in the database and shared by every process;
    without `live`, with the settings alone."""
    if settings.regulator == "manual":
        return ManualGateway()
    return RegulatorSimulator(
        load_rejections(), seed=settings.simulator_seed, approve_ratio=settings.simulator_approve_ratio,
        bureau_delay=(dt.timedelta(seconds=settings.simulator_min_delay_seconds),
                      dt.timedelta(seconds=settings.simulator_max_delay_seconds)),
        tuning=live.simulator_tuning if live is not None else None,
    )


def build_notifiers(settings: Settings, sms_log: Path) -> dict[Channel, Notifier]:
    notifiers: dict[Channel, Notifier] = {Channel.SMS: SmsNotifier(SimulatedSmsProvider(sms_log))}
    if settings.smtp_host:
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        notifiers[Channel.EMAIL] = SmtpNotifier(settings.smtp_host, settings.smtp_port, settings.smtp_sender,
                                                username=settings.smtp_username, password=password,
                                                starttls=settings.smtp_starttls)
    if settings.webhook_secret is not None:
        # one client for the worker's life: a new connection pool per delivery costs ~30 ms
        client = httpx.Client(timeout=5.0, follow_redirects=False)
        notifiers[Channel.WEBHOOK] = WebhookNotifier(settings.webhook_secret.get_secret_value().encode(),
                                                     client=client)
    return notifiers


KEY_FILE = "encryption.key"


def build_cipher(settings: Settings, url: str) -> tuple[FieldCipher, list[str]]:
    """The cipher for personal information at rest, and what to tell the operator about it.

    From `ICPFLOW_ENCRYPTION_KEYS` when set. Otherwise, on SQLite only (the embedded demo), from
    `<data_dir>/encryption.key`, generated on first start (0600). PostgreSQL is a real deployment: it
    refuses to start without keys the operator manages (a key next to the data protects nothing)."""
    if settings.encryption_keys is not None:
        try:
            return FieldCipher.from_setting(settings.encryption_keys.get_secret_value()), []
        except ValueError as exc:
            raise ValueError(f"ICPFLOW_ENCRYPTION_KEYS 无效 / is invalid: {exc}") from None
    if not url.startswith("sqlite"):
        raise ValueError(
            "未设置 ICPFLOW_ENCRYPTION_KEYS：使用 PostgreSQL 时必须配置个人信息加密密钥，拒绝启动。"
            "生成方法：python -c \"import base64,os;print('k1:'+base64.b64encode(os.urandom(32)).decode())\" / "
            "ICPFLOW_ENCRYPTION_KEYS is not set: PostgreSQL needs an encryption key for personal information; "
            "refusing to start.")
    path = settings.data_dir / KEY_FILE
    generated = _create_key_file(path)
    try:
        cipher = FieldCipher.from_setting(path.read_text(encoding="ascii"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"加密密钥文件 {path} 无法使用 / unusable key file: {exc}") from None
    first = "已生成" if generated else "正在使用"
    return cipher, [f"{first}本地加密密钥 {path}（仅供内嵌演示，请备份；生产环境请设置 ICPFLOW_ENCRYPTION_KEYS）/ "
                    f"{'generated' if generated else 'using'} a local encryption key for the embedded demo only"]


def _create_key_file(path: Path) -> bool:
    """Write a new key to `path` unless one is there; True when written. Atomic (a hard link of a complete
    file), so two processes starting at once agree on one key."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as file:
            file.write(format_setting({"k1": generate_key()}) + "\n")
            file.flush()
            os.fsync(file.fileno())
        os.link(temporary, path)
    except FileExistsError:
        return False
    finally:
        temporary.unlink(missing_ok=True)
    return True


def build_runtime(settings: Settings, *, clock: Clock | None = None, migrate: bool = True,
                  ticker: Callable[[], float] = time.monotonic) -> Runtime:
    """Connect (creating the embedded SQLite file on first start), migrate, and wire the workflow."""
    url = settings.resolved_database_url()
    cipher, notices = build_cipher(settings, url)
    if url.startswith("sqlite") and settings.database_url is None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url) if url.startswith("sqlite") else create_engine(
        url, pool_size=settings.db_pool_size, max_overflow=settings.db_max_overflow)
    if migrate:
        upgrade(engine)
    uow = SqlUnitOfWork(engine, cipher)
    live = build_live_config(settings, engine, ticker=ticker)
    gateway = build_gateway(settings, live)
    workflow = Workflow(
        uow=uow,
        clock=clock or SystemClock(settings.timezone),
        checker=LiveChecker(live, load_regions(), load_scanner()),
        calendar=LiveCalendar(live),
        deadlines=LiveDeadlinePolicy(live),
        policy=LivePlatformPolicy(live),
        gateway_name=gateway.name,
    )
    attachments = build_attachments(settings, engine, workflow.clock)
    workflow = replace(workflow, probe=attachments.probe())
    sms_log = settings.data_dir / "sms.jsonl"
    return Runtime(settings, engine, workflow, gateway, build_notifiers(settings, sms_log), sms_log, uow,
                   attachments, Configuration(SqlConfigUnitOfWork(engine), workflow.clock, live), notices)


def build_storage(settings: Settings) -> Storage:
    """A local directory (default data_dir/attachments), or an S3-compatible bucket (boto3 credentials)."""
    if settings.storage == "s3":
        import boto3  # only S3 deployments pay for importing it

        from .adapters.storage.s3 import S3Storage

        client = boto3.client("s3", endpoint_url=settings.s3_endpoint_url)
        return S3Storage(settings.s3_bucket or "", client=client)
    return LocalStorage(settings.resolved_storage_dir())


def build_attachments(settings: Settings, engine: Engine, clock: Clock) -> Attachments:
    return Attachments(storage=build_storage(settings), meta=SqlAttachmentStore(engine), clock=clock,
                       measure=probe_bytes, max_bytes=settings.max_upload_bytes,
                       max_pixels=settings.max_image_pixels)


def build_accounts(runtime: Runtime, *, hasher: PasswordHasher | None = None) -> Accounts:
    accounts = Accounts(SqlAccountsUnitOfWork(runtime.engine), runtime.workflow.clock)
    return accounts if hasher is None else replace(accounts, hasher=hasher)


def build_stats(runtime: Runtime) -> SqlStatsUnitOfWork:
    """Read-only statistics for the operator's dashboard (`services.dashboard`), on the runtime's database."""
    return SqlStatsUnitOfWork(runtime.engine)
