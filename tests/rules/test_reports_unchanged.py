"""The engine's reports for a seeded corpus of documents are exactly the ones recorded (a differential guard).

The pre-check engine is optimised for speed (dispatch tables, fast paths, lazy facts); this test holds it
to the reports it gave before, byte for byte, over 3,000 generated documents (`corpus/`: every province
and nature, all five kinds, broken identifiers, odd phones, keyword hits, letters, images, unreadable
documents) judged by three checkers (defaults; each example override file with other validity settings).

The digest was recorded with the engine before the optimisation of issue #2 and refreshed once since, for a
fix: 19 lines where the check used to raise `KeyError` (an address or resident ID in 香港/澳门/台湾 or an
unknown province code reached `RegionTable.province_name`) are now reports, and no other line changed
(`tests/rules/test_outside_mainland.py` holds the cases).

Only a digest is stored. After a deliberate change to rules, keywords or messages, refresh it with
`python -m tests.rules.test_reports_unchanged --digest` and say why in the commit; to find which reports
changed, dump them before and after with `--dump FILE` and diff the two files.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from icpflow.bootstrap import build_checker
from icpflow.config import Settings
from icpflow.domain.rules import engine
from icpflow.domain.rules.engine import Checker
from icpflow.services.precheck import check_raw
from icpflow.testing import FrozenClock, StaticImageProbe

from .corpus import corpus

SIZE = 3000
SEED = 20261122
OVERRIDES = Path(__file__).resolve().parent.parent.parent / "examples" / "overrides"
#: sha256 of every report line `reports()` yields, in order (see the module docstring to refresh).
EXPECTED_DIGEST = "6ac088eb655b8ad17a376fc7afa28d72774f8a15a4deb30707c5ff4255d8fb35"


@functools.cache
def checkers() -> tuple[tuple[str, Checker], ...]:
    return (
        ("default", build_checker(Settings())),
        ("chongqing", build_checker(Settings(rules_override_file=OVERRIDES / "chongqing-subject-supplementary.toml",
                                             letter_max_age_months=2))),
        ("wechat", build_checker(Settings(rules_override_file=OVERRIDES / "wechat-policy.toml",
                                          certificate_validity_months=1))),
    )


def reports(size: int = SIZE, seed: int = SEED) -> Iterator[str]:
    """One line per (document, checker): the outcome's JSON as the CLI would print it."""
    clock = FrozenClock("2026-11-22")
    judges = checkers()
    for i, (raw, facts) in enumerate(corpus(size, seed)):
        # Every document by the default checker; every fifth also by the two with overrides.
        for name, checker in judges if i % 5 == 0 else judges[:1]:
            probe = StaticImageProbe(facts) if facts is not None else None
            try:
                outcome = check_raw(raw, source=f"{i}:{name}", checker=checker, clock=clock, probe=probe)
            except Exception as exc:  # a rule must never raise: recorded so the digest cannot hide it
                yield f"{i}:{name} raised {exc!r}"
                continue
            yield json.dumps(outcome.to_dict(), ensure_ascii=False)


def digest(lines: Iterator[str]) -> str:
    h = hashlib.sha256()
    for line in lines:
        h.update(line.encode())
        h.update(b"\n")
    return h.hexdigest()


def test_the_reports_of_the_seeded_corpus_are_exactly_the_recorded_ones() -> None:
    lines = list(reports())
    assert [line for line in lines if " raised " in line[:40]] == []  # a document never crashes the check
    assert digest(iter(lines)) == EXPECTED_DIGEST, (
        "the engine's reports changed: if deliberate, refresh the digest (see the module docstring)"
    )


def test_leaving_out_the_evaluators_that_cannot_apply_to_a_case_changes_no_report(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`@evaluator(..., applies=...)` lets the engine skip an evaluator in cases where it returns at once;
    with every evaluator run in every case, the reports are the same."""
    clock = FrozenClock("2026-11-22")
    documents = corpus(800, SEED + 1)

    def outcomes() -> list[str]:
        checker = build_checker(Settings())  # a new catalogue: no plan cached from before
        lines = []
        for raw, facts in documents:
            probe = StaticImageProbe(facts) if facts is not None else None
            outcome = check_raw(raw, source="applies", checker=checker, clock=clock, probe=probe)
            lines.append(json.dumps(outcome.to_dict(), ensure_ascii=False))
        return lines

    pruned = outcomes()
    monkeypatch.setattr(engine, "APPLIES", {})
    assert outcomes() == pruned


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=SIZE)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--dump", type=Path, help="write every report line to this file")
    parser.add_argument("--digest", action="store_true", help="print the digest to store in EXPECTED_DIGEST")
    args = parser.parse_args()
    lines = list(reports(args.size, args.seed))
    if args.dump:
        args.dump.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    sys.stdout.write(digest(iter(lines)) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
