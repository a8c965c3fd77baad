"""Engines and migrations: the embedded SQLite default and PostgreSQL, migrated with Alembic."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

MIGRATIONS = Path(str(files("icpflow") / "adapters" / "db" / "migrations"))


def create_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url`. SQLite gets foreign keys, WAL, a busy timeout, and `BEGIN IMMEDIATE`
    transactions (the write lock is taken at the start, so two writers queue instead of deadlocking)."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, **kwargs)

        @sa.event.listens_for(engine, "connect")
        def _connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=10000")
            if ":memory:" not in url and "mode=memory" not in url:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        @sa.event.listens_for(engine, "begin")
        def _begin(conn: sa.Connection) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    # Sized for a server's concurrency (the default 5 + 10 closed-on-return made the API reconnect hundreds
    # of times a minute under load, bench/api.py); connections are recycled instead of pinged per checkout.
    options: dict[str, Any] = {"pool_size": 20, "max_overflow": 20, "pool_recycle": 1800, "pool_pre_ping": False}
    options.update(kwargs)
    return sa.create_engine(url, **options)


def _scripts() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def alembic_config(engine: Engine) -> Config:
    config = _scripts()
    url = engine.url.render_as_string(hide_password=False)
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))  # configparser interpolation
    return config


@cache
def head_revision() -> str:
    """The newest migration this code ships (what `icpflow db upgrade` brings a database to)."""
    return str(ScriptDirectory.from_config(_scripts()).get_current_head())


def readiness_problem(engine: Engine) -> str | None:
    """Why this process should not take requests yet, in Chinese, or None: the database cannot be reached,
    or its schema is not the one this code expects (a deploy that skipped `icpflow db upgrade`). The
    driver's message is left out: it may name hosts and users."""
    try:
        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
    except sa.exc.SQLAlchemyError as exc:
        cause = exc.orig if isinstance(exc, sa.exc.DBAPIError) else exc
        return f"数据库不可达（{type(cause).__name__}）"
    head = head_revision()
    if current != head:
        return f"数据库结构不是最新（当前 {current or '空库'}，应为 {head}）：请先运行 icpflow db upgrade"
    return None


def max_connections(engine: Engine) -> int | None:
    """PostgreSQL's `max_connections` less the superuser-reserved ones (what ordinary clients may open);
    None for SQLite, which has no such limit."""
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as conn:
        limit = int(conn.exec_driver_sql("SHOW max_connections").scalar_one())
        reserved = int(conn.exec_driver_sql("SHOW superuser_reserved_connections").scalar_one())
    return limit - reserved


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` (created on first start for the embedded SQLite file)."""
    config = alembic_config(engine)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def compact(engine: Engine) -> None:
    """Leave no old copy of rewritten rows in the database files (after `icpflow db rotate-keys`).

    SQLite keeps replaced rows in free pages and in the write-ahead log: VACUUM rewrites the file and the
    log is checkpointed and truncated. PostgreSQL is left to autovacuum (dead row versions are reused,
    not zeroed; `VACUUM FULL` rewrites the tables, under an exclusive lock: an operator's decision)."""
    if engine.dialect.name != "sqlite":
        return
    raw = engine.raw_connection()  # outside SQLAlchemy's transaction: VACUUM cannot run inside one
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.execute("VACUUM")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.close()
    finally:
        raw.close()
