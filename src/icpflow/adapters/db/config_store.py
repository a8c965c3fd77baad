"""The operator's configuration on SQLAlchemy Core: rule overrides, holiday entries, declared years,
platform-policy values, the regulator simulator's values and forced decisions, and the append-only change
history (whose row count is the configuration version).

Every change also writes an entry of the accounts audit log, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine, RowMapping
from sqlalchemy.pool import NullPool

from ...domain.config import ConfigChange, DeclaredYear, HolidayEntry, HolidayKind, RuleOverride
from ...domain.enums import Severity
from ...domain.policy_config import PolicyOverride
from ...domain.simulator_config import ForcedBureauDecision, SimulatorSetting
from . import tables as t

#: the audit log's action for each (kind, action) of a change
AUDIT_ACTIONS = {
    ("rule_override", "set"): "rule_override_set",
    ("rule_override", "delete"): "rule_override_removed",
    ("holiday", "set"): "holiday_set",
    ("holiday", "delete"): "holiday_removed",
    ("holiday_year", "set"): "holiday_year_declared",
    ("holiday_year", "delete"): "holiday_year_withdrawn",
    ("policy", "set"): "policy_set",
    ("policy", "delete"): "policy_reset",
    ("simulator", "set"): "simulator_approve_ratio_changed",
    ("simulator", "delete"): "simulator_approve_ratio_reset",
    ("simulator_force", "set"): "simulator_decision_forced",
    ("simulator_force", "apply"): "simulator_decision_forced",
    ("simulator_force", "delete"): "simulator_decision_cleared",
}


def _override(row: RowMapping) -> RuleOverride:
    severity = row["severity"]
    return RuleOverride(
        rule_id=row["rule_id"], note=row["note"], enabled=row["enabled"],
        severity=Severity(severity) if severity is not None else None,
        effective_from=row["effective_from"], effective_to=row["effective_to"], message=row["message"],
        fix=row["fix"], updated_by=row["updated_by"], updated_at=row["updated_at"])


def _policy(row: RowMapping) -> PolicyOverride:
    return PolicyOverride(row["key"], row["value"], row["note"], row["updated_by"], row["updated_at"])


def _forced(row: RowMapping) -> ForcedBureauDecision:
    return ForcedBureauDecision(row["application_id"], row["approved"], row["set_by"], row["set_at"])


def _setting(row: RowMapping) -> SimulatorSetting:
    return SimulatorSetting(row["key"], row["value"], row["set_by"], row["set_at"])


def _entry(row: RowMapping) -> HolidayEntry:
    return HolidayEntry(row["day"], HolidayKind(row["kind"]), row["name"], row["created_by"], row["created_at"])


class SqlConfigStore:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def _upsert(self, table: sa.Table, values: dict[str, Any], key: str) -> None:
        insert = postgresql.insert if self.conn.dialect.name == "postgresql" else sqlite.insert
        stmt = insert(table).values(**values)
        self.conn.execute(stmt.on_conflict_do_update(index_elements=[key],
                                                     set_={k: v for k, v in values.items() if k != key}))

    # the version and what a process builds its snapshot from
    def version(self) -> int:
        return int(self.conn.execute(sa.select(sa.func.count()).select_from(t.config_changes)).scalar_one())

    def rule_overrides(self) -> list[RuleOverride]:
        rows = self.conn.execute(sa.select(t.rule_overrides).order_by(t.rule_overrides.c.rule_id)).mappings()
        return [_override(r) for r in rows]

    def holiday_entries(self, year: int | None = None) -> list[HolidayEntry]:
        c = t.holiday_entries.c
        stmt = sa.select(t.holiday_entries).order_by(c.day)
        if year is not None:
            stmt = stmt.where(c.day >= dt.date(year, 1, 1), c.day <= dt.date(year, 12, 31))
        return [_entry(r) for r in self.conn.execute(stmt).mappings()]

    def declared_years(self) -> list[DeclaredYear]:
        rows = self.conn.execute(sa.select(t.holiday_years).order_by(t.holiday_years.c.year)).mappings()
        return [DeclaredYear(r["year"], r["declared_by"], r["declared_at"]) for r in rows]

    def policy_overrides(self) -> list[PolicyOverride]:
        rows = self.conn.execute(sa.select(t.policy_overrides).order_by(t.policy_overrides.c.key)).mappings()
        return [_policy(r) for r in rows]

    def simulator_settings(self) -> list[SimulatorSetting]:
        rows = self.conn.execute(sa.select(t.simulator_settings).order_by(t.simulator_settings.c.key)).mappings()
        return [_setting(r) for r in rows]

    def forced_decisions(self) -> list[ForcedBureauDecision]:
        c = t.simulator_forced_decisions.c
        rows = self.conn.execute(sa.select(t.simulator_forced_decisions).order_by(c.set_at, c.application_id))
        return [_forced(r) for r in rows.mappings()]

    # rule overrides (read for update: the history's "before" is the row this transaction replaces)
    def rule_override(self, rule_id: str) -> RuleOverride | None:
        stmt = sa.select(t.rule_overrides).where(t.rule_overrides.c.rule_id == rule_id).with_for_update()
        row = self.conn.execute(stmt).mappings().first()
        return None if row is None else _override(row)

    def put_rule_override(self, override: RuleOverride) -> None:
        self._upsert(t.rule_overrides, {
            "rule_id": override.rule_id, "enabled": override.enabled,
            "severity": override.severity.value if override.severity is not None else None,
            "effective_from": override.effective_from, "effective_to": override.effective_to,
            "message": override.message, "fix": override.fix, "note": override.note,
            "updated_by": override.updated_by, "updated_at": override.updated_at}, "rule_id")

    def delete_rule_override(self, rule_id: str) -> None:
        self.conn.execute(t.rule_overrides.delete().where(t.rule_overrides.c.rule_id == rule_id))

    # holidays
    def holiday_entry(self, day: dt.date) -> HolidayEntry | None:
        stmt = sa.select(t.holiday_entries).where(t.holiday_entries.c.day == day).with_for_update()
        row = self.conn.execute(stmt).mappings().first()
        return None if row is None else _entry(row)

    def put_holiday_entry(self, entry: HolidayEntry) -> None:
        self._upsert(t.holiday_entries, {"day": entry.day, "kind": entry.kind.value, "name": entry.name,
                                         "created_by": entry.created_by, "created_at": entry.created_at}, "day")

    def delete_holiday_entry(self, day: dt.date) -> None:
        self.conn.execute(t.holiday_entries.delete().where(t.holiday_entries.c.day == day))

    def declared_year(self, year: int) -> DeclaredYear | None:
        stmt = sa.select(t.holiday_years).where(t.holiday_years.c.year == year).with_for_update()
        row = self.conn.execute(stmt).mappings().first()
        return None if row is None else DeclaredYear(row["year"], row["declared_by"], row["declared_at"])

    def declare_year(self, declared: DeclaredYear) -> None:
        self._upsert(t.holiday_years, {"year": declared.year, "declared_by": declared.declared_by,
                                       "declared_at": declared.declared_at}, "year")

    def withdraw_year(self, year: int) -> None:
        self.conn.execute(t.holiday_years.delete().where(t.holiday_years.c.year == year))

    # platform policy (read for update, as rule overrides)
    def policy_override(self, key: str) -> PolicyOverride | None:
        stmt = sa.select(t.policy_overrides).where(t.policy_overrides.c.key == key).with_for_update()
        row = self.conn.execute(stmt).mappings().first()
        return None if row is None else _policy(row)

    def put_policy_override(self, override: PolicyOverride) -> None:
        self._upsert(t.policy_overrides, {"key": override.key, "value": override.value, "note": override.note,
                                          "updated_by": override.updated_by, "updated_at": override.updated_at},
                     "key")

    def delete_policy_override(self, key: str) -> None:
        self.conn.execute(t.policy_overrides.delete().where(t.policy_overrides.c.key == key))

    # the regulator simulator (read for update, as the policy)
    def simulator_setting(self, key: str) -> SimulatorSetting | None:
        stmt = sa.select(t.simulator_settings).where(t.simulator_settings.c.key == key).with_for_update()
        row = self.conn.execute(stmt).mappings().first()
        return None if row is None else _setting(row)

    def put_simulator_setting(self, setting: SimulatorSetting) -> None:
        self._upsert(t.simulator_settings, {"key": setting.key, "value": setting.value, "set_by": setting.set_by,
                                            "set_at": setting.set_at}, "key")

    def delete_simulator_setting(self, key: str) -> None:
        self.conn.execute(t.simulator_settings.delete().where(t.simulator_settings.c.key == key))

    def forced_decision(self, application_id: str) -> ForcedBureauDecision | None:
        c = t.simulator_forced_decisions.c
        stmt = sa.select(t.simulator_forced_decisions).where(c.application_id == application_id).with_for_update()
        row = self.conn.execute(stmt).mappings().first()
        return None if row is None else _forced(row)

    def put_forced_decision(self, decision: ForcedBureauDecision) -> None:
        self._upsert(t.simulator_forced_decisions, {
            "application_id": decision.application_id, "approved": decision.approved, "set_by": decision.set_by,
            "set_at": decision.set_at}, "application_id")

    def delete_forced_decision(self, application_id: str) -> None:
        c = t.simulator_forced_decisions.c
        self.conn.execute(t.simulator_forced_decisions.delete().where(c.application_id == application_id))

    # the history, and the audit log
    def record_change(self, change: ConfigChange) -> None:
        self.conn.execute(t.config_changes.insert().values(
            at=change.at, account_id=change.account_id, kind=change.kind, target=change.target,
            action=change.action, before=change.before, after=change.after, note=change.note))
        self.conn.execute(t.audit_log.insert().values(
            at=change.at, account_id=change.account_id[:36], action=AUDIT_ACTIONS[(change.kind, change.action)],
            target=change.target[:80], detail={"before": change.before, "after": change.after, "note": change.note}))

    def changes(self, *, kind: str | Sequence[str] | None = None, target: str | None = None,
                limit: int = 100) -> list[ConfigChange]:
        c = t.config_changes.c
        stmt = (sa.select(t.config_changes, t.accounts.c.username)
                .select_from(t.config_changes.outerjoin(t.accounts, t.accounts.c.id == c.account_id))
                .order_by(c.id.desc()).limit(limit))
        if isinstance(kind, str):
            stmt = stmt.where(c.kind == kind)
        elif kind is not None:
            stmt = stmt.where(c.kind.in_(list(kind)))
        if target is not None:
            stmt = stmt.where(c.target == target)
        return [ConfigChange(r["kind"], r["target"], r["action"], r["before"], r["after"], r["note"], r["account_id"],
                             r["at"], r["id"], r["username"] or r["account_id"])
                for r in self.conn.execute(stmt).mappings()]

    def commit(self) -> None:
        self.conn.commit()


class SqlConfigUnitOfWork:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def __call__(self) -> Iterator[SqlConfigStore]:
        with self.engine.connect() as conn:
            try:
                yield SqlConfigStore(conn)
            finally:
                if conn.in_transaction():
                    conn.rollback()


def config_reader(engine: Engine) -> SqlConfigUnitOfWork:
    """The unit of work a process reads its configuration with (services/live_config.py).

    On a SQLite file it has an engine of its own, whose reads take no write lock: the refresh may run
    while the same thread holds a write transaction (a submission computing its deadline inside its
    transaction), and the main engine's `BEGIN IMMEDIATE` would wait for that transaction — which waits
    for the refresh. In WAL mode (engine.py) a reader never waits for a writer. Connections are not
    pooled: a refresh happens at most once per interval."""
    url = engine.url
    database = url.database or ""
    if url.get_backend_name() != "sqlite" or database in ("", ":memory:") or "mode=memory" in str(url):
        return SqlConfigUnitOfWork(engine)
    return SqlConfigUnitOfWork(sa.create_engine(url, poolclass=NullPool))
