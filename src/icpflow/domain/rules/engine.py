"""The pre-check (备案预检): run every rule in force for a filing's province and case, build the report.

`Checker` is built once from the catalogue and reference data and is then cheap per filing: the rules
that apply to a (province, nature, program type, kind, day) are looked up from a cache, with the plan
derived from them once per case (each rule's evaluator, without the evaluators that cannot report
anything in the case: `@evaluator(applies=...)`), and each evaluator is a small function. The report's
province is the bureau that will judge the filing: the province of the subject's certificate for
organisations, of the communication address for individuals (seed 000 §step4 管局审核; seed 004 §1.2
主办信息 11).
"""

from __future__ import annotations

import datetime as dt

from ..credit_code import check_uscc
from ..enums import OrgCertificateType, ProgramType
from ..policy import Policy
from ..preapproval import KeywordScanner
from ..regions import RegionTable
from ..report import Report
from . import attachments, people, program, subject  # noqa: F401  (importing registers the evaluators)
from .catalogue import Catalogue, Rule
from .context import APPLIES, EVALUATORS, AnyFiling, CaseFacts, Context, Evaluator, ImageFacts


def known_evaluators() -> frozenset[str]:
    return frozenset(EVALUATORS)


class Checker:
    def __init__(
        self, catalogue: Catalogue, regions: RegionTable, scanner: KeywordScanner, policy: Policy
    ) -> None:
        missing = {r.check for r in catalogue.rules} - set(EVALUATORS)
        if missing:
            raise ValueError(f"catalogue names evaluators that do not exist: {sorted(missing)}")
        self.catalogue = catalogue
        self.regions = regions
        self.scanner = scanner
        self.policy = policy

    def province_of(self, doc: AnyFiling) -> str:
        """The province whose bureau (管局) reviews this filing, as a GB/T 2260 province code."""
        subj = doc.subject
        cert = subj.certificate
        regions = self.regions
        # Only the 31 mainland provinces have a bureau: an address or code in 香港/澳门/台湾 names none (the
        # address check reports it), and the filing is judged as one whose province cannot be told.
        if not isinstance(cert.type, OrgCertificateType):  # an individual: where they live and write from
            if subj.address is not None and self._mainland(subj.address.province):
                return regions.province_code(subj.address.province)
            return regions.province_from_text(cert.address) or ""
        if check_uscc(cert.number, regions) is None:
            # A valid code's characters 3–8 are its registration region (what `uscc_region` returns).
            region = cert.number.strip().upper()[2:8]
            if region != "100000" and self._mainland(region[:2] + "0000"):
                return region[:2] + "0000"
        from_text = regions.province_from_text(cert.address)
        if from_text:
            return from_text
        if subj.address is not None and self._mainland(subj.address.province):
            return regions.province_code(subj.address.province)
        return ""

    def _mainland(self, code: str) -> bool:
        return self.regions.exists_any_year(code) and self.regions.province(code) is not None

    def check(
        self,
        doc: AnyFiling,
        *,
        judged_on: dt.date,
        image_facts: dict[str, ImageFacts] | None = None,
    ) -> Report:
        province = self.province_of(doc)
        bureau = self.regions.bureau(province) if province else ""
        report = Report(judged_on, province, bureau)
        ctx = Context(
            doc,
            judged_on=judged_on,
            province=province,
            policy=self.policy,
            regions=self.regions,
            scanner=self.scanner,
            report=report,
            image_facts=image_facts,
        )
        named = getattr(doc, "program", None)  # cancel_subject filings name no program
        program_type = named.type._value_ if named is not None else ProgramType.MINI_PROGRAM._value_
        case = self.catalogue.case(province, doc.subject.nature._value_, program_type, doc.kind, judged_on)
        plan: tuple[tuple[Evaluator, Rule], ...] | None = case.plan
        if plan is None:
            facts = CaseFacts(province, doc.subject.nature._value_, program_type, doc.kind)
            plan = case.plan = _plan(case.rules, facts)
        ctx.rules = case.rules  # shared, read-only: evaluators may consult each other's params
        for evaluate, rule in plan:
            evaluate(ctx, rule)
        report.pre_approval_hits = ctx.pre_approval_hits()
        return report


def _plan(rules: dict[str, Rule], case: CaseFacts) -> tuple[tuple[Evaluator, Rule], ...]:
    """The evaluator of each rule in force, in catalogue order, without those that cannot report anything
    in this case (`applies`)."""
    plan = []
    for rule in rules.values():
        applies = APPLIES.get(rule.check)
        if applies is None or applies(case):
            plan.append((EVALUATORS[rule.check], rule))
    return tuple(plan)
