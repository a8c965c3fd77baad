"""The filing document (备案申请文档), schema version 1: the public contract of
`shared/spec/filing-document.md`.

These models check *structure* only: types, enumerations, date forms, region-code form. Whether the
content would pass a reviewer (checksums, validity windows, province rules) is the rules engine's job,
which returns findings instead of raising. So a document with an invalid ID number parses; a document
whose `id_type` is not one of the seven personal IDs does not.

Unknown keys are refused (`extra="forbid"`): a misspelt `emergency_phone` must not vanish silently.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, Tag, TypeAdapter

from .enums import (
    AttachmentKind,
    OrgCertificateType,
    PersonIdType,
    PreApprovalCategory,
    ProgramType,
    Slot,
    SubjectNature,
)

SCHEMA_VERSION = 1
LONG_TERM = "long_term"
SAME_AS_SUBJECT_PRINCIPAL = "same_as_subject_principal"


def _iso_date(value: Any) -> dt.date:
    """Accept only `YYYY-MM-DD` strings (or date objects): a bare number is never a date here.

    Parsing here, not in pydantic, keeps one clear error per field instead of one per union member.
    """
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"日期“{value}”不存在") from None
    raise ValueError("应为 YYYY-MM-DD 格式的日期")


def _validity_end(value: Any) -> Any:
    """`long_term` (长期) or a date; the Chinese 长期 is accepted as the same thing."""
    if value in (LONG_TERM, "长期"):
        return LONG_TERM
    if isinstance(value, str) and not (len(value) == 10 and value[4] == "-"):
        raise ValueError("应为 YYYY-MM-DD 格式的日期，或长期有效时填写 \"long_term\"")
    return _iso_date(value)


def _certificate_type(value: Any) -> Any:
    """One clear error listing both organisation certificates and personal IDs, not one per member."""
    if isinstance(value, OrgCertificateType | PersonIdType):
        return value
    for enum in (OrgCertificateType, PersonIdType):
        try:
            return enum(value)
        except ValueError:
            continue
    allowed = ", ".join([*OrgCertificateType, *PersonIdType])
    raise ValueError(f"证件类型无效，应为以下之一：{allowed}")


def _principal_tag(value: Any) -> str:
    return "same" if isinstance(value, str) else "person"


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
ValidityEnd = Annotated[dt.date | Literal["long_term"], BeforeValidator(_validity_end)]
RegionCode = Annotated[str, Field(pattern=r"^\d{6}$")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class Person(_Model):
    """A principal (负责人): the subject principal (主办单位负责人) or the mini-program principal (小程序负责人)."""

    name: str
    id_type: PersonIdType
    id_number: str
    id_valid_from: IsoDate
    id_valid_to: ValidityEnd
    id_address: str = ""
    mobile: str
    emergency_phone: str
    email: str
    is_legal_representative: bool = False
    face_verified: bool = False
    #: who answers the emergency phone; Tianjin's remark names them (seed 004 §1.3 天津 备注). Added field.
    emergency_contact_name: str = ""


class LegalRepresentative(_Model):
    """The legal representative (法定代表人) printed on the organisation's certificate."""

    name: str
    id_type: PersonIdType = PersonIdType.RESIDENT_ID
    id_number: str = ""


class Certificate(_Model):
    """The subject's certificate (主办单位证件); for an individual, their personal ID."""

    type: Annotated[OrgCertificateType | PersonIdType, BeforeValidator(_certificate_type)]
    number: str
    address: str = ""
    valid_from: IsoDate | None = None
    valid_to: ValidityEnd | None = None
    business_scope: str = ""


class Address(_Model):
    """Communication address (通讯地址): GB/T 2260 codes plus the detail below the district."""

    province: RegionCode
    city: RegionCode
    district: RegionCode
    detail: str


class Subject(_Model):
    """Subject (主办单位): section 1 and, through `principal`, section 2."""

    nature: SubjectNature
    name: str
    certificate: Certificate
    address: Address
    remark: str = ""
    legal_representative: LegalRepresentative | None = None
    principal: Person


class PreApproval(_Model):
    """A declared pre-approval (前置审批) with its approval number and the attachment holding it."""

    category: PreApprovalCategory
    number: str = ""
    attachment: str | None = None


class Game(_Model):
    """Mini-game facts: the publication number (版号) and its authorisation chain."""

    publication_number: str | None = None
    authorization_level: int = Field(default=0, ge=0, le=9)
    mini_game_filing_approved: bool = False


class Program(_Model):
    """The mini-program or mini-game being filed (备案小程序信息, section 3) and its principal (section 4)."""

    type: ProgramType
    appid: str
    name: str
    languages: list[str] = Field(default_factory=lambda: ["zh-Hans"])
    service_content_types: list[str] = Field(default_factory=list)
    description: str = ""
    remark: str = ""
    pre_approvals: list[PreApproval] = Field(default_factory=list)
    game: Game | None = None
    principal: Annotated[
        Annotated[Person, Tag("person")] | Annotated[Literal["same_as_subject_principal"], Tag("same")],
        Discriminator(_principal_tag),
    ]
    listed: bool = False
    count_under_subject: int = Field(default=1, ge=1)


class Attachment(_Model):
    """An uploaded file (附件) and where it goes."""

    id: str
    slot: Slot
    kind: AttachmentKind
    file: str = ""
    signed_on: IsoDate | None = None
    width: int | None = Field(default=None, gt=0)
    height: int | None = Field(default=None, gt=0)


class _Base(_Model):
    schema_version: Literal[1]
    submitted_on: IsoDate | None = None


class FullFiling(_Base):
    """A new filing (新增备案) or a change filing (变更备案): all five sections."""

    kind: Literal["new", "change"]
    #: the filing number being changed (change filings); added field
    record_number: str = ""
    program: Program
    subject: Subject
    attachments: list[Attachment] = Field(default_factory=list)


class SubjectRef(_Model):
    """Enough of a subject to identify an existing filing record."""

    nature: SubjectNature
    name: str
    certificate: Certificate
    address: Address | None = None
    principal: Person | None = None


class ProgramRef(_Model):
    type: ProgramType = ProgramType.MINI_PROGRAM
    appid: str
    name: str
    record_number: str = ""


class CancelSubjectFiling(_Base):
    """Cancel the subject (注销主体): all of its services' records go with it."""

    kind: Literal["cancel_subject"]
    record_number: str
    reason: str = ""
    subject: SubjectRef
    attachments: list[Attachment] = Field(default_factory=list)


class CancelProgramFiling(_Base):
    """Cancel a mini-program's record (注销小程序) or its access (取消接入)."""

    kind: Literal["cancel_program", "cancel_access"]
    reason: str = ""
    program: ProgramRef
    subject: SubjectRef
    attachments: list[Attachment] = Field(default_factory=list)


FilingDocument = Annotated[
    FullFiling | CancelSubjectFiling | CancelProgramFiling, Field(discriminator="kind")
]

#: Built once: validating through one adapter is the parse-only floor the benchmark measures against.
DOCUMENT_ADAPTER: TypeAdapter[FullFiling | CancelSubjectFiling | CancelProgramFiling] = TypeAdapter(
    FilingDocument
)


def program_principal(program: Program, subject: Subject) -> Person:
    """The mini-program principal as a person, resolving `same_as_subject_principal`."""
    if isinstance(program.principal, Person):
        return program.principal
    return subject.principal
