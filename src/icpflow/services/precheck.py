"""Use case: pre-check a filing document (备案预检) and say whether it may be submitted.

`check_document` judges a parsed document on its `submitted_on` day, or today in Asia/Shanghai when it
gives none; `check_raw` does the same from JSON text and turns an unreadable document into an outcome
with problems (exit code 2) instead of an exception.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..domain.enums import Verdict
from ..domain.parsing import DocumentProblem, DocumentUnreadable, parse_document, parse_mapping
from ..domain.report import Report
from ..domain.rules.context import AnyFiling, ImageFacts
from ..domain.rules.engine import Checker

EXIT_READY, EXIT_BLOCKED, EXIT_UNREADABLE = 0, 1, 2


class Clock(Protocol):
    def today(self) -> dt.date: ...


class ImageProbe(Protocol):
    def probe(self, file: str) -> ImageFacts | None: ...


@dataclass(slots=True)
class CheckOutcome:
    """The result of checking one document from one source (a file, a JSONL line, stdin)."""

    source: str
    report: Report | None = None
    problems: list[DocumentProblem] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        if self.report is None:
            return EXIT_UNREADABLE
        return EXIT_READY if self.report.verdict is Verdict.READY else EXIT_BLOCKED

    def to_dict(self) -> dict[str, Any]:
        if self.report is not None:
            report = self.report.to_dict()  # its verdict is the exit code's: judged once
            exit_code = EXIT_READY if report["verdict"] == Verdict.READY._value_ else EXIT_BLOCKED
            return {"source": self.source, "exit_code": exit_code, "report": report}
        return {"source": self.source, "exit_code": EXIT_UNREADABLE, "problems": [p.to_dict() for p in self.problems]}


def check_document(
    doc: AnyFiling, *, checker: Checker, clock: Clock, probe: ImageProbe | None = None
) -> Report:
    judged_on = doc.submitted_on or clock.today()
    facts: dict[str, ImageFacts] | None = None
    if probe is not None:
        facts = {}
        for att in doc.attachments:
            measured = probe.probe(att.file) if att.file else None
            if measured is not None:
                facts[att.id] = measured
    return checker.check(doc, judged_on=judged_on, image_facts=facts)


def check_raw(
    raw: str | bytes | dict[str, Any],
    *,
    source: str,
    checker: Checker,
    clock: Clock,
    probe: ImageProbe | None = None,
) -> CheckOutcome:
    try:
        doc = parse_mapping(raw) if isinstance(raw, dict) else parse_document(raw)
    except DocumentUnreadable as exc:
        return CheckOutcome(source=source, problems=exc.problems)
    return CheckOutcome(source=source, report=check_document(doc, checker=checker, clock=clock, probe=probe))


