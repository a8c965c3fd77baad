"""Readiness (`/readyz`): the database reachable and at this code's schema, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from icpflow.adapters.db.engine import create_engine, head_revision, readiness_problem, upgrade


def test_a_migrated_database_is_ready(engine: Engine) -> None:  # the fixture migrates to head
    assert readiness_problem(engine) is None


def test_a_database_behind_the_code_is_not_ready_until_upgraded(engine: Engine) -> None:
    # as after deploying new code without `icpflow db upgrade`; the PostgreSQL schema is shared by the
    # session's tests, so the version is put back whatever happens
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0006'")
    try:
        assert readiness_problem(engine) == (f"数据库结构不是最新（当前 0006，应为 {head_revision()}）："
                                             "请先运行 icpflow db upgrade")
    finally:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"UPDATE alembic_version SET version_num = '{head_revision()}'")
    assert readiness_problem(engine) is None


def test_an_empty_database_says_so(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+pysqlite:///{tmp_path / 'empty.db'}")
    assert readiness_problem(engine) == (f"数据库结构不是最新（当前 空库，应为 {head_revision()}）："
                                         "请先运行 icpflow db upgrade")
    upgrade(engine)
    assert readiness_problem(engine) is None
    engine.dispose()


def test_an_unreachable_database_is_named_without_its_address() -> None:
    engine = create_engine("postgresql+psycopg://icpflow:secret@127.0.0.1:9/none", connect_args={"connect_timeout": 3})
    problem = readiness_problem(engine)
    assert problem == "数据库不可达（OperationalError）"
    engine.dispose()


def test_the_head_is_the_newest_migration_shipped() -> None:
    versions = Path(__file__).parents[2] / "src" / "icpflow" / "adapters" / "db" / "migrations" / "versions"
    newest = max(p.name.split("_")[0] for p in versions.glob("0*.py"))
    assert head_revision() == newest
