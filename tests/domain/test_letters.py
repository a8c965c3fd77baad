"""Prefilled letters (domain/letters/): every template the pre-check can name composes for a realistic
filing whose report really asks for it, with the filing's facts filled in, the province's fixed fields,
and the signature, stamp and date left blank for the hand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from icpflow.adapters.reference_data import package_data
from icpflow.bootstrap import build_checker
from icpflow.config import Settings
from icpflow.domain import letters as L
from icpflow.domain.document import FullFiling
from icpflow.domain.errors import DomainError
from icpflow.domain.parsing import parse_mapping
from icpflow.domain.rules.engine import Checker
from icpflow.services.precheck import check_raw
from icpflow.testing import PROVINCE_DISTRICTS, FrozenClock, make_filing, make_person, make_resident_id

TODAY = dt.date(2026, 11, 22)
PLATFORM = "抖音开放平台"
ISBN = "ISBN 978-7-498-01234-5"
Doc = dict[str, Any]


@pytest.fixture(scope="module")
def checker() -> Checker:
    return build_checker(Settings())


def report_of(doc: Doc, checker: Checker) -> dict[str, Any]:
    outcome = check_raw(doc, source="test", checker=checker, clock=FrozenClock(TODAY))
    assert outcome.report is not None, [p.to_dict() for p in outcome.problems]
    return outcome.report.to_dict()


def full(doc: Doc) -> FullFiling:
    parsed = parse_mapping(doc)
    assert isinstance(parsed, FullFiling)
    return parsed


# ----- realistic filings, one per template -------------------------------------------------------------


def employee(province: str) -> dict[str, object]:
    return make_person(PROVINCE_DISTRICTS[province], name="李某某", seq=600, legal_rep=False, phone_seed=90)


def non_legal_subject_principal(province: str) -> Doc:
    doc = make_filing(province)
    doc["subject"]["principal"]["is_legal_representative"] = False
    doc["subject"]["legal_representative"] = {
        "name": "赵某某", "id_type": "resident_id",
        "id_number": make_resident_id(PROVINCE_DISTRICTS[province], seq=777)}
    return doc


def separate_program_principal(province: str) -> Doc:
    doc = make_filing(province)
    doc["program"]["principal"] = employee(province)
    doc["attachments"] += [
        {"id": "pp-front", "slot": "program_principal_id", "kind": "id_front", "width": 1600, "height": 1000},
        {"id": "pp-back", "slot": "program_principal_id", "kind": "id_back", "width": 1600, "height": 1000},
    ]
    return doc


def scope_hits(province: str, scope: str = "出版物零售；音乐制作；技术开发、技术服务。") -> Doc:
    doc = make_filing(province)
    doc["subject"]["certificate"]["business_scope"] = scope
    doc["program"]["remark"] = ""
    return doc


def game(province: str, level: int) -> Doc:
    doc = make_filing(province, program_type="mini_game")
    doc["program"]["game"] = {"publication_number": ISBN, "authorization_level": level,
                              "mini_game_filing_approved": False}
    doc["attachments"].append({"id": "isbn", "slot": "pre_approval", "kind": "pre_approval_document",
                               "width": 1600, "height": 1200})
    doc["program"]["pre_approvals"] = [{"category": "publishing", "number": ISBN, "attachment": "isbn"}]
    return doc


def shaanxi_many() -> Doc:
    doc = make_filing("610000")
    doc["program"]["count_under_subject"] = 31
    return doc


#: template -> a filing whose pre-check report names that template (None: a platform document, any filing)
CASES: dict[str, Callable[[], Doc]] = {
    "subject_principal_authorization": lambda: non_legal_subject_principal("320000"),
    "program_principal_authorization": lambda: separate_program_principal("320000"),
    "program_principal_authorization_shanghai": lambda: separate_program_principal("310000"),
    "non_involvement_commitment": lambda: scope_hits("330000"),
    "non_involvement_commitment_sichuan": lambda: scope_hits("510000", "出版物零售；音乐制作；投资管理；技术开发。"),
    "guangdong_filing_commitment": lambda: make_filing("440000"),
    "chongqing_public_commitment": lambda: make_filing("500000"),
    "construction_plan": shaanxi_many,
    "publication_authorization": lambda: game("330000", 1),
    "authorization_explanation": lambda: game("320000", 2),
    "authorization_explanation_guangdong": lambda: game("440000", 2),
    "internet_information_service_commitment": lambda: make_filing("330000"),
    "anti_fraud_self_assessment": lambda: make_filing("330000"),
    "authenticity_verification_sheet": lambda: make_filing("330000"),
}
PLATFORM_DOCUMENTS = {"internet_information_service_commitment", "anti_fraud_self_assessment",
                      "authenticity_verification_sheet"}


def compose(template: str, doc: Doc, report: dict[str, Any] | None, checker: Checker,
            **kwargs: Any) -> L.Letter:
    return L.compose(template, full(doc), report, today=TODAY, platform_name=PLATFORM,
                     categories=checker.scanner.categories, **kwargs)


def _templates_in(node: Any) -> Iterator[str]:
    """Every `template = "…"` and every value of `templates = {…}` in the catalogue's params."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "template" and isinstance(value, str):
                yield value
            elif key == "templates" and isinstance(value, dict):
                yield from (str(v) for v in value.values())
            else:
                yield from _templates_in(value)
    elif isinstance(node, list):
        for item in node:
            yield from _templates_in(item)


# ----- the catalogue and the specs ----------------------------------------------------------------------


def test_every_template_of_the_catalogue_and_the_evaluators_has_a_letter() -> None:
    named = set(_templates_in(package_data("rules.toml")))
    # the evaluators' defaults when a province has no template of its own (rules/people.py, rules/program.py)
    defaults = {"subject_principal_authorization", "program_principal_authorization", "non_involvement_commitment",
                "publication_authorization", "authorization_explanation"}
    assert named, "the catalogue names no template: the walk is broken"
    assert named | defaults <= set(L.SPECS)
    assert set(L.SPECS) == set(CASES)


@pytest.mark.parametrize("template", sorted(L.SPECS))
def test_each_spec_cites_a_seed_section(template: str) -> None:
    spec = L.spec(template)
    assert spec.template == template
    assert ".txt §" in spec.source
    assert spec.title and spec.signer


# ----- composing ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("template", sorted(CASES))
def test_every_template_composes_for_a_filing_that_needs_it(template: str, checker: Checker) -> None:
    doc = CASES[template]()
    report = report_of(doc, checker)
    if template not in PLATFORM_DOCUMENTS:
        assert template in L.templates_needed(report), report["requirements"]
    letter = compose(template, doc, report, checker)

    assert letter.title == L.spec(template).title
    assert letter.template == template
    text = letter.text()
    assert doc["subject"]["name"] in text
    assert doc["subject"]["certificate"]["number"] in text
    assert doc["program"]["name"] in text
    # the date is written by hand: a blank on the signature lines, never a date
    assert any(L.DATE_BLANK in line for line in letter.signature_lines)
    assert not any(str(TODAY.year) in line for line in letter.signature_lines)
    assert any(L.BLANK in line for line in letter.signature_lines)
    assert letter.notes[-1] == f"依据：{L.spec(template).source}"


@pytest.mark.parametrize("template", sorted(t for t in L.SPECS if L.spec(t).dated))
def test_dated_letters_print_the_signing_window(template: str, checker: Checker) -> None:
    doc = CASES[template]()
    letter = compose(template, doc, report_of(doc, checker), checker)
    window = [n for n in letter.notes if "签署日期须手写" in n]
    assert window == [
        "签署日期须手写，应与提交备案日期一致或在其前 1 个月内，不得晚于提交日期："
        "按 2026年11月22日 提交，请写 2026年10月22日 至 2026年11月22日 之间的日期"
    ]


def test_the_window_follows_the_documents_submission_day_and_the_policy(checker: Checker) -> None:
    doc = make_filing("500000", submitted_on="2027-03-31")
    letter = compose("chongqing_public_commitment", doc, None, checker, letter_max_age_months=2)
    assert any("按 2027年3月31日 提交，请写 2027年1月31日 至 2027年3月31日" in n for n in letter.notes)


def test_authorisation_letters_carry_full_id_numbers_but_repr_does_not(checker: Checker) -> None:
    doc = non_legal_subject_principal("320000")
    letter = compose("subject_principal_authorization", doc, report_of(doc, checker), checker)
    principal_id = doc["subject"]["principal"]["id_number"]
    legal_rep = doc["subject"]["legal_representative"]
    text = letter.text()
    assert principal_id in text  # signed by the person: not masked
    assert legal_rep["name"] in text and legal_rep["id_number"] in text
    assert ("法定代表人", "赵某某") in letter.fields
    assert "江苏省通信管理局：" in letter.paragraphs[0]
    assert L.BLANK in " ".join(letter.signature_lines)
    assert "法定代表人需手写正楷签名或签名章，不接受连笔签" in letter.notes
    assert any("【附件-主体补充材料】" in n for n in letter.notes)
    assert principal_id not in repr(letter) and "赵某某" not in repr(letter)


def test_program_principal_letter_names_the_employee(checker: Checker) -> None:
    doc = separate_program_principal("320000")
    letter = compose("program_principal_authorization", doc, report_of(doc, checker), checker)
    person = doc["program"]["principal"]
    assert f"兹授权{person['name']}（居民身份证：{person['id_number']}）" in letter.text()
    assert any("【附件-小程序补充材料】" in n for n in letter.notes)


def test_shanghai_letter_is_addressed_to_shanghai(checker: Checker) -> None:
    doc = separate_program_principal("310000")
    letter = compose("program_principal_authorization_shanghai", doc, report_of(doc, checker), checker)
    assert letter.paragraphs[0] == "上海市通信管理局："
    assert any("指定模板" in n for n in letter.notes)


def test_guangdong_commitment_keeps_its_fixed_fields(checker: Checker) -> None:
    doc = make_filing("440000")
    letter = compose("guangdong_filing_commitment", doc, report_of(doc, checker), checker)
    assert ("备案省份（固定字段）", "广东省") in letter.fields
    assert ("接入服务单位（固定字段）", "北京深极智能科技有限公司") in letter.fields
    assert "北京深极智能科技有限公司提供的接入服务，在广东省办理" in letter.text()
    assert any("为固定字段，不可修改" in n for n in letter.notes)
    assert any("【附件-备案承诺书】" in n for n in letter.notes)
    other = compose("guangdong_filing_commitment", doc, None, checker, access_provider="某某网络科技有限公司")
    assert ("接入服务单位（固定字段）", "某某网络科技有限公司") in other.fields


def test_chongqing_commitment(checker: Checker) -> None:
    doc = make_filing("500000")
    letter = compose("chongqing_public_commitment", doc, report_of(doc, checker), checker)
    assert letter.paragraphs[0] == "重庆市通信管理局："
    assert "主办单位（公章）：＿＿＿＿" in letter.signature_lines
    assert any("法定代表人签名或签名章，并加盖公司公章" in n for n in letter.notes)


def test_sichuan_letter_numbers_the_hit_categories_their_bodies_and_licences(checker: Checker) -> None:
    doc = CASES["non_involvement_commitment_sichuan"]()
    report = report_of(doc, checker)
    letter = compose("non_involvement_commitment_sichuan", doc, report, checker)
    fields = dict(letter.fields)
    table = checker.scanner.categories
    assert fields["1. 命中的前置审批项名称"] == "出版、文化、广播电影电视节目"
    assert fields["4、5、6. 命中的前置审批项名称"] == "出版、文化、广播电影电视节目"
    assert fields["2. 备案小程序主办单位名称"] == doc["subject"]["name"]
    assert fields["2. 主办单位统一社会信用代码"] == doc["subject"]["certificate"]["number"]
    assert fields["2. 小程序名称"] == "鲜果日记"
    assert fields["3. 小程序主要运营内容"].startswith("记录每日饮食")
    for code in ("publishing", "culture", "broadcasting"):
        assert table[code].approving_body in fields["7. 前置审批涉及的相关部门名称（批复单位）"]
        assert table[code].licence in fields["8. 前置审批涉及的相关资质证件名称（前置审批文件名称）"]
        assert f"{table[code].approving_body}核发的{table[code].licence}" in letter.text()
    assert letter.signature_lines == [f"9. 单位公章：{L.BLANK}", f"10. 法定代表人签名：{L.BLANK}",
                                      f"11. 日期：{L.DATE_BLANK}"]
    # finance needs the approval itself in Sichuan: not in the letter, and the notes say why
    assert "互联网金融" not in fields["1. 命中的前置审批项名称"]
    assert any("“互联网金融”" in n and "5b-ii" in n for n in letter.notes)
    assert any("仅接受本承诺书" in n for n in letter.notes)


def test_sichuan_letter_with_a_single_category_and_without_the_table(checker: Checker) -> None:
    doc = scope_hits("510000", "出版物零售；技术开发。")
    report = report_of(doc, checker)
    letter = compose("non_involvement_commitment_sichuan", doc, report, checker)
    fields = dict(letter.fields)
    assert fields["7. 前置审批涉及的相关部门名称（批复单位）"] == "国家新闻出版署、省级新闻出版部门"
    assert fields["8. 前置审批涉及的相关资质证件名称（前置审批文件名称）"] == "《网络出版服务许可证》"
    bare = L.compose("non_involvement_commitment_sichuan", full(doc), report, today=TODAY, platform_name=PLATFORM)
    assert dict(bare.fields)["7. 前置审批涉及的相关部门名称（批复单位）"] == L.BLANK
    assert any("第 7、8 项未能预填" in n for n in bare.notes)


def test_non_involvement_letter_names_keywords_and_offers_the_remark(checker: Checker) -> None:
    doc = scope_hits("330000")
    report = report_of(doc, checker)
    letter = compose("non_involvement_commitment", doc, report, checker)
    fields = dict(letter.fields)
    assert fields["命中的前置审批项"] == "出版、文化、广播电影电视节目"
    assert "“出版物零售”" in fields["命中的关键字"] and "“音乐”" in fields["命中的关键字"]
    assert "经营范围" in letter.paragraphs[2]
    suggested = next(s["text"] for s in report["suggested_remarks"]
                     if s["rule"] == "nationwide.pre_approval_non_involvement")
    assert any(n.endswith(suggested) for n in letter.notes)


def test_where_only_the_letter_counts_the_letter_says_so(checker: Checker) -> None:
    doc = scope_hits("120000")  # Tianjin: no other remark allowed, so the letter is the only way
    report = report_of(doc, checker)
    assert "non_involvement_commitment" in L.templates_needed(report)
    letter = compose("non_involvement_commitment", doc, report, checker)
    assert "本省管局只接受承诺书，不接受在备注中说明" in letter.notes
    assert not any("也可不交承诺书" in n for n in letter.notes)


def test_an_individual_signs_without_a_stamp(checker: Checker) -> None:
    doc = make_filing("330000", nature="individual")
    doc["program"]["description"] = "分享个人原创音乐作品的小程序，用户可以试听和收藏，不提供下载和付费服务。"
    report = report_of(doc, checker)
    letter = compose("non_involvement_commitment", doc, report, checker)
    assert letter.signature_lines == ["本人（签字）：＿＿＿＿", f"日期：{L.DATE_BLANK}"]
    assert "本人" in letter.paragraphs[1]
    assert ("居民身份证号码", doc["subject"]["certificate"]["number"]) in letter.fields


def test_game_letters_name_the_publication_number_and_the_chain(checker: Checker) -> None:
    doc = game("320000", 2)
    report = report_of(doc, checker)
    authorization = compose("publication_authorization", doc, report, checker)
    assert ("版号（ISBN）", ISBN) in authorization.fields
    assert ("授权级别", "第 2 级") in authorization.fields
    assert any("有效期不少于 3 个月" in n for n in authorization.notes)
    explanation = compose("authorization_explanation", doc, report, checker)
    chain = [p for p in explanation.paragraphs if p.startswith("第 ")]
    assert len(chain) == 2 and doc["subject"]["name"] in chain[-1]
    assert any("经办人签名" in line and "王某某" in line for line in explanation.signature_lines)
    assert any("一级授权无需提供授权说明" in n for n in explanation.notes)
    guangdong = compose("authorization_explanation_guangdong", game("440000", 2),
                        report_of(game("440000", 2), checker), checker)
    assert guangdong.paragraphs[0] == "广东省通信管理局："
    assert any("【附件-小程序补充材料】" in n for n in guangdong.notes)


def test_construction_plan_follows_the_shaanxi_outline(checker: Checker) -> None:
    doc = shaanxi_many()
    letter = compose("construction_plan", doc, report_of(doc, checker), checker)
    headings = [p for p in letter.paragraphs if L.is_heading(p)]
    assert headings == ["一、公司主营业务介绍", "二、小程序内容及栏目介绍", "三、人员及资金安排", "四、内容管理制度",
                        "五、网络部署方案", "六、网络信息安全技术措施", "七、应急处置方案"]
    assert "技术开发、技术服务、技术咨询" in letter.paragraphs[1]
    assert ("本主体备案小程序数量", "31 个（含本小程序）") in letter.fields
    assert letter.fields_at == 0 and isinstance(letter.blocks()[0], list)


def test_platform_documents(checker: Checker) -> None:
    doc = make_filing("330000")
    sheet = compose("authenticity_verification_sheet", doc, None, checker)
    assert ("人脸核身", "已完成") in sheet.fields
    assert ("接入服务平台", PLATFORM) in sheet.fields
    assert any("001_edd01ed65df7a799.txt §二(三)1" in n for n in sheet.notes)
    commitment = compose("internet_information_service_commitment", doc, None, checker)
    assert "在抖音开放平台开办的小程序《鲜果日记》" in commitment.text()  # never "平台平台"
    wechat = L.compose("internet_information_service_commitment", full(doc), None, today=TODAY, platform_name="微信")
    assert "在微信平台开办的" in wechat.text()
    fraud = compose("anti_fraud_self_assessment", doc, None, checker)
    assert "□低　□中　□高" in fraud.text()


def test_without_a_report_the_bureau_and_categories_are_blank(checker: Checker) -> None:
    doc = scope_hits("330000")
    letter = compose("non_involvement_commitment", doc, None, checker)
    assert letter.paragraphs[0] == f"{L.BLANK}通信管理局："
    assert dict(letter.fields)["命中的前置审批项"] == L.BLANK
    assert any("未提供预检报告" in n for n in letter.notes)


def test_a_report_object_works_like_its_json(checker: Checker) -> None:
    doc = scope_hits("330000")
    outcome = check_raw(doc, source="test", checker=checker, clock=FrozenClock(TODAY))
    assert outcome.report is not None
    from_object = compose("non_involvement_commitment", doc, outcome.report, checker)  # type: ignore[arg-type]
    from_json = compose("non_involvement_commitment", doc, outcome.report.to_dict(), checker)
    assert from_object.text() == from_json.text()


def test_unknown_template_is_a_key_error_listing_the_letters_in_chinese(checker: Checker) -> None:
    with pytest.raises(L.UnknownLetterTemplate) as caught:
        compose("beijing_magic_letter", make_filing("330000"), None, checker)
    error = caught.value
    assert isinstance(error, KeyError) and isinstance(error, DomainError)
    assert str(error).startswith("没有名为“beijing_magic_letter”的信函模板，现有：")
    assert "主办单位负责人授权书（subject_principal_authorization）" in error.message
    assert "不涉及前置审批承诺书（non_involvement_commitment_sichuan）" in error.message
    assert error.data["available"] == list(L.SPECS)


def test_templates_needed_lists_unmet_first_and_each_once(checker: Checker) -> None:
    doc = separate_program_principal("500000")  # Chongqing: commitment (met) and program principal letter (unmet)
    report = report_of(doc, checker)
    assert L.templates_needed(report) == ["program_principal_authorization", "chongqing_public_commitment"]


# ----- remarks ------------------------------------------------------------------------------------------


def suggestions(report: dict[str, Any], rule: str) -> list[str]:
    return [s["text"] for s in report["suggested_remarks"] if s["rule"] == rule]


def test_remark_templates_are_the_catalogues() -> None:
    rules = {r["id"]: r for r in package_data("rules.toml")["rule"]}
    for kind, remark in L.REMARKS.items():
        assert rules[remark.rule]["params"]["remark_template"] == remark.template, kind


def test_non_involvement_remark_is_the_reports_suggestion(checker: Checker) -> None:
    doc = scope_hits("330000")
    report = report_of(doc, checker)
    suggested = suggestions(report, "nationwide.pre_approval_non_involvement")
    assert L.remark_text("non_involvement", full(doc), report) == suggested[0]
    # the text satisfies the pre-check once pasted
    doc["program"]["remark"] = suggested[0]
    again = report_of(doc, checker)
    assert all(r["met"] for r in again["requirements"] if r["rule"] == "nationwide.pre_approval_non_involvement")


def test_non_involvement_remark_without_a_suggestion_is_built_the_same_way(checker: Checker) -> None:
    doc = scope_hits("510000", "出版物零售；技术开发。")  # Sichuan suggests no remark (letter only)
    report = report_of(doc, checker)
    assert not report["suggested_remarks"]
    text = L.remark_text("non_involvement", full(doc), report)
    assert text == ("该小程序提供的服务是：记录每日饮食并提供健康饮食小知识的工具，用户可以打卡、查看历史记录和"
                    "设置提醒，承诺不涉及“出版”相关前置审批项内容，如果有违规情况，一切后果自行承担。")
    assert "承诺不涉及＿＿＿＿相关" in L.remark_text("non_involvement", full(doc), None)


def test_tianjin_remark_has_one_line_per_emergency_phone_and_passes(checker: Checker) -> None:
    doc = make_filing("120000")
    doc["program"]["remark"] = ""
    report = report_of(doc, checker)
    suggested = suggestions(report, "province.tianjin.emergency_phone_remark")
    text = L.remark_text("tianjin_emergency_phone", full(doc), report)
    assert text.splitlines() == suggested and len(suggested) == 2
    doc["program"]["principal"]["emergency_contact_name"] = "张某某"
    doc["subject"]["principal"]["emergency_contact_name"] = "刘某某"
    doc["program"]["remark"] = L.remark_text("tianjin_emergency_phone", full(doc), None)
    assert "使用人为某某科技有限公司1公司员工刘某某" in doc["program"]["remark"]
    fired = {f["rule"] for f in report_of(doc, checker)["findings"]}
    assert not fired & {"province.tianjin.emergency_phone_remark", "province.tianjin.no_other_remarks"}


def test_service_content_remark(checker: Checker) -> None:
    doc = make_filing("410000")
    doc["program"]["remark"] = "工具"
    report = report_of(doc, checker)
    suggested = suggestions(report, "province.service_content_remark")
    assert L.remark_text("service_content", full(doc), report) == suggested[0]
    game_doc = make_filing("410000", program_type="mini_game")
    assert L.remark_text("service_content", full(game_doc)).startswith("该游戏是《方块消消乐》，一款休闲消除类小游戏")


def test_unknown_remark_kind() -> None:
    with pytest.raises(L.UnknownLetterTemplate, match="没有名为“emoji”的备注，现有：不涉及前置审批的备注说明"):
        L.remark_text("emoji", full(make_filing("330000")))
