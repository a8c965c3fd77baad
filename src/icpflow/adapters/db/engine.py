"""Engines and migrations: the embedded SQLite default and PostgreSQL, migrated with Alembic."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
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


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    url = engine.url.render_as_string(hide_password=False)
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))  # configparser interpolation
    return config


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
