"""Database connections per process (`ICPFLOW_DB_POOL_SIZE`, `ICPFLOW_DB_MAX_OVERFLOW`) and the warning of
`icpflow serve --processes N` when N + 1 pools could exceed what PostgreSQL accepts."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from icpflow.adapters.db.engine import max_connections
from icpflow.bootstrap import build_runtime
from icpflow.cli_serve import connection_budget_warning
from icpflow.config import Settings
from icpflow.testing import TEST_ENCRYPTION_KEYS


def test_the_limit_is_postgresqls_less_the_reserved_connections(engine: Engine) -> None:
    limit = max_connections(engine)
    if engine.dialect.name == "sqlite":
        assert limit is None
        return
    with engine.connect() as conn:
        total = int(conn.exec_driver_sql("SHOW max_connections").scalar_one())
        reserved = int(conn.exec_driver_sql("SHOW superuser_reserved_connections").scalar_one())
    assert limit == total - reserved > 0


def test_each_process_pool_follows_the_settings(postgres_url: str, tmp_path: Path) -> None:
    runtime = build_runtime(Settings(database_url=postgres_url, data_dir=tmp_path, encryption_keys=TEST_ENCRYPTION_KEYS,
                                     db_pool_size=3, db_max_overflow=2))
    try:
        assert (runtime.engine.pool.size(), runtime.engine.pool._max_overflow) == (3, 2)  # type: ignore[attr-defined]
    finally:
        runtime.engine.dispose()


def test_serve_warns_when_the_pools_could_exceed_the_server() -> None:
    settings = Settings(db_pool_size=20, db_max_overflow=20)
    warning = connection_budget_warning(settings, 97, 2)  # 3 pools of 40
    assert warning is not None and "最多会打开 120 个数据库连接，超过 PostgreSQL 允许的 97 个" in warning
    assert "ICPFLOW_DB_POOL_SIZE" in warning
    assert connection_budget_warning(Settings(db_pool_size=10, db_max_overflow=5), 97, 2) is None  # 45
    assert connection_budget_warning(settings, None, 8) is None  # SQLite: no server limit
