"""The database schema (SQLAlchemy Core), shared by SQLite (the embedded default) and PostgreSQL.

Migrations are in `migrations/` (Alembic); `alembic check` in scripts/test fails the build when this
file and the migrations disagree. Times are stored in UTC and come back timezone-aware on both engines.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UtcDateTime(sa.types.TypeDecorator[dt.datetime]):
    """Aware datetimes in, aware UTC datetimes out: SQLite keeps no zone, so we store UTC and say so."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use an aware one")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        moment: dt.datetime = value
        if moment.tzinfo is None:
            return moment.replace(tzinfo=dt.UTC)
        return moment.astimezone(dt.UTC)


JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

subjects = sa.Table(
    "subjects", metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    # Personal information is encrypted at rest (adapters/crypto.py): an individual's certificate number
    # is their ID number, so every certificate number is stored as a token and found by its blind index.
    sa.Column("certificate_number", sa.Text, nullable=False),
    sa.Column("certificate_index", sa.String(64), unique=True),  # NULL only on rows from before 0004
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("nature", sa.String(40), nullable=False),
    sa.Column("province", sa.String(6), nullable=False),
    sa.Column("owner", sa.String(64), nullable=False, index=True),
    sa.Column("serial", sa.String(10)),
    sa.Column("next_service", sa.Integer, nullable=False, default=1),
    sa.Column("version", sa.Integer, nullable=False, default=1),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("province", "serial"),
)

programs = sa.Table(
    "programs", metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("subject_id", sa.String(36), sa.ForeignKey("subjects.id"), nullable=False, index=True),
    sa.Column("appid", sa.String(64), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("type", sa.String(20), nullable=False),
    sa.Column("listed", sa.Boolean, nullable=False, default=False),
    sa.Column("owner", sa.String(64), nullable=False, index=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

applications = sa.Table(
    "applications", metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("owner", sa.String(64), nullable=False, index=True),
    sa.Column("subject_id", sa.String(36), sa.ForeignKey("subjects.id"), nullable=False, index=True),
    sa.Column("program_id", sa.String(36), sa.ForeignKey("programs.id"), index=True),
    sa.Column("province", sa.String(6), nullable=False),
    sa.Column("document", JSON, nullable=False),  # personal values (domain/pii.py) encrypted inside the JSON
    sa.Column("state", sa.String(24), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("record_number", sa.String(40), nullable=False, default=""),
    sa.Column("sms_attempt", sa.Integer, nullable=False, default=0),
    sa.Column("sms_resends_left", sa.Integer, nullable=False, default=1),
    sa.Column("gateway", sa.String(20), nullable=False, default=""),
    sa.Column("gateway_reference", sa.String(80), nullable=False, default=""),
    sa.Column("reasons", JSON, nullable=False),
    sa.Column("issued_number", sa.String(40), nullable=False, default=""),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("submitted_at", UtcDateTime),
    sa.Column("due_at", UtcDateTime),
    sa.Index("ix_applications_state_due_at", "state", "due_at"),
)

filing_records = sa.Table(
    "filing_records", metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("subject_id", sa.String(36), sa.ForeignKey("subjects.id"), nullable=False, index=True),
    sa.Column("program_id", sa.String(36), sa.ForeignKey("programs.id"), index=True),
    sa.Column("number", sa.String(40), nullable=False, unique=True),
    sa.Column("status", sa.String(12), nullable=False),
    sa.Column("application_id", sa.String(36), sa.ForeignKey("applications.id"), nullable=False),
    sa.Column("issued_at", UtcDateTime, nullable=False),
    sa.Column("cancelled_at", UtcDateTime),
)

serial_counters = sa.Table(
    "serial_counters", metadata,
    sa.Column("province", sa.String(6), primary_key=True),
    sa.Column("year", sa.Integer, primary_key=True),
    sa.Column("next_value", sa.Integer, nullable=False),
)

events = sa.Table(
    "events", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("application_id", sa.String(36), sa.ForeignKey("applications.id"), nullable=False, index=True),
    sa.Column("event", sa.String(40), nullable=False),
    sa.Column("from_state", sa.String(24), nullable=False),
    sa.Column("to_state", sa.String(24), nullable=False),
    sa.Column("actor", sa.String(64), nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("data", JSON, nullable=False),
)

timers = sa.Table(
    "timers", metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("application_id", sa.String(36), sa.ForeignKey("applications.id"), nullable=False, index=True),
    sa.Column("kind", sa.String(24), nullable=False),
    sa.Column("due_at", UtcDateTime, nullable=False),
    sa.Column("payload", JSON, nullable=False),
    sa.Column("fired_at", UtcDateTime),
    # The sweep reads only pending timers, oldest first: a partial index keeps it independent of how
    # many fired timers the table holds (bench/timers.py).
    sa.Index("ix_timers_pending_due", "due_at", sqlite_where=sa.text("fired_at IS NULL"),
             postgresql_where=sa.text("fired_at IS NULL")),
)

outbox = sa.Table(
    "outbox", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key", sa.String(200), nullable=False, unique=True),
    sa.Column("kind", sa.String(24), nullable=False),
    sa.Column("payload", JSON, nullable=False),  # e-mail and SMS notifications: the recipient is encrypted
    sa.Column("available_at", UtcDateTime, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("done_at", UtcDateTime),
    sa.Column("failed_at", UtcDateTime),
    sa.Column("last_error", sa.Text, nullable=False, default=""),
    sa.Index("ix_outbox_pending", "available_at", sqlite_where=sa.text("done_at IS NULL AND failed_at IS NULL"),
             postgresql_where=sa.text("done_at IS NULL AND failed_at IS NULL")),
)

inbox_messages = sa.Table(
    "inbox_messages", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key", sa.String(200), nullable=False, unique=True),
    sa.Column("recipient", sa.String(64), nullable=False, index=True),
    sa.Column("application_id", sa.String(36), nullable=False, default=""),
    sa.Column("subject", sa.String(200), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("read_at", UtcDateTime),
)

sms_inbox = sa.Table(
    "sms_inbox", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("application_id", sa.String(36), sa.ForeignKey("applications.id"), nullable=False, index=True),
    sa.Column("phone", sa.Text, nullable=False),  # encrypted
    sa.Column("phone_index", sa.String(64)),  # its blind index; NULL only on rows from before 0004
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("code", sa.String(12), nullable=False),
    sa.Column("attempt", sa.Integer, nullable=False),
    sa.Column("sent_at", UtcDateTime, nullable=False),
    sa.Column("simulated", sa.Boolean, nullable=False),
    sa.UniqueConstraint("application_id", "attempt", "phone_index"),
)

submission_quota = sa.Table(
    "submission_quota", metadata,
    # Listed (存量) mini-programs submit under a daily quota that refreshes at 10:00 Asia/Shanghai
    # (seed 003 §二(一)): one row per quota day, counted under a row lock.
    sa.Column("quota_day", sa.Date, primary_key=True),
    sa.Column("used", sa.Integer, nullable=False),
)

webhook_subscriptions = sa.Table(
    "webhook_subscriptions", metadata,
    # A service provider's endpoint for state-change events, signed with the platform's webhook secret.
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("owner", sa.String(64), nullable=False, index=True),
    sa.Column("url", sa.String(500), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("owner", "url"),
)

# ----- accounts and access (issue #4) --------------------------------------------------------------

accounts = sa.Table(
    "accounts", metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("username", sa.String(64), nullable=False, unique=True),
    sa.Column("display_name", sa.String(100), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),  # filer | service_provider | reviewer | operator | auditor
    sa.Column("password_hash", sa.String(200)),  # argon2; None for API-only service providers
    sa.Column("failed_logins", sa.Integer, nullable=False, default=0),
    sa.Column("locked_until", UtcDateTime),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

api_keys = sa.Table(
    "api_keys", metadata,
    # A service provider's key: only its SHA-256 is stored; `prefix` identifies it in lists and logs.
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("account_id", sa.String(36), sa.ForeignKey("accounts.id"), nullable=False, index=True),
    sa.Column("prefix", sa.String(16), nullable=False),
    sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("scopes", JSON, nullable=False),  # appids the key may file for; [] = any of its own
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("revoked_at", UtcDateTime),
)

sessions = sa.Table(
    "sessions", metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("account_id", sa.String(36), sa.ForeignKey("accounts.id"), nullable=False, index=True),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
)

audit_log = sa.Table(
    "audit_log", metadata,
    # Every read of unmasked personal information, and every privileged change.
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", UtcDateTime, nullable=False, index=True),
    sa.Column("account_id", sa.String(36), nullable=False, index=True),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("target", sa.String(80), nullable=False),
    sa.Column("detail", JSON, nullable=False),
)

idempotency_keys = sa.Table(
    "idempotency_keys", metadata,
    # POSTs that create or submit accept an Idempotency-Key: a retry returns the first response.
    sa.Column("account_id", sa.String(36), primary_key=True),
    sa.Column("key", sa.String(100), primary_key=True),
    sa.Column("request_hash", sa.String(64), nullable=False),
    sa.Column("status", sa.Integer, nullable=False),
    sa.Column("body", JSON, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

face_tasks = sa.Table(
    "face_tasks", metadata,
    # Face verification (人脸核身) of the mini-program principal; the latest task of an application counts.
    sa.Column("task_id", sa.String(80), primary_key=True),
    sa.Column("application_id", sa.String(36), sa.ForeignKey("applications.id"), nullable=False, index=True),
    sa.Column("verify_url", sa.String(300), nullable=False),
    sa.Column("status", sa.String(12), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.Column("completes_at", UtcDateTime),
    sa.Column("planned_passed", sa.Boolean),
    sa.Column("completed_at", UtcDateTime),
)

# ----- attachments (issue #4) ----------------------------------------------------------------------

attachments_meta = sa.Table(
    "attachments_meta", metadata,
    # An uploaded file (the bytes are in the attachment storage, content-addressed by their SHA-256) and
    # who uploaded it: one row per owner, so the same file uploaded by two tenants is readable by each.
    sa.Column("object_id", sa.String(64), primary_key=True),
    sa.Column("owner", sa.String(64), primary_key=True),  # the uploading account's id
    sa.Column("size_bytes", sa.Integer, nullable=False),
    sa.Column("format", sa.String(8), nullable=False),  # JPEG | PNG | PDF, by magic bytes
    sa.Column("width", sa.Integer),  # after EXIF rotation; NULL for a PDF
    sa.Column("height", sa.Integer),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

# ----- operator-edited configuration (issues #4, #5) ------------------------------------------------

rule_overrides = sa.Table(
    "rule_overrides", metadata,
    # An operator's override of one catalogue rule, on top of rules.toml and the override file: each
    # non-NULL column replaces that field of the rule (domain/config.py).
    sa.Column("rule_id", sa.String(100), primary_key=True),
    sa.Column("enabled", sa.Boolean),
    sa.Column("severity", sa.String(10)),
    sa.Column("effective_from", sa.Date),
    sa.Column("effective_to", sa.Date),
    sa.Column("message", sa.Text),
    sa.Column("fix", sa.Text),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("updated_by", sa.String(64), nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
)

holiday_entries = sa.Table(
    "holiday_entries", metadata,
    # The operator's holiday table: a day off (holiday) or an adjusted working day (workday, 调休上班日).
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("kind", sa.String(10), nullable=False),
    sa.Column("name", sa.String(50), nullable=False),
    sa.Column("created_by", sa.String(64), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.CheckConstraint("kind IN ('holiday', 'workday')", name="kind"),
)

holiday_years = sa.Table(
    "holiday_years", metadata,
    # Years an operator declared complete: the fallback (weekdays minus fixed-date holidays) stops.
    sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("declared_by", sa.String(64), nullable=False),
    sa.Column("declared_at", UtcDateTime, nullable=False),
)

policy_overrides = sa.Table(
    "policy_overrides", metadata,
    # An operator's value of one platform-policy key, on top of the deployment settings (ICPFLOW_*): the
    # key's value as JSON (a number, true/false, a date as YYYY-MM-DD, or null), who set it and when
    # (domain/policy_config.py).
    sa.Column("key", sa.String(50), primary_key=True),
    sa.Column("value", JSON),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("updated_by", sa.String(64), nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
)

simulator_settings = sa.Table(
    "simulator_settings", metadata,
    # An operator's value of one regulator-simulator setting (`approve_ratio`), on top of the deployment's
    # ICPFLOW_SIMULATOR_* (domain/simulator_config.py); demos and tests only.
    sa.Column("key", sa.String(50), primary_key=True),
    sa.Column("value", sa.Float, nullable=False),
    sa.Column("set_by", sa.String(64), nullable=False),
    sa.Column("set_at", UtcDateTime, nullable=False),
)

simulator_forced_decisions = sa.Table(
    "simulator_forced_decisions", metadata,
    # The simulated bureau's decision an operator forced for an application's later submissions (true
    # approves, false rejects), until cleared.
    sa.Column("application_id", sa.String(36), sa.ForeignKey("applications.id"), primary_key=True),
    sa.Column("approved", sa.Boolean, nullable=False),
    sa.Column("set_by", sa.String(64), nullable=False),
    sa.Column("set_at", UtcDateTime, nullable=False),
)

config_changes = sa.Table(
    "config_changes", metadata,
    # Append-only history of the six tables above. Its row count is the configuration version every
    # process polls (services/live_config.py): rows are never updated or deleted.
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("account_id", sa.String(64), nullable=False),
    # rule_override | holiday | holiday_year | policy | simulator | simulator_force
    sa.Column("kind", sa.String(20), nullable=False),
    # the rule id, the date, the year, the policy key, the simulator setting's key, the application id
    sa.Column("target", sa.String(100), nullable=False),
    sa.Column("action", sa.String(10), nullable=False),  # set | delete | apply (a forced decision applied at once)
    sa.Column("before", JSON),
    sa.Column("after", JSON),
    sa.Column("note", sa.Text, nullable=False),
    sa.Index("ix_config_changes_kind_target", "kind", "target"),
)
