"""Request and response bodies of the REST API (the OpenAPI schema is generated from these)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..domain.accounts import Role


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoginIn(_In):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=200)


class AccountOut(BaseModel):
    id: str
    username: str
    display_name: str
    role: Role


class LoginOut(BaseModel):
    account: AccountOut
    csrf_token: str


class ApiKeyIn(_In):
    scopes: list[str] = Field(default_factory=list, max_length=1000,
                              description="允许操作的小程序 appid；空表示本账号的全部小程序")


class ApiKeyOut(BaseModel):
    key: str = Field(description="仅显示一次，请妥善保存")
    scopes: list[str]


class Version(_In):
    version: int = Field(ge=1, description="客户端看到的版本号（乐观并发控制）")


class DocumentIn(_In):
    document: dict[str, Any] = Field(description="备案文档（shared/spec/filing-document.md）")


class DocumentUpdateIn(DocumentIn):
    version: int = Field(ge=1)


class SmsCodeIn(Version):
    code: str = Field(min_length=4, max_length=12, pattern=r"^\d+$")


class RejectIn(Version):
    reasons: list[str] = Field(min_length=1, max_length=20, description="驳回原因编号（GET /review/reasons）")


class BureauDecisionIn(Version):
    approved: bool
    number: str | None = Field(default=None, max_length=40, description="管局下发的备案号（手动模式）")
    reasons: list[str] = Field(default_factory=list, max_length=20)


class WebhookIn(_In):
    url: str = Field(min_length=8, max_length=500)


class ReasonOut(BaseModel):
    code: str
    message: str
    field: str


class FilingOut(BaseModel):
    id: str
    kind: str
    state: str
    state_label: str
    version: int
    province: str
    appid: str
    program_name: str
    subject_name: str
    issued_number: str
    record_number: str
    due_at: dt.datetime | None
    remaining_working_days: int | None
    reasons: list[ReasonOut]
    allowed_events: list[str]
    regulator: str
    simulated: bool
    created_at: dt.datetime | None
    updated_at: dt.datetime | None
    submitted_at: dt.datetime | None
    masked: bool
    document: dict[str, Any] | None = None


class FilingPage(BaseModel):
    items: list[FilingOut]
    limit: int
    offset: int


class EventOut(BaseModel):
    event: str
    from_state: str
    to_state: str
    actor: str
    at: dt.datetime
    data: dict[str, Any]


class SmsOut(BaseModel):
    phone: str
    text: str
    attempt: int
    sent_at: dt.datetime
    simulated: bool


class MessageOut(BaseModel):
    subject: str
    body: str
    created_at: dt.datetime
    application_id: str


class PublishOut(BaseModel):
    appid: str
    allowed: bool
    reason: str
    number: str


class LookupOut(BaseModel):
    number: str
    status: str
    appid: str
    program_name: str
    subject_name: str
    province: str


class FaceOut(BaseModel):
    task_id: str
    verify_url: str
    status: str = Field(description="not_started | pending | passed | failed | expired")
    status_label: str
    created_at: dt.datetime | None
    expires_at: dt.datetime | None
    simulated: bool


class FaceResultIn(_In):
    passed: bool


class SectionIn(_In):
    content: Any = Field(description="该部分的新内容：subject / program 为对象，attachments 为数组")
    version: int = Field(ge=1)


class ProgramOut(BaseModel):
    id: str
    appid: str
    name: str
    type: str
    listed: bool
    number: str
    publishable: bool


class SubjectOut(BaseModel):
    id: str
    name: str
    nature: str
    province: str
    certificate_number: str = Field(description="脱敏")
    serial: str | None
    programs: list[ProgramOut]
