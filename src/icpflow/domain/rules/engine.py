"""The pre-check (备案预检): run every rule in force for a filing's province and case, build the report.

`Checker` is built once from the catalogue and reference data and is then cheap per filing: the rules
that apply to a (province, nature, program type, kind, day) are looked up from a cache, and each
evaluator is a small function. The report's province is the bureau that will judge the filing: the
province of the subject's certificate for organisations, of the communication address for individuals
(seed 000 §step4 管局审核; seed 004 §1.2 主办信息 11).
"""

from __future__ import annotations

import datetime as dt

from ..credit_code import check_uscc, uscc_region
from ..enums import OrgCertificateType, ProgramType
from ..policy import Policy
from ..preapproval import KeywordScanner
from ..regions import RegionTable
from ..report import Report
from . import attachments, people, program, subject  # noqa: F401  (importing registers the evaluators)
from .catalogue import Catalogue
from .context import EVALUATORS, AnyFiling, Context, ImageFacts


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
        if not isinstance(cert.type, OrgCertificateType):  # an individual: where they live and write from
            if subj.address is not None and self.regions.exists_any_year(subj.address.province):
                return self.regions.province_code(subj.address.province)
            return self.regions.province_from_text(cert.address) or ""
        region = uscc_region(cert.number) if check_uscc(cert.number, self.regions) is None else None
        if region and region != "100000" and self.regions.exists_any_year(region[:2] + "0000"):
            return region[:2] + "0000"
        from_text = self.regions.province_from_text(cert.address)
        if from_text:
            return from_text
        if subj.address is not None and self.regions.exists_any_year(subj.address.province):
            return self.regions.province_code(subj.address.province)
        return ""

    def check(
        self,
        doc: AnyFiling,
        *,
        judged_on: dt.date,
        image_facts: dict[str, ImageFacts] | None = None,
    ) -> Report:
        province = self.province_of(doc)
        bureau = self.regions.bureau(province) if province else ""
        report = Report(judged_on=judged_on, province=province, bureau=bureau)
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
        program_type = named.type.value if named is not None else ProgramType.MINI_PROGRAM.value
        rules = self.catalogue.applicable(province, doc.subject.nature._value_, program_type, doc.kind, judged_on)
        ctx.rules = rules  # shared, read-only: evaluators may consult each other's params
        for rule in rules.values():
            EVALUATORS[rule.check](ctx, rule)
        report.pre_approval_hits = ctx.pre_approval_hits()
        return report
