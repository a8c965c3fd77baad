"""What an evaluator sees of one filing (`Context`) and how evaluators are registered (`evaluator`).

An evaluator is a small function `(ctx, rule) -> None` that reads the document and reports through
`ctx.finding(...)`, `ctx.require(...)` and `ctx.suggest(...)`. It never raises on content: a bad value
is a finding. The rule's data (message, fix, params, scope) comes from the catalogue; the evaluator
holds only the logic.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..document import (
    Attachment,
    CancelProgramFiling,
    CancelSubjectFiling,
    FullFiling,
    Person,
    program_principal,
)
from ..enums import ORGANISATION_NATURES, AttachmentKind, Slot, SubjectNature, label
from ..policy import Policy
from ..report import Finding, PreApprovalHit, Report, Requirement, SuggestedRemark
from .catalogue import Rule

if TYPE_CHECKING:
    from ..preapproval import KeywordScanner
    from ..regions import RegionTable

AnyFiling = FullFiling | CancelSubjectFiling | CancelProgramFiling
Evaluator = Callable[["Context", Rule], None]

EVALUATORS: dict[str, Evaluator] = {}


def evaluator(name: str) -> Callable[[Evaluator], Evaluator]:
    """Register an evaluator under the name the catalogue's `check` field uses."""

    def register(fn: Evaluator) -> Evaluator:
        if name in EVALUATORS:
            raise RuntimeError(f"evaluator {name!r} registered twice")
        EVALUATORS[name] = fn
        return fn

    return register


@dataclass(frozen=True, slots=True)
class ImageFacts:
    """What reading an attachment's file told us; measured after EXIF rotation (by an adapter)."""

    format: str | None = None
    width: int | None = None
    height: int | None = None
    size_bytes: int | None = None
    problem: str | None = None


@dataclass(slots=True)
class Party:
    """A person in the filing and the JSON path where they are written."""

    path: str
    person: Person
    role: str  # Chinese role name for messages


class _FormatDict(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class Context:
    """One filing being checked. Derived facts are computed once here, not in every evaluator."""

    def __init__(
        self,
        doc: AnyFiling,
        *,
        judged_on: dt.date,
        province: str,
        policy: Policy,
        regions: RegionTable,
        scanner: KeywordScanner,
        report: Report,
        image_facts: dict[str, ImageFacts] | None = None,
    ) -> None:
        self.doc = doc
        self.judged_on = judged_on
        self.province = province
        self.policy = policy
        self.regions = regions
        self.scanner = scanner
        self.report = report
        self.image_facts = image_facts or {}
        #: the rules in force for this filing, by id: evaluators may consult each other's params
        self.rules: dict[str, Rule] = {}
        self.full: FullFiling | None = doc if isinstance(doc, FullFiling) else None
        self.nature = doc.subject.nature
        self.is_individual = self.nature is SubjectNature.INDIVIDUAL
        self.is_organisation = self.nature in ORGANISATION_NATURES
        self._hits: list[PreApprovalHit] | None = None
        self._parties: tuple[Party, ...] | None = None
        self._by_kind: dict[AttachmentKind, list[Attachment]] | None = None
        self._fmt_base: dict[str, Any] | None = None

    # ----- derived facts -------------------------------------------------------------------------
    def parties(self) -> tuple[Party, ...]:
        """Every principal written in the document, the program principal only when written out."""
        if self._parties is None:
            found: list[Party] = []
            if self.full is not None:
                found.append(Party("subject.principal", self.full.subject.principal, "主办单位负责人"))
                if isinstance(self.full.program.principal, Person):
                    found.append(Party("program.principal", self.full.program.principal, "小程序负责人"))
            elif self.doc.subject.principal is not None:
                found.append(Party("subject.principal", self.doc.subject.principal, "主办单位负责人"))
            self._parties = tuple(found)
        return self._parties

    def program_principal(self) -> tuple[str, Person] | None:
        if self.full is None:
            return None
        p = self.full.program
        path = "program.principal" if isinstance(p.principal, Person) else "subject.principal"
        return path, program_principal(p, self.full.subject)

    def attachments_of(self, kind: AttachmentKind) -> list[Attachment]:
        """The attachments of one kind, from an index built on first use."""
        if self._by_kind is None:
            index: dict[AttachmentKind, list[Attachment]] = {}
            for att in self.doc.attachments:
                index.setdefault(att.kind, []).append(att)
            self._by_kind = index
        return self._by_kind.get(kind, [])

    def pre_approval_hits(self) -> list[PreApprovalHit]:
        """Keyword hits over subject name, business scope, program name and description (cached)."""
        if self._hits is None:
            hits: list[PreApprovalHit] = []
            scan = self.scanner.scan
            doc = self.doc
            hits += scan("subject.name", doc.subject.name)
            hits += scan("subject.certificate.business_scope", doc.subject.certificate.business_scope)
            if self.full is not None:
                hits += scan("program.name", self.full.program.name)
                hits += scan("program.description", self.full.program.description)
            self._hits = hits
        return self._hits

    # ----- reporting -----------------------------------------------------------------------------
    def _fmt(self, text: str, values: dict[str, Any]) -> str:
        if "{" not in text:
            return text
        if self._fmt_base is None:  # most filings need no formatting at all: build on first use
            self._fmt_base = {
                "province_name": self.regions.province_name(self.province) if self.province else "",
                "bureau": self.report.bureau,
                "judged_on": self.judged_on.isoformat(),
                "nature": label(self.nature),
            }
        merged = _FormatDict(self._fmt_base)
        merged.update(values)
        return text.format_map(merged)

    def finding(self, rule: Rule, field: str, **values: Any) -> None:
        self.report.findings.append(
            Finding(
                rule=rule.id,
                severity=rule.severity,
                field=field,
                message=self._fmt(rule.message, values),
                fix=self._fmt(rule.fix, values),
                source=rule.source,
            )
        )

    def require(
        self,
        rule: Rule,
        kind: AttachmentKind,
        slot: str,
        *,
        template: str | None = None,
        alternative_field: str | None = None,
        alternative_met: bool = False,
        **values: Any,
    ) -> bool:
        """Record that `kind` must be uploaded to `slot`; met when it is there (or the alternative is)."""
        slot_code = slot if type(slot) is str else Slot(slot)._value_  # `.value` is a slow property in 3.11
        met = alternative_met
        misplaced: Attachment | None = None
        for att in self.attachments_of(kind):
            if att.slot == slot_code:
                met = True
                break
            misplaced = att
        reason = self._fmt(rule.message, values)
        if not met and misplaced is not None:
            wrong = label(misplaced.slot)
            reason += f"（已上传的“{label(kind)}”位置不对：应上传至【{label(slot_code, Slot)}】，而不是【{wrong}】）"
        self.report.requirements.append(
            Requirement(kind._value_, slot_code, met, rule.id, reason, template, alternative_field, rule.source)
        )
        return met

    def suggest(self, rule: Rule, field: str, text: str) -> None:
        self.report.suggested_remarks.append(SuggestedRemark(field=field, text=text, rule=rule.id))
