"""Several `icpflow worker` processes on one PostgreSQL database, one killed mid-run: no lost or doubled
effect (issue #3, acceptance test).

Forty filings, half of them by a service provider with a webhook subscription, are created, submitted
and platform-approved in this process; that leaves 320 outbox rows (in-site messages, e-mails, SMS,
signed webhooks to a receiver on loopback, the MIIT SMS requests). Three real worker processes share
the work. The first is SIGKILLed while it is inside an item's transaction (seen in `pg_stat_activity`
through its `application_name`) and the two others take over; the filer verifies every SMS code; the
simulated bureau decides within a second; a second worker is killed inside an item in the middle of
that and a replacement started.
When every filing is filed the workers are stopped with SIGTERM and the database is audited: every
effect happened, and exactly once (webhooks, which leave the machine, at least once under one key)."""

from __future__ import annotations

import collections
import contextlib
import http.server
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from icpflow.adapters.db import tables as t
from icpflow.adapters.notify.sms import read_simulated_sms
from icpflow.adapters.notify.webhook import DELIVERY_HEADER, SIGNATURE_HEADER, verify_signature
from icpflow.bootstrap import build_runtime
from icpflow.config import Settings
from icpflow.domain.workflow import State
from icpflow.services import filings
from icpflow.services.filings import Workflow
from icpflow.testing import TEST_ENCRYPTION_KEYS, fixed_cipher

from .conftest import FILER, PG_URL, REVIEWER, filing

pytestmark = pytest.mark.slow

APPLICATIONS = 40
TIME_LIMIT = 60.0  # seconds for the whole run (it normally takes a small fraction of it)
POLL = 0.02  # between checks of the database while waiting
CATCH_POLL = 0.001  # between looks at a worker that is to be killed inside an item
SECRET = "worker-processes-webhook-secret"
PROVIDER = "provider-1"  # a service provider (服务商) with a webhook subscription; FILER has none
EXPECTED_HISTORY = [
    ("create", "", "draft"),
    ("submit", "draft", "platform_review"),
    ("platform_approve", "platform_review", "sms_verification"),
    ("sms_verified", "sms_verification", "bureau_review"),
    ("bureau_approve", "bureau_review", "filed"),
]
#: a worker is inside an item when its open transaction has gone past the claim (`… SKIP LOCKED`)
IN_AN_ITEM = sa.text("""
    SELECT count(*) FROM pg_stat_activity
    WHERE application_name = :name AND xact_start IS NOT NULL AND state <> 'idle'
      AND (query ILIKE 'INSERT%' OR query ILIKE 'UPDATE%'
           OR (query ILIKE 'SELECT%FOR UPDATE%' AND query NOT ILIKE '%SKIP LOCKED%'))
""")


@pytest.fixture
def database_url(postgres_url: str) -> Iterator[str]:
    """A schema of its own (the session's schema is truncated by other tests): created, dropped after.
    Depends on `postgres_url`, so an unreachable PostgreSQL skips, or fails under CI=true."""
    schema = f"icpflow_workers_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_URL)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


class Workers:
    """`icpflow worker` processes on one database; each logs to a file that failure messages quote."""

    def __init__(self, database_url: str, data_dir: Path, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.tag = uuid.uuid4().hex[:8]
        self.env = {key: value for key, value in os.environ.items() if not key.startswith("ICPFLOW_")}
        self.env.update({
            "ICPFLOW_DATABASE_URL": database_url,
            "ICPFLOW_DATA_DIR": str(data_dir),
            "ICPFLOW_SIMULATOR_MIN_DELAY_SECONDS": "0",
            "ICPFLOW_SIMULATOR_MAX_DELAY_SECONDS": "1",
            "ICPFLOW_SIMULATOR_APPROVE_RATIO": "1.0",
            "ICPFLOW_WEBHOOK_SECRET": SECRET,
            "ICPFLOW_ENCRYPTION_KEYS": TEST_ENCRYPTION_KEYS,
            # a few items per transaction (not 50): the 320 items take some 80 transactions, so a worker can
            # be caught, and killed, inside one that holds several items, all of which must come back
            "ICPFLOW_WORKER_BATCH": "4",
            "PYTHONUNBUFFERED": "1",
        })
        for variable in ("NO_PROXY", "no_proxy"):  # the webhook receiver is on loopback, never behind a proxy
            self.env[variable] = ",".join(filter(None, [self.env.get(variable), "127.0.0.1", "localhost"]))
        executable = Path(sys.executable).with_name("icpflow")
        assert executable.exists(), f"{executable} is missing: install the package into the virtualenv"
        self.command = [str(executable), "worker", "--interval", "0.05"]

    def app_name(self, name: str) -> str:
        return f"icpflow-{self.tag}-{name}"

    def start(self, name: str) -> None:
        with (self.log_dir / f"{name}.log").open("wb") as log:
            self.procs[name] = subprocess.Popen(
                self.command, env={**self.env, "PGAPPNAME": self.app_name(name)}, cwd=self.log_dir,
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)

    def kill(self, name: str) -> None:
        proc = self.procs[name]
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)

    def alive(self) -> list[str]:
        return [name for name, proc in self.procs.items() if proc.poll() is None]

    def stop(self) -> dict[str, int]:
        """SIGTERM to every live worker; the ones that do not stop within 10 s are killed."""
        stopping = self.alive()
        for name in stopping:
            self.procs[name].send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        codes: dict[str, int] = {}
        for name in stopping:
            proc = self.procs[name]
            try:
                codes[name] = proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
                codes[name] = -999
        return codes

    def logs(self) -> str:
        parts = []
        for name in self.procs:
            text = (self.log_dir / f"{name}.log").read_text(encoding="utf-8", errors="replace")
            parts.append(f"--- {name} (exit {self.procs[name].poll()}) ---\n{text[-3000:]}")
        return "\n".join(parts)


@dataclass
class Deliveries:
    """What the webhook receiver got: the bodies per delivery key, and the keys of unsigned requests."""

    bodies: dict[str, list[bytes]] = field(default_factory=lambda: collections.defaultdict(list))
    unsigned: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@contextlib.contextmanager
def webhook_receiver() -> Iterator[tuple[str, Deliveries]]:
    deliveries = Deliveries()

    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # the standard library's hook name
            body = self.rfile.read(int(self.headers["Content-Length"]))
            key = self.headers.get(DELIVERY_HEADER, "")
            signed = verify_signature(SECRET.encode(), self.headers.get(SIGNATURE_HEADER, ""), body, time.time())
            with deliveries.lock:
                deliveries.bodies[key].append(body)
                if not signed:
                    deliveries.unsigned.append(key)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return None

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/icp-events", deliveries
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def _count(conn: Connection, table: sa.Table, *where: Any) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(table).where(*where)).scalar_one())


def _wait(what: str, condition: Callable[[], bool], deadline: float, workers: Workers) -> None:
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}\n{workers.logs()}")
        time.sleep(POLL)


def _kill_in_an_item(engine: Engine, workers: Workers, name: str, deadline: float) -> bool:
    """SIGKILL `name` as soon as it is seen inside an item's transaction (or at `deadline`). True when it
    was caught inside one."""
    caught = False
    with engine.connect() as conn:
        while time.monotonic() < deadline:
            if conn.execute(IN_AN_ITEM, {"name": workers.app_name(name)}).scalar_one():
                caught = True
                break
            conn.rollback()
            time.sleep(CATCH_POLL)
    workers.kill(name)
    return caught


def _pending(conn: Connection) -> int:
    return _count(conn, t.outbox, t.outbox.c.done_at.is_(None), t.outbox.c.failed_at.is_(None))


def _file_and_approve(wf: Workflow) -> list[str]:
    ids = []
    for seq in range(1, APPLICATIONS + 1):
        owner = PROVIDER if seq % 2 else FILER
        app = filings.create_application(wf, owner=owner, document=filing(seq=seq))
        app = filings.submit(wf, app.id, actor=owner, expected_version=app.version)
        app = filings.platform_approve(wf, app.id, reviewer=REVIEWER, expected_version=app.version)
        ids.append(app.id)
    return ids


def _verify_all(wf: Workflow, ids: list[str]) -> None:
    for app_id in ids:
        with wf.uow() as store:
            app = store.get_application(app_id)
            codes = [e.code for e in store.sms_of(app_id) if e.attempt == app.sms_attempt]
        assert len(codes) == 1, f"{app_id}: {codes}"
        filings.verify_sms(wf, app_id, codes[0], actor=app.owner, expected_version=app.version)


@dataclass
class Run:
    ids: list[str]
    first_kill_caught: bool = False
    pending_after_first_kill: int = 0
    second_kill_caught: bool = False
    survivors: list[str] = field(default_factory=list)
    exit_codes: dict[str, int] = field(default_factory=dict)


def _run(engine: Engine, wf: Workflow, workers: Workers, webhook_url: str, deadline: float) -> Run:
    assert filings.subscribe_webhook(wf, owner=PROVIDER, url=webhook_url)
    run = Run(_file_and_approve(wf))

    def counts() -> tuple[int, int]:
        with engine.connect() as conn:
            return _count(conn, t.sms_inbox), _pending(conn)

    # Phase 1: the SMS requests and notifications. w0 starts first, alone, so it is certain to hold work
    # when it dies in the middle of an item (started together, the two others could finish all 320 items
    # while w0 is still importing, and it was then never seen in one); w1 and w2 take over what it held.
    workers.start("w0")
    run.first_kill_caught = _kill_in_an_item(engine, workers, "w0", min(deadline, time.monotonic() + 10))
    run.pending_after_first_kill = counts()[1]
    for name in ("w1", "w2"):
        workers.start(name)
    _wait("every SMS and notification of phase 1", lambda: counts() == (APPLICATIONS, 0), deadline, workers)

    # Phase 2: the filer verifies; the workers submit to the bureau and apply its decisions, and one of
    # them dies in the middle of an item; a replacement joins. The watch for w1 runs while the filer is
    # still verifying, so there is work in flight to catch it in however fast the two workers are.
    second_kill: list[bool] = []
    watcher = threading.Thread(target=lambda: second_kill.append(
        _kill_in_an_item(engine, workers, "w1", min(deadline, time.monotonic() + 10))))
    watcher.start()
    try:
        _verify_all(wf, run.ids)
    finally:
        watcher.join()
    run.second_kill_caught = second_kill == [True]
    workers.start("w3")
    # A worker stopped while Python is still importing it dies of SIGTERM's default action (exit -15) before
    # its handler exists; the replacement must be up before the others can finish the work without it.
    _wait("the replacement to start", lambda: "已启动" in (workers.log_dir / "w3.log").read_text(
        encoding="utf-8", errors="replace"), deadline, workers)

    def settled() -> bool:
        with engine.connect() as conn:
            if _count(conn, t.outbox, t.outbox.c.failed_at.is_not(None)) \
                    or _count(conn, t.events, t.events.c.event == "timer_failed"):
                return True  # the audit says what went wrong
            return (_count(conn, t.applications, t.applications.c.state != State.FILED.value) == 0
                    and _pending(conn) == 0 and _count(conn, t.timers, t.timers.c.fired_at.is_(None)) == 0)

    while not settled() and time.monotonic() < deadline:
        time.sleep(POLL)
    run.survivors = workers.alive()
    run.exit_codes = workers.stop()
    return run


def test_workers_killed_mid_run_lose_and_double_nothing(database_url: str, tmp_path: Path) -> None:
    started = time.monotonic()
    runtime = build_runtime(Settings(database_url=database_url, data_dir=tmp_path / "desk",
                                     encryption_keys=TEST_ENCRYPTION_KEYS,
                                     simulator_min_delay_seconds=0, simulator_max_delay_seconds=1,
                                     face_task_required=False))  # face tasks: test_face.py
    workers = Workers(database_url, tmp_path / "data", tmp_path)
    with contextlib.ExitStack() as cleanup:
        webhook_url, deliveries = cleanup.enter_context(webhook_receiver())
        cleanup.callback(runtime.engine.dispose)
        cleanup.callback(workers.stop)  # runs first: no worker outlives the test
        run = _run(runtime.engine, runtime.workflow, workers, webhook_url, started + TIME_LIMIT)
        logs = workers.logs()
        assert run.survivors == ["w2", "w3"], logs
        assert run.exit_codes == {"w2": 0, "w3": 0}, f"workers did not stop on SIGTERM: {run.exit_codes}\n{logs}"
        assert run.first_kill_caught and run.second_kill_caught, "a worker was not caught inside an item"
        assert run.pending_after_first_kill > 0, "the first worker was killed after phase 1's work was done"
        _audit(runtime.engine, run.ids, tmp_path / "data" / "sms.jsonl", deliveries, logs)
    assert time.monotonic() - started < TIME_LIMIT


def _audit(engine: Engine, ids: list[str], sms_log: Path, deliveries: Deliveries, logs: str) -> None:
    with engine.connect() as conn:
        apps = {r.id: r for r in conn.execute(sa.select(t.applications)).all()}
        outbox = conn.execute(sa.select(t.outbox)).all()
        events = conn.execute(sa.select(t.events).order_by(t.events.c.id)).all()
        timers = conn.execute(sa.select(t.timers)).all()
        sms = conn.execute(sa.select(t.sms_inbox)).all()
        inbox = conn.execute(sa.select(t.inbox_messages)).all()
        subjects = conn.execute(sa.select(t.subjects)).all()
        records = conn.execute(sa.select(t.filing_records)).all()
    assert sorted(apps) == sorted(ids)

    # ----- nothing lost ---------------------------------------------------------------------------
    states = collections.Counter(r.state for r in apps.values())
    failed = [(r.key, r.last_error) for r in outbox if r.failed_at is not None]
    pending = [(r.key, r.attempts, r.last_error) for r in outbox if r.done_at is None and r.failed_at is None]
    assert states == {State.FILED.value: APPLICATIONS}, f"{states}; failed {failed[:5]}; pending {pending[:5]}\n{logs}"
    assert all(r.issued_number and r.gateway_reference.startswith("SIM-") for r in apps.values())
    assert failed == [] and pending == [], f"failed {failed[:5]}; pending {pending[:5]}\n{logs}"
    by_app: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    notified: dict[str, set[int]] = collections.defaultdict(set)
    for row in outbox:
        kind, app_id, rest = row.key.split(":", 2)
        by_app[app_id][kind if kind != "notify" else f"notify:{rest.split(':')[1]}"] += 1
        if kind == "notify":
            notified[app_id].add(int(rest.split(":")[0]))
    for app_id in ids:
        # four changes of state notified on three or four channels each, one SMS request, one submission
        hooks = 4 if apps[app_id].owner == PROVIDER else 0
        assert +by_app[app_id] == +collections.Counter({
            "notify:inbox": 4, "notify:email": 4, "notify:sms": 4, "notify:webhook": hooks, "regulator_sms": 1,
            "regulator_submit": 1}), by_app[app_id]
        assert len(notified[app_id]) == 4
    assert len(outbox) == 16 * APPLICATIONS
    cipher = fixed_cipher()  # the rows hold personal information encrypted
    sms_per_call = collections.Counter((r.application_id, r.attempt, cipher.decrypt(r.phone)) for r in sms)
    assert sorted(sms_per_call) == sorted(
        (i, 1, cipher.decrypt(apps[i].document["subject"]["principal"]["mobile"])) for i in ids)
    inbox_keys = {r.key for r in inbox}
    wanted = {r.key for r in outbox if r.key.endswith(":inbox")} | {f"sms-sent:{i}:1" for i in ids}
    assert wanted - inbox_keys == set(), sorted(wanted - inbox_keys)[:5]
    logged = {record.key for record in read_simulated_sms(sms_log)}
    sms_notifications = {r.key for r in outbox if r.key.endswith(":sms")}
    assert sms_notifications - logged == set(), sorted(sms_notifications - logged)[:5]
    # Webhooks leave the machine: a worker killed after the POST and before its commit sends it again, with
    # the same delivery key and the same event, which the receiver recognises (at least once, idempotent).
    webhooks = {r.key for r in outbox if ":webhook:" in r.key}
    assert set(deliveries.bodies) == webhooks, sorted(webhooks ^ set(deliveries.bodies))[:5]
    assert deliveries.unsigned == []
    assert all(len(set(bodies)) == 1 for bodies in deliveries.bodies.values())
    reported = collections.defaultdict(list)
    for bodies in deliveries.bodies.values():
        event = json.loads(bodies[0])
        reported[event["application_id"]].append((event["version"], event["state"], event["number"]))
    for app_id in ids:
        assert [(s, n) for _, s, n in sorted(reported[app_id])] == ([
            ("platform_review", ""), ("sms_verification", ""), ("bureau_review", ""),
            ("filed", apps[app_id].issued_number)] if apps[app_id].owner == PROVIDER else []), reported[app_id]

    # ----- nothing doubled ------------------------------------------------------------------------
    assert set(sms_per_call.values()) == {1} and len(sms) == APPLICATIONS
    assert collections.Counter(r.key for r in inbox).most_common(1)[0][1] == 1
    assert inbox_keys == wanted, sorted(inbox_keys - wanted)[:5]
    histories: dict[str, list[tuple[str, str, str]]] = collections.defaultdict(list)
    for row in events:
        histories[row.application_id].append((row.event, row.from_state, row.to_state))
    for app_id in ids:
        assert histories[app_id] == EXPECTED_HISTORY, f"{app_id}: {histories[app_id]}"
    approvals = [r for r in events if r.event == "bureau_approve"]
    assert sorted(r.application_id for r in approvals) == sorted(ids)
    assert all(r.data["number"] == apps[r.application_id].issued_number for r in approvals)
    numbers = [r.issued_number for r in apps.values()]
    assert len(set(numbers)) == APPLICATIONS, collections.Counter(numbers).most_common(3)
    serials = [s.serial for s in subjects]
    assert len(subjects) == APPLICATIONS and None not in serials and len(set(serials)) == APPLICATIONS
    assert all(s.next_service == 2 for s in subjects)
    per_app = collections.Counter(r.application_id for r in records)
    assert set(per_app.values()) == {2} and len(per_app) == APPLICATIONS  # the subject's and the program's
    assert sorted(r.number for r in records if r.program_id is not None) == sorted(numbers)
    decisions = collections.Counter(r.application_id for r in timers if r.kind == "bureau_decision")
    assert decisions == dict.fromkeys(ids, 1), "a bureau submission was made twice"
    assert all(r.fired_at is not None for r in timers)
    assert len({r.gateway_reference for r in apps.values()}) == APPLICATIONS
