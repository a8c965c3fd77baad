"""Benchmark: the full pre-check against its parse-only floor, side by side in one run.

    .venv/bin/python bench/precheck.py [--filings 10000] [--rounds 5]

Generates N realistic filings (31 provinces, five subject natures, both program types, business
scopes with and without pre-approval keywords, a share of common mistakes), serialises them to JSON,
then times, in interleaved rounds over the same bytes:

  floor  pydantic validation of the documents (`DOCUMENT_ADAPTER.validate_json`), nothing else;
  full   the whole pre-check of `icpflow check --no-images`: parse + every rule in force + report dict.

Two batches are measured, each against its own floor:

  distinct  every filing has its own subject and people (the worst case: nothing repeats);
  batch     five mini-programs per subject, as a service provider files for its clients (the
            subject's certificate, principals and phones repeat; programs, appids, names differ).

The memos keyed by document content (validators, region-code look-ups) are cleared before each full
round, so repeats within a round are the only ones that help. Ratios are what to compare across machines;
absolute figures drift. Each round's own full/floor ratio is printed too: on a busy machine their spread
says how far to trust the medians. Target (issue #2): full <= 3x floor.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import sys
import time
from typing import Any

from icpflow.bootstrap import build_checker
from icpflow.config import Settings
from icpflow.domain import contacts, credit_code, identifiers, region_addresses, regions
from icpflow.domain.document import DOCUMENT_ADAPTER
from icpflow.domain.rules import subject as rules_subject
from icpflow.services.precheck import check_raw
from icpflow.testing import PROVINCE_DISTRICTS, FrozenClock, make_filing

SCOPES = [
    "技术开发、技术服务、技术咨询；软件开发；计算机系统服务。",
    "网络技术服务；信息咨询服务（不含许可类信息咨询服务）；广告设计、代理；组织文化艺术交流活动。",
    "餐饮管理；食品销售（仅销售预包装食品）；日用百货销售；互联网销售（除销售需要许可的商品）。",
    "投资管理；资产管理；财务咨询（不含金融业务）；企业管理咨询。",
    "教育咨询服务（不含涉许可审批的教育培训活动）；图书、报刊零售；音像制品零售。",
    "第二类医疗器械销售；保健食品（预包装）销售；化妆品零售；中药饮片零售。",
    "网约车技术服务；汽车租赁；停车场服务；小程序开发。",
]
NATURES = ["enterprise", "enterprise", "enterprise", "individual", "individual_business", "public_institution"]


PROGRAMS = [
    ("鲜果日记", "记录每日饮食并提供健康饮食小知识的工具，用户可以打卡、查看历史记录和设置提醒。"),
    ("社区团购助手", "社区团购订单汇总与提货通知工具，团长发布商品、居民下单后到自提点提货。"),
    ("停车缴费", "停车场在线缴费与月卡办理，车主扫码查询停车时长并支付停车费用。"),
    ("读书打卡", "记录每日阅读进度、撰写读书笔记并与好友分享书单的阅读习惯养成工具。"),
    ("方块消消乐", "一款休闲消除类小游戏，玩家交换相邻方块凑成三个同色即可消除，闯关获得星星。"),
]


def generate(n: int, per_subject: int = 1, seed: int = 20261122) -> list[bytes]:
    """`n` filings; `per_subject` consecutive ones share a subject (and its people and numbers)."""
    rng = random.Random(seed)
    provinces = sorted(PROVINCE_DISTRICTS)
    out = []
    subject_args: dict[str, Any] = {}
    for i in range(n):
        if i % per_subject == 0:
            subject_args = {"province": rng.choice(provinces), "nature": rng.choice(NATURES),
                            "scope": rng.choice(SCOPES), "roll": rng.random()}
        program_type = rng.choice(["mini_program", "mini_program", "mini_game"])
        doc: dict[str, Any] = make_filing(subject_args["province"], nature=subject_args["nature"],
                                          program_type=program_type, seq=i // per_subject + 1)
        name, description = PROGRAMS[rng.randrange(len(PROGRAMS))]
        doc["program"].update(appid=f"tt{i:016x}", name=f"{name}{i}", description=description,
                              count_under_subject=per_subject)
        subject = doc["subject"]
        if subject["nature"] != "individual":
            subject["certificate"]["business_scope"] = subject_args["scope"]
        roll = subject_args["roll"]
        if roll < 0.05:
            subject["principal"]["emergency_phone"] = subject["principal"]["mobile"]
        elif roll < 0.10:
            subject["principal"]["id_valid_to"] = "2026-12-01"
        out.append(json.dumps(doc, ensure_ascii=False).encode())
    return out


def _clear_caches() -> None:
    """Empty every memo keyed by what documents contain: validators, and region-code look-ups."""
    for module in (identifiers, contacts, credit_code, regions, region_addresses, rules_subject):
        for value in vars(module).values():
            clear = getattr(value, "cache_clear", None)
            if callable(clear):
                clear()


def time_floor(docs: list[bytes]) -> float:
    validate = DOCUMENT_ADAPTER.validate_json
    start = time.perf_counter()
    for raw in docs:
        validate(raw)
    return time.perf_counter() - start


def time_full(docs: list[bytes], checker: Any, clock: Any) -> tuple[float, int]:
    _clear_caches()
    blocked = 0
    start = time.perf_counter()
    for raw in docs:
        outcome = check_raw(raw, source="bench", checker=checker, clock=clock)
        body = outcome.to_dict()
        blocked += body["exit_code"] == 1
    return time.perf_counter() - start, blocked


def measure(docs: list[bytes], rounds: int, checker: Any, clock: Any) -> tuple[float, float, int, list[float]]:
    """Median floor, median full, blocked count, and each round's full/floor ratio."""
    time_full(docs[:200], checker, clock)  # warm imports, catalogue cache, automaton
    floors, fulls = [], []
    blocked = 0
    gc.disable()
    try:
        for _ in range(rounds):  # interleaved, so drift hits both alike
            floors.append(time_floor(docs))
            elapsed, blocked = time_full(docs, checker, clock)
            fulls.append(elapsed)
    finally:
        gc.enable()
    paired = sorted(full / floor for full, floor in zip(fulls, floors, strict=True))
    return statistics.median(floors), statistics.median(fulls), blocked, paired


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--filings", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    checker = build_checker(Settings())
    clock = FrozenClock("2026-11-22")
    n = args.filings
    print(f"filings per batch: {n}; rounds: {args.rounds} (median); Python {sys.version.split()[0]}")
    for label, per_subject in (("distinct", 1), ("batch", 5)):
        docs = generate(n, per_subject)
        floor, full, blocked, paired = measure(docs, args.rounds, checker, clock)
        ratio = full / floor
        print(f"\n[{label}] {'every filing its own subject' if per_subject == 1 else '5 mini-programs per subject'}"
              f" ({blocked} blocked, {n - blocked} ready)")
        print(f"  parse-only floor : {n / floor:10,.0f} filings/s  ({floor / n * 1e6:7.1f} us/filing)")
        print(f"  full pre-check   : {n / full:10,.0f} filings/s  ({full / n * 1e6:7.1f} us/filing)")
        print(f"  ratio full/floor : {ratio:.2f}x   target <= 3.00x   {'PASS' if ratio <= 3 else 'FAIL'}")
        print(f"  round by round   : {' '.join(f'{r:.2f}' for r in paired)}  (each round's full/floor, sorted)")
    print("\ncommand: .venv/bin/python bench/precheck.py " + " ".join(sys.argv[1:]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
