"""Demo accounts and filings for `icpflow serve` on a fresh embedded database (idempotent)."""

from __future__ import annotations

from dataclasses import dataclass

from .domain.accounts import Role
from .services import filings
from .services.accounts import Accounts
from .services.filings import Workflow
from .testing import make_filing

DEMO_PASSWORD = "icpflow-demo-2026"
DEMO_ACCOUNTS: list[tuple[str, Role, str]] = [
    ("demo-filer", Role.FILER, "演示提交人"),
    ("demo-reviewer", Role.REVIEWER, "演示审核员"),
    ("demo-operator", Role.OPERATOR, "演示运营"),
    ("demo-auditor", Role.AUDITOR, "演示审计员"),
    ("demo-provider", Role.SERVICE_PROVIDER, "演示服务商"),
]


@dataclass(frozen=True, slots=True)
class DemoLogin:
    username: str
    role: Role
    label: str


def seed(wf: Workflow, accounts: Accounts) -> list[DemoLogin]:
    """Create the demo accounts and, for the demo filer, a few draft filings (once)."""
    created = False
    for username, role, label in DEMO_ACCOUNTS:
        if accounts.by_username(username) is None:
            accounts.create(username, role, password=DEMO_PASSWORD, display_name=label)
            created = True
    if created:
        filer = accounts.by_username("demo-filer")
        assert filer is not None
        for seq, province in ((101, "330000"), (102, "440000"), (103, "120000")):
            doc = make_filing(province, seq=seq)
            doc.pop("submitted_on")
            filings.create_application(wf, owner=filer.id, document=doc)
    return [DemoLogin(username, role, label) for username, role, label in DEMO_ACCOUNTS]
