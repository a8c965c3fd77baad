"""Accounts, roles and what each role may do (账号与权限).

Roles (PRODUCT.md "Who uses it"): the filer (提交人), the service provider (服务商, API keys scoped to the
mini-programs it was authorised for), the platform reviewer (平台初审), the operator (运营), and the
auditor (审计, read-only, reads the audit log). Tenancy: filers and service providers see only what they
own; staff see everything, personal information masked unless they ask to see it (and that is audited).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    FILER = "filer"
    SERVICE_PROVIDER = "service_provider"
    REVIEWER = "reviewer"
    OPERATOR = "operator"
    AUDITOR = "auditor"


ROLE_LABELS = {
    Role.FILER: "备案提交人",
    Role.SERVICE_PROVIDER: "服务商",
    Role.REVIEWER: "平台审核员",
    Role.OPERATOR: "平台运营",
    Role.AUDITOR: "审计员",
}

#: Roles that own filings (tenants); the others are platform staff.
TENANT_ROLES = frozenset({Role.FILER, Role.SERVICE_PROVIDER})
STAFF_ROLES = frozenset({Role.REVIEWER, Role.OPERATOR, Role.AUDITOR})
#: Staff who may read unmarked personal information (each read is audited).
MAY_REVEAL = frozenset({Role.REVIEWER, Role.OPERATOR})


@dataclass(slots=True)
class Account:
    id: str
    username: str
    display_name: str
    role: Role
    password_hash: str | None = None
    failed_logins: int = 0
    locked_until: dt.datetime | None = None
    created_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is asking: the account, and (for an API key) the appids the key may act for."""

    account: Account
    via: str  # "session" | "api_key"
    scopes: frozenset[str] = field(default_factory=frozenset)

    @property
    def role(self) -> Role:
        return self.account.role

    @property
    def is_staff(self) -> bool:
        return self.account.role in STAFF_ROLES

    def may_file_for(self, appid: str) -> bool:
        """An API key scoped to some appids may file only for those; sessions and unscoped keys for any."""
        return not self.scopes or appid in self.scopes


#: Login rate limiting: this many failures lock the username for LOCK_FOR.
MAX_FAILED_LOGINS = 5
LOCK_FOR = dt.timedelta(minutes=15)
SESSION_LIFETIME = dt.timedelta(hours=12)
