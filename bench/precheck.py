"""Benchmark: the full pre-check against its parse-only floor, side by side in one run.

    .venv/bin/python bench/precheck.py [--filings 10000] [--rounds 5]

Generates N realistic filings (31 provinces, five subject natures, both program types, business
scopes with and without pre-approval keywords, a share of common mistakes), serialises them to JSON,
then times, in interleaved rounds over the same bytes:

  floor  pydantic validation of the documents (`DOCUMENT_ADAPTER.validate_json`), nothing else;
  full   the whole pre-check of `icpflow check --no-images`: parse + every rule in force + report dict.

Every filing has distinct ID numbers, phones and e-mails, and the validators' caches are cleared before
each full round, so the figures are for a cold batch (the caches only help real batches, where one
company's principals recur). Ratios are what to compare across machines; absolute figures drift.
Target (issue #2): full <= 3x floor.
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
from icpflow.domain import contacts, credit_code, identifiers
from icpflow.domain.document import DOCUMENT_ADAPTER
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


def generate(n: int, seed: int = 20261122) -> list[bytes]:
    rng = random.Random(seed)
    provinces = sorted(PROVINCE_DISTRICTS)
    out = []
    for i in range(n):
        doc: dict[str, Any] = make_filing(
            rng.choice(provinces), nature=rng.choice(NATURES),
            program_type=rng.choice(["mini_program", "mini_program", "mini_game"]), seq=i + 1,
        )
        subject = doc["subject"]
        if subject["nature"] != "individual":
            subject["certificate"]["business_scope"] = rng.choice(SCOPES)
        roll = rng.random()
        if roll < 0.05:
            subject["principal"]["emergency_phone"] = subject["principal"]["mobile"]
        elif roll < 0.10:
            subject["principal"]["id_valid_to"] = "2026-12-01"
        elif roll < 0.15:
            doc["program"]["count_under_subject"] = rng.randint(2, 40)
        out.append(json.dumps(doc, ensure_ascii=False).encode())
    return out


def _clear_caches() -> None:
    for value in [*vars(identifiers).values(), *vars(contacts).values(), *vars(credit_code).values()]:
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--filings", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    checker = build_checker(Settings())
    clock = FrozenClock("2026-11-22")
    docs = generate(args.filings)
    time_full(docs[:200], checker, clock)  # warm imports, catalogue cache, automaton
    floors, fulls = [], []
    blocked = 0
    gc.disable()
    try:
        for _ in range(args.rounds):  # interleaved, so drift hits both alike
            floors.append(time_floor(docs))
            elapsed, blocked = time_full(docs, checker, clock)
            fulls.append(elapsed)
    finally:
        gc.enable()
    floor, full = statistics.median(floors), statistics.median(fulls)
    n = len(docs)
    ratio = full / floor
    print(f"filings: {n} ({blocked} blocked, {n - blocked} ready); rounds: {args.rounds} (median)")
    print(f"parse-only floor : {n / floor:10,.0f} filings/s  ({floor / n * 1e6:7.1f} us/filing)")
    print(f"full pre-check   : {n / full:10,.0f} filings/s  ({full / n * 1e6:7.1f} us/filing)")
    print(f"ratio full/floor : {ratio:.2f}x   target <= 3.00x   {'PASS' if ratio <= 3 else 'FAIL'}")
    print("command: .venv/bin/python bench/precheck.py " + " ".join(sys.argv[1:]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
