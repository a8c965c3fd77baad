"""Benchmark: pre-approval keyword scanning speed with 100 and with 10,000 keywords (not a test).

Target (see `icpflow.domain.preapproval`): scan time grows at most 1.5x when the keyword list grows from
100 to 10,000. Both scanners hold the same 100 real keywords (so they report exactly the same hits); the
large one adds 9,900 generated 2-6 character Chinese pseudo-keywords that occur nowhere in the corpus.
Both scan the same corpus of realistic business scopes, mini-program descriptions and subject names, in
the same run, for several interleaved rounds; the median round of each is compared.

    .venv/bin/python bench/keywords.py [--texts 2400] [--rounds 7] [--seed 20240601]
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
import tomllib
from importlib import resources

import ahocorasick

from icpflow.domain.preapproval import KeywordScanner
from icpflow.domain.text import normalise

TARGET_RATIO = 1.5

GENERAL_ITEMS = [
    "技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广",
    "软件开发",
    "信息系统集成服务",
    "信息技术咨询服务",
    "数据处理和存储支持服务",
    "网络技术服务",
    "广告设计、代理",
    "广告制作",
    "广告发布",
    "会议及展览服务",
    "市场营销策划",
    "企业管理咨询",
    "办公用品销售",
    "日用百货销售",
    "电子产品销售",
    "计算机软硬件及辅助设备零售",
    "家用电器销售",
    "服装服饰零售",
    "食品销售（仅销售预包装食品）",
    "餐饮管理",
    "物业管理",
    "园林绿化工程施工",
    "建筑材料销售",
    "五金产品零售",
    "货物进出口",
    "技术进出口",
    "互联网销售（除销售需要许可的商品）",
    "平面设计",
    "摄影扩印服务",
    "礼仪服务",
    "健身休闲活动",
    "体育用品及器材零售",
    "汽车租赁",
    "旅游开发项目策划咨询",
    "票务代理服务",
    "家政服务",
    "化妆品零售",
    "宠物食品及用品零售",
    "人力资源服务（不含职业中介活动、劳务派遣服务）",
    "专业设计服务",
    "文具用品零售",
    "工艺美术品及收藏品零售（象牙及其制品除外）",
    "电子商务平台的开发建设",
    "第二类增值电信业务",
    "卫生用品和一次性使用医疗用品销售",
    "农产品的生产、销售、加工、运输、贮藏及其他相关服务",
]
KEYWORD_ITEMS = [
    "组织文化艺术交流活动",
    "动漫游戏开发",
    "音乐制作",
    "演出经纪",
    "出版物零售",
    "第二类医疗器械销售",
    "药品零售",
    "中药材种植",
    "教育咨询服务（不含涉许可审批的教育培训活动）",
    "投资管理",
    "资产管理",
    "网络预约出租汽车经营服务",
    "互联网新闻信息服务",
    "视频制作",
    "网络文化经营",
    "保险代理业务",
    "股权投资",
    "融资租赁业务",
    "第三方支付",
    "寺庙管理",
    "远程教育",
    "医疗咨询",
]
EXCLUSIONS = [
    "（不含金融、类金融、证券、期货业务）",
    "（未经金融等监管部门批准，不得从事吸收存款、融资担保、代客理财、向社会公众集（融）资等金融业务）",
    "（不得从事互联网新闻信息服务）",
]
GENERAL_TAIL = "（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）"
LICENSED_TAIL = "（依法须经批准的项目，经相关部门批准后方可开展经营活动，具体经营项目以相关部门批准文件或许可证件为准）"
PLACES = ["北京", "上海", "杭州", "深圳", "成都", "武汉", "西安", "南京", "重庆", "厦门", "长沙", "郑州"]
NAME_WORDS = ["云启", "星河", "蓝鲸", "智远", "百川", "新禾", "优选", "青橙", "易达", "锦程", "华拓", "慧联"]
NAME_KINDS = ["科技", "网络科技", "信息技术", "文化传媒", "电子商务", "贸易", "健康科技", "教育科技"]
SERVICES = ["在线点餐", "门店预约", "商品展示", "会员积分", "活动报名", "物流查询", "在线客服", "优惠券领取"]


def business_scope(rng: random.Random) -> str:
    general = rng.sample(GENERAL_ITEMS, rng.randint(7, 14))
    general += rng.sample(KEYWORD_ITEMS, rng.randint(0, 2))
    rng.shuffle(general)
    if rng.random() < 0.3:
        general.append(rng.choice(EXCLUSIONS))
    scope = "一般项目：" + "；".join(general) + "。" + GENERAL_TAIL
    if rng.random() < 0.5:
        licensed = rng.sample(["第二类增值电信业务", "食品经营", "出版物零售", "网络文化经营", "演出经纪"], 2)
        scope += "许可项目：" + "；".join(licensed) + LICENSED_TAIL
    return scope


def description(rng: random.Random) -> str:
    features = "、".join(rng.sample(SERVICES, 3))
    topic = rng.choice([*GENERAL_ITEMS[:20], *KEYWORD_ITEMS[:6]])
    return (
        f"本小程序是{rng.choice(PLACES)}{rng.choice(NAME_WORDS)}面向本地用户的服务工具，提供{features}等功能，"
        f"主要涉及{topic}相关信息展示与预约，不提供在线支付以外的金融服务。用户可在小程序内查看门店地址、"
        f"营业时间和服务价格，并通过在线客服咨询售后问题。"
    )


def subject_name(rng: random.Random) -> str:
    return f"{rng.choice(PLACES)}{rng.choice(NAME_WORDS)}{rng.choice(NAME_KINDS)}有限公司"


def corpus(rng: random.Random, size: int) -> list[str]:
    texts: list[str] = []
    while len(texts) < size:
        roll = rng.random()
        texts.append(business_scope(rng) if roll < 0.7 else description(rng) if roll < 0.9 else subject_name(rng))
    return texts


def pseudo_keywords(rng: random.Random, count: int, texts: list[str]) -> list[str]:
    """2-6 character Chinese strings that occur in no (normalised) text of the corpus.

    Most characters come from the corpus itself, so the automaton follows them part of the way (the
    realistic, harder case); the rest from the common CJK block.
    """
    haystack = "\n".join(normalise(text).text for text in texts)
    alphabet = sorted({ch for ch in haystack if "\u4e00" <= ch <= "\u9fff"})
    chosen: set[str] = set()
    while len(chosen) < count:
        candidates: set[str] = set()
        while len(candidates) < 2 * (count - len(chosen)):
            candidates.add(
                "".join(
                    rng.choice(alphabet) if rng.random() < 0.7 else chr(rng.randint(0x4E00, 0x9FA5))
                    for _ in range(rng.randint(2, 6))
                )
            )
        automaton = ahocorasick.Automaton()
        for candidate in candidates:
            automaton.add_word(candidate, candidate)
        automaton.make_automaton()
        found = {match for _, match in automaton.iter(haystack)}
        for candidate in sorted(candidates - found - chosen):
            if len(chosen) == count:
                break
            chosen.add(candidate)
    return sorted(chosen)


def scan_all(scanner: KeywordScanner, texts: list[str]) -> float:
    start = time.perf_counter()
    for text in texts:
        scanner.scan("subject.certificate.business_scope", text)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=2400)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)

    table = tomllib.loads(resources.files("icpflow").joinpath("data/preapproval_keywords.toml").read_text("utf-8"))
    full = KeywordScanner.from_mapping(table)
    real_pairs = [(kw, code) for code, cat in full.categories.items() for kw in cat.keywords]
    rng.shuffle(real_pairs)
    small_pairs = real_pairs[:100]
    texts = corpus(rng, args.texts)
    pseudo = pseudo_keywords(rng, 10_000 - len(small_pairs), texts)
    codes = sorted(full.categories)
    large_pairs = small_pairs + [(kw, rng.choice(codes)) for kw in pseudo]

    build = time.perf_counter()
    small = KeywordScanner.from_keywords(small_pairs, full.categories)
    build_small = time.perf_counter() - build
    build = time.perf_counter()
    large = KeywordScanner.from_keywords(large_pairs, full.categories)
    build_large = time.perf_counter() - build

    chars = sum(len(text) for text in texts)
    same = all(small.scan("f", text) == large.scan("f", text) for text in texts)
    hits = sum(len(small.scan("f", text)) for text in texts)
    for scanner in (small, large, full):  # warm-up: caches, branch predictors
        scan_all(scanner, texts[:200])

    scopes = [text for text in texts if text.startswith("一般项目")]
    times: dict[str, list[float]] = {"small": [], "large": [], "full": [], "scopes": []}
    scanners = {"small": small, "large": large, "full": full}
    gc.disable()
    try:
        for round_ in range(args.rounds):
            order = ["small", "large", "full"] if round_ % 2 == 0 else ["large", "small", "full"]
            for name in order:
                times[name].append(scan_all(scanners[name], texts))
            times["scopes"].append(scan_all(full, scopes))
    finally:
        gc.enable()

    median = {name: statistics.median(values) for name, values in times.items()}
    ratio = median["large"] / median["small"]
    print(
        f"python {sys.version.split()[0]}; corpus: {len(texts)} texts, {chars} chars "
        f"(mean {chars / len(texts):.0f} chars/text), {hits} hits per pass with the 100-keyword scanner"
    )
    print(f"same hits from both scanners: {same}")
    print(f"build: 100 keywords {build_small * 1e3:.1f} ms, {large.keyword_count} keywords {build_large * 1e3:.1f} ms")
    for name, label in (
        ("small", f"{small.keyword_count:>6} keywords"),
        ("large", f"{large.keyword_count:>6} keywords"),
        ("full", f"{full.keyword_count:>6} keywords (the real table)"),
    ):
        seconds = median[name]
        print(
            f"{label}: median {seconds * 1e3:7.1f} ms/pass, {chars / seconds / 1e6:5.2f} M chars/s, "
            f"{seconds / len(texts) * 1e6:5.1f} us/text  (rounds: "
            + ", ".join(f"{value * 1e3:.1f}" for value in times[name])
            + ")"
        )
    scope_chars = sum(len(text) for text in scopes)
    print(
        f"business scopes only ({len(scopes)}, mean {scope_chars / len(scopes):.0f} chars), real table: "
        f"{median['scopes'] / len(scopes) * 1e6:.1f} us/scope"
    )
    verdict = "PASS" if ratio <= TARGET_RATIO and same else "FAIL"
    print(f"ratio 10,000-keyword time / 100-keyword time = {ratio:.3f} (target <= {TARGET_RATIO}): {verdict}")
    print(
        f"reproduce: .venv/bin/python bench/keywords.py --texts {args.texts} --rounds {args.rounds} --seed {args.seed}"
    )
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    raise SystemExit(main())
