"""What an evaluator sees of one filing (`Context`) and how evaluators are registered (`evaluator`).

An evaluator is a small function `(ctx, rule) -> None` that reads the document and reports through
`ctx.finding(...)`, `ctx.require(...)` and `ctx.suggest(...)`. It never raises on content: a bad value
is a finding. The rule's data (message, fix, params, scope) comes from the catalogue; the evaluator
holds only the logic.
"""

from __future__ import annotations

import datetime as dt
import functools
import string
from collections.abc import Callable, Sequence
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
from ..enums import ORGANISATION_NATURES, AttachmentKind, FilingKind, ProgramType, Slot, SubjectNature, label
from ..policy import Policy
from ..report import Finding, PreApprovalHit, Report, Requirement, SuggestedRemark
from .catalogue import Rule

if TYPE_CHECKING:
    from ..preapproval import KeywordScanner
    from ..regions import RegionTable

AnyFiling = FullFiling | CancelSubjectFiling | CancelProgramFiling
Evaluator = Callable[["Context", Rule], None]


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What a filing's case says before its content is read: the key the catalogue's rules are chosen by."""

    province: str  # "" when it cannot be told
    nature: str
    program_type: str
    kind: str

    @property
    def full(self) -> bool:
        """A new or change filing (`FullFiling`): the only kinds with a program and its principal."""
        return self.kind in _FULL_KINDS

    @property
    def individual(self) -> bool:
        return self.nature == SubjectNature.INDIVIDUAL._value_


_FULL_KINDS = frozenset({FilingKind.NEW._value_, FilingKind.CHANGE._value_})

#: Whether an evaluator can report anything at all in a case; False only when it returns at once for
#: every filing of the case, so that the engine need not call it (see `evaluator`).
Applies = Callable[[CaseFacts], bool]

EVALUATORS: dict[str, Evaluator] = {}
APPLIES: dict[str, Applies] = {}


def evaluator(name: str, *, applies: Applies | None = None) -> Callable[[Evaluator], Evaluator]:
    """Register an evaluator under the name the catalogue's `check` field uses.

    `applies` states the evaluator's own first test where it depends on the case only (a full filing, an
    organisation, a mini-game): the engine leaves the evaluator out of the cases where it is False. The
    evaluator keeps the test, so it stays correct when called directly; tests/rules/test_reports_unchanged.py
    checks that an evaluator left out would have reported nothing.
    """

    def register(fn: Evaluator) -> Evaluator:
        if name in EVALUATORS:
            raise RuntimeError(f"evaluator {name!r} registered twice")
        EVALUATORS[name] = fn
        if applies is not None:
            APPLIES[name] = applies
        return fn

    return register


def full(case: CaseFacts) -> bool:
    return case.full


def full_organisation(case: CaseFacts) -> bool:
    return case.full and not case.individual


def full_individual(case: CaseFacts) -> bool:
    return case.full and case.individual


def full_mini_game(case: CaseFacts) -> bool:
    return case.full and case.program_type == ProgramType.MINI_GAME._value_


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


#: A message template split once into (literal text, field name or None) pairs.
_Template = tuple[tuple[str, str | None], ...]
_BASE_FIELDS = frozenset({"province_name", "bureau", "judged_on", "nature"})


@functools.lru_cache(maxsize=1024)
def _template(text: str) -> _Template | None:
    """`text` as (literal, field) pairs when every field is a plain name (`{role}`), else None: then
    `str.format_map` formats it (conversions, format specs, attributes, indexes, malformed braces), so the
    result is always exactly what `text.format_map(...)` gives."""
    try:
        parsed = list(_FORMATTER.parse(text))
    except ValueError:
        return None
    pieces: list[tuple[str, str | None]] = []
    for literal, name, spec, conversion in parsed:
        if name is not None and (spec or conversion or not name.isidentifier()):
            return None
        pieces.append((literal, name))
    return tuple(pieces)


_FORMATTER = string.Formatter()


class Context:
    """One filing being checked. Derived facts are computed once here, not in every evaluator."""

    __slots__ = (
        "_by_kind",
        "_fmt_base",
        "_hits",
        "_parties",
        "doc",
        "full",
        "image_facts",
        "is_individual",
        "is_organisation",
        "judged_on",
        "nature",
        "policy",
        "province",
        "regions",
        "report",
        "rules",
        "scanner",
    )

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
        nature = self.nature = doc.subject.nature
        self.is_individual = nature is SubjectNature.INDIVIDUAL
        self.is_organisation = nature in ORGANISATION_NATURES
        self._hits: list[PreApprovalHit] | None = None
        self._parties: tuple[Party, ...] | None = None
        self._by_kind: dict[AttachmentKind, list[Attachment]] | None = None
        self._fmt_base: dict[str, Any] | None = None

    # ----- derived facts -------------------------------------------------------------------------
    def parties(self) -> tuple[Party, ...]:
        """Every principal written in the document, the program principal only when written out."""
        parties = self._parties
        if parties is None:
            full = self.full
            if full is not None:
                principal = full.program.principal
                if isinstance(principal, Person):
                    parties = (Party("subject.principal", full.subject.principal, "主办单位负责人"),
                               Party("program.principal", principal, "小程序负责人"))
                else:
                    parties = (Party("subject.principal", full.subject.principal, "主办单位负责人"),)
            elif self.doc.subject.principal is not None:
                parties = (Party("subject.principal", self.doc.subject.principal, "主办单位负责人"),)
            else:
                parties = ()
            self._parties = parties
        return parties

    def program_principal(self) -> tuple[str, Person] | None:
        if self.full is None:
            return None
        p = self.full.program
        path = "program.principal" if isinstance(p.principal, Person) else "subject.principal"
        return path, program_principal(p, self.full.subject)

    def attachments_of(self, kind: AttachmentKind) -> Sequence[Attachment]:
        """The attachments of one kind, from an index built on first use."""
        index = self._by_kind
        if index is None:
            index = {}
            for att in self.doc.attachments:
                found = index.get(att.kind)
                if found is None:
                    index[att.kind] = [att]
                else:
                    found.append(att)
            self._by_kind = index
        return index.get(kind, ())

    def pre_approval_hits(self) -> list[PreApprovalHit]:
        """Keyword hits over subject name, business scope, program name and description (cached)."""
        if self._hits is None:
            doc = self.doc
            fields = [("subject.name", doc.subject.name),
                      ("subject.certificate.business_scope", doc.subject.certificate.business_scope)]
            if self.full is not None:
                fields.append(("program.name", self.full.program.name))
                fields.append(("program.description", self.full.program.description))
            self._hits = self.scanner.scan_fields(fields)
        return self._hits

    # ----- reporting -----------------------------------------------------------------------------
    def _base(self) -> dict[str, Any]:
        base = self._fmt_base
        if base is None:
            base = self._fmt_base = {
                "province_name": self.regions.province_name(self.province) if self.province else "",
                "bureau": self.report.bureau,
                "judged_on": self.judged_on.isoformat(),
                "nature": label(self.nature),
            }
        return base

    def _fmt(self, text: str, values: dict[str, Any]) -> str:
        if "{" not in text:
            return text
        pieces = _template(text)
        if pieces is None:
            merged = _FormatDict(self._base())
            merged.update(values)
            return text.format_map(merged)
        parts: list[str] = []
        for literal, name in pieces:
            parts.append(literal)
            if name is None:
                continue
            if name in values:
                value = values[name]
            elif name in _BASE_FIELDS:
                value = self._base()[name]
            else:
                parts.append("{" + name + "}")
                continue
            parts.append(value if type(value) is str else format(value, ""))
        return "".join(parts)

    def finding(self, rule: Rule, field: str, **values: Any) -> None:
        fmt = self._fmt
        self.report.findings.append(
            Finding(rule.id, rule.severity, field, fmt(rule.message, values), fmt(rule.fix, values), rule.source)
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
        # `.value` is a slow property in 3.11: `_value_` is the same string
        slot_code = slot if type(slot) is str else slot._value_ if type(slot) is Slot else Slot(slot)._value_
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
        self.report.suggested_remarks.append(SuggestedRemark(field, text, rule.id))
