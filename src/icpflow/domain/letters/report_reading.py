"""Reading the pre-check report (a `Report` or its JSON): the pre-approval categories hit and not declared,
their keywords and where they were found, and the remarks the report suggests.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..document import FullFiling
from ..report import Report

_HIT_FIELDS = {
    "subject.name": "主体名称",
    "subject.certificate.business_scope": "经营范围",
    "program.name": "小程序名称",
    "program.description": "小程序描述",
}


def _as_dict(report: Mapping[str, Any] | Report | None) -> dict[str, Any]:
    if report is None:
        return {}
    if isinstance(report, Report):
        return report.to_dict()
    return dict(report)


def _open_hits(doc: FullFiling, report: Mapping[str, Any]) -> tuple[list[str], dict[str, list[str]], list[str]]:
    """Categories hit outside exclusion clauses and not declared, in first-hit order; their keywords; where."""
    declared = {p.category.value for p in doc.program.pre_approvals}
    categories: dict[str, None] = {}
    keywords: dict[str, list[str]] = {}
    where: dict[str, None] = {}
    for hit in report.get("pre_approval_hits", []) or []:
        category = str(hit.get("category", ""))
        if hit.get("excluded") or not category or category in declared:
            continue
        categories.setdefault(category, None)
        words = keywords.setdefault(category, [])
        if hit.get("keyword") and hit["keyword"] not in words:
            words.append(str(hit["keyword"]))
        where.setdefault(_HIT_FIELDS.get(str(hit.get("field", "")), str(hit.get("field", ""))), None)
    return list(categories), keywords, [w for w in where if w]


def _suggested(report: Mapping[str, Any], rule: str) -> list[str]:
    return [str(s["text"]) for s in report.get("suggested_remarks", []) or [] if s.get("rule") == rule]
