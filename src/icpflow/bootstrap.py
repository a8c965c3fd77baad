"""The one place that builds adapters from settings and hands them to entry points."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy.engine import Engine

from .adapters.clock import SystemClock
from .adapters.db.engine import create_engine, upgrade
from .adapters.db.store import SqlUnitOfWork
from .adapters.notify.sms import SimulatedSmsProvider, SmsNotifier
from .adapters.notify.smtp import SmtpNotifier
from .adapters.notify.webhook import WebhookNotifier
from .adapters.reference_data import package_data, read_toml
from .adapters.regulator.manual import ManualGateway
from .adapters.regulator.simulator import RegulatorSimulator
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
from .services.filings import PlatformPolicy, Workflow
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


def build_checker(settings: Settings) -> Checker:
    policy = Policy(
        certificate_validity_months=settings.certificate_validity_months,
        letter_max_age_months=settings.letter_max_age_months,
    )
    return Checker(load_catalogue(settings), load_regions(), load_scanner(), policy)


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


def load_rejections() -> RejectionCatalogue:
    return RejectionCatalogue.from_mapping(package_data("rejection_reasons.toml"))


def build_gateway(settings: Settings) -> RegulatorGateway:
    if settings.regulator == "manual":
        return ManualGateway()
    return RegulatorSimulator(
        load_rejections(), seed=settings.simulator_seed, approve_ratio=settings.simulator_approve_ratio,
        bureau_delay=(dt.timedelta(seconds=settings.simulator_min_delay_seconds),
                      dt.timedelta(seconds=settings.simulator_max_delay_seconds)),
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


def build_runtime(settings: Settings, *, clock: Clock | None = None, migrate: bool = True) -> Runtime:
    """Connect (creating the embedded SQLite file on first start), migrate, and wire the workflow."""
    url = settings.resolved_database_url()
    if url.startswith("sqlite") and settings.database_url is None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    if migrate:
        upgrade(engine)
    gateway = build_gateway(settings)
    workflow = Workflow(
        uow=SqlUnitOfWork(engine),
        clock=clock or SystemClock(settings.timezone),
        checker=build_checker(settings),
        calendar=load_calendar(settings),
        deadlines=DeadlinePolicy(platform_review_days=settings.platform_review_days,
                                 bureau_review_days=settings.bureau_review_days),
        policy=PlatformPolicy(withdraw_allowed=settings.withdraw_allowed, daily_quota=settings.daily_quota,
                              takedown_deadline=settings.takedown_deadline,
                              takedown_notice_days=settings.takedown_notice_days),
        gateway_name=gateway.name,
    )
    sms_log = settings.data_dir / "sms.jsonl"
    return Runtime(settings, engine, workflow, gateway, build_notifiers(settings, sms_log), sms_log)
