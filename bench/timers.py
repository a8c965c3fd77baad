"""Benchmark: the worker's timer sweep with 10,000 and with 1,000,000 stored filings, the same number due.

    .venv/bin/python bench/timers.py [--url postgresql+psycopg://...] [--sqlite] [--small] [--rounds 5] [--due 200]

Target (issue #3): the sweep with 1,000,000 stored filings takes at most 2x the sweep with 10,000 (the
claim reads the partial index `ix_timers_pending_due`, never scans the table).

For each size a database of its own is built and dropped afterwards (a PostgreSQL schema; with `--sqlite`
also a SQLite file), migrated with Alembic, and bulk-loaded with `INSERT ... SELECT` over a generated
series (no round trip per row):

  subjects      one per 10 applications;
  programs      one per application (the foreign keys of a new filing);
  applications  N new filings: 70% filed, 10% in bureau review, 10% in platform review and 10% waiting
                for SMS verification (deadlines spread over the next day); plus `--due` of them (spread
                evenly over the id space) in SMS verification whose 24 hours ran out an hour ago;
  timers        two per application: the platform-review alert (fired, except while in platform review),
                then the stage's timer — fired for filed ones, pending in the future for the others, and
                due now (`sms_expiry`, the application's current attempt) for the `--due` ones.

Events and the outbox start empty (the sweep appends to them). Then `VACUUM ANALYZE`.

Each round resets the due applications and their timers (and empties what the previous sweep wrote),
vacuums, and times `worker.fire_due_timers` through a real `Workflow`: per due timer, one transaction
that claims it (`FOR UPDATE SKIP LOCKED`), locks and loads the application, expires its SMS (state change,
the stage's timers cancelled, history, three notification rows in the outbox), marks the timer fired and
commits. Sizes alternate within each round; the medians are compared. Commits are durable (fsync), as in
production, so absolute figures depend on the disk; the ratio is what to compare.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from icpflow.adapters.db import tables as t
from icpflow.adapters.db.engine import create_engine, upgrade
from icpflow.adapters.db.store import SqlStore, SqlUnitOfWork
from icpflow.bootstrap import build_checker, load_calendar
from icpflow.config import Settings
from icpflow.domain.deadlines import DeadlinePolicy
from icpflow.services.filings import PlatformPolicy, Workflow
from icpflow.services.worker import fire_due_timers
from icpflow.testing import fixed_cipher, make_filing

TARGET_RATIO = 2.0
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BEIJING = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")
NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=BEIJING)  # the sweep's clock: Monday 10:00
CREATED = NOW - dt.timedelta(days=30)
PAST = NOW - dt.timedelta(hours=1)  # when the due SMS windows closed
FUTURE = NOW + dt.timedelta(hours=1)  # the earliest pending deadline that is not due
SMALL_DOC = {"schema_version": 1, "kind": "new", "program": {"type": "mini_program", "name": "鲜果日记"},
             "subject": {"nature": "enterprise", "name": "某某科技有限公司",
                         "principal": {"name": "王某某", "mobile": "13800000004", "email": "user4@example.com"}}}


class FixedClock:
    def now(self) -> dt.datetime:
        return NOW

    def today(self) -> dt.date:
        return NOW.date()


# ----- the two dialects' SQL for bulk loading ----------------------------------------------------------

@dataclass(frozen=True)
class Flavour:
    postgres: bool

    def series(self, n: int) -> str:
        if self.postgres:
            return f"s(i) AS (SELECT generate_series(1, {n}))"
        return f"RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {n})"

    def uid(self, tag: int, expr: str) -> str:
        """A uuid-shaped id, unique per (tag, expr), in random order (as uuid4 ids are)."""
        if self.postgres:
            return f"md5('{tag}:' || ({expr}))::uuid::text"
        return f"printf('%08x-%04x-4000-8000-%012x', (({expr}) * 2654435761) % 4294967296, {tag}, {expr})"

    def json(self, param: str) -> str:
        return f"CAST(:{param} AS jsonb)" if self.postgres else f":{param}"

    def appid(self, expr: str) -> str:
        return f"'wx' || lpad(to_hex({expr}), 16, '0')" if self.postgres else f"printf('wx%016x', {expr})"

    def spread(self, param: str, expr: str) -> str:
        """A pending deadline: `param` plus up to a day, by `expr` (SQLite: `param` itself)."""
        if self.postgres:
            return f"(:{param} + (({expr}) % 1440) * interval '1 minute')"
        return f":{param}"


@dataclass
class Dataset:
    size: int
    label: str
    engine: Engine
    wf: Workflow
    due_ids: list[str]
    drop: Callable[[], None]
    load_seconds: float = 0.0


def _times(**names: dt.datetime) -> list[sa.BindParameter[Any]]:
    return [sa.bindparam(name, value, type_=t.UtcDateTime()) for name, value in names.items()]


def load(engine: Engine, n: int, due: int) -> None:
    """Bulk-load `n` applications (`due` of them with an expired SMS window) with their timers."""
    f = Flavour(engine.dialect.name == "postgresql")
    step = n // due
    is_due = f"(i % {step} = 0 AND i <= {step * due})"
    subjects = max(1, n // 10)
    subject_of = f"((i - 1) % {subjects}) + 1"
    # i % 10: 0-6 filed, 7 bureau review, 8 platform review, 9 SMS verification (the due ones override)
    state = (f"CASE WHEN {is_due} THEN 'sms_verification' WHEN i % 10 < 7 THEN 'filed' "
             "WHEN i % 10 = 7 THEN 'bureau_review' WHEN i % 10 = 8 THEN 'platform_review' "
             "ELSE 'sms_verification' END")
    pending = f"{f.spread('future', 'i')}"
    statements = [
        (f"WITH {f.series(subjects)} INSERT INTO subjects (id, certificate_number, name, nature, province, owner, "
         "serial, next_service, version, created_at) "
         f"SELECT {f.uid(1, 'i')}, 'CERT' || i, '某某科技有限公司' || i, 'enterprise', '330000', "
         "'owner-' || (i % 5000), NULL, 1, 1, :created FROM s"),
        (f"WITH {f.series(n)} INSERT INTO programs (id, subject_id, appid, name, type, listed, owner, created_at) "
         f"SELECT {f.uid(2, 'i')}, {f.uid(1, subject_of)}, {f.appid('i')}, '鲜果日记' || i, 'mini_program', "
         f"{'false' if f.postgres else '0'}, 'owner-' || ({subject_of} % 5000), :created FROM s"),
        (f"WITH {f.series(n)} INSERT INTO applications (id, kind, owner, subject_id, program_id, province, "
         "document, state, version, record_number, sms_attempt, sms_resends_left, gateway, gateway_reference, "
         "reasons, issued_number, created_at, updated_at, submitted_at, due_at) "
         f"SELECT {f.uid(3, 'i')}, 'new', 'owner-' || ({subject_of} % 5000), {f.uid(1, subject_of)}, "
         f"{f.uid(2, 'i')}, '330000', CASE WHEN {is_due} THEN {f.json('full_doc')} ELSE {f.json('small_doc')} END, "
         f"{state}, 1, '', CASE WHEN i % 10 = 8 AND NOT {is_due} THEN 0 ELSE 1 END, 1, 'simulator', '', "
         f"{f.json('empty_list')}, '', :created, :created, :created, "
         f"CASE WHEN {is_due} THEN :past WHEN i % 10 < 7 THEN NULL ELSE {pending} END FROM s"),
        # the platform-review alert: pending while in platform review, spent (fired) otherwise
        (f"WITH {f.series(n)} INSERT INTO timers (id, application_id, kind, due_at, payload, fired_at) "
         f"SELECT {f.uid(4, 'i')}, {f.uid(3, 'i')}, 'platform_review_due', "
         f"CASE WHEN i % 10 = 8 AND NOT {is_due} THEN {pending} ELSE :created END, {f.json('empty_map')}, "
         f"CASE WHEN i % 10 = 8 AND NOT {is_due} THEN NULL ELSE :created END FROM s"),
        # the stage's timer: due now for the due ones, pending for open stages, fired for filed ones
        (f"WITH {f.series(n)} INSERT INTO timers (id, application_id, kind, due_at, payload, fired_at) "
         f"SELECT {f.uid(5, 'i')}, {f.uid(3, 'i')}, "
         f"CASE WHEN {is_due} OR i % 10 = 9 THEN 'sms_expiry' ELSE 'bureau_review_due' END, "
         f"CASE WHEN {is_due} THEN :past WHEN i % 10 < 7 THEN :created ELSE {pending} END, "
         f"CASE WHEN {is_due} OR i % 10 = 9 THEN {f.json('attempt_1')} ELSE {f.json('empty_map')} END, "
         f"CASE WHEN i % 10 < 7 AND NOT {is_due} THEN :created ELSE NULL END FROM s WHERE i % 10 <> 8 OR {is_due}"),
    ]
    params = {"full_doc": json.dumps(make_filing("330000", submitted_on="2026-11-23"), ensure_ascii=False),
              "small_doc": json.dumps(SMALL_DOC, ensure_ascii=False), "empty_list": "[]", "empty_map": "{}",
              "attempt_1": json.dumps({"attempt": 1})}
    with engine.begin() as conn:
        for sql in statements:
            moments = {"created": CREATED, "past": PAST, "future": FUTURE}
            stmt = sa.text(sql).bindparams(*_times(**{k: v for k, v in moments.items() if f":{k}" in sql}))
            used = {k: v for k, v in params.items() if f":{k}" in sql}
            conn.execute(stmt, used)
    maintain(engine, analyze=True)


def maintain(engine: Engine, *, analyze: bool = False) -> None:
    """VACUUM (and ANALYZE) the tables the sweep touches, outside a transaction."""
    names = "subjects, programs, applications, timers, events, outbox" if analyze else \
        "applications, timers, events, outbox"
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql(f"VACUUM {'ANALYZE ' if analyze else ''}{names}")
        elif analyze:
            conn.exec_driver_sql("ANALYZE")


def due_application_ids(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        rows = conn.execute(sa.select(t.timers.c.application_id)
                            .where(t.timers.c.fired_at.is_(None), t.timers.c.due_at <= NOW)).scalars()
        return sorted(rows)


def reset(data: Dataset) -> None:
    """Put the due applications back as they were before the sweep, and drop what it wrote."""
    ids = data.due_ids
    with data.engine.begin() as conn:
        conn.execute(t.applications.update().where(t.applications.c.id.in_(ids))
                     .values(state="sms_verification", version=1, due_at=PAST, updated_at=CREATED))
        conn.execute(t.timers.update().where(t.timers.c.application_id.in_(ids), t.timers.c.kind == "sms_expiry")
                     .values(fired_at=None))
        conn.execute(t.events.delete())
        conn.execute(t.outbox.delete())
    maintain(data.engine)


def sweep(data: Dataset) -> float:
    start = time.perf_counter()
    handled = fire_due_timers(data.wf, limit=len(data.due_ids) * 10)
    elapsed = time.perf_counter() - start
    with data.engine.connect() as conn:
        expired = conn.execute(sa.select(sa.func.count()).select_from(t.applications)
                               .where(t.applications.c.id.in_(data.due_ids), t.applications.c.state == "sms_expired"))
        done = expired.scalar_one()
    if handled != len(data.due_ids) or done != len(data.due_ids):
        raise SystemExit(f"{data.label}: the sweep handled {handled} and expired {done} of {len(data.due_ids)}")
    return elapsed


def explain_claim(data: Dataset) -> str:
    """The claim query exactly as the store sends it, with EXPLAIN ANALYZE (rolled back)."""
    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if "FROM timers" in statement and not captured:
            captured.append((statement, parameters))

    sa.event.listen(data.engine, "before_cursor_execute", capture)
    try:
        with data.engine.connect() as conn:
            SqlStore(conn, fixed_cipher()).claim_due_timers(NOW, 1)
            conn.rollback()
    finally:
        sa.event.remove(data.engine, "before_cursor_execute", capture)
    statement, parameters = captured[0]
    postgres = data.engine.dialect.name == "postgresql"
    prefix = "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " if postgres else "EXPLAIN QUERY PLAN "
    with data.engine.connect() as conn:
        rows = conn.exec_driver_sql(prefix + statement, parameters).all()
        conn.rollback()
    plan = [str(row[0]) for row in rows] if postgres else [str(row[-1]) for row in rows]
    return "\n".join("    " + line for line in plan)


def counts(engine: Engine) -> str:
    with engine.connect() as conn:
        parts = []
        for table in (t.subjects, t.programs, t.applications, t.timers):
            parts.append(f"{table.name} {conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one():,}")
        pending = conn.execute(sa.select(sa.func.count()).select_from(t.timers)
                               .where(t.timers.c.fired_at.is_(None))).scalar_one()
    return ", ".join(parts) + f" ({pending:,} pending)"


# ----- databases per size ------------------------------------------------------------------------------

def workflow(engine: Engine, checker: Any, settings: Settings) -> Workflow:
    return Workflow(uow=SqlUnitOfWork(engine, fixed_cipher()), clock=FixedClock(), checker=checker,
                    calendar=load_calendar(settings), deadlines=DeadlinePolicy(),
                    policy=PlatformPolicy(face_task_required=False))


def postgres_dataset(url: str, size: int, due: int, checker: Any, settings: Settings) -> Dataset:
    schema = f"icpflow_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in url else "?"
    engine = create_engine(f"{url}{sep}options=-csearch_path%3D{schema}")

    def drop() -> None:
        engine.dispose()
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()

    return _fill(engine, size, due, checker, settings, f"postgresql {size:>9,}", drop)


def sqlite_dataset(folder: Path, size: int, due: int, checker: Any, settings: Settings) -> Dataset:
    path = folder / f"timers-{size}.db"
    engine = create_engine(f"sqlite+pysqlite:///{path}")

    def drop() -> None:
        engine.dispose()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    return _fill(engine, size, due, checker, settings, f"sqlite     {size:>9,}", drop)


def _fill(engine: Engine, size: int, due: int, checker: Any, settings: Settings, label: str,
          drop: Callable[[], None]) -> Dataset:
    data = Dataset(size, label, engine, workflow(engine, checker, settings), [], drop)
    try:
        upgrade(engine)
        start = time.perf_counter()
        load(engine, size, due)
        data.load_seconds = time.perf_counter() - start
        data.due_ids = due_application_ids(engine)
    except BaseException:
        drop()
        raise
    if len(data.due_ids) != due:
        drop()
        raise SystemExit(f"{label}: {len(data.due_ids)} timers due, expected {due}")
    return data


@contextlib.contextmanager
def datasets(make: Callable[[int], Dataset], sizes: tuple[int, int]) -> Iterator[list[Dataset]]:
    made: list[Dataset] = []
    try:
        for size in sizes:
            made.append(make(size))
            data = made[-1]
            print(f"  loaded {data.label}: {counts(data.engine)} in {data.load_seconds:.1f} s", flush=True)
        yield made
    finally:
        for data in made:
            data.drop()


def run(backend: str, make: Callable[[int], Dataset], sizes: tuple[int, int], rounds: int, due: int) -> bool:
    print(f"\n[{backend}] {due} timers due; sizes {sizes[0]:,} and {sizes[1]:,} stored filings", flush=True)
    with datasets(make, sizes) as (small, large):
        for data in (small, large):  # warm-up: caches, prepared plans, the first vacuum
            reset(data)
            sweep(data)
        times: dict[int, list[float]] = {small.size: [], large.size: []}
        for r in range(rounds):
            order = (small, large) if r % 2 == 0 else (large, small)
            for data in order:
                reset(data)
                times[data.size].append(sweep(data))
        for data in (small, large):
            rounds_ms = ", ".join(f"{s * 1000:.0f}" for s in times[data.size])
            median = statistics.median(times[data.size])
            print(f"  {data.label} filings: median sweep {median * 1000:8.1f} ms  "
                  f"({median / due * 1000:.2f} ms/timer; rounds: {rounds_ms})")
        ratio = statistics.median(times[large.size]) / statistics.median(times[small.size])
        verdict = "PASS" if ratio <= TARGET_RATIO else "FAIL"
        print(f"  ratio {large.size:,} / {small.size:,}: {ratio:.2f}x   target <= {TARGET_RATIO:.2f}x   {verdict}")
        for data in (small, large):
            reset(data)
            print(f"  claim query plan, {data.label} filings:")
            print(explain_claim(data))
    return ratio <= TARGET_RATIO


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=DEFAULT_URL, help="PostgreSQL URL (a schema is created and dropped)")
    parser.add_argument("--sqlite", action="store_true", help="also run on SQLite files in a temporary folder")
    parser.add_argument("--small", action="store_true", help="quick check: 1,000 vs 100,000 filings")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--due", type=int, default=200)
    args = parser.parse_args()
    sizes = (1_000, 100_000) if args.small else (10_000, 1_000_000)
    if not 1 <= args.due <= sizes[0] // 2:
        parser.error(f"--due must be between 1 and {sizes[0] // 2}")

    settings = Settings()
    checker = build_checker(settings)
    print(f"timer sweep: fire_due_timers through a Workflow; rounds: {args.rounds} (median), sizes interleaved; "
          f"Python {sys.version.split()[0]}, SQLAlchemy {sa.__version__}")
    ok = run("postgresql", lambda size: postgres_dataset(args.url, size, args.due, checker, settings),
             sizes, args.rounds, args.due)
    if args.sqlite:
        with tempfile.TemporaryDirectory(prefix="icpflow-bench-") as folder:
            ok = run("sqlite", lambda size: sqlite_dataset(Path(folder), size, args.due, checker, settings),
                     sizes, args.rounds, args.due) and ok
    print("\ncommand: " + " ".join([".venv/bin/python bench/timers.py", *sys.argv[1:]]))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
