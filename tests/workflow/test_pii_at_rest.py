"""Personal information at rest (issue #4): after a filing has gone from draft to number, with
notifications and failed deliveries on the way, nothing in the database — every table, every column,
and on SQLite the database file itself, on PostgreSQL a `pg_dump` — and nothing in the log lines holds
an ID number, a phone number or an e-mail address of the filing in plaintext; and everything reads back
as it was written. Then key rotation: encrypted under one key, rotated to another, the first dropped.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import io
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import structlog
from sqlalchemy.engine import Engine

from icpflow.adapters.crypto import FieldCipher
from icpflow.adapters.db import tables as t
from icpflow.adapters.db.engine import compact
from icpflow.adapters.db.rotation import SqlKeyRotationUnitOfWork
from icpflow.adapters.db.store import SqlUnitOfWork
from icpflow.domain.notifications import Channel, DeliveryFailed, Notification
from icpflow.domain.pii import mask_value, pii_paths
from icpflow.logging import configure_logging
from icpflow.services import filings
from icpflow.services.pii_admin import rotate_keys
from icpflow.testing import TEST_ENCRYPTION_KEYS, fixed_cipher

from .conftest import FILER, REVIEWER, Desk, RecordingNotifier, filing


class EchoingNotifier(RecordingNotifier):
    """A provider whose first answer for each message is a refusal quoting the recipient, as SMTP
    servers and SMS gateways do ("550 <li@example.com>: mailbox unavailable"): the worker stores and
    logs that error, so it must come out masked. The retry goes through."""

    def __init__(self, channel: Channel) -> None:
        super().__init__(channel)
        self.refused: set[str] = set()

    def deliver(self, notification: Notification) -> None:
        if notification.key not in self.refused:
            self.refused.add(notification.key)
            raise DeliveryFailed(f"451 <{notification.recipient}> temporarily refused, try later "
                                 f"(to={notification.recipient})")
        super().deliver(notification)


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    configure_logging("json", stream=stream)
    yield stream
    structlog.reset_defaults()


def _personal_values(doc: dict[str, Any]) -> set[str]:
    """Every ID number, phone number and e-mail address of a filing document."""
    values = set()
    for path, kind in pii_paths(doc):
        if kind == "text":
            continue
        node: Any = doc
        for key in path:
            node = node[key]
        values.add(node)
    return values


def _rows(engine: Engine) -> str:
    """Every row of every table, as text (repr and JSON, so JSON columns show their values)."""
    parts = []
    with engine.connect() as conn:
        for table in t.metadata.sorted_tables:
            parts += [repr(tuple(row)) for row in conn.execute(sa.select(table))]
            parts += [json.dumps(row._asdict(), default=str, ensure_ascii=False)
                      for row in conn.execute(sa.select(table))]
    return "\n".join(parts)


def _dump(engine: Engine) -> str:
    """The database as text: every row of every table; plus the SQLite file (and its WAL) byte for byte,
    or a data-only `pg_dump` of the test's schema."""
    parts = [_rows(engine)]
    if engine.dialect.name == "sqlite":
        database = Path(str(engine.url.database))
        for path in (database, database.with_name(database.name + "-wal")):
            if path.exists():
                parts.append(path.read_bytes().decode("latin-1"))
    elif shutil.which("pg_dump"):
        schema = str(engine.url.query["options"]).split("search_path=")[1]
        url = engine.url.set(drivername="postgresql", query={}).render_as_string(hide_password=False)
        dump = subprocess.run(["pg_dump", "--data-only", f"--schema={schema}", url], capture_output=True,
                              text=True, check=True)
        assert "COPY" in dump.stdout
        parts.append(dump.stdout)
    return "\n".join(parts)


def test_no_id_phone_or_email_of_a_filing_is_stored_or_logged_in_plaintext(
        desk: Desk, engine: Engine, log_lines: io.StringIO) -> None:
    desk.notifiers = {c: EchoingNotifier(c) for c in (Channel.EMAIL, Channel.SMS)}
    # Tianjin: a second person as the mini-program principal, and the emergency phones in the remark
    company = filing("120000", seq=1)
    person = filing("330000", nature="individual", seq=2)  # the certificate number is an ID number
    documents = {}
    for doc in (company, person):
        app = desk.let_bureau_decide(desk.to_bureau(desk.new(doc)))
        assert app.issued_number, app.state
        documents[app.id] = doc
    desk.clock.advance(hours=2)
    desk.sweep()  # the retries of the refused notifications

    secrets = set().union(*(_personal_values(doc) for doc in documents.values()))
    assert len(secrets) == 12  # Tianjin: two people with four values each; the individual: four
    assert company["program"]["principal"]["emergency_phone"] in company["program"]["remark"]  # type: ignore[index]
    dump, logs = _dump(engine), log_lines.getvalue()
    assert "enc:v1:test1:" in dump
    assert [s for s in sorted(secrets) if s in dump] == []
    assert [s for s in sorted(secrets) if s in logs] == []
    # the refusals were logged (and stored), with the recipient masked
    email = company["subject"]["principal"]["email"]  # type: ignore[index]
    assert mask_value("email", email) in logs
    assert all(json.loads(line)["event"] for line in logs.splitlines())

    # ... and everything reads back as it was written
    for app_id, doc in documents.items():
        assert filings.get_application(desk.wf, app_id, actor=FILER).document == doc
    principal = company["subject"]["principal"]  # type: ignore[index]
    sent = {(n.channel, n.recipient) for notifier in desk.notifiers.values()
            for n in notifier.delivered}  # type: ignore[attr-defined]
    assert {(Channel.EMAIL, principal["email"]), (Channel.SMS, principal["mobile"])} <= sent
    with desk.wf.uow() as store:
        number = person["subject"]["certificate"]["number"]  # type: ignore[index]
        found = store.find_subject(number)
        assert found is not None and found.certificate_number == number
        company_app = next(a for a, d in documents.items() if d is company)
        assert {e.phone for e in store.sms_of(company_app)} == {
            principal["mobile"], company["program"]["principal"]["mobile"]}  # type: ignore[index]


# ----- key rotation -----------------------------------------------------------------------------------------

def _new_key() -> str:
    return "k2:" + base64.b64encode(os.urandom(32)).decode()


def test_rotation_re_encrypts_everything_so_the_old_key_can_be_dropped(desk: Desk, engine: Engine) -> None:
    # encrypted under test1: an application waiting for its SMS code (subject, document, SMS inbox), and
    # one approved whose notifications and SMS request are still in the outbox
    first_doc, second_doc = filing(seq=11), filing(seq=12)
    first = desk.to_sms(desk.new(first_doc))
    second = desk.new(second_doc)
    second = filings.submit(desk.wf, second.id, actor=FILER, expected_version=second.version)
    second = filings.platform_approve(desk.wf, second.id, reviewer=REVIEWER, expected_version=second.version)

    new_key = _new_key()
    both = FieldCipher.from_setting(f"{new_key},{TEST_ENCRYPTION_KEYS}")  # k2 current, test1 still known
    assert rotate_keys(SqlKeyRotationUnitOfWork(engine, both), batch=2) >= 2 + 2 + 1 + 6  # subjects, apps, SMS, outbox
    assert rotate_keys(SqlKeyRotationUnitOfWork(engine, both)) == 0  # nothing left under the old key
    assert "enc:v1:test1:" not in _rows(engine)
    compact(engine)
    assert "enc:v1:test1:" not in _dump(engine)  # nor in the SQLite file's free pages or log

    later = Desk(dataclasses.replace(desk.wf, uow=SqlUnitOfWork(engine, FieldCipher.from_setting(new_key))),
                 desk.clock, desk.gateway, {c: RecordingNotifier(c) for c in (Channel.EMAIL, Channel.SMS)})
    assert later.get(first).document == first_doc and later.get(second).document == second_doc
    later.sweep()  # the outbox written under test1 is delivered under k2 alone
    delivered = {(n.channel, n.recipient) for notifier in later.notifiers.values()
                 for n in notifier.delivered}  # type: ignore[attr-defined]
    principal = second_doc["subject"]["principal"]  # type: ignore[index]
    assert {(Channel.EMAIL, principal["email"]), (Channel.SMS, principal["mobile"])} <= delivered
    for app in (first, second):
        app = filings.verify_sms(later.wf, app.id, later.sms_code(app), actor=FILER,
                                 expected_version=later.get(app).version)
        later.sweep()  # submits to the bureau
        assert later.let_bureau_decide(app).issued_number
    with later.wf.uow() as store:
        number = first_doc["subject"]["certificate"]["number"]  # type: ignore[index]
        assert store.find_subject(number) is not None


def test_during_a_rotation_lookups_find_rows_indexed_under_the_old_key(desk: Desk, engine: Engine) -> None:
    doc = filing(seq=21)
    desk.new(doc)
    both = FieldCipher.from_setting(f"{_new_key()},{TEST_ENCRYPTION_KEYS}")
    with SqlUnitOfWork(engine, both)() as store:
        subject = store.find_subject(doc["subject"]["certificate"]["number"])  # type: ignore[index]
    assert subject is not None and subject.owner == FILER


def test_rows_from_before_encryption_are_read_and_then_encrypted_by_a_rotation(engine: Engine) -> None:
    doc = filing(nature="individual", seq=31)
    number = doc["subject"]["certificate"]["number"]  # type: ignore[index]
    mobile = doc["subject"]["principal"]["mobile"]  # type: ignore[index]
    now = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    with engine.begin() as conn:  # what a database written before migration 0004 holds
        conn.execute(t.subjects.insert().values(id="s-old", certificate_number=number, name="王某某",
                                                nature="individual", province="330000", owner=FILER,
                                                next_service=1, version=1, created_at=now))
        conn.execute(t.applications.insert().values(
            id="a-old", kind="new", owner=FILER, subject_id="s-old", province="330000", document=doc,
            state="sms_verification", version=3, record_number="", sms_attempt=1, sms_resends_left=1,
            gateway="simulator", gateway_reference="", reasons=[], issued_number="", created_at=now,
            updated_at=now))
        conn.execute(t.sms_inbox.insert().values(application_id="a-old", phone=mobile, text="验证码123456",
                                                 code="123456", attempt=1, sent_at=now, simulated=True))
        conn.execute(t.outbox.insert().values(key="notify:a-old:3:sms", kind="notify", available_at=now,
                                              payload={"channel": "sms", "recipient": mobile, "subject": "s",
                                                       "body": "b", "application_id": "a-old"},
                                              attempts=0, last_error=""))
    uow = SqlUnitOfWork(engine, fixed_cipher())
    with uow() as store:
        assert store.find_subject(number) is not None
        assert store.get_application("a-old").document == doc
        assert [e.phone for e in store.sms_of("a-old")] == [mobile]
        # a second SMS to the same phone in the same attempt is still recognised as the same one
        assert not store.add_sms(store.sms_of("a-old")[0])

    assert rotate_keys(SqlKeyRotationUnitOfWork(engine, fixed_cipher())) == 4
    compact(engine)  # SQLite: the replaced plaintext leaves the file's free pages and log too
    assert [s for s in (number, mobile) if s in _dump(engine)] == []
    with uow() as store:
        assert store.find_subject(number) is not None
        assert store.get_application("a-old").document == doc
        assert store.get_application("a-old").version == 3  # rotation is not an edit
        assert [e.phone for e in store.sms_of("a-old")] == [mobile]
        assert [i.payload["recipient"] for i in store.claim_outbox(now, 10)] == [mobile]
