"""Pre-approval keyword detection (前置审批关键字): seed 004 §附:前置审批说明, seed 000 §前置审批材料准备."""

from __future__ import annotations

import functools
import tomllib
from importlib import resources
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from icpflow.domain.enums import PreApprovalCategory, label
from icpflow.domain.exclusions import exclusion_clauses
from icpflow.domain.preapproval import Category, KeywordScanner
from icpflow.domain.report import PreApprovalHit
from icpflow.domain.text import normalise

SCOPE = "subject.certificate.business_scope"
STANDARD_TAIL = "（依法须经批准的项目，经相关部门批准后方可开展经营活动）"
GENERAL_TAIL = "（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）"


@functools.cache
def table() -> dict[str, Any]:
    text = resources.files("icpflow").joinpath("data/preapproval_keywords.toml").read_text("utf-8")
    return tomllib.loads(text)


@functools.cache
def scanner() -> KeywordScanner:
    return KeywordScanner.from_mapping(table())


def hits_of(text: str, category: str | None = None) -> list[PreApprovalHit]:
    hits = scanner().scan(SCOPE, text)
    return [hit for hit in hits if category is None or hit.category == category]


def found(text: str, category: str) -> list[tuple[str, str, bool]]:
    """(keyword, original span, excluded) of the hits of one category."""
    return [(hit.keyword, text[hit.start : hit.end], hit.excluded) for hit in hits_of(text, category)]


# --- the table ---------------------------------------------------------------------------------------


def test_the_keyword_table_loads_with_every_category_having_keywords_and_a_source() -> None:
    categories = scanner().categories
    assert set(categories) == {code.value for code in PreApprovalCategory}
    for category in categories.values():
        assert category.keywords, category.code
        assert category.source.startswith("004_58a0f6ee9b17c945.txt §附:前置审批说明"), category.code
        assert category.label == label(category.code, PreApprovalCategory)
        assert category.approving_body and category.licence and category.legal_basis


def test_only_education_and_medical_have_derived_keywords_and_they_quote_their_sentence() -> None:
    derived = {code for code, category in scanner().categories.items() if category.derived}
    assert derived == {"education", "medical"}
    assert "远程教育" in scanner().categories["education"].derived_from
    assert "预防保健" in scanner().categories["medical"].derived_from


def test_culture_and_broadcasting_keep_the_same_seed_keyword_list() -> None:
    categories = scanner().categories
    assert categories["culture"].keywords == categories["broadcasting"].keywords


def test_the_seed_keywords_are_kept_as_written_without_the_trailing_deng() -> None:
    categories = scanner().categories
    assert categories["publishing"].keywords[-1] == "互联网出版物零售"
    assert "寺庙" in categories["religion"].keywords
    assert "道观" in categories["religion"].keywords
    assert "P2P" in categories["finance"].keywords
    assert categories["finance"].keywords.count("金融") == 1


def test_a_table_without_a_source_is_refused() -> None:
    broken = {"categories": {"news": {**table()["categories"]["news"], "source": ""}}}
    with pytest.raises(ValueError, match="source"):
        KeywordScanner.from_mapping(broken)


def test_a_table_with_an_unknown_category_code_is_refused() -> None:
    broken = {"categories": {"ride-hailing": table()["categories"]["ride_hailing"]}}
    with pytest.raises(ValueError, match="unknown categories"):
        KeywordScanner.from_mapping(broken)


def test_a_blank_keyword_is_refused() -> None:
    with pytest.raises(ValueError, match="blank"):
        KeywordScanner.from_keywords([(" \u200b", "finance")])


# --- every category is detected -----------------------------------------------------------------------

SCOPES_BY_CATEGORY = {
    "news": ("一般项目：互联网新闻信息服务；软件开发；技术服务。", "互联网新闻"),
    "publishing": ("一般项目：出版物零售；文具用品零售；日用百货销售。", "出版物零售"),
    "education": ("一般项目：远程教育技术开发；软件开发；信息技术咨询服务。", "远程教育"),
    "medical": ("一般项目：互联网医疗信息咨询；健康咨询服务（不含诊疗服务）。", "互联网医疗"),
    "drugs_devices": ("一般项目：第二类医疗器械销售；日用百货销售；化妆品零售。", "第二类医疗器械销售"),
    "culture": ("一般项目：组织文化艺术交流活动；会议及展览服务；动漫设计。", "动漫设计"),
    "broadcasting": ("一般项目：视频制作；广告设计、代理；广告发布。", "视频"),
    "ride_hailing": ("许可项目：网络预约出租汽车经营服务；道路旅客运输经营。", "网络预约出租汽车经营服务"),
    "finance": ("一般项目：投资管理；资产管理；企业管理咨询。", "投资管理"),
    "tutoring": ("一般项目：教育咨询服务；技术服务、技术开发。", "教育咨询服务"),
    "religion": ("一般项目：寺庙管理服务；旅游开发项目策划咨询。", "寺庙"),
}


@pytest.mark.parametrize("category", sorted(SCOPES_BY_CATEGORY))
def test_each_category_is_detected_in_a_realistic_business_scope(category: str) -> None:
    text, keyword = SCOPES_BY_CATEGORY[category]
    assert keyword in scanner().categories[category].keywords
    assert (keyword, keyword, False) in found(text + GENERAL_TAIL, category)


def test_a_clean_business_scope_produces_no_hit() -> None:
    text = (
        "一般项目：技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广；软件开发；信息系统集成服务；"
        "广告设计、代理；广告制作；会议及展览服务；市场营销策划；日用百货销售；" + GENERAL_TAIL
    )
    assert hits_of(text) == []


def test_an_empty_text_produces_no_hit() -> None:
    assert hits_of("") == []


def test_a_hit_carries_the_field_it_was_found_in() -> None:
    hit = scanner().scan("program.name", "云启打车")[0]
    assert (hit.field, hit.category, hit.keyword, hit.start, hit.end) == ("program.name", "ride_hailing", "打车", 2, 4)


# --- normalised matching ------------------------------------------------------------------------------


def test_full_width_letters_and_digits_match_with_the_original_span() -> None:
    text = "提供Ｐ２Ｐ信息撮合"
    assert found(text, "finance") == [("P2P", "Ｐ２Ｐ", False)]


def test_letters_match_whatever_their_case() -> None:
    assert found("p2p平台", "finance") == [("P2P", "p2p", False)]


def test_spaces_inside_a_keyword_match_and_the_span_includes_them() -> None:
    text = "经营 互 联 网 金 融 业务"
    hit = hits_of(text, "finance")[0]
    assert (hit.keyword, text[hit.start : hit.end]) == ("互联网金融", "互 联 网 金 融")


def test_zero_width_characters_inside_a_keyword_match() -> None:
    text = "金\u200b融\u2060服\ufeff务"
    assert found(text, "finance") == [("金融服务", text, False)]


def test_full_width_brackets_match_a_keyword_written_with_ascii_brackets() -> None:
    assert ("网络(手机)文化", "网络（手机）文化", False) in found("网络（手机）文化产品", "culture")


def test_a_roman_numeral_keyword_matches_its_compatibility_form() -> None:
    assert found("销售Ⅱ类医疗器械", "drugs_devices") == [("Ⅱ类医疗器械", "Ⅱ类医疗器械", False)]


def test_spans_stay_right_after_characters_that_normalise_to_several() -> None:
    text = "……金融"
    assert found(text, "finance") == [("金融", "金融", False)]
    assert hits_of(text)[0].start == 2


def test_characters_outside_the_basic_plane_match_and_keep_right_spans() -> None:
    text = "𝐀𝐁𝐏𝟐𝐏网贷"  # mathematical bold letters and digits
    assert found(text, "finance") == [("P2P", "𝐏𝟐𝐏", False), ("网贷", "网贷", False)]


def test_normalise_maps_each_normalised_character_back_to_the_original() -> None:
    normalised = normalise("Ａ b\u200bＣ")
    assert normalised.text == "abc"
    assert [normalised.original_span(i, i + 1) for i in range(3)] == [(0, 1), (2, 3), (4, 5)]


# --- overlaps -----------------------------------------------------------------------------------------


def test_a_longer_keyword_hides_the_shorter_one_inside_it_in_the_same_category() -> None:
    assert found("互联网金融信息服务", "finance") == [("互联网金融", "互联网金融", False)]


def test_of_two_crossing_keywords_in_one_category_the_longer_is_kept() -> None:
    # 投资 (0-2) and 资产管理 (1-5) cross; 资产管理 is longer.
    assert found("投资产管理", "finance") == [("资产管理", "资产管理", False)]


def test_a_keyword_shared_by_two_categories_yields_a_hit_for_each() -> None:
    hits = hits_of("网络文化经营")
    assert [(hit.category, hit.keyword, hit.start, hit.end) for hit in hits] == [
        ("culture", "网络文化经营", 0, 6),
        ("broadcasting", "网络文化经营", 0, 6),
    ]


def test_a_keyword_shared_by_two_categories_given_as_pairs_yields_two_hits() -> None:
    shared = KeywordScanner.from_keywords([("演出", "culture"), ("演出", "broadcasting")])
    assert {hit.category for hit in shared.scan(SCOPE, "演出经纪")} == {"culture", "broadcasting"}


def test_overlapping_keywords_of_different_categories_are_both_reported() -> None:
    hits = hits_of("教育出版物发行")
    assert {(hit.category, hit.keyword) for hit in hits} >= {("publishing", "教育出版物"), ("tutoring", "教育")}


def test_hits_are_ordered_by_position() -> None:
    hits = hits_of("保险代理；动漫设计；药品零售")
    assert [hit.start for hit in hits] == sorted(hit.start for hit in hits)


# --- exclusion clauses --------------------------------------------------------------------------------


def test_a_keyword_in_a_bracketed_exclusion_clause_is_excluded() -> None:
    assert found("技术服务（不含金融业务）", "finance") == [("金融", "金融", True)]


def test_every_item_of_a_list_inside_an_exclusion_clause_is_excluded() -> None:
    text = "商务信息咨询（不含金融、类金融、证券、期货业务）"
    assert found(text, "finance") == [
        ("金融", "金融", True),
        ("金融", "金融", True),
        ("证券", "证券", True),
        ("期货", "期货", True),
    ]


def test_the_same_keyword_outside_the_exclusion_clause_is_not_excluded() -> None:
    text = "金融信息服务（不含金融业务）"
    assert [hit.excluded for hit in hits_of(text, "finance")] == [False, True]


def test_an_ascii_bracketed_exclusion_with_a_bracket_inside_runs_to_its_partner() -> None:
    text = "(不含网络(手机)文化)网络文化"
    assert found(text, "culture") == [("网络(手机)文化", "网络(手机)文化", True), ("网络文化", "网络文化", False)]


def test_an_unbracketed_exclusion_ends_at_the_semicolon() -> None:
    assert found("不从事金融业务；投资咨询", "finance") == [("金融", "金融", True), ("投资", "投资", False)]


def test_an_unbracketed_exclusion_ends_at_the_line_end() -> None:
    assert found("不涉及金融、保险\n投资咨询", "finance") == [
        ("金融", "金融", True),
        ("保险", "保险", True),
        ("投资", "投资", False),
    ]


@pytest.mark.parametrize("trigger", ["不含", "不包含", "不含有", "不得从事", "不从事", "不涉及", "不经营"])
def test_each_exclusion_trigger_excludes_the_keyword_after_it(trigger: str) -> None:
    assert found(f"软件开发（{trigger}金融业务）", "finance") == [("金融", "金融", True)]


def test_a_chu_wai_clause_is_excluded_up_to_its_wai() -> None:
    assert found("除金融业务外，投资咨询", "finance") == [("金融", "金融", True), ("投资", "投资", False)]


def test_a_trailing_chu_wai_clause_excludes_what_precedes_it_in_the_bracket() -> None:
    text = "投资咨询（证券、期货业务除外）"
    assert found(text, "finance") == [("投资", "投资", False), ("证券", "证券", True), ("期货", "期货", True)]


def test_wai_inside_a_word_does_not_close_a_chu_wai_clause() -> None:
    assert found("除湿机销售，金融服务外包", "finance") == [("金融服务外包", "金融服务外包", False)]


def test_chu_inside_a_word_does_not_open_an_exclusion() -> None:
    assert found("消除甲醛服务，金融外包", "finance") == [("金融外包", "金融外包", False)]


def test_a_not_approved_sentence_is_excluded_from_wei_jing_on() -> None:
    text = "未经金融监管部门批准，不得从事吸收存款、融资担保、代客理财等金融业务；投资咨询"
    assert [(keyword, excluded) for keyword, _, excluded in found(text, "finance")] == [
        ("金融", True),
        ("融资", True),
        ("理财", True),
        ("金融", True),
        ("投资", False),
    ]


def test_the_standard_approval_tail_is_not_an_exclusion() -> None:
    text = "许可项目：网络文化经营" + STANDARD_TAIL
    assert [hit.excluded for hit in hits_of(text)] == [False, False]
    assert exclusion_clauses(normalise(STANDARD_TAIL).text) == []


def test_the_general_tail_excludes_only_the_approved_items_phrase() -> None:
    text = "一般项目：投资咨询" + GENERAL_TAIL + "投资咨询"
    assert [hit.excluded for hit in hits_of(text, "finance")] == [False, False]
    norm = normalise(GENERAL_TAIL).text
    assert [norm[start:end] for start, end in exclusion_clauses(norm)] == ["除依法须经批准的项目外"]


def test_an_excluded_hit_serialises_with_its_flag() -> None:
    hit = hits_of("（不含金融业务）")[0]
    assert hit.to_dict() == {
        "category": "finance",
        "keyword": "金融",
        "field": SCOPE,
        "start": 3,
        "end": 5,
        "excluded": True,
    }


# --- robustness ---------------------------------------------------------------------------------------

_PIECES = st.sampled_from(
    [
        "金融",
        "互联网金融",
        "投资管理",
        "网络(手机)文化",
        "Ｐ２Ｐ",
        "Ⅱ类医疗器械",
        "不含",
        "不得从事",
        "除",
        "外",
        "除外",
        "未经",
        "批准",
        "（",
        "）",
        "(",
        ")",
        "【",
        "】",
        "；",
        "。",
        "，",
        "、",
        " ",
        "\n",
        "\r\n",
        "\u200b",
        "\u00ad",
        "…",
        "㈱",
        "𝐏",
    ]
)
_ARBITRARY = st.lists(st.one_of(_PIECES, st.text(max_size=6)), max_size=40).map("".join)


@given(_ARBITRARY)
def test_scan_never_raises_and_every_span_lies_inside_the_text(text: str) -> None:
    for hit in scanner().scan(SCOPE, text):
        assert 0 <= hit.start < hit.end <= len(text)
        assert normalise(hit.keyword).text in normalise(text[hit.start : hit.end]).text


@given(st.text())
def test_exclusion_clauses_are_ordered_spans_inside_the_normalised_text(text: str) -> None:
    normalised = normalise(text)
    for start, end in exclusion_clauses(normalised.text, normalised.line_breaks):
        assert 0 <= start <= end <= len(normalised.text)


def test_from_keywords_borrows_the_metadata_of_known_categories() -> None:
    metadata = scanner().categories
    small = KeywordScanner.from_keywords([("打车", "ride_hailing")], metadata)
    category: Category = small.categories["ride_hailing"]
    assert category.keywords == ("打车",)
    assert category.licence == "《网络预约出租汽车经营许可证》"


@settings(max_examples=2000, deadline=None)
@given(st.text(max_size=60))
def test_the_unchanged_text_fast_path_agrees_with_character_by_character_normalisation(text: str) -> None:
    from icpflow.domain.text import _normalise_slowly

    slow = _normalise_slowly(text)
    fast = normalise(text)
    assert fast.text == slow.text
    if fast.origin is not None:
        assert list(fast.origin) == list(slow.origin or ())
