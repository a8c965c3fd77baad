"""Benchmark: what encrypting personal information at rest costs.

    .venv/bin/python bench/pii.py [--filings 30] [--rounds 3] [--postgres URL]

Micro: one value encrypted and decrypted (AES-256-GCM), one blind index, one filing document sealed and
opened (its personal values only), one log line masked. Macro: filings run from draft to number with the
simulator (create, submit, approve, SMS, verify, bureau decision, notifications), on the embedded SQLite
(and PostgreSQL when a URL is given), with the real cipher and with a pass-through one, alternately.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
import timeit
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from icpflow.adapters.crypto import FieldCipher
from icpflow.adapters.db.engine import create_engine, upgrade
from icpflow.adapters.db.store import SqlStore, SqlUnitOfWork
from icpflow.adapters.regulator.simulator import RegulatorSimulator
from icpflow.bootstrap import build_checker, load_calendar, load_rejections
from icpflow.config import Settings
from icpflow.domain.deadlines import DeadlinePolicy
from icpflow.domain.notifications import Channel, Notification
from icpflow.domain.pii import mask_text
from icpflow.services import filings, worker
from icpflow.services.filings import PlatformPolicy, Workflow
from icpflow.testing import TEST_ENCRYPTION_KEYS, SteppingClock, fixed_cipher, make_filing

START = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


class PassThrough(FieldCipher):
    """The baseline: the same store code, with no cryptography."""

    def encrypt(self, text: str) -> str:
        return text

    def decrypt(self, token: str) -> str:
        return token

    def reveal(self, value: str) -> str:
        return value

    def blind_index(self, text: str) -> str:
        return text

    def blind_indexes(self, text: str) -> list[str]:
        return [text]


class Counting(FieldCipher):
    """The real cipher, counting its calls: what a filing costs in cryptography, whatever the noise."""

    calls: dict[str, int]

    def encrypt(self, text: str) -> str:
        self.calls["encrypt"] = self.calls.get("encrypt", 0) + 1
        return super().encrypt(text)

    def decrypt(self, token: str) -> str:
        self.calls["decrypt"] = self.calls.get("decrypt", 0) + 1
        return super().decrypt(token)

    def _blind(self, key_id: str, text: str) -> str:
        self.calls["blind index"] = self.calls.get("blind index", 0) + 1
        return super()._blind(key_id, text)


def drain(wf: Workflow, gateway: RegulatorSimulator, notifiers: Any) -> None:
    while True:
        result = worker.sweep(wf, gateway, notifiers)
        if not (result.timers or result.outbox or result.failures):
            return


class Sink:
    def deliver(self, notification: Notification) -> None:
        return None


def per_call(fn: Callable[[], Any], number: int) -> float:
    """Microseconds per call, best of 5."""
    return min(timeit.repeat(fn, number=number, repeat=5)) / number * 1e6


def micro() -> None:
    cipher = fixed_cipher()
    token = cipher.encrypt("33010619900307123X")
    doc = make_filing("120000")  # two people, remarks with phones: the most personal values
    sealed = SqlStore.__new__(SqlStore)
    sealed.cipher = cipher
    closed = sealed._seal_document(doc)
    line = ("发件箱投递失败 key=notify:3114d7c9-cc9a-4f5f-8b93-53af8da5397f:2:email attempts=1 "
            "error='451 <user4@example.com> temporarily refused' retry_at=2026-11-23T11:00:32+08:00")
    print("micro (µs per call, best of 5)")
    print(f"  encrypt one ID number         {per_call(lambda: cipher.encrypt('33010619900307123X'), 20000):7.1f}")
    print(f"  decrypt one ID number         {per_call(lambda: cipher.decrypt(token), 20000):7.1f}")
    print(f"  blind index                   {per_call(lambda: cipher.blind_index('33010619900307123X'), 20000):7.1f}")
    print(f"  seal a document (10 values)   {per_call(lambda: sealed._seal_document(doc), 2000):7.1f}")
    print(f"  open a document               {per_call(lambda: sealed._open_document(closed), 2000):7.1f}")
    print(f"  mask a 150-character log line {per_call(lambda: mask_text(line), 20000):7.1f}")


def run_filings(url: str, cipher: FieldCipher, count: int) -> float:
    """Seconds per filing from draft to number on a fresh database at `url`."""
    engine = create_engine(url)
    upgrade(engine)
    settings = Settings()
    clock = SteppingClock(START)
    gateway = RegulatorSimulator(load_rejections(), seed=7, approve_ratio=1.0,
                                 bureau_delay=(dt.timedelta(minutes=5), dt.timedelta(minutes=30)))
    wf = Workflow(uow=SqlUnitOfWork(engine, cipher), clock=clock, checker=build_checker(settings),
                  calendar=load_calendar(settings), deadlines=DeadlinePolicy(),
                  policy=PlatformPolicy(face_task_required=False), gateway_name=gateway.name)
    notifiers: Any = {Channel.EMAIL: Sink(), Channel.SMS: Sink()}
    docs = [make_filing("120000", seq=i) for i in range(1, count + 1)]
    for doc in docs:
        doc.pop("submitted_on")
    started = time.perf_counter()
    apps = []
    for doc in docs:
        app = filings.create_application(wf, owner="filer", document=doc)
        app = filings.submit(wf, app.id, actor="filer", expected_version=app.version)
        apps.append(filings.platform_approve(wf, app.id, reviewer="r", expected_version=app.version))
    drain(wf, gateway, notifiers)
    for app in apps:
        with wf.uow() as store:
            current = store.get_application(app.id)
            code = next(e.code for e in store.sms_of(app.id) if e.attempt == current.sms_attempt)
        filings.verify_sms(wf, app.id, code, actor="filer", expected_version=current.version)
    drain(wf, gateway, notifiers)
    clock.advance(hours=1)
    drain(wf, gateway, notifiers)
    elapsed = time.perf_counter() - started
    with engine.connect() as conn:
        filed = conn.execute(sa.text("SELECT count(*) FROM applications WHERE state = 'filed'")).scalar_one()
    engine.dispose()
    if filed != count:
        raise SystemExit(f"only {filed} of {count} filings were filed")
    return elapsed / count


def macro(name: str, make_url: Callable[[], str], count: int, rounds: int) -> None:
    timings: dict[str, list[float]] = {"pass-through": [], "AES-GCM": []}
    for _ in range(rounds):
        for label, cipher in (("pass-through", PassThrough({"p": bytes(32)}, "p")), ("AES-GCM", fixed_cipher())):
            timings[label].append(run_filings(make_url(), cipher, count))
    counting = Counting.from_setting(TEST_ENCRYPTION_KEYS)
    counting.calls = {}
    run_filings(make_url(), counting, count)
    print(f"{name}: cipher calls per filing: " + ", ".join(f"{k} {v / count:.0f}" for k, v in counting.calls.items()))
    base, real = (statistics.median(timings[k]) * 1000 for k in ("pass-through", "AES-GCM"))
    print(f"{name}: draft to number, ms per filing (median of {rounds} runs of {count})")
    print(f"  pass-through {base:7.1f}   AES-GCM {real:7.1f}   overhead {real - base:+.1f} ms ({real / base - 1:+.1%})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--filings", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres", help="e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    micro()
    with tempfile.TemporaryDirectory() as tmp:
        macro("SQLite", lambda: f"sqlite+pysqlite:///{Path(tmp) / uuid.uuid4().hex}.db", args.filings, args.rounds)
    if args.postgres:
        admin = sa.create_engine(args.postgres)
        schemas: list[str] = []

        def fresh_schema() -> str:
            schema = f"icpflow_bench_{uuid.uuid4().hex[:10]}"
            with admin.begin() as conn:
                conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
            schemas.append(schema)
            sep = "&" if "?" in args.postgres else "?"
            return f"{args.postgres}{sep}options=-csearch_path%3D{schema}"

        try:
            macro("PostgreSQL", fresh_schema, args.filings, args.rounds)
        finally:
            with admin.begin() as conn:
                for schema in schemas:
                    conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
            admin.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
