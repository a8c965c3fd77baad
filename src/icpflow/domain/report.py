"""The pre-check report (预检报告): the second public contract of `shared/spec/filing-document.md`.

Plain slotted dataclasses, treated as values (not frozen: a frozen dataclass costs ~1.5 us more to build,
and the engine builds dozens per filing). A report is serialised once,
by `Report.to_dict()`, into exactly the JSON shape of the spec (fields may be added, never renamed).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .enums import Severity, Verdict

REPORT_SCHEMA_VERSION = 1


@dataclass(slots=True)
class Finding:
    """One thing a reviewer or bureau would object to (审核意见), tied to a field of the document."""

    rule: str
    severity: Severity
    field: str
    message: str
    fix: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity._value_,
            "field": self.field,
            "message": self.message,
            "fix": self.fix,
            "source": self.source,
        }


@dataclass(slots=True)
class Requirement:
    """A material this case needs (需提交的材料), met or not.

    `alternative_field` names a remark field whose text satisfies the requirement instead of the letter
    (the pre-approval non-involvement case: a remark *or* a signed letter).
    """

    kind: str
    slot: str
    met: bool
    rule: str
    reason: str
    template: str | None = None
    alternative_field: str | None = None
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "slot": self.slot,
            "met": self.met,
            "rule": self.rule,
            "reason": self.reason,
            "template": self.template,
        }
        if self.alternative_field is not None:
            out["alternative_field"] = self.alternative_field
        if self.source:
            out["source"] = self.source
        return out


@dataclass(slots=True)
class PreApprovalHit:
    """A pre-approval keyword (前置审批关键字) found in a field; spans index the original text.

    `excluded` is true when the keyword stands inside an exclusion clause such as `（不含金融业务）`:
    it is reported, but creates no requirement.
    """

    category: str
    keyword: str
    field: str
    start: int
    end: int
    excluded: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "keyword": self.keyword,
            "field": self.field,
            "start": self.start,
            "end": self.end,
            "excluded": self.excluded,
        }


@dataclass(slots=True)
class SuggestedRemark:
    """Exact text for the filer to paste into a remark field (备注)."""

    field: str
    text: str
    rule: str

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "text": self.text, "rule": self.rule}


@dataclass(slots=True)
class Report:
    judged_on: dt.date
    province: str
    bureau: str
    findings: list[Finding] = field(default_factory=list)
    requirements: list[Requirement] = field(default_factory=list)
    pre_approval_hits: list[PreApprovalHit] = field(default_factory=list)
    suggested_remarks: list[SuggestedRemark] = field(default_factory=list)

    @property
    def verdict(self) -> Verdict:
        """Blocked by any error finding or any unmet requirement; warnings never block."""
        for f in self.findings:
            if f.severity is Severity.ERROR:
                return Verdict.BLOCKED
        for r in self.requirements:
            if not r.met:
                return Verdict.BLOCKED
        return Verdict.READY

    def to_dict(self) -> dict[str, Any]:
        # Each item's `to_dict()`, written out: a method call per item costs more than building its dict
        # (tests/domain/test_precheck_fast_paths.py holds the two to the same result).
        requirements = []
        for r in self.requirements:
            out: dict[str, Any] = {"kind": r.kind, "slot": r.slot, "met": r.met, "rule": r.rule, "reason": r.reason,
                                   "template": r.template}
            if r.alternative_field is not None:
                out["alternative_field"] = r.alternative_field
            if r.source:
                out["source"] = r.source
            requirements.append(out)
        return {
            "schema_version": REPORT_SCHEMA_VERSION,
            "verdict": self.verdict._value_,
            "judged_on": self.judged_on.isoformat(),
            "province": self.province,
            "bureau": self.bureau,
            "findings": [
                {"rule": f.rule, "severity": f.severity._value_, "field": f.field, "message": f.message,
                 "fix": f.fix, "source": f.source}
                for f in self.findings
            ],
            "requirements": requirements,
            "pre_approval_hits": [
                {"category": h.category, "keyword": h.keyword, "field": h.field, "start": h.start, "end": h.end,
                 "excluded": h.excluded}
                for h in self.pre_approval_hits
            ],
            "suggested_remarks": [{"field": s.field, "text": s.text, "rule": s.rule} for s in self.suggested_remarks],
        }
