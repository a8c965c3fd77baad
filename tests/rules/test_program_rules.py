"""Rules about the mini-program (备案小程序信息): pre-approvals, mini-games, remarks, supplementary materials.

Their evaluators are in `icpflow/domain/rules/program.py`. Each case triggers its rule or is a near miss that
does not (`test_every_rule.py` checks every rule has both).
"""

from __future__ import annotations

from collections.abc import Callable

from icpflow.domain.rules.engine import Checker
from icpflow.testing import make_uscc

from .cases import FINANCE_SCOPE, Case, Doc, count_under_subject, game_with, with_letter
from .conftest import (
    attach,
    filing,
    findings_of,
    game,
    patch,
    requirements_of,
    run,
    with_scope,
    without_attachment,
)

EDUCATION_SCOPE = "技术开发；教育咨询服务。"
NON_INVOLVEMENT_REMARK = (
    "该小程序提供的服务是：饮食记录，承诺不涉及“互联网金融”相关前置审批项内容，如果有违规情况，一切后果自行承担。"
)


def declared_finance(number: str = "沪金审〔2026〕12 号", slot: str = "pre_approval",
                     attachment_id: str | None = "fin") -> Doc:
    doc = with_scope(filing(), FINANCE_SCOPE)
    attach(doc, "pre_approval_document", slot, id="fin")
    doc["program"]["pre_approvals"] = [{"category": "finance", "number": number, "attachment": attachment_id}]
    return doc


def tianjin_remark(transform: Callable[[str], str]) -> Callable[[], Doc]:
    def build() -> Doc:
        doc = filing("120000")
        doc["program"]["remark"] = transform(doc["program"]["remark"])
        return doc
    return build


def sichuan_with_letter(remark: str) -> Doc:
    doc = with_scope(filing("510000"), EDUCATION_SCOPE)
    attach(doc, "non_involvement_commitment", "program_supplementary")
    doc["program"]["remark"] = remark
    return doc


CASES: list[Case] = [
    # --- field formats ----------------------------------------------------------------------------------------
    *[Case("field.description_length", f"{n}-characters",
           lambda n=n: filing("330000", {"program.description": "记" * n}), not 20 <= n <= 200)
      for n in (19, 20, 200, 201)],
    # --- nationwide ----------------------------------------------------------------------------------------
    Case("nationwide.pre_approval_declared", "declared-without-number", lambda: declared_finance(number=""), True),
    Case("nationwide.pre_approval_declared", "declared-without-document",
         lambda: declared_finance(attachment_id=None), True),
    Case("nationwide.pre_approval_declared", "document-in-subject-supplementary",
         lambda: declared_finance(slot="subject_supplementary"), True),
    Case("nationwide.pre_approval_declared", "declared-with-number-and-document", declared_finance, False),
    Case("nationwide.pre_approval_non_involvement", "finance-keyword-no-remark-no-letter",
         lambda: with_scope(filing(), FINANCE_SCOPE), True),
    Case("nationwide.pre_approval_non_involvement", "finance-keyword-with-non-involvement-remark",
         lambda: with_scope(filing("330000", {"program.remark": NON_INVOLVEMENT_REMARK}), FINANCE_SCOPE), False),
    Case("nationwide.pre_approval_non_involvement", "finance-keyword-with-letter",
         lambda: with_letter(with_scope(filing(), FINANCE_SCOPE), "non_involvement_commitment",
                             "program_supplementary"), False),
    Case("nationwide.pre_approval_non_involvement", "finance-keyword-with-letter-in-subject-supplementary",
         lambda: with_letter(with_scope(filing(), FINANCE_SCOPE), "non_involvement_commitment",
                             "subject_supplementary"), True),
    Case("nationwide.pre_approval_non_involvement", "finance-keyword-inside-exclusion-clause",
         lambda: with_scope(filing(), "技术开发、技术服务（不含金融业务）。"), False),
    Case("nationwide.pre_approval_non_involvement", "tianjin-refuses-the-remark",
         lambda: with_scope(filing("120000"), FINANCE_SCOPE), True),
    Case("nationwide.pre_approval_non_involvement", "tianjin-takes-the-letter",
         lambda: with_letter(with_scope(filing("120000"), FINANCE_SCOPE), "non_involvement_commitment",
                             "program_supplementary"), False),
    Case("nationwide.game_details", "no-publication-number-and-no-mini-game-filing",
         lambda: game("330000", isbn=None, filing_approved=False), True),
    Case("nationwide.game_details", "no-publication-number-but-mini-game-filing-approved",
         lambda: game("330000", isbn=None, filing_approved=True), False),
    Case("nationwide.game_details", "mini-game-without-game-section",
         lambda: patch(game("330000", isbn=None, filing_approved=True), {"program.game": None}), True),
    Case("nationwide.game_publishing_pre_approval", "publication-number-without-publishing-pre-approval",
         lambda: game("330000", declared=False), True),
    Case("nationwide.game_publishing_pre_approval", "publishing-pre-approval-with-another-number",
         lambda: patch(game("330000"), {"program.pre_approvals.0.number": "ISBN 978-7-498-09999-9"}), True),
    Case("nationwide.game_publishing_pre_approval", "publishing-pre-approval-with-the-number", lambda: game("330000"),
         False),
    # --- Tianjin (seed 004 §1.3 天津) ----------------------------------------------------------------------
    Case("province.tianjin.emergency_phone_remark", "second-emergency-phone-not-explained",
         tianjin_remark(lambda r: r.splitlines()[0]), True),
    Case("province.tianjin.emergency_phone_remark", "no-remark-at-all", tianjin_remark(lambda r: ""), True),
    Case("province.tianjin.emergency_phone_remark", "one-line-per-emergency-phone", tianjin_remark(lambda r: r), False),
    Case("province.tianjin.emergency_phone_remark", "lines-separated-by-semicolon",
         tianjin_remark(lambda r: r.replace("\n", "；")), False),
    Case("province.tianjin.no_other_remarks", "subject-remark-filled",
         lambda: filing("120000", {"subject.remark": "该地址已为最详细"}), True),
    Case("province.tianjin.no_other_remarks", "another-line-in-program-remark",
         tianjin_remark(lambda r: r + "\n本小程序不涉及前置审批"), True),
    Case("province.tianjin.no_other_remarks", "another-sentence-after-a-comma",
         tianjin_remark(lambda r: r + "，本小程序不涉及前置审批"), True),
    Case("province.tianjin.no_other_remarks", "only-emergency-phone-lines", tianjin_remark(lambda r: r), False),
    # --- other provinces (seed 004 §1.3) -----------------------------------------------------------------
    Case("province.shaanxi.construction_plan", "31-mini-programs-no-plan", count_under_subject("610000", 31), True),
    Case("province.shaanxi.construction_plan", "30-mini-programs-no-plan", count_under_subject("610000", 30), False),
    Case("province.shaanxi.construction_plan", "31-mini-programs-with-plan",
         count_under_subject("610000", 31, "construction_plan"), False),
    Case("province.fujian.site_screenshots", "2-mini-programs-no-screenshots", count_under_subject("350000", 2), True),
    Case("province.fujian.site_screenshots", "1-mini-program-no-screenshots", count_under_subject("350000", 1), False),
    Case("province.fujian.site_screenshots", "2-mini-programs-with-screenshots",
         count_under_subject("350000", 2, "site_screenshots"), False),
    *[Case("province.service_content_remark", f"{p}-short-remark",
           lambda p=p: filing(p, {"program.remark": "饮食记录工具"}), True)
      for p in ("410000", "350000", "440000", "130000")],
    Case("province.service_content_remark", "henan-detailed-remark", lambda: filing("410000"), False),
    Case("province.service_content_remark", "zhejiang-short-remark",
         lambda: filing("330000", {"program.remark": "饮食记录工具"}), False),
    Case("province.guangdong.filing_commitment", "guangdong-without-letter",
         lambda: without_attachment(filing("440000"), "commitment"), True),
    Case("province.guangdong.filing_commitment", "guangdong-letter-in-subject-supplementary",
         lambda: filing("440000", {"attachments.3.slot": "subject_supplementary"}), True),
    Case("province.guangdong.filing_commitment", "guangdong-with-letter", lambda: filing("440000"), False),
    Case("province.chongqing.public_commitment", "chongqing-without-letter",
         lambda: without_attachment(filing("500000"), "commitment"), True),
    Case("province.chongqing.public_commitment", "chongqing-with-letter", lambda: filing("500000"), False),
    # --- Sichuan pre-approval (seed 004 §1.2 备案小程序信息 5b, §1.3 四川) ----------------------------------
    Case("province.sichuan.non_involvement_letter_only", "suggested-remark-in-sichuan",
         lambda: sichuan_with_letter(NON_INVOLVEMENT_REMARK), True),
    Case("province.sichuan.non_involvement_letter_only", "plain-non-involvement-remark-in-sichuan",
         lambda: sichuan_with_letter("本小程序不涉及教育相关内容。"), True),
    Case("province.sichuan.non_involvement_letter_only", "letter-and-no-remark-in-sichuan",
         lambda: sichuan_with_letter(""), False),
    Case("province.sichuan.non_involvement_letter_only", "service-description-remark-in-sichuan",
         lambda: sichuan_with_letter("该小程序提供饮食记录、打卡和提醒功能，不收取费用。"), False),
    Case("province.sichuan.finance_approval_required", "sichuan-finance-keyword",
         lambda: with_scope(filing("510000"), FINANCE_SCOPE), True),
    Case("province.sichuan.finance_approval_required", "sichuan-finance-keyword-with-letter",
         lambda: with_letter(with_scope(filing("510000"), FINANCE_SCOPE), "non_involvement_commitment",
                             "program_supplementary"), True),
    Case("province.sichuan.finance_approval_required", "sichuan-finance-approval-declared",
         lambda: patch(declared_finance(), {"subject.certificate.number": make_uscc("510104"),
                                            "subject.address.province": "510000", "subject.address.city": "510100",
                                            "subject.address.district": "510104"}), False),
    Case("province.sichuan.finance_approval_required", "sichuan-education-keyword",
         lambda: with_scope(filing("510000"), EDUCATION_SCOPE), False),
    # --- mini-games (seed 004 §1.2 备案小程序信息 4) --------------------------------------------------------
    *[Case("province.game.authorization_level", f"{p}-level-{lv}", game_with(p, lv), lv > limit)
      for p, limit in (("340000", 1), ("430000", 1), ("620000", 2), ("610000", 3))
      for lv in (limit, limit + 1)],
    Case("province.game.authorization_level", "zhejiang-level-5", game_with("330000", 5), False),
    Case("province.game.authorization_letter", "zhejiang-level-1-without-letter", game_with("330000", 1), True),
    Case("province.game.authorization_letter", "zhejiang-level-1-letter-in-pre-approval",
         game_with("330000", 1, ("publication_authorization", "pre_approval")), False),
    Case("province.game.authorization_letter", "zhejiang-level-0-owns-the-number", game_with("330000", 0), False),
    Case("province.game.authorization_letter", "shaanxi-letter-in-pre-approval",
         game_with("610000", 1, ("publication_authorization", "pre_approval")), True),
    Case("province.game.authorization_letter", "shaanxi-letter-in-program-supplementary",
         game_with("610000", 1, ("publication_authorization", "program_supplementary")), False),
    Case("province.game.authorization_letter", "henan-letter-in-pre-approval",
         game_with("410000", 1, ("publication_authorization", "pre_approval")), True),
    Case("province.game.authorization_explanation", "jiangsu-level-2-without-explanation",
         game_with("320000", 2, ("publication_authorization", "pre_approval")), True),
    Case("province.game.authorization_explanation", "jiangsu-level-1",
         game_with("320000", 1, ("publication_authorization", "pre_approval")), False),
    Case("province.game.authorization_explanation", "jiangsu-level-2-with-explanation",
         game_with("320000", 2, ("publication_authorization", "pre_approval"),
                   ("authorization_explanation", "pre_approval")), False),
    Case("province.game.authorization_explanation", "zhejiang-level-2",
         game_with("330000", 2, ("publication_authorization", "pre_approval")), False),
    Case("province.game.authorization_explanation", "guangdong-explanation-in-pre-approval",
         game_with("440000", 2, ("publication_authorization", "program_supplementary"),
                   ("authorization_explanation", "pre_approval")), True),
]



# ----- what the reports say, beyond firing -----------------------------------------------------------------


def test_finance_keyword_asks_for_remark_or_letter_and_suggests_the_remark(checker: Checker) -> None:
    report = run(with_scope(filing(), FINANCE_SCOPE), checker=checker)
    [req] = requirements_of(report, "nationwide.pre_approval_non_involvement")
    suggested = [s for s in report["suggested_remarks"] if s["rule"] == "nationwide.pre_approval_non_involvement"]
    assert (req["met"], req["slot"], req["alternative_field"]) == (False, "program_supplementary", "program.remark")
    assert [s["field"] for s in suggested] == ["program.remark"]
    assert "承诺不涉及“互联网金融”相关前置审批项内容" in suggested[0]["text"]


def test_pasting_the_suggested_remark_meets_the_non_involvement_requirement(checker: Checker) -> None:
    doc = with_scope(filing(), FINANCE_SCOPE)
    [suggested] = [s for s in run(doc, checker=checker)["suggested_remarks"]
                   if s["rule"] == "nationwide.pre_approval_non_involvement"]
    doc["program"]["remark"] = suggested["text"]
    report = run(doc, checker=checker)
    assert [r["met"] for r in requirements_of(report, "nationwide.pre_approval_non_involvement")] == [True]
    assert report["verdict"] == "ready"


def test_keyword_inside_exclusion_clause_creates_no_requirement(checker: Checker) -> None:
    report = run(with_scope(filing(), "技术开发、技术服务（不含金融业务）。"), checker=checker)
    assert requirements_of(report, "nationwide.pre_approval_non_involvement") == []
    assert [(h["category"], h["excluded"]) for h in report["pre_approval_hits"]] == [("finance", True)]


def test_sichuan_suggests_no_remark_and_names_its_letter_template(checker: Checker) -> None:
    report = run(with_scope(filing("510000"), EDUCATION_SCOPE), checker=checker)
    [req] = requirements_of(report, "nationwide.pre_approval_non_involvement")
    assert (req["template"], "alternative_field" in req) == ("non_involvement_commitment_sichuan", False)
    assert report["suggested_remarks"] == []


def test_sichuan_remark_does_not_meet_the_non_involvement_requirement(checker: Checker) -> None:
    doc = with_scope(filing("510000", {"program.remark": NON_INVOLVEMENT_REMARK.replace("互联网金融", "校外培训")}),
                     EDUCATION_SCOPE)
    report = run(doc, checker=checker)
    assert [r["met"] for r in requirements_of(report, "nationwide.pre_approval_non_involvement")] == [False]


def test_sichuan_finance_keyword_asks_for_the_approval_not_a_letter(checker: Checker) -> None:
    report = run(with_scope(filing("510000"), FINANCE_SCOPE), checker=checker)
    assert requirements_of(report, "nationwide.pre_approval_non_involvement") == []
    assert len(findings_of(report, "province.sichuan.finance_approval_required")) == 1


def test_tianjin_suggests_the_fixed_emergency_phone_line_for_each_unexplained_phone(checker: Checker) -> None:
    doc = filing("120000", {"program.remark": ""})
    doc["program"]["principal"]["emergency_contact_name"] = "张三"
    report = run(doc, checker=checker)
    texts = [s["text"] for s in report["suggested_remarks"] if s["rule"] == "province.tianjin.emergency_phone_remark"]
    assert texts == ["应急联系电话手机号13900000004使用人为某某科技有限公司1公司员工（使用人姓名）",
                     "应急联系电话手机号13900000005使用人为某某科技有限公司1公司员工张三"]


def test_service_content_remark_suggests_a_description_of_the_mini_program(checker: Checker) -> None:
    report = run(filing("410000", {"program.remark": ""}), checker=checker)
    [suggested] = [s for s in report["suggested_remarks"] if s["rule"] == "province.service_content_remark"]
    assert suggested["text"].startswith("该小程序是《鲜果日记》，记录每日饮食")
